"""The streaming build: lazy ingest, chunked mapping into an Oxigraph store, exports from the store,
validation of the whole store, the store swapped in atomically, progress reports."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import build
from kg.build.validation import validate_build
from kg.errors import DocumentError, InputError, ValidationError
from kg.ingest import iter_documents, load_documents, scan_documents
from kg.query import query_store
from kg.rdf.dump import external_sort, write_exports
from kg.rdf.mapping import ENTITIES, PROVENANCE, corpus_to_store
from kg.store import oxstore
from tests.fixtures.golden_corpus import golden_corpus

SEEDS = Path(__file__).parents[1] / "seeds"


def quads(path: Path) -> set[ox.Quad]:
    """The quads of a graph file, read by Oxigraph (.ttl triples land in the default graph)."""
    return set(oxstore.load_store(path))


@pytest.fixture(scope="module")
def store_build(tmp_path_factory):
    """The seeds built with ``--store``: (summary, output folder, store folder)."""
    root = tmp_path_factory.mktemp("store-build")
    store = root / "kgstore"
    return build([SEEDS], root / "out", store=f"oxigraph:{store}"), root / "out", store


# ---------------------------------------------------------------- ingest


def test_scan_keeps_no_text_and_reads_documents_in_id_order(tmp_path):
    for name in ("b.txt", "a.txt", "c.txt"):
        (tmp_path / name).write_text(f"Text of {name}.", encoding="utf-8")
    scan = scan_documents([tmp_path / "c.txt", tmp_path])
    assert [ref.doc_id for ref in scan.documents] == ["a", "b", "c"]
    assert [ref.chars for ref in scan.documents] == [len("Text of a.txt.")] * 3
    documents = list(iter_documents(scan.documents))
    assert [d.text for d in documents] == ["Text of a.txt.", "Text of b.txt.", "Text of c.txt."]
    assert {d.sha256 for d in documents} == {d.sha256 for d in load_documents([tmp_path]).documents}


def test_a_file_changed_after_the_scan_is_a_clear_error(tmp_path):
    (tmp_path / "a.txt").write_text("First text.", encoding="utf-8")
    scan = scan_documents([tmp_path])
    (tmp_path / "a.txt").write_text("Second text.", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"a\.txt: the file changed while kg was building"):
        list(iter_documents(scan.documents))


# ---------------------------------------------------------------- mapping and sorting


def test_external_sort_merges_runs_into_sorted_unique_lines(tmp_path):
    rng = random.Random(3)
    lines = [f'<s{rng.randrange(500)}> <p> "{rng.randrange(50)}" .\n'.encode() for _ in range(3000)]
    out = io.BytesIO()
    count = external_sort(lines, out, tmp_path / "runs", run_bytes=4096)  # many small runs
    assert out.getvalue() == b"".join(sorted(set(lines)))
    assert count == len(set(lines))
    assert list((tmp_path / "runs").iterdir()) == []


def test_exports_sorted_in_memory_or_on_disk_are_byte_identical(tmp_path):
    store = corpus_to_store(golden_corpus(), version="test")
    written = {}
    cases = (("memory", 1 << 30, ()), ("disk", 4096, ()), ("disk, a large graph", 4096, (ENTITIES.value,)))
    for label, memory, large in cases:  # 4 kB: many runs on disk, merged
        folder = tmp_path / label
        folder.mkdir()
        files = {ext: folder / f"graph.{ext}" for ext in ("nq", "trig", "ttl")}
        count = write_exports(
            store, files["nq"], files["trig"], files["ttl"], skip_graph=PROVENANCE.value, work=folder / "work",
            memory=memory, large_graphs=large,
        )  # fmt: skip
        assert count == len(store)
        written[label] = {ext: path.read_bytes() for ext, path in files.items()}
        assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == ["graph.nq", "graph.trig", "graph.ttl"]
    assert written["memory"] == written["disk"] == written["disk, a large graph"]
    nq = written["memory"]["nq"].splitlines()
    assert nq == sorted(set(nq)) and len(nq) == len(store)
    trig = ox.Store()
    trig.load(written["memory"]["trig"], ox.RdfFormat.TRIG)
    assert set(trig) == set(store)
    ttl = {q.triple for q in ox.parse(written["memory"]["ttl"], ox.RdfFormat.TURTLE)}
    assert ttl == {q.triple for q in store if q.graph_name != PROVENANCE}


# ---------------------------------------------------------------- builds


def test_exports_from_the_store_hold_the_mapped_graph(store_build):
    summary, out, _ = store_build
    nq = (out / "graph.nq").read_bytes().splitlines(keepends=True)
    assert nq == sorted(set(nq)) and len(nq) == summary.triples
    expected = quads(out / "graph.nq")
    assert quads(out / "graph.trig") == expected
    facts = {q.triple for q in expected if q.graph_name != PROVENANCE}
    assert {q.triple for q in quads(out / "graph.ttl")} == facts
    assert sorted(p.name for p in out.iterdir()) == ["build.json", "graph.html", "graph.nq", "graph.trig", "graph.ttl"]


def test_the_store_holds_the_graph_of_the_files(store_build):
    _, out, folder = store_build
    store = oxstore.open_store(folder, read_only=True)
    assert set(store) == quads(out / "graph.nq")
    people = (
        "SELECT DISTINCT ?n WHERE { GRAPH ?a { ?d <https://schema.org/mentions> ?p } ?p <https://schema.org/name> ?n }"
    )
    assert {row[0] for row in store.query(people)} == {
        row[0] for row in oxstore.load_store(out / "graph.trig").query(people)
    }


def test_store_or_not_the_exports_are_byte_identical(store_build, seeds_build):
    _, out, _ = store_build
    for name in ("graph.nq", "graph.trig", "graph.ttl"):
        assert (out / name).read_bytes() == (seeds_build[1] / name).read_bytes(), name
    record = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert record["options"]["store"].startswith("oxigraph:")

    def checked(validation: dict) -> dict:  # what was validated; not how long it took
        return {key: value for key, value in validation.items() if key != "seconds"}

    assert checked(record["validation"]) == checked(seeds_build[0].validation) != {"mode": "off"}
    assert [d["doc_id"] for d in record["documents"]] == sorted(p.stem for p in SEEDS.glob("*.txt"))


def test_a_store_on_disk_gives_the_exports_of_one_in_memory(seeds_build, tmp_path, monkeypatch):
    import kg.build.publish

    monkeypatch.setattr("kg.build.publish.MEMORY_STORE_FACTS", 0)  # a large corpus' store lives on disk
    monkeypatch.setattr("kg.rdf.dump.MEMORY_BYTES", 64 << 10)  # and its exports are sorted on disk
    folders = []

    def temp_folder(target, registry=None):
        folders.append(Path(target).name)
        return original(target, registry)

    original = kg.build.publish.temp_folder
    monkeypatch.setattr("kg.build.publish.temp_folder", temp_folder)
    out = tmp_path / "out"
    build([SEEDS], out, html=False, validate="off")
    assert folders == ["store", "work"]
    for name in ("graph.nq", "graph.trig", "graph.ttl"):
        assert (out / name).read_bytes() == (seeds_build[1] / name).read_bytes(), name
    assert sorted(p.name for p in out.iterdir()) == ["build.json", "graph.nq", "graph.trig", "graph.ttl"]


def test_a_failed_build_leaves_the_previous_store_and_exports(store_build, tmp_path, monkeypatch):
    _, out, folder = store_build
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    store_files = sorted(p.name for p in folder.iterdir())

    def invalid(store, **kwargs):
        raise ValidationError("graph: 1 SHACL violation(s)", report="x")

    monkeypatch.setattr("kg.store.validate.validate_store", invalid)
    with pytest.raises(ValidationError):
        build([SEEDS / "002_528626af35be6906.txt"], out, store=f"oxigraph:{folder}")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in folder.iterdir()) == store_files
    assert sorted(p.name for p in folder.parent.iterdir()) == ["kgstore", "out"]  # no temp folders left
    store = oxstore.open_store(folder, read_only=True)
    assert len(store) == len(before["graph.nq"].splitlines())


def test_a_new_build_replaces_the_store(tmp_path):
    folder = tmp_path / "st"
    build([SEEDS / "002_528626af35be6906.txt"], tmp_path / "one", store=f"oxigraph:{folder}", html=False)
    first = len(oxstore.open_store(folder, read_only=True))
    summary = build([SEEDS / "003_6641e13d47637e34.txt"], tmp_path / "two", store=f"oxigraph:{folder}", html=False)
    store = oxstore.open_store(folder, read_only=True)
    assert len(store) == summary.triples != first
    _, rows = query_store(store, "SELECT DISTINCT ?d WHERE { ?d a schema:NewsArticle }")
    assert rows == (("https://w3id.org/kg/id/doc/003_6641e13d47637e34",),)


def test_unknown_store_kind_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="sqlite:x: unknown store; use oxigraph:PATH"):
        build([SEEDS], tmp_path / "out", store="sqlite:x")


def test_progress_reports_every_document(tmp_path):
    calls = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))

    build([SEEDS], tmp_path / "out", html=False, validate="off", progress=progress)
    assert calls[0] == (0, 5) and calls[-1] == (5, 5) and len(calls) == 6


def test_two_workers_give_the_same_graph(seeds_build, tmp_path):
    summary = build([SEEDS], tmp_path / "out", workers=2, html=False)
    assert summary.outputs["nq"].read_bytes() == (seeds_build[1] / "graph.nq").read_bytes()


# ---------------------------------------------------------------- validation of the whole graph


@pytest.mark.parametrize("mode", ["auto", "full"])
def test_every_mode_but_off_validates_the_whole_graph(tmp_path, monkeypatch, mode):
    seen = []

    def validate_store(store, **kwargs):
        seen.append(len(store))
        return {"checked": len(store)}

    monkeypatch.setattr("kg.store.validate.validate_store", validate_store)
    summary = build([SEEDS / "002_528626af35be6906.txt"], tmp_path / "out", validate=mode, html=False)
    assert seen == [summary.triples]  # once, on the whole graph
    record = json.loads((tmp_path / "out" / "build.json").read_text(encoding="utf-8"))
    assert record["validation"] == summary.validation == {"mode": mode, "checked": summary.triples}


def test_full_validation_checks_every_quad_of_the_store(tmp_path):
    summary = build([SEEDS], tmp_path / "out", validate="full", html=False)
    record = json.loads((tmp_path / "out" / "build.json").read_text(encoding="utf-8"))
    validation = record["validation"]
    assert summary.validation == validation
    assert validation["mode"] == "full" and validation["whole_graph"] is True
    assert validation["triples_validated"] == summary.triples


def test_a_violation_anywhere_in_the_store_fails():
    corpus = golden_corpus()
    broken = type(corpus)(**{**corpus.__dict__, "documents": ()})  # facts cite undescribed documents
    store = corpus_to_store(broken)
    with pytest.raises(ValidationError, match=r"SHACL violation.*a schema:NewsArticle"):
        validate_build(store, "auto")


def test_validation_off_and_unknown_modes(tmp_path, monkeypatch):
    monkeypatch.setattr("kg.store.validate.validate_store", lambda store, **kwargs: pytest.fail("validated"))
    summary = build([SEEDS / "002_528626af35be6906.txt"], tmp_path / "out", validate=False, html=False)
    assert summary.validation == {"mode": "off"}
    with pytest.raises(InputError, match="unknown validation mode 'most'; use one of auto, full, off"):
        build([SEEDS], tmp_path / "out", validate="most")
    with pytest.raises(InputError, match="unknown validation mode 'sample'"):  # sampling is gone
        build([SEEDS], tmp_path / "out", validate="sample")


def test_a_folder_of_other_files_is_never_taken_for_a_store(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError, match=r"mine: not an Oxigraph store \(and not empty\); choose another folder"):
        build([SEEDS / "002_528626af35be6906.txt"], tmp_path / "out", store=f"oxigraph:{tmp_path / 'mine'}")
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep me"
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="file: not a folder"):
        build([SEEDS / "002_528626af35be6906.txt"], tmp_path / "out", store=f"oxigraph:{tmp_path / 'file'}")
