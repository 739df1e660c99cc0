"""A student's errors in their terms (notebook rules: what a student sees when something is wrong)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_unfinished_and_unrun_cells_say_what_to_do():
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from crmlab.autograde.tasks.fixture import q1"),
                nbformat.v4.new_code_cell("def f():\n    raise NotImplementedError()\nf()"),
                nbformat.v4.new_code_cell("q1.check(total_revenue=total_revenue)"),
                nbformat.v4.new_code_cell("q1.check(total_revenue=1)"),
                nbformat.v4.new_code_cell("1 / 0")]
    NotebookClient(nb, timeout=60, allow_errors=True).execute()
    shown = ["\n".join(o.get("traceback", [])) for c in nb.cells[1:] for o in c.outputs if o.output_type == "error"]
    assert len(shown) == 4
    assert shown[0].startswith("✗ 这个答案单元") and "NotImplementedError()" in shown[0] and "File" not in shown[0]
    assert shown[1].startswith("✗ 测试单元要用到 `total_revenue`")
    assert shown[2].startswith("✗ ") and "Traceback" not in shown[2]
    assert "ZeroDivisionError" in shown[3]
