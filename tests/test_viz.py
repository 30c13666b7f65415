"""kg.viz: the offline HTML view."""

from __future__ import annotations

import re

import pytest

from kg.errors import GraphError
from kg.viz import build_nx_graph, render_file, render_html

EVIL = "<script>alert(1)</script>"


def test_graph_has_kinds_labels_and_edges(tiny_ds):
    graph = build_nx_graph(tiny_ds)
    kinds = {data["label"]: data["kind"] for _node, data in graph.nodes(data=True)}
    assert kinds == {
        "Gao Ming": "person",
        "CPC Liaoning Provincial Committee": "organization",
        "Secretary of the CPC Liaoning Provincial Committee": "post",
        "Standing committee meeting": "meeting",
        "Liaoning": "place",
    }
    label = {node: data["label"] for node, data in graph.nodes(data=True)}
    edges = {(label[s], data["label"], label[o]) for s, o, data in graph.edges(data=True)}
    assert ("Standing committee meeting", "presided", "Gao Ming") in edges
    post = "Secretary of the CPC Liaoning Provincial Committee"
    assert ("Gao Ming", "holds", post) in edges
    assert (post, "post in", "CPC Liaoning Provincial Committee") in edges
    assert ("CPC Liaoning Provincial Committee", "jurisdiction", "Liaoning") in edges
    assert len(edges) == 4  # documents and schema:mentions are not drawn
    person = next(d for _n, d in graph.nodes(data=True) if d["kind"] == "person")
    assert "person" in person["title"] and "Gao Ming" in person["title"]


def test_html_is_written_with_labels_and_works_offline(tmp_path, tiny_ds):
    path = render_html(tiny_ds, tmp_path / "graph.html")
    assert path == tmp_path / "graph.html"
    page = path.read_text(encoding="utf-8")
    for label in ("Gao Ming", "CPC Liaoning Provincial Committee", "Standing committee meeting", "presided"):
        assert label in page
    assert "vis.Network" in page and len(page) > 100_000  # vis-network is inlined
    assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"<(script|link)\b[^>]*\b(src|href)\s*=", page, re.I)  # nothing external at all
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]


def test_script_in_a_name_is_escaped(tmp_path, make_ds):
    page = render_html(make_ds(person_name=EVIL), tmp_path / "g.html", heading=EVIL).read_text()
    plain = render_html(make_ds(), tmp_path / "plain.html").read_text()
    assert EVIL not in page
    assert "alert(1)" in page  # the name is there, but only in escaped form
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in page
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert page.count("<script") == plain.count("<script")  # no script element was added
    assert page.count("</script") == plain.count("</script")


def test_render_file_reads_a_graph_file(tmp_path, tiny_ds):
    graph = tmp_path / "graph.trig"
    tiny_ds.serialize(destination=graph, format="trig")
    out = render_file(graph, tmp_path / "views" / "g.html")
    assert out.is_file() and "Gao Ming" in out.read_text()
    with pytest.raises(GraphError):
        render_file(tmp_path / "missing.trig", tmp_path / "x.html")
