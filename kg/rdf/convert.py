"""Terms between rdflib and pyoxigraph: the rdflib view of kg's graphs (tests, SHACL reports) and Oxigraph's."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import BNode, Dataset, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

__all__ = ["dataset_quads", "graph_name", "to_oxigraph", "to_rdflib"]

_XSD_STRING = str(XSD.string)
_RDF_LANG_STRING = str(RDF.langString)


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, RdfLiteral):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {term!r} in Oxigraph")


def graph_name(identifier: Node) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
    if identifier is None or identifier == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    return to_oxigraph(identifier)


def to_rdflib(term: object) -> Node | None:
    """A pyoxigraph term as the rdflib term kg.query would return (None stays None)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return RdfLiteral(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype in (_XSD_STRING, _RDF_LANG_STRING):
            return RdfLiteral(term.value)
        return RdfLiteral(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported term in a query answer: {term!r}")


def dataset_quads(ds: Dataset) -> Iterator[ox.Quad]:
    """The quads of an rdflib Dataset as pyoxigraph quads."""
    cache: dict[Node, object] = {}  # IRIs repeat a lot: convert each once per call

    def term(node: Node):  # noqa: ANN202
        found = cache.get(node)
        if found is None:
            found = to_oxigraph(node)
            if len(cache) < 1_000_000:
                cache[node] = found
        return found

    for graph in ds.graphs():
        name = graph_name(graph.identifier)
        for s, p, o in graph:
            yield ox.Quad(term(s), term(p), term(o), name)
