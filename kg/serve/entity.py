"""One entity's facts with their evidence, read through a backend (so rdflib and Oxigraph answer alike).

``describe(backend, iri)`` gives the entity's names, types, the facts it takes part in (each with
its assertion graph, kind, document, evidence sentence and character offsets) and its other
statements; ``entity_graph(backend, iri)`` the triples about it, for Turtle / N-Triples / JSON-LD.
"""

from __future__ import annotations

import re

from rdflib import RDF, RDFS, URIRef

from kg.errors import QueryError
from kg.query import QueryResult
from kg.rdf.namespace import SCHEMA
from kg.serve.backend import Backend
from kg.viz.data import EntityNotFound

IRI_PATTERN = re.compile(r"[^\s<>\"{}|\\^`]+")  # what can be written as <iri> in SPARQL

FACTS = """
SELECT ?dir ?s ?p ?o ?a ?sName ?oName ?kind ?doc ?docName ?sentence ?start ?end ?confidence WHERE {
  { GRAPH ?g { ?this ?p ?o0 } BIND ("out" AS ?dir) }
  UNION { GRAPH ?g { ?s0 ?p ?this } BIND ("in" AS ?dir) }
  UNION { GRAPH ?this { ?s0 ?p ?o0 } BIND ("stated" AS ?dir) }
  BIND (COALESCE(?s0, ?this) AS ?s)
  BIND (COALESCE(?o0, ?this) AS ?o)
  BIND (COALESCE(?g, ?this) AS ?a)
  OPTIONAL { ?s schema:name|rdfs:label ?sName }
  OPTIONAL { ?o schema:name|rdfs:label ?oName }
  OPTIONAL { ?a kg:factKind ?kind }
  OPTIONAL { ?a prov:wasDerivedFrom ?doc OPTIONAL { ?doc schema:name ?docName } }
  OPTIONAL {
    ?a kg:evidence ?evidence . ?evidence oa:hasSelector ?quote . ?quote oa:exact ?sentence .
    OPTIONAL { ?evidence oa:hasSelector ?position . ?position oa:start ?start ; oa:end ?end }
  }
  OPTIONAL { ?a kg:confidence ?confidence }
}
"""

GRAPH = """
CONSTRUCT {
  ?this ?p ?o . ?s ?q ?this .
  ?o schema:name ?oName ; rdfs:label ?oLabel . ?s schema:name ?sName ; rdfs:label ?sLabel .
}
WHERE {
  { ?this ?p ?o OPTIONAL { ?o schema:name ?oName } OPTIONAL { ?o rdfs:label ?oLabel } }
  UNION { ?s ?q ?this OPTIONAL { ?s schema:name ?sName } OPTIONAL { ?s rdfs:label ?sLabel } }
}
"""


def check_iri(iri: str) -> str:
    """``iri`` if it can be written as ``<iri>`` in SPARQL; else ``EntityNotFound``."""
    if not iri or not IRI_PATTERN.fullmatch(iri) or ":" not in iri:
        raise EntityNotFound(f"not an IRI: {iri!r}")
    return iri


def _bind(sparql: str, iri: str) -> str:
    """``sparql`` with ``?this`` written as ``<iri>`` (checked by ``check_iri``): both engines start from it."""
    return sparql.replace("?this", f"<{check_iri(iri)}>")


def _value(term, name) -> dict:  # noqa: ANN001
    entry = {"type": "uri" if isinstance(term, URIRef) else "literal", "value": str(term)}
    if name is not None:
        entry["name"] = str(name)
    return entry


def _int(term) -> int | None:  # noqa: ANN001
    try:
        return int(str(term)) if term is not None else None
    except ValueError:
        return None


def _entity(iri: str, result: QueryResult) -> dict:
    names, labels, types, facts, statements, seen = [], [], [], [], [], set()
    for row in result.terms:
        d, s, p, o, a, s_name, o_name, kind, doc, doc_name, sentence, start, end, confidence = row
        key = (str(d), s, p, o, a)
        if key in seen:
            continue
        seen.add(key)
        if kind is not None and sentence is not None:
            facts.append(
                {
                    "kind": str(kind),
                    "subject": str(s),
                    "subject_name": None if s_name is None else str(s_name),
                    "predicate": str(p),
                    "object": _value(o, o_name),
                    "graph": str(a),
                    "evidence": {
                        "sentence": str(sentence),
                        "doc": None if doc is None else str(doc),
                        "doc_name": None if doc_name is None else str(doc_name),
                        "start": _int(start),
                        "end": _int(end),
                        "confidence": None if confidence is None else float(confidence),
                    },
                }
            )
            continue
        if str(d) == "out" and p == SCHEMA["name"]:
            names.append(str(o))
        elif str(d) == "out" and p == RDFS.label:
            labels.append(str(o))
        elif str(d) == "out" and p == RDF.type:
            types.append(str(o))
        other = s if str(d) == "in" else o
        statements.append(
            {"direction": str(d), "predicate": str(p), **_value(other, s_name if str(d) == "in" else o_name)}
        )
    if not facts and not statements:
        raise EntityNotFound(f"{iri}: nothing in the graph is about this IRI")
    facts.sort(key=lambda f: (f["kind"], f["predicate"], f["subject"], f["object"]["value"], f["graph"]))
    statements.sort(key=lambda s: (s["direction"] != "out", s["predicate"], s["value"]))
    fallback = iri.rstrip("/#").rsplit("/", 1)[-1]
    return {
        "iri": iri,
        "name": min(names or labels or [fallback]),
        "names": sorted(set(names)),
        "types": sorted(set(types)),
        "facts": facts,
        "statements": statements,
        "truncated": result.truncated,
    }


def describe(backend: Backend, iri: str, *, timeout: float | None = None, max_rows: int | None = None) -> dict:
    """The entity ``iri``: name, types, facts with evidence, other statements (``EntityNotFound`` if unknown)."""
    check_iri(iri)
    result = backend.query(_bind(FACTS, iri), timeout=timeout, max_rows=max_rows)
    if result.kind != "select":  # pragma: no cover - FACTS is a SELECT
        raise QueryError("the entity query did not return rows")
    return _entity(iri, result)


def entity_graph(
    backend: Backend, iri: str, *, timeout: float | None = None, max_rows: int | None = None
) -> QueryResult:
    """The triples about ``iri`` (both directions, with the names of its neighbours)."""
    check_iri(iri)
    result = backend.query(_bind(GRAPH, iri), timeout=timeout, max_rows=max_rows)
    if result.graph is None or not len(result.graph):
        raise EntityNotFound(f"{iri}: nothing in the graph is about this IRI")
    return result
