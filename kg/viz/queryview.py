"""The query view: the result of a CONSTRUCT query, or of a SELECT whose rows are edges, as a graph page.

The query runs through kg's query engine on the Oxigraph store (kg's prefixes, ``# param:``
defaults and overrides, updates refused); the names, kinds and evidence of what it returns are
read from the same store (``graph_from_triples``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg.errors import QueryError
from kg.query import run_query
from kg.viz.data import GraphIndex, add_edge, add_node, detail, load_evidence_for, open_index, set_degrees
from kg.viz.index import local_name, term_key
from kg.viz.page import DEFAULT_MAX_NODES, render_graph


def graph_from_triples(
    index: GraphIndex, triples: Iterable[tuple[object, object, object]]
) -> tuple[nx.MultiDiGraph, int]:
    """Draw ``triples`` (subject, predicate or label, object) with the names and evidence of ``index``.

    Terms are pyoxigraph terms. The predicate may be an IRI (evidence is looked up for the
    triple) or a literal (used as the edge label). Triples whose subject or object is not an IRI
    are skipped; returns the graph and the number skipped.
    """
    graph = nx.MultiDiGraph()
    skipped = 0
    for s, p, o in triples:
        if not isinstance(s, ox.NamedNode) or not isinstance(o, ox.NamedNode) or p is None:
            skipped += 1
            continue
        for node in (s.value, o.value):
            if node not in graph:
                add_node(graph, index, node)
        if isinstance(p, ox.NamedNode):
            add_edge(graph, s.value, p.value, o.value)
        else:
            label = term_key(p)
            add_edge(graph, s.value, f"urn:kg:relation:{local_name(label)}", o.value, label=label)
    set_degrees(graph)
    load_evidence_for(graph, index, list(graph))
    return detail(graph, index), skipped


def _sort_key(triple: tuple) -> tuple[str, ...]:
    return tuple("" if t is None else term_key(t) for t in triple)


def query_triples(result: object, sparql_name: str) -> list[tuple]:
    """Triples to draw from a query result: a CONSTRUCT's graph, or a SELECT's rows as edges."""
    if result.kind == "graph":  # type: ignore[attr-defined]
        triples = result.triples  # type: ignore[attr-defined]
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
    result = run_query(index.store, spec, params)
    triples = query_triples(result, spec if len(spec) < 80 and "{" not in spec else "the query")
    graph, skipped = graph_from_triples(index, triples)
    notes = []
    if not triples:
        notes.append("The query returned nothing to draw.")
    if skipped:
        notes.append(f"{skipped} result{'s' if skipped != 1 else ''} with a literal subject or object not drawn.")
    heading = f"kg query: {query_title(spec)}"
    return render_graph(graph, path, heading=heading, max_nodes=max_nodes, note=" ".join(notes))
