"""``crmlab course build``: turn ``course/`` (MyST sources) into a complete nbgrader course directory.

Layout written under ``DIR``::

    nbgrader_config.py          course id, the custom preprocessors and limits (``autograde.preprocessors``)
    source/NN_slug/NN_slug.ipynb    converted with jupytext, images and other files copied along
    release/NN_slug/…           by nbgrader's own ``generate_assignment``
    reference/NN_slug.py        instructor-only reference answers (outside source/ and release/)
    gradebook.db                nbgrader's gradebook, with the assignments

Building twice gives identical files (cell ids derived from position, no timestamps); the gradebook
database is nbgrader's and is excluded from that promise.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from crmlab.autograde.errors import UsageError

COURSE_ID = "crmlab"
ASSIGNMENT_RE = re.compile(r"^\d\d_[A-Za-z0-9_]+$")
SKIP_FILES = {"reference.py", "instructor.md", "measured.json", "__pycache__", ".ipynb_checkpoints"}
EDITIONS = ("class", "self-study")
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}

CONFIG_TEMPLATE = (
    '"""nbgrader configuration written by `crmlab course build` (rebuilt each time; edit course/ instead)."""\n'
    '''
c = get_config()  # noqa: F821 - provided by nbgrader
c.CourseDirectory.course_id = "{course_id}"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
c.Execute.timeout = {timeout}
c.Execute.interrupt_on_timeout = True
c.Execute.raise_on_iopub_timeout = True
c.Execute.iopub_timeout = 4
c.Execute.startup_timeout = 60
c.Execute.shutdown_kernel = "immediate"
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100
c.ByteLimitOutput.max_bytes = {max_bytes}
c.Autograde.autograde_preprocessors = [
    "crmlab.autograde.preprocessors.GuardedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "crmlab.autograde.preprocessors.ByteLimitOutput",
    "crmlab.autograde.preprocessors.ShortTestTracebacks",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "crmlab.autograde.preprocessors.ShortTestTracebacks",
    "crmlab.autograde.preprocessors.StatusBanner",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
'''
)


def find_assignments(course: str | os.PathLike) -> list[Path]:
    """The lecture folders ``NN_slug/`` of ``course`` that hold ``NN_slug.md``, sorted by name."""
    course = Path(course)
    if not course.is_dir():
        raise UsageError(f"course folder {course} does not exist")
    found = sorted(p for p in course.iterdir()
                   if p.is_dir() and ASSIGNMENT_RE.match(p.name) and (p / f"{p.name}.md").is_file())
    if not found:
        raise UsageError(f"no lecture folders NN_slug/NN_slug.md found in {course}")
    return found


def convert_notebook(md_path: str | os.PathLike):
    """Read one MyST source with jupytext and normalise it for a reproducible build.

    Returns
    -------
    nbformat.NotebookNode
        Version 4.5 notebook: cell ids ``cell-000``…, no outputs, the ``python3`` kernelspec, no jupytext
        header metadata, and the prose's figures and references resolved (:mod:`autograde.prose`) from the
        lecture's ``measured.json``.
    """
    import jupytext
    from crmlab.autograde import measure, prose

    md_path = Path(md_path)
    try:
        nb = jupytext.read(md_path, fmt="md:myst")
    except Exception as exc:  # noqa: BLE001 - jupytext raises many types on bad input; all mean "cannot parse"
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UsageError(f"cannot parse {md_path}: {why}") from None
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = {"kernelspec": dict(KERNELSPEC),
                   "language_info": {"name": "python"}}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("lines_to_next_cell", None)
    try:
        prose.render_notebook(nb, measure.load(md_path.parent)["figures"])
    except prose.ProseError as exc:
        raise UsageError(f"{md_path}: {exc}") from None
    return nb


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"output {out} exists and is not a folder")
    parent = out if out.exists() else next((p for p in out.parents if p.exists()), Path("/"))
    if not os.access(parent, os.W_OK):
        raise UsageError(f"cannot write to {parent}")


def write_sources(assignments: list[Path], out: Path) -> None:
    """Write ``source/`` and ``reference/`` under ``out`` (replacing earlier builds of those folders)."""
    import nbformat

    for sub in ("source", "reference"):
        shutil.rmtree(out / sub, ignore_errors=True)
    (out / "reference").mkdir(parents=True)
    for folder in assignments:
        name = folder.name
        nb = convert_notebook(folder / f"{name}.md")
        dest = out / "source" / name
        dest.mkdir(parents=True)
        for item in sorted(folder.iterdir()):
            if item.name in SKIP_FILES or item.name == f"{name}.md" or item.suffix in (".ipynb", ".pyc"):
                continue
            if item.is_dir():
                shutil.copytree(item, dest / item.name, ignore=shutil.ignore_patterns(*SKIP_FILES, "*.pyc"))
            else:
                shutil.copyfile(item, dest / item.name)
        nbformat.write(nb, dest / f"{name}.ipynb")
        if (folder / "reference.py").is_file():
            shutil.copyfile(folder / "reference.py", out / "reference" / f"{name}.py")


def load_config(course_dir: str | os.PathLike):
    """nbgrader's config for ``course_dir`` (its ``nbgrader_config.py``) with the root set."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    course_dir = Path(course_dir).absolute()
    cfg = Config()
    if (course_dir / "nbgrader_config.py").is_file():
        cfg.merge(PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config())
    cfg.CourseDirectory.root = str(course_dir)
    return cfg


def nbgrader_api(course_dir: str | os.PathLike, config=None):
    """An :class:`nbgrader.apps.NbGraderAPI` on ``course_dir`` with its config (plus ``config``).

    The interpreter's ``bin/`` goes first on ``PATH``: nbgrader shells out to ``alembic`` when it creates
    a gradebook, which fails when the venv's python is called without activating the venv.
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    cfg = load_config(course_dir)
    if config is not None:
        cfg.merge(config)
    coursedir = CourseDirectory(config=cfg)
    return NbGraderAPI(coursedir=coursedir, config=cfg)


def build_course(*, out: str | os.PathLike, course: str | os.PathLike | None = None,
                 timeout: int = 30, max_bytes: int = 100_000, edition: str = "class") -> list[str]:
    """Build the nbgrader course directory ``out`` from the MyST sources in ``course``.

    Parameters
    ----------
    out : path
        Course directory to create or update (``source/``, ``release/`` and ``reference/`` are replaced).
    course : path, optional
        Folder of ``NN_slug/`` lectures; default: the repository's ``course/``.
    timeout : int, default=30
        Default per-cell execution limit written to the config (seconds).
    max_bytes : int, default=100000
        Output cap per cell in the autograded notebook and feedback (bytes).
    edition : {"class", "self-study"}, default="class"
        ``self-study`` writes ``out/NN_slug/`` folders for a learner without an instructor instead
        (:func:`autograde.editions.build_self_study`).

    Returns
    -------
    list of str
        The assignment ids built, in order.
    """
    course = Path(course) if course is not None else Path(__file__).resolve().parent.parent / "course"
    out = Path(out).absolute()
    if edition not in EDITIONS:
        raise UsageError(f"--edition must be one of {', '.join(EDITIONS)}, got {edition!r}")
    if edition == "self-study":
        from crmlab.autograde.editions import build_self_study

        return build_self_study(out=out, course=course)
    assignments = find_assignments(course)
    _check_out(out)
    for folder in assignments:
        convert_notebook(folder / f"{folder.name}.md")
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "nbgrader_config.py").write_text(
            CONFIG_TEMPLATE.format(course_id=COURSE_ID, timeout=int(timeout), max_bytes=int(max_bytes)))
        write_sources(assignments, out)
    except OSError as exc:
        raise UsageError(f"cannot write the course to {out}: {exc.strerror or exc}") from None
    shutil.rmtree(out / "release", ignore_errors=True)
    api = nbgrader_api(out)
    for folder in assignments:
        result = api.generate_assignment(folder.name, force=True, create=True)
        if not result["success"]:
            raise UsageError(f"nbgrader generate_assignment {folder.name} failed: {root_cause(result)}")
    _normalise_release(out)
    return [folder.name for folder in assignments]


def root_cause(result: dict) -> str:
    """The most telling error line of a failed nbgrader call (not its generic wrapper message)."""
    lines = [ln.strip() for ln in (result.get("log", "") + "\n" + (result.get("error") or "")).splitlines()]
    causes = [ln for ln in lines if re.match(r"^[A-Za-z_.]*(Error|Exception): ", ln)
              and "NbGraderException" not in ln]
    return (causes or [ln for ln in lines if ln] or ["unknown error"])[-1][:300]


def _normalise_release(out: Path) -> None:
    """Rewrite release notebooks with sorted keys and no volatile metadata, so builds are identical."""
    import nbformat

    for path in sorted((out / "release").rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            cell.metadata.pop("execution", None)
        nbformat.write(nb, path)
