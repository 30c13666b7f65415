"""The HTML view of a graph held in an Oxigraph store, without loading millions of triples into rdflib.

A small store (up to ``FULL_VIEW_QUADS`` quads) is read whole, so the page is the one
``kg.viz.render_html`` draws from the graph file. From a larger one only what the page can show is
read: the ``max_nodes`` most connected nodes (counted over the fact graphs, by SPARQL on
Oxigraph), the fact graphs between them (at most ``EVIDENCE_PER_EDGE`` per edge), the provenance
the side panel shows (document, date, kind, confidence, sentence) and the entity descriptions
they use.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, URIRef

from kg.oxstore import to_rdflib
from kg.rdf.namespace import ID
from kg.viz.page import DEFAULT_MAX_NODES

FULL_VIEW_QUADS = 400_000
EVIDENCE_PER_EDGE = 3  # a large view shows at most this many evidence sentences per edge
_SELECTOR = ox.NamedNode("http://www.w3.org/ns/oa#hasSelector")
_ASSERTION = f"{ID}assertion/"
_ENTITIES = ox.NamedNode(f"{ID}graph/entities")
_PROVENANCE = ox.NamedNode(f"{ID}graph/provenance")
_TOP_NODES = """
SELECT ?n (COUNT(*) AS ?c) WHERE {
  { GRAPH ?a { ?n ?p ?o } } UNION { GRAPH ?a { ?s ?p ?n } }
  FILTER(isIRI(?n) && STRSTARTS(STR(?a), "%s"))
} GROUP BY ?n ORDER BY DESC(?c) STR(?n) LIMIT %d
"""


def _add(ds: Dataset, quads: Iterable[ox.Quad]) -> None:
    for quad in quads:
        graph = ds.graph(URIRef(quad.graph_name.value))
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))


def view_dataset(store: ox.Store, *, max_nodes: int | None = DEFAULT_MAX_NODES) -> Dataset:
    """The part of ``store`` the HTML view needs (all of it when the store is small)."""
    ds = Dataset(default_union=True)
    if max_nodes is None or len(store) <= FULL_VIEW_QUADS:
        _add(ds, store)
        return ds
    top = {row[0] for row in store.query(_TOP_NODES % (_ASSERTION, max_nodes))}
    by_edge: dict[tuple[object, object, object], set[ox.NamedNode]] = {}
    for node in top:
        for quad in [*store.quads_for_pattern(node, None, None), *store.quads_for_pattern(None, None, node)]:
            graph = quad.graph_name
            if isinstance(graph, ox.NamedNode) and graph.value.startswith(_ASSERTION):
                other = quad.object if quad.subject == node else quad.subject
                if other in top or isinstance(other, ox.Literal):
                    by_edge.setdefault((quad.subject, quad.predicate, quad.object), set()).add(graph)
    assertions = {a for found in by_edge.values() for a in sorted(found, key=lambda n: n.value)[:EVIDENCE_PER_EDGE]}
    described: set[object] = set()
    wanted = set(top)
    for assertion in sorted(assertions, key=lambda n: n.value):
        _add(ds, store.quads_for_pattern(None, None, None, assertion))
        sentence = f"{assertion.value}/sentence"  # what the side panel shows: the sentence, not the phrase
        for subject in (assertion, ox.NamedNode(sentence), ox.NamedNode(f"{sentence}/quote")):
            quads = list(store.quads_for_pattern(subject, None, None, _PROVENANCE))
            _add(ds, quads)
            wanted.update(q.object for q in quads if isinstance(q.object, ox.NamedNode) and q.predicate != _SELECTOR)
    for _ in range(2):  # the entities (and the documents and places they point to), two steps out
        found: set[object] = set()
        for node in sorted(wanted - described, key=lambda n: n.value):
            described.add(node)
            quads = list(store.quads_for_pattern(node, None, None, _ENTITIES))
            if node.value.startswith(f"{ID}date/"):  # the instants of as-of dates
                quads += store.quads_for_pattern(node, None, None, _PROVENANCE)
            _add(ds, quads)
            found.update(q.object for q in quads if isinstance(q.object, ox.NamedNode))
        wanted |= found
    return ds


def render_store(
    store: ox.Store, path: str | Path, *, heading: str = "kg knowledge graph", max_nodes: int | None = DEFAULT_MAX_NODES
) -> Path:
    """Write the interactive HTML view of the graph in ``store`` to ``path`` (atomically)."""
    from kg.viz import render_html

    return render_html(view_dataset(store, max_nodes=max_nodes), path, heading=heading, max_nodes=max_nodes)
