"""The data-quality layer: duplicate customer records across shops, guest orders and typos.

Real CRM data is dirty in known ways. Olist keeps one ``customer_id`` per order and a separate
``customer_unique_id`` for the person; Online Retail has ≈25 % of lines without a CustomerID. When a world
is built with ``data_quality=True`` this layer runs once on the joined, id-rendered tables:

* about 10 % of persons get 2–3 customer records in different shops of the same kind that serve their
  locale; the extra records carry the person's identity with realistic noise (e-mail case and spaces,
  phone with/without country code or separators, a one-character name typo, a missing e-mail), and the
  truth's ``person_id`` links them;
* 5–8 % of orders become guest orders (``customer_id`` = ""; the truth keeps the real customer);
* about 2 % of cities are misspelt and 3 % of e-mails get stray spaces or upper case.

Homonyms stay possible: names come from pools, so different persons can share a name.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import schema
from .assemble import format_ids

IDENTITY_COLUMNS = ("name", "email", "phone", "country", "province", "city", "gender", "birth_year",
                    "company", "locale")
DUP_SOURCE_SHARE = 0.10  # share of records whose person gets extra records (≈10 % of persons)
THIRD_RECORD_P = 0.3  # P(a duplicated person has 3 records rather than 2), when 3 shops qualify
GUEST_SHARE = (0.05, 0.08)  # share of guest orders, drawn uniformly per world
CITY_TYPO_SHARE = 0.02
EMAIL_NOISE_SHARE = 0.03
NAME_TYPO_P = 0.05  # P(a duplicate record's name has a one-character typo)
# e-mail of a duplicate record: exact, capitalised, title case, upper case, surrounding spaces, missing
DUP_EMAIL_P = (0.40, 0.12, 0.08, 0.08, 0.22, 0.10)
# phone of a duplicate record: as the person's, digits only, international (+code), dash-separated
DUP_PHONE_P = (0.35, 0.25, 0.25, 0.15)
CALLING_CODES = {"CN": "86", "US": "1", "GB": "44", "DE": "49", "FR": "33", "JP": "81", "AU": "61"}


def person_ids(n: int) -> np.ndarray:
    """Person ids ``H0000001`` … for persons 0 … n−1 (``schema.ID_FORMATS["person_id"]``).

    Returns
    -------
    ndarray of str, shape (n,)
    """
    prefix, digits = schema.ID_FORMATS["person_id"]
    return np.asarray(format_ids(np.arange(n, dtype=np.int64), prefix, digits), dtype=str)


def apply_data_quality(tables: dict[str, pd.DataFrame], truth: dict[str, pd.DataFrame], *,
                       rng: np.random.Generator) -> tuple[dict, dict]:
    """Make the joined world dirty the way real CRM data is, keeping the truth exact.

    Parameters
    ----------
    tables : dict of DataFrame
        Final observed tables with string ids; uses ``shops`` (``shop_id``, ``kind``), ``customers``
        (``schema.OBSERVED["customers"]``) and ``orders``.
    truth : dict of DataFrame
        Truth tables; uses ``customers`` (``customer_id``, ``person_id``).
    rng : Generator
        The world's ``quality`` stream.

    Returns
    -------
    tables, truth : dict of DataFrame
        New dicts (the inputs are not modified) with changed ``customers`` and ``orders`` and truth
        ``customers`` whose ``person_id`` is shared by duplicate records. Row counts do not change.
    """
    customers = tables["customers"].copy()
    t_cust = truth["customers"].copy()
    person = (t_cust.set_index("customer_id")["person_id"]
              .reindex(customers["customer_id"]).to_numpy(dtype=object))
    kind = customers["shop_id"].map(tables["shops"].set_index("shop_id")["kind"]).to_numpy(dtype=object)
    src, tgt = _duplicate_pairs(customers=customers, kind=kind, rng=rng)
    customers = _copy_identity(customers, src, tgt, rng)
    person[tgt] = person[src]
    t_cust["person_id"] = t_cust["customer_id"].map(pd.Series(person, index=customers["customer_id"]))
    t_cust["person_id"] = t_cust["person_id"].astype("str")
    customers = _random_typos(customers, rng)

    orders = tables["orders"]
    guest = rng.random(len(orders)) < rng.uniform(*GUEST_SHARE)
    orders = orders.assign(customer_id=pd.array(np.where(guest, "", orders["customer_id"].to_numpy(dtype=object)),
                                                dtype="str"))
    return {**tables, "customers": customers, "orders": orders}, {**truth, "customers": t_cust}


def _duplicate_pairs(*, customers: pd.DataFrame, kind: np.ndarray,
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Row positions ``(source, target)``: each target record becomes a copy of the source's person.

    Sources and targets share locale, customer type and shop kind and sit in different shops; a source
    has one or two targets, in distinct shops; no record is both a source and a target.
    """
    shop = customers["shop_id"].to_numpy(dtype=object)
    key = pd.DataFrame({"locale": customers["locale"].to_numpy(dtype=object), "kind": kind,
                        "type": customers["customer_type"].to_numpy(dtype=object)})
    groups = key.groupby(["locale", "kind", "type"], sort=True).indices
    src_all, tgt_all = [], []
    for group in sorted(groups):  # loop over (locale, shop kind, customer type): a handful
        rows = groups[group]
        shops_g, shop_pos = np.unique(shop[rows], return_inverse=True)
        ns = len(shops_g)
        if ns < 2:
            continue
        perm = rng.permutation(len(rows))
        m = int(rng.binomial(len(rows), DUP_SOURCE_SHARE))
        src, cand = perm[:m], perm[m:]
        s0 = shop_pos[src]
        j = rng.integers(ns - 1, size=m)
        t1 = j + (j >= s0)
        third = (rng.random(m) < THIRD_RECORD_P) & (ns >= 3)
        j2 = rng.integers(max(ns - 2, 1), size=m)
        e1, e2 = np.minimum(s0, t1), np.maximum(s0, t1)
        t2 = j2 + (j2 >= e1)
        t2 = t2 + (t2 >= e2)
        req = pd.DataFrame({"src": np.concatenate([src, src[third]]),
                            "shop": np.concatenate([t1, t2[third]])})
        req["rank"] = req.groupby("shop").cumcount()
        pool = pd.DataFrame({"tgt": cand, "shop": shop_pos[cand]})
        pool["rank"] = pool.groupby("shop").cumcount()
        pairs = req.merge(pool, on=["shop", "rank"], how="inner")
        src_all.append(rows[pairs["src"].to_numpy()])
        tgt_all.append(rows[pairs["tgt"].to_numpy()])
    if not src_all:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(src_all).astype(np.int64), np.concatenate(tgt_all).astype(np.int64)


def _copy_identity(customers: pd.DataFrame, src: np.ndarray, tgt: np.ndarray,
                   rng: np.random.Generator) -> pd.DataFrame:
    """Overwrite the target records' identity columns with the source's, then add entry noise."""
    out = customers
    for col in IDENTITY_COLUMNS:
        s = out[col].copy()
        s.iloc[tgt] = s.iloc[src].array
        out[col] = s
    n = len(tgt)
    email = out["email"].iloc[tgt]
    e_kind = rng.choice(len(DUP_EMAIL_P), size=n, p=DUP_EMAIL_P)
    out.iloc[tgt, out.columns.get_loc("email")] = np.select(
        [e_kind == 1, e_kind == 2, e_kind == 3, e_kind == 4, e_kind == 5],
        [email.str.capitalize(), email.str.title(), email.str.upper(), _pad(email, rng), ""],
        email.to_numpy(dtype=object))
    phone = out["phone"].iloc[tgt]
    digits = phone.str.replace(r"\D", "", regex=True)
    code = out["country"].iloc[tgt].map(CALLING_CODES).fillna("")
    intl = np.where(phone.str.startswith("+").to_numpy(), phone.to_numpy(dtype=object),
                    ("+" + code + " " + digits.str.lstrip("0")).to_numpy(dtype=object))
    dashed = phone.str.replace(r"[\s.()/]+", "-", regex=True).str.strip("-")
    p_kind = rng.choice(len(DUP_PHONE_P), size=n, p=DUP_PHONE_P)
    out.iloc[tgt, out.columns.get_loc("phone")] = np.select(
        [p_kind == 1, p_kind == 2, p_kind == 3], [digits, intl, dashed], phone.to_numpy(dtype=object))
    typo = tgt[rng.random(n) < NAME_TYPO_P]
    out.iloc[typo, out.columns.get_loc("name")] = typo_strings(out["name"].iloc[typo].to_numpy(dtype=str), rng=rng)
    return out


def _pad(s: pd.Series, rng: np.random.Generator) -> np.ndarray:
    """Stray whitespace around each value: leading, trailing or both."""
    side = rng.integers(3, size=len(s))
    lead = np.where(side != 1, " ", "")
    trail = np.where(side != 0, " ", "")
    return (lead + s.to_numpy(dtype=object) + trail).astype(object)


def typo_strings(values: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
    """One-character typos: a character dropped, doubled or swapped with the next one.

    Strings shorter than two characters are left as they are.

    Returns
    -------
    ndarray of str, shape values.shape
    """
    v = np.asarray(values, dtype=np.dtypes.StringDType())
    n = np.strings.str_len(v)
    op = rng.integers(3, size=len(v))
    i = np.minimum((rng.random(len(v)) * np.maximum(n - 1, 1)).astype(np.int64), np.maximum(n - 2, 0))
    sl = np.strings.slice
    dropped = np.strings.add(sl(v, 0, i), sl(v, i + 1, n))
    doubled = np.strings.add(sl(v, 0, i + 1), sl(v, i, n))
    swapped = np.strings.add(np.strings.add(sl(v, 0, i), sl(v, i + 1, i + 2)),
                             np.strings.add(sl(v, i, i + 1), sl(v, i + 2, n)))
    out = np.where(op == 0, dropped, np.where(op == 1, doubled, swapped))
    return np.where(n >= 2, out, v).astype(object)


def _random_typos(customers: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Misspelt cities (≈2 % of records) and e-mails with stray spaces or upper case (≈3 %)."""
    out = customers
    city = np.flatnonzero(rng.random(len(out)) < CITY_TYPO_SHARE)
    out.iloc[city, out.columns.get_loc("city")] = typo_strings(out["city"].iloc[city].to_numpy(dtype=str), rng=rng)
    has_email = (out["email"] != "").to_numpy()
    pick = np.flatnonzero(has_email & (rng.random(len(out)) < EMAIL_NOISE_SHARE))
    email = out["email"].iloc[pick]
    upper = rng.random(len(pick)) < 0.5
    out.iloc[pick, out.columns.get_loc("email")] = np.where(upper, email.str.capitalize().to_numpy(dtype=object),
                                                            _pad(email, rng))
    return out
