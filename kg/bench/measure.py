"""Measuring: the machine, percentiles, timers, and child processes with their peak memory."""

from __future__ import annotations

import math
import os
import platform
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg import __version__


def machine() -> dict[str, object]:
    """Cores, memory (from /proc/meminfo), Python and library versions."""
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
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "kg": __version__,
    }
    for module in ("spacy", "rdflib", "pyoxigraph"):
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


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """(wall seconds, value) of ``fn()``."""
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


@dataclass
class ChildRun:
    """A finished child process: its exit code, wall time, output and peak memory (bytes)."""

    returncode: int
    seconds: float
    stdout: str
    stderr: str
    tree_rss: int  # peak of the sampled sum of RSS over the process and its descendants (0 without psutil)
    tree_hwm: int  # sum over the processes seen of each one's own peak (VmHWM): an upper bound of the above
    max_rss: int  # largest single process (ru_maxrss from wait4)
    processes: int  # processes seen in the tree

    def tail(self, lines: int = 12) -> str:
        return "\n".join(self.stderr.strip().splitlines()[-lines:])


def _vm_hwm(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def run_command(command: Sequence[str], *, sample_every: float = 0.2, env: dict | None = None) -> ChildRun:
    """Run ``command`` to completion, sampling the memory of its process tree meanwhile."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is a dependency of the benchmark extras
        psutil = None
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(list(command), stdout=out, stderr=err, env=env)
        peak = 0
        hwm: dict[int, int] = {}
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            if psutil is None:
                return
            while not done.is_set():
                try:
                    root = psutil.Process(proc.pid)
                    procs = [root, *root.children(recursive=True)]
                except psutil.Error:
                    procs = []
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        continue
                    hwm[p.pid] = max(hwm.get(p.pid, 0), _vm_hwm(p.pid))
                peak = max(peak, total)
                done.wait(sample_every)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return ChildRun(proc.returncode, seconds, stdout, stderr, peak, sum(hwm.values()), usage.ru_maxrss * 1024, len(hwm))
