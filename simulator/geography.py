"""Where customers live and how their country writes a phone number.

Country, province and city are drawn jointly from one curated table (``data/geography.csv``: locale,
country, province, city, weight), never independently: Faker's zh_CN address provider draws them
independently and puts cities in the wrong province. Weights are approximate populations in millions; they
only set relative frequencies within a locale. Phone numbers follow per-locale templates from
:mod:`simulator.data.words`.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from .data.words import PHONE_DIGITS, PHONE_FORMATS

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
PHONE_WIDTH = max(len(t) for formats in PHONE_FORMATS.values() for t in formats)  # characters


@lru_cache(maxsize=1)
def load_geography() -> pd.DataFrame:
    """The curated geography table, one row per city (cached; do not modify the returned frame).

    Returns
    -------
    pandas.DataFrame
        Columns ``locale, country, province, city`` (str) and ``weight`` (float64, population in millions).
    """
    with resources.files("crmlab.simulator.data").joinpath("geography.csv").open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype={"weight": float})


def draw_places(locale: str, n: int, *, rng: np.random.Generator) -> np.ndarray:
    """``n`` places of ``locale``, drawn by population weight, as row positions in :func:`load_geography`.

    Country, province and city are then read from the same row, so they are always consistent.

    Returns
    -------
    numpy.ndarray of int64
        Shape ``(n,)``, positions (``iloc``) into the geography table.
    """
    geo = load_geography()
    rows = np.flatnonzero((geo["locale"] == locale).to_numpy())
    if len(rows) == 0:
        raise KeyError(f"no geography for locale {locale!r}")
    w = geo["weight"].to_numpy()[rows]
    return rows[rng.choice(len(rows), size=n, p=w / w.sum())]


def _fill_template(template: str, k: int, rng: np.random.Generator) -> np.ndarray:
    """``k`` copies of ``template`` with each placeholder replaced by a random digit of its set."""
    raw = np.frombuffer(template.encode("ascii"), dtype=np.uint8)
    mat = np.repeat(raw[None, :], k, axis=0)
    for mark, allowed in PHONE_DIGITS.items():
        cols = np.flatnonzero(raw == ord(mark))
        if len(cols):
            choices = np.frombuffer(allowed.encode("ascii"), dtype=np.uint8)
            mat[:, cols] = choices[rng.integers(0, len(choices), (k, len(cols)))]
    return mat.view(f"S{len(raw)}").ravel()


def draw_phones(locale: str, n: int, *, rng: np.random.Generator) -> np.ndarray:
    """``n`` phone numbers written the way ``locale``'s country writes them (random digits, not unique).

    zh_CN gives CN mobiles ``1[3-9]`` + 9 digits, plain (``13800138000``) or grouped (``138 0013 8000``);
    other locales give the international form with the calling code (``+44 7911 123456``).

    Returns
    -------
    numpy.ndarray
        ASCII bytes, dtype ``S{PHONE_WIDTH}``, shape ``(n,)`` (``.astype(str)`` for Python strings;
        bytes keep a million numbers free of Python objects).
    """
    formats = PHONE_FORMATS[locale]
    which = rng.integers(0, len(formats), n)
    out = np.zeros(n, dtype=f"S{PHONE_WIDTH}")
    for j, template in enumerate(formats):
        sel = np.flatnonzero(which == j)
        out[sel] = _fill_template(template, len(sel), rng)
    return out
