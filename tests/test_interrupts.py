"""Real ``kg build`` processes killed (SIGKILL) or interrupted (Ctrl-C, SIGTERM) at several moments:
the previous exports stay byte-identical and readable, and interrupted builds leave no temp files."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from kg.build import build
from kg.store import BUILD_RECORD, load_graph

SEEDS = Path(__file__).parents[1] / "seeds"
KG_SCRIPT = Path(sys.executable).parent / "kg"
EXPORTS = ("graph.trig", "graph.ttl", "graph.nq", "graph.html", BUILD_RECORD)
COPIES = 8  # copies of each seed: the build must outlast the latest moment a test stops it at
WRITING = "writing"  # the moment the first temp file appears in the output folder

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Distinct copies of the seeds: a build of several seconds (cached or not), unlike the seeds' build."""
    folder = tmp_path_factory.mktemp("copies")
    for n in range(COPIES):
        for path in sorted(SEEDS.glob("*.txt")):
            (folder / f"{path.stem}_{n}.txt").write_text(path.read_text(encoding="utf-8") + f"\n\nCopy {n}.\n")
    return folder


@pytest.fixture
def previous(seeds_build, tmp_path) -> tuple[Path, dict[str, bytes]]:
    """An output folder holding a previous, different build (of seeds/), and its bytes."""
    out = tmp_path / "exports"
    shutil.copytree(seeds_build[1], out)
    return out, files(out)


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.endswith(".tmp") and p.is_file()}


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def start_build(corpus: Path, out: Path, store: Path | None = None) -> subprocess.Popen[str]:
    def default_sigint() -> None:  # a shell may start background jobs with SIGINT ignored
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    command = [str(KG_SCRIPT), "build", str(corpus), "--out", str(out)]
    command += ["--store", f"oxigraph:{store}"] if store is not None else []
    pipe = subprocess.PIPE
    return subprocess.Popen(command, stdout=pipe, stderr=pipe, text=True, preexec_fn=default_sigint)


def wait_for(moment: float | str, process: subprocess.Popen[str], out: Path) -> None:
    """Sleep ``moment`` seconds, or until the build starts writing its temp files."""
    if moment != WRITING:
        time.sleep(moment)
    else:
        deadline = time.monotonic() + 300
        while not temps(out) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        assert temps(out), "the build never started writing"
    assert process.poll() is None, "the build finished before it could be stopped: use a bigger corpus"


def assert_previous_intact(out: Path, before: dict[str, bytes]) -> None:
    assert files(out) == before
    for name in ("graph.trig", "graph.ttl", "graph.nq"):
        assert sum(1 for _ in load_graph(out / name).quads((None, None, None, None))) > 100
    record = json.loads((out / BUILD_RECORD).read_text(encoding="utf-8"))
    assert record["outputs"]["trig"]["bytes"] == len(before["graph.trig"])
    assert before["graph.html"].rstrip().endswith(b"</html>")


def complete_new_exports(out: Path, before: dict[str, bytes]) -> bool:
    """True when every export was replaced and the build record describes exactly these files.

    A kill that lands after the exports were renamed into place (while the build removes its temp
    store) leaves a finished build: all new files, never a mix of old and new.
    """
    now = files(out)
    if set(now) != set(before) or any(now[name] == before[name] for name in ("graph.trig", BUILD_RECORD)):
        return False
    record = json.loads(now[BUILD_RECORD])
    return all(hashlib.sha256(now[info["file"]]).hexdigest() == info["sha256"] for info in record["outputs"].values())


def test_sigkill_at_any_moment_leaves_the_previous_exports(corpus, previous):
    out, before = previous
    first = before
    for moment in (0.5, 1.5, 3.0, WRITING):
        process = start_build(corpus, out)
        try:
            wait_for(moment, process, out)
        finally:
            process.kill()
            process.communicate(timeout=60)
        assert process.returncode == -signal.SIGKILL
        if files(out) != before and complete_new_exports(out, before):
            before = files(out)  # the killed build had finished publishing: its exports are the previous ones now
        assert_previous_intact(out, before)
    before = first
    # The next build completes, replaces every export and removes the temp files the killed ones left.
    summary = build([corpus], out)
    assert summary.documents == COPIES * len(list(SEEDS.glob("*.txt"))) and temps(out) == []
    after = files(out)
    assert set(after) == set(EXPORTS) and all(after[name] != before[name] for name in EXPORTS)


def interrupt(process: subprocess.Popen, out: Path, moment: float | str, signum: int) -> tuple[str, str]:
    """Send ``signum`` to the build ``process`` at ``moment`` (see ``wait_for``); return its (stdout, stderr)."""
    try:
        wait_for(moment, process, out)
        process.send_signal(signum)
        return process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize(
    ("signum", "moment"),
    [(signal.SIGINT, 1.5), (signal.SIGINT, 3.0), (signal.SIGINT, WRITING), (signal.SIGTERM, 3.0)],
    ids=["ctrl-c-1.5s", "ctrl-c-3s", "ctrl-c-writing", "sigterm-3s"],
)
def test_interrupt_exits_cleanly_without_partial_files(corpus, previous, signum, moment):
    out, before = previous
    process = start_build(corpus, out)
    stdout, stderr = interrupt(process, out, moment, signum)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and stdout == ""
    assert stderr.splitlines()[-1].startswith("kg: interrupted")
    assert temps(out) == []
    if not complete_new_exports(out, before):  # (an interrupt after the exports were published keeps them)
        assert_previous_intact(out, before)


def export_processes(out: Path) -> list[psutil.Process]:
    """The export processes (kg.build.exportproc) still running for output folder ``out``."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        line = " ".join(process.info["cmdline"] or ())
        if "kg.build.exportproc" in line and str(out) in line:
            found.append(process)
    return found


@pytest.mark.parametrize(
    ("signum", "moment"),
    [(signal.SIGINT, WRITING), (signal.SIGINT, 3.0), (signal.SIGTERM, WRITING)],
    ids=["ctrl-c-writing", "ctrl-c-3s", "sigterm-writing"],
)
def test_an_interrupted_on_disk_build_keeps_its_store_and_stops_its_export_process(
    corpus, previous, tmp_path, signum, moment
):
    out, before = previous
    store = tmp_path / "store"
    build([SEEDS], tmp_path / "first", store=f"oxigraph:{store}")
    stored = sorted((p.relative_to(store), p.stat().st_mtime_ns) for p in store.rglob("*"))
    process = start_build(corpus, out, store)
    _, stderr = interrupt(process, out, moment, signum)
    assert process.returncode == 130, stderr
    assert stderr.splitlines()[-1].startswith("kg: interrupted")
    left = sorted(str(p) for folder in (out, store.parent) for p in folder.rglob("*.tmp"))
    assert left == [], stderr
    if not complete_new_exports(out, before):
        assert_previous_intact(out, before)
        assert sorted((p.relative_to(store), p.stat().st_mtime_ns) for p in store.rglob("*")) == stored
    deadline = time.monotonic() + 30  # (a killed process may take a moment to be reaped)
    while export_processes(out) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert export_processes(out) == []


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("moment", [1.0, 4.0, "shards"], ids=["cluster-starting", "extracting", "mapping-shards"])
def test_ctrl_c_on_a_dask_build_ends_with_one_line(corpus, tmp_path, moment):
    """Ctrl-C in a terminal reaches the whole foreground process group: kg, and Dask's worker processes."""
    out = tmp_path / "out"
    command = [str(KG_SCRIPT), "build", str(corpus), "--out", str(out), "--scheduler", "local", "--no-cache"]
    process = subprocess.Popen(  # a terminal's foreground job: SIGINT not ignored, whatever started the tests
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        if moment == "shards":  # extraction done, the shards are being mapped on a second cluster
            deadline = time.monotonic() + 300
            while not (out / "shards").exists() and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
        else:
            time.sleep(moment)
        assert process.poll() is None, "the build finished before it could be stopped: use a bigger corpus"
        os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    assert stdout == "" and len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith("kg: interrupted: ")
    deadline = time.monotonic() + 30
    while _group_alive(process.pid) and time.monotonic() < deadline:  # the cluster's processes are gone too
        time.sleep(0.1)
    assert not _group_alive(process.pid)
    assert not (out / "graph.nq").exists() and (not out.exists() or temps(out) == [])
