"""The hidden lifecycle: a weekly stage machine (考察期 → 形成期 → 稳定期 → 退化期 → exit) for one block.

Every week, for all customers of the block at once: stage transitions with hazards that depend on latent
satisfaction, campaign launches (eligibility, randomisation), orders (Poisson, rate = baseline × stage ×
season × campaign lift), what happens to those orders (``incidents``) and the satisfaction update those
incidents cause. Customers in ``btyd`` mechanism follow their pre-drawn BG/NBD purchases (``btyd``) and
take part only in the bookkeeping. Loops run over weeks, never over customers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import calendar, campaigns as camp, incidents

STAGE_NAMES = ("exploration", "formation", "stability", "decline", "terminated")
RATE_MULT = np.array([0.9, 1.0, 1.15, 0.5])     # purchase rate × by stage (陈明亮: volume rises, then falls)
BASKET_MULT = np.array([0.8, 0.9, 1.5, 0.9])    # basket value × by stage
PRICE_SENS_MULT = np.array([1.0, 0.8, 0.55, 0.75])  # price sensitivity falls as the relationship matures
RHO = 0.85          # weekly persistence of satisfaction shocks
SAT_NOISE = 0.08    # weekly satisfaction noise (sd)
TERMINATED = 4


# weekly hazards per living stage: forward move = base × exp(slope × (s − 0.5)); exit likewise
FWD_BASE = np.array([0.50, 0.06, 0.012, 0.03])     # → formation, → stability, → decline, → stability (win-back)
FWD_SLOPE = np.array([0.3, 0.3, -0.8, 0.0])        # satisfaction speeds progress and slows decline
EXIT_BASE = np.array([0.015, 0.09, 0.008, 0.08])   # many leave while the relationship forms; stability exits rare
EXIT_SLOPE = -1.0                                   # dissatisfied customers leave faster
FWD_TARGET = np.array([1, 2, 3, 2])


def stage_machine() -> dict:
    """The stage machine's rates as JSON (``truth/params.json`` → ``population.lifecycle.stages``).

    Lists run over the living stages exploration, formation, stability, decline; hazards are weekly
    P = base × exp(slope × (satisfaction − 0.5)), capped at 0.9 (see ``_hazards``).
    """
    return {"names": list(STAGE_NAMES[:TERMINATED]), "rate_mult": RATE_MULT.tolist(),
            "basket_mult": BASKET_MULT.tolist(), "price_sensitivity_mult": PRICE_SENS_MULT.tolist(),
            "forward_base": FWD_BASE.tolist(), "forward_slope": FWD_SLOPE.tolist(),
            "forward_target": [STAGE_NAMES[i] for i in FWD_TARGET], "exit_base": EXIT_BASE.tolist(),
            "exit_slope": EXIT_SLOPE, "sat_persistence": RHO, "sat_noise_sd": SAT_NOISE}


def _hazards(stage: np.ndarray, s: np.ndarray, boost: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weekly P(move forward), P(exit) and the target stage for alive customers in ``stage`` (0–3).

    ``boost`` multiplies the decline → stability (win-back) hazard by ``1 + boost``.
    """
    sd = s - 0.5
    fwd = FWD_BASE[stage] * np.exp(FWD_SLOPE[stage] * sd) * np.where(stage == 3, 1.0 + boost, 1.0)
    ext = EXIT_BASE[stage] * np.exp(EXIT_SLOPE * sd)
    return np.clip(fwd, 0, 0.9), np.clip(ext, 0, 0.9), FWD_TARGET[stage]


@dataclass
class BlockHistory:
    """What the loop produced for one block (customer ids are global int64)."""

    events: pd.DataFrame        # one row per order, before rendering (see ``run``)
    spells: pd.DataFrame        # customer_id, stage (int), start_ts, exit_reason of the previous spell
    sat_monthly: pd.DataFrame   # customer_id, month, satisfaction, stage (int)
    contacts: pd.DataFrame      # campaign_id, customer_id, treated, sent_ts, y0, y1, p0, p1
    final: pd.DataFrame         # customer_id, stage_end (int), churn_ts, s_end, exit_stage (int, −1 alive)


def run(*, pop: pd.DataFrame, btyd_events: pd.DataFrame, deaths: pd.DataFrame, shops_cols: dict, cat_cdf: np.ndarray,
        campaigns: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, n_weeks: int,
        rng: np.random.Generator) -> BlockHistory:
    """Simulate the block's customers week by week.

    ``pop`` is the output of ``latent.draw_population``; ``btyd_events`` (customer_id, order_ts) holds the
    pre-drawn orders of btyd-mechanism customers (first orders included) and ``deaths`` (customer_id,
    churn_ts) their dropout times. Returns a :class:`BlockHistory`.

    Each week runs six steps in this order, all drawing from ``rng`` (the order of draws is the output's
    identity): 1 joins, 2 stage transitions, 3 campaign launches, 4 orders, 5 satisfaction, 6 month-end
    snapshot.
    """
    b = _Block.build(pop=pop, btyd_events=btyd_events, deaths=deaths, shops_cols=shops_cols, cat_cdf=cat_cdf,
                     campaigns=campaigns, start=start, n_weeks=n_weeks, rng=rng)
    st = _WeekState.begin(b)
    for t in range(n_weeks):
        w0 = b.ws[t]
        new = _join(b, st, t)
        life_alive, act = _transitions(b, st, t, w0)
        act = _launch_campaigns(b, st, t, w0, act)
        shock = _orders(b, st, t, w0, new, life_alive, act)
        everyone = _update_satisfaction(b, st, new, shock)
        _snapshot(b, st, t, w0, everyone)
        st.living = everyone
    return _history(b, st, end)


@dataclass
class _Block:
    """The block's fixed inputs, one entry per customer (local index = customer_id − first id)."""

    n: int
    ws: np.ndarray               # week starts, datetime64[s]
    cid: np.ndarray              # global customer ids
    shop: np.ndarray             # shop index
    kind: np.ndarray             # column of ``season``: 0 domestic, 1 cross-border
    season: np.ndarray           # (n_weeks, 2) weekly seasonal multiplier
    lam: np.ndarray              # baseline purchase rate /week
    s0: np.ndarray               # satisfaction baseline
    is_life: np.ndarray
    opt_in: np.ndarray
    signup: np.ndarray           # datetime64[s]
    signup_week: np.ndarray
    b_local: np.ndarray          # btyd pre-drawn orders: local customer index …
    b_ts: np.ndarray             # … and time
    d_ts: np.ndarray             # btyd dropout time (NaT: none)
    joins: list[np.ndarray]      # by week: customers who sign up
    b_events: list[np.ndarray]   # by week: rows of the btyd orders
    b_deaths: list[np.ndarray]   # by week: btyd customers who drop out
    launches: dict[int, list]    # start week -> campaigns (named tuples)
    shops_cols: dict
    cat_cdf: np.ndarray
    rng: np.random.Generator

    @classmethod
    def build(cls, *, pop, btyd_events, deaths, shops_cols, cat_cdf, campaigns, start, n_weeks, rng) -> _Block:
        n = len(pop)
        t0 = np.datetime64(start, "s")
        week = np.timedelta64(calendar.WEEK_S, "s")
        cid = pop["customer_id"].to_numpy()
        lo = int(cid.min())
        shop = pop["shop_id"].to_numpy()
        cross = shops_cols["cross"][shop]
        season = np.column_stack([calendar.weekly_season(start, n_weeks, cross_border=False),
                                  calendar.weekly_season(start, n_weeks, cross_border=True)])
        signup = pop["signup_date"].to_numpy().astype("datetime64[s]")
        signup_week = ((signup - t0) // week).astype(int)
        # btyd customers: weekly order counts from their pre-drawn events
        b_local = btyd_events["customer_id"].to_numpy() - lo
        b_ts = btyd_events["order_ts"].to_numpy().astype("datetime64[s]")
        b_week = ((b_ts - t0) // week).astype(int)
        d_ts = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
        d_ts[deaths["customer_id"].to_numpy() - lo] = deaths["churn_ts"].to_numpy().astype("datetime64[s]")
        d_week = np.full(n, -1)
        has_d = ~np.isnat(d_ts)
        d_week[has_d] = (d_ts[has_d] - t0) // week
        launches: dict[int, list] = {}
        for c in campaigns[["campaign_id", "shop_id", "start_week", "window_weeks", "rate_lift", "rule",
                            "holdout_share"]].itertuples(index=False):
            launches.setdefault(int(c.start_week), []).append(c)
        return cls(n=n, ws=calendar.week_starts(start, n_weeks), cid=cid, shop=shop, kind=cross.astype(np.int64),
                   season=season, lam=pop["lambda_week"].to_numpy(), s0=pop["sat_baseline"].to_numpy(),
                   is_life=(pop["mechanism"] == "lifecycle").to_numpy(), opt_in=pop["marketing_opt_in"].to_numpy(),
                   signup=signup, signup_week=signup_week, b_local=b_local, b_ts=b_ts, d_ts=d_ts,
                   joins=_by_week(signup_week, n_weeks), b_events=_by_week(b_week, n_weeks),
                   b_deaths=_by_week(d_week, n_weeks), launches=launches, shops_cols=shops_cols, cat_cdf=cat_cdf,
                   rng=rng)


@dataclass
class _WeekState:
    """What carries over from week to week, and the rows the weeks have produced so far."""

    stage: np.ndarray            # −1 not joined yet, 0–3 living stage, 4 terminated
    s: np.ndarray                # latent satisfaction
    churn_ts: np.ndarray
    exit_stage: np.ndarray       # stage left at termination (−1 alive)
    last_order_week: np.ndarray
    n_orders: np.ndarray
    living: np.ndarray           # joined in an earlier week and not terminated (local indices)
    # active experiments, one entry per (campaign, contacted customer): local index, campaign, arm, lift,
    # and the accumulated orders under control / treatment
    c_cust: np.ndarray
    c_camp: np.ndarray
    c_treat: np.ndarray
    c_lift: np.ndarray
    acc_y0: np.ndarray
    acc_y1: np.ndarray
    windows: list[tuple[int, int, int, int, bool]]  # (first week, end week, lo, hi, is win-back)
    ev: list = field(default_factory=list)          # per week: order rows (``EV_COLS``)
    sp: list = field(default_factory=list)          # stage spells
    snaps: list = field(default_factory=list)       # month-end satisfaction
    con: list = field(default_factory=list)         # campaign contacts

    @classmethod
    def begin(cls, b: _Block) -> _WeekState:
        n = b.n
        return cls(stage=np.full(n, -1), s=b.s0.copy(),
                   churn_ts=np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"), exit_stage=np.full(n, -1),
                   last_order_week=np.full(n, -10_000), n_orders=np.zeros(n, dtype=np.int64),
                   living=np.empty(0, np.int64), c_cust=np.empty(0, np.int64), c_camp=np.empty(0, np.int64),
                   c_treat=np.empty(0, bool), c_lift=np.empty(0), acc_y0=np.empty(0), acc_y1=np.empty(0),
                   windows=[])


EV_COLS = ("customer_id", "shop_id", "order_ts", "stage", "satisfaction", "campaign", "category",
           "cancelled", "late", "delay_days", "customs", "damaged", "complaint", "resolved")


def _join(b: _Block, st: _WeekState, t: int) -> np.ndarray:
    """Step 1: this week's signups start in exploration (btyd customers are recorded in "stability")."""
    new = b.joins[t]
    st.stage[new] = np.where(b.is_life[new], 0, 2)
    if len(new):
        st.sp.append((b.cid[new], st.stage[new].copy(), b.signup[new], np.full(len(new), "", dtype=object)))
    return new


def _transitions(b: _Block, st: _WeekState, t: int, w0) -> tuple[np.ndarray, np.ndarray]:
    """Step 2: stage moves and exits of lifecycle customers who joined before this week; btyd dropouts.

    Returns the lifecycle customers alive at the start of the week and the active experiment entries.
    """
    life_alive = st.living[b.is_life[st.living]]
    act, boost = _open_experiments(b, st, t, life_alive)
    fwd, ext, target = _hazards(st.stage[life_alive], st.s[life_alive], boost)
    u = b.rng.random(len(life_alive))
    go_exit = u < ext
    go_fwd = ~go_exit & (u < ext + fwd)
    moved = life_alive[go_fwd]
    exited = life_alive[go_exit]
    stage, s = st.stage, st.s
    if len(moved):
        prev, tgt = stage[moved], target[go_fwd]
        decline_why = np.where(s[moved] < 0, "dissatisfaction", "competitor")
        reason_m = np.select([prev == 3, tgt == 3], ["win_back", decline_why], "progression")
        stage[moved] = tgt
        st.sp.append((b.cid[moved], stage[moved].copy(), np.full(len(moved), w0), reason_m.astype(object)))
    if len(exited):
        st.exit_stage[exited] = stage[exited]
        stage[exited] = TERMINATED
        st.churn_ts[exited] = w0
        why = np.where(s[exited] < 0, "dissatisfaction",
                       np.where(b.rng.random(len(exited)) < 0.5, "competitor", "need_ended"))
        st.sp.append((b.cid[exited], stage[exited].copy(), np.full(len(exited), w0), why.astype(object)))
    # btyd dropouts were drawn up front: the customer dies right after their last purchase
    died = b.b_deaths[t]
    died = died[stage[died] == 2]
    if len(died):
        st.exit_stage[died] = 2
        stage[died] = TERMINATED
        st.churn_ts[died] = b.d_ts[died]
        st.sp.append((b.cid[died], stage[died].copy(), st.churn_ts[died],
                      np.full(len(died), "need_ended", dtype=object)))
    return life_alive, act


def _open_experiments(b: _Block, st: _WeekState, t: int, life_alive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Experiment entries whose window covers week ``t``, and each of ``life_alive``'s win-back boost."""
    open_now = [w for w in st.windows if w[0] <= t < w[1]]
    act = (np.concatenate([np.arange(w[2], w[3]) for w in open_now]) if open_now
           else np.empty(0, np.int64))
    boost = np.zeros(len(life_alive))
    wb = [w for w in open_now if w[4]]
    if wb:
        wb_idx = np.concatenate([np.arange(w[2], w[3]) for w in wb])
        wb_idx = wb_idx[st.c_treat[wb_idx]]
        hit = np.zeros(b.n)
        np.add.at(hit, st.c_cust[wb_idx], camp.WIN_BACK_STABILITY_BOOST)
        boost = hit[life_alive]
    return act, boost


def _launch_campaigns(b: _Block, st: _WeekState, t: int, w0, act: np.ndarray) -> np.ndarray:
    """Step 3: campaigns starting this week pick eligible customers (observable state of everyone who
    joined) and randomise them; returns ``act`` with the new experiment entries appended."""
    stage = st.stage
    for c in b.launches.get(t, ()):
        mask = camp.eligible(c.rule, joined=(stage >= 0) & (b.shop == c.shop_id),
                             weeks_since_signup=t - b.signup_week, n_orders=st.n_orders,
                             weeks_since_order=t - st.last_order_week, opt_in=b.opt_in)
        idx = np.flatnonzero(mask)
        if not len(idx):
            continue
        k = len(idx)
        treat = b.rng.random(k) >= c.holdout_share
        live = (stage[idx] < TERMINATED) & b.is_life[idx]
        base_rate = np.where(live, b.lam[idx] * RATE_MULT[np.clip(stage[idx], 0, 3)], 0.0)
        lam_win = base_rate * b.season[t:t + c.window_weeks].sum(axis=0)[b.kind[idx]]
        sent = calendar.times_in_week(np.full(k, w0), rng=b.rng)
        st.con.append((np.full(k, c.campaign_id, dtype=np.int64), b.cid[idx], treat, sent,
                       1 - np.exp(-lam_win), 1 - np.exp(-lam_win * (1 + c.rate_lift))))
        st.windows.append((t, t + int(c.window_weeks), len(st.c_cust), len(st.c_cust) + k, c.rule == "win_back"))
        st.c_cust = np.concatenate([st.c_cust, idx])
        st.c_camp = np.concatenate([st.c_camp, np.full(k, c.campaign_id)])
        st.c_treat = np.concatenate([st.c_treat, treat])
        st.c_lift = np.concatenate([st.c_lift, np.full(k, c.rate_lift)])
        st.acc_y0, st.acc_y1 = np.concatenate([st.acc_y0, np.zeros(k)]), np.concatenate([st.acc_y1, np.zeros(k)])
        act = np.concatenate([act, np.arange(len(st.c_cust) - k, len(st.c_cust))])
    return act


def _orders(b: _Block, st: _WeekState, t: int, w0, new: np.ndarray, life_alive: np.ndarray,
            act: np.ndarray) -> np.ndarray:
    """Step 4: this week's orders and their incidents; returns each customer's satisfaction shock."""
    count, camp_of, b_now = _order_counts(b, st, t, new, life_alive, act)
    first = new[b.is_life[new]]
    reps = np.flatnonzero(count)
    who = np.concatenate([first, np.repeat(reps, count[reps]), b_now])
    ts = np.concatenate([b.signup[first], calendar.times_in_week(np.full(int(count.sum()), w0), rng=b.rng),
                         b.b_ts[b.b_events[t]]])
    shock = np.zeros(b.n)
    if len(who):
        inc = incidents.draw_incidents(shop_idx=b.shop[who], shops_cols=b.shops_cols, cat_cdf=b.cat_cdf, rng=b.rng)
        st.ev.append((b.cid[who], b.shop[who], ts, np.clip(st.stage[who], 0, 3), st.s[who], camp_of[who],
                      inc.category, inc.cancelled, inc.late, inc.delay_days, inc.customs, inc.damaged,
                      inc.complaint, inc.resolved))
        np.add.at(shock, who, incidents.satisfaction_shock(inc))
        st.last_order_week[who] = t
        np.add.at(st.n_orders, who, 1)
    return shock


def _order_counts(b: _Block, st: _WeekState, t: int, new: np.ndarray, life_alive: np.ndarray,
                  act: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Repeat orders per customer this week: lifecycle customers by Poisson (+ campaign extras for the
    treated), btyd ones as pre-drawn. Returns (count per customer, campaign credited or −1, btyd buyers);
    accumulates the experiments' potential outcomes."""
    stage = st.stage
    buyers = life_alive[stage[life_alive] < TERMINATED]
    rate = np.zeros(b.n)
    rate[buyers] = b.lam[buyers] * RATE_MULT[stage[buyers]] * b.season[t, b.kind[buyers]]
    count = np.zeros(b.n, dtype=np.int64)
    count[buyers] = b.rng.poisson(rate[buyers])
    b_now = b.b_local[b.b_events[t]]
    camp_of = np.full(b.n, -1)
    if len(act):
        who_c = st.c_cust[act]
        joined_now = np.zeros(b.n, dtype=bool)
        joined_now[new] = True
        extra = b.rng.poisson(rate[who_c] * st.c_lift[act])
        realised = np.where(st.c_treat[act], extra, 0)
        np.add.at(count, who_c, realised)
        treated_act = act[st.c_treat[act]]
        camp_of[st.c_cust[treated_act]] = st.c_camp[treated_act]
        others = (count[who_c] - realised + np.bincount(b_now, minlength=b.n)[who_c]
                  + (joined_now[who_c] & b.is_life[who_c]))
        st.acc_y0[act] += others
        st.acc_y1[act] += others + extra
    return count, camp_of, b_now


def _update_satisfaction(b: _Block, st: _WeekState, new: np.ndarray, shock: np.ndarray) -> np.ndarray:
    """Step 5: satisfaction of everyone living (joined, not terminated) reverts to its baseline, takes this
    week's incident shocks and noise; returns those customers (next week's ``living``)."""
    e = np.concatenate([st.living[st.stage[st.living] < TERMINATED], new[st.stage[new] < TERMINATED]])
    st.s[e] = RHO * st.s[e] + (1 - RHO) * b.s0[e] + shock[e] + b.rng.normal(0, SAT_NOISE, len(e))
    return e


def _snapshot(b: _Block, st: _WeekState, t: int, w0, e: np.ndarray) -> None:
    """Step 6: in the week holding a month's last day (and the horizon's last week), record the
    satisfaction and stage of the living ``e``."""
    last_day = w0 + np.timedelta64(6 * 86_400, "s")
    if pd.Timestamp(last_day).month != pd.Timestamp(w0).month or t == len(b.ws) - 1:
        month = np.datetime64(pd.Timestamp(w0).replace(day=1), "s")
        st.snaps.append((b.cid[e], np.full(len(e), month), st.s[e], st.stage[e]))


def _history(b: _Block, st: _WeekState, end: pd.Timestamp) -> BlockHistory:
    """The weeks' rows as the block's :class:`BlockHistory` (orders at or after ``end`` dropped)."""
    events = _stack(st.ev, EV_COLS)
    events = events[events["order_ts"] < np.datetime64(end, "s")]
    events = events.sort_values(["customer_id", "order_ts"], kind="stable").reset_index(drop=True)
    spells = pd.DataFrame({k: np.concatenate([x[i] for x in st.sp]) if st.sp else np.empty(0)
                           for i, k in enumerate(["customer_id", "stage", "start_ts", "reason"])})
    contacts = _stack(st.con, ("campaign_id", "customer_id", "treated", "sent_ts", "p0", "p1")) if st.con else (
        pd.DataFrame({"campaign_id": np.empty(0, np.int64), "customer_id": np.empty(0, np.int64),
                      "treated": np.empty(0, bool), "sent_ts": np.empty(0, "datetime64[s]"), "p0": np.empty(0),
                      "p1": np.empty(0)}))
    contacts["y0"] = st.acc_y0 > 0
    contacts["y1"] = st.acc_y1 > 0
    final = pd.DataFrame({"customer_id": b.cid, "stage_end": st.stage, "churn_ts": st.churn_ts, "s_end": st.s,
                          "exit_stage": st.exit_stage})
    sat = _stack(st.snaps, ("customer_id", "month", "satisfaction", "stage"))
    return BlockHistory(events=events, spells=spells, sat_monthly=sat, contacts=contacts, final=final)


def _by_week(week: np.ndarray, n_weeks: int) -> list[np.ndarray]:
    """Indices grouped by week value (0..n_weeks−1; other values dropped), each group in index order."""
    order = np.argsort(week, kind="stable")
    bounds = np.searchsorted(week[order], np.arange(n_weeks + 1))
    return [order[bounds[i]:bounds[i + 1]] for i in range(n_weeks)]


def _stack(parts: list[tuple], columns: tuple[str, ...]) -> pd.DataFrame:
    """One DataFrame from per-week tuples of equally long arrays (built once, not per week)."""
    if not parts:
        return pd.DataFrame({c: np.empty(0) for c in columns})
    return pd.DataFrame({c: np.concatenate([p[i] for p in parts]) for i, c in enumerate(columns)})
