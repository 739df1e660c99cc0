"""CRM Lab's simulator: synthetic shops and their customers' whole histories, with a hidden truth.

Public API::

    world = simulate(n_customers=10_000, seed=1)      # observed tables + world.truth
    world.save("out/world")                           # Parquet (or format="csv"), truth/ beside
    world = load("out/world")
    seed = student_seed(course_key, "s12345")          # keyed per-student seed
"""

from .config import CROSS_BORDER_LOCALES, MODES, ConfigError, SimConfig
from .engine import simulate
from .seeding import student_seed
from .summary import summarize
from .world import Truth, World, WorldIOError, load

__all__ = ["simulate", "load", "student_seed", "summarize", "World", "Truth", "SimConfig", "ConfigError",
           "WorldIOError", "MODES", "CROSS_BORDER_LOCALES"]
