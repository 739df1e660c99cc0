"""Formative checks of notebook 01: each passes on a correct answer and fails, with the teaching message,
on typical wrong answers."""

import numpy as np
import pandas as pd
import pytest
from crmlab.autograde.tasks import CheckError, foundations_checks as fc

VALID = ["delivered", "shipped"]


# ---- correct answers (the notebook's solutions, kept test-side) ----------------------------------------
def customer_base(N0, A, r, T):
    t = np.arange(T + 1)
    if r == 1:
        return N0 + A * t.astype(float)
    return r ** t * N0 + A * (1 - r ** t) / (1 - r)


def add_then_retain(N0, A, r, T):
    """Wrong: N_{t+1} = r (N_t + A), so N_1 = 95 in the worked example."""
    out = np.empty(T + 1)
    out[0] = N0
    for t in range(T):
        out[t + 1] = r * (out[t] + A)
    return out


def acquisition_retention(customers, orders, *, year=2025, statuses=VALID, last_month=11, pooled=True):
    A = (customers["signup_date"].dt.year == year).sum() / 12
    valid = orders[orders["status"].isin(statuses) & (orders["order_ts"].dt.year == year)]
    act = pd.DataFrame({"customer_id": valid["customer_id"], "month": valid["order_ts"].dt.month}).drop_duplicates()
    base = act[act["month"] <= last_month]
    kept = base.merge(act.assign(month=act["month"] - 1), on=["customer_id", "month"])
    if not pooled:
        kept_n = kept.groupby("month").size().reindex(base["month"].unique(), fill_value=0)
        rates = kept_n / base.groupby("month").size()
        return float(A), float(rates.mean())
    return float(A), len(kept) / len(base)


def pareto_table(orders, customers, *, statuses=VALID, fx=True, tie_ascending=True, duty=False):
    valid = orders[orders["status"].isin(statuses)]
    amount = (valid["order_total"] - (0 if duty else valid["duty_tax"])) * (valid["fx_rate_to_cny"] if fx else 1.0)
    rev = amount.groupby(valid["customer_id"]).sum()
    t = pd.DataFrame({"customer_id": customers["customer_id"].to_numpy()})
    t["revenue"] = t["customer_id"].map(rev).fillna(0.0).astype(float)
    t = t.sort_values(["revenue", "customer_id"], ascending=[False, tie_ascending]).reset_index(drop=True)
    t["cum_share"] = t["revenue"].cumsum() / t["revenue"].sum()
    t["rank_pct"] = np.arange(1, len(t) + 1) / len(t)
    return t


def gini(revenues):
    x = np.sort(np.asarray(revenues, dtype=float))
    n, total = len(x), x.sum()
    if total == 0:
        return 0.0
    return float(2 * (np.arange(1, n + 1) * x).sum() / (n * total) - (n + 1) / n)


def gini_unsorted(x):
    n = len(x)
    return float(2 * (np.arange(1, n + 1) * x).sum() / (n * x.sum()) - (n + 1) / n)


def normalise_email(s):
    return s.fillna("").astype(str).str.strip().str.lower()


CODES = {"CN": "86", "US": "1", "GB": "44", "DE": "49", "FR": "33", "JP": "81", "AU": "61"}


def normalise_phone(phone, country, *, code=True):
    digits = phone.fillna("").astype(str).str.replace(r"\D", "", regex=True).str.lstrip("0")
    if not code:
        return digits.where(digits.str.len() >= 7, "")
    full = [d if d.startswith(c) else c + d for d, c in zip(digits, country.map(CODES), strict=True)]
    return ("+" + pd.Series(full, index=phone.index)).where(digits.str.len() >= 7, "")


def last_nine(phone, country):
    digits = phone.fillna("").astype(str).str.replace(r"\D", "", regex=True)
    return digits.str[-9:].where(digits.str.len() >= 9, "")


def retention_boost(A, r, pp=0.05):
    r_new = (r ** 12 + pp) ** (1 / 12)
    return r_new, A / (1 - r_new) - A / (1 - r)


def link_persons(customers, *, keys=("email", "phone"), skip_empty=True, rounds=50, normalise=True):
    norm = {"email": normalise_email, "phone": lambda p: normalise_phone(p, customers["country"])}
    cols = [norm[k](customers[k]) if normalise else customers[k] for k in keys]
    label = pd.Series(np.arange(len(customers)), index=customers.index)
    for _ in range(rounds):
        new = label.copy()
        for key in cols:
            has = key != "" if skip_empty else pd.Series(True, index=key.index)
            new[has] = np.minimum(new[has], label[has].groupby(key[has]).transform("min"))
        if new.equals(label):
            break
        label = new
    return label


# ---- the checks pass on correct answers ---------------------------------------------------------------
def test_correct_answers_pass(capsys):
    fc.check_customer_base(customer_base)
    fc.check_retention_boost(retention_boost)
    fc.check_acquisition_retention(acquisition_retention)
    fc.check_steady_state(10.0, 0.6, 25.0)
    fc.check_pareto_table(pareto_table)
    orders, customers = fc._pareto_inputs(fc.PARETO_ORDERS, [f"K{i:02d}" for i in range(1, 11)])
    table = pareto_table(orders, customers)
    fc.check_top20_share(table, 0.8)
    fc.check_gini(gini)
    fc.check_normalise(normalise_email, normalise_phone)
    fc.check_link_persons(link_persons)
    fc.check_n_persons(100, 90)
    fc.check_dup_revenue_share(0.2)
    out = capsys.readouterr().out
    assert out.count("✓") == 11 and "the grader will still check it" in out


def test_recursive_customer_base_passes_too():
    def loop(N0, A, r, T):
        out = np.empty(T + 1)
        out[0] = N0
        for t in range(T):
            out[t + 1] = r * out[t] + A
        return out
    fc.check_customer_base(loop)


# ---- and fail with the right message on typical mistakes ----------------------------------------------
def _raises(match, fn, *args):
    with pytest.raises(CheckError, match=match):
        fn(*args)


@pytest.mark.parametrize("wrong, match", [
    (lambda N0, A, r, T: list(customer_base(N0, A, r, T)), "numpy"),
    (lambda N0, A, r, T: customer_base(N0, A, r, T)[1:], "T\\+1"),
    (add_then_retain, "先加了 A"),
    (lambda N0, A, r, T: customer_base(0, A, r, T), "N0 用上了吗"),
    (lambda N0, A, r, T: customer_base(N0, A, r, T) * np.r_[1, np.ones(T) * 1.01], "N_1"),
])
def test_customer_base_mistakes(wrong, match):
    _raises(match, fc.check_customer_base, wrong)


@pytest.mark.parametrize("kwargs, match", [
    (dict(statuses=["delivered", "shipped", "cancelled"]), "取消 cancelled"),
    (dict(statuses=["delivered", "shipped", "returned"]), "退货 returned"),
    (dict(last_month=12), "12 月"),
    (dict(pooled=False), "合并 pooled"),
])
def test_acquisition_retention_mistakes(kwargs, match):
    _raises(match, fc.check_acquisition_retention, lambda c, o, year: acquisition_retention(c, o, year=year, **kwargs))


def test_acquisition_retention_wrong_A_and_percent():
    _raises("A 应为 4/12", fc.check_acquisition_retention, lambda c, o, year: (4 / 11, 3 / 7))
    _raises("比例", fc.check_acquisition_retention, lambda c, o, year: (4 / 12, 300 / 7))
    _raises("tuple", fc.check_acquisition_retention, lambda c, o, year: [4 / 12, 3 / 7])


@pytest.mark.parametrize("args, match", [((10.0, 0.6, 4.0), "A / \\(1 − r\\)"), ((10.0, 60.0, 25.0), "比例"),
                                         ((10.0, 0.6, 16.6667), "A / \\(1 − r\\)"), ((0.0, 0.6, 0.0), "A 应为正数")])
def test_steady_state_mistakes(args, match):
    _raises(match, fc.check_steady_state, *args)


@pytest.mark.parametrize("wrong, match", [
    (lambda o, c: pareto_table(o, c, statuses=["delivered", "shipped", "cancelled", "returned"]), "cancelled"),
    (lambda o, c: pareto_table(o, c, fx=False), "人民币"),
    (lambda o, c: pareto_table(o, c, duty=True), "duty_tax"),
    (lambda o, c: pareto_table(o, c, tie_ascending=False), "tie rule"),
    (lambda o, c: pareto_table(o, c).sort_values("revenue"), "从高到低"),
    (lambda o, c: pareto_table(o, c).assign(rank_pct=lambda t: np.arange(len(t)) / len(t)), "1/n"),
    (lambda o, c: pareto_table(o, c).assign(cum_share=lambda t: t["revenue"] / t["revenue"].sum()), "cum_share"),
    (lambda o, c: pareto_table(o, c).drop(columns="rank_pct"), "rank_pct"),
    (lambda o, c: pareto_table(o[o["customer_id"].isin(c["customer_id"])], o.drop_duplicates("customer_id")), "行"),
])
def test_pareto_table_mistakes(wrong, match):
    _raises(match, fc.check_pareto_table, wrong)


def test_top20_share_mistakes():
    orders, customers = fc._pareto_inputs(fc.PARETO_ORDERS, [f"K{i:02d}" for i in range(1, 11)])
    table = pareto_table(orders, customers)
    _raises("floor", fc.check_top20_share, table, 0.92)
    _raises("百分数", fc.check_top20_share, table, 80.0)
    _raises("最后一行", fc.check_top20_share, table.iloc[:5], 0.8)


@pytest.mark.parametrize("wrong, match", [
    (lambda x: -gini(x), "升序"),
    (lambda x: gini_unsorted(np.asarray(x, dtype=float)[::-1]), "先排序"),
    (lambda x: gini(x) if np.sum(x) else float("nan"), "不是有限数"),
    (lambda x: 1 - gini(x), "0.72"),
])
def test_gini_mistakes(wrong, match):
    _raises(match, fc.check_gini, wrong)


@pytest.mark.parametrize("email, phone, match", [
    (lambda s: s.str.lower(), normalise_phone, "normalise_email"),
    (lambda s: s.str.strip().str.lower().to_list(), normalise_phone, "Series"),
    (lambda s: s.str.strip().str.lower().reset_index(drop=True), normalise_phone, "索引"),
    (normalise_email, last_nine, "最后 9 位"),
    (normalise_email, lambda p, c: normalise_phone(p, c, code=False), "国家代码"),
    (normalise_email, lambda p, c: normalise_phone(p, c).str.lstrip("+"), "normalise_phone\\('\\+86"),
    (normalise_email, lambda p, c: normalise_phone(p, c).reset_index(drop=True), "索引"),
    (normalise_email, lambda p, c: normalise_phone(p, c).mask(p == "12 34", "+8634"), "12 34"),
])
def test_normalise_mistakes(email, phone, match):
    _raises(match, fc.check_normalise, email, phone)


@pytest.mark.parametrize("wrong, match", [
    (lambda A, r, pp=0.05: (r + pp, A / (1 - r - pp) - A / (1 - r)), "月保持率上"),
    (lambda A, r, pp=0.05: (r + pp / 12, A / (1 - r - pp / 12) - A / (1 - r)), "平均分到"),
    (lambda A, r, pp=0.05: (retention_boost(A, r, pp)[0], A / (1 - retention_boost(A, r, pp)[0])), "变化"),
    (lambda A, r, pp=0.05: [*retention_boost(A, r, pp)], "tuple"),
    (lambda A, r, pp=0.05: ((r ** 12 + pp) ** 12, 0.0), "换回月保持率"),
])
def test_retention_boost_mistakes(wrong, match):
    _raises(match, fc.check_retention_boost, wrong)


def test_retention_boost_monthly_reading_at_095_says_so():
    """+5 pp on a monthly 0.95 is 1.0: a division by zero gets the same hint as the monthly reading."""
    fc.check_retention_boost(retention_boost)
    with pytest.raises(CheckError, match="月保持率上"):
        fc.check_retention_boost(lambda A, r, pp=0.05: (1.0, A / (1 - 1.0)) if r > 0.85 else (0, 0))


@pytest.mark.parametrize("wrong, match", [
    (lambda c: link_persons(c, skip_empty=False), "空值不是身份"),
    (lambda c: link_persons(c, normalise=False), "normalise_email"),
    (lambda c: link_persons(c, rounds=1), "传递闭包"),
    (lambda c: pd.Series(pd.factorize(normalise_email(c["email"]).where(c["email"].str.strip() != "",
                                                                         normalise_phone(c["phone"], c["country"])))[0],
                         index=c.index), "传递闭包"),
    (lambda c: link_persons(c, keys=("email",)), "normalise_phone"),
    (lambda c: pd.Series(pd.factorize(c["name"].str.replace(" ", ""))[0], index=c.index), "e-mail"),
    (lambda c: link_persons(c).to_numpy(), "Series"),
])
def test_link_persons_mistakes(wrong, match):
    _raises(match, fc.check_link_persons, wrong)


@pytest.mark.parametrize("args, match", [((100, 100), "一个重复也没找到"), ((100, 90.5), "整数"),
                                         ((100, 120), "之间"), ((100, "many"), "一个数")])
def test_n_persons_mistakes(args, match):
    _raises(match, fc.check_n_persons, *args)


@pytest.mark.parametrize("share, match", [(20.0, "百分数"), (0.0, "大于 0"), (float("nan"), "有限数")])
def test_dup_revenue_share_mistakes(share, match):
    _raises(match, fc.check_dup_revenue_share, share)


# ---- the instructor's reference.py (independent code) passes the same checks ----------------------------
def _reference():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "course" / "01_crm_foundations" / "reference.py"
    spec = importlib.util.spec_from_file_location("reference_01", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reference_passes_the_checks(capsys):
    ref = _reference()
    fc.check_customer_base(ref.leaky_bucket)
    fc.check_acquisition_retention(lambda c, o, year: ref.acquisition_retention(c, o, year))
    fc.check_pareto_table(lambda o, c: ref.pareto(c, o))
    fc.check_gini(ref.gini)
    fc.check_normalise(ref.norm_email, ref.norm_phone)
    fc.check_link_persons(lambda c: pd.Series(ref.persons(c), index=c.index))
    fc.check_retention_boost(ref.retention_boost)
    assert capsys.readouterr().out.count("✓") == 7
