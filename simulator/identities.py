"""Names, e-mails, phones and companies: Faker renders text only, from seeded per-locale pools.

For each locale one ``Faker(locale)`` instance, seeded with its own stream, draws a few hundred family
names, given names, ASCII user-name stems, companies and job titles once; customers are then rendered by
numpy sampling from those pools and Arrow string kernels (Faker per row is ~50× slower and its zh_CN
e-mails collide). E-mails are unique by construction (``user`` + customer number); places and phone formats
come from :mod:`simulator.geography`, domains from :mod:`simulator.data.words`.

The pools of the supported locales are shipped as ``data/pools.json`` (the same Faker draws, written by
``python -m crmlab.simulator.identities``; a test redraws them), which saves every process ~0.5 s of Faker
set-up; other sizes or Faker versions are drawn on first use.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .data.words import COMPANY_DOMAIN_WORDS, COMPANY_TLD, EMAIL_DOMAINS
from .geography import LOCALE_INFO, PHONE_WIDTH, draw_phones, draw_places, load_geography
from .seeding import stream_int

POOL_SEED = 20_240_101  # pools are shared by all worlds: only the sampling depends on the world seed
POOL_SIZE = 250         # names per field (companies: half, job titles: a quarter)
POOL_FILE = Path(__file__).parent / "data" / "pools.json"
SHIPPED_LOCALES = tuple(LOCALE_INFO)  # every supported locale
FAMILY_FIRST = ("zh_CN", "ja_JP")  # name order: family name first, no space
HORIZON_YEAR = 2025                 # birth_year = HORIZON_YEAR - age
AGE_MEAN, AGE_SD = 34.0, 11.0       # customer age (years), normal clipped to [18, 75]
P_FEMALE, P_UNDISCLOSED = 0.52, 0.03
GENDERS = ("F", "M", "U")           # U: undisclosed (and every B2B account)


@dataclass(frozen=True)
class LocalePool:
    """Pre-drawn strings of one locale (numpy object arrays of Python ``str``)."""

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
    size: int = POOL_SIZE

    def __getitem__(self, locale: str) -> LocalePool:
        if locale not in self.locales:
            raise KeyError(f"no identity pool for locale {locale!r}")
        return _locale_pool(locale, self.size)


def _ascii(stem: str) -> str:
    """Lower-case ASCII letters and digits of ``stem``, accents folded ("Noël" → "noel"; "" if none)."""
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


@lru_cache(maxsize=16)
def _locale_pool(locale: str, size: int) -> LocalePool:
    """One locale's pool: shipped in ``POOL_FILE`` if it is there for this size and Faker version, else
    drawn with Faker (:func:`draw_pool`); cached per process."""
    shipped = _shipped_pools() if size == POOL_SIZE else {}
    return shipped[locale] if locale in shipped else draw_pool(locale, size)


@lru_cache(maxsize=1)
def _shipped_pools() -> dict[str, LocalePool]:
    """The pools in ``POOL_FILE`` by locale ({} if it was written with another Faker version)."""
    data = json.loads(POOL_FILE.read_text(encoding="utf-8"))
    if data["faker"] != metadata.version("faker") or data["size"] != POOL_SIZE or data["seed"] != POOL_SEED:
        return {}
    return {loc: LocalePool(**{k: np.array(v, dtype=object) for k, v in pool.items()})
            for loc, pool in data["pools"].items()}


def write_pool_file(path: Path = POOL_FILE) -> None:
    """Draw the built-in locales' pools with Faker and write them to ``path`` (JSON, UTF-8)."""
    pools = {loc: {k: v.tolist() for k, v in asdict(draw_pool(loc, POOL_SIZE)).items()} for loc in SHIPPED_LOCALES}
    data = {"faker": metadata.version("faker"), "seed": POOL_SEED, "size": POOL_SIZE, "pools": pools}
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")


def draw_pool(locale: str, size: int) -> LocalePool:
    """Draw one locale's pool with its own seeded Faker instance.

    The draws depend on ``locale`` and ``size`` only, never on which other locales a world uses. Faker is
    imported here, not at module level: worlds built from the shipped pools never import it (~60 ms).
    """
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(stream_int(POOL_SEED, f"faker:{locale}"))
    if locale in FAMILY_FIRST:
        user = [fake.last_romanized_name() + fake.first_romanized_name() for _ in range(size)]
    else:
        user = [fake.user_name() for _ in range(size)]
    user = [re.sub(r"\d+$", "", _ascii(u)) or "user" for u in user]  # no trailing digits: unique e-mails
    company = [fake.company() for _ in range(size // 2)]
    words, tld = COMPANY_DOMAIN_WORDS, COMPANY_TLD[locale]
    stems = [_ascii(c.split()[0])[:12] if locale not in FAMILY_FIRST else "" for c in company]
    domain = [f"{s or user[i][:12]}{words[i % len(words)]}.{tld}" for i, s in enumerate(stems)]
    return LocalePool(
        last=np.array([fake.last_name() for _ in range(size)], dtype=object),
        first_f=np.array([fake.first_name_female() for _ in range(size)], dtype=object),
        first_m=np.array([fake.first_name_male() for _ in range(size)], dtype=object),
        user=np.array(user, dtype=object), company=np.array(company, dtype=object),
        company_domain=np.array(domain, dtype=object),
        job=np.array([fake.job() for _ in range(size // 4)], dtype=object),
    )


def build_pools(locales: Sequence[str], *, seed: int | None = None, size: int = POOL_SIZE) -> Pools:
    """Identity pools for ``locales`` (zh_CN always included), ``size`` names per field.

    Pools do not depend on the world ``seed`` (accepted for the call signature) or on which other locales
    are present: each locale's Faker instance has its own fixed stream. Worlds differ through the numpy
    sampling from the pools.
    """
    return Pools(locales=tuple(dict.fromkeys(("zh_CN", *locales))), size=size)


def _stack(pools: Pools, locs: Sequence[str]) -> tuple[dict[str, pa.Array], dict[tuple[str, str], int]]:
    """The pools of ``locs`` stacked field by field into Arrow arrays, and each locale's start offset.

    ``name`` stacks last names, then female, then male first names; ``domain`` personal then company
    domains; ``company`` starts with "" (the company of a B2C customer).
    """
    fields = {"name": ("last", "first_f", "first_m"), "user": ("user",),
              "domain": ("personal", "company_domain"), "company": ("company",)}
    arrays, offsets = {f: [] for f in fields}, {}
    arrays["company"].append(np.array([""], dtype=object))
    for loc in locs:
        pool = pools[loc]
        parts = {**{k: getattr(pool, k) for k in ("last", "first_f", "first_m", "user", "company",
                                                   "company_domain")},
                 "personal": np.asarray(EMAIL_DOMAINS[loc], dtype=object)}
        for field, keys in fields.items():
            for key in keys:
                offsets[(loc, key)] = sum(len(a) for a in arrays[field])
                arrays[field].append(parts[key])
    return {f: pa.array(np.concatenate([np.array([], dtype=object), *a]), type=pa.string())
            for f, a in arrays.items()}, offsets


@lru_cache(maxsize=1)
def _arrow_geography() -> dict[str, pa.Array]:
    """Country, province and city columns of the geography table as Arrow string arrays."""
    geo = load_geography()
    return {c: pa.array(geo[c].to_numpy(dtype=object), type=pa.string()) for c in ("country", "province", "city")}


def _bytes_to_arrow(fixed: np.ndarray) -> pa.Array:
    """A NUL-padded fixed-width ASCII array (numpy ``S``) as an Arrow string array, without Python objects."""
    n, width = len(fixed), fixed.dtype.itemsize
    mat = fixed.view(np.uint8).reshape(n, width)
    keep = mat != 0
    offsets = np.zeros(n + 1, dtype=np.int32)  # n·width < 2**31 for any world this package makes
    np.cumsum(keep.sum(axis=1), out=offsets[1:])
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(mat[keep])])


def render_customers(*, customer_id: np.ndarray, locale: np.ndarray, is_b2b: np.ndarray, pools: Pools,
                     rng: np.random.Generator) -> pd.DataFrame:
    """Identity columns of each customer, one row per input in the same order.

    Pool indices are sampled with numpy per locale (the only Python loop), then every string column is
    one Arrow ``take`` from the stacked pools and the names and e-mails one element-wise join.

    Parameters
    ----------
    customer_id : numpy.ndarray of int64, shape (n,)
        Global 0-based customer numbers; the e-mail carries ``customer_id + 1`` so it is unique.
    locale : numpy.ndarray of str, shape (n,)
        Faker locale of each customer (every value must be in ``pools.locales``).
    is_b2b : numpy.ndarray of bool, shape (n,)
        B2B accounts get a company, a company-like e-mail domain, gender ``U`` and no birth year.
    pools : Pools
    rng : numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        ``n`` rows, columns ``name, email, phone, country, province, city, gender`` (F/M/U; U for B2B),
        ``birth_year`` (Int64, NA for B2B) and ``company`` (str; "" for B2C).
    """
    customer_id, is_b2b = np.asarray(customer_id, dtype=np.int64), np.asarray(is_b2b, dtype=bool)
    n = len(customer_id)
    gender = np.where(rng.random(n) < P_FEMALE, 0, 1).astype(np.int8)   # index into GENDERS
    gender[rng.random(n) < P_UNDISCLOSED] = 2
    age = np.clip(rng.normal(AGE_MEAN, AGE_SD, n), 18, 75)
    birth = (HORIZON_YEAR - age).astype(np.int64)
    codes, locs = pd.factorize(np.asarray(locale, dtype=object), sort=True)
    missing = set(locs) - set(pools.locales)
    if missing:
        raise KeyError(f"no identity pool for locale(s) {sorted(missing)}")
    stacked, off = _stack(pools, locs)
    idx = {k: np.empty(n, dtype=np.int64) for k in ("fam", "giv", "user", "domain", "company", "place")}
    family_first = np.isin(codes, [j for j, loc in enumerate(locs) if loc in FAMILY_FIRST])
    phone = np.zeros(n, dtype=f"S{PHONE_WIDTH}")
    for j, loc in enumerate(locs):
        rows = np.flatnonzero(codes == j)
        k, pool, b2b = len(rows), pools[loc], is_b2b[rows]
        idx["fam"][rows] = off[loc, "last"] + rng.integers(0, len(pool.last), k)
        idx["giv"][rows] = np.where(gender[rows] == 0,
                                    off[loc, "first_f"] + rng.integers(0, len(pool.first_f), k),
                                    off[loc, "first_m"] + rng.integers(0, len(pool.first_m), k))
        idx["user"][rows] = off[loc, "user"] + rng.integers(0, len(pool.user), k)
        personal = off[loc, "personal"] + rng.integers(0, len(EMAIL_DOMAINS[loc]), k)
        ci = rng.integers(0, len(pool.company), k)
        idx["domain"][rows] = np.where(b2b, off[loc, "company_domain"] + ci, personal)
        idx["company"][rows] = np.where(b2b, off[loc, "company"] + ci, 0)
        phone[rows] = draw_phones(loc, k, rng=rng)
        idx["place"][rows] = draw_places(loc, k, rng=rng)
    idx["first"] = np.where(family_first, idx["fam"], idx["giv"])
    idx["second"] = np.where(family_first, idx["giv"], idx["fam"])
    gender[is_b2b] = 2
    take = {k: pa.array(v) for k, v in idx.items()}
    names, geo = stacked["name"], _arrow_geography()
    sep = pa.array(["", " "]).take(pa.array((~family_first).astype(np.int8)))
    email = pc.binary_join_element_wise(stacked["user"].take(take["user"]),
                                        pc.cast(pa.array(customer_id + 1), pa.string()), "@",
                                        stacked["domain"].take(take["domain"]), "")
    cols = {"name": pc.binary_join_element_wise(names.take(take["first"]), sep, names.take(take["second"]), ""),
            "email": email,
            "phone": _bytes_to_arrow(phone), **{c: geo[c].take(take["place"]) for c in ("country", "province",
                                                                                       "city")},
            "gender": pa.array(GENDERS).take(pa.array(gender)), "company": stacked["company"].take(take["company"])}
    out = {c: pd.Series(v, dtype="str") for c, v in cols.items()}
    out["birth_year"] = pd.Series(pd.array(birth, dtype="Int64"))
    out["birth_year"][is_b2b] = pd.NA
    return pd.DataFrame({c: out[c] for c in ("name", "email", "phone", "country", "province", "city", "gender",
                                             "birth_year", "company")})


def render_people(*, n: int, locale: str, pools: Pools, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` people of ``locale`` (agents, lead contacts), half women and half men.

    Returns
    -------
    pandas.DataFrame
        ``name`` (family name first without a space for zh_CN/ja_JP, else "First Last"), ``first_name``,
        ``last_name`` and ``gender`` (F/M), ``n`` rows.
    """
    pool = pools[locale]
    gender = np.where(rng.random(n) < 0.5, "F", "M")
    last = pool.last[rng.integers(0, len(pool.last), n)]
    first = np.where(gender == "F", pool.first_f[rng.integers(0, len(pool.first_f), n)],
                     pool.first_m[rng.integers(0, len(pool.first_m), n)])
    name = last + first if locale in FAMILY_FIRST else first + " " + last
    return pd.DataFrame({"name": name, "first_name": first, "last_name": last, "gender": gender}, dtype="str")


def render_companies(*, n: int, locale: str, pools: Pools, rng: np.random.Generator) -> np.ndarray:
    """``n`` company names of ``locale`` drawn from its pool; object array of shape ``(n,)``."""
    pool = pools[locale]
    return pool.company[rng.integers(0, len(pool.company), n)]


def render_jobs(*, n: int, locale: str, pools: Pools, rng: np.random.Generator) -> np.ndarray:
    """``n`` job titles of ``locale`` drawn from its pool; object array of shape ``(n,)``."""
    pool = pools[locale]
    return pool.job[rng.integers(0, len(pool.job), n)]


if __name__ == "__main__":
    write_pool_file(Path(sys.argv[1]) if len(sys.argv) > 1 else POOL_FILE)
