"""What a student sees when something is wrong: one line in their terms, not a traceback through our files.

Installed into IPython when the tasks package is imported (the setup cell imports it): an unfinished answer
(``raise NotImplementedError()`` still there) says which task to finish; a test cell that needs a name from an
answer cell not yet run says so instead of ``NameError``; a formative check's :class:`CheckError` shows its
message alone. Every other error keeps IPython's usual traceback. The cell still fails, so "Run All" stops
where the student must act.
"""

from __future__ import annotations

import re

TASK_RE = re.compile(r"\b(q\d+)\.check\(")
UNFINISHED = "还没有完成 not finished yet：把 raise NotImplementedError() 换成你的代码 replace it with your code。"


def message(etype, value, source: str) -> str | None:
    """The student's one line for this error in a cell with ``source``, or ``None`` for the usual traceback."""
    from crmlab.autograde.tasks import CheckError

    task = TASK_RE.search(source or "")
    where = f"任务 {task.group(1)[1:]} " if task else "这个答案单元 this answer cell "
    if issubclass(etype, NotImplementedError):
        return f"✗ {where}{UNFINISHED}"
    if issubclass(etype, NameError) and task is not None:
        name = getattr(value, "name", None) or str(value)
        return (f"✗ 测试单元要用到 `{name}`，但它还没有定义 is not defined yet：先完成并运行上面的答案单元 "
                f"(run the answer cell(s) above first)，再运行这个测试单元。")
    if issubclass(etype, CheckError):
        return f"✗ {value}"
    return None


def install() -> bool:
    """Register the handler in the running IPython shell (no-op outside IPython); ``True`` if installed."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    from crmlab.autograde.tasks import CheckError

    def handler(self, etype, value, tb, tb_offset=None):
        history = self.user_ns.get("_ih") or [""]
        text = message(etype, value, history[-1])
        if text is None:
            stb = self.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
        else:
            stb = [text]
        self._showtraceback(etype, value, stb)  # IPython leaves showing it to the handler
        return stb

    shell.set_custom_exc((NotImplementedError, NameError, CheckError), handler)
    return True
