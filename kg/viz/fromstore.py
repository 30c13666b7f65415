"""The graph page of an Oxigraph store, reading only what the page can show.

The structure (entities, names, relations) is read whole: it is small. The evidence depends on
the size of the store:

* up to ``FULL_VIEW_STATEMENTS`` fact and mention statements (assertion graphs; 150 articles make
  about 3,800), or with no node limit, every sentence is read, and the page is the whole graph
  with the ``max_nodes`` most connected nodes drawn;
* above, only the ``max_nodes`` most connected nodes are detailed (the others are listed by
  name), each edge between them with at most ``EVIDENCE_PER_EDGE`` of its sentences and each
  node with at most as many of the sentences mentioning it, and the page says so.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg.viz.data import GraphIndex, detail, load_evidence_for, open_index, skeleton_graph
from kg.viz.page import DEFAULT_MAX_NODES, keep_most_connected, render_graph

FULL_VIEW_STATEMENTS = 15_000  # about 400,000 quads of kg's graph
EVIDENCE_PER_EDGE = 3  # a large view shows at most this many evidence sentences per edge and mentions per node


def _statements(index: GraphIndex) -> int:
    """How many assertion graphs state the relations and mentions (counted without reading the store)."""
    graphs = {g for found in index.edge_graphs.values() for g in found}
    graphs.update(g for found in index.mention_graphs.values() for g in found)
    return len(graphs)


def _capped(graphs: set[str], cap: int) -> list[str]:
    return sorted(graphs)[:cap]


def view_graph(
    source: ox.Store | GraphIndex, *, max_nodes: int | None = DEFAULT_MAX_NODES
) -> tuple[nx.MultiDiGraph, str]:
    """The graph the page of ``source`` draws (see the module's docstring), and a note on what it leaves out."""
    index = open_index(source)
    graph = skeleton_graph(index)
    if max_nodes is None or _statements(index) <= FULL_VIEW_STATEMENTS:
        load_evidence_for(graph, index)
        return detail(graph, index), ""
    keep = keep_most_connected(graph, max_nodes)
    assertions: list[str] = []
    capped = False
    for node in sorted(keep):
        mentions = index.mention_graphs.get(node, set())
        assertions += _capped(mentions, EVIDENCE_PER_EDGE)
        for _s, target, data in graph.out_edges(node, data=True):
            if target in keep:
                graphs = index.edge_graphs[data["triple"]]
                assertions += _capped(graphs, EVIDENCE_PER_EDGE)
                capped = capped or len(graphs) > EVIDENCE_PER_EDGE
        capped = capped or len(mentions) > EVIDENCE_PER_EDGE
    index.load_evidence(assertions)
    note = (
        f"Each edge and node shows at most {EVIDENCE_PER_EDGE} of its sentences: "
        "use kg viz --focus NAME for all of them."
        if capped
        else ""
    )
    return detail(graph, index, keep), note


def render_store(
    store: ox.Store | GraphIndex,
    path: str | Path,
    *,
    heading: str = "kg knowledge graph",
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> Path:
    """Write the interactive HTML view of the graph in ``store`` to ``path`` (atomically)."""
    graph, note = view_graph(store, max_nodes=max_nodes)
    return render_graph(graph, path, heading=heading, max_nodes=max_nodes, note=note)
