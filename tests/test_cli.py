"""The kg command line, in-process and as the installed console script; kg.build with fakes."""

from __future__ import annotations

import subprocess
import sys
import types
from datetime import date
from pathlib import Path

import pytest

from kg import __version__
from kg.build import build, format_summary
from kg.cli import main
from kg.errors import BuildInterrupted, ValidationError
from kg.model import Corpus, Evidence, Fact, Meeting, Person, SourceDocument
from kg.query import list_queries

KG_SCRIPT = Path(sys.executable).parent / "kg"
SENTENCE = "Provincial party secretary Gao Ming presided over the meeting."


def run_kg(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(KG_SCRIPT), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    return lines[0]


# ---------------------------------------------------------------- fakes for the pipeline


def tiny_corpus(doc_id: str = "002_test") -> Corpus:
    start = 10
    evidence = Evidence(doc_id, start, start + len(SENTENCE), SENTENCE, start + 27, start + 35, "Gao Ming")
    meeting = "meeting/2023-02-17/standing-committee-meeting"
    return Corpus(
        documents=(SourceDocument(f"doc/{doc_id}", doc_id, f"{doc_id}.txt", date(2023, 2, 17), None, "0" * 64),),
        people=(Person("person/gao-ming", "Gao Ming"),),
        meetings=(
            Meeting(meeting, "Standing committee meeting", "standing committee meeting", "2023-02-17", None, None),
        ),
        facts=(
            Fact("mentions", f"doc/{doc_id}", "person/gao-ming", evidence, 0.9),
            Fact("reports", f"doc/{doc_id}", meeting, evidence, 0.9),
            Fact("presided", meeting, "person/gao-ming", evidence, 0.9),
        ),
    )


@pytest.fixture
def pipeline(monkeypatch):
    """Replace extraction, resolution and validation by fakes; returns a dict to steer them."""
    state: dict = {"corpus": tiny_corpus(), "invalid": False, "interrupt": False, "seen": [], "count": 42}

    def extract_documents(documents, batch_size=32, max_chars=None):
        for doc in documents:
            state["seen"].append(doc.doc_id)
            yield doc

    def resolve(extractions, aliases=None):
        list(extractions)
        if state["interrupt"]:
            raise KeyboardInterrupt
        return state["corpus"]

    def validate_graph(ds, **kwargs):
        if state["invalid"]:
            raise ValidationError("graph: 1 SHACL violation(s)", report="id:person/x  schema:name: missing")

    def validate_file(path):
        validate_graph(None)
        return state["count"]

    def validate_store(store, **kwargs):
        validate_graph(None)
        return {"mode": "full", "whole_graph": True, "triples_validated": len(store)}

    for name, attrs in {
        "kg.extract": {"extract_documents": extract_documents},
        "kg.resolve": {"resolve": resolve, "load_aliases": lambda path: {}},
        "kg.store.validate": {
            "validate_graph": validate_graph,
            "validate_file": validate_file,
            "validate_store": validate_store,
        },
    }.items():
        monkeypatch.setitem(sys.modules, name, types.SimpleNamespace(**attrs))
    return state


@pytest.fixture
def sources(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "002_test.txt").write_text(f" date 2023-02-17 Yesterday: {SENTENCE}")
    (folder / "empty.txt").write_text("")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}  # (not the cache/ folder)


# ---------------------------------------------------------------- kg build


def test_build_summary(pipeline, sources, tmp_path):
    summary = build([sources], tmp_path / "out")
    assert pipeline["seen"] == ["002_test"]
    assert summary.documents == 1
    assert [(s.reason, Path(s.path).name) for s in summary.skipped] == [("empty", "empty.txt")]
    assert summary.facts == {"mentions": 1, "presided": 1, "reports": 1}
    assert summary.entities["people"] == 1 and summary.entities["meetings"] == 1
    assert summary.triples > 10
    names = sorted(p.name for p in summary.outputs.values())
    assert names == ["graph.html", "graph.nq", "graph.trig", "graph.ttl"]
    assert all(p.is_file() for p in summary.outputs.values())
    text = format_summary(summary)
    assert "Built 1 document, 1 skipped" in text and "1 presided" in text and "graph.trig" in text


def test_cli_build_prints_summary_and_skipped(pipeline, sources, tmp_path, capsys):
    assert main(["build", str(sources), "--out", str(tmp_path / "out")]) == 0
    out, err = capsys.readouterr()
    assert "Built 1 document" in out
    assert one_line(err) == f"kg: skipped (empty): {sources / 'empty.txt'}: empty document"
    assert (tmp_path / "out" / "graph.trig").is_file()


def test_invalid_graph_writes_nothing_and_exits_3(pipeline, sources, tmp_path, capsys):
    out_dir = tmp_path / "out"
    assert main(["build", str(sources), "--out", str(out_dir)]) == 0
    before = snapshot(out_dir)
    pipeline["invalid"], pipeline["corpus"] = True, tiny_corpus("other")
    capsys.readouterr()
    assert main(["build", str(sources), "--out", str(out_dir)]) == 3
    out, err = capsys.readouterr()
    assert "schema:name: missing" in out
    assert one_line(err).startswith("kg: error: graph: 1 SHACL violation")
    assert snapshot(out_dir) == before
    assert main(["build", str(sources), "--out", str(tmp_path / "unchecked"), "--no-validate"]) == 0


def test_interrupted_build_keeps_previous_exports(pipeline, sources, tmp_path, capsys):
    out_dir = tmp_path / "out"
    build([sources], out_dir)
    before = snapshot(out_dir)
    pipeline["interrupt"] = True
    with pytest.raises(BuildInterrupted):
        build([sources], out_dir)
    assert main(["build", str(sources), "--out", str(out_dir)]) == 130
    assert one_line(capsys.readouterr().err).startswith("kg: interrupted")
    assert snapshot(out_dir) == before


def test_build_missing_source(tmp_path, capsys):
    assert main(["build", str(tmp_path / "nope"), "--out", str(tmp_path / "out")]) == 2
    assert one_line(capsys.readouterr().err) == f"kg: error: {tmp_path / 'nope'}: no such file or directory"
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- kg query / validate / viz / version


@pytest.fixture
def graph_file(tmp_path, tiny_ds) -> Path:
    path = tmp_path / "graph.trig"
    tiny_ds.serialize(destination=path, format="trig")
    return path


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"kg {__version__}"


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "usage: kg" in capsys.readouterr().err


def test_query_list(capsys):
    assert main(["query", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    infos = list_queries()
    assert len(lines) == len(infos)
    for line, info in zip(lines, infos, strict=True):
        assert line.split()[0] == info.name and info.description in line


def test_query_runs_and_formats(graph_file, capsys):
    sparql = "SELECT ?name WHERE { ?m kg:presidedBy/schema:name ?name }"
    assert main(["query", sparql, "--graph", str(graph_file), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["name", "Gao Ming"]
    param = "SELECT ?x WHERE { ?x schema:name $name }"
    args = ["--graph", str(graph_file), "--param", "name=Liaoning", "--format", "tsv"]
    assert main(["query", param, *args]) == 0
    assert capsys.readouterr().out.splitlines() == ["?x", "<https://w3id.org/kg/id/place/liaoning>"]  # SPARQL TSV


def test_query_errors(graph_file, tmp_path, capsys):
    assert main(["query", "nope", "--graph", str(graph_file)]) == 2
    assert one_line(capsys.readouterr().err).startswith("kg: error: unknown query 'nope'; valid names: ")
    assert main(["query", "SELECT ?x WHERE { ?x ?y }", "--graph", str(graph_file)]) == 2
    assert "line 1, column" in one_line(capsys.readouterr().err)
    assert main(["query", "CLEAR ALL {", "--graph", str(graph_file)]) == 2
    capsys.readouterr()
    assert main(["query", "DELETE WHERE { ?s ?p ?o }", "--graph", str(graph_file)]) == 2
    assert "read-only" in one_line(capsys.readouterr().err)
    missing = tmp_path / "missing.trig"
    assert main(["query", "ASK { ?s ?p ?o }", "--graph", str(missing)]) == 2
    assert one_line(capsys.readouterr().err) == f"kg: error: {missing}: no such file"
    assert main(["query", "ASK { ?s ?p ?o }", "--param", "novalue"]) == 2


def test_validate(pipeline, graph_file, capsys):
    assert main(["validate", str(graph_file)]) == 0
    assert capsys.readouterr().out.strip() == "OK: 42 triples conform"
    pipeline["invalid"] = True
    assert main(["validate", str(graph_file)]) == 3
    out, err = capsys.readouterr()
    assert "schema:name: missing" in out and err.startswith("kg: error:")


def test_viz(graph_file, tmp_path, capsys):
    out = tmp_path / "view" / "g.html"
    assert main(["viz", "--graph", str(graph_file), "--out", str(out)]) == 0
    assert "Gao Ming" in out.read_text()
    assert str(out) in capsys.readouterr().out


# ---------------------------------------------------------------- the installed console script


def test_script_version_and_list(tmp_path):
    result = run_kg("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == f"kg {__version__}"
    result = run_kg("query", "--list", cwd=tmp_path)
    assert result.returncode == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == [i.name for i in list_queries()]


def test_script_errors(tmp_path):
    result = run_kg("query", "nope", cwd=tmp_path)
    assert result.returncode == 2
    assert one_line(result.stderr).startswith("kg: error: unknown query 'nope'; valid names:")
    result = run_kg("query", "SELECT ?x WHERE {\n ?x ?y }", cwd=tmp_path)
    assert result.returncode == 2
    assert "line 2, column" in one_line(result.stderr)
    result = run_kg("query", "ASK { ?s ?p ?o }", cwd=tmp_path)  # default graph exports/graph.trig
    assert result.returncode == 2
    assert one_line(result.stderr).startswith("kg: error: no exports/graph.trig here (the default graph): build one")
    result = run_kg("build", "no-such-folder", "--out", "out", cwd=tmp_path)
    assert result.returncode == 2
    assert one_line(result.stderr) == "kg: error: no-such-folder: no such file or directory"
    assert not (tmp_path / "out").exists()
