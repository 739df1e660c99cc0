"""The hidden lifecycle: a weekly stage machine (考察期 → 形成期 → 稳定期 → 退化期 → exit) for one block.

Every week, for all customers of the block at once: stage transitions with hazards that depend on latent
satisfaction, campaign launches (eligibility, randomisation), orders (Poisson, rate = baseline × stage ×
season × campaign lift), what happens to those orders (``incidents``) and the satisfaction update those
incidents cause. Customers in ``btyd`` mechanism follow their pre-drawn BG/NBD purchases (``btyd``) and
take part only in the bookkeeping. Loops run over weeks, never over customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import calendar, campaigns as camp, incidents

STAGE_NAMES = ("exploration", "formation", "stability", "decline", "terminated")
RATE_MULT = np.array([0.5, 1.0, 1.6, 0.4])     # purchase rate × by stage (陈明亮: volume rises, then falls)
BASKET_MULT = np.array([0.8, 1.0, 1.2, 0.9])    # basket value × by stage
PRICE_SENS_MULT = np.array([1.0, 0.8, 0.55, 0.75])  # price sensitivity falls as the relationship matures
RHO = 0.85          # weekly persistence of satisfaction shocks
SAT_NOISE = 0.08    # weekly satisfaction noise (sd)
TERMINATED = 4


# weekly hazards per living stage: forward move = base × exp(slope × (s − 0.5)); exit likewise
FWD_BASE = np.array([0.10, 0.07, 0.012, 0.03])     # → formation, → stability, → decline, → stability (win-back)
FWD_SLOPE = np.array([0.3, 0.3, -0.8, 0.0])        # satisfaction speeds progress and slows decline
EXIT_BASE = np.array([0.07, 0.012, 0.002, 0.08])   # early abortion is common, exit from stability rare
EXIT_SLOPE = -1.0                                   # dissatisfied customers leave faster
FWD_TARGET = np.array([1, 2, 3, 2])


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
    """
    n = len(pop)
    ws = calendar.week_starts(start, n_weeks)
    cid = pop["customer_id"].to_numpy()
    lo = int(cid.min())
    shop = pop["shop_id"].to_numpy()
    cross = shops_cols["cross"][shop]
    kind = cross.astype(np.int64)  # column of ``season``: 0 domestic, 1 cross-border
    season = np.column_stack([calendar.weekly_season(start, n_weeks, cross_border=False),
                              calendar.weekly_season(start, n_weeks, cross_border=True)])  # (n_weeks, 2)
    lam = pop["lambda_week"].to_numpy()
    s0 = pop["sat_baseline"].to_numpy()
    s = s0.copy()
    is_life = (pop["mechanism"] == "lifecycle").to_numpy()
    opt_in = pop["marketing_opt_in"].to_numpy()
    signup = pop["signup_date"].to_numpy().astype("datetime64[s]")
    signup_week = ((signup - np.datetime64(start, "s")) // np.timedelta64(calendar.WEEK_S, "s")).astype(int)
    stage = np.full(n, -1)
    churn_ts = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    exit_stage = np.full(n, -1)
    last_order_week = np.full(n, -10_000)
    n_orders = np.zeros(n, dtype=np.int64)

    # btyd customers: weekly order counts from their pre-drawn events
    b_local = btyd_events["customer_id"].to_numpy() - lo
    b_ts = btyd_events["order_ts"].to_numpy().astype("datetime64[s]")
    b_week = ((b_ts - np.datetime64(start, "s")) // np.timedelta64(calendar.WEEK_S, "s")).astype(int)
    d_ts = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    d_ts[deaths["customer_id"].to_numpy() - lo] = deaths["churn_ts"].to_numpy().astype("datetime64[s]")
    d_week = np.full(n, -1)
    has_d = ~np.isnat(d_ts)
    d_week[has_d] = (d_ts[has_d] - np.datetime64(start, "s")) // np.timedelta64(calendar.WEEK_S, "s")

    ev, sp, snaps, con = [], [], [], []
    # active experiments, one entry per (campaign, contacted customer): local index, campaign, arm, window
    c_cust, c_camp = np.empty(0, np.int64), np.empty(0, np.int64)
    c_treat, c_lift = np.empty(0, bool), np.empty(0)
    acc_y0, acc_y1 = np.empty(0), np.empty(0)
    windows: list[tuple[int, int, int, int, bool]] = []  # (first week, end week, lo, hi, is win-back)
    launches: dict[int, list] = {}
    for c in campaigns[["campaign_id", "shop_id", "start_week", "window_weeks", "rate_lift", "rule",
                        "holdout_share"]].itertuples(index=False):
        launches.setdefault(int(c.start_week), []).append(c)
    ev_cols = ("customer_id", "shop_id", "order_ts", "stage", "satisfaction", "campaign", "category",
               "cancelled", "late", "delay_days", "customs", "damaged", "complaint", "resolved")
    joins = _by_week(signup_week, n_weeks)
    b_events = _by_week(b_week, n_weeks)
    b_deaths = _by_week(d_week, n_weeks)
    living = np.empty(0, np.int64)  # joined in an earlier week and not terminated (local indices)
    for t in range(n_weeks):
        w0 = ws[t]
        # 1. joins: stage exploration from signup (btyd customers are recorded in "stability")
        new = joins[t]
        stage[new] = np.where(is_life[new], 0, 2)
        if len(new):
            sp.append((cid[new], stage[new].copy(), signup[new], np.full(len(new), "", dtype=object)))
        # 2. transitions of lifecycle customers who joined before this week
        life_alive = living[is_life[living]]
        open_now = [w for w in windows if w[0] <= t < w[1]]
        act = (np.concatenate([np.arange(w[2], w[3]) for w in open_now]) if open_now
               else np.empty(0, np.int64))
        boost = np.zeros(len(life_alive))
        wb = [w for w in open_now if w[4]]
        if wb:
            wb_idx = np.concatenate([np.arange(w[2], w[3]) for w in wb])
            wb_idx = wb_idx[c_treat[wb_idx]]
            hit = np.zeros(n)
            np.add.at(hit, c_cust[wb_idx], camp.WIN_BACK_STABILITY_BOOST)
            boost = hit[life_alive]
        fwd, ext, target = _hazards(stage[life_alive], s[life_alive], boost)
        u = rng.random(len(life_alive))
        go_exit = u < ext
        go_fwd = ~go_exit & (u < ext + fwd)
        moved = life_alive[go_fwd]
        exited = life_alive[go_exit]
        if len(moved):
            prev, tgt = stage[moved], target[go_fwd]
            decline_why = np.where(s[moved] < 0, "dissatisfaction", "competitor")
            reason_m = np.select([prev == 3, tgt == 3], ["win_back", decline_why], "progression")
            stage[moved] = tgt
            sp.append((cid[moved], stage[moved].copy(), np.full(len(moved), w0), reason_m.astype(object)))
        if len(exited):
            exit_stage[exited] = stage[exited]
            stage[exited] = TERMINATED
            churn_ts[exited] = w0
            why = np.where(s[exited] < 0, "dissatisfaction",
                           np.where(rng.random(len(exited)) < 0.5, "competitor", "need_ended"))
            sp.append((cid[exited], stage[exited].copy(), np.full(len(exited), w0), why.astype(object)))
        # btyd dropouts were drawn up front: the customer dies right after their last purchase
        died = b_deaths[t]
        died = died[stage[died] == 2]
        if len(died):
            exit_stage[died] = 2
            stage[died] = TERMINATED
            churn_ts[died] = d_ts[died]
            sp.append((cid[died], stage[died].copy(), churn_ts[died], np.full(len(died), "need_ended", dtype=object)))
        # 3. campaign launches this week (eligibility from observable state of everyone who joined)
        for c in launches.get(t, ()):
            mask = camp.eligible(c.rule, joined=(stage >= 0) & (shop == c.shop_id),
                                 weeks_since_signup=t - signup_week, n_orders=n_orders,
                                 weeks_since_order=t - last_order_week, opt_in=opt_in)
            idx = np.flatnonzero(mask)
            if not len(idx):
                continue
            k = len(idx)
            treat = rng.random(k) >= c.holdout_share
            live = (stage[idx] < TERMINATED) & is_life[idx]
            base_rate = np.where(live, lam[idx] * RATE_MULT[np.clip(stage[idx], 0, 3)], 0.0)
            lam_win = base_rate * season[t:t + c.window_weeks].sum(axis=0)[kind[idx]]
            sent = calendar.times_in_week(np.full(k, w0), rng=rng)
            con.append((np.full(k, c.campaign_id, dtype=np.int64), cid[idx], treat, sent,
                        1 - np.exp(-lam_win), 1 - np.exp(-lam_win * (1 + c.rate_lift))))
            windows.append((t, t + int(c.window_weeks), len(c_cust), len(c_cust) + k, c.rule == "win_back"))
            c_cust = np.concatenate([c_cust, idx])
            c_camp = np.concatenate([c_camp, np.full(k, c.campaign_id)])
            c_treat = np.concatenate([c_treat, treat])
            c_lift = np.concatenate([c_lift, np.full(k, c.rate_lift)])
            acc_y0, acc_y1 = np.concatenate([acc_y0, np.zeros(k)]), np.concatenate([acc_y1, np.zeros(k)])
            act = np.concatenate([act, np.arange(len(c_cust) - k, len(c_cust))])
        # 4. orders: lifecycle customers by Poisson (+ campaign extras), btyd ones as pre-drawn
        buyers = life_alive[stage[life_alive] < TERMINATED]
        rate = np.zeros(n)
        rate[buyers] = lam[buyers] * RATE_MULT[stage[buyers]] * season[t, kind[buyers]]
        count = np.zeros(n, dtype=np.int64)
        count[buyers] = rng.poisson(rate[buyers])
        b_now = b_local[b_events[t]]
        camp_of = np.full(n, -1)
        if len(act):
            who_c = c_cust[act]
            joined_now = np.zeros(n, dtype=bool)
            joined_now[new] = True
            extra = rng.poisson(rate[who_c] * c_lift[act])
            realised = np.where(c_treat[act], extra, 0)
            np.add.at(count, who_c, realised)
            treated_act = act[c_treat[act]]
            camp_of[c_cust[treated_act]] = c_camp[treated_act]
            others = (count[who_c] - realised + np.bincount(b_now, minlength=n)[who_c]
                      + (joined_now[who_c] & is_life[who_c]))
            acc_y0[act] += others
            acc_y1[act] += others + extra
        first = new[is_life[new]]
        reps = np.flatnonzero(count)
        who = np.concatenate([first, np.repeat(reps, count[reps]), b_now])
        ts = np.concatenate([signup[first], calendar.times_in_week(np.full(int(count.sum()), w0), rng=rng),
                             b_ts[b_events[t]]])
        everyone = np.concatenate([living[stage[living] < TERMINATED], new[stage[new] < TERMINATED]])
        shock = np.zeros(n)
        if len(who):
            inc = incidents.draw_incidents(shop_idx=shop[who], shops_cols=shops_cols, cat_cdf=cat_cdf, rng=rng)
            ev.append((cid[who], shop[who], ts, np.clip(stage[who], 0, 3), s[who], camp_of[who], inc.category,
                       inc.cancelled, inc.late, inc.delay_days, inc.customs, inc.damaged, inc.complaint,
                       inc.resolved))
            np.add.at(shock, who, incidents.satisfaction_shock(inc))
            last_order_week[who] = t
            np.add.at(n_orders, who, 1)
        # 5. satisfaction update for the living
        e = everyone
        s[e] = RHO * s[e] + (1 - RHO) * s0[e] + shock[e] + rng.normal(0, SAT_NOISE, len(e))
        # 6. month-end snapshot
        last_day = w0 + np.timedelta64(6 * 86_400, "s")
        if pd.Timestamp(last_day).month != pd.Timestamp(w0).month or t == n_weeks - 1:
            month = np.datetime64(pd.Timestamp(w0).replace(day=1), "s")
            snaps.append((cid[e], np.full(len(e), month), s[e], stage[e]))
        living = e

    events = _stack(ev, ev_cols)
    events = events[events["order_ts"] < np.datetime64(end, "s")]
    events = events.sort_values(["customer_id", "order_ts"], kind="stable").reset_index(drop=True)
    spells = pd.DataFrame({k: np.concatenate([x[i] for x in sp]) if sp else np.empty(0)
                           for i, k in enumerate(["customer_id", "stage", "start_ts", "reason"])})
    contacts = _stack(con, ("campaign_id", "customer_id", "treated", "sent_ts", "p0", "p1")) if con else pd.DataFrame(
        {"campaign_id": np.empty(0, np.int64), "customer_id": np.empty(0, np.int64),
         "treated": np.empty(0, bool), "sent_ts": np.empty(0, "datetime64[s]"), "p0": np.empty(0),
         "p1": np.empty(0)})
    contacts["y0"] = acc_y0 > 0
    contacts["y1"] = acc_y1 > 0
    final = pd.DataFrame({"customer_id": cid, "stage_end": stage, "churn_ts": churn_ts, "s_end": s,
                          "exit_stage": exit_stage})
    sat = _stack(snaps, ("customer_id", "month", "satisfaction", "stage"))
    return BlockHistory(events=events, spells=spells, sat_monthly=sat, contacts=contacts,
                        final=final)


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
