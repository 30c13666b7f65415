"""A short IRI as `kg query` prints it (id:person/...) can be pasted back into a query."""

from __future__ import annotations

import re

from kg.cli import main
from kg.query.prepare import declared_prefixes, mask
from kg.query.shortiri import expand_short_iris
from tests.conftest import make_dataset

ID = "https://w3id.org/kg/id/"


def _expand(sparql: str) -> str:
    return expand_short_iris(sparql, mask(sparql), declared_prefixes(sparql))


def test_a_printed_short_iri_pasted_into_a_query_finds_its_row(tmp_path, capsys) -> None:
    graph = tmp_path / "graph.trig"
    make_dataset().serialize(destination=graph, format="trig")
    assert main(["query", "people", "--graph", str(graph)]) == 0
    printed = re.findall(r"id:person/\S+", capsys.readouterr().out)
    assert printed == ["id:person/gao-ming"]
    query = f"SELECT ?name WHERE {{ {printed[0]} schema:name ?name }}"
    assert main(["query", query, "--graph", str(graph), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["name", "Gao Ming"]
    dotted = f"SELECT ?post WHERE {{ {printed[0]} org:holds ?post.}}"  # a full stop right after it
    assert main(["query", dotted, "--graph", str(graph), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == f"{ID}post/secretary/cpc-liaoning-provincial-committee"


def test_only_printed_short_iris_are_expanded() -> None:
    assert _expand("ASK { id:meeting/2023-02-17/x ?p ?o }") == f"ASK {{ <{ID}meeting/2023-02-17/x> ?p ?o }}"
    declared = "PREFIX ex: <http://example.org/>\nASK { ex:a/b ?p ?o }"
    assert _expand(declared).endswith("ASK { <http://example.org/a/b> ?p ?o }")
    for unchanged in (
        "SELECT ?o WHERE { ?s org:holds/org:postIn ?o }",  # a property path
        "SELECT ?o WHERE { ?s org:holds/a ?o }",
        'SELECT ?o WHERE { ?s ?p "id:person/x" }',  # a string
        "SELECT ?o WHERE { ?s ?p <id:person/x> } # id:person/y",  # an IRI and a comment
        "SELECT ?o WHERE { ?s ?p nope:person/x }",  # an unknown prefix: left for the parser to report
    ):
        assert _expand(unchanged) == unchanged
