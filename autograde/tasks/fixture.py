"""The fixture notebook's two tasks (``tests/autograde/fixtures/course/01_fixture``): the pipeline's self-test.

Small on purpose: a number compared within rounding and an integer compared exactly, on a tiny stand-in
world, so the grading pipeline (sandbox, answer channel, verdicts, gradebook) is tested in seconds.
"""

from __future__ import annotations

from . import Mistake, Task, fail, passed, tasks_of
from .rules import Close, Equal

FLOAT_REVENUE = Mistake("not_float", "total_revenue should be a float")


def _check_total(total_revenue) -> None:
    if not isinstance(total_revenue, float):
        FLOAT_REVENUE.fail()
    passed("q1 total_revenue")


def _check_buyers(n_buyers) -> None:
    if not n_buyers > 0:
        fail("n_buyers should be positive")
    passed("q2 n_buyers")


q1 = Task("q1_test", 2, "q1 total_revenue",
          rules={"total_revenue": Close("a sum: rounding only", rtol=1e-6)},
          produce=lambda total_revenue: {"total_revenue": float(total_revenue)},
          formative=_check_total, mistakes=(FLOAT_REVENUE,))
q2 = Task("q2_test", 3, "q2 n_buyers",
          rules={"n_buyers": Equal("a count is exact")},
          produce=lambda n_buyers: {"n_buyers": int(n_buyers)},
          formative=_check_buyers)
TASKS = tasks_of(q1, q2)
