"""A grading kernel in a sandbox: it sees one scratch folder, the installed packages and one student's data.

Three kinds, by strength (``crmlab grade --sandbox auto|bwrap|unshare|none``; ``auto`` takes the first that
works here):

* ``bwrap`` (bubblewrap): a new root holding only the system's ``/usr``, a few files of ``/etc``, the Python
  installation and the course's packages (read-only), the student's data folder (read-only) and the scratch
  folder (the only writable place outside a fresh ``/tmp``). Own PID, network, IPC and UTS namespaces, all
  capabilities dropped; every process the kernel started dies with it.
* ``unshare`` (util-linux): own PID, network, IPC, UTS and mount namespaces; the course folder, the
  project's ``course/``, ``tests/`` and ``.git`` and the grader's private folders are covered by empty
  tmpfs, every other mount is made read-only, capabilities are dropped. A deny-list: what is not hidden
  (other world-readable files of the machine) can still be read.
* ``none``: no isolation. Verdicts are still decided outside the kernel, so patching checks or reading
  variables gains nothing; but the kernel can read and write what the grader can.

All kinds get a clean environment (no key, no seed, no paths of the grader), a memory limit
(``prlimit --as``) and interrupts as messages (``interrupt_mode = "message"``), which pass any wrapper.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from crmlab.autograde.errors import UsageError
from crmlab.autograde.layout import ENV_ANSWERS, ENV_DATA

KINDS = ("auto", "bwrap", "unshare", "none")
MEMORY_BYTES = 3 * 2**30  # address space of a grading kernel; pandas + a default world stay under 1 GiB
PACKAGES = ("crmlab.simulator", "crmlab.labs", "crmlab.autograde")
DATA_MOUNT = Path("/crmlab-data")  # where bwrap shows the student's data (the course folder's path stays unknown)
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group", "nsswitch.conf", "hosts",
       "fonts", "alternatives", "mime.types", "ssl")
PASS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "LANG", "TZ")
UNSHARE_SCRIPT = (
    r"""
set -e
nl='
'
IFS=$nl
exec 3<"$CRMLAB_SB_SCRATCH"
i=10
for d in $CRMLAB_SB_KEEP; do eval "exec $i<\"\$d\""; i=$((i + 1)); done
mount --make-rprivate /
awk '{print $5}' /proc/self/mountinfo | while read -r m; do mount -o remount,bind,ro "$m" 2>/dev/null || true; done
for h in $CRMLAB_SB_HIDE; do
  if [ -d "$h" ]; then mount -t tmpfs -o size=1m,mode=755 crmlab-hidden "$h"; """
    r"""elif [ -f "$h" ]; then mount --bind /dev/null "$h"; fi
done
mount -t tmpfs -o size=512m,mode=1777 crmlab-tmp /tmp
mkdir -p "$CRMLAB_SB_SCRATCH"; mount --no-canonicalize --bind /proc/self/fd/3 "$CRMLAB_SB_SCRATCH"
mount -o remount,bind,rw "$CRMLAB_SB_SCRATCH"
i=10
for d in $CRMLAB_SB_KEEP; do
  mkdir -p "$d"; mount --no-canonicalize --bind "/proc/self/fd/$i" "$d"; mount -o remount,bind,ro "$d"
  eval "exec $i<&-"; i=$((i + 1))
done
exec 3<&-
cd "$CRMLAB_SB_CWD"
unset CRMLAB_SB_SCRATCH CRMLAB_SB_KEEP CRMLAB_SB_HIDE CRMLAB_SB_CWD
exec setpriv --no-new-privs --inh-caps=-all --bounding-set=-all -- "$@"
"""
)


def _package_dirs() -> list[Path]:
    """Folders of the course's packages (an editable install keeps them outside site-packages)."""
    out = []
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            out.append(Path(next(iter(spec.submodule_search_locations))).resolve())
    return out


def _python_dirs() -> list[Path]:
    """The interpreter's installation, the venv and the course's packages: what a kernel must see, read-only."""
    python = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
              Path(sys.executable).resolve().parent.parent}
    return sorted(python | set(_package_dirs()))


def _project_secrets() -> list[Path]:
    """Folders next to an editable install that hold instructor material: ``course/``, ``tests/``, ``.git``."""
    roots = {p.parent for p in _package_dirs()}
    return [r / sub for r in sorted(roots) for sub in ("course", "tests", ".git") if (r / sub).exists()]


@cache
def probe(kind: str) -> str | None:
    """``None`` if sandbox ``kind`` works on this machine, else the reason in a few words."""
    if kind == "none":
        return None
    tool = {"bwrap": "bwrap", "unshare": "unshare"}[kind]
    needs = (tool, "prlimit", "bash", "setpriv") if kind == "unshare" else (tool, "prlimit")
    missing = [name for name in needs if shutil.which(name) is None]
    if missing:
        return f"{', '.join(missing)} not installed"
    with tempfile.TemporaryDirectory(prefix="crmlab-probe-") as tmp:
        box = Sandbox(kind=kind)
        cmd = box.command([sys.executable, "-c", "import os; print(os.getpid())"], scratch=Path(tmp), data=None)
        try:
            proc = subprocess.run(cmd, env=box.environment(scratch=Path(tmp), data=None), capture_output=True,
                                  text=True, timeout=30, cwd=tmp)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{tool} failed to start: {exc}"
    if proc.returncode != 0 or not proc.stdout.strip().isdigit():
        first = (proc.stderr.strip().splitlines() or ["no output"])[-1][:160]
        return f"{tool} cannot make namespaces here ({first})"
    return None


def resolve(kind: str) -> tuple[str, str]:
    """``(kind, note)``: ``auto`` becomes the strongest kind that works; ``note`` is "" or one line to show."""
    if kind not in KINDS:
        raise UsageError(f"--sandbox must be one of {', '.join(KINDS)}, got {kind!r}")
    if kind == "auto":
        for candidate in ("bwrap", "unshare"):
            if probe(candidate) is None:
                return candidate, ""
        return "none", ("kernels ran unsandboxed: neither bubblewrap nor unshare works here "
                        f"({probe('bwrap')}; {probe('unshare')})")
    reason = probe(kind)
    if reason:
        raise UsageError(f"--sandbox {kind}: {reason}")
    return kind, "kernels ran unsandboxed (--sandbox none)" if kind == "none" else ""


@dataclass(frozen=True)
class Sandbox:
    """How to wrap a kernel command. ``hide`` adds folders to cover (``unshare``; ``bwrap`` binds only)."""

    kind: str = "bwrap"
    memory: int = MEMORY_BYTES
    hide: tuple = field(default=())

    def environment(self, *, scratch: Path, data: Path | None) -> dict:
        """The kernel's whole environment: nothing of the grader's but the interpreter's ``PATH``."""
        env = {k: os.environ[k] for k in PASS_ENV if k in os.environ}
        env.update({"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
                    "HOME": str(scratch / "home"), "TMPDIR": "/tmp", "IPYTHONDIR": str(scratch / "home" / ".ipython"),
                    "MPLCONFIGDIR": str(scratch / "home" / ".mpl"), "JUPYTER_RUNTIME_DIR": str(scratch / ".k"),
                    "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1", "LANG": env.get("LANG", "C.UTF-8"),
                    ENV_ANSWERS: str(scratch / "answers")})
        if data is not None:
            env[ENV_DATA] = str(DATA_MOUNT if self.kind == "bwrap" else data)
        return env

    def command(self, argv: list[str], *, scratch: Path, data: Path | None, cwd: Path | None = None) -> list[str]:
        """``argv`` wrapped in this sandbox and under the memory limit."""
        limited = ["prlimit", f"--as={int(self.memory)}", "--", *argv] if shutil.which("prlimit") else list(argv)
        cwd = cwd or scratch
        if self.kind == "bwrap":
            return self._bwrap(limited, scratch=scratch, data=data, cwd=cwd)
        if self.kind == "unshare":
            return self._unshare(limited, scratch=scratch, data=data, cwd=cwd)
        return limited

    def _bwrap(self, argv, *, scratch, data, cwd) -> list[str]:
        args = ["bwrap", "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc",
                "--unshare-uts", "--unshare-cgroup-try", "--cap-drop", "ALL", "--ro-bind", "/usr", "/usr"]
        for top in ("bin", "lib", "lib64", "sbin", "lib32"):
            path = Path("/") / top
            if path.is_symlink():
                args += ["--symlink", os.readlink(path), str(path)]
            elif path.is_dir():
                args += ["--ro-bind", str(path), str(path)]
        for name in ETC:
            args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
        args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
        for path in _python_dirs():
            args += ["--ro-bind", str(path), str(path)]
        args += ["--bind", str(scratch), str(scratch)]
        if data is not None:
            args += ["--ro-bind", str(data), str(DATA_MOUNT)]
        return [*args, "--unsetenv", "JPY_PARENT_PID", "--chdir", str(cwd), "--", *argv]

    def _unshare(self, argv, *, scratch, data, cwd) -> list[str]:
        hide = [str(p) for p in (*self.hide, *_project_secrets(), Path.home() / ".crmlab",
                                 Path.home() / ".cache" / "crmlab", Path.home() / ".ssh",
                                 Path("/etc/shadow"), Path("/etc/gshadow"))]
        keep = [*([str(data)] if data is not None else []), *map(str, _python_dirs())]  # read-only, kept visible
        env = {"CRMLAB_SB_SCRATCH": str(scratch), "CRMLAB_SB_KEEP": "\n".join(keep),
               "CRMLAB_SB_HIDE": "\n".join(hide), "CRMLAB_SB_CWD": str(cwd)}
        return ["env", "-u", "JPY_PARENT_PID", *(f"{k}={v}" for k, v in env.items()),
                "unshare", "--mount", "--net", "--pid", "--ipc", "--uts", "--fork", "--kill-child", "--mount-proc",
                "--", "bash", "-c", UNSHARE_SCRIPT, "crmlab-sandbox", *argv]


def wait_gone(scratch: Path, *, limit: float = 5.0) -> bool:
    """Wait until no process works in ``scratch`` (a sandbox's processes die just after its wrapper);
    returns whether they are gone. Answers are read only after this."""
    import time

    deadline, prefix = time.monotonic() + limit, str(scratch)
    while True:
        busy = False
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                busy = os.readlink(f"/proc/{pid}/cwd").startswith(prefix)
            except OSError:
                continue
            if busy:
                break
        if not busy or time.monotonic() > deadline:
            return not busy
        time.sleep(0.05)


def make_scratch() -> Path:
    """A fresh scratch folder with a short path (IPC socket paths are limited to ~100 bytes)."""
    path = Path(tempfile.mkdtemp(prefix="crmlab-k-"))
    for sub in ("work", "answers", "home", ".k"):
        (path / sub).mkdir()
    return path


def kernel_manager_class(box: Sandbox, *, scratch: Path, data: Path | None):
    """An ``AsyncKernelManager`` subclass that starts its kernel in ``box`` with IPC sockets in ``scratch``."""
    from jupyter_client.manager import AsyncKernelManager

    class SandboxedKernelManager(AsyncKernelManager):
        """Kernel over IPC sockets (they cross a network namespace), wrapped and with a clean environment."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.transport = "ipc"
            self.ip = str(scratch / ".k" / "s")
            self.connection_file = str(scratch / ".k" / "kernel.json")

        async def _async_pre_start_kernel(self, **kw):
            cmd, kw = await super()._async_pre_start_kernel(**kw)
            self.kernel_spec.interrupt_mode = "message"
            return cmd, kw

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw["env"] = box.environment(scratch=scratch, data=data)
            kw["stdout"] = kw["stderr"] = subprocess.DEVNULL  # the kernel talks over its sockets; its banner is noise
            kw["cwd"] = str(scratch / "work")
            wrapped = box.command(list(kernel_cmd), scratch=scratch, data=data, cwd=scratch / "work")
            return await super()._async_launch_kernel(wrapped, **kw)

    return SandboxedKernelManager
