"""kg.viz: the graph data behind the views, the offline pages, focus and query views, the timeline."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest
from rdflib import Dataset

from kg.cli import main
from kg.errors import GraphError, QueryError
from kg.viz import (
    EntityNotFound,
    build_nx_graph,
    find_node,
    focus_graph,
    render_file,
    render_focus,
    render_html,
    render_query,
    render_timeline,
)
from kg.viz.page import DEFAULT_MAX_NODES, physics_options, script_json, view_data
from kg.viz.timeline import collect, timeline_page
from tests.conftest import ID, SENTENCE
from tests.viz_helpers import as_store, dated_dataset, page_data

EVIL = "<script>alert(1)</script>"
REMOTE = re.compile(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", re.I)


@pytest.fixture
def dated_ds() -> Dataset:
    """The tiny graph plus a successor in the post, a second region and dated meetings."""
    return dated_dataset()


# ---------------------------------------------------------------- the graph behind the views


def labelled_edges(graph: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    name = {node: data["name"] for node, data in graph.nodes(data=True)}
    return {(name[s], data["label"], name[o]) for s, o, data in graph.edges(data=True)}


def test_graph_has_kinds_names_and_relations(tiny_ds):
    graph = build_nx_graph(as_store(tiny_ds))
    kinds = {data["name"]: data["kind"] for _node, data in graph.nodes(data=True)}
    assert kinds == {
        "Gao Ming": "person",
        "CPC Liaoning Provincial Committee": "organization",
        "Secretary of the CPC Liaoning Provincial Committee": "post",
        "Standing committee meeting": "meeting",
        "Liaoning": "place",
    }
    post = "Secretary of the CPC Liaoning Provincial Committee"
    assert labelled_edges(graph) == {
        ("Gao Ming", "presided", "Standing committee meeting"),  # drawn person -> meeting
        ("Gao Ming", "holds post", post),
        (post, "post in", "CPC Liaoning Provincial Committee"),
        ("CPC Liaoning Provincial Committee", "jurisdiction", "Liaoning"),
    }  # documents and schema:mentions are not drawn as edges
    shapes = {data["kind"]: (data["shape"], data["color"]) for _n, data in graph.nodes(data=True)}
    assert len(set(shapes.values())) == len(shapes)  # every kind has its own shape and colour
    person = graph.nodes[str(ID["person/gao-ming"])]
    assert person["degree"] == 2 and person["size"] > graph.nodes[str(ID["place/liaoning"])]["size"]
    assert "person" in person["title"] and "Gao Ming" in person["title"]


def test_every_stated_edge_carries_its_sentence_document_and_date(dated_ds):
    graph = build_nx_graph(as_store(dated_ds))
    edges = {(graph.nodes[s]["name"], d["label"], graph.nodes[o]["name"]): d for s, o, d in graph.edges(data=True)}
    presided = edges[("Gao Ming", "presided", "Standing committee meeting")]
    assert [e["sentence"] for e in presided["evidence"]] == [SENTENCE]
    assert presided["evidence"][0]["doc"] == "002_test.txt" and not presided["derived"]
    holds = edges[("Gao Ming", "holds post", "Secretary of the CPC Liaoning Provincial Committee")]
    assert [(e["doc"], e["date"]) for e in holds["evidence"]] == [("010_old.txt", "2021-03-05"), ("002_test.txt", None)]
    assert holds["dates"] == ["2021-03-05"]
    assert "Gao Ming, secretary of the provincial committee, spoke." in holds["title"] and "+1 more" in holds["title"]
    # relations from the entity descriptions are marked, and traced to sentences naming their subject
    post_in = edges[
        ("Secretary of the CPC Liaoning Provincial Committee", "post in", "CPC Liaoning Provincial Committee")
    ]
    assert post_in["derived"] and post_in["evidence"] == []
    assert {e["sentence"] for e in post_in["derived_from"]} >= {"Li Wei, the new provincial party secretary, said."}
    forum = edges[('Li "Wei"', "attended", "Shenzhen forum")]
    assert forum["dates"] == ["2024-06-03"]


def test_regions_and_dates_of_nodes(dated_ds):
    graph = build_nx_graph(as_store(dated_ds))
    by_name = {data["name"]: data for _n, data in graph.nodes(data=True)}
    assert by_name['Li "Wei"']["regions"] == ["Guangdong"]  # from a Shenzhen article: Shenzhen's province
    assert by_name["Shenzhen"]["regions"] == ["Guangdong"]
    assert by_name["China"]["regions"] == ["China"]
    assert by_name["Gao Ming"]["regions"] == ["Liaoning"]
    assert by_name["Shenzhen forum"]["dates"] == ["2024-06-03"]
    assert by_name["Gao Ming"]["dates"] == ["2021-03-05"]


def test_find_node_and_focus(dated_ds):
    graph = build_nx_graph(as_store(dated_ds))
    gao = str(ID["person/gao-ming"])
    assert find_node(graph, "gao ming") == gao
    assert find_node(graph, "person/gao-ming") == gao
    assert find_node(graph, "Gao") == gao  # a unique part of a name
    with pytest.raises(EntityNotFound, match="did you mean: Gao Ming"):
        find_node(graph, "Gao Mng")
    with pytest.raises(EntityNotFound, match="names 2 entities"):
        find_node(graph, "Liaoning Provincial")  # the committee and its post
    one = focus_graph(graph, gao, 1)
    assert {d["name"] for _n, d in one.nodes(data=True)} == {
        "Gao Ming",
        "Standing committee meeting",
        "Secretary of the CPC Liaoning Provincial Committee",
    }
    assert one.nodes[gao]["focus"]
    two = focus_graph(graph, gao, 2)
    assert {'Li "Wei"', "CPC Liaoning Provincial Committee"} <= {d["name"] for _n, d in two.nodes(data=True)}


# ---------------------------------------------------------------- the page


def test_page_is_self_contained_and_offline(tmp_path, tiny_ds):
    path = render_html(as_store(tiny_ds), tmp_path / "graph.html")
    assert path == tmp_path / "graph.html"
    page = path.read_text(encoding="utf-8")
    assert "vis.Network" in page and len(page) > 100_000  # vis-network is inlined
    assert not REMOTE.search(page)
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", page, re.I)  # nothing external at all
    assert not re.search(r"https?://[^\"'\s]*\.(js|css)\b", page)
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]
    data = page_data(page)
    assert {n["name"] for n in data["nodes"]} >= {"Gao Ming", "Standing committee meeting"}
    assert {e["label"] for e in data["edges"]} == {"presided", "holds post", "post in", "jurisdiction"}
    assert data["kindOrder"][:6] == ["person", "organization", "post", "meeting", "initiative", "place"]
    assert data["omitted"] is None and data["note"] == ""


def test_script_in_a_name_is_escaped(tmp_path, make_ds):
    page = render_html(as_store(make_ds(person_name=EVIL)), tmp_path / "g.html", heading=EVIL).read_text()
    plain = render_html(as_store(make_ds()), tmp_path / "plain.html").read_text()
    assert EVIL not in page
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in page  # only in escaped JSON
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert page.count("<script") == plain.count("<script")  # no script element was added
    assert page.count("</script") == plain.count("</script")
    assert EVIL in {n["name"] for n in page_data(page)["nodes"]}  # and it reads back as the plain name


def test_script_json_escapes_what_could_end_a_script():
    text = script_json({"a": "</script><!-- & 'x' \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "'" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & 'x' \u2028"}


def test_large_graphs_keep_the_most_connected_nodes_and_say_what_was_left_out():
    graph = nx.MultiDiGraph()
    for i in range(30):
        graph.add_node(f"n{i}", name=f"Node {i}", label=f"Node {i}", kind="person" if i % 2 else "meeting")
    for i in range(1, 30):
        graph.add_edge("n0", f"n{i}", key="attended", label="attended")
    for i in range(1, 10):
        graph.add_edge("n1", f"n{i + 1}", key="spoke", label="spoke")
    for node in graph.nodes:
        graph.nodes[node]["degree"] = graph.degree(node)
    data = view_data(graph, max_nodes=10)
    kept = {n["id"] for n in data["nodes"]}
    assert len(kept) == 10 and {"n0", "n1", "n2"} <= kept
    assert data["omitted"]["count"] == 20 and len(data["omitted"]["names"]) == 20
    assert "shows the 10 most connected of 30 nodes" in data["note"]
    assert "--focus" in data["note"]
    assert all(e["from"] in kept and e["to"] in kept for e in data["edges"])
    assert view_data(graph, max_nodes=None)["omitted"] is None


def test_physics_follow_the_size_of_the_graph():
    small, big = physics_options(50, 60), physics_options(DEFAULT_MAX_NODES, 1400)
    assert small["layout"]["improvedLayout"] and not big["layout"]["improvedLayout"]
    assert big["physics"]["stabilization"]["iterations"] < small["physics"]["stabilization"]["iterations"]
    assert big["edges"]["smooth"]["enabled"] is False
    assert small["physics"]["solver"] == big["physics"]["solver"] == "forceAtlas2Based"


def test_render_file_reads_a_graph_file(tmp_path, tiny_ds):
    graph = tmp_path / "graph.trig"
    tiny_ds.serialize(destination=graph, format="trig")
    out = render_file(graph, tmp_path / "views" / "g.html")
    assert out.is_file() and "Gao Ming" in out.read_text()
    with pytest.raises(GraphError):
        render_file(tmp_path / "missing.trig", tmp_path / "x.html")


def test_render_focus_draws_the_neighbourhood(tmp_path, dated_ds):
    graph = tmp_path / "graph.trig"
    dated_ds.serialize(destination=graph, format="trig")
    page = render_focus(graph, "Gao Ming", tmp_path / "focus.html").read_text()
    data = page_data(page)
    assert {n["name"] for n in data["nodes"] if n["focus"]} == {"Gao Ming"}
    assert len(data["nodes"]) == 3
    assert "<title>kg: Gao Ming and its neighbours</title>" in page
    with pytest.raises(EntityNotFound):
        render_focus(graph, "Nobody Here", tmp_path / "none.html")
    assert not (tmp_path / "none.html").exists()


CONSTRUCT = "CONSTRUCT { ?m kg:presidedBy ?p . ?p org:holds ?post } WHERE { ?m kg:presidedBy ?p . ?p org:holds ?post }"
SELECT = """SELECT ?target ?relation ?source ?name WHERE {
  ?source org:holds ?target . ?source schema:name ?name . BIND("holds this post" AS ?relation) }"""


def test_render_query_draws_construct_results_with_evidence(tmp_path, tiny_ds):
    graph = tmp_path / "graph.trig"
    tiny_ds.serialize(destination=graph, format="trig")
    data = page_data(render_query(graph, CONSTRUCT, tmp_path / "q.html").read_text())
    assert {(e["label"], bool(e["evidence"])) for e in data["edges"]} == {("presided", True), ("holds post", True)}
    assert {n["kind"] for n in data["nodes"]} == {"person", "meeting", "post"}
    rq = tmp_path / "holders.rq"
    rq.write_text(SELECT)
    data = page_data(render_query(graph, str(rq), tmp_path / "s.html").read_text())
    [edge] = data["edges"]
    assert edge["label"] == "holds this post"  # a literal relation labels the edge
    names = {n["id"]: n["name"] for n in data["nodes"]}
    assert (names[edge["from"]], names[edge["to"]]) == (
        "Gao Ming",
        "Secretary of the CPC Liaoning Provincial Committee",
    )
    with pytest.raises(QueryError, match="ASK"):
        render_query(graph, "ASK { ?s ?p ?o }", tmp_path / "a.html")
    with pytest.raises(QueryError, match="three variables"):
        render_query(graph, "SELECT ?s ?p WHERE { ?s ?p ?o }", tmp_path / "b.html")
    literal = render_query(
        graph, "SELECT ?s ?p ?o WHERE { ?s schema:name ?o . BIND(schema:name AS ?p) }", tmp_path / "c.html"
    )
    assert "not drawn" in page_data(literal.read_text())["note"]


# ---------------------------------------------------------------- the timeline


def test_timeline_items_are_dated_by_assertion_and_meeting(dated_ds):
    from kg.viz.data import GraphIndex

    items = collect(GraphIndex(as_store(dated_ds)))
    seen = {(i.person_name, i.relation, i.thing_name, i.date) for i in items}
    post = "Secretary of the CPC Liaoning Provincial Committee"
    assert ("Gao Ming", "holds post", post, "2021-03-05") in seen
    assert ("Gao Ming", "holds post", post, None) in seen  # the undated document
    assert ('Li "Wei"', "holds post", post, "2024-06-03") in seen
    assert ('Li "Wei"', "attended", "Shenzhen forum", "2024-06-03") in seen
    assert ('Li "Wei"', "spoke", "Spring gala", None) in seen  # --02-10: no year
    assert ("Gao Ming", "presided", "Standing committee meeting", None) in seen
    gala = next(i for i in items if i.thing_name == "Spring gala")
    assert gala.date_text == "10 Feb, year unknown"


def test_timeline_shows_a_succession_left_to_right_and_lists_undated_items_apart(tmp_path, dated_ds):
    page = render_timeline(as_store(dated_ds), tmp_path / "timeline.html").read_text()
    assert not REMOTE.search(page) and not re.search(r"<(script|link)\b[^>]*\b(src|href)\s*=", page, re.I)
    post_row = re.search(r'<div class="tl-row" data-key="[^"]*post/secretary[^"]*".*?</svg></div>', page, re.S).group(0)
    xs = {name: float(x) for x, name in re.findall(r'<text x="([\d.]+)" y="[\d.]+">([^<]+)</text>', post_row)}
    assert xs["Gao Ming"] < xs["Li &quot;Wei&quot;"]  # the successor is to the right
    undated = page.split('id="tl-undated"', 1)[1]
    assert "Spring gala" in undated and "10 Feb, year unknown" in undated
    assert "the document has no date" in undated
    assert undated.count("<tr class=") == 3  # gala, the undated holding, the undated meeting


def test_timeline_escapes_document_text(tmp_path, make_ds):
    page = timeline_page(as_store(make_ds(person_name=EVIL)), heading=EVIL)
    plain = timeline_page(as_store(make_ds()))
    assert EVIL not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script") == plain.count("<script")


# ---------------------------------------------------------------- the command line


def test_cli_viz_views(tmp_path, dated_ds, capsys):
    graph = tmp_path / "graph.trig"
    dated_ds.serialize(destination=graph, format="trig")
    assert main(["viz", "--graph", str(graph)]) == 0
    assert (tmp_path / "graph-view.html").is_file()  # beside the graph by default
    assert main(["viz", "--graph", str(graph), "--timeline"]) == 0
    assert (tmp_path / "timeline.html").is_file()
    assert main(["viz", "--graph", str(graph), "--focus", "Gao Ming", "--depth", "2"]) == 0
    assert len(page_data((tmp_path / "focus-gao-ming.html").read_text())["nodes"]) > 3
    assert main(["viz", "--graph", str(graph), "--query", CONSTRUCT, "--out", str(tmp_path / "q" / "x.html")]) == 0
    assert (tmp_path / "q" / "x.html").is_file()
    assert main(["viz", "--graph", str(graph), "--max-nodes", "2", "--out", str(tmp_path / "small.html")]) == 0
    assert len(page_data((tmp_path / "small.html").read_text())["nodes"]) == 2
    out = capsys.readouterr().out
    assert out.count("Wrote ") == 5
    assert main(["viz", "--graph", str(graph), "--focus", "Nobody"]) == 2
    assert "no entity named 'Nobody'" in capsys.readouterr().err
    assert main(["viz", "--graph", str(graph), "--depth", "2"]) == 2
    assert "--depth goes with --focus" in capsys.readouterr().err
    assert main(["viz", "--graph", str(graph), "--focus", "x", "--timeline"]) == 2  # one view at a time
