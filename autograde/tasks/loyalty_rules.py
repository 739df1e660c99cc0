"""Notebook 04's two rules against the simulator's truth, applied on the grader's side (see ``loyalty``).

``Brackets``: the two lifetime proxies must enclose the true restricted mean lifetime (task 7). ``RanksBetter``: the
CLV forecast must rank customers by their true future margin clearly better than past margin does, and its total
must be of the right order of magnitude (task 9). Neither message names a number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .rules import Rule

SPEARMAN_MARGIN = 0.15  # q9: the forecast's Spearman rho must beat past margin's by this much (see reference.py)
TOTAL_BAND = (0.25, 2.0)  # q9: the forecasts' sum over the true future margin's sum (CNY; see reference.py)


@dataclass(frozen=True)
class Brackets(Rule):
    """``[low, high]`` must enclose the grader's truth value ``want`` strictly (low < want < high)."""

    def judge(self, actual, want) -> str | None:
        try:
            pair = [float(x) for x in actual] if isinstance(actual, (list, tuple, np.ndarray)) else None
        except (TypeError, ValueError):
            pair = None
        if pair is None or len(pair) != 2:
            return "类型不对 wrong type: a pair (rmst_last, rmst_noticed) is expected"
        if not pair[0] < float(want):
            return "下限没有低于真实值 the lower proxy is not below the true mean lifetime"
        if not float(want) < pair[1]:
            return "上限没有高于真实值 the upper proxy is not above the true mean lifetime"
        return None


@dataclass(frozen=True)
class RanksBetter(Rule):
    """Spearman correlation of the recorded ``[customer_id, clv]`` with the true value at least ``want["mark"]``
    (past margin's correlation on the same data plus a margin), and the forecasts' total within ``TOTAL_BAND`` of
    the true total (right units and order of magnitude). ``want = {"ids", "true", "mark"}``."""

    def judge(self, actual, want) -> str | None:
        from scipy.stats import spearmanr

        if not isinstance(actual, pd.DataFrame) or list(actual.columns) != ["customer_id", "clv"]:
            return "类型不对 wrong type: clv_pred should be a Series indexed by customer_id"
        truth = pd.Series(np.asarray(want["true"], dtype=float), index=[str(i) for i in want["ids"]])
        pred = pd.Series(actual["clv"].to_numpy(dtype=float), index=actual["customer_id"].astype(str).to_numpy())
        if len(pred) != len(truth) or pred.index.has_duplicates or set(pred.index) != set(truth.index):
            return "客户不对 wrong customers: one value per customer with a valid order"
        rho = spearmanr(pred.reindex(truth.index).to_numpy(), truth.to_numpy())[0]
        if not np.isfinite(rho) or rho < float(want["mark"]):
            return "排序不够好 ranks customers by true future margin not clearly better than past margin does"
        ratio = pred.sum() / truth.sum()
        if not TOTAL_BAND[0] <= ratio <= TOTAL_BAND[1]:
            return "总额数量级不对 the total forecast is not of the order of the true future margin (units? horizon?)"
        return None
