"""A hostile-submission corpus graded in one class run of the fixture lecture (issue 11).

Every attack starts from the BLANK release and changes only the first answer cell (``q1_answer``). Honest
classmates (the solution) are graded in the same run. Every attack must score 0 on every autograded cell,
every honest classmate full marks; nothing secret reaches a feedback page or an autograded notebook; and
nothing in the course folder changes after the run ends.

In-kernel attacks (1-4) are beaten by verdicts decided outside the kernel, so they score 0 even unsandboxed.
File and process attacks (5-8) need a sandbox: where neither bubblewrap nor unshare works they are skipped
with the probe's reason, never passed silently.
"""

from __future__ import annotations

import base64
import html
import json
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ASSIGNMENT = "01_fixture"
TIMEOUT = 10  # s per cell
MARK = "CRMLAB-HOSTILE-MARK"  # every text an attacker tries to plant carries this

# 2: an AST transformer wrapping every later cell in try/except BaseException, exec'd from base64
_AST_WRAPPER = '''
import ast
class _Swallow(ast.NodeTransformer):
    def visit_Module(self, node):
        handler = ast.ExceptHandler(type=ast.Name("BaseException", ast.Load()), name=None, body=[ast.Pass()])
        node.body = [ast.Try(body=node.body or [ast.Pass()], handlers=[handler], orelse=[], finalbody=[])]
        return ast.fix_missing_locations(node)
get_ipython().ast_transformers.append(_Swallow())
'''


def _attacks(course_dir: Path, subs: Path) -> dict[str, str]:
    """``{kind: q1_answer source}``; the test knows the course folder and formats it in."""
    course = str(course_dir)
    walk_up = (
        "import os\n"
        "from pathlib import Path\n"
        f"_dirs = [Path({course!r})] + [p for p in Path.cwd().resolve().parents]\n"
        "_dirs = [d for d in _dirs if (d / 'nbgrader_config.py').exists()] or [Path({course!r})]\n"
    ).replace("{course!r}", repr(course))
    return {
        "input_transformer": "get_ipython().input_transformers_post.append(lambda lines: [])",
        "ast_transformer": ("import base64\n"
                            f"exec(base64.b64decode({base64.b64encode(_AST_WRAPPER.encode()).decode()!r}))"),
        "patch_checks": (
            "import importlib\n"
            "m = importlib.import_module('crmlab.autograde.tasks')\n"
            "m.Task.check = lambda self, **k: print('ok')\n"
            "v = importlib.import_module('crmlab.autograde.verdict')\n"
            "v.judge = lambda task, gid, rec, exp: v.Verdict(gid, True, 'ok')\n"
            "v.judge_all = lambda tasks, gids, *a, **k: {g: v.Verdict(g, True, 'ok') for g in gids}\n"
        ),
        "forged_answers": (
            "import os, json\n"
            "d = os.environ.get('CRMLAB_ANSWERS') or 'answers'\n"
            "os.makedirs(d, exist_ok=True)\n"
            "json.dump({'total_revenue': 0.0}, open(os.path.join(d, 'q1_test.json'), 'w'))\n"
            "json.dump({'n_buyers': 1}, open(os.path.join(d, 'q2_test.json'), 'w'))\n"
        ),
        "read_secrets": walk_up + (
            "import glob\n"
            "_found = ['ENV ' + repr(dict(os.environ))]\n"
            "def _dump(p):\n"
            "    try:\n"
            "        _found.append(f'== {p}\\n' + open(p, errors='replace').read()[:300])\n"
            "    except Exception as exc:\n"
            "        _found.append(f'-- {p}: {type(exc).__name__}')\n"
            "for d in _dirs:\n"
            "    for pat in ('.crmlab/course_key', '.crmlab/seeds.csv', '.crmlab/**/*', 'reference/*.py',\n"
            "                'source/**/*', 'autograded/**/*.ipynb', 'handout/**/*', 'nbgrader_config.py'):\n"
            "        for p in glob.glob(str(d / pat), recursive=True):\n"
            "            if os.path.isfile(p):\n"
            "                _dump(p)\n"
            f"for p in glob.glob({str(subs)!r} + '/**/*.ipynb', recursive=True):\n"
            "    _dump(p)\n"
            "for p in ('/etc/shadow', os.path.expanduser('~/.ssh/id_rsa'), os.path.expanduser('~/.crmlab')):\n"
            "    _dump(p)\n"
            "print('\\n'.join(_found))\n"
        ),
        "write_course": walk_up + (
            "for d in _dirs:\n"
            "    for name, text in (('nbgrader_config.py', '\\nimport os  # " + MARK + "\\n'),\n"
            "                       ('summary.csv', 'x," + MARK + "\\n'), ('grades.csv', 'x," + MARK + "\\n'),\n"
            "                       ('gradebook.db', '" + MARK + "')):\n"
            "        try:\n"
            "            with open(d / name, 'a') as fh:\n"
            "                fh.write(text)\n"
            "            print('wrote', d / name)\n"
            "        except Exception as exc:\n"
            "            print('could not write', d / name, type(exc).__name__)\n"
        ),
        "detached": (
            "import subprocess\n"
            "for f in ('summary.csv', 'grades.csv', 'nbgrader_config.py'):\n"
            f"    subprocess.Popen(['sh', '-c', 'sleep 3; echo {MARK} >> {course}/' + f], start_new_session=True)\n"
        ),
        "kill_worker": "import os\nos.kill(os.getppid(), 9)\n",
        "kill_parent": (
            "import os\n"
            "for pid in (os.getppid(), 1):\n"
            "    try:\n"
            "        os.kill(pid, 9)\n"
            "    except Exception as exc:\n"
            "        print('kill', pid, type(exc).__name__)\n"
        ),
    }


IN_KERNEL = ("input_transformer", "ast_transformer", "patch_checks", "forged_answers")
FILE_PROCESS = ("read_secrets", "write_course", "detached", "kill_parent")
HONEST = ("honest1", "honest2")
WATCHED = ("nbgrader_config.py", "summary.csv", "grades.csv", "gradebook.db")


def _no_sandbox_reason() -> str | None:
    """The probes' reasons if neither bubblewrap nor unshare works here, else ``None``."""
    from crmlab.autograde.sandbox import probe

    bwrap, unshare = probe("bwrap"), probe("unshare")
    return f"no sandbox on this machine: bwrap: {bwrap}; unshare: {unshare}" if bwrap and unshare else None


def _grade(tmp_path_factory, fixture_course, fake_factory, kinds, sandbox, label):
    """Build a class (one student per attack kind plus honest classmates), grade it once."""
    import shutil

    import nbformat
    from conftest import write_class
    from crmlab.autograde.grade import grade_assignment

    base = tmp_path_factory.mktemp(label)
    course_dir, subs = base / "course", base / "subs"
    shutil.copytree(fixture_course, course_dir)
    sids = {f"a{i}_{kind}": kind for i, kind in enumerate(kinds)}
    plan = {sid: "blank" for sid in sids} | {sid: "solution" for sid in HONEST}
    write_class(course_dir, plan, subs, ASSIGNMENT, factory=fake_factory)
    attacks = _attacks(course_dir, subs)
    for sid, kind in sids.items():
        path = subs / sid / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        nb = nbformat.read(path, as_version=4)
        cells = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "q1_answer"]
        assert len(cells) == 1
        cells[0].source = attacks[kind]
        nbformat.write(nb, path)
    t0 = time.perf_counter()
    records = grade_assignment(course_dir=course_dir, assignment=ASSIGNMENT, submissions_path=subs, workers=2,
                               timeout=TIMEOUT, progress=False, world_factory=fake_factory, sandbox=sandbox)
    seconds = time.perf_counter() - t0
    right_after = {name: (course_dir / name).read_bytes() for name in WATCHED if (course_dir / name).is_file()}
    by_id = {r["student_id"]: r for r in records}
    return {"course_dir": course_dir, "subs": subs, "kinds": {sids[s]: by_id[s] for s in sids},
            "honest": [by_id[s] for s in HONEST], "seconds": seconds, "right_after": right_after,
            "records": records}


@pytest.fixture(scope="module", params=["auto", "unshare"])
def hostile(request, fixture_course, fake_factory, tmp_path_factory):
    """Every attack (the file/process ones only where a sandbox works) and two honest classmates, one run:
    with the strongest sandbox here (``auto``), and with ``unshare``, the fallback where bubblewrap is absent."""
    from crmlab.autograde.sandbox import probe

    if request.param == "unshare" and probe("unshare"):
        pytest.skip(f"unshare cannot sandbox here: {probe('unshare')}")
    reason = _no_sandbox_reason()
    kinds = IN_KERNEL if reason else IN_KERNEL + FILE_PROCESS
    run = _grade(tmp_path_factory, fixture_course, fake_factory, kinds, request.param, f"hostile_{request.param}")
    run["no_sandbox"] = reason
    time.sleep(4.5)  # the detached writer sleeps 3 s
    print(f"\nhostile class run: {run['seconds']:.1f} s; sandbox: "
          f"{json.loads((run['course_dir'] / '.crmlab' / 'status' / ASSIGNMENT / 'run.json').read_text())}"
          if (run['course_dir'] / '.crmlab' / 'status' / ASSIGNMENT / 'run.json').is_file()
          else f"\nhostile class run: {run['seconds']:.1f} s")
    for kind, r in run["kinds"].items():
        print(f"  {kind:18s} {r['score']:g}/{r['max_score']:g}  {[c['status'][:60] for c in r['cells']]}")
    return run


def _assert_zero(record, kind):
    assert record["max_score"] == 5, (kind, record)
    assert [c["score"] for c in record["cells"]] == [0.0] * len(record["cells"]), (kind, record["cells"])
    assert record["score"] == 0, (kind, record)


def _skip_without_sandbox(run):
    if run["no_sandbox"]:
        pytest.skip(f"file and process attacks need a sandbox: {run['no_sandbox']}")


def test_honest_classmates_get_full_marks(hostile):
    for r in hostile["honest"]:
        assert r["score"] == r["max_score"] == 5, r
        assert all(c["status"] == "ok" for c in r["cells"]), r["cells"]


@pytest.mark.parametrize("kind", IN_KERNEL)
def test_in_kernel_attack_scores_zero(hostile, kind):
    _assert_zero(hostile["kinds"][kind], kind)


@pytest.mark.parametrize("kind", FILE_PROCESS)
def test_file_and_process_attack_scores_zero(hostile, kind):
    _skip_without_sandbox(hostile)
    _assert_zero(hostile["kinds"][kind], kind)


def _secrets(course_dir: Path) -> list[str]:
    """The course key and every substantial line of the reference module."""
    from conftest import TEST_COURSE_KEY

    ref = (course_dir / "reference" / f"{ASSIGNMENT}.py").read_text(encoding="utf-8")
    lines = [line.strip() for line in ref.splitlines() if len(line.strip()) >= 12]
    assert lines
    return [TEST_COURSE_KEY, *lines]


def _notebook_text(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb.get("cells", []):
        parts.append("".join(cell.get("source", "")))
        for out in cell.get("outputs", []):
            parts.append("".join(out.get("text", "")))
            parts.append(str(out.get("evalue", "")))
            parts.extend("".join(v) if isinstance(v, list) else str(v) for v in out.get("data", {}).values())
            parts.extend(out.get("traceback", []))
    return "\n".join(parts)


def test_nothing_secret_in_feedback_or_autograded(hostile):
    course_dir = hostile["course_dir"]
    secrets = _secrets(course_dir)
    checked = 0
    for r in hostile["records"]:
        sid = r["student_id"]
        feedback = course_dir / "feedback" / sid / ASSIGNMENT / f"{ASSIGNMENT}.html"
        graded = course_dir / "autograded" / sid / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        assert feedback.is_file() and graded.is_file(), sid
        texts = {"feedback": html.unescape(feedback.read_text(encoding="utf-8")),
                 "autograded": _notebook_text(graded)}
        for where, text in texts.items():
            for secret in secrets:
                assert secret not in text, f"{sid}: {where} holds {secret!r}"
        checked += 1
    assert checked == len(hostile["records"])


def test_secret_reader_saw_nothing_of_the_grader(hostile):
    _skip_without_sandbox(hostile)
    sid = hostile["kinds"]["read_secrets"]["student_id"]
    text = _notebook_text(hostile["course_dir"] / "autograded" / sid / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    assert "ENV {" in text and "CRMLAB_ANSWERS" in text  # the attack ran and printed what it found
    assert "CRMLAB_COURSE_KEY" not in text and "CRMLAB_SEED" not in text
    assert "SECRET-SOLUTION-MARKER" not in text  # no classmate's or the source's solution
    assert "root:" not in text  # /etc/shadow


def test_course_files_unchanged_after_the_run(hostile):
    _skip_without_sandbox(hostile)
    course_dir, before = hostile["course_dir"], hostile["right_after"]
    assert {"nbgrader_config.py", "summary.csv", "grades.csv", "gradebook.db"} <= set(before)
    for name, data in before.items():
        now = (course_dir / name).read_bytes()
        assert now == data, f"{name} changed after the run ended"
        assert MARK.encode() not in now, f"{name} holds attacker text"


def test_kill_parent_cost_nobody_else(hostile):
    _skip_without_sandbox(hostile)
    assert len(hostile["records"]) == len(IN_KERNEL) + len(FILE_PROCESS) + len(HONEST)
    assert (hostile["course_dir"] / "summary.csv").is_file()


@pytest.fixture(scope="module")
def unsandboxed(fixture_course, fake_factory, tmp_path_factory):
    """The in-kernel attacks with ``sandbox="none"``: verdicts are outside the kernel all the same."""
    run = _grade(tmp_path_factory, fixture_course, fake_factory, IN_KERNEL, "none", "hostile_none")
    print(f"\nunsandboxed in-kernel run: {run['seconds']:.1f} s")
    return run


def test_in_kernel_attacks_score_zero_unsandboxed(unsandboxed):
    for kind in IN_KERNEL:
        _assert_zero(unsandboxed["kinds"][kind], kind)
    for r in unsandboxed["honest"]:
        assert r["score"] == r["max_score"] == 5, r


def test_lost_worker_costs_only_its_student(fixture_course, fake_factory, tmp_path_factory):
    """Unsandboxed, a kernel can kill the grading worker: that student gets a "grader error" record, the pool
    is replaced, every classmate is graded and the CSVs hold the whole class."""
    import pandas as pd

    run = _grade(tmp_path_factory, fixture_course, fake_factory, ("kill_worker",), "none", "lost_worker")
    killer = run["kinds"]["kill_worker"]
    assert killer["kind"] == "error" and killer["score"] == 0 and "grader error" in killer["banner"], killer
    for r in run["honest"]:
        assert r["score"] == r["max_score"] == 5, r
    summary = pd.read_csv(run["course_dir"] / "summary.csv", keep_default_na=False)
    assert sorted(summary["student_id"]) == sorted(r["student_id"] for r in run["records"])
