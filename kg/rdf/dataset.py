"""The mapped graph as an rdflib Dataset, for the code and tests that need rdflib terms.

pyshacl validates rdflib graphs, and the golden tests compare graphs with rdflib's ``compare``;
everything else (the build, the exports, the queries) uses the pyoxigraph quads of
``kg.rdf.mapping``.
"""

from __future__ import annotations

from rdflib import Dataset, Graph, URIRef

from kg.model import Corpus
from kg.rdf.namespace import ID, bind_prefixes

ENTITIES_GRAPH = ID["graph/entities"]
PROVENANCE_GRAPH = ID["graph/provenance"]


def iri(key: str) -> URIRef:
    """The IRI of a corpus key as an rdflib URIRef (see ``kg.rdf.mapping.resource``)."""
    from kg.rdf.mapping import resource

    return URIRef(resource(key).value)


def corpus_to_dataset(corpus: Corpus, *, version: str | None = None) -> Dataset:
    """The graph of ``corpus`` (``kg.rdf.mapping.corpus_parts``) as an rdflib Dataset with ``default_union``."""
    from kg.rdf.convert import to_rdflib
    from kg.rdf.mapping import corpus_quads

    ds = Dataset(default_union=True)
    bind_prefixes(ds)
    graphs: dict[str, Graph] = {}
    terms: dict[object, object] = {}

    def term(node: object) -> object:
        found = terms.get(node)
        if found is None:
            found = terms[node] = to_rdflib(node)
        return found

    for quad in corpus_quads(corpus, version=version):
        name = quad.graph_name.value
        graph = graphs.get(name)
        if graph is None:
            graph = graphs[name] = ds.graph(URIRef(name))
        graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return ds


def facts_graph(ds: Dataset) -> Graph:
    """One graph with the entities and every fact, without provenance (what graph.ttl holds)."""
    merged = bind_prefixes(Graph())
    for graph in ds.graphs():
        if graph.identifier == PROVENANCE_GRAPH:
            continue
        for triple in graph:
            merged.add(triple)
    return merged
