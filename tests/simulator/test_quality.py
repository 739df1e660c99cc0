"""The data-quality layer on a small stand-in world: duplicates, guest orders, typos, an exact truth."""

import numpy as np
import pandas as pd
import pytest
from crmlab.simulator import quality, schema
from crmlab.simulator.assemble import conform, format_ids

SHOPS = pd.DataFrame({"shop_id": ["S01", "S02", "S03", "S04", "S05"],
                      "kind": ["domestic", "domestic", "domestic", "cross_border", "cross_border"]})
# cross-border shop -> the buyer locales it sells to; S05 alone sells to ja_JP
CROSS_LOCALES = {"S04": ("en_US", "de_DE"), "S05": ("en_US", "ja_JP")}
COUNTRY = {"zh_CN": "CN", "en_US": "US", "de_DE": "DE", "ja_JP": "JP"}
NAMES = {"zh_CN": ["张伟", "王芳", "李娜", "刘洋", "陈静"], "en_US": ["John Smith", "Mary Jones", "Anna Lee"],
         "de_DE": ["Anna Müller", "Jan Schmidt"], "ja_JP": ["佐藤 花子", "鈴木 一郎"]}
CITIES = {"CN": "上海", "US": "Springfield", "DE": "Hamburg", "JP": "Osaka"}


def _phone(country: str, i: int) -> str:
    if country == "CN":
        return f"1{3 + i % 7}{i:09d}"
    if country == "US":
        return f"(212) {i // 10000:03d}-{i % 10000:04d}"
    if country == "DE":
        return f"030 {i:08d}"
    return f"06-{i // 10000:04d}-{i % 10000:04d}"


def make_final_world(n_customers: int = 6000, n_orders: int = 20000, seed: int = 0):
    """Final (string-id) customers, orders and their truth, shaped as ``schema`` says."""
    rng = np.random.default_rng(seed)
    shop = SHOPS["shop_id"].to_numpy()[rng.choice(5, size=n_customers, p=[0.3, 0.25, 0.15, 0.15, 0.15])]
    locale = np.full(n_customers, "zh_CN", dtype=object)
    for s, locs in CROSS_LOCALES.items():
        sel = shop == s
        locale[sel] = np.asarray(locs, dtype=object)[rng.integers(len(locs), size=sel.sum())]
    b2b = rng.random(n_customers) < 0.1
    country = np.array([COUNTRY[x] for x in locale], dtype=object)
    picks = rng.integers(100, size=n_customers)
    name = np.array([NAMES[x][k % len(NAMES[x])] for x, k in zip(locale, picks, strict=True)])
    ids = format_ids(np.arange(n_customers), "C", 7)
    customers = pd.DataFrame({
        "customer_id": ids, "shop_id": shop, "name": name,
        "email": [f"user{i}@example.com" for i in range(n_customers)],
        "phone": [_phone(c, 1000 + 7 * i) for i, c in enumerate(country)],
        "country": country, "province": country, "city": [CITIES[c] for c in country], "locale": locale,
        "signup_date": pd.Timestamp("2024-03-01"), "acquisition_channel": "search",
        "customer_type": np.where(b2b, "B2B", "B2C"), "company": np.where(b2b, "Acme Ltd", ""),
        "gender": rng.choice(["F", "M", "U"], size=n_customers),
        "birth_year": pd.array(np.where(b2b, None, rng.integers(1950, 2005, n_customers)), dtype="Int64"),
        "member_tier": "none", "marketing_opt_in": True,
    })
    cust_of_order = rng.integers(n_customers, size=n_orders)
    orders = pd.DataFrame({"order_id": format_ids(np.arange(n_orders), "O", 8),
                           "customer_id": ids[cust_of_order], "shop_id": shop[cust_of_order]})
    tables = {"shops": SHOPS, "customers": conform(customers, schema.OBSERVED["customers"]), "orders": orders}
    truth = {"customers": pd.DataFrame({"customer_id": ids, "person_id": format_ids(np.arange(n_customers), "H", 7)}),
             "orders": orders[["order_id", "customer_id"]].copy()}
    return tables, truth


@pytest.fixture(scope="module")
def dirty():
    tables, truth = make_final_world()
    before = {k: v.copy() for k, v in tables.items()}, {k: v.copy() for k, v in truth.items()}
    out, out_truth = quality.apply_data_quality(tables, truth, rng=np.random.default_rng(42))
    return tables, truth, before, out, out_truth


def _components(keys: list[np.ndarray]) -> np.ndarray:
    """Union-find over records: records sharing any non-empty key end in one component."""
    n = len(keys[0])
    parent = np.arange(n)

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for key in keys:
        first = {}
        for i, k in enumerate(key):
            if not k:
                continue
            if k in first:
                a, b = find(i), find(first[k])
                if a != b:
                    parent[a] = b
            else:
                first[k] = i
    return np.array([find(i) for i in range(n)])


def _pairs(labels: np.ndarray) -> set:
    df = pd.DataFrame({"g": labels, "i": np.arange(len(labels))})
    m = df.merge(df, on="g")
    m = m[m["i_x"] < m["i_y"]]
    return set(zip(m["i_x"], m["i_y"], strict=True))


def test_inputs_are_not_modified(dirty):
    tables, truth, (t_before, tr_before), _, _ = dirty
    for k in t_before:
        pd.testing.assert_frame_equal(tables[k], t_before[k])
    for k in tr_before:
        pd.testing.assert_frame_equal(truth[k], tr_before[k])


def test_schema_row_counts_and_ids_are_kept(dirty):
    tables, truth, _, out, out_truth = dirty
    c = out["customers"]
    assert list(c.columns) == list(schema.OBSERVED["customers"])
    for col, (dtype, _) in schema.OBSERVED["customers"].items():
        assert str(c[col].dtype) == dtype, col
    assert (c["customer_id"] == tables["customers"]["customer_id"]).all()
    assert len(out["orders"]) == len(tables["orders"])
    assert (out_truth["customers"]["customer_id"] == truth["customers"]["customer_id"]).all()
    assert out_truth["customers"]["person_id"].str.fullmatch(r"H\d{7}").all()
    assert out["shops"] is tables["shops"]


def test_fewer_persons_than_customers_and_about_ten_percent_duplicated(dirty):
    _, _, _, out, out_truth = dirty
    size = out_truth["customers"].groupby("person_id").size()
    assert len(size) < len(out["customers"])
    assert 0.07 <= (size >= 2).mean() <= 0.13
    assert size.max() <= 3 and (size == 3).any()


def test_duplicates_sit_in_different_shops_sharing_locale_kind_and_type(dirty):
    _, _, _, out, out_truth = dirty
    c = out["customers"].assign(person_id=out_truth["customers"]["person_id"].to_numpy(),
                                kind=out["customers"]["shop_id"].map(SHOPS.set_index("shop_id")["kind"]))
    dup = c[c.duplicated("person_id", keep=False)]
    g = dup.groupby("person_id")
    assert (g["shop_id"].nunique() == g.size()).all()  # one record per shop
    for col in ("locale", "kind", "customer_type", "country", "gender"):
        assert (g[col].nunique() == 1).all(), col
    served = c.groupby("shop_id")["locale"].unique().map(set)
    assert all(loc in served[s] for s, loc in zip(dup["shop_id"], dup["locale"], strict=True))
    assert not (dup["locale"] == "ja_JP").any()  # only one shop sells to ja_JP


def test_duplicate_identities_carry_realistic_noise(dirty):
    _, _, _, out, out_truth = dirty
    c = out["customers"].assign(person_id=out_truth["customers"]["person_id"].to_numpy())
    dup = c[c.duplicated("person_id", keep=False)]
    email = dup["email"]
    assert (email == "").any()  # some duplicates lost their e-mail
    assert (email != email.str.strip()).any() and (email.str.strip() != email.str.strip().str.lower()).any()
    assert (dup["phone"].str.startswith("+")).any() and dup["phone"].str.fullmatch(r"\d+").any()
    names_per_person = dup.groupby("person_id")["name"].nunique()
    assert 0 < (names_per_person > 1).mean() < 0.2  # occasional one-character typos


def test_normalise_and_union_find_recovers_the_duplicates(dirty):
    _, _, _, out, out_truth = dirty
    c = out["customers"]
    email = c["email"].str.strip().str.lower().to_numpy(dtype=object)
    digits = c["phone"].str.replace(r"\D", "", regex=True).str[-9:].to_numpy(dtype=object)
    predicted = _pairs(_components([email, digits]))
    truth = _pairs(pd.factorize(out_truth["customers"]["person_id"])[0])
    assert len(truth) > 300
    recall = len(predicted & truth) / len(truth)
    precision = len(predicted & truth) / max(len(predicted), 1)
    assert recall >= 0.8 and precision >= 0.95, (recall, precision)


def test_homonyms_are_not_duplicates(dirty):
    _, _, _, out, out_truth = dirty
    c = out["customers"].assign(person_id=out_truth["customers"]["person_id"].to_numpy())
    persons_per_name = c.groupby("name")["person_id"].nunique()
    assert (persons_per_name > 1).any()


def test_guest_orders_in_range_and_truth_keeps_the_real_customer(dirty):
    tables, _, _, out, out_truth = dirty
    guest = (out["orders"]["customer_id"] == "").to_numpy()
    assert 0.05 <= guest.mean() <= 0.08
    assert str(out["orders"]["customer_id"].dtype) == "str"
    t = out_truth["orders"].set_index("order_id")["customer_id"]
    real = t.reindex(out["orders"]["order_id"]).to_numpy()
    assert (real[guest] != "").all()
    assert (real == tables["orders"]["customer_id"].to_numpy()).all()
    kept = ~guest
    assert (out["orders"]["customer_id"].to_numpy()[kept] == real[kept]).all()


def test_city_typos_and_email_noise_without_duplicates(dirty):
    tables, _, _, out, out_truth = dirty
    single = ~out_truth["customers"]["person_id"].duplicated(keep=False).to_numpy()
    before, after = tables["customers"][single], out["customers"][single]
    city_changed = (before["city"].to_numpy() != after["city"].to_numpy()).mean()
    assert 0.01 <= city_changed <= 0.03
    lengths = after["city"].str.len().to_numpy() - before["city"].str.len().to_numpy()
    assert set(np.unique(lengths)) <= {-1, 0, 1}
    email_changed = before["email"].to_numpy() != after["email"].to_numpy()
    assert 0.02 <= email_changed.mean() <= 0.04
    assert (after["email"].str.strip().str.lower() == before["email"]).all()


def test_same_generator_state_same_output():
    tables, truth = make_final_world(n_customers=1500, n_orders=3000, seed=5)
    a = quality.apply_data_quality(tables, truth, rng=np.random.default_rng(9))
    b = quality.apply_data_quality(tables, truth, rng=np.random.default_rng(9))
    c = quality.apply_data_quality(tables, truth, rng=np.random.default_rng(10))
    pd.testing.assert_frame_equal(a[0]["customers"], b[0]["customers"])
    pd.testing.assert_frame_equal(a[1]["customers"], b[1]["customers"])
    pd.testing.assert_frame_equal(a[0]["orders"], b[0]["orders"])
    assert not a[1]["customers"]["person_id"].equals(c[1]["customers"]["person_id"])


def test_typo_strings_changes_one_character_and_person_ids_format():
    rng = np.random.default_rng(0)
    words = np.array(["Hamburg", "上海", "Springfield", "A"] * 50)
    out = quality.typo_strings(words, rng=rng)
    lengths = np.array([len(x) for x in out]) - np.array([len(x) for x in words])
    assert set(np.unique(lengths)) <= {-1, 0, 1}
    assert (out[words == "A"] == "A").all()
    assert (out[words == "Hamburg"] != "Hamburg").mean() > 0.9
    assert list(quality.person_ids(3)) == ["H0000001", "H0000002", "H0000003"]
