"""The validated parameters of one simulated world, and the fixed constants of its calendar."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

MODES = ("lifecycle", "btyd", "mixed")
DOMESTIC_LOCALE = "zh_CN"
CROSS_BORDER_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "ja_JP", "en_AU")
BLOCK_SIZE = 25_000  # customers per generation block; fixed so output never depends on --workers


class ConfigError(ValueError):
    """A parameter is out of range; the message is one line meant for the user."""


@dataclass(frozen=True)
class SimConfig:
    """Everything that determines a world, besides the package versions.

    Times are naive timestamps; ``start`` is inclusive and ``end`` exclusive (the horizon).
    """

    n_customers: int = 10_000
    n_shops: int = 6
    start: pd.Timestamp = field(default_factory=lambda: pd.Timestamp("2024-01-01"))
    end: pd.Timestamp = field(default_factory=lambda: pd.Timestamp("2026-01-01"))
    mode: str = "lifecycle"
    locales: tuple[str, ...] = CROSS_BORDER_LOCALES
    data_quality: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        start, end = pd.Timestamp(self.start), pd.Timestamp(self.end)
        object.__setattr__(self, "start", start.normalize())
        object.__setattr__(self, "end", end.normalize())
        object.__setattr__(self, "locales", tuple(self.locales))
        if not isinstance(self.n_customers, int) or self.n_customers < 1:
            raise ConfigError(f"n_customers must be a positive integer, got {self.n_customers!r}")
        if not isinstance(self.n_shops, int) or self.n_shops < 1:
            raise ConfigError(f"n_shops must be a positive integer, got {self.n_shops!r}")
        if self.n_shops > 99:
            raise ConfigError(f"n_shops must be at most 99, got {self.n_shops}")
        if self.end <= self.start:
            raise ConfigError(f"end ({self.end.date()}) must be after start ({self.start.date()})")
        if (self.end - self.start).days < 28:
            raise ConfigError("the horizon must be at least 4 weeks long")
        if self.mode not in MODES:
            raise ConfigError(f"unknown mode {self.mode!r}; choose one of {', '.join(MODES)}")
        unknown = [loc for loc in self.locales if loc not in CROSS_BORDER_LOCALES]
        if unknown:
            raise ConfigError(f"unknown locale {unknown[0]!r}; choose from {', '.join(CROSS_BORDER_LOCALES)}")
        if not self.locales:
            raise ConfigError("locales must name at least one cross-border buyer locale")
        if not isinstance(self.seed, int) or not 0 <= self.seed < 2**63:
            raise ConfigError(f"seed must be an integer in [0, 2**63), got {self.seed!r}")

    @property
    def n_weeks(self) -> int:
        """Number of whole or partial weeks in the horizon."""
        return -(-(self.end - self.start).days // 7)

    @property
    def n_blocks(self) -> int:
        """Number of customer blocks."""
        return -(-self.n_customers // BLOCK_SIZE)

    def to_json(self) -> dict:
        """Parameters as JSON-ready values (dates as ISO strings)."""
        d = asdict(self)
        d["start"], d["end"] = str(self.start.date()), str(self.end.date())
        d["locales"] = list(self.locales)
        return d


def make_config(*, start="2024-01-01", end="2026-01-01", locales=CROSS_BORDER_LOCALES, **kwargs) -> SimConfig:
    """The validated :class:`SimConfig` of ``simulate``'s world keywords (same defaults).

    Here rather than in ``engine`` so that a lazy world (``simulator.lazy``) validates its keywords without
    importing the generator's modules.
    """
    return SimConfig(start=pd.Timestamp(start), end=pd.Timestamp(end), locales=tuple(locales), **kwargs)
