"""``crmlab report``: a class report (HTML with seaborn PNGs) from ``grades.csv`` and ``summary.csv``.

Written to ``DIR/report/``: ``index.html`` with the score distribution per assignment, the success rate
of every graded task (one panel per assignment), the most common failure messages, and tables of the same
numbers.
"""

from __future__ import annotations

import functools
import html
import os
import re
import warnings
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from crmlab.autograde.errors import UsageError

TOP_FAILURES = 10  # failure messages shown
PENDING = r"; [\d.]+ point\(s\) await manual grading"  # the banner's note on a written answer not yet graded
MANUAL = "needs manual grading"  # a cell's status until the instructor grades it in formgrader

# Task titles: by ``(assignment, grade_id)`` or by ``grade_id`` alone (the pair wins).
Titles = Mapping[str | tuple[str, str], str]

# Fonts with the Chinese glyphs of titles and messages; the first installed one backs up DejaVu Sans per glyph.
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "Microsoft YaHei", "PingFang SC", "Heiti SC", "SimHei", "Arial Unicode MS")
CJK_TEXT = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
NO_CJK_NOTE = ("Chinese text in the charts shows as boxes: no CJK font was found (install one, e.g. Debian's "
               "fonts-noto-cjk); the tables below are complete.")


def load_results(course_dir: str | os.PathLike) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``grades.csv`` and ``summary.csv`` of a graded course, or a UsageError if not graded yet."""
    course_dir = Path(course_dir)
    files = [course_dir / "grades.csv", course_dir / "summary.csv"]
    if not all(f.is_file() for f in files):
        raise UsageError(f"no grades.csv/summary.csv in {course_dir}; run 'crmlab grade' first")
    kw = {"dtype": {"student_id": str, "assignment": str}, "keep_default_na": False}
    return pd.read_csv(files[0], **kw), pd.read_csv(files[1], **kw)


def task_label(assignment: str, grade_id: str, title: str | None = None) -> str:
    """A readable name of a graded cell: ``"01 · q1"`` (assignment number · task), then the title if any.

    The task is ``q<N>`` from a grade id ``q<N>_…``, otherwise the grade id without its ``_test`` suffix.
    """
    number = re.match(r"\d+", assignment)
    task = re.match(r"q\d+(?=_|$)", grade_id)
    parts = [number.group() if number else assignment,
             task.group() if task else re.sub(r"_test$", "", grade_id) or grade_id]
    return " · ".join(parts + ([title] if title else []))


def task_table(grades: pd.DataFrame, titles: Titles | None = None) -> pd.DataFrame:
    """Per assignment × grade_id: its label, submissions, success rate (full points) and mean score share.

    Returns
    -------
    DataFrame
        Columns assignment, grade_id, task (:func:`task_label`, with the title from ``titles`` if given),
        n, success_rate (0–1), mean_share (0–1); missing notebooks excluded; tasks in notebook order.
    """
    titles = titles or {}
    g = grades[(grades["status"] != "missing notebook") & ~grades["status"].str.endswith(MANUAL)].copy()
    g["full"] = (g["score"] >= g["max_score"]) & (g["max_score"] > 0)
    g["share"] = g["score"] / g["max_score"].where(g["max_score"] > 0)
    out = (g.groupby(["assignment", "grade_id"], sort=False)
            .agg(n=("full", "size"), success_rate=("full", "mean"), mean_share=("share", "mean"))
            .reset_index())
    out.insert(2, "task", [task_label(a, gid, titles.get((a, gid), titles.get(gid)))
                           for a, gid in zip(out["assignment"], out["grade_id"], strict=True)])
    return out


def failure_table(grades: pd.DataFrame, *, top: int = TOP_FAILURES) -> pd.DataFrame:
    """The most common non-ok statuses (message text after the grade id), with counts."""
    failed = (grades["status"] != "ok") & ~grades["status"].str.endswith(MANUAL)
    bad = grades.loc[failed, "status"].str.replace(r"^test cell edited[^;]*; ", "", regex=True)
    bad = bad[bad != "ok"].str.slice(0, 90)
    return bad.value_counts().head(top).rename_axis("message").reset_index(name="count")


def assignment_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Per assignment: students, submitted, mean and median score share, full marks, zero, with a note, and the
    points of written answers still awaiting manual grading (shares are of the autograded points then)."""
    s = summary.copy()
    s["status"] = s["status"].str.replace(PENDING, "", regex=True)
    if "auto_max" in s and "manual_pending" in s:
        s["score"], s["max_score"] = s["auto_score"], s["auto_max"]
    s["share"] = s["score"] / s["max_score"].where(s["max_score"] > 0)
    s["submitted"] = s["status"] != "missing notebook"
    sub = s[s["submitted"]]
    out = s.groupby("assignment").agg(students=("student_id", "size"), submitted=("submitted", "sum"))
    out["mean_share"] = sub.groupby("assignment")["share"].mean()
    out["median_share"] = sub.groupby("assignment")["share"].median()
    out["full_marks"] = sub.assign(f=sub["share"] >= 1).groupby("assignment")["f"].sum()
    out["zero"] = sub.assign(z=sub["score"] == 0).groupby("assignment")["z"].sum()
    out["with_note"] = sub.assign(n=sub["status"].str.contains(";|failed", regex=True) &
                                  ~sub["status"].str.startswith("graded: ")).groupby("assignment")["n"].sum()
    if "manual_pending" in s:
        out["manual_pending_points"] = s.groupby("assignment")["manual_pending"].sum()
    return out.fillna(0).reset_index()


@functools.cache
def cjk_font() -> str | None:
    """The first of :data:`CJK_FONTS` installed on this machine, or None.

    Fonts installed after matplotlib cached its font list are added from the system's font folders.
    """
    from matplotlib import font_manager as fm

    def first() -> str | None:
        names = {f.name for f in fm.fontManager.ttflist}
        return next((name for name in CJK_FONTS if name in names), None)

    if first() is None:
        known = {f.fname for f in fm.fontManager.ttflist}
        for path in fm.findSystemFonts():
            if path not in known:
                try:
                    fm.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # a file FreeType cannot read
                    pass
    return first()


def task_chart(tasks: pd.DataFrame):
    """Figure of the per-task success rate (a :func:`task_table`): one panel per assignment, its own tasks."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    groups = list(tasks.groupby("assignment", sort=True)) or [("no graded tasks", tasks)]
    heights = [max(len(t), 1) for _, t in groups]
    fig, axes = plt.subplots(len(groups), 1, squeeze=False, figsize=(8, 0.4 * sum(heights) + 1.2 * len(groups)),
                             gridspec_kw={"height_ratios": heights})
    for ax, (assignment, t) in zip(axes[:, 0], groups, strict=True):
        if len(t):
            sns.barplot(data=t, y="task", x="success_rate", ax=ax, color="tab:blue", orient="h")
        ax.set(xlim=(0, 1), ylabel="", title=str(assignment), xlabel="")
    axes[-1, 0].set_xlabel("share of submissions with full points")
    fig.suptitle("Per-task success rate")
    fig.tight_layout()
    return fig


def _plots(grades: pd.DataFrame, summary: pd.DataFrame, folder: Path, titles: Titles | None) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import seaborn as sns

    cjk = cjk_font()
    sns.set_theme(style="whitegrid", rc={"font.family": ["DejaVu Sans", cjk]} if cjk else None)
    with warnings.catch_warnings():
        if cjk is None:  # the report says it once instead of a warning per missing glyph
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        return _draw(grades, summary, folder, titles)


def _draw(grades: pd.DataFrame, summary: pd.DataFrame, folder: Path, titles: Titles | None) -> list[str]:
    import matplotlib.pyplot as plt
    import seaborn as sns

    names = []
    s = summary[summary["status"] != "missing notebook"].assign(
        share=lambda d: d["score"] / d["max_score"].where(d["max_score"] > 0))
    fig, ax = plt.subplots(figsize=(8, 4))
    sns.histplot(data=s, x="share", hue="assignment", bins=10, binrange=(0, 1), multiple="dodge", ax=ax)
    ax.set(xlabel="score / max score", ylabel="students", title="Score distribution per assignment")
    fig.tight_layout()
    fig.savefig(folder / "scores.png", dpi=100)
    names.append("scores.png")
    task_chart(task_table(grades, titles)).savefig(folder / "tasks.png", dpi=100)
    names.append("tasks.png")
    fails = failure_table(grades)
    fig, ax = plt.subplots(figsize=(9, 0.45 * max(len(fails), 3) + 1))
    if len(fails):
        sns.barplot(data=fails, y="message", x="count", ax=ax, color="tab:red")
    ax.set(xlabel="graded cells", ylabel="")
    fig.suptitle("Most common failure messages")
    fig.tight_layout()
    fig.savefig(folder / "failures.png", dpi=100)
    names.append("failures.png")
    plt.close("all")
    return names


def task_titles(course_dir, assignments) -> dict:
    """``(assignment, grade_id) -> title`` from each assignment's declared tasks (its reference's TASKS)."""
    from crmlab.autograde.layout import CourseLayout
    from crmlab.autograde.prepare import load_reference

    out = {}
    for assignment in assignments:
        ref = CourseLayout(course_dir).reference(assignment)
        if ref.is_file():
            for gid, task in getattr(load_reference(ref), "TASKS", {}).items():
                out[(assignment, gid)] = task.title
    return out


def run_notes(course_dir, assignments) -> dict[str, str]:
    """``assignment -> note`` of its last grading run (e.g. that kernels ran unsandboxed), where there is one."""
    import json

    from crmlab.autograde.layout import CourseLayout

    out = {}
    for assignment in assignments:
        path = CourseLayout(course_dir).status(assignment) / "run.json"
        note = json.loads(path.read_text(encoding="utf-8")).get("note", "") if path.is_file() else ""
        if note:
            out[assignment] = note
    return out


def write_report(*, course_dir: str | os.PathLike, titles: Titles | None = None) -> Path:
    """Write ``DIR/report/index.html`` (plus PNGs) for the graded course; returns the HTML's path.

    ``titles`` names tasks (``grade_id`` or ``(assignment, grade_id)`` → title) in the chart and tables.
    """
    course_dir = Path(course_dir)
    grades, summary = load_results(course_dir)
    assignments = sorted(summary["assignment"].unique())
    titles = {**task_titles(course_dir, assignments), **(titles or {})}
    folder = course_dir / "report"
    folder.mkdir(parents=True, exist_ok=True)
    images = _plots(grades, summary, folder, titles)
    status = summary["status"].str.replace(PENDING, "", regex=True)
    flagged = summary[~status.isin(["graded", "missing notebook"])
                      & ~status.str.fullmatch(r"graded: \d+ of \d+ graded cells failed")]
    tables = [("Assignments", assignment_table(summary)), ("Tasks", task_table(grades, titles)),
              ("Most common failure messages", failure_table(grades)),
              ("Submissions with a status note", flagged)]
    charted = " ".join([*task_table(grades, titles)["task"], *failure_table(grades)["message"]])
    body = f"<p>{html.escape(NO_CJK_NOTE)}</p>" if CJK_TEXT.search(charted) and cjk_font() is None else ""
    body += "".join(f"<p><b>{html.escape(a)}</b>: {html.escape(note)}</p>"
                    for a, note in run_notes(course_dir, assignments).items())
    body += "".join(f'<img src="{name}" alt="{name}">' for name in images)
    for title, df in tables:
        body += f"<h2>{html.escape(title)}</h2>" + df.to_html(index=False, float_format=lambda x: f"{x:.2f}",
                                                             border=0, classes="t")
    page = ("<!doctype html><html><head><meta charset='utf-8'><title>CRM Lab class report</title><style>"
            "body{font-family:sans-serif;max-width:60em;margin:2em auto}img{max-width:100%;display:block}"
            ".t td,.t th{padding:2px 8px;text-align:left}</style></head><body>"
            f"<h1>CRM Lab class report</h1><p>From grades.csv and summary.csv in {html.escape(str(course_dir))}.</p>"
            f"{body}</body></html>")
    path = folder / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
