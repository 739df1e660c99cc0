"""Identity pools and rendering (names, e-mails, phones, places) and the curated geography table."""

import re
import time

import numpy as np
import pandas as pd
import pytest
from crmlab.simulator import geography, identities
from crmlab.simulator.data.words import EMAIL_DOMAINS

ALL = tuple(geography.LOCALE_INFO)
COLUMNS = ["name", "email", "phone", "country", "province", "city", "gender", "birth_year", "company"]


@pytest.fixture(scope="module")
def pools():
    """Pools of every supported locale."""
    return identities.build_pools(ALL[1:], seed=1)


def _customers(pools, n, seed, *, b2b_share=0.05):
    """``n`` customers of random locales rendered with ``default_rng(seed)``; returns (inputs, frame)."""
    rng = np.random.default_rng(seed)
    ids = rng.permutation(n).astype(np.int64) + 1000           # not sorted, not starting at 0
    loc = np.asarray(ALL, dtype=object)[rng.integers(0, len(ALL), n)]
    b2b = rng.random(n) < b2b_share
    df = identities.render_customers(customer_id=ids, locale=loc, is_b2b=b2b, pools=pools, rng=rng)
    return (ids, loc, b2b), df


@pytest.fixture(scope="module")
def rendered(pools):
    """20k rendered customers with their inputs."""
    return _customers(pools, 20_000, 3, b2b_share=0.1)


def test_geography_table_covers_every_locale():
    geo = geography.load_geography()
    assert list(geo.columns) == ["locale", "country", "province", "city", "weight"]
    assert (geo["weight"] > 0).all() and not geo.isna().any().any()
    cn = geo[geo["locale"] == "zh_CN"]
    assert cn["province"].nunique() >= 25 and len(cn) >= 60
    assert {"北京市", "上海市", "广东省"} <= set(cn["province"])
    assert cn.loc[cn["city"] == "杭州市", "province"].tolist() == ["浙江省"]
    assert cn.loc[cn["city"] == "深圳市", "province"].tolist() == ["广东省"]
    for loc, info in geography.LOCALE_INFO.items():
        sub = geo[geo["locale"] == loc]
        assert (sub["country"] == info["country"]).all(), loc
        if loc != "zh_CN":
            assert sub["province"].nunique() >= 8 and len(sub) >= 20, loc
    # a city name belongs to one province only, so (province, city) pairs can be checked by city
    assert not geo.duplicated(["locale", "city"]).any()


def test_locale_info_contract():
    expected = {"zh_CN": ("CN", "CNY", 1.0, "zh"), "en_US": ("US", "USD", 7.2, "en"),
                "en_GB": ("GB", "GBP", 9.1, "en"), "de_DE": ("DE", "EUR", 7.8, "de"),
                "fr_FR": ("FR", "EUR", 7.8, "fr"), "ja_JP": ("JP", "JPY", 0.048, "ja"),
                "en_AU": ("AU", "AUD", 4.7, "en")}
    got = {k: (v["country"], v["currency"], v["fx_rate_to_cny"], v["language"])
           for k, v in geography.LOCALE_INFO.items()}
    assert got == expected


@pytest.mark.parametrize("locale, pattern", [
    ("zh_CN", r"1[3-9]\d{9}"), ("en_US", r"\+1 \(?[2-9]\d\d\)?[ -][2-9]\d\d-\d{4}"),
    ("en_GB", r"\+44 7\d{3} \d{6}"), ("de_DE", r"\+49 1[567]\d \d{7,8}"),
    ("fr_FR", r"\+33 [67]( \d\d){4}"), ("ja_JP", r"\+81 [789]0-\d{4}-\d{4}"), ("en_AU", r"\+61 4\d\d \d{3} \d{3}"),
])
def test_phones_follow_the_country_format(locale, pattern):
    phones = geography.draw_phones(locale, 2000, rng=np.random.default_rng(0)).astype(str)
    if locale == "zh_CN":
        assert {len(p) for p in phones} == {11, 13}               # plain and grouped 3-4-4
        phones = np.char.replace(phones, " ", "")
    assert all(re.fullmatch(pattern, p) for p in phones)
    assert len(set(phones)) > 1990


def test_pools_are_seeded_per_locale_and_independent_of_other_locales():
    identities._locale_pool.cache_clear()
    alone = identities.build_pools(["en_US"], seed=1)["en_US"]
    identities._locale_pool.cache_clear()
    mixed = identities.build_pools(["ja_JP", "de_DE", "en_US"], seed=2)
    mixed["ja_JP"], mixed["de_DE"]                               # draw the others first
    with_others = mixed["en_US"]
    for field in ("last", "first_f", "first_m", "user", "company", "company_domain", "job"):
        assert np.array_equal(getattr(alone, field), getattr(with_others, field)), field
    assert mixed.locales[0] == "zh_CN"
    with pytest.raises(KeyError):
        mixed["en_GB"]


def test_pools_hold_locale_text(pools):
    zh, us = pools["zh_CN"], pools["en_US"]
    assert len(zh.last) == pools.size and len(set(zh.last)) > 50    # weighted draws repeat common names
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{1,2}", s) for s in zh.last)
    for loc in ALL:
        assert all(re.fullmatch(r"[a-z0-9]*[a-z]", u) for u in pools[loc].user), loc   # no trailing digit
        assert all(re.fullmatch(r"[a-z0-9]+\.[a-z.]+", d) for d in pools[loc].company_domain), loc
    assert set(zh.first_f) != set(zh.first_m)
    assert set(us.first_f) & {"Mary", "Jennifer", "Lisa", "Sarah", "Jessica", "Ashley", "Emily"}


def test_same_generator_state_gives_identical_frames(pools):
    (_, _, _), a = _customers(pools, 3000, 11)
    (_, _, _), b = _customers(pools, 3000, 11)
    (_, _, _), c = _customers(pools, 3000, 12)
    pd.testing.assert_frame_equal(a, b)
    assert not a["name"].equals(c["name"]) and not a["phone"].equals(c["phone"])


def test_columns_dtypes_and_row_order(rendered):
    (ids, loc, _), df = rendered
    assert list(df.columns) == COLUMNS and len(df) == len(ids)
    assert df["birth_year"].dtype == "Int64"
    assert all(df[c].dtype == "str" for c in COLUMNS if c != "birth_year")
    number = df["email"].str.extract(r"(\d+)@", expand=False).astype("int64").to_numpy()
    assert np.array_equal(number, ids + 1)                       # row i is input i
    country = pd.Series(loc).map({k: v["country"] for k, v in geography.LOCALE_INFO.items()})
    assert np.array_equal(df["country"].to_numpy(), country.to_numpy())


def test_emails_unique_lowercase_ascii_with_locale_domains(pools):
    (_, loc, b2b), df = _customers(pools, 200_000, 5)
    email = df["email"]
    assert email.is_unique
    assert email.str.fullmatch(r"[a-z0-9]+@[a-z0-9.-]+\.[a-z]+").all()
    domain = email.str.split("@").str[1].to_numpy()
    for lc in ALL:
        personal = domain[(loc == lc) & ~b2b]
        assert set(personal) <= set(EMAIL_DOMAINS[lc]), lc
        assert not set(domain[(loc == lc) & b2b]) & set(EMAIL_DOMAINS[lc]), lc
    assert set(domain[(loc == "zh_CN") & ~b2b]) >= {"qq.com", "163.com"}


def test_places_are_rows_of_the_geography_table(rendered):
    (_, loc, _), df = rendered
    geo = geography.load_geography()
    known = set(zip(geo["country"], geo["province"], geo["city"], strict=True))
    got = set(zip(df["country"], df["province"], df["city"], strict=True))
    assert got <= known
    cn = df[loc == "zh_CN"]
    assert cn["province"].nunique() >= 25
    top = cn["city"].value_counts()
    assert top.index[0] in {"重庆市", "上海市", "北京市", "成都市", "广州市", "深圳市"}  # by population


def test_name_order_per_locale(pools, rendered):
    (_, loc, _), df = rendered
    names = df["name"].to_numpy()
    for lc in ("zh_CN", "ja_JP"):
        sub = names[loc == lc]
        assert not any(" " in s for s in sub)
        last = set(pools[lc].last)
        assert all(s[:1] in last or s[:2] in last or s[:3] in last for s in sub[:500]), lc
    for lc in ("en_US", "de_DE", "fr_FR"):
        sub = names[loc == lc][:500]
        first = set(pools[lc].first_f) | set(pools[lc].first_m)
        assert all(" " in s for s in sub)
        assert all(any(s.startswith(f + " ") for f in first) for s in sub), lc
        assert all(any(s.endswith(" " + ln) for ln in pools[lc].last) for s in sub), lc
    people = identities.render_people(n=50, locale="zh_CN", pools=pools, rng=np.random.default_rng(0))
    assert list(people.columns) == ["name", "first_name", "last_name", "gender"]
    assert (people["name"] == people["last_name"] + people["first_name"]).all()
    people = identities.render_people(n=50, locale="en_GB", pools=pools, rng=np.random.default_rng(0))
    assert (people["name"] == people["first_name"] + " " + people["last_name"]).all()
    women = people["gender"] == "F"
    assert people.loc[women, "first_name"].isin(pools["en_GB"].first_f).all()


def test_gender_birth_year_and_company(pools, rendered):
    (_, loc, b2b), df = rendered
    assert set(df["gender"]) == {"F", "M", "U"}
    assert (df.loc[b2b, "gender"] == "U").all() and df.loc[b2b, "birth_year"].isna().all()
    assert (df.loc[b2b, "company"] != "").all() and (df.loc[~b2b, "company"] == "").all()
    b2c = df.loc[~b2b]
    assert b2c["birth_year"].notna().all() and b2c["birth_year"].between(1950, 2007).all()
    assert 28 <= 2025 - b2c["birth_year"].mean() <= 40
    assert 0.48 <= (b2c["gender"] == "F").mean() <= 0.54
    us_women = df[(loc == "en_US") & (df["gender"] == "F").to_numpy()]["name"].str.split(" ").str[0]
    assert us_women.isin(pools["en_US"].first_f).all()
    zh_b2b = df.loc[b2b & (loc == "zh_CN"), "company"]
    assert zh_b2b.isin(pools["zh_CN"].company).all()
    assert len(identities.render_companies(n=7, locale="de_DE", pools=pools, rng=np.random.default_rng(0))) == 7


def test_edge_cases(pools):
    empty = identities.render_customers(customer_id=np.array([], dtype=np.int64), locale=np.array([], dtype=object),
                                        is_b2b=np.array([], dtype=bool), pools=pools, rng=np.random.default_rng(0))
    assert list(empty.columns) == COLUMNS and len(empty) == 0
    small = identities.build_pools(["en_US"])
    with pytest.raises(KeyError, match="ja_JP"):
        identities.render_customers(customer_id=np.arange(2), locale=np.array(["en_US", "ja_JP"], dtype=object),
                                    is_b2b=np.zeros(2, bool), pools=small, rng=np.random.default_rng(0))


@pytest.mark.slow
def test_a_million_customers_render_in_seconds(pools):
    n = 1_000_000
    rng = np.random.default_rng(9)
    loc = np.asarray(ALL, dtype=object)[rng.integers(0, len(ALL), n)]
    args = dict(customer_id=np.arange(n, dtype=np.int64), locale=loc, is_b2b=rng.random(n) < 0.05, pools=pools)
    identities.render_customers(**{**args, "customer_id": args["customer_id"][:10], "locale": loc[:10],
                                   "is_b2b": args["is_b2b"][:10]}, rng=rng)
    t0 = time.perf_counter()
    df = identities.render_customers(**args, rng=rng)
    elapsed = time.perf_counter() - t0
    assert len(df) == n and df["email"].is_unique
    assert elapsed < 6.0, f"{elapsed:.1f} s for 1M customers (target ~3 s on an idle 2-core machine)"


def test_shipped_pools_are_the_faker_draws(tmp_path):
    """data/pools.json holds exactly what Faker draws now (regenerate: python -m crmlab.simulator.identities)."""
    fresh = tmp_path / "pools.json"
    identities.write_pool_file(fresh)
    assert fresh.read_text(encoding="utf-8") == identities.POOL_FILE.read_text(encoding="utf-8")
    shipped = identities._shipped_pools()
    assert set(shipped) == set(identities.SHIPPED_LOCALES)
    drawn = identities.draw_pool("fr_FR", identities.POOL_SIZE)
    assert all((getattr(drawn, k) == getattr(shipped["fr_FR"], k)).all() for k in ("last", "user", "company", "job"))


def test_other_sizes_are_drawn_with_faker():
    small = identities._locale_pool("de_DE", 20)
    assert len(small.last) == 20 and len(small.company) == 10
    assert list(small.last) == list(identities.draw_pool("de_DE", 20).last)
