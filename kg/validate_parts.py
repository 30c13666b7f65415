"""Validation that scales: the parts of a streamed build checked one by one (see ``PartValidator``).

Small graphs are validated whole, as ``kg.validate.validate_graph`` always did. pyshacl cannot
take millions of triples, so for a large graph the parts the build maps one at a time (see
``kg.rdf.mapping.corpus_parts``) are validated separately, each with the entity descriptions it
refers to (read from the store): all of them up to a budget, then a deterministic sample.
"""

from __future__ import annotations

import re

from rdflib import Graph, URIRef
from rdflib.term import Node

VALIDATION_MODES = ("auto", "full", "sample", "off")
FULL_LIMIT_FACTS = 6_000  # auto: up to this many facts the whole graph is validated at once
SAMPLE_PARTS = 10  # sample: at most about this many parts are validated


def _context(store: object, quads: list[tuple], hops: int = 12) -> Graph:
    """The entity descriptions (from ``store``) of the kg nodes ``quads`` refer to, and of the nodes those refer to."""
    import pyoxigraph as ox

    from kg.oxstore import to_rdflib
    from kg.rdf.mapping import ENTITIES_GRAPH
    from kg.rdf.namespace import ID

    graph = Graph()
    kg_node = re.compile(f"^{re.escape(str(ID))}(?!assertion/|date/)").match  # (not in the entities graph)
    frontier = {n for q in quads for n in (q[0], q[2]) if isinstance(n, URIRef) and kg_node(str(n))}
    entities = ox.NamedNode(str(ENTITIES_GRAPH))
    seen: set[Node] = set()
    for _ in range(hops):  # place and organization hierarchies are a few steps deep
        found: set[Node] = set()
        for node in sorted(frontier - seen):
            seen.add(node)
            for quad in store.quads_for_pattern(ox.NamedNode(str(node)), None, None, entities):
                o = to_rdflib(quad.object)
                graph.add((node, to_rdflib(quad.predicate), o))
                if isinstance(o, URIRef) and kg_node(str(o)):
                    found.add(o)
        frontier = found
    return graph


class PartValidator:
    """Chooses which parts of a streamed build to validate, keeps them, and validates them at the end.

    ``full``: every part (all at once when the corpus has at most ``FULL_LIMIT_FACTS`` facts, else
    part by part); ``sample``: every part when there are at most ``SAMPLE_PARTS``, else every k-th
    part (deterministic); ``auto``: ``full`` for small corpora, else ``sample``; ``off``: nothing.
    Parts validated alone carry the entity descriptions they refer to (read from the store).
    """

    def __init__(self, mode: str, facts: int, parts: int) -> None:
        if mode not in VALIDATION_MODES:
            raise ValueError(f"unknown validation mode {mode!r}; use one of {', '.join(VALIDATION_MODES)}")
        if mode == "auto":
            mode = "full" if facts <= FULL_LIMIT_FACTS else "sample"
        self.mode = mode
        self.whole = mode == "full" and facts <= FULL_LIMIT_FACTS
        self.parts = parts
        self.stride = 1 if mode == "full" or parts <= SAMPLE_PARTS else -(-parts // SAMPLE_PARTS)
        self.kept: list[list[tuple]] = []
        self.head: list[tuple] = []
        self.seen = 0

    def offer(self, kind: str, quads: list[tuple]) -> None:
        """Keep ``quads`` (one part of the build, in order) if this part is to be validated."""
        if self.mode == "off":
            return
        if kind == "head":
            self.head = quads
            return
        if self.seen % self.stride == 0:
            self.kept.append(quads)
        self.seen += 1

    def validate(self, store: object) -> dict[str, object]:
        """Validate the kept parts; raise ``ValidationError`` on the first violation; return what was checked."""
        if self.mode == "off":
            return {"mode": "off"}
        checked = 0
        if self.whole:
            union = Graph()
            for quads in [self.head, *self.kept]:
                for s, p, o, _ in quads:
                    union.add((s, p, o))
            checked = len(union)
            _validate_graph(union)
        else:
            for number, quads in enumerate(self.kept):
                graph = _context(store, quads)
                for s, p, o, _ in [*self.head, *quads]:
                    graph.add((s, p, o))
                checked += len(graph)
                _validate_graph(graph, name=f"graph (validated part {number + 1} of {len(self.kept)})")
        return {
            "mode": self.mode,
            "parts": self.parts,
            "parts_validated": len(self.kept) if self.kept else 0,
            "triples_validated": checked,
            "whole_graph": self.whole,
        }


def _validate_graph(graph: Graph, **kwargs: object) -> None:
    from kg.validate import validate_graph  # looked up at call time (tests may replace kg.validate)

    validate_graph(graph, **kwargs)
