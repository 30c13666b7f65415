"""kg.query: finding queries, loading graphs, running and formatting (on Oxigraph)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

import kg.query.named
from kg.errors import (
    ExportError,
    GraphError,
    GraphParseError,
    QueryError,
    QuerySyntaxError,
    UnknownQuery,
    UpdateRefused,
)
from kg.query import format_result, list_queries, query, resolve_query, run_query
from kg.store.oxstore import load_dataset, load_store

load_graph = load_store  # graph files load into an in-memory Oxigraph store

PEOPLE = """# People with their names.
# A second comment line.
PREFIX schema: <https://schema.org/>
SELECT ?person ?name WHERE { ?person a schema:Person ; schema:name ?name }
"""
BY_NAME = """# Meetings presided over by one person.
# param: who = "Gao Ming"
PREFIX schema: <https://schema.org/>
PREFIX kg: <https://w3id.org/kg/ontology#>
SELECT ?meeting ?label WHERE {
  VALUES ?wanted { "Gao Ming" }
  ?person schema:name ?name .
  FILTER (LCASE(?name) = LCASE(?wanted))
  ?meeting kg:presidedBy ?person ; schema:name ?label .
}
"""
NAMES = "SELECT ?name WHERE { ?x schema:name ?name } ORDER BY ?name"


@pytest.fixture
def queries_dir(tmp_path, monkeypatch) -> Path:
    """A stand-in for the package's kg/queries folder."""
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "people.rq").write_text(PEOPLE)
    (folder / "by_name.rq").write_text(BY_NAME)
    (folder / "notes.txt").write_text("not a query")
    monkeypatch.setattr(kg.query.named, "files", lambda package: folder)
    return folder


# ---------------------------------------------------------------- finding queries


def test_list_queries_reads_description_and_params(queries_dir):
    infos = list_queries()
    assert [i.name for i in infos] == ["by_name", "people"]
    by_name, people = infos
    assert people.description == "People with their names."
    assert people.params == ()
    assert [(p.name, p.default) for p in by_name.params] == [("who", '"Gao Ming"')]
    assert Path(by_name.path) == queries_dir / "by_name.rq"


def test_installed_queries_have_descriptions():
    infos = list_queries()
    assert infos == sorted(infos, key=lambda i: i.name)
    assert all(i.description and not i.description.startswith("param:") for i in infos)


def test_resolve_named_file_and_inline(queries_dir, tmp_path):
    assert resolve_query("people") == PEOPLE
    path = tmp_path / "mine.rq"
    path.write_text("SELECT * WHERE { ?s ?p ?o }")
    assert resolve_query(str(path)) == "SELECT * WHERE { ?s ?p ?o }"
    assert resolve_query("ASK { ?s ?p ?o }") == "ASK { ?s ?p ?o }"


def test_unknown_query_lists_valid_names(queries_dir):
    with pytest.raises(UnknownQuery) as err:
        resolve_query("peeple")
    assert str(err.value) == "unknown query 'peeple'; valid names: by_name, people"
    assert err.value.exit_code == 2


def test_missing_query_file(tmp_path):
    with pytest.raises(QueryError, match="no such query file"):
        resolve_query(str(tmp_path / "missing.rq"))


@pytest.fixture
def tiny_store(tiny_ds) -> ox.Store:
    """The tiny graph in an in-memory Oxigraph store."""
    store = ox.Store()
    load_dataset(store, tiny_ds)
    return store


# ---------------------------------------------------------------- loading graphs


@pytest.mark.parametrize("suffix", [".trig", ".nq", ".ttl", ".nt", ".jsonld"])
def test_load_graph_formats(tmp_path, tiny_ds, suffix):
    path = tmp_path / f"graph{suffix}"
    fmt = {".trig": "trig", ".nq": "nquads", ".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}[suffix]
    source = tiny_ds
    if suffix in (".ttl", ".nt"):  # triple formats: the union of all graphs
        source = Graph()
        for s, p, o, _g in tiny_ds.quads((None, None, None, None)):
            source.add((s, p, o))
    source.serialize(destination=path, format=fmt)
    ds = load_graph(path)
    assert [r[0] for r in run_query(ds, NAMES).rows].count("Gao Ming") == 1


def test_plain_patterns_see_named_graphs(tmp_path, tiny_ds):
    path = tmp_path / "graph.trig"
    tiny_ds.serialize(destination=path, format="trig")
    ds = load_graph(path)
    rows = run_query(ds, "SELECT ?m WHERE { ?m kg:presidedBy ?p }").rows
    assert len(rows) == 1
    graphs = run_query(ds, "SELECT ?g WHERE { GRAPH ?g { ?m kg:presidedBy ?p } }").rows
    assert graphs == (("https://w3id.org/kg/id/assertion/aaaa000000000001",),)


def test_missing_graph_file_is_named(tmp_path):
    with pytest.raises(GraphError) as err:
        load_graph(tmp_path / "nope.trig")
    assert str(err.value) == f"{tmp_path / 'nope.trig'}: no such file"
    with pytest.raises(GraphError, match="unknown graph format"):
        (tmp_path / "g.xml").write_text("<rdf/>")
        load_graph(tmp_path / "g.xml")


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("bad.ttl", "@prefix ex: <http://ex/> .\n\nex:a ex:b ex:c .\nex:a ex:b ex:c ex:d .\n", 4),
        ("bad.trig", "@prefix ex: <http://ex/> .\n\nex:g {\n ex:a ex:b ex:c .\n ex:a ex:b ex:c ex:d .\n}", 5),
        ("bad.nq", '<http://a> <http://b> <http://c> <http://g> .\n<http://a> <http://b> "x <http://g> .', 2),
        ("bad.nt", "<http://a> <http://b> <http://c> .\n\n<http://a> <http://b> .\n", 3),
        ("bad.jsonld", '{"@id": "http://a",\n "http://b": [ }', 2),
    ],
)
def test_graph_parse_error_names_file_and_line(tmp_path, name, content, line):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(GraphParseError) as err:
        load_graph(path)
    message = str(err.value)
    assert message.startswith(f"{path}: line {line}")
    assert "\n" not in message


# ---------------------------------------------------------------- running


def test_select_rows_are_strings(tiny_store):
    result = run_query(tiny_store, "SELECT ?p ?name ?missing WHERE { ?p a schema:Person ; schema:name ?name }")
    assert result.kind == "select"
    assert result.vars == ("p", "name", "missing")
    assert result.rows == (("https://w3id.org/kg/id/person/gao-ming", "Gao Ming", None),)


def test_ask_and_construct(tiny_store):
    assert run_query(tiny_store, "ASK { ?m kg:presidedBy ?p }").boolean is True
    assert run_query(tiny_store, "ASK { ?m kg:speaker ?p }").boolean is False
    construct = "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }"
    graph = run_query(tiny_store, construct)
    assert graph.kind == "graph" and len(graph.triples) == 1
    (triple,) = graph.triples
    assert triple.object == ox.Literal("Gao Ming")


def test_syntax_error_has_line_and_column(tiny_store):
    with pytest.raises(QuerySyntaxError) as err:
        run_query(tiny_store, "SELECT ?x\nWHERE {\n  ?x schema:name ?n ;\n  FILTER(\n}")
    message = str(err.value)
    assert "line 5, column" in message  # Oxigraph stops at the "}" that closes nothing
    assert "\n" not in message


def test_unknown_prefix_is_located(tiny_store):
    with pytest.raises(QuerySyntaxError) as err:
        run_query(tiny_store, "SELECT ?x WHERE {\n  ?x foo:bar ?y }")
    assert "unknown prefix 'foo:' at line 2, column 6" in str(err.value)


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "PREFIX kg: <https://w3id.org/kg/ontology#>\nDELETE WHERE { ?s kg:presidedBy ?o }",
        "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <http://g>",
        "CREATE GRAPH <http://g>",
    ],
)
def test_update_is_refused_and_graph_unchanged(tiny_store, update):
    before = len(tiny_store)
    with pytest.raises(UpdateRefused, match="read-only"):
        run_query(tiny_store, update)
    assert len(tiny_store) == before


def test_params_default_and_override_in_values_block(tiny_store):
    assert len(run_query(tiny_store, BY_NAME).rows) == 1
    assert len(run_query(tiny_store, BY_NAME, {"who": "gao ming"}).rows) == 1
    assert run_query(tiny_store, BY_NAME, {"who": "Wu Liang"}).rows == ()
    assert run_query(tiny_store, BY_NAME, {"who": 'He said "hi" } ; DROP ALL'}).rows == ()  # no injection


def test_params_bind_variables(tiny_store):
    sparql = "SELECT ?n WHERE { ?x schema:name ?n FILTER(?n = $name) }"
    assert run_query(tiny_store, sparql, {"name": "Liaoning"}).rows == (("Liaoning",),)
    typed = "# param: x = id:person/gao-ming\nSELECT ?n WHERE { ?x schema:name ?n }"
    assert run_query(tiny_store, typed).rows == (("Gao Ming",),)
    assert run_query(tiny_store, typed, {"x": "place/liaoning"}).rows == (("Liaoning",),)
    iri = "<https://w3id.org/kg/id/place/liaoning>"
    assert run_query(tiny_store, typed, {"x": iri}).rows == (("Liaoning",),)


def test_typed_param_rejects_bad_value(tiny_store):
    sparql = (
        '# param: day = "2023-12-31"^^xsd:date\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n'
        'SELECT ?ok WHERE { VALUES ?day { "2023-12-31"^^xsd:date }\n'
        '  BIND(?day > "2023-01-01"^^xsd:date AS ?ok) }'
    )
    assert run_query(tiny_store, sparql, {"day": "2022-06-01"}).rows == (("false",),)
    with pytest.raises(QueryError, match="expects a date"):
        run_query(tiny_store, sparql, {"day": "yesterday"})


def test_unknown_param_lists_valid_ones(tiny_store):
    with pytest.raises(QueryError, match="unknown parameter 'whom'; this query takes: who"):
        run_query(tiny_store, BY_NAME, {"whom": "x"})


# ---------------------------------------------------------------- formatting


def test_table_has_aligned_columns_and_header(tiny_store):
    result = run_query(tiny_store, "SELECT ?name ?x WHERE { ?x schema:name ?name } ORDER BY ?name")
    lines = format_result(result, "table").splitlines()
    assert lines[0].split() == ["name", "x"]
    assert set(lines[1]) <= {"-", " "}
    assert len(lines) == 2 + 5
    column = lines[0].index("x")
    assert all(line[column:].startswith("id:") for line in lines[2:])
    assert "Gao Ming" in format_result(result, "table")


def test_csv_and_tsv_follow_sparql_1_1(tiny_store):
    result = run_query(tiny_store, "SELECT ?name ?none ?x WHERE { ?x a schema:Person ; schema:name ?name }")
    text = format_result(result, "csv")
    assert text == "name,none,x\r\nGao Ming,,https://w3id.org/kg/id/person/gao-ming"  # CSV: CRLF, plain values
    assert list(csv.reader(io.StringIO(text))) == [["name", "none", "x"], ["Gao Ming", "", str(result.rows[0][2])]]
    assert format_result(result, "tsv").splitlines() == [  # TSV: terms in N-Triples syntax
        "?name\t?none\t?x",
        '"Gao Ming"\t\t<https://w3id.org/kg/id/person/gao-ming>',
    ]


def test_json_follows_sparql_results_format(tiny_store):
    result = run_query(
        tiny_store,
        "SELECT ?p ?name ?c ?none WHERE { ?p a schema:Person ; schema:name ?name . "
        "?a kg:factKind 'holds' ; kg:confidence ?c }",
    )
    doc = json.loads(format_result(result, "json"))
    assert doc["head"]["vars"] == ["p", "name", "c", "none"]
    (binding,) = doc["results"]["bindings"]
    assert binding["p"] == {"type": "uri", "value": "https://w3id.org/kg/id/person/gao-ming"}
    assert binding["name"] == {"type": "literal", "value": "Gao Ming"}
    assert binding["c"]["datatype"] == "http://www.w3.org/2001/XMLSchema#decimal"
    assert "none" not in binding
    ask = json.loads(format_result(run_query(tiny_store, "ASK { ?s ?p ?o }"), "json"))
    assert ask == {"head": {}, "boolean": True}
    xml = format_result(result, "xml")
    assert '<variable name="p"/>' in xml and "<uri>https://w3id.org/kg/id/person/gao-ming</uri>" in xml


def test_unknown_format_lists_valid_ones(tiny_store):
    with pytest.raises(ExportError, match="unknown format 'yaml'; valid formats: table, csv, tsv, json, xml"):
        format_result(run_query(tiny_store, "ASK { ?s ?p ?o }"), "yaml")


def test_query_checks_the_query_before_loading_the_graph(queries_dir, tmp_path, tiny_ds):
    missing = tmp_path / "missing.trig"
    with pytest.raises(UnknownQuery):
        query("nope", missing)
    with pytest.raises(QuerySyntaxError):
        query("SELECT { ?s", missing)
    with pytest.raises(GraphError):
        query("people", missing)
    graph = tmp_path / "graph.trig"
    tiny_ds.serialize(destination=graph, format="trig")
    assert query("people", graph, fmt="csv").splitlines() == [
        "person,name",
        "https://w3id.org/kg/id/person/gao-ming,Gao Ming",
    ]
    assert query("people", graph, fmt="csv").split("\r\n")[0] == "person,name"
