"""The class report's per-task chart and table: one panel per assignment, tasks labelled by what they are."""

from __future__ import annotations

import html

import pandas as pd
import pytest


def _grades() -> pd.DataFrame:
    rows = []
    for assignment, gids in {"01_crm_foundations": ["q1_test", "q2_test", "lorenz_plot"],
                             "02_customer_positioning": ["q1_test", "q2_test"]}.items():
        for student, full in (("a", True), ("b", False)):
            for gid in gids:
                ok = full or gid != "q1_test"
                rows.append({"student_id": student, "assignment": assignment, "grade_id": gid,
                             "score": 2.0 if ok else 0.0, "max_score": 2.0, "status": "ok" if ok else "failed"})
    rows.append({"student_id": "c", "assignment": "02_customer_positioning", "grade_id": "q1_test",
                 "score": 0.0, "max_score": 2.0, "status": "missing notebook"})
    return pd.DataFrame(rows)


@pytest.mark.parametrize(("assignment", "grade_id", "title", "label"), [
    ("01_crm_foundations", "q1_test", None, "01 · q1"),
    ("02_customer_positioning", "q12_test", "Ideal point", "02 · q12 · Ideal point"),
    ("01_crm_foundations", "lorenz_plot", None, "01 · lorenz_plot"),
    ("01_crm_foundations", "gini_test", None, "01 · gini"),
    ("extra", "q1", None, "extra · q1"),
])
def test_task_label(assignment, grade_id, title, label):
    from crmlab.autograde.report import task_label

    assert task_label(assignment, grade_id, title) == label


def test_task_table_keeps_assignments_apart_and_takes_titles():
    from crmlab.autograde.report import task_table

    titles = {("02_customer_positioning", "q1_test"): "理想点 Ideal point", "q2_test": "Shares"}
    t = task_table(_grades(), titles).set_index(["assignment", "grade_id"])
    assert len(t) == 5
    assert t.loc[("01_crm_foundations", "q1_test"), "task"] == "01 · q1"
    assert t.loc[("02_customer_positioning", "q1_test"), "task"] == "02 · q1 · 理想点 Ideal point"
    assert t.loc[("01_crm_foundations", "q2_test"), "task"] == "01 · q2 · Shares"
    assert t.loc[("02_customer_positioning", "q1_test"), "n"] == 2  # the missing notebook is not counted
    assert t.loc[("01_crm_foundations", "q1_test"), "success_rate"] == 0.5
    assert t.loc[("01_crm_foundations", "lorenz_plot"), "success_rate"] == 1.0


def test_task_chart_has_one_panel_per_assignment():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from crmlab.autograde.report import task_chart, task_table

    fig = task_chart(task_table(_grades()))
    try:
        panels = {ax.get_title(): [t.get_text() for t in ax.get_yticklabels()] for ax in fig.axes}
        assert panels == {"01_crm_foundations": ["01 · q1", "01 · q2", "01 · lorenz_plot"],
                          "02_customer_positioning": ["02 · q1", "02 · q2"]}
        widths = {ax.get_title(): [round(p.get_width(), 2) for p in ax.patches] for ax in fig.axes}
        assert widths == {"01_crm_foundations": [0.5, 1.0, 1.0], "02_customer_positioning": [0.5, 1.0]}
    finally:
        plt.close(fig)


def test_report_names_tasks(tmp_path):
    from crmlab.autograde.report import write_report

    grades = _grades()
    grades.to_csv(tmp_path / "grades.csv", index=False)
    summary = (grades.groupby(["student_id", "assignment"], as_index=False)[["score", "max_score"]].sum()
               .assign(status="graded"))
    summary.to_csv(tmp_path / "summary.csv", index=False)
    page = write_report(course_dir=tmp_path, titles={"lorenz_plot": "Lorenz curve"}).read_text()
    assert "01 · lorenz_plot · Lorenz curve" in page and "02 · q2" in page
    assert (tmp_path / "report" / "tasks.png").stat().st_size > 1000


@pytest.mark.parametrize("font", [None, "WenQuanYi Micro Hei"])
def test_chinese_text_without_a_cjk_font_is_said_once(tmp_path, monkeypatch, recwarn, font):
    from crmlab.autograde import report

    monkeypatch.setattr(report, "cjk_font", lambda: font)
    grades = _grades()
    grades.loc[grades["status"] == "failed", "status"] = "failed: 未记录答案 no answer recorded"
    grades.to_csv(tmp_path / "grades.csv", index=False)
    summary = (grades.groupby(["student_id", "assignment"], as_index=False)[["score", "max_score"]].sum()
               .assign(status="graded"))
    summary.to_csv(tmp_path / "summary.csv", index=False)
    page = report.write_report(course_dir=tmp_path).read_text()
    assert (html.escape(report.NO_CJK_NOTE) in page) == (font is None)
    if font is None:
        assert not [w for w in recwarn if "missing from font" in str(w.message)]


def test_report_says_kernels_ran_unsandboxed_and_names_declared_tasks(tmp_path):
    import json
    import shutil

    from crmlab.autograde.layout import CourseLayout
    from crmlab.autograde.report import write_report

    grades = _grades()
    grades.to_csv(tmp_path / "grades.csv", index=False)
    summary = grades.groupby(["student_id", "assignment"], as_index=False)[["score", "max_score"]].sum()
    summary["status"] = "graded"
    summary.to_csv(tmp_path / "summary.csv", index=False)
    layout = CourseLayout(tmp_path)
    layout.status("01_crm_foundations").mkdir(parents=True)
    note = "kernels ran unsandboxed (--sandbox none)"
    (layout.status("01_crm_foundations") / "run.json").write_text(json.dumps({"sandbox": "none", "note": note}))
    layout.reference("01_crm_foundations").parent.mkdir()
    repo = __import__("pathlib").Path(__file__).resolve().parents[2]
    shutil.copy(repo / "course" / "01_crm_foundations" / "reference.py", layout.reference("01_crm_foundations"))
    page = html.unescape(write_report(course_dir=tmp_path).read_text(encoding="utf-8"))
    assert note in page
    assert "01 · q1 · 任务 1 customer_base" in page
