"""The "Draw as graph" view of ``kg serve``: a query's result as kg's interactive vis-network page.

The result (a CONSTRUCT graph, or SELECT rows ``?source ?relation ?target``) is drawn by the same
code as ``kg viz --query`` (``kg.viz.query_triples``, ``graph_from_triples``, ``view_data``,
``graph_page``). The names, kinds and evidence it needs are fetched through the backend for just
the nodes and triples drawn, so the page is the same from the in-memory graph and from Oxigraph.
"""

from __future__ import annotations

from rdflib import Dataset, URIRef
from rdflib.term import Node

from kg.rdf.namespace import ID
from kg.serve.backend import Backend
from kg.serve.entity import IRI_PATTERN as _IRI
from kg.serve.negotiate import nt_term
from kg.viz import GraphIndex, graph_from_triples, query_triples
from kg.viz.page import DEFAULT_MAX_NODES, graph_page, view_data

MAX_TRIPLES = 3000  # drawn at most (the page itself keeps the 1,000 most connected nodes)
_CHUNK = 300  # IRIs or triples per context query

NODES = """
SELECT ?s ?p ?o WHERE {
  VALUES ?s { @VALUES@ }
  ?s ?p ?o
  FILTER (?p IN (rdf:type, schema:name, rdfs:label, schema:alternateName, schema:startDate,
                 schema:containedInPlace, kg:adminLevel))
}
"""
FACT_GRAPHS = """
SELECT ?g ?s ?p ?o WHERE { VALUES (?s ?p ?o) { @VALUES@ } GRAPH ?g { ?s ?p ?o } }
"""
MENTIONS = """
SELECT ?g ?s ?o WHERE { VALUES ?o { @VALUES@ } GRAPH ?g { ?s schema:mentions ?o } }
"""
PROVENANCE = """
SELECT ?s ?p ?o WHERE {
  VALUES ?a { @VALUES@ }
  {
    ?a ?p ?o BIND (?a AS ?s)
    FILTER (?p IN (prov:wasDerivedFrom, kg:asOf, kg:confidence, kg:evidence, kg:factKind))
  }
  UNION { ?a kg:evidence ?s . ?s oa:hasSelector ?o BIND (oa:hasSelector AS ?p) }
  UNION { ?a kg:evidence/oa:hasSelector ?s . ?s oa:exact ?o BIND (oa:exact AS ?p) }
  UNION { ?a kg:asOf ?s . ?s time:inXSDDate ?o BIND (time:inXSDDate AS ?p) }
  UNION { ?a prov:wasDerivedFrom ?s . ?s ?p ?o FILTER (?p IN (schema:name, schema:datePublished, kg:region)) }
}
"""


def _chunks(items: list, size: int = _CHUNK):  # noqa: ANN202
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _rows(backend: Backend, template: str, values: list[str], timeout: float | None) -> list[tuple]:
    rows: list[tuple] = []
    for chunk in _chunks(values):
        rows += backend.query(template.replace("@VALUES@", " ".join(chunk)), timeout=timeout).terms
    return rows


def context_dataset(backend: Backend, triples: list[tuple[Node, Node, Node]], timeout: float | None) -> Dataset:
    """The quads ``GraphIndex`` needs to name, type and give evidence for ``triples``."""
    ds = Dataset(default_union=True)
    entities = ds.graph(ID["graph/entities"])
    provenance = ds.graph(ID["graph/provenance"])
    nodes = sorted({str(n) for s, _, o in triples for n in (s, o) if isinstance(n, URIRef) and _IRI.fullmatch(n)})
    node_values = [nt_term(URIRef(n)) for n in nodes]
    for s, p, o in _rows(backend, NODES, node_values, timeout):
        entities.add((s, p, o))
    edges = sorted(
        {(s, p, o) for s, p, o in triples if all(isinstance(t, URIRef) and _IRI.fullmatch(t) for t in (s, p, o))},
        key=str,
    )
    edge_values = [f"({nt_term(s)} {nt_term(p)} {nt_term(o)})" for s, p, o in edges]
    graphs: set[Node] = set()
    for g, s, p, o in _rows(backend, FACT_GRAPHS, edge_values, timeout):
        ds.graph(g).add((s, p, o))
        graphs.add(g)
    for g, s, o in _rows(backend, MENTIONS, node_values, timeout):
        ds.graph(g).add((s, URIRef("https://schema.org/mentions"), o))
        graphs.add(g)
    graph_values = [nt_term(g) for g in sorted(graphs, key=str) if isinstance(g, URIRef)]
    for s, p, o in _rows(backend, PROVENANCE, graph_values, timeout):
        provenance.add((s, p, o))
    return ds


def viz_page(
    backend: Backend,
    sparql: str,
    *,
    params: dict[str, str] | None = None,
    timeout: float | None = None,
    max_rows: int | None = None,
    heading: str = "kg query",
) -> str:
    """The interactive graph page (HTML) for the result of ``sparql``."""
    result = backend.query(sparql, params=params, timeout=timeout, max_rows=max_rows)
    triples = query_triples(result, "the query")
    notes = []
    if len(triples) > MAX_TRIPLES:
        notes.append(f"Drawing the first {MAX_TRIPLES:,} of {len(triples):,} results.")
        triples = triples[:MAX_TRIPLES]
    index = GraphIndex(context_dataset(backend, triples, timeout))
    graph, skipped = graph_from_triples(index, triples)
    if not triples:
        notes.append("The query returned nothing to draw.")
    if skipped:
        notes.append(f"{skipped} result{'s' if skipped != 1 else ''} with a literal subject or object not drawn.")
    if result.truncated:
        notes.append("The answer was cut at the server's row cap.")
    data = view_data(graph, max_nodes=DEFAULT_MAX_NODES, note=" ".join(notes))
    return graph_page(data, heading)
