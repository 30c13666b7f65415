"""kg export: GraphML and GEXF (read back with networkx), JSON-LD and N-Quads (read back with rdflib)."""

from __future__ import annotations

import json
import random

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Dataset

from kg.build.export import FORMATS, default_out, export, export_store, flat_graph
from kg.cli import main
from kg.errors import ExportError, GraphError
from kg.store.oxstore import load_dataset
from kg.viz import build_nx_graph

EVIL = '<script>alert("1")</script> & co'


@pytest.fixture
def graph_file(tmp_path, make_ds):
    path = tmp_path / "graph.trig"
    make_ds(person_name=EVIL).serialize(destination=path, format="trig")
    return path


def as_store(ds: Dataset) -> ox.Store:
    """The hand-made rdflib graph of the fixtures in an in-memory Oxigraph store."""
    store = ox.Store()
    load_dataset(store, ds)
    return store


def quads(ds: Dataset) -> set:
    return set(ds.quads((None, None, None, None)))


def test_graphml_and_gexf_read_back_with_the_same_nodes_edges_and_attributes(tmp_path, graph_file, make_ds):
    drawn = build_nx_graph(as_store(make_ds(person_name=EVIL)))
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = export(graph_file, fmt, tmp_path / f"g{FORMATS[fmt]}")
        back = reader(out)
        assert back.number_of_nodes() == drawn.number_of_nodes() == 5, fmt
        assert back.number_of_edges() == drawn.number_of_edges() == 4, fmt
        labels = {data["label"] for _n, data in back.nodes(data=True)}
        assert EVIL in labels, fmt  # names survive as text
        kinds = {data["kind"] for _n, data in back.nodes(data=True)}
        assert kinds == {"person", "organization", "post", "meeting", "place"}, fmt
        relations = {data["relation"] for _s, _t, data in back.edges(data=True)}
        assert relations == {"presided", "holds post", "post in", "jurisdiction"}, fmt
        presided = next(d for _s, _t, d in back.edges(data=True) if d["relation"] == "presided")
        assert int(presided["statements"]) == 1 and "presided over the meeting" in presided["sentences"]
        assert presided["documents"] == "002_test.txt"
    gexf = (tmp_path / "g.gexf").read_text()
    assert "viz:color" in gexf and "viz:size" in gexf  # Gephi gets the colours and sizes of the page


def test_jsonld_and_nquads_read_back_with_every_quad(tmp_path, graph_file):
    from kg.store import load_graph

    original = load_graph(graph_file)
    for fmt, rdf_format in (("jsonld", "json-ld"), ("nquads", "nquads")):
        out = export(graph_file, fmt, tmp_path / f"g{FORMATS[fmt]}")
        back = Dataset()
        back.parse(out, format=rdf_format)
        assert len(quads(back)) == len(quads(original)), fmt
        assert {q[3] for q in quads(back)} == {q[3] for q in quads(original)}, fmt  # named graphs kept
        assert quads(back) == quads(original), fmt
    assert '"@context"' in (tmp_path / "g.jsonld").read_text()


def test_default_output_is_beside_the_graph_and_writes_are_atomic(tmp_path, graph_file, make_ds):
    assert default_out(graph_file, "gexf") == tmp_path / "graph.gexf"
    assert export(graph_file, "nquads") == tmp_path / "graph.nq"
    before = (tmp_path / "graph.nq").read_bytes()
    with pytest.raises(ExportError, match="unknown export format 'csv'"):
        export(graph_file, "csv")
    with pytest.raises(ExportError, match="is a folder"):
        export_store(as_store(make_ds()), "graphml", tmp_path)
    with pytest.raises(GraphError):
        export(tmp_path / "missing.trig", "graphml")
    assert (tmp_path / "graph.nq").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nq", "graph.trig"]  # no temp files left


def test_flat_graph_has_only_plain_attribute_values(make_ds):
    graph = flat_graph(as_store(make_ds()))
    for _n, data in graph.nodes(data=True):
        assert all(isinstance(v, (str, int, float)) for v in data.values())
    for _s, _t, data in graph.edges(data=True):
        assert all(isinstance(v, (str, int, float, bool)) for v in data.values())


def test_cli_export(tmp_path, graph_file, capsys):
    for fmt in FORMATS:
        out = tmp_path / "out" / f"x{FORMATS[fmt]}"
        assert main(["export", "--format", fmt, "--graph", str(graph_file), "--out", str(out)]) == 0
        assert out.is_file() and out.stat().st_size > 0
    assert capsys.readouterr().out.count("Wrote ") == len(FORMATS)
    assert main(["export", "--format", "pdf", "--graph", str(graph_file)]) == 2  # argparse: invalid choice
    assert main(["export", "--format", "graphml", "--graph", str(tmp_path / "none.trig")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_pages_with_text_that_is_not_unicode_are_an_export_error(tmp_path):
    """Oxigraph refuses such text, but a page drawn from a hand-made graph can still carry it."""
    from kg.viz.page import render_graph
    from kg.viz.timeline import render_timeline

    graph = nx.MultiDiGraph()
    graph.add_node("urn:x", name="bad \ud800 name", label="bad \ud800 name", kind="person")
    with pytest.raises(ExportError, match="invalid Unicode"):
        render_graph(graph, tmp_path / "g.html", heading="kg")
    with pytest.raises(ExportError, match="invalid Unicode"):
        render_timeline(ox.Store(), tmp_path / "t.html", heading="bad \ud800 heading")
    assert list(tmp_path.iterdir()) == []


def test_rdf_exports_are_the_same_bytes_whatever_the_order_of_the_graph_file(tmp_path, make_ds):
    lines = as_store(make_ds()).dump(format=ox.RdfFormat.N_QUADS).splitlines()
    outputs = []
    for seed in (3, 4):
        random.Random(seed).shuffle(lines)
        folder = tmp_path / str(seed)
        folder.mkdir()
        (folder / "graph.nq").write_bytes(b"\n".join(lines) + b"\n")
        outputs.append([export(folder / "graph.nq", fmt, folder / f"x{FORMATS[fmt]}").read_bytes() for fmt in FORMATS])
    assert outputs[0] == outputs[1]
    nquads = outputs[0][list(FORMATS).index("nquads")].splitlines()
    assert nquads == sorted(nquads) and len(nquads) == len(lines)
    document = json.loads(outputs[0][list(FORMATS).index("jsonld")])
    assert document["@context"]["schema"] == "https://schema.org/"
    named = [node["@id"] for node in document["@graph"] if "@graph" in node]
    assert named == sorted(set(named)) and len(named) == 5  # each named graph once, in order
