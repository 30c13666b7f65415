"""Measuring: the machine, medians and percentiles, and child processes with their peak memory."""

from __future__ import annotations

import math
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg import __version__

try:
    import psutil
except ImportError:  # pragma: no cover - psutil is a core dependency; without it no memory is sampled
    psutil = None


def machine() -> dict[str, object]:
    """Cores, memory (from /proc/meminfo), load, Python and library versions, the spaCy model."""
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
                break
    except OSError:
        pass
    info: dict[str, object] = {
        "cores": os.cpu_count(),
        "memory_bytes": memory,
        "load": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "kg": __version__,
    }
    for module in ("spacy", "pyoxigraph", "rdflib", "pyshacl"):
        try:
            info[module] = __import__(module).__version__
        except Exception:  # noqa: BLE001 - a missing library is just not reported
            info[module] = None
    try:
        from kg.extract.pipeline import model_package

        package = model_package()
        info["model"] = f"{package} {__import__(package).__version__}"
    except Exception:  # noqa: BLE001
        info["model"] = None
    return info


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``samples``; NaN when there are none."""
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def median(samples: Sequence[float]) -> float:
    """The median (mean of the middle two for an even count); NaN when there are none."""
    return statistics.median(samples) if samples else math.nan


def timed(fn) -> tuple[float, object]:  # noqa: ANN001
    """(wall seconds, value) of ``fn()``."""
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


# ---------------------------------------------------------------- commands


def kg_command() -> list[str]:
    """How to run the installed ``kg`` command with this interpreter."""
    script = Path(sys.executable).with_name("kg")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from kg.cli import main; sys.exit(main())"]


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` command (the test extra's ``oxigraph`` package): on PATH, beside this Python, or
    where the installed package put it."""
    found = shutil.which("oxigraph") or shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    if found:
        return found
    from importlib import metadata

    try:
        files = metadata.distribution("oxigraph").files or []
    except metadata.PackageNotFoundError:
        return None
    for entry in files:
        if entry.name == "oxigraph" and entry.parent.name == "bin":
            path = Path(str(entry.locate()))
            if path.is_file():
                return str(path.resolve())
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ChildRun:
    """A finished child process: exit code, wall time, output and peak memory (bytes)."""

    command: list[str]
    returncode: int
    seconds: float
    stdout: str
    stderr: str
    tree_rss: int  # peak of the sampled sum of RSS over the process and its descendants (0 without psutil)
    max_rss: int  # ru_maxrss from wait4: the largest single process of the tree
    processes: int  # processes seen in the tree
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def tail(self, lines: int = 3) -> str:
        """The last lines of stderr (else stdout), on one line: why a command failed."""
        text = (self.stderr.strip() or self.stdout.strip()).splitlines()[-lines:]
        return " ".join(" ".join(text).split())

    def failure(self) -> str:
        """One line: the command, and its exit code or time-out, and the end of its error output."""
        shown = " ".join(Path(c).name if i == 0 else c for i, c in enumerate(self.command))
        if self.timed_out:
            return f"`{shown}` timed out after {self.seconds:,.0f} s"
        why = self.tail()
        return f"`{shown}` failed (exit {self.returncode})" + (f": {why}" if why else "")


def _tree(pid: int) -> list:
    if psutil is None:
        return []
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def kill_tree(pid: int) -> None:
    """Kill the process ``pid`` (one this harness started) and its descendants."""
    procs = _tree(pid)
    for p in reversed(procs):  # descendants first, so none is re-parented and missed
        try:
            p.kill()
        except Exception:  # noqa: BLE001 - already gone
            pass
    if not procs:
        try:
            os.kill(pid, 9)
        except OSError:
            pass


def run_command(
    command: Sequence[str],
    *,
    timeout: float | None = None,
    sample_every: float = 0.2,
    capture: bool = True,
    show_stderr: bool = False,
    env: dict | None = None,
    cwd: str | Path | None = None,
) -> ChildRun:
    """Run ``command`` to completion, sampling the memory of its process tree meanwhile.

    After ``timeout`` seconds the process tree is killed and the run marked ``timed_out``. With
    ``capture`` False, standard output goes to /dev/null (as ``> /dev/null`` in a shell); with
    ``show_stderr``, standard error goes to this process's (progress messages), not to ``stderr``.
    """
    command = [str(c) for c in command]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(
                command,
                stdout=out if capture else subprocess.DEVNULL,
                stderr=None if show_stderr else err,
                env=env,
                cwd=cwd,
            )
        except OSError as exc:
            return ChildRun(command, 127, 0.0, "", f"cannot run {command[0]}: {exc}", 0, 0, 0)
        peak, seen, timed_out = 0, set(), [False]
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                total = 0
                for p in _tree(proc.pid):
                    try:
                        total += p.memory_info().rss
                    except Exception:  # noqa: BLE001 - the process ended meanwhile
                        continue
                    seen.add(p.pid)
                peak = max(peak, total)
                if timeout is not None and time.perf_counter() - started > timeout:
                    timed_out[0] = True
                    kill_tree(proc.pid)
                    return
                done.wait(sample_every)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # Ctrl-C: stop what we started, then let the interrupt through
            kill_tree(proc.pid)
            proc.wait()
            raise
        finally:
            done.set()
            sampler.join()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return ChildRun(
        command, proc.returncode, seconds, stdout, stderr, peak, usage.ru_maxrss * 1024, len(seen), timed_out[0]
    )


def folder_bytes(path: Path) -> int:
    """Total size of the files below ``path`` (0 when it does not exist)."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else 0


class BenchError(Exception):
    """A part cannot start (a missing corpus or graph, a failed preparatory build): its reason."""


def write_articles(folder: Path, n: int, seed: int, log: Callable[[str], None]) -> Path:
    """``kg.synthetic.write_corpus(folder, n, seed)`` unless the folder already holds its n files."""
    from kg.synthetic import write_corpus

    if folder.is_dir() and len(list(folder.glob("*.txt"))) == n and (folder / ".complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    log(f"writing {n:,} synthetic articles (seed {seed}) to {folder}")
    write_corpus(folder, n, seed)
    (folder / ".complete").write_text("written by kg.bench\n", encoding="utf-8")
    return folder
