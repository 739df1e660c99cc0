"""The hidden lifecycle: a weekly stage machine (考察期 → 形成期 → 稳定期 → 退化期 → exit) for one block.

Every week, for all customers of the block at once: stage transitions with hazards that depend on latent
satisfaction (a customer decides to leave mostly soon after a purchase, as in BG/NBD), campaign
launches (eligibility, randomisation), orders (Poisson visits with follow-ups, rate = baseline × stage ×
season × campaign lift), what happens to those orders (``incidents``) and the satisfaction update those
incidents cause. Customers in ``btyd`` mechanism follow their pre-drawn BG/NBD purchases (``btyd``) and
take part only in the bookkeeping. Loops run over weeks, never over customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import calendar, campaigns as camp, incidents
from .weekstate import Block, WeekState, stack

STAGE_NAMES = ("exploration", "formation", "stability", "decline", "terminated")
RATE_MULT = np.array([0.5, 0.9, 1.2, 0.1])      # purchase rate × by stage (陈明亮: volume rises, then falls)
BASKET_MULT = np.array([0.8, 0.9, 1.5, 0.9])    # basket value × by stage
PRICE_SENS_MULT = np.array([1.0, 0.7, 0.5, 0.7])   # price sensitivity falls as the relationship matures
RHO = 0.85          # weekly persistence of satisfaction shocks
SAT_NOISE = 0.08    # weekly satisfaction noise (sd)
TERMINATED = 4


# weekly hazards per living stage: forward move = base × exp(slope × (s − 0.5)); exit = (base + after_order if
# the last order was ORDER_LAG weeks ago) × exp(EXIT_SLOPE × (s − 0.5)): customers leave after a purchase (BG/NBD's
# story; most after the first, many while the relationship forms), so a cohort decays because customers leave,
# and one who has not bought again is mostly alive and slow, not silently gone; decline is a dormant spell
# (rate × 0.1) that ends in a win-back or, after a purchase or slowly in time, an exit
FWD_BASE = np.array([0.80, 0.06, 0.06, 0.10])      # → formation, → stability, → decline, → stability (win-back)
FWD_SLOPE = np.array([0.3, 0.3, -0.8, 0.0])        # satisfaction speeds progress and slows decline
EXIT_BASE = np.array([0.0, 0.0, 0.0, 0.01])        # /week whatever the customer does: only dormant ones drift off
EXIT_AFTER_ORDER = np.array([0.30, 0.40, 0.06, 0.40])  # once per order streak; stability exits rare
ORDER_LAG = 2       # weeks from the last order to the decision: its delivery and complaint have happened
EXIT_SLOPE = -1.0                                   # dissatisfied customers leave faster
FOLLOW_UP = 0.045   # P(an order brings a follow-up order in the same week): real buyers are burstier than Poisson
FWD_TARGET = np.array([1, 2, 3, 2])


def stage_machine() -> dict:
    """The stage machine's rates as JSON (``truth/params.json`` → ``population.lifecycle.stages``).

    Lists run over the living stages exploration, formation, stability, decline; hazards are weekly
    P = base × exp(slope × (satisfaction − 0.5)), capped at 0.9, the exit's base raised by
    ``exit_after_order`` ``order_lag_weeks`` after the customer's last order (see ``_hazards``);
    ``follow_up_share``: each order's chance of a follow-up order in the same week (the weekly rate stays
    ``rate_mult`` × the baseline).
    """
    return {"names": list(STAGE_NAMES[:TERMINATED]), "rate_mult": RATE_MULT.tolist(),
            "basket_mult": BASKET_MULT.tolist(), "price_sensitivity_mult": PRICE_SENS_MULT.tolist(),
            "forward_base": FWD_BASE.tolist(), "forward_slope": FWD_SLOPE.tolist(),
            "forward_target": [STAGE_NAMES[i] for i in FWD_TARGET], "exit_base": EXIT_BASE.tolist(),
            "exit_after_order": EXIT_AFTER_ORDER.tolist(), "order_lag_weeks": ORDER_LAG,
            "follow_up_share": FOLLOW_UP, "exit_slope": EXIT_SLOPE,
            "sat_persistence": RHO, "sat_noise_sd": SAT_NOISE}


def _hazards(stage: np.ndarray, s: np.ndarray, boost: np.ndarray,
             ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weekly P(move forward), P(exit) and the target stage for alive customers in ``stage`` (0–3).

    ``boost`` multiplies the decline → stability (win-back) hazard by ``1 + boost``; ``ordered`` (bool, or a
    probability for an expected hazard) says whether the customer's last order was ``ORDER_LAG`` weeks ago.
    """
    sd = s - 0.5
    fwd = FWD_BASE[stage] * np.exp(FWD_SLOPE[stage] * sd) * np.where(stage == 3, 1.0 + boost, 1.0)
    ext = (EXIT_BASE[stage] + ordered * EXIT_AFTER_ORDER[stage]) * np.exp(EXIT_SLOPE * sd)
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
    b = Block.build(pop=pop, btyd_events=btyd_events, deaths=deaths, shops_cols=shops_cols, cat_cdf=cat_cdf,
                    campaigns=campaigns, start=start, n_weeks=n_weeks, rng=rng)
    st = WeekState.begin(b)
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


EV_COLS = ("customer_id", "shop_id", "order_ts", "stage", "satisfaction", "campaign", "category",
           "cancelled", "late", "delay_days", "customs", "damaged", "complaint", "resolved")


def _join(b: Block, st: WeekState, t: int) -> np.ndarray:
    """Step 1: this week's signups start in exploration (btyd customers are recorded in "stability")."""
    new = b.joins[t]
    st.stage[new] = np.where(b.is_life[new], 0, 2)
    if len(new):
        st.sp.append((b.cid[new], st.stage[new].copy(), b.signup[new], np.full(len(new), "", dtype=object)))
    return new


def _transitions(b: Block, st: WeekState, t: int, w0) -> tuple[np.ndarray, np.ndarray]:
    """Step 2: stage moves and exits of lifecycle customers who joined before this week; btyd dropouts.

    Returns the lifecycle customers alive at the start of the week and the active experiment entries.
    """
    life_alive = st.living[b.is_life[st.living]]
    act, boost = _open_experiments(b, st, t, life_alive)
    fwd, ext, target = _hazards(st.stage[life_alive], st.s[life_alive], boost,
                                st.last_order_week[life_alive] == t - ORDER_LAG)
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
        st.churn_ts[exited] = w0 + np.timedelta64(calendar.WEEK_S - 1, "s")  # decided during the week
        why = np.where(s[exited] < 0, "dissatisfaction",
                       np.where(b.rng.random(len(exited)) < 0.5, "competitor", "need_ended"))
        st.sp.append((b.cid[exited], stage[exited].copy(), st.churn_ts[exited], why.astype(object)))
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


def _open_experiments(b: Block, st: WeekState, t: int, life_alive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def _launch_campaigns(b: Block, st: WeekState, t: int, w0, act: np.ndarray) -> np.ndarray:
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
        sent = calendar.times_in_week(np.full(k, w0), rng=b.rng)
        st.con.append((np.full(k, c.campaign_id, dtype=np.int64), b.cid[idx], treat, sent,
                       *_conversion_probs(b, stage[idx], idx, b.season[t:t + c.window_weeks], c.rate_lift)))
        st.windows.append((t, t + int(c.window_weeks), len(st.c_cust), len(st.c_cust) + k, c.rule == "win_back"))
        st.c_cust = np.concatenate([st.c_cust, idx])
        st.c_camp = np.concatenate([st.c_camp, np.full(k, c.campaign_id)])
        st.c_treat = np.concatenate([st.c_treat, treat])
        st.c_lift = np.concatenate([st.c_lift, np.full(k, c.rate_lift)])
        st.acc_y0, st.acc_y1 = np.concatenate([st.acc_y0, np.zeros(k)]), np.concatenate([st.acc_y1, np.zeros(k)])
        act = np.concatenate([act, np.arange(len(st.c_cust) - k, len(st.c_cust))])
    return act


def _conversion_probs(b: Block, stage: np.ndarray, idx: np.ndarray, season: np.ndarray,
                      lift: float) -> tuple[np.ndarray, np.ndarray]:
    """(p0, p1): P(at least one order in the window of weekly ``season`` rows) at launch, without and with
    the campaign, for customers ``idx`` in ``stage``. A living lifecycle customer orders in Poisson visits
    (``_order_counts``), treated ones with Poisson extras at ``lift`` × their rate; an alive btyd customer
    buys at λ per week, campaign or not (p1 = p0); a churned one never (0, 0)."""
    life = b.is_life[idx]
    weeks = np.where(life, season.sum(axis=0)[b.kind[idx]], len(season))
    rate = np.where(life, b.lam[idx] * RATE_MULT[np.clip(stage, 0, 3)], b.lam[idx]) * weeks
    rate = np.where(stage < TERMINATED, rate, 0.0)
    visits = np.where(life, rate / (1 + FOLLOW_UP), rate)
    return 1 - np.exp(-visits), 1 - np.exp(-visits - np.where(life, rate * lift, 0.0))


def _orders(b: Block, st: WeekState, t: int, w0, new: np.ndarray, life_alive: np.ndarray,
            act: np.ndarray) -> np.ndarray:
    """Step 4: this week's orders and their incidents; returns each customer's satisfaction shock."""
    count, camp_of, b_now = _order_counts(b, st, t, new, life_alive, act)
    first = new[b.is_life[new]]
    reps = np.flatnonzero(count)
    rep = np.repeat(reps, count[reps])
    rep_ts = calendar.times_in_week(np.full(len(rep), w0), rng=b.rng)
    joined = b.signup_week[rep] == t  # repeats in the signup week: the week's clock squeezed after the signup
    offset = (rep_ts[joined] - w0).astype(np.int64) * b.week_left[rep[joined]]
    rep_ts[joined] = b.signup[rep[joined]] + offset.astype(np.int64).astype("timedelta64[s]")
    who = np.concatenate([first, rep, b_now])
    ts = np.concatenate([b.signup[first], rep_ts, b.b_ts[b.b_events[t]]])
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


def _order_counts(b: Block, st: WeekState, t: int, new: np.ndarray, life_alive: np.ndarray,
                  act: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Repeat orders per customer this week: lifecycle customers (those who sign up this week too, for the rest
    of the week) by Poisson visits, each with a follow-up order with probability ``FOLLOW_UP`` (+ campaign
    extras for the treated), btyd ones as pre-drawn. Returns (count per customer, campaign credited or −1, btyd buyers);
    accumulates the experiments' potential outcomes."""
    stage = st.stage
    joiners = new[b.is_life[new]]
    buyers = np.concatenate([life_alive[stage[life_alive] < TERMINATED], joiners])
    rate = np.zeros(b.n)
    rate[buyers] = b.lam[buyers] * RATE_MULT[stage[buyers]] * b.season[t, b.kind[buyers]]
    rate[joiners] *= b.week_left[joiners]  # the signup week counts from the signup on
    count = np.zeros(b.n, dtype=np.int64)
    visits = b.rng.poisson(rate[buyers] / (1 + FOLLOW_UP))
    count[buyers] = visits + b.rng.binomial(visits, FOLLOW_UP)
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


def _update_satisfaction(b: Block, st: WeekState, new: np.ndarray, shock: np.ndarray) -> np.ndarray:
    """Step 5: satisfaction of everyone living (joined, not terminated) reverts to its baseline, takes this
    week's incident shocks and noise; returns those customers (next week's ``living``)."""
    e = np.concatenate([st.living[st.stage[st.living] < TERMINATED], new[st.stage[new] < TERMINATED]])
    st.s[e] = RHO * st.s[e] + (1 - RHO) * b.s0[e] + shock[e] + b.rng.normal(0, SAT_NOISE, len(e))
    return e


def _snapshot(b: Block, st: WeekState, t: int, w0, e: np.ndarray) -> None:
    """Step 6: in the week holding a month's last day (and the horizon's last week), record the
    satisfaction and stage of the living ``e``."""
    last_day = w0 + np.timedelta64(6 * 86_400, "s")
    if pd.Timestamp(last_day).month != pd.Timestamp(w0).month or t == len(b.ws) - 1:
        month = np.datetime64(pd.Timestamp(w0).replace(day=1), "s")
        st.snaps.append((b.cid[e], np.full(len(e), month), st.s[e], st.stage[e]))


def _history(b: Block, st: WeekState, end: pd.Timestamp) -> BlockHistory:
    """The weeks' rows as the block's :class:`BlockHistory` (orders at or after ``end`` dropped)."""
    events = stack(st.ev, EV_COLS)
    events = events[events["order_ts"] < np.datetime64(end, "s")]
    events = events.sort_values(["customer_id", "order_ts"], kind="stable").reset_index(drop=True)
    spells = pd.DataFrame({k: np.concatenate([x[i] for x in st.sp]) if st.sp else np.empty(0)
                           for i, k in enumerate(["customer_id", "stage", "start_ts", "reason"])})
    contacts = stack(st.con, ("campaign_id", "customer_id", "treated", "sent_ts", "p0", "p1")) if st.con else (
        pd.DataFrame({"campaign_id": np.empty(0, np.int64), "customer_id": np.empty(0, np.int64),
                      "treated": np.empty(0, bool), "sent_ts": np.empty(0, "datetime64[s]"), "p0": np.empty(0),
                      "p1": np.empty(0)}))
    contacts["y0"] = st.acc_y0 > 0
    contacts["y1"] = st.acc_y1 > 0
    final = pd.DataFrame({"customer_id": b.cid, "stage_end": st.stage, "churn_ts": st.churn_ts, "s_end": st.s,
                          "exit_stage": st.exit_stage})
    sat = stack(st.snaps, ("customer_id", "month", "satisfaction", "stage"))
    return BlockHistory(events=events, spells=spells, sat_monthly=sat, contacts=contacts, final=final)
