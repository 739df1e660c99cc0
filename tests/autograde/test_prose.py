"""Figures and references in the prose (autograde.prose), choice/matching tasks and the hint ladder."""

from __future__ import annotations

import nbformat
import pytest
from crmlab.autograde import prose
from crmlab.autograde.tasks import CheckError, Task, choice, hints_for, matching
from crmlab.autograde.tasks.rules import Equal
from crmlab.autograde.verdict import judge


def test_figures_are_formatted_from_per_seed_values():
    values = [0.6, 0.72, 0.65]
    assert prose.format_figure(values, None) == "0.60–0.72"
    assert prose.format_figure(values, "pct_range") == "60–72 %"
    assert prose.format_figure(values, "pct") == "65 %"
    assert prose.format_figure([1200.0, 3400.0], "int_range") == "1,200–3,400"
    assert prose.format_figure(values, "seeds") == "3"
    text = prose.render_figures("measured on {{fig:share:seeds}} seeds: {{ fig:share:pct_range }}",
                                {"share": {"values": values}})
    assert text == "measured on 3 seeds: 60–72 %"
    with pytest.raises(prose.ProseError, match=r"not in measured\.json"):
        prose.render_figures("{{fig:nothing}}", {})
    with pytest.raises(prose.ProseError, match="unknown figure format"):
        prose.format_figure(values, "roman")


def test_labels_become_links_to_the_heading():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("(sec-pareto)=\n## 4. 帕累托 `Pareto` 表\n\ntext"),
                nbformat.v4.new_markdown_cell("见 {ref}`sec-pareto`，或 {ref}`那一节 <sec-pareto>`。")]
    prose.render_notebook(nb, {})
    assert nb.cells[0].source.startswith("## 4.")
    assert "[4. 帕累托 Pareto 表](#4.-%E5%B8%95" in nb.cells[1].source
    assert "[那一节](#" in nb.cells[1].source
    nb.cells[1].source = "{ref}`sec-missing`"
    with pytest.raises(prose.ProseError, match="names no label"):
        prose.render_notebook(nb, {})
    with pytest.raises(prose.ProseError, match="before a heading"):
        prose.labels(["(sec-x)=\nnot a heading"])


def test_hand_typed_section_numbers_are_found():
    assert prose.hand_typed_refs("见第 3 节和第四部分，第2.1节") == ["第 3 节", "第四部分", "第2.1节"]
    assert prose.hand_typed_refs("第1讲 客户关系管理；第 12 周") == []


def test_choice_task_records_letters_and_is_judged_on_the_grader_side():
    q = choice("q9_test", 1, "任务 9", options={"A": "a", "B": "b", "C": "c"}, reason="a fixed key")
    assert q.answers(answer=" b ") == {"answer": "B"}
    with pytest.raises(CheckError, match="单选"):
        q.answers(answer="AB")
    with pytest.raises(CheckError, match="choose among"):
        q.answers(answer="D")
    assert judge(q, "q9_test", {"answer": "B"}, {"answer": "B"}).passed
    assert not judge(q, "q9_test", {"answer": "C"}, {"answer": "B"}).passed
    many = choice("q8_test", 1, "任务 8", options={"A": "a", "B": "b", "C": "c"}, reason="key", many=True)
    assert many.answers(answer=["C", "a"]) == {"answer": "AC"}


def test_matching_task_needs_every_item():
    q = matching("q7_test", 2, "任务 7", items=("忠诚", "惰性"), options={"A": "高", "B": "低"}, reason="key")
    assert q.answers(answer={"惰性": "b", "忠诚": "A"}) == {"answer": ["A", "B"]}
    with pytest.raises(CheckError, match="not yet matched"):
        q.answers(answer={"忠诚": "A"})


def test_hint_ladder_climbs_and_stops_at_the_last(capsys):
    task = Task("q1_test", 1, "任务 1", {"x": Equal(reason="r")}, lambda x: {"x": x}, hints=("one", "two"))
    hint = hints_for({"q1_test": task})
    for _ in range(3):
        hint("q1")
    out = capsys.readouterr().out.splitlines()
    assert [line.split("：", 1)[1] for line in out] == ["one", "two", "two"]
    with pytest.raises(KeyError):
        hint("q2")


def test_wrapped_chinese_lines_are_joined_without_a_space():
    text = ("分析型 CRM 为决策提供依据，\n如细分、流失预测。Lift > 1\n才说明相关。\n\n"
            "## 小结\n正文第一行，\n  续行。\n"
            "* 列表项，\n  续行\n* 第二项\n"
            "| 列 | 定义 |\n|---|---|\n"
            "```\n代码，\n不合并\n```\n结尾。")
    assert prose.join_cjk_lines(text) == (
        "分析型 CRM 为决策提供依据，如细分、流失预测。Lift > 1\n才说明相关。\n\n"
        "## 小结\n正文第一行，续行。\n"
        "* 列表项，续行\n* 第二项\n"
        "| 列 | 定义 |\n|---|---|\n"
        "```\n代码，\n不合并\n```\n结尾。")
