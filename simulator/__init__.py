"""CRM Lab's simulator: synthetic shops and their customers' whole histories, with a hidden truth.

Public API::

    world = simulate(n_customers=10_000, seed=1)      # observed tables + world.truth
    clean, dq = simulate_pair(seed=1)                 # both data-quality variants from one simulation
    world = simulate_lazy(seed=1)                     # each table generated when first used (same bytes)
    world.save("out/world")                           # Parquet (or format="csv"), truth/ beside
    simulate_to("out/world", n_customers=1_000_000)   # the same files, streamed block by block
    world = load("out/world")
    seed = student_seed(course_key, "s12345")          # keyed per-student seed

Names are imported on first use (PEP 562), so a notebook that only loads a saved world does not pay for
the generator's imports (SciPy and the rest, about a second).
"""

from importlib import import_module

_HOME = {"simulate": "engine", "simulate_pair": "engine", "simulate_lazy": "lazy", "simulate_to": "stream",
         "load": "world", "student_seed": "seeding",
         "summarize": "summary", "World": "world", "Truth": "world", "WorldIOError": "world", "SimConfig": "config",
         "ConfigError": "config", "MODES": "config", "CROSS_BORDER_LOCALES": "config"}

__all__ = list(_HOME)


def __getattr__(name: str):
    if name in _HOME:
        value = getattr(import_module(f".{_HOME[name]}", __name__), name)
        globals()[name] = value
        return value
    try:  # a submodule (``simulator.config`` …), as an eagerly imported package would have it
        return import_module(f".{name}", __name__)
    except ModuleNotFoundError:
        pass
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_HOME))
