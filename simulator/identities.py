"""Names, e-mails, phones and companies: Faker renders text only, from seeded per-locale pools.

For each locale one ``Faker(locale)`` instance, seeded with its own stream, draws a few hundred family
names, given names, ASCII user-name stems, companies and job titles once; customers are then rendered by
numpy sampling from those pools (Faker per row is ~50× slower and its zh_CN e-mails collide). E-mails are
unique by construction (``user`` + customer number); places come from :mod:`simulator.geography`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from faker import Faker

from .geography import LOCALE_INFO, draw_places
from .seeding import stream_int

POOL_SEED = 20_240_101  # pools are shared by all worlds: only the sampling depends on the world seed
EMAIL_DOMAINS = {
    "zh_CN": ("qq.com", "163.com", "126.com", "sina.com", "foxmail.com"),
    "ja_JP": ("gmail.com", "yahoo.co.jp", "docomo.ne.jp", "outlook.jp"),
    "de_DE": ("gmail.com", "web.de", "gmx.de", "t-online.de"),
    "fr_FR": ("gmail.com", "orange.fr", "free.fr", "laposte.net"),
}
DEFAULT_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com")
FAMILY_FIRST = ("zh_CN", "ja_JP")


@dataclass(frozen=True)
class LocalePool:
    """Pre-drawn strings of one locale (numpy object arrays)."""

    last: np.ndarray
    first_f: np.ndarray
    first_m: np.ndarray
    user: np.ndarray
    company: np.ndarray
    company_domain: np.ndarray
    job: np.ndarray


@dataclass(frozen=True)
class Pools:
    """Pools by locale, drawn on first use (a world pays only for the locales its shops sell to)."""

    locales: tuple[str, ...]
    size: int = 250

    def __getitem__(self, locale: str) -> LocalePool:
        if locale not in self.locales:
            raise KeyError(f"no identity pool for locale {locale!r}")
        return _locale_pool(locale, self.size)


def _ascii(stem: str) -> str:
    s = re.sub(r"[^a-z0-9]", "", stem.lower())
    return s or "user"


@lru_cache(maxsize=16)
def _locale_pool(locale: str, size: int) -> LocalePool:
    """Draw one locale's pool with its own seeded Faker instance (cached per process)."""
    fake = Faker(locale)
    fake.seed_instance(stream_int(POOL_SEED, f"faker:{locale}"))
    romanised = locale in FAMILY_FIRST
    user = [(fake.last_romanized_name() + fake.first_romanized_name()) if romanised else fake.user_name()
            for _ in range(size)]
    company = np.array([fake.company() for _ in range(size // 2)], dtype=object)
    domain = np.array([f"{_ascii(fake.company_suffix() + c)[:10]}{i}.com" for i, c in enumerate(company)], dtype=object)
    return LocalePool(
        last=np.array([fake.last_name() for _ in range(size)], dtype=object),
        first_f=np.array([fake.first_name_female() for _ in range(size)], dtype=object),
        first_m=np.array([fake.first_name_male() for _ in range(size)], dtype=object),
        user=np.array([_ascii(u) for u in user], dtype=object),
        company=company, company_domain=domain,
        job=np.array([fake.job() for _ in range(size // 4)], dtype=object),
    )


def build_pools(locales, *, seed: int | None = None, size: int = 250) -> Pools:
    """Pools for ``locales`` (zh_CN always included). Pools do not depend on the world ``seed`` or on
    which other locales are present; worlds differ through the numpy sampling from them."""
    return Pools(locales=tuple(dict.fromkeys(("zh_CN", *locales))), size=size)


def _digits(n: int, width: int, rng: np.random.Generator) -> pa.Array:
    """``n`` random digit strings of ``width`` characters (Arrow, built without a Python loop)."""
    ints = pa.array(rng.integers(0, 10**width, n, dtype=np.int64))
    return pc.utf8_lpad(ints.cast(pa.string()), width=width, padding="0")


def _phones(locale: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """Phone numbers in the country's usual written form: CN mobiles ``1[3-9]`` + 9 digits."""
    d = _digits(n, 9, rng)
    if locale == "zh_CN":
        prefix = pa.array(rng.choice(np.array(["13", "15", "17", "18", "19"], dtype=object), n))
        out = pc.binary_join_element_wise(prefix, d, "")
    else:
        code = "+" + LOCALE_INFO[locale]["calling_code"] + " "
        parts = [pc.utf8_slice_codeunits(d, a, b) for a, b in ((0, 3), (3, 6), (6, 9))]
        out = pc.binary_join_element_wise(code, parts[0], " ", parts[1], " ", parts[2], "")
    return np.asarray(out.to_numpy(zero_copy_only=False), dtype=object)


def render_customers(*, customer_id: np.ndarray, locale: np.ndarray, is_b2b: np.ndarray, pools: Pools,
                     rng: np.random.Generator) -> pd.DataFrame:
    """Identity columns for each customer (same order as the inputs).

    Returns columns ``name, email, phone, country, province, city, gender, birth_year, company``.
    """
    n = len(customer_id)
    out = {k: np.empty(n, dtype=object) for k in ("name", "email", "phone", "country", "province", "city",
                                                   "company")}
    gender = np.where(rng.random(n) < 0.52, "F", "M").astype(object)
    gender[rng.random(n) < 0.03] = "U"
    age = np.clip(rng.normal(34, 11, n), 18, 75)
    birth = (2025 - age).astype(np.int64)
    for loc in sorted(set(locale)):
        sel = np.flatnonzero(locale == loc)
        k = len(sel)
        pool = pools[loc]
        fam = pool.last[rng.integers(0, len(pool.last), k)]
        female = gender[sel] == "F"
        giv = np.where(female, pool.first_f[rng.integers(0, len(pool.first_f), k)],
                       pool.first_m[rng.integers(0, len(pool.first_m), k)])
        out["name"][sel] = fam + giv if loc in FAMILY_FIRST else giv + " " + fam
        user = pool.user[rng.integers(0, len(pool.user), k)]
        domains = np.asarray(EMAIL_DOMAINS.get(loc, DEFAULT_DOMAINS), dtype=object)
        dom = domains[rng.integers(0, len(domains), k)]
        ci = rng.integers(0, len(pool.company), k)
        comp, corp = pool.company[ci], pool.company_domain[ci]
        b2b = is_b2b[sel]
        num = np.asarray(pa.array(customer_id[sel] + 1).cast(pa.string()).to_numpy(zero_copy_only=False), dtype=object)
        out["email"][sel] = user + num + "@" + np.where(b2b, corp, dom)
        out["phone"][sel] = _phones(loc, k, rng)
        out["country"][sel] = LOCALE_INFO[loc]["country"]
        out["province"][sel], out["city"][sel] = draw_places(loc, k, rng=rng)
        out["company"][sel] = np.where(b2b, comp, "")
    birth_year = pd.array(np.where(is_b2b, 0, birth), dtype="Int64")
    birth_year[is_b2b] = pd.NA
    return pd.DataFrame({**{k: out[k] for k in ("name", "email", "phone", "country", "province", "city")},
                         "gender": np.where(is_b2b, "U", gender), "birth_year": birth_year,
                         "company": out["company"]})


def render_people(*, n: int, locale: str, pools: Pools, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` people of ``locale`` (agents, lead contacts): name, first_name, last_name, gender."""
    pool = pools[locale]
    gender = np.where(rng.random(n) < 0.5, "F", "M")
    last = pool.last[rng.integers(0, len(pool.last), n)]
    first = np.where(gender == "F", pool.first_f[rng.integers(0, len(pool.first_f), n)],
                     pool.first_m[rng.integers(0, len(pool.first_m), n)])
    name = last + first if locale in FAMILY_FIRST else first + " " + last
    return pd.DataFrame({"name": name, "first_name": first, "last_name": last, "gender": gender})


def render_companies(*, n: int, locale: str, pools: Pools, rng: np.random.Generator) -> np.ndarray:
    """``n`` company names of ``locale``."""
    pool = pools[locale]
    return pool.company[rng.integers(0, len(pool.company), n)]


def render_jobs(*, n: int, locale: str, pools: Pools, rng: np.random.Generator) -> np.ndarray:
    """``n`` job titles of ``locale``."""
    pool = pools[locale]
    return pool.job[rng.integers(0, len(pool.job), n)]
