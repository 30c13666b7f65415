"""Interactive views of a kg graph: self-contained HTML pages that work offline.

* ``render_html(ds, path)`` / ``render_file(graph_path, out_path)``: the whole graph, drawn with
  vis-network: nodes coloured and shaped by kind and sized by degree, edges labelled by
  relation, the evidence (sentence, document, date) of every node and edge in a side panel,
  a search box, filters by kind, region and date, and a reset.
* ``render_focus``: one entity's neighbourhood; ``render_query``: the result of a CONSTRUCT
  query or of a SELECT whose rows are edges.
* ``render_timeline`` / ``render_timeline_file``: posts held and meetings attended per person
  (and holders per post) along a date axis, as plain SVG.

See docs/viz.md for the commands and the stabilisation figures behind the layout options.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph

from kg.errors import ExportError, QueryError
from kg.viz.data import (
    EDGES,
    KIND_STYLE,
    KINDS,
    EntityNotFound,
    GraphIndex,
    build_nx_graph,
    find_node,
    focus_graph,
    graph_from_triples,
)
from kg.viz.page import DEFAULT_MAX_NODES, render_graph

__all__ = [
    "DEFAULT_MAX_NODES",
    "EDGES",
    "KINDS",
    "KIND_STYLE",
    "EntityNotFound",
    "GraphIndex",
    "build_nx_graph",
    "find_node",
    "focus_graph",
    "graph_from_triples",
    "render_file",
    "render_focus",
    "render_html",
    "render_query",
    "render_timeline",
    "render_timeline_file",
]


def _prepare_out(out: str | Path) -> Path:
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out.parent}: cannot create the folder: {exc.strerror or exc}") from None
    return out


def _load(graph_path: str | Path) -> Dataset:
    from kg.store import load_graph

    return load_graph(graph_path)


def render_html(
    ds: Dataset | Graph,
    path: str | Path,
    *,
    heading: str = "kg knowledge graph",
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> Path:
    """Write the interactive, offline HTML view of all of ``ds`` to ``path`` (atomically)."""
    return render_graph(build_nx_graph(ds), path, heading=heading, max_nodes=max_nodes)


def render_file(graph_path: str | Path, out_path: str | Path, *, max_nodes: int | None = DEFAULT_MAX_NODES) -> Path:
    """Load the graph file ``graph_path`` and write its HTML view to ``out_path``."""
    ds = _load(graph_path)
    return render_html(ds, _prepare_out(out_path), heading=f"kg: {Path(graph_path).name}", max_nodes=max_nodes)


def render_focus(
    graph_path: str | Path,
    name: str,
    out_path: str | Path,
    *,
    depth: int = 1,
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> Path:
    """Write the neighbourhood (``depth`` steps) of the entity called ``name``.

    Raises ``EntityNotFound`` when no entity, or more than one, has that name.
    """
    graph = build_nx_graph(_load(graph_path))
    node = find_node(graph, name)
    sub = focus_graph(graph, node, depth)
    label = graph.nodes[node]["name"]
    heading = f"kg: {label} and {'its neighbours' if depth == 1 else f'what is within {depth} steps'}"
    return render_graph(sub, _prepare_out(out_path), heading=heading, max_nodes=max_nodes)


def query_triples(result, sparql_name: str) -> list[tuple]:
    """Triples to draw from a query result: a CONSTRUCT's graph, or a SELECT's rows as edges."""
    if result.kind == "graph":
        return sorted(result.graph, key=lambda t: tuple(str(x) for x in t))
    if result.kind != "select":
        raise QueryError(
            f"{sparql_name}: an ASK query has no graph to draw; use CONSTRUCT or SELECT ?source ?relation ?target"
        )
    names = list(result.vars)
    wanted = ["source", "relation", "target"]
    if all(v in names for v in wanted):
        positions = [names.index(v) for v in wanted]
    elif len(names) >= 3:
        positions = [0, 1, 2]
    else:
        raise QueryError(
            f"{sparql_name}: kg viz draws SELECT rows as ?source ?relation ?target (or three variables in that order)"
        )
    rows = [tuple(row[i] for i in positions) for row in result.terms]
    return [row for row in rows if all(term is not None for term in row)]


def render_query(
    graph_path: str | Path,
    spec: str,
    out_path: str | Path,
    *,
    params: dict[str, str] | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> Path:
    """Write the result of a query (name, .rq file or SPARQL text) as a graph page."""
    from kg.query import resolve_query, run_query

    ds = _load(graph_path)
    sparql = resolve_query(spec)
    result = run_query(ds, sparql, params)
    triples = query_triples(result, spec if len(spec) < 80 and "{" not in spec else "the query")
    graph, skipped = graph_from_triples(GraphIndex(ds), triples)
    notes = []
    if not triples:
        notes.append("The query returned nothing to draw.")
    if skipped:
        notes.append(f"{skipped} result{'s' if skipped != 1 else ''} with a literal subject or object not drawn.")
    title = Path(spec).name if spec.endswith(".rq") else (spec if "{" not in spec else "SPARQL")
    return render_graph(
        graph, _prepare_out(out_path), heading=f"kg query: {title}", max_nodes=max_nodes, note=" ".join(notes)
    )


def render_timeline(ds: Dataset | Graph, path: str | Path, *, heading: str = "kg timeline") -> Path:
    """Write the timeline page of ``ds`` (posts held, meetings attended, along a date axis)."""
    from kg.viz.timeline import render_timeline as _render

    return _render(ds, path, heading=heading)


def render_timeline_file(graph_path: str | Path, out_path: str | Path) -> Path:
    """Load ``graph_path`` and write its timeline page to ``out_path``."""
    ds = _load(graph_path)
    return render_timeline(ds, _prepare_out(out_path), heading=f"kg timeline: {Path(graph_path).name}")
