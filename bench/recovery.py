"""Recovery figures: what standard methods estimate from the observed tables vs the hidden truth.

    python bench/recovery.py      # BG/NBD and Gamma-Gamma (btyd, 20k customers), logistic hazard and
                                  # campaign difference-in-means coverage (lifecycle, 20k customers)

The estimators are the ones the test suite uses (tests/simulator/test_recovery.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "simulator")]

from crmlab import simulator  # noqa: E402
from crmlab.simulator.latent import BTYD, BTYD_VALUE_CNY  # noqa: E402
from test_recovery import WEEK, bgnbd_negll, gg_negll, hazard_fit  # noqa: E402


def btyd_figures(seed: int) -> None:
    w = simulator.simulate(n_customers=20_000, n_shops=1, mode="btyd", seed=seed, workers=2)
    end = pd.Timestamp(w.truth.params["config"]["end"])
    g = w.orders.groupby("customer_id")["order_ts"]
    first, last, n = g.min(), g.max(), g.size()
    x = (n - 1).to_numpy(float)
    t_x = ((last - first).dt.total_seconds() / WEEK).to_numpy()
    T = ((end - first).dt.total_seconds() / WEEK).to_numpy()
    fit = minimize(bgnbd_negll, np.log([0.5, 5.0, 1.0, 2.0]), args=(x, t_x, T), method="Nelder-Mead",
                   options={"maxiter": 4000, "xatol": 1e-6, "fatol": 1e-6})
    est = dict(zip("r alpha a b".split(), np.exp(fit.x), strict=True))
    print(f"seed {seed} BG/NBD: " + ", ".join(f"{k} {v:.3f} (true {BTYD[k]}, {v / BTYD[k] - 1:+.1%})"
                                             for k, v in est.items()))
    s = w.orders.groupby("customer_id")["items_subtotal"]
    fit = minimize(gg_negll, np.log([5.0, 3.0, 10.0]), args=(s.size().to_numpy(float), s.mean().to_numpy()),
                   method="Nelder-Mead", options={"maxiter": 4000})
    p, q, gam = np.exp(fit.x)
    true = BTYD["p"] * BTYD["gamma"] / (BTYD["q"] - 1) * BTYD_VALUE_CNY
    print(f"seed {seed} Gamma-Gamma implied mean spend {p * gam / (q - 1):.2f} CNY (true {true:.2f}, "
          f"{p * gam / (q - 1) / true - 1:+.1%})")


def hazard_figures(seed: int) -> None:
    beta, se = hazard_fit(simulator.simulate(n_customers=20_000, seed=seed, workers=2))
    names = ("late delivery", "unresolved complaint", "any order")
    print(f"seed {seed} logistic weekly exit hazard on the last 4 weeks' observed drivers (lifecycle): "
          + ", ".join(f"{k} {b:+.2f} (SE {e:.2f})" for k, b, e in zip(names, beta[1:], se[1:], strict=True)))


def campaign_figures(seeds) -> None:
    covered = total = 0
    for seed in seeds:
        w = simulator.simulate(n_customers=20_000, seed=seed, workers=2)
        eff = w.truth.campaign_effects.set_index("campaign_id")
        for cid, g in w.campaign_contacts.groupby("campaign_id"):
            t = g.loc[g["group"] == "treatment", "converted"].astype(float)
            c = g.loc[g["group"] == "control", "converted"].astype(float)
            if len(c) < 100:
                continue
            d, se = t.mean() - c.mean(), np.sqrt(t.var() / len(t) + c.var() / len(c))
            covered += abs(d - eff.loc[cid, "sample_ate_conversion"]) <= 1.96 * se
            total += 1
    print(f"campaign difference-in-means 95% CI covers the true (sample) effect in {covered}/{total} "
          f"campaigns ({covered / total:.0%}), seeds {list(seeds)}")


if __name__ == "__main__":
    for seed in (21, 22):
        btyd_figures(seed)
    hazard_figures(31)
    campaign_figures((41, 42, 43))
