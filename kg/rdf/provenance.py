"""The provenance graph ``id:graph/provenance``: assertions, their evidence, the extraction activity.

Every node has an IRI (no blank nodes): ``id:assertion/{hash}/sentence`` and ``.../span`` are the
two ``oa:SpecificResource`` evidence nodes, each with ``.../position`` and ``.../quote`` selectors.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from kg.model import Fact
from kg.rdf.namespace import ID, KG, OA, PROV, TIME


def assertion_key(fact: Fact) -> str:
    """``assertion/{16 hex}``: SHA-1 over ``kind|subject|object|doc_id|sentence_start|start|end``."""
    ev = fact.evidence
    raw = "|".join(
        [fact.kind, fact.subject, fact.object, ev.doc_id, str(ev.sentence_start), str(ev.start), str(ev.end)]
    )
    return "assertion/" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def confidence_literal(value: float) -> Literal:
    """Confidence as xsd:decimal rounded to 3 places ("0.9", "0.833")."""
    return Literal(Decimal(str(round(float(value), 3))), datatype=XSD.decimal)


def add_activity(g: Graph, version: str) -> URIRef:
    """Add ``id:activity/kg-extractor-{version}`` and its agent ``id:agent/kg``; return the activity."""
    activity = ID[f"activity/kg-extractor-{version}"]
    agent = ID["agent/kg"]
    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, RDFS.label, Literal(f"kg extractor {version}")))
    g.add((activity, PROV.wasAssociatedWith, agent))
    g.add((activity, KG.version, Literal(version)))
    g.add((agent, RDF.type, PROV.SoftwareAgent))
    g.add((agent, RDFS.label, Literal("kg")))
    return activity


def add_instant(g: Graph, day: date) -> URIRef:
    """Add ``id:date/YYYY-MM-DD`` as a time:Instant; return it."""
    node = ID[f"date/{day.isoformat()}"]
    g.add((node, RDF.type, TIME.Instant))
    g.add((node, TIME.inXSDDate, Literal(day.isoformat(), datatype=XSD.date)))
    return node


def _add_text_resource(g: Graph, node: URIRef, document: URIRef, start: int, end: int, exact: str) -> None:
    position = URIRef(f"{node}/position")
    quote = URIRef(f"{node}/quote")
    g.add((node, RDF.type, OA.SpecificResource))
    g.add((node, OA.hasSource, document))
    g.add((node, OA.hasSelector, position))
    g.add((node, OA.hasSelector, quote))
    g.add((position, RDF.type, OA.TextPositionSelector))
    g.add((position, OA.start, Literal(start, datatype=XSD.integer)))
    g.add((position, OA.end, Literal(end, datatype=XSD.integer)))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(exact)))


def add_provenance(
    g: Graph,
    assertion: URIRef,
    fact: Fact,
    *,
    document: URIRef,
    activity: URIRef,
    as_of: date | None,
) -> None:
    """Describe ``assertion`` (the IRI of the fact's named graph) with its evidence in ``g``."""
    ev = fact.evidence
    sentence = URIRef(f"{assertion}/sentence")
    span = URIRef(f"{assertion}/span")
    g.add((assertion, RDF.type, KG.Assertion))
    g.add((assertion, RDF.type, PROV.Entity))
    g.add((assertion, KG.factKind, Literal(fact.kind)))
    g.add((assertion, PROV.wasDerivedFrom, document))
    g.add((assertion, PROV.wasGeneratedBy, activity))
    g.add((assertion, KG.confidence, confidence_literal(fact.confidence)))
    if as_of is not None:
        g.add((assertion, KG.asOf, add_instant(g, as_of)))
    g.add((assertion, KG.evidence, sentence))
    g.add((assertion, KG.evidenceSpan, span))
    _add_text_resource(g, sentence, document, ev.sentence_start, ev.sentence_end, ev.sentence)
    _add_text_resource(g, span, document, ev.start, ev.end, ev.text)
