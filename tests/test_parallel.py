"""kg.build.parallel: a process pool extracts the same records, in the same order, as one process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import psutil
import pytest

from kg.build.parallel import batched, extract_parallel, pipe_parallel
from kg.errors import ExtractionError
from kg.extract import extract_documents
from kg.ingest import load_documents
from kg.model import Document
from kg.synthetic import generate

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SEEDS = Path(__file__).parents[1] / "seeds"


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    """A few synthetic articles (invented people) and the seed articles."""
    seeds = sorted(load_documents([SEEDS]).documents, key=lambda d: d.doc_id)
    return generate(4, seed=5) + seeds


def _pool_workers() -> set[int]:
    """Pids of the processes forked by this process's multiprocessing fork server (pool workers)."""
    workers = []
    for child in psutil.Process().children():
        try:
            if "forkserver" in " ".join(child.cmdline()):
                workers += [p.pid for p in child.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
    return set(workers)


def test_batched_is_lazy_and_complete() -> None:
    consumed = []

    def source():  # noqa: ANN202
        for i in range(5):
            consumed.append(i)
            yield i

    batches = batched(source(), 2)
    assert next(batches) == [0, 1] and consumed == [0, 1]
    assert list(batches) == [[2, 3], [4]]


def test_one_worker_is_plain_extraction(documents) -> None:
    assert list(extract_parallel(documents[:2])) == list(extract_documents(documents[:2]))
    assert pipe_parallel((d.text for d in documents[:3]), batch_size=2) == 3


def test_two_workers_give_the_sequential_results_in_order(documents) -> None:
    sequential = list(extract_documents(documents))
    before = _pool_workers()
    parallel = list(extract_parallel(iter(documents), workers=2, batch_size=2))
    assert [ex.doc_id for ex in parallel] == [d.doc_id for d in documents]
    assert parallel == sequential
    assert sum(len(ex.people) for ex in parallel) > 0
    assert not _pool_workers() - before  # the pool was shut down


def test_a_failing_document_raises_extraction_error_and_stops_the_workers(documents) -> None:
    before = _pool_workers()
    bad = Document("bad_document", "bad_document.txt", "bad_document.txt", None, None, "0")  # type: ignore[arg-type]
    got = []
    with pytest.raises(ExtractionError, match=r"^bad_document: extraction failed in process \d+: TypeError"):
        for ex in extract_parallel([*documents[:2], bad, *documents[2:4]], workers=2, batch_size=2):
            got.append(ex.doc_id)
    assert got == [d.doc_id for d in documents[:2]]  # the batch before the bad one came through
    assert not _pool_workers() - before


SCRIPT = """
import sys
import psutil
from kg.build.parallel import extract_parallel
from kg.synthetic import iter_documents

def main():
    try:
        for i, _ in enumerate(extract_parallel(iter_documents(400, 1), workers=2, batch_size=2)):
            if i == 0:
                pids = [p.pid for p in psutil.Process().children(recursive=True)]
                print("PIDS", *pids, flush=True)
    except KeyboardInterrupt:
        print("INTERRUPTED", flush=True)
        sys.exit(130)

if __name__ == "__main__":
    main()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_stops_every_worker(tmp_path) -> None:
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(SCRIPT), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a background shell job ignores Ctrl-C
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("PIDS"), process.stderr.read()
        pids = [int(pid) for pid in line.split()[1:]]
        assert len(pids) >= 3  # fork server and two workers (and the resource tracker)
        os.killpg(process.pid, signal.SIGINT)  # as a terminal does: the whole process group
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130, err
    assert "INTERRUPTED" in out
    alive = []
    for pid in pids:
        try:
            alive.append(psutil.Process(pid))
        except psutil.NoSuchProcess:
            continue
    _, still = psutil.wait_procs(alive, timeout=10)
    assert not still, [p.cmdline() for p in still]
