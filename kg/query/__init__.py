"""Named and ad-hoc SPARQL queries over a built graph (read-only), answered by Oxigraph.

    from kg.query import open_source, run_query, format_result
    source = open_source(graph="exports/graph.trig")        # or open_source(store="out/store")
    result = run_query(source, "people", limit=100)          # a name, a .rq file or SPARQL text
    print(format_result(result, "table"))                    # table, csv, tsv, json, xml

Named queries are the ``*.rq`` files of the ``kg.queries`` package; their header lines declare a
description, parameters (``# param: NAME = DEFAULT``), normalised parameters (``# normalise:
NAME = name_key``) and a page key (``# page by: ?VAR { PATTERN }``): see ``kg.query.named``.

The prefixes kg:, id:, org:, schema:, prov:, oa:, time:, rdf:, rdfs:, xsd:, owl: and dcterms:
are predeclared. Queries are read-only and offline: SPARQL Update is refused (``UpdateRefused``),
``SERVICE`` is refused, and ``FROM``/``FROM NAMED`` name graphs of the loaded data. Plain
patterns see the union of all graphs. Results carry pyoxigraph terms (``QueryResult``).

Modules: ``named`` (finding queries, headers), ``terms`` (parameter values), ``prepare``
(checks, parameters), ``sources`` (graph file or store), ``engine`` (running, time limits),
``paging`` (windows of the page key), ``results`` (``QueryResult``, formats), ``output``
(``kg query``), ``child`` (the killable child process).
"""

from __future__ import annotations

from kg.query.engine import execute, run_prepared, run_query
from kg.query.named import PageKey, QueryInfo, QueryParam, list_queries, parse_header, read_header, resolve_query
from kg.query.output import query, query_store, write_query
from kg.query.prepare import PreparedQuery, prepare
from kg.query.results import FORMATS, QueryResult, format_result, json_term, render
from kg.query.sources import GraphSource, open_source

__all__ = [
    "FORMATS",
    "GraphSource",
    "PageKey",
    "PreparedQuery",
    "QueryInfo",
    "QueryParam",
    "QueryResult",
    "execute",
    "format_result",
    "json_term",
    "list_queries",
    "open_source",
    "parse_header",
    "prepare",
    "query",
    "query_store",
    "read_header",
    "render",
    "resolve_query",
    "run_prepared",
    "run_query",
    "write_query",
]


def __getattr__(name: str) -> object:
    """``load_graph`` and ``GRAPH_FORMATS`` (rdflib, kg.store.graphfile) are still importable from here."""
    if name in ("load_graph", "GRAPH_FORMATS"):
        import kg.store.graphfile

        return getattr(kg.store.graphfile, name)
    raise AttributeError(f"module 'kg.query' has no attribute {name!r}")
