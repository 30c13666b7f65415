"""Map a resolved ``kg.model.Corpus`` to an RDF dataset, as specified in docs/graph-model.md.

Graphs: ``id:graph/entities`` (descriptions of documents, places, people, organizations, roles,
posts, meetings, initiatives), one named graph ``id:assertion/{hash}`` per fact, and
``id:graph/provenance`` (see ``kg.rdf.provenance``). No blank nodes are minted, so the sorted
N-Quads of two builds of the same corpus are byte-identical. This module must not import spaCy.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg import __version__
from kg.model import Corpus, Fact, Meeting, Organization, Post
from kg.rdf.namespace import DCTERMS, ID, KG, ORG, SDO, bind_prefixes
from kg.rdf.provenance import add_activity, add_provenance, assertion_key

ENTITIES_GRAPH = ID["graph/entities"]
PROVENANCE_GRAPH = ID["graph/provenance"]

ORG_KIND_CLASSES: dict[str, URIRef] = {
    "party_committee": KG.PartyCommittee,
    "standing_committee": KG.StandingCommittee,
    "government": KG.Government,
    "congress": KG.PeoplesCongress,
    "cppcc": KG.ConsultativeConference,
    "central": KG.CentralBody,
    "ministry": KG.GovernmentDepartment,
    "media": KG.MediaOutlet,
    "foreign": KG.ForeignBody,
    "other": KG.OtherOrganization,
}
INITIATIVE_KIND_CLASSES: dict[str, URIRef] = {"plan": KG.Plan, "strategy": KG.Strategy}
POST_PREDICATES: dict[str, URIRef] = {
    "holds": ORG.holds,
    "appointed": KG.appointedTo,
    "resigned": KG.resignedFrom,
    "former": KG.formerlyHeld,
}
PARTICIPATION_PREDICATES: dict[str, URIRef] = {
    "presided": KG.presidedBy,
    "spoke": KG.speaker,
    "attended": SDO.attendee,
}

_SAFE_KEY_CHARS = "/-_.~:@!$&'()*+,;=%"  # "%": keys may already be percent-encoded
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_DAY_RE = re.compile(r"^--\d{2}-\d{2}$")


def iri(key: str) -> URIRef:
    """The IRI of a corpus key: ``"place/liaoning"`` -> ``id:place/liaoning``.

    Keys are meant to be IRI-safe already; any character that is not (a space, ``#``, ``?``,
    non-ASCII ...) is percent-encoded, and existing ``%XX`` escapes are kept as they are.
    """
    if not key or key.startswith("/"):
        raise ValueError(f"not a resource key: {key!r}")
    return ID[quote(key, safe=_SAFE_KEY_CHARS)]


def key_of(node: Node | str) -> str:
    """The key of an ``id:`` IRI, inverse of :func:`iri` for IRI-safe keys; ValueError for other IRIs."""
    text = str(node)
    if not text.startswith(str(ID)) or len(text) == len(str(ID)):
        raise ValueError(f"not a kg resource IRI: {text}")
    return text[len(str(ID)) :]


def date_literal(value: str) -> Literal:
    """``"YYYY-MM-DD"`` -> xsd:date, ``"--MM-DD"`` (year unknown) -> xsd:gMonthDay."""
    if _DATE_RE.match(value):
        return Literal(value, datatype=XSD.date)
    if _MONTH_DAY_RE.match(value):
        return Literal(value, datatype=XSD.gMonthDay)
    raise ValueError(f"not a date (YYYY-MM-DD or --MM-DD): {value!r}")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _role_labels(posts: Iterable[Post]) -> dict[str, str]:
    """One label per role key: the title whose slug is the role's slug, else the first title."""
    titles: dict[str, set[str]] = {}
    for post in posts:
        titles.setdefault(post.role, set()).add(post.title)
    labels: dict[str, str] = {}
    for role, names in titles.items():
        slug = role.rsplit("/", 1)[-1]
        exact = sorted(t for t in names if _slug(t) == slug)
        labels[role] = exact[0] if exact else sorted(names)[0]
    return labels


def _add_names(g: Graph, node: URIRef, name: str, aliases: Iterable[str]) -> None:
    g.add((node, SDO.name, Literal(name)))
    for alias in aliases:
        if alias and alias != name:
            g.add((node, SDO.alternateName, Literal(alias)))


def _add_organization(g: Graph, org: Organization) -> None:
    node = iri(org.key)
    g.add((node, RDF.type, ORG.Organization))
    g.add((node, RDF.type, ORG_KIND_CLASSES.get(org.kind, KG.OtherOrganization)))
    if org.kind == "media":
        g.add((node, RDF.type, SDO.NewsMediaOrganization))
    _add_names(g, node, org.name, org.aliases)
    if org.jurisdiction:
        g.add((node, KG.jurisdiction, iri(org.jurisdiction)))
    if org.parent:
        g.add((node, ORG.subOrganizationOf, iri(org.parent)))


def entities_graph(corpus: Corpus, g: Graph, *, role_labels: dict[str, str] | None = None) -> Graph:
    """Add the entity descriptions of ``corpus`` to ``g`` (the ``id:graph/entities`` graph).

    ``role_labels`` (default: computed from ``corpus.posts``) are the roles to describe.
    """
    for doc in corpus.documents:
        node = iri(doc.key)
        g.add((node, RDF.type, SDO.NewsArticle))
        g.add((node, SDO.name, Literal(doc.file_name)))
        g.add((node, DCTERMS.identifier, Literal(doc.doc_id)))
        if doc.date is not None:
            g.add((node, SDO.datePublished, Literal(doc.date.isoformat(), datatype=XSD.date)))
        if doc.region:
            g.add((node, KG.region, iri(doc.region)))
        g.add((node, KG.sha256, Literal(doc.sha256)))
    for place in corpus.places:
        node = iri(place.key)
        g.add((node, RDF.type, SDO.Place))
        g.add((node, SDO.name, Literal(place.name)))
        if place.level:
            g.add((node, KG.adminLevel, Literal(place.level)))
        if place.parent:
            g.add((node, SDO.containedInPlace, iri(place.parent)))
    for person in corpus.people:
        node = iri(person.key)
        g.add((node, RDF.type, SDO.Person))
        _add_names(g, node, person.name, person.aliases)
    for org in corpus.organizations:
        _add_organization(g, org)
    for role, label in (_role_labels(corpus.posts) if role_labels is None else role_labels).items():
        g.add((iri(role), RDF.type, ORG.Role))
        g.add((iri(role), RDFS.label, Literal(label)))
    for post in corpus.posts:
        node = iri(post.key)
        g.add((node, RDF.type, ORG.Post))
        g.add((node, KG["title"], Literal(post.title)))
        g.add((node, ORG.role, iri(post.role)))
        g.add((node, ORG.postIn, iri(post.org)))
        g.add((node, RDFS.label, Literal(post.label)))
    for meeting in corpus.meetings:
        node = iri(meeting.key)
        g.add((node, RDF.type, SDO.Event))
        g.add((node, RDF.type, KG.Meeting))
        g.add((node, SDO.name, Literal(meeting.label)))
        g.add((node, KG.meetingKind, Literal(meeting.kind)))
        if meeting.part_of:
            g.add((node, SDO.superEvent, iri(meeting.part_of)))
    for initiative in corpus.initiatives:
        node = iri(initiative.key)
        g.add((node, RDF.type, KG.Initiative))
        if initiative.kind in INITIATIVE_KIND_CLASSES:
            g.add((node, RDF.type, INITIATIVE_KIND_CLASSES[initiative.kind]))
        _add_names(g, node, initiative.name, initiative.aliases)
    return g


def fact_triples(fact: Fact, meetings: dict[str, Meeting]) -> list[tuple[URIRef, URIRef, Node]]:
    """The triples of one fact's assertion graph (see the table in docs/graph-model.md)."""
    subject, obj = iri(fact.subject), iri(fact.object)
    if fact.kind == "mentions":
        return [(subject, SDO.mentions, obj)]
    if fact.kind in POST_PREDICATES:
        return [(subject, POST_PREDICATES[fact.kind], obj)]
    if fact.kind in PARTICIPATION_PREDICATES:
        return [(subject, PARTICIPATION_PREDICATES[fact.kind], obj)]
    if fact.kind == "promotes":
        return [(subject, KG.promotes, obj)]
    if fact.kind == "reports":
        triples: list[tuple[URIRef, URIRef, Node]] = [(subject, KG.reports, obj)]
        meeting = meetings.get(fact.object)
        if meeting is not None:
            if meeting.date:
                triples.append((obj, SDO.startDate, date_literal(meeting.date)))
            if meeting.place:
                triples.append((obj, SDO.location, iri(meeting.place)))
            if meeting.organizer:
                triples.append((obj, SDO.organizer, iri(meeting.organizer)))
        return triples
    raise ValueError(f"unknown fact kind {fact.kind!r} ({fact.subject} -> {fact.object})")


def unique_facts(facts: Iterable[Fact]) -> dict[str, Fact]:
    """Facts by assertion key; of facts with the same key the most confident one wins."""
    chosen: dict[str, Fact] = {}
    for fact in facts:
        key = assertion_key(fact)
        other = chosen.get(key)
        if other is None or (fact.confidence, str(fact.as_of)) > (other.confidence, str(other.as_of)):
            chosen[key] = fact
    return chosen


def corpus_to_dataset(corpus: Corpus, *, version: str | None = None) -> Dataset:
    """Build the dataset for ``corpus``: entities, one named graph per fact, and provenance.

    ``version`` is the extractor version recorded in the provenance (default: kg's version).
    The dataset has ``default_union=True``, so queries without GRAPH see every graph.
    """
    ds = Dataset(default_union=True)
    bind_prefixes(ds)
    entities_graph(corpus, ds.graph(ENTITIES_GRAPH))
    prov = ds.graph(PROVENANCE_GRAPH)
    activity = add_activity(prov, version or __version__)
    doc_keys = {doc.doc_id: doc.key for doc in corpus.documents}
    doc_dates = {doc.doc_id: doc.date for doc in corpus.documents}
    meetings = {m.key: m for m in corpus.meetings}
    for key, fact in sorted(unique_facts(corpus.facts).items()):
        doc_id = fact.evidence.doc_id
        assertion = iri(key)
        graph = ds.graph(assertion)
        for triple in fact_triples(fact, meetings):
            graph.add(triple)
        add_provenance(
            prov,
            assertion,
            fact,
            document=iri(doc_keys.get(doc_id, f"doc/{doc_id}")),
            activity=activity,
            as_of=fact.as_of or doc_dates.get(doc_id),
        )
    return ds


class _Sink:
    """Collects triples (``add`` is all the graph builders above call)."""

    def __init__(self) -> None:
        self.triples: list[tuple[Node, Node, Node]] = []

    def add(self, triple: tuple[Node, Node, Node]) -> None:
        self.triples.append(triple)


Quad = tuple[Node, Node, Node, URIRef]

_ENTITY_KINDS = ("documents", "places", "people", "organizations", "posts", "meetings", "initiatives")


def corpus_parts(corpus: Corpus, *, version: str | None = None, chunk: int = 2_000) -> Iterator[tuple[str, list[Quad]]]:
    """The quads of ``corpus_to_dataset(corpus)`` in small parts, never all at once.

    Yields ``("head", quads)`` (the extraction activity), then ``("entities", quads)`` for up to
    ``chunk`` entities of one kind at a time, then ``("facts", quads)``: the assertion graphs and
    provenance of up to ``chunk`` facts (in assertion key order). A quad may appear in two parts
    (the ``id:date/...`` instants); a store keeps it once.
    """
    sink = _Sink()
    activity = add_activity(sink, version or __version__)
    yield "head", [(s, p, o, PROVENANCE_GRAPH) for s, p, o in sink.triples]
    empty = dataclasses.replace(corpus, **{kind: () for kind in (*_ENTITY_KINDS, "facts")})
    labels = _role_labels(corpus.posts)
    for kind in _ENTITY_KINDS:
        items = getattr(corpus, kind)
        for start in range(0, len(items), chunk):
            sink = _Sink()
            part = dataclasses.replace(empty, **{kind: items[start : start + chunk]})
            entities_graph(part, sink, role_labels=labels if kind == "posts" and start == 0 else {})
            yield "entities", [(s, p, o, ENTITIES_GRAPH) for s, p, o in sink.triples]
    doc_keys = {doc.doc_id: doc.key for doc in corpus.documents}
    doc_dates = {doc.doc_id: doc.date for doc in corpus.documents}
    meetings = {m.key: m for m in corpus.meetings}
    chosen = unique_facts(corpus.facts)
    keys = sorted(chosen)
    for start in range(0, len(keys), chunk):
        quads: list[Quad] = []
        prov = _Sink()
        for key in keys[start : start + chunk]:
            fact = chosen[key]
            doc_id = fact.evidence.doc_id
            assertion = iri(key)
            quads += [(s, p, o, assertion) for s, p, o in fact_triples(fact, meetings)]
            add_provenance(
                prov,
                assertion,
                fact,
                document=iri(doc_keys.get(doc_id, f"doc/{doc_id}")),
                activity=activity,
                as_of=fact.as_of or doc_dates.get(doc_id),
            )
        quads += [(s, p, o, PROVENANCE_GRAPH) for s, p, o in prov.triples]
        yield "facts", quads


def facts_graph(ds: Dataset) -> Graph:
    """One graph with the entities and every fact, without provenance (what graph.ttl holds)."""
    merged = bind_prefixes(Graph())
    for graph in ds.graphs():
        if graph.identifier == PROVENANCE_GRAPH:
            continue
        for triple in graph:
            merged.add(triple)
    return merged


def sorted_nquads(ds: Dataset) -> str:
    """The dataset as N-Quads with lines sorted: byte-identical for identical datasets."""
    with warnings.catch_warnings():  # rdflib's serializer uses its own deprecated Dataset API
        warnings.simplefilter("ignore", DeprecationWarning)
        text = ds.serialize(format="nquads")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "".join(line + "\n" for line in lines)
