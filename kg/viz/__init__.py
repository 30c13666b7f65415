"""Interactive views of a kg graph: self-contained HTML pages that work offline.

Every view reads an Oxigraph store (``pyoxigraph.Store``): a graph file loaded in memory
(``kg.store.oxstore.load_store``) or a build's store on disk, opened read-only.

* ``render_store(store, path)`` / ``render_file(graph_path, out_path)``: the whole graph, drawn
  with vis-network: nodes coloured and shaped by kind and sized by degree, edges labelled by
  relation, the evidence (sentence, document, date) of every node and edge in a side panel, a
  search box, filters by kind, region and date, and a reset. ``render_html`` draws every sentence
  whatever the size of the store.
* ``render_focus``: one entity's neighbourhood; ``render_query``: the result of a CONSTRUCT
  query or of a SELECT whose rows are edges.
* ``render_timeline`` / ``render_timeline_file``: posts held and meetings attended per person
  (and holders per post) along a date axis, as plain SVG.
* ``write_view``: any of them from a graph file or a store folder, named as ``kg viz`` names them.

See docs/viz.md for the commands and the stabilisation figures behind the layout options.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

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
    focus_view,
    open_index,
)
from kg.viz.fromstore import render_store
from kg.viz.page import DEFAULT_MAX_NODES, render_graph
from kg.viz.queryview import graph_from_triples, query_title, query_triples, render_query

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
    "focus_view",
    "graph_from_triples",
    "open_index",
    "query_title",
    "query_triples",
    "render_file",
    "render_focus",
    "render_html",
    "render_query",
    "render_store",
    "render_timeline",
    "render_timeline_file",
    "write_view",
]

Source = ox.Store | GraphIndex
WHOLE_VIEW = "graph-view.html"  # kg viz's whole-graph page: beside a build's graph.html, never over it


def _prepare_out(out: str | Path) -> Path:
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out.parent}: cannot create the folder: {exc.strerror or exc}") from None
    return out


def _target(out: str | Path | None, default: Path) -> Path:
    """``out``, or ``default`` without one; in an existing folder ``out``, the default's name."""
    if out is None:
        return _prepare_out(default)
    return _prepare_out(Path(out) / default.name if Path(out).is_dir() else out)


def _open(source: Source | str | Path) -> Source:
    """A store or index as it is; a graph file loaded into an in-memory store."""
    return source if isinstance(source, ox.Store | GraphIndex) else open_index(source)


def render_html(
    source: Source,
    path: str | Path,
    *,
    heading: str = "kg knowledge graph",
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> Path:
    """Write the interactive, offline HTML view of the whole graph, every sentence included, to ``path``."""
    return render_graph(build_nx_graph(source), path, heading=heading, max_nodes=max_nodes)


def render_file(graph_path: str | Path, out_path: str | Path, *, max_nodes: int | None = DEFAULT_MAX_NODES) -> Path:
    """Load the graph file ``graph_path`` and write its HTML view to ``out_path``."""
    store = _open(graph_path)
    heading = f"kg: {Path(graph_path).name}"
    return render_store(store, _prepare_out(out_path), heading=heading, max_nodes=max_nodes)


def render_focus(
    source: Source | str | Path,
    name: str,
    out_path: str | Path,
    *,
    depth: int = 1,
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> Path:
    """Write the neighbourhood (``depth`` steps) of the entity called ``name`` in a store or graph file.

    Raises ``EntityNotFound`` when no entity, or more than one, has that name.
    """
    sub = focus_view(_open(source), name, depth)
    node = next(n for n, data in sub.nodes(data=True) if data.get("focus"))
    label = sub.nodes[node]["name"]
    heading = f"kg: {label} and {'its neighbours' if depth == 1 else f'what is within {depth} steps'}"
    return render_graph(sub, _prepare_out(out_path), heading=heading, max_nodes=max_nodes)


def render_timeline(source: Source, path: str | Path, *, heading: str = "kg timeline") -> Path:
    """Write the timeline page (posts held, meetings attended, along a date axis) of ``source``."""
    from kg.viz.timeline import render_timeline as _render

    return _render(source, path, heading=heading)


def render_timeline_file(graph_path: str | Path, out_path: str | Path) -> Path:
    """Load ``graph_path`` and write its timeline page to ``out_path``."""
    store = _open(graph_path)
    return render_timeline(store, _prepare_out(out_path), heading=f"kg timeline: {Path(graph_path).name}")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60] or "view"


def write_view(
    *,
    graph: str | Path | None = None,
    store: str | Path | None = None,
    out: str | Path | None = None,
    focus: str | None = None,
    depth: int | None = None,
    query: str | None = None,
    params: Mapping[str, str] | None = None,
    timeline: bool = False,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    view: str | None = None,
    region: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Path:
    """Write one view of a graph file (``graph``) or of an Oxigraph store folder (``store``, read-only).

    The view is the whole graph, or ``focus`` (an entity's name, ``depth`` steps out), or
    ``query`` (a name, .rq file or SPARQL; ``params``), or the ``timeline``: one at a time.
    Without ``out`` the page goes beside the graph file (or the store folder): graph-view.html,
    focus-NAME.html, query-NAME.html or timeline.html; an existing folder ``out`` gets the page
    under that name. Returns the page's path.
    ``view`` (``kg.viz.views``: graph, meetings, roster, initiatives, or all of them side by side)
    writes graph-view.html, meetings.html, roster.html or initiatives.html; ``region``, ``start`` and
    ``end`` narrow the meetings view. With ``all`` the path returned is the graph page's.
    """
    if (graph is None) == (store is None):
        raise QueryError("give a graph file or a store, not both")
    if sum((focus is not None, query is not None, timeline, view is not None)) > 1:
        raise QueryError("--focus, --query, --timeline and --view are one at a time")
    if view is not None:
        from kg.viz.views import check_view

        check_view(view)
    if depth is not None and focus is None:
        raise QueryError("--depth goes with --focus NAME")
    if params and query is None:
        raise QueryError("--param goes with --query")
    if store is not None:
        from kg.store.oxstore import open_store

        where = Path(store)
        source: Source = open_store(where, read_only=True)
    else:
        where = Path(graph)  # type: ignore[arg-type]
        source = _open(where)
    folder = where.parent
    if view is not None or region or start or end:
        from kg.viz.viewpage import VIEW_FILES
        from kg.viz.views import write_views

        if view == "all":
            out_path = None
            if out is not None:
                folder = Path(out) if Path(out).is_dir() else _prepare_out(out).parent
        else:
            out_path = _target(out, folder / VIEW_FILES[view or "graph"][0])
        pages = write_views(
            view or "graph",
            source,
            folder,
            out=out_path,
            heading=f"kg: {where.name}",
            region=region,
            start=start,
            end=end,
        )
        return pages[0]
    if timeline:
        path = _target(out, folder / "timeline.html")
        return render_timeline(source, path, heading=f"kg timeline: {where.name}")
    if focus is not None:
        path = _target(out, folder / f"focus-{_slug(focus)}.html")
        return render_focus(source, focus, path, depth=1 if depth is None else depth, max_nodes=max_nodes)
    if query is not None:
        stem = Path(query).stem if "{" not in query else "sparql"
        path = _target(out, folder / f"query-{_slug(stem)}.html")
        return render_query(source, query, path, params=params, max_nodes=max_nodes)
    path = _target(out, folder / WHOLE_VIEW)  # never the build's own graph.html (build.json records its hash)
    return render_store(source, path, heading=f"kg: {where.name}", max_nodes=max_nodes)
