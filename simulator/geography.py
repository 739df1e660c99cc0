"""Where customers live: one curated table of (locale, country, province/state, city, weight).

Country, province and city are drawn jointly from this table, never independently (Faker's zh_CN address
provider draws them independently and produces cities in the wrong province). Weights are approximate
populations in millions; they only set relative frequencies.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

# locale → country (ISO 3166-1), currency (ISO 4217), CNY per unit, language, phone calling code
LOCALE_INFO = {
    "zh_CN": {"country": "CN", "currency": "CNY", "fx_rate_to_cny": 1.0, "language": "zh", "calling_code": "86"},
    "en_US": {"country": "US", "currency": "USD", "fx_rate_to_cny": 7.2, "language": "en", "calling_code": "1"},
    "en_GB": {"country": "GB", "currency": "GBP", "fx_rate_to_cny": 9.1, "language": "en", "calling_code": "44"},
    "de_DE": {"country": "DE", "currency": "EUR", "fx_rate_to_cny": 7.8, "language": "de", "calling_code": "49"},
    "fr_FR": {"country": "FR", "currency": "EUR", "fx_rate_to_cny": 7.8, "language": "fr", "calling_code": "33"},
    "ja_JP": {"country": "JP", "currency": "JPY", "fx_rate_to_cny": 0.048, "language": "ja", "calling_code": "81"},
    "en_AU": {"country": "AU", "currency": "AUD", "fx_rate_to_cny": 4.7, "language": "en", "calling_code": "61"},
}


@lru_cache(maxsize=1)
def load_geography() -> pd.DataFrame:
    """The geography table: columns locale, country, province, city, weight (one row per city)."""
    with resources.files("simulator.data").joinpath("geography.csv").open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype={"weight": float})


def draw_places(locale: str, n: int, *, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` (province, city) pairs for ``locale``, drawn by population weight; two arrays of shape (n,)."""
    geo = load_geography()
    sub = geo[geo["locale"] == locale]
    w = sub["weight"].to_numpy()
    idx = rng.choice(len(sub), size=n, p=w / w.sum())
    return sub["province"].to_numpy()[idx], sub["city"].to_numpy()[idx]
