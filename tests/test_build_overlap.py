"""How a build keeps both cores busy without changing a byte of its output: the model in a thread
ahead of kg's rules, balanced batches for the worker processes, the exports written by a forked
child while the graph is validated."""

from __future__ import annotations

import hashlib
import heapq
import io
import json
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import build
from kg.build.parallel import MIN_CHUNK, _schedule, chunk_sizes
from kg.errors import ExportError, ValidationError
from kg.extract import extract_documents
from kg.ingest import load_documents
from kg.model import Document
from kg.synthetic import generate
from tests.fixtures.golden_corpus import golden_corpus

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SEEDS = Path(__file__).parents[1] / "seeds"


def finish_times(sizes: list[int], workers: int) -> list[int]:
    """Each worker's finishing time when every document costs 1 and a free worker takes the next batch."""
    free = [0] * workers
    for size in sizes:
        heapq.heappush(free, heapq.heappop(free) + size)
    return sorted(free)


# ---------------------------------------------------------------- the schedule of the worker batches


@pytest.mark.parametrize("total", [1, 7, 150, 2000, 10_000])
@pytest.mark.parametrize("workers", [2, 3, 8])
def test_the_guided_schedule_covers_every_document_and_balances_the_workers(total, workers):
    sizes = chunk_sizes(total, workers, 32)
    assert sum(sizes) == total and all(0 < size <= 32 for size in sizes)
    assert sizes == sorted(sizes, reverse=True)  # batches only shrink
    assert all(size >= MIN_CHUNK for size in sizes[:-1])
    times = finish_times(sizes, workers)
    assert times[-1] - times[0] <= MIN_CHUNK or times[0] == 0  # (fewer batches than workers: some idle)


def test_fixed_batches_left_one_worker_alone_at_the_end_the_guided_schedule_does_not():
    fixed = finish_times([32, 32, 32, 32, 22], 2)  # 150 documents in batches of 32
    guided = finish_times(chunk_sizes(150, 2, 32), 2)
    assert fixed == [64, 86] and guided[1] - guided[0] < fixed[1] - fixed[0]
    assert guided[1] <= 75 + MIN_CHUNK


def test_batches_follow_the_guided_schedule_when_the_number_of_documents_is_known():
    documents = list(range(100))
    assert [len(b) for b in _schedule(documents, 2, 32, None)] == chunk_sizes(100, 2, 32)
    assert [len(b) for b in _schedule(iter(documents), 2, 32, 100)] == chunk_sizes(100, 2, 32)
    assert [len(b) for b in _schedule(iter(documents), 2, 32, None)] == [32, 32, 32, 4]  # unknown: fixed
    assert [d for b in _schedule(iter(documents), 2, 32, 10) for d in b] == documents  # more than announced
    consumed = []

    def source():  # noqa: ANN202
        for d in documents:
            consumed.append(d)
            yield d

    first = next(_schedule(source(), 2, 32, 100))
    assert first == documents[:25] and consumed == documents[:25]  # lazily, a batch at a time


# ---------------------------------------------------------------- the model in a thread


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    seeds = sorted(load_documents([SEEDS]).documents, key=lambda d: d.doc_id)
    return generate(3, seed=21) + seeds


def _model_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "kg-model" and t.is_alive()]


def test_a_stream_gives_the_extractions_of_each_document_alone(documents):
    one_by_one = [next(extract_documents([d])) for d in documents]
    assert list(extract_documents(documents, batch_size=2)) == one_by_one
    assert list(extract_documents(iter(documents), max_chars=1)) == one_by_one  # one document at a time
    assert not _model_threads()


def test_closing_a_stream_early_stops_its_model_thread(documents):
    stream = extract_documents(documents, batch_size=1)
    assert next(stream).doc_id == documents[0].doc_id
    stream.close()
    deadline = time.monotonic() + 60
    while _model_threads() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _model_threads()
    assert [ex.doc_id for ex in extract_documents(documents[:2])] == [d.doc_id for d in documents[:2]]


def test_a_failure_in_the_model_thread_reaches_the_reader(documents):
    bad = Document("bad_document", "bad_document.txt", "bad_document.txt", None, None, "0")  # type: ignore[arg-type]
    got = []
    with pytest.raises(TypeError):
        for ex in extract_documents([documents[0], bad, documents[1]], batch_size=1):
            got.append(ex.doc_id)
    assert got == [documents[0].doc_id]


# ---------------------------------------------------------------- the exports in a forked child


@pytest.fixture(scope="module")
def serial_build(tmp_path_factory):
    """The seeds built with the exports written in this process, after validation."""
    mp = pytest.MonkeyPatch()
    mp.setattr("kg.build.publish._can_fork", lambda on_disk: False)
    try:
        out = tmp_path_factory.mktemp("serial")
        build([SEEDS], out)
    finally:
        mp.undo()
    return out


def test_exports_written_by_a_child_are_the_bytes_of_a_serial_build(serial_build, tmp_path, monkeypatch):
    forks = []
    import kg.build.publish

    original = kg.build.publish._Child

    def child(work):  # noqa: ANN001, ANN202
        forks.append(work)
        return original(work)

    monkeypatch.setattr("kg.build.publish._Child", child)
    out = tmp_path / "out"
    build([SEEDS], out)
    assert len(forks) == 1
    for name in ("graph.nq", "graph.trig", "graph.ttl", "graph.html"):
        assert (out / name).read_bytes() == (serial_build / name).read_bytes(), name
    forked, serial = (json.loads((d / "build.json").read_text(encoding="utf-8")) for d in (out, serial_build))
    assert forked["outputs"] == serial["outputs"] and forked["triples"] == serial["triples"]


def test_a_failure_in_the_child_fails_the_build_and_writes_nothing(tmp_path, monkeypatch):
    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise ExportError("graph.nq: cannot write: No space left on device")

    monkeypatch.setattr("kg.build.publish.write_exports", broken)
    out = tmp_path / "out"
    with pytest.raises(ExportError, match="No space left on device"):
        build([SEEDS / "002_528626af35be6906.txt"], out)
    assert not list(out.iterdir())  # no export, no temp file


def test_a_violation_stops_the_child_and_writes_nothing(tmp_path, monkeypatch):
    def invalid(store, **kwargs):  # noqa: ANN001, ANN003, ANN202
        raise ValidationError("graph: 1 SHACL violation(s)", report="x")

    monkeypatch.setattr("kg.store.validate.validate_store", invalid)
    out = tmp_path / "out"
    with pytest.raises(ValidationError):
        build([SEEDS / "002_528626af35be6906.txt"], out)
    assert not list(out.iterdir())


# ---------------------------------------------------------------- on disk: the exports written by a second process


def test_an_on_disk_build_writes_the_bytes_of_an_in_memory_build(serial_build, tmp_path, monkeypatch):
    import kg.build.publish

    started = []
    original = kg.build.publish.ExportProcess

    def process(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        started.append(original(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr("kg.build.publish.ExportProcess", process)
    out, store = tmp_path / "out", tmp_path / "store"
    summary = build([SEEDS], out, store=f"oxigraph:{store}")
    assert len(started) == 1  # the exports came from the export process, not from the store
    for name in ("graph.nq", "graph.trig", "graph.ttl", "graph.html"):
        assert (out / name).read_bytes() == (serial_build / name).read_bytes(), name
    on_disk, in_memory = (json.loads((d / "build.json").read_text(encoding="utf-8")) for d in (out, serial_build))
    assert on_disk["outputs"] == in_memory["outputs"] and on_disk["triples"] == in_memory["triples"]
    assert len(ox.Store.read_only(str(store))) == summary.triples
    assert sorted(p.name for p in out.iterdir()) == ["build.json", "graph.html", "graph.nq", "graph.trig", "graph.ttl"]


def test_without_an_export_process_an_on_disk_build_writes_the_same_bytes(serial_build, tmp_path, monkeypatch):
    monkeypatch.setattr("kg.build.exportproc.COMMAND", (str(tmp_path / "no-such-python"),))  # cannot start
    out = tmp_path / "out"
    build([SEEDS], out, store=f"oxigraph:{tmp_path / 'store'}")
    for name in ("graph.nq", "graph.trig", "graph.ttl", "graph.html", "build.json"):
        if name != "build.json":
            assert (out / name).read_bytes() == (serial_build / name).read_bytes(), name
    assert (
        json.loads((out / "build.json").read_text())["outputs"]
        == json.loads((serial_build / "build.json").read_text())["outputs"]
    )


def test_a_failing_export_process_fails_the_build_and_publishes_nothing(tmp_path, monkeypatch):
    out, store = tmp_path / "out", tmp_path / "store"
    build([SEEDS / "002_528626af35be6906.txt"], out, store=f"oxigraph:{store}")
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    stored = sorted((p.relative_to(store), p.read_bytes()) for p in store.rglob("*") if p.is_file())
    fail = "import sys; sys.stdin.read(); sys.stderr.write('graph.nq: No space left on device\\n'); sys.exit(1)"
    monkeypatch.setattr("kg.build.exportproc.COMMAND", (sys.executable, "-c", fail))
    with pytest.raises(ExportError, match="No space left on device"):
        build([SEEDS], out, store=f"oxigraph:{store}")
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before  # no export, no temp file
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert sorted((p.relative_to(store), p.read_bytes()) for p in store.rglob("*") if p.is_file()) == stored
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no temporary store left


def test_the_export_process_reads_the_lines_as_they_are_announced_and_stops_without_the_end(tmp_path):
    from kg.build.exportproc import run
    from kg.rdf.dump import write_exports
    from kg.rdf.mapping import ENTITIES, PROVENANCE, corpus_quads, corpus_to_store

    quads = list(corpus_quads(golden_corpus(), version="test"))
    raw = tmp_path / "raw.nq"
    with open(raw, "wb") as text:
        ox.serialize(quads[: len(quads) // 2], text, ox.RdfFormat.N_QUADS)
        half = text.tell()
        ox.serialize(quads[len(quads) // 2 :] + quads[:5], text, ox.RdfFormat.N_QUADS)  # repeats are dropped
        whole = text.tell()
    targets = {key: tmp_path / f"graph.{key}" for key in ("nq", "trig", "ttl")}
    job = {
        "raw": str(raw), "targets": {key: str(path) for key, path in targets.items()}, "work": str(tmp_path / "work"),
        "skip_graph": PROVENANCE.value, "large_graphs": [ENTITIES.value],
    }  # fmt: skip
    answer = run(job, io.StringIO(f"{half}\n{whole - 7}\n{whole}\nend\n"))  # (an offset may cut a line)
    assert answer["quads"] == len(set(quads))
    expected = tmp_path / "expected"
    expected.mkdir()
    count = write_exports(  # the exports of a store of the same graph
        corpus_to_store(golden_corpus(), version="test"), expected / "graph.nq", expected / "graph.trig",
        expected / "graph.ttl", skip_graph=PROVENANCE.value, work=tmp_path / "work2", large_graphs=[ENTITIES.value],
    )  # fmt: skip
    assert count == answer["quads"]
    for key, path in targets.items():
        assert path.read_bytes() == (expected / f"graph.{key}").read_bytes()
        assert answer["outputs"][key]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    stopped = run(job, io.StringIO(f"{half}\n"))  # the build went away before "end"
    assert stopped == {"error": "the build stopped before the end of its graph"}
