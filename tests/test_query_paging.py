"""kg.query pages, lookups, sources and formats: ``--limit/--offset``, ``# page by:``, ``# normalise:``,
the build's store behind a graph file, ``kg query --store --timeout`` and SPARQL's result formats."""

from __future__ import annotations

import csv
import io
import json
import os
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.errors import GraphError, QueryError, QueryTimeout
from kg.query import list_queries, open_source, query, read_header, run_query
from kg.query.sources import recorded_store
from kg.store.oxstore import load_store, open_store
from tests.fixtures.lookup_keys import add_keys

KG = "https://w3id.org/kg/ontology#"
SDO = "https://schema.org/"
ID = "https://w3id.org/kg/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _quad(s: str, p: str, o: ox.NamedNode | ox.Literal, g: str = "graph/entities") -> ox.Quad:
    return ox.Quad(ox.NamedNode(ID + s), ox.NamedNode(p), o, ox.NamedNode(ID + g))


def library(documents: int = 30, per_document: int = 3) -> ox.Store:
    """Invented documents, each mentioning a few invented people (document i mentions people i, i+1, ...)."""
    store = ox.Store()
    quads = []
    for d in range(documents):
        doc = f"doc/{d:03d}"
        quads.append(_quad(doc, RDF_TYPE, ox.NamedNode(SDO + "NewsArticle")))
        for k in range(per_document):
            person = f"person/p{d + k:03d}"
            graph = f"assertion/{d:03d}-{k}"
            quads.append(_quad(doc, SDO + "mentions", ox.NamedNode(ID + person), graph))
            quads.append(_quad(graph, "http://www.w3.org/ns/prov#wasDerivedFrom", ox.NamedNode(ID + doc), "graph/p"))
    for p in range(documents + per_document):
        quads.append(_quad(f"person/p{p:03d}", SDO + "name", ox.Literal(f"Lan Wenqi {p:03d}")))
        quads.append(_quad(f"person/p{p:03d}", RDF_TYPE, ox.NamedNode(SDO + "Person")))
    store.extend(quads)
    return store


PAGED = """# Documents and the people they mention.
# page by: ?doc { ?doc a schema:NewsArticle }
SELECT ?doc ?name (COUNT(?a) AS ?n) WHERE {
  ?a prov:wasDerivedFrom ?doc .
  GRAPH ?a { ?doc schema:mentions ?person }
  ?person schema:name ?name .
}
GROUP BY ?doc ?name
ORDER BY ?doc DESC(?name)
"""


def test_pages_follow_the_order_by_with_and_without_a_page_key() -> None:
    store = library()
    whole = run_query(store, PAGED).rows
    plain = PAGED.replace("# page by: ?doc { ?doc a schema:NewsArticle }\n", "")
    assert len(whole) == 90
    assert whole[:3] == (
        (ID + "doc/000", "Lan Wenqi 002", "1"),
        (ID + "doc/000", "Lan Wenqi 001", "1"),
        (ID + "doc/000", "Lan Wenqi 000", "1"),
    )
    for limit, offset in ((1, 0), (7, 0), (10, 5), (40, 41), (100, 0), (5, 88), (5, 90), (0, 3)):
        for text in (PAGED, plain):
            page = run_query(store, text, limit=limit, offset=offset)
            assert page.rows == whole[offset : offset + limit], (limit, offset, text == PAGED)
            assert page.truncated == (offset + limit < len(whole))
            assert page.vars == ("doc", "name", "n")


def test_page_key_descending_and_max_rows() -> None:
    store = library(documents=12)
    text = PAGED.replace("?doc { ?doc", "DESC(?doc) { ?doc").replace("ORDER BY ?doc", "ORDER BY DESC(?doc)")
    assert read_header(text).page.descending
    whole = run_query(store, text).rows
    assert whole[0][0] == ID + "doc/011"
    assert run_query(store, text, limit=9, offset=4).rows == whole[4:13]
    capped = run_query(store, text, max_rows=5)
    assert capped.rows == whole[:5] and capped.truncated


def test_named_queries_declare_their_page_keys() -> None:
    keyed = {info.name for info in list_queries() if info.page is not None}
    assert {"people", "organizations", "posts", "participants", "meetings", "initiatives", "fact_evidence"} <= keyed
    assert all(
        info.page.window_var in ("doc", "meeting", "a", "instant", "where")
        for info in list_queries()
        if info.page is not None
    )
    assert next(info.page for info in list_queries() if info.name == "presided_meetings").via == "meeting"
    holders = next(info.page for info in list_queries() if info.name == "post_holders_as_of")
    assert (holders.var, holders.via, holders.descending) == ("asOf", "instant", True)
    assert "?as_of" in holders.pattern  # its windows skip the dates after the one asked for


def test_a_first_window_of_one_key_gives_the_same_pages() -> None:
    store = library(documents=12)
    one = PAGED.replace("# page by:", "# page window: 1\n# page by:")
    assert read_header(one).page.first_window == 1 and read_header(PAGED).page.first_window is None
    whole = run_query(store, PAGED).rows
    for limit, offset in ((1, 0), (4, 2), (10, 30)):
        assert run_query(store, one, limit=limit, offset=offset).rows == whole[offset : offset + limit]
    by_region = next(info.page for info in list_queries() if info.name == "initiatives_by_region")
    assert (by_region.var, by_region.via, by_region.first_window) == ("region", "where", 1)
    with pytest.raises(QueryError, match="needs a '# page by:' line"):
        read_header("# Nothing to page.\n# page window: 2\nSELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match="at least 1 key"):
        read_header(PAGED.replace("# page by:", "# page window: 0\n# page by:"))


def test_lookup_parameters_are_normalised_to_the_stored_key() -> None:
    store = add_keys(library(documents=3))
    text = """# A person by name.
# param: who = "Somebody"
# normalise: who = name_key
SELECT ?person WHERE { VALUES ?who { "Somebody" } ?person kg:nameKey ?who }"""
    person = ((ID + "person/p001",),)
    assert run_query(store, text, {"who": "Lan Wenqi 001"}).rows == person
    assert run_query(store, text, {"who": "  LAN   wenqi 001 "}).rows == person
    assert run_query(store, text, {"who": "Ｌａｎ Ｗｅｎｑｉ ００１"}).rows == person  # full-width forms
    assert run_query(store, text).rows == ()
    with pytest.raises(QueryError, match="unknown normaliser 'soundex'"):
        run_query(store, text.replace("= name_key", "= soundex"), {"who": "x"})
    with pytest.raises(QueryError, match="names no parameter"):
        run_query(store, text.replace("# normalise: who", "# normalise: whom"))


def test_lookup_queries_declare_their_keys() -> None:
    normalised = {(info.name, p.name) for info in list_queries() for p in info.params if p.normalise == "name_key"}
    assert {
        ("person_meetings", "person_name"),
        ("post_holders_as_of", "post_title"),
        ("initiatives_in_region", "region"),
    } <= normalised


def test_results_formats_come_from_oxigraph() -> None:
    store = library(documents=1, per_document=1)
    result = run_query(store, "SELECT ?doc ?name ?no WHERE { ?doc schema:mentions ?p . ?p schema:name ?name }")
    assert result.terms == ((ox.NamedNode(ID + "doc/000"), ox.Literal("Lan Wenqi 000"), None),)
    assert result.serialize("csv") == f"doc,name,no\r\n{ID}doc/000,Lan Wenqi 000,\r\n".encode()
    assert result.serialize("tsv") == f'?doc\t?name\t?no\n<{ID}doc/000>\t"Lan Wenqi 000"\t\n'.encode()
    doc = json.loads(result.serialize("json"))
    assert doc["results"]["bindings"][0]["name"] == {"type": "literal", "value": "Lan Wenqi 000"}
    assert b"<literal>Lan Wenqi 000</literal>" in result.serialize("xml")
    graph = run_query(store, "CONSTRUCT { ?p schema:name ?n } WHERE { ?d schema:mentions ?p . ?p schema:name ?n }")
    assert graph.serialize("ntriples").count(b"\n") == 1
    assert b"schema:name" in graph.serialize("turtle")
    assert list(csv.reader(io.StringIO(query_csv_of(graph)))) == [
        ["subject", "predicate", "object"],
        [ID + "person/p000", SDO + "name", "Lan Wenqi 000"],
    ]


def query_csv_of(result) -> str:  # noqa: ANN001
    from kg.query import format_result

    return format_result(result, "csv")


def test_a_result_crosses_processes_as_bytes() -> None:
    import pickle

    result = run_query(library(documents=4), PAGED, limit=5)
    again = pickle.loads(pickle.dumps(result))
    assert again == result and again.terms == result.terms and again.truncated


# ---------------------------------------------------------------- sources


@pytest.fixture
def built(tmp_path) -> Path:
    """A graph file, and beside it a build record and store as ``kg build --store`` leaves them."""
    store = library(documents=5)
    out = tmp_path / "out"
    out.mkdir()
    graph = out / "graph.nq"
    store.dump(str(graph), format=ox.RdfFormat.N_QUADS)
    disk = open_store(out / "store")
    disk.bulk_load(path=str(graph), format=ox.RdfFormat.N_QUADS)
    disk.flush()
    del disk
    record = {"options": {"store": f"oxigraph:{out / 'store'}"},
              "outputs": {"nq": {"file": "graph.nq", "bytes": graph.stat().st_size}}}  # fmt: skip
    (out / "build.json").write_text(json.dumps(record))
    return graph


def test_a_graph_file_uses_its_builds_store_when_the_record_matches(built) -> None:
    assert recorded_store(built) == built.parent / "store"
    source = open_source(graph=built)
    assert source.path == built.parent / "store" and "store" in source.description
    assert len(run_query(source, PAGED).rows) == 15
    with built.open("ab") as handle:  # the file changed since the build: load it instead
        handle.write(f'<{ID}person/p900> <{SDO}name> "Lan Wenqi 900" .\n'.encode())
    assert recorded_store(built) is None
    source = open_source(graph=built)
    assert source.path is None and "in memory" in source.description
    assert len(run_query(source, "SELECT ?n WHERE { ?p schema:name ?n }").rows) == 8 + 1


def test_a_newer_graph_file_or_a_missing_store_loads_the_file(built) -> None:
    later = time.time() + 60
    os.utime(built, (later, later))
    assert recorded_store(built) is None
    os.utime(built, (later - 120, later - 120))
    assert recorded_store(built) is not None
    (built.parent / "store" / "CURRENT").unlink()
    assert recorded_store(built) is None


def test_open_source_errors(tmp_path) -> None:
    with pytest.raises(GraphError, match="no such store"):
        open_source(store=tmp_path / "nowhere")
    with pytest.raises(GraphError, match="no such file"):
        open_source(graph=tmp_path / "nowhere.trig")


def test_timeouts_stop_runaway_queries_on_memory_and_disk(built) -> None:
    from kg.query import GraphSource

    for source in (GraphSource(load_store(built), "in memory"), open_source(store=built.parent / "store")):
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match="stopped after 0.5 s"):
            run_query(source, RUNAWAY, timeout=0.5)
        assert time.monotonic() - started < 10
        assert run_query(source, PAGED, timeout=30, limit=2).rows == run_query(source, PAGED, limit=2).rows


# ---------------------------------------------------------------- the command


def test_kg_query_store_timeout_limit_offset_and_formats(built, capsys) -> None:
    store = f"oxigraph:{built.parent / 'store'}"
    assert main(["query", RUNAWAY, "--store", store, "--timeout", "0.5"]) == 2
    assert "stopped after 0.5 s" in capsys.readouterr().err
    paged = PAGED.replace("COUNT(?a)", "COUNT(?a)")
    assert main(["query", paged, "--store", store, "--format", "csv", "--limit", "2", "--offset", "1"]) == 0
    out = capsys.readouterr().out
    assert out == f"doc,name,n\r\n{ID}doc/000,Lan Wenqi 001,1\r\n{ID}doc/000,Lan Wenqi 000,1\r\n"
    assert main(["query", paged, "--graph", str(built), "--format", "tsv", "--timeout", "20"]) == 0
    assert capsys.readouterr().out.count("\n") == 1 + 15
    assert main(["query", paged, "--graph", str(built), "--format", "xml", "--limit", "1"]) == 0
    assert capsys.readouterr().out.count("<result>") == 1
    assert main(["query", "people", "--graph", str(built), "--limit", "-1"]) == 2
    assert "expected 0 or more" in capsys.readouterr().err


def test_query_checks_before_loading(tmp_path) -> None:
    missing = tmp_path / "missing.trig"
    with pytest.raises(QueryError, match="refusing SERVICE <http://example.org/sparql>"):
        query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", missing)
    with pytest.raises(QueryError, match="expects a date"):
        query("post_holders_as_of", missing, params={"as_of": "2023-02-30"})
    assert query('SELECT ?x WHERE { BIND("# SERVICE <http://x/> {}" AS ?x) }', _empty(tmp_path), fmt="csv") == (
        "x\r\n# SERVICE <http://x/> {}"
    )


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.nq"
    path.write_text("")
    return path


def test_load_store_keeps_the_graphs(tmp_path) -> None:
    path = tmp_path / "g.nq"
    library(documents=2).dump(str(path), format=ox.RdfFormat.N_QUADS)
    assert len(run_query(load_store(path), "SELECT ?g WHERE { GRAPH ?g { ?s schema:mentions ?o } }").rows) == 6


VIA = """# People ordered by their name's last three characters (a computed key), paged via ?person.
# page by: ?tail via ?person { ?person schema:name ?name BIND (SUBSTR(?name, 11) AS ?tail) }
SELECT ?tail ?doc WHERE {
  ?person schema:name ?name .
  ?doc schema:mentions ?person .
  BIND (SUBSTR(?name, 11) AS ?tail)
}
ORDER BY DESC(?tail) ?doc
"""


def test_pages_by_a_computed_key_via_another_variable() -> None:
    store = library(documents=20)
    whole = run_query(store, VIA).rows
    assert whole[0] == ("021", ID + "doc/019") and len(whole) == 60
    text = VIA.replace("?tail via", "DESC(?tail) via")
    assert read_header(text).page.via == "person"
    for limit, offset in ((1, 0), (4, 2), (25, 30), (10, 55)):
        page = run_query(store, text, limit=limit, offset=offset)
        assert page.rows == whole[offset : offset + limit]
    store.add(_quad("person/p005", SDO + "name", ox.Literal("Lan Wenqi 999")))  # two sort values: no windows
    assert run_query(store, text, limit=3).rows == run_query(store, text).rows[:3]


DATED = """# Statements about people, latest first, up to a date.
# param: until = "2024-12-31"^^xsd:date
# page by: DESC(?date) via ?instant { ?instant time:inXSDDate ?date FILTER (?date <= ?until) }
SELECT ?date ?person ?name WHERE {
  VALUES ?until { "2024-12-31"^^xsd:date }
  ?instant time:inXSDDate ?date .
  FILTER (?date <= ?until)
  ?a kg:asOf ?instant .
  GRAPH ?a { ?doc schema:mentions ?person }
  ?person schema:name ?name .
}
ORDER BY DESC(?date) ?name
"""


def dated_library() -> ox.Store:
    """The library, each of its statements dated: one date per document, in 2024 and 2025."""
    store = library(documents=24)
    for d in range(24):
        day = f"{2024 + d % 2}-{1 + d // 2:02d}-15"
        instant = ox.NamedNode(ID + f"date/{day}")
        store.add(ox.Quad(instant, ox.NamedNode("http://www.w3.org/2006/time#inXSDDate"),
                          ox.Literal(day, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
                          ox.NamedNode(ID + "graph/entities")))  # fmt: skip
        for k in range(3):
            store.add(_quad(f"assertion/{d:03d}-{k}", KG + "asOf", instant, "graph/p"))
    return store


def test_a_page_keys_pattern_uses_the_querys_parameters() -> None:
    from kg.query import prepare
    from kg.query.paging import keys

    store = dated_library()
    for params in ({}, {"until": "2025-03-20"}, {"until": "2024-06-15"}, {"until": "2023-01-01"}):
        whole = run_query(store, DATED, params).rows
        dates = [row[0] for row in whole]
        assert dates == sorted(dates, reverse=True) and all(d <= (params.get("until") or "2024-12-31") for d in dates)
        listed = [str(key.value) for _, key in keys(store, prepare(DATED, params))]
        assert listed == sorted(set(dates), reverse=True)  # only the dates up to the parameter's, latest first
        for limit, offset in ((1, 0), (5, 0), (7, 3), (20, 10), (4, max(0, len(whole) - 2))):
            page = run_query(store, DATED, params, limit=limit, offset=offset)
            assert page.rows == whole[offset : offset + limit], (params, limit, offset)
            assert page.truncated == (offset + limit < len(whole))
    assert len(run_query(store, DATED, {"until": "2024-06-15"}).rows) == 18  # 6 documents of 2024 by mid-June
    assert run_query(store, DATED, {"until": "2023-01-01"}, limit=5).rows == ()
