"""What the views draw: a networkx graph of kg's entities and relations, with their evidence.

Drawing happens in two steps, so that a view reads only the evidence it shows:

* ``skeleton_graph(index)``: every entity (kind, name, other names, colour, shape) and every
  relation between two entities (label, predicate), with each node's degree. It needs only the
  structure of a ``GraphIndex``;
* ``detail(graph, index, nodes)``: for ``nodes`` (all by default), the evidence of their edges
  and mentions, regions, dates, sizes and tooltips; the evidence is read from the store for just
  those edges first (``load_evidence_for``).

``build_nx_graph`` is both steps for the whole graph (used by the graph page and ``kg export``);
``focus_view`` cuts out one entity's neighbourhood (``kg.viz.queryview.graph_from_triples`` draws
the result of a query). Node ids are IRIs.
"""

from __future__ import annotations

import difflib
import math
from collections import deque
from collections.abc import Collection, Iterable
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg.errors import KgError
from kg.rdf.namespace import ID
from kg.viz.index import (
    EDGES,
    HOLDING,
    KIND_STYLE,
    KINDS,
    MEETING_ROLES,
    EdgeSpec,
    Evidence,
    GraphIndex,
    iso_date,
    local_name,
    short_label,
)

MAX_DERIVED_EVIDENCE = 3
_NO_SPEC = EdgeSpec("")


class EntityNotFound(KgError):
    """No entity of the graph has the name asked for (the message lists close names)."""

    exit_code = 2


def open_index(source: ox.Store | GraphIndex | str | Path) -> GraphIndex:
    """The index of a store, of a graph file (loaded into an in-memory store), or ``source`` if it is one."""
    if isinstance(source, GraphIndex):
        return source
    if isinstance(source, str | Path):
        from kg.store.oxstore import load_store

        source = load_store(source)
    return GraphIndex(source)


# ---------------------------------------------------------------- the skeleton


def add_node(graph: nx.MultiDiGraph, index: GraphIndex, node: str) -> None:
    """Add ``node`` with its kind, name, label, other names, colour and shape."""
    kind = index.kind(node) or "other"
    name = index.name(node)
    graph.add_node(
        node,
        kind=kind,
        name=name,
        label=short_label(name),
        alt_names=sorted(index.alt_names.get(node, set()) - {name}),
        color=KIND_STYLE[kind][0],
        shape=KIND_STYLE[kind][1],
    )


def add_edge(graph: nx.MultiDiGraph, s: str, p: str, o: str, label: str | None = None) -> None:
    """Add the relation ``s p o`` drawn as ``EDGES`` says (else labelled ``label`` or ``p``'s local name)."""
    spec = EDGES.get(p) or EdgeSpec(label or local_name(p))
    source, target = (o, s) if spec.reverse else (s, o)
    graph.add_edge(source, target, key=spec.label, label=spec.label, predicate=p, triple=(s, p, o))


def set_degrees(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Store every node's degree in its ``degree`` attribute (what ranks nodes and sizes them)."""
    for node, degree in graph.degree():
        graph.nodes[node]["degree"] = degree
    return graph


def skeleton_graph(index: GraphIndex) -> nx.MultiDiGraph:
    """Every entity and every relation between two entities, without evidence (see ``detail``)."""
    graph = nx.MultiDiGraph()
    for node in index.entities():
        add_node(graph, index, node)
    for s, p, o in sorted(index.edge_graphs):
        if s in graph and o in graph:
            add_edge(graph, s, p, o)
    return set_degrees(graph)


# ---------------------------------------------------------------- evidence, regions, dates, tooltips


def _incident(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> list[tuple[str, str, str, dict]]:
    """The edges touching ``nodes``, each once, in the graph's order."""
    seen: set[tuple[str, str, str]] = set()
    found = []
    for node in nodes:
        for s, t, key, data in [
            *graph.out_edges(node, keys=True, data=True),
            *graph.in_edges(node, keys=True, data=True),
        ]:
            if (s, t, key) not in seen:
                seen.add((s, t, key))
                found.append((s, t, key, data))
    return found


def _with_region_sources(graph: nx.MultiDiGraph, nodes: Collection[str]) -> set[str]:
    """``nodes`` and the organizations their posts are in (a post takes its organization's regions)."""
    more = {t for n in nodes for _s, t, data in graph.out_edges(n, data=True) if data["label"] == "post in"}
    return set(nodes) | more


def load_evidence_for(graph: nx.MultiDiGraph, index: GraphIndex, nodes: Collection[str] | None = None) -> None:
    """Read from the store the evidence that ``detail(graph, index, nodes)`` shows (all when None)."""
    if nodes is None:
        index.load_evidence()
        return
    wanted = _with_region_sources(graph, nodes)
    assertions = [g for *_e, data in _incident(graph, wanted) for g in index.edge_graphs.get(data["triple"], ())]
    assertions += [g for node in wanted for g in index.mention_graphs.get(node, ())]
    index.load_evidence(assertions)


def _edge_dates(index: GraphIndex, evidence: list[Evidence], meeting: str | None) -> list[str]:
    dates = {e.date for e in evidence if e.date}
    if meeting is not None and iso_date(index.start_date.get(meeting)):
        dates.add(iso_date(index.start_date[meeting]))
    return sorted(dates)


def _edge_evidence(index: GraphIndex, data: dict) -> None:
    s, _p, o = data["triple"]
    assertions = index.assertions(*data["triple"])
    evidence = index.evidence_of(assertions) if assertions else []
    meeting = s if index.kind(s) == "meeting" else o if index.kind(o) == "meeting" else None
    data.update(
        evidence=[e.as_dict() for e in evidence],
        derived=not evidence,
        dates=_edge_dates(index, evidence, meeting),
        docs=sorted(index.docs_of(assertions)) if assertions else [],
    )


def _node_evidence(index: GraphIndex, node: str, data: dict) -> None:
    graphs = index.mention_graphs.get(node, ())
    data["mentions"] = [e.as_dict() for e in index.evidence_of(graphs)]
    data["mention_docs"] = sorted(index.docs_of(graphs))


def _add_derived_evidence(graph: nx.MultiDiGraph, edges: Iterable[tuple[str, str, str, dict]]) -> None:
    """Relations from the entity descriptions (post in, part of, ...) carry their subject's sentences.

    A post is "in" an organization because a sentence named the post; an organization is "part
    of" another, or has a jurisdiction, because of how its name reads where it was mentioned.
    """
    for source, target, _key, data in edges:
        if not data["derived"]:
            continue
        subject = target if EDGES.get(data["predicate"], _NO_SPEC).reverse else source
        found: list[dict] = []
        for _s, _t, other in graph.in_edges(subject, data=True):
            found.extend(other["evidence"])
        for _s, _t, other in graph.out_edges(subject, data=True):
            found.extend(other["evidence"])
        found.extend(graph.nodes[subject]["mentions"])
        unique = {e["assertion"]: e for e in found}
        data["derived_from"] = sorted(unique.values(), key=lambda e: (e["date"] or "9999", e["doc"]))[
            :MAX_DERIVED_EVIDENCE
        ]


def _region_names(graph: nx.MultiDiGraph, index: GraphIndex, nodes: Collection[str]) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for node in nodes:
        data = graph.nodes[node]
        docs = set(data["mention_docs"])
        for *_e, edge in _incident(graph, [node]):
            docs.update(edge["docs"])
        places = {r for d in docs for r in index.doc_region.get(d, ())}
        if data["kind"] == "place":
            places.add(node)
        for _s, target, edge in graph.out_edges(node, data=True):
            if edge["label"] in ("jurisdiction", "held in"):
                places.add(target)
        names[node] = {index.name(index.region(p)) for p in places}
    for node in nodes:  # posts take the regions of their organizations
        for _s, target, edge in graph.out_edges(node, data=True):
            if edge["label"] == "post in" and target in names:
                names[node] = names[node] | names[target]
    return names


def _node_title(data: dict, degree: int, sentences: list[dict]) -> str:
    extra = f" · {', '.join(data['regions'])}" if data["regions"] else ""
    title = f"{data['name']}\n{data['kind']} · {degree} connection{'s' if degree != 1 else ''}{extra}"
    if sentences:
        first = sentences[0]
        when = f", {first['date']}" if first["date"] else ""
        title += f"\n“{first['sentence']}”\n— {first['doc']}{when}\n(click for all the sentences)"
    return title


def _edge_title(graph: nx.MultiDiGraph, source: str, target: str, data: dict) -> str:
    head = f"{graph.nodes[source]['name']} — {data['label']} → {graph.nodes[target]['name']}"
    if not data["evidence"]:
        return f"{head}\n(from the entity descriptions; click for the sentences behind them)"
    first = data["evidence"][0]
    when = f", {first['date']}" if first["date"] else ""
    more = len(data["evidence"]) - 1
    tail = f"\n(+{more} more: click the edge)" if more else ""
    return f"{head}\n“{first['sentence']}”\n— {first['doc']}{when}{tail}"


def detail(graph: nx.MultiDiGraph, index: GraphIndex, nodes: Collection[str] | None = None) -> nx.MultiDiGraph:
    """Give ``nodes`` (every node when None) and the edges between them what the page shows.

    Edges get evidence (dicts with sentence, doc, date, fact, confidence, assertion), derived
    (True for relations from the entity descriptions rather than a sentence; they get the
    sentences naming their subject as derived_from), dates, docs and a title; nodes get
    mentions, regions, dates, size (from their degree in ``graph``), start_date and a title.
    Only evidence already loaded in ``index`` is used (see ``load_evidence_for``).
    """
    everything = nodes is None
    chosen = list(graph) if everything else [n for n in graph if n in set(nodes)]
    wanted = set(chosen) if everything else _with_region_sources(graph, chosen)
    incident = list(graph.edges(keys=True, data=True)) if everything else _incident(graph, sorted(wanted))
    for *_e, data in incident:
        _edge_evidence(index, data)
    for node in graph if everything else sorted(wanted):
        _node_evidence(index, node, graph.nodes[node])
    keep = set(chosen)
    inside = incident if everything else [e for e in incident if e[0] in keep and e[1] in keep]
    _add_derived_evidence(graph, inside)
    regions = _region_names(graph, index, chosen if everything else sorted(wanted))
    for node in chosen:
        data = graph.nodes[node]
        degree = data["degree"]
        around = [*graph.out_edges(node, data=True), *graph.in_edges(node, data=True)]
        dates = {d for _s, _t, e in around for d in e["dates"]}
        dates |= {m["date"] for m in data["mentions"] if m["date"]}
        start = iso_date(index.start_date.get(node))
        if start:
            dates.add(start)
        data.update(
            degree=degree,
            size=round(10 + 6 * math.sqrt(degree), 1),
            regions=sorted(regions[node]),
            dates=sorted(dates),
        )
        if node in index.start_date:
            data["start_date"] = index.start_date[node]
        sentences = [*data["mentions"], *(e for _s, _t, edge in around for e in edge["evidence"])]
        data["title"] = _node_title(data, degree, sentences)
    for source, target, _key, data in inside:
        data["title"] = _edge_title(graph, source, target, data)
    return graph


def build_nx_graph(source: ox.Store | GraphIndex) -> nx.MultiDiGraph:
    """The people, organizations, posts, meetings, initiatives and places of ``source`` and their relations.

    Node attributes: kind, name, label, alt_names, color, shape, size, degree, regions, dates,
    mentions (evidence dicts), title. Edge attributes (key = label): label, predicate, evidence,
    derived, derived_from, dates, docs, title (see ``detail``). Documents are not drawn.
    """
    index = open_index(source)
    graph = skeleton_graph(index)
    load_evidence_for(graph, index)
    return detail(graph, index)


# ---------------------------------------------------------------- focus and query views


def find_node(graph: nx.MultiDiGraph, name: str) -> str:
    """The node called ``name``: exact name, other name or IRI key first, then a unique substring.

    Raises ``EntityNotFound`` listing the candidates when there are several, or close names.
    """
    wanted = name.casefold().strip()
    if not wanted:
        raise EntityNotFound("--focus needs a name")
    exact, partial = [], []
    for node, data in graph.nodes(data=True):
        names = [data["name"], *data.get("alt_names", ())]
        keys = [n.casefold() for n in names] + [node.casefold(), node.removeprefix(str(ID)).casefold()]
        if wanted in keys:
            exact.append(node)
        elif any(wanted in n.casefold() for n in names):
            partial.append(node)
    for found in (exact, partial):
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            listed = "; ".join(sorted(f"{graph.nodes[n]['name']} ({graph.nodes[n]['kind']})" for n in found)[:12])
            raise EntityNotFound(f"'{name}' names {len(found)} entities: {listed}; give the full name")
    all_names = sorted({data["name"] for _n, data in graph.nodes(data=True)})
    close = difflib.get_close_matches(name, all_names, n=5, cutoff=0.5)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    raise EntityNotFound(f"no entity named '{name}' in the graph{hint}")


def neighbourhood(graph: nx.MultiDiGraph, node: str, depth: int = 1) -> set[str]:
    """The nodes within ``depth`` steps of ``node``, edges followed either way."""
    if depth < 0:
        raise EntityNotFound("--depth must be 0 or more")
    seen, queue = {node: 0}, deque([node])
    while queue:
        current = queue.popleft()
        if seen[current] == depth:
            continue
        for other in (*graph.successors(current), *graph.predecessors(current)):
            if other not in seen:
                seen[other] = seen[current] + 1
                queue.append(other)
    return set(seen)


def focus_graph(graph: nx.MultiDiGraph, node: str, depth: int = 1) -> nx.MultiDiGraph:
    """The part of ``graph`` within ``depth`` steps of ``node`` (edges followed either way)."""
    sub = graph.subgraph(neighbourhood(graph, node, depth)).copy()
    sub.nodes[node]["focus"] = True
    return sub


def focus_view(source: ox.Store | GraphIndex, name: str, depth: int = 1) -> nx.MultiDiGraph:
    """The neighbourhood of the entity called ``name``, reading the evidence of just that part."""
    index = open_index(source)
    graph = skeleton_graph(index)
    node = find_node(graph, name)
    nodes = neighbourhood(graph, node, depth)
    load_evidence_for(graph, index, nodes)
    return focus_graph(detail(graph, index, nodes), node, depth)


__all__ = [
    "EDGES",
    "HOLDING",
    "KINDS",
    "KIND_STYLE",
    "MEETING_ROLES",
    "EntityNotFound",
    "Evidence",
    "GraphIndex",
    "add_edge",
    "add_node",
    "build_nx_graph",
    "detail",
    "find_node",
    "focus_graph",
    "focus_view",
    "iso_date",
    "load_evidence_for",
    "neighbourhood",
    "open_index",
    "set_degrees",
    "short_label",
    "skeleton_graph",
]
