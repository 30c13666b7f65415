"""kg.store: atomic writes and all-or-nothing exports."""

from __future__ import annotations

import os

import pytest
from rdflib import Dataset

import kg.viz
from kg.build.dataset_exports import write_exports
from kg.errors import ExportError
from kg.store import atomic_output, atomic_write_bytes, atomic_write_text, sorted_nquads


def listing(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def snapshot(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_atomic_write_text_and_bytes(tmp_path):
    target = tmp_path / "out.txt"
    atomic_write_text(target, "first\nZhōu Bō\n")
    assert target.read_text(encoding="utf-8") == "first\nZhōu Bō\n"
    atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert listing(tmp_path) == ["out.txt"]


def test_written_file_has_normal_permissions(tmp_path):
    target = tmp_path / "out.txt"
    atomic_write_text(target, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("error", [RuntimeError("renderer crashed"), KeyboardInterrupt()])
def test_failure_midway_leaves_previous_content(tmp_path, error):
    target = tmp_path / "graph.nq"
    target.write_text("previous content\n")
    with pytest.raises(type(error)):
        with atomic_output(target) as temp:
            assert temp.parent == tmp_path and temp != target
            temp.write_text("half of the new cont")
            raise error
    assert target.read_text() == "previous content\n"
    assert listing(tmp_path) == ["graph.nq"]


def test_atomic_output_replaces_on_success(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with atomic_output(target) as temp:
        temp.write_text("new")
        assert target.read_text() == "old"
    assert target.read_text() == "new"
    assert listing(tmp_path) == ["a.txt"]


def test_writing_into_a_missing_folder_is_an_export_error(tmp_path):
    with pytest.raises(ExportError) as err:
        atomic_write_text(tmp_path / "missing" / "a.txt", "x")
    assert "missing" in str(err.value)


def test_write_exports_writes_all_files(tmp_path, make_ds):
    paths = write_exports(make_ds(), tmp_path / "exports")
    assert {key: p.name for key, p in paths.items()} == {
        "trig": "graph.trig",
        "ttl": "graph.ttl",
        "nq": "graph.nq",
        "html": "graph.html",
    }
    assert listing(tmp_path / "exports") == ["graph.html", "graph.nq", "graph.trig", "graph.ttl"]
    trig = paths["trig"].read_text(encoding="utf-8")
    assert "@prefix kg: <https://w3id.org/kg/ontology#>" in trig
    assert "<https://w3id.org/kg/id/graph/provenance> {" in trig
    reread = Dataset()
    reread.parse(paths["trig"], format="trig")
    assert sorted_nquads(reread) == paths["nq"].read_bytes()
    ttl = paths["ttl"].read_text(encoding="utf-8")
    assert "Gao Ming" in ttl and "presided over the meeting" not in ttl  # no provenance in graph.ttl
    assert "Gao Ming" in paths["html"].read_text(encoding="utf-8")


def test_write_exports_without_html(tmp_path, make_ds):
    paths = write_exports(make_ds(), tmp_path)
    (tmp_path / "graph.html").unlink()
    paths = write_exports(make_ds(), tmp_path, html=False)
    assert "html" not in paths
    assert listing(tmp_path) == ["graph.nq", "graph.trig", "graph.ttl"]


def test_failing_html_renderer_leaves_previous_exports_untouched(tmp_path, monkeypatch, make_ds):
    write_exports(make_ds(), tmp_path)
    before = snapshot(tmp_path)

    def broken(ds, path):
        path.write_text("<html>half")
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(kg.viz, "render_html", broken)
    with pytest.raises(RuntimeError, match="renderer crashed"):
        write_exports(make_ds(person_name="Someone Else"), tmp_path)
    assert snapshot(tmp_path) == before


def test_interrupt_during_exports_leaves_previous_exports_untouched(tmp_path, monkeypatch, make_ds):
    write_exports(make_ds(), tmp_path)
    before = snapshot(tmp_path)

    def interrupted(ds):
        raise KeyboardInterrupt

    monkeypatch.setattr("kg.rdf.dataset.facts_graph", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_exports(make_ds(person_name="Someone Else"), tmp_path)
    assert snapshot(tmp_path) == before


def test_sorted_nquads_identical_across_calls_and_insertion_orders(make_ds):
    first = make_ds()
    second = Dataset(default_union=True)
    for s, p, o, g in reversed(list(first.quads((None, None, None, None)))):
        second.graph(g.identifier if hasattr(g, "identifier") else g).add((s, p, o))
    a, b = sorted_nquads(first), sorted_nquads(second)
    assert a == b == sorted_nquads(first)
    lines = a.decode("utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) == len(set(lines)) > 10


def test_nq_export_is_byte_identical_across_builds(tmp_path, make_ds):
    one = write_exports(make_ds(), tmp_path / "one", html=False)
    two = write_exports(make_ds(), tmp_path / "two", html=False)
    assert one["nq"].read_bytes() == two["nq"].read_bytes()
