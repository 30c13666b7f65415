"""The query view: the result of a CONSTRUCT query, or of a SELECT whose rows are edges, as a graph page.

The query runs through kg's query engine on the Oxigraph store (kg's prefixes, ``# param:``
defaults and overrides, updates refused); the names, kinds and evidence of what it returns are
read from the same store (``kg.viz.data.graph_from_triples``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox

from kg.errors import QueryError
from kg.viz.data import GraphIndex, graph_from_triples, open_index
from kg.viz.index import term_key
from kg.viz.page import DEFAULT_MAX_NODES, render_graph


def _run_query(store: ox.Store, spec: str, params: Mapping[str, str] | None):  # noqa: ANN202
    """TEMPORARY (issue 13): ``kg.query.run_query``'s answer, with pyoxigraph terms.

    Adapts today's ``kg.oxstore.run_query`` (rdflib terms, CONSTRUCT results as an rdflib Graph)
    to the new API (``.kind``, ``.vars``, ``.terms`` rows and ``.triples`` of pyoxigraph terms).
    Replace this function with ``kg.query.run_query`` when the engine's package is merged.
    """
    from kg.oxstore import run_query, to_oxigraph

    result = run_query(store, spec, params)
    if result.kind == "graph":
        triples = tuple(ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in result.graph)
        return SimpleNamespace(kind="graph", vars=(), terms=(), triples=triples)
    if result.kind == "select":
        terms = tuple(tuple(None if t is None else to_oxigraph(t) for t in row) for row in result.terms)
        return SimpleNamespace(kind="select", vars=tuple(result.vars), terms=terms, triples=())
    return SimpleNamespace(kind=result.kind, vars=(), terms=(), triples=())


def _sort_key(triple: tuple) -> tuple[str, ...]:
    return tuple("" if t is None else term_key(t) for t in triple)


def query_triples(result: object, sparql_name: str) -> list[tuple]:
    """Triples to draw from a query result: a CONSTRUCT's graph, or a SELECT's rows as edges."""
    if result.kind == "graph":  # type: ignore[attr-defined]
        triples = getattr(result, "triples", None)
        if triples is None:  # TEMPORARY: kg serve's backend still answers with an rdflib Graph
            return sorted(result.graph, key=lambda t: tuple(str(x) for x in t))  # type: ignore[attr-defined]
        return sorted(((t.subject, t.predicate, t.object) for t in triples), key=_sort_key)
    if result.kind != "select":  # type: ignore[attr-defined]
        raise QueryError(
            f"{sparql_name}: an ASK query has no graph to draw; use CONSTRUCT or SELECT ?source ?relation ?target"
        )
    names = list(result.vars)  # type: ignore[attr-defined]
    wanted = ["source", "relation", "target"]
    if all(v in names for v in wanted):
        positions = [names.index(v) for v in wanted]
    elif len(names) >= 3:
        positions = [0, 1, 2]
    else:
        raise QueryError(
            f"{sparql_name}: kg viz draws SELECT rows as ?source ?relation ?target (or three variables in that order)"
        )
    rows = [tuple(row[i] for i in positions) for row in result.terms]  # type: ignore[attr-defined]
    return [row for row in rows if all(term is not None for term in row)]


def query_title(spec: str) -> str:
    """How a query is called in headings and file names: the .rq file's name, the query's name, or SPARQL."""
    return Path(spec).name if spec.endswith(".rq") else (spec if "{" not in spec else "SPARQL")


def render_query(
    source: ox.Store | GraphIndex | str | Path,
    spec: str,
    path: str | Path,
    *,
    params: Mapping[str, str] | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> Path:
    """Write the result of a query (name, .rq file or SPARQL text) on a store or graph file as a graph page."""
    index = open_index(source)
    result = _run_query(index.store, spec, params)
    triples = query_triples(result, spec if len(spec) < 80 and "{" not in spec else "the query")
    graph, skipped = graph_from_triples(index, triples)
    notes = []
    if not triples:
        notes.append("The query returned nothing to draw.")
    if skipped:
        notes.append(f"{skipped} result{'s' if skipped != 1 else ''} with a literal subject or object not drawn.")
    heading = f"kg query: {query_title(spec)}"
    return render_graph(graph, path, heading=heading, max_nodes=max_nodes, note=" ".join(notes))
