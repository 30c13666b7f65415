"""kg viz on an Oxigraph store: every view from ``--store`` as from ``--graph``, reading only what it shows."""

from __future__ import annotations

import gc
import random

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.viz import build_nx_graph, focus_graph, render_file, render_store
from kg.viz.data import GraphIndex, focus_view
from tests.conftest import ID, ORG
from tests.viz_helpers import add_doc, add_fact, as_store, dated_dataset, page_data

CONSTRUCT = "CONSTRUCT { ?m kg:presidedBy ?p . ?p org:holds ?post } WHERE { ?m kg:presidedBy ?p . ?p org:holds ?post }"
HOLDERS = """# The posts a person holds, as edges.
# param: who = "Gao Ming"
SELECT ?source ?relation ?target WHERE {
  VALUES ?who { "Gao Ming" }
  ?source schema:name ?who ; org:holds ?target . BIND(org:holds AS ?relation) }
"""
POST = ID["post/secretary/cpc-liaoning-provincial-committee"]


@pytest.fixture
def graph_and_store(tmp_path):
    """The dated graph as a TriG file and as an Oxigraph store folder: (file, --store option)."""
    ds = dated_dataset()
    graph = tmp_path / "graph.trig"
    ds.serialize(destination=graph, format="trig")
    store = as_store(ds, tmp_path / "store")
    store.flush()
    del store
    gc.collect()  # closes the store, which the views open read-only
    return graph, f"oxigraph:{tmp_path / 'store'}"


VIEWS = {
    "whole": [],
    "focus": ["--focus", "Gao Ming", "--depth", "2"],
    "construct": ["--query", CONSTRUCT],
    "select": ["--query", "holders.rq"],
    "timeline": ["--timeline"],
}


def test_every_view_of_the_store_is_the_view_of_the_graph_file(tmp_path, graph_and_store, capsys):
    graph, store = graph_and_store
    (tmp_path / "holders.rq").write_text(HOLDERS)
    for name, args in VIEWS.items():
        args = [str(tmp_path / a) if a.endswith(".rq") else a for a in args]
        from_file, from_store = tmp_path / f"{name}-file.html", tmp_path / f"{name}-store.html"
        assert main(["viz", "--graph", str(graph), "--out", str(from_file), *args]) == 0, name
        assert main(["viz", "--store", store, "--out", str(from_store), *args]) == 0, name
        page = from_file.read_text(encoding="utf-8")
        assert page.replace("graph.trig", "store") == from_store.read_text(encoding="utf-8"), name
        if name != "timeline":
            assert page_data(page)["nodes"], name
    assert capsys.readouterr().out.count("Wrote ") == 2 * len(VIEWS)
    assert "Gao Ming" in (tmp_path / "select-store.html").read_text()
    assert "presided over the meeting" in (tmp_path / "whole-store.html").read_text()


def test_store_views_go_beside_the_store_and_take_parameters(tmp_path, graph_and_store, capsys):
    _graph, store = graph_and_store
    (tmp_path / "holders.rq").write_text(HOLDERS)
    assert main(["viz", "--store", store, "--focus", "Gao Ming"]) == 0
    assert main(["viz", "--store", store, "--timeline"]) == 0
    assert main(["viz", "--store", store, "--query", str(tmp_path / "holders.rq"), "--param", "who=Nobody"]) == 0
    written = {p.name for p in tmp_path.iterdir() if p.suffix == ".html"}
    assert written == {"focus-gao-ming.html", "timeline.html", "query-holders.html"}
    alone = ["--focus", "Gao Ming", "--depth", "0", "--out", str(tmp_path / "0.html")]
    assert main(["viz", "--store", store, *alone]) == 0
    assert [n["name"] for n in page_data((tmp_path / "0.html").read_text())["nodes"]] == ["Gao Ming"]
    assert page_data((tmp_path / "query-holders.html").read_text())["note"] == "The query returned nothing to draw."
    capsys.readouterr()
    assert main(["viz", "--store", store, "--focus", "Nobody"]) == 2
    assert "no entity named 'Nobody'" in capsys.readouterr().err
    assert main(["viz", "--store", store, "--query", "ASK { ?s ?p ?o }"]) == 2
    assert "an ASK query has no graph to draw" in capsys.readouterr().err
    assert main(["viz", "--store", f"oxigraph:{tmp_path / 'none'}"]) == 2
    assert "no such store" in capsys.readouterr().err


def _drawn(graph) -> tuple[dict, list]:
    edges = sorted((s, t, k, sorted(d.items())) for s, t, k, d in graph.edges(keys=True, data=True))
    return dict(graph.nodes(data=True)), edges


def test_a_focus_reads_the_evidence_of_its_part_only_and_draws_it_as_the_whole_graph_does():
    store = as_store(dated_dataset())
    index = GraphIndex(store)
    part = focus_view(index, "Spring gala", 1)
    whole = build_nx_graph(store)
    assert _drawn(part) == _drawn(focus_graph(whole, str(ID["meeting/gala"]), 1))
    assert {d["name"] for _n, d in part.nodes(data=True)} == {"Spring gala", 'Li "Wei"'}
    # only the sentences of Li Wei's three relations were read: none of Gao Ming's
    assert sorted(index.evidence) == [str(ID[f"assertion/bbbb00000000000{n}"]) for n in (2, 3, 5)]


def test_a_large_store_draws_its_most_connected_nodes_with_a_few_sentences_each(tmp_path, monkeypatch):
    ds = dated_dataset()
    li = ID["person/li-wei"]
    for n in range(6):  # Li Wei holds the post, says each of six more articles
        add_doc(ds, f"02{n}_more", f"2024-07-0{n + 1}")
        add_fact(ds, f"cccc00000000000{n}", (li, ORG.holds, POST), "holds", doc=f"02{n}_more", sentence=f"Li {n}.")
    store = as_store(ds)
    full = page_data(render_store(store, tmp_path / "full.html", max_nodes=4).read_text())
    monkeypatch.setattr("kg.viz.fromstore.FULL_VIEW_STATEMENTS", 10)  # treat this store as large
    large = page_data(render_store(store, tmp_path / "large.html", max_nodes=4).read_text())
    assert [n["id"] for n in large["nodes"]] == [n["id"] for n in full["nodes"]]  # the same 4 nodes
    assert large["omitted"] == full["omitted"] and large["omitted"]["count"] == 7
    holds = {e["label"]: e for e in large["edges"] if e["from"] == str(li)}["holds post"]
    assert len(holds["evidence"]) == 3 < len(next(e for e in full["edges"] if e["id"] == holds["id"])["evidence"])
    assert "at most 3 of its sentences" in large["note"] and "at most 3" not in full["note"]
    assert all(e["evidence"] or e["derived"] for e in large["edges"])


def test_the_same_graph_in_any_order_gives_the_same_pages(tmp_path):
    lines = as_store(dated_dataset()).dump(format=ox.RdfFormat.N_QUADS).splitlines()
    pages = []
    for seed in (1, 2):
        random.Random(seed).shuffle(lines)
        folder = tmp_path / str(seed)
        folder.mkdir()
        (folder / "graph.nq").write_bytes(b"\n".join(lines) + b"\n")
        assert main(["viz", "--graph", str(folder / "graph.nq")]) == 0
        assert main(["viz", "--graph", str(folder / "graph.nq"), "--timeline"]) == 0
        assert render_file(folder / "graph.nq", folder / "again.html") == folder / "again.html"
        pages.append([(folder / name).read_bytes() for name in ("graph-view.html", "timeline.html", "again.html")])
    assert pages[0] == pages[1]
    assert pages[0][0] == pages[0][2]


def test_the_page_writing_benchmark_times_the_same_page_each_run(graph_and_store, capsys):
    from kg.viz.writebench import main as writebench

    graph, store = graph_and_store
    assert writebench([store.split(":", 1)[1], "--repeat", "2"]) == 0
    out = capsys.readouterr().out
    assert "11 nodes" in out and "every run wrote the same bytes: yes" in out
    assert writebench([str(graph), "--repeat", "1", "--profile"]) == 0
    assert "render_store" in capsys.readouterr().out
