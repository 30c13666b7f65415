"""kg.store.oxstore: an Oxigraph store on disk answers kg's named queries as the graph file loaded in memory does."""

from __future__ import annotations

import gc
import json

import pytest

from kg.errors import UpdateRefused
from kg.query import format_result, list_queries, query_store, run_query
from kg.store import oxstore
from tests.fixtures.lookup_keys import add_keys

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NAMES = [info.name for info in list_queries()]
PARAMS = [
    ("person_meetings", {"person_name": "gao mingyuan"}),
    ("post_holders_as_of", {"post_title": "secretary", "as_of": "2023-03-01"}),
]


# Two short articles about invented officials (no real person is named in tests).
ARTICLES = {
    "001_inv.txt": " date 2023-03-01 The Standing Committee of the CPC Hunan Provincial Committee held a meeting on "
    "February 27. Provincial party secretary Gao Mingyuan presided over the meeting and delivered a speech. "
    "Governor Lu Wenjie attended the meeting.\n",
    "002_inv.txt": " date 2023-04-10 Hunan Governor Lu Wenjie presided over a symposium of experts and entrepreneurs "
    "on April 8. Secretary Gao Mingyuan spoke at the symposium and stressed the Three-Year Action Plan for Rural "
    "Revitalization.\n",
}


@pytest.fixture(scope="module")
def seeds_graph(tmp_path_factory):
    from kg.build import build

    sources = tmp_path_factory.mktemp("articles")
    for name, text in ARTICLES.items():
        (sources / name).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("build")
    build([sources], out, html=False)
    return out / "graph.nq"


@pytest.fixture(scope="module")
def expected(seeds_graph) -> dict:
    """The answers on the graph file loaded in memory (load_store) to every named query and the PARAMS cases."""
    memory = add_keys(oxstore.load_store(seeds_graph))
    answers = {}
    for name, params in [(name, None) for name in NAMES] + PARAMS:
        result = run_query(memory, name, params)
        answers[(name, repr(params))] = (result.vars, list(result.rows))
    return answers


@pytest.fixture(scope="module")
def graphs(seeds_graph, tmp_path_factory):
    store = oxstore.open_store(tmp_path_factory.mktemp("oxigraph") / "store")
    oxstore.load_nquads(store, seeds_graph)
    add_keys(store)
    return seeds_graph, store


@pytest.mark.parametrize("name", NAMES)
def test_named_queries_agree_with_the_file_in_memory(graphs, expected, name: str) -> None:
    _, store = graphs
    names, rows = query_store(store, name)
    expected_vars, expected_rows = expected[(name, "None")]
    assert names == expected_vars
    assert set(rows) == set(expected_rows)
    assert len(rows) == len(expected_rows)


@pytest.mark.parametrize(("name", "params"), PARAMS)
def test_parameters_agree_with_the_file_in_memory(graphs, expected, name: str, params: dict[str, str]) -> None:
    _, store = graphs
    rows = query_store(store, name, params)[1]
    assert rows and set(rows) == set(expected[(name, repr(params))][1])


def test_some_queries_have_answers(graphs) -> None:
    _, store = graphs
    assert len(query_store(store, "people")[1]) == 4  # two people in each of two articles
    assert len(query_store(store, "person_meetings", {"person_name": "Gao Mingyuan"})[1]) == 3


def test_run_query_gives_a_query_result(graphs, expected) -> None:
    _, store = graphs
    result = run_query(store, "participants")
    assert result.kind == "select" and set(result.rows) == set(expected[("participants", "None")][1])
    rendered = json.loads(format_result(result, "json"))
    assert rendered["head"]["vars"] == list(result.vars) and len(rendered["results"]["bindings"]) == len(result.rows)
    assert run_query(store, "ASK { ?s a schema:Person }").boolean is True
    graph = run_query(store, "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }")
    assert graph.kind == "graph" and len(graph.triples) >= 2


def test_updates_are_refused(graphs) -> None:
    _, store = graphs
    with pytest.raises(UpdateRefused):
        query_store(store, "DELETE WHERE { ?s ?p ?o }")


def test_the_store_persists(seeds_graph, tmp_path) -> None:
    store = oxstore.open_store(tmp_path / "store")
    oxstore.load_nquads(store, seeds_graph.read_bytes())
    before = query_store(store, "people")[1]
    assert before
    del store
    gc.collect()
    again = oxstore.open_store(tmp_path / "store", read_only=True)
    assert set(query_store(again, "people")[1]) == set(before)


def test_corpus_mapped_in_parts_gives_the_dataset_quads() -> None:
    import pyoxigraph as ox

    from kg.rdf.dataset import corpus_to_dataset
    from kg.rdf.mapping import corpus_parts
    from tests.fixtures.golden_corpus import VERSION, golden_corpus

    corpus = golden_corpus()
    whole, chunked = oxstore.open_store(None), oxstore.open_store(None)
    oxstore.load_dataset(whole, corpus_to_dataset(corpus, version=VERSION))
    for _, part in corpus_parts(corpus, version=VERSION, chunk=3):  # mapped a few facts at a time
        chunked.extend(part)
    quads = [set(store.quads_for_pattern(None, None, None, None)) for store in (whole, chunked)]
    assert quads[0] == quads[1] and len(quads[0]) > 100
    assert any(q.graph_name == ox.NamedNode("https://w3id.org/kg/id/graph/provenance") for q in quads[0])
    assert oxstore.dump_nquads(whole).count(b"\n") == len(quads[0])


def test_terms_round_trip() -> None:
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import XSD

    for term in (
        URIRef("https://w3id.org/kg/id/person/gao-ming"),
        BNode("b1"),
        Literal("Gao Ming"),
        Literal("高明", lang="zh"),
        Literal("2023-02-17", datatype=XSD.date),
        Literal("0.9", datatype=XSD.decimal),
    ):
        assert oxstore.to_rdflib(oxstore.to_oxigraph(term)) == term
