"""Map a resolved ``kg.model.Corpus`` to RDF quads (pyoxigraph terms), as docs/graph-model.md specifies.

Graphs: ``id:graph/entities`` (descriptions of documents, places, people, organizations, roles,
posts, meetings, initiatives, with the lookup keys ``kg:nameKey``/``kg:titleKey``), one named graph
``id:assertion/{hash}`` per fact, and ``id:graph/provenance`` (see ``kg.rdf.provenance``). No
blank nodes are minted, so the sorted N-Quads of two builds of the same corpus are byte-identical.

    for kind, quads in corpus_parts(corpus): store.bulk_extend(quads)   # part by part (the build)
    store = corpus_to_store(corpus)                                     # a small corpus, in memory
    data = corpus_nquads(corpus)                                        # sorted N-Quads, as graph.nq

Literals are written in the canonical form Oxigraph keeps (``"0.9"^^xsd:decimal``, ``"1"`` not
``"1.0"``), so the quads read back from a store equal the quads mapped. This module needs neither
spaCy nor rdflib; ``iri``, ``corpus_to_dataset``, ``facts_graph``, ``ENTITIES_GRAPH`` and
``PROVENANCE_GRAPH`` (rdflib terms, for pyshacl and rdflib's ``compare``) come from
``kg.rdf.dataset`` (import them from there).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from urllib.parse import quote

import pyoxigraph as ox

from kg import __version__
from kg.model import Corpus, Fact, Meeting, Organization, Post
from kg.rdf.keys import name_key
from kg.rdf.promotions import Promotion, promotions
from kg.rdf.provenance import ProvenanceWriter, assertion_key
from kg.rdf.vocab import DCTERMS, ID, ID_IRI, KG, ORG, RDF, RDFS, SDO, XSD

ENTITIES = ID["graph/entities"]
PROVENANCE = ID["graph/provenance"]

ORG_KIND_CLASSES: dict[str, ox.NamedNode] = {
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
INITIATIVE_KIND_CLASSES: dict[str, ox.NamedNode] = {"plan": KG.Plan, "strategy": KG.Strategy}
FACT_PREDICATES: dict[str, ox.NamedNode] = {
    "mentions": SDO.mentions,
    "holds": ORG.holds,
    "appointed": KG.appointedTo,
    "resigned": KG.resignedFrom,
    "former": KG.formerlyHeld,
    "presided": KG.presidedBy,
    "spoke": KG.speaker,
    "attended": SDO.attendee,
    "promotes": KG.promotes,
    "reports": KG.reports,
}

_SAFE_KEY_CHARS = "/-_.~:@!$&'()*+,;=%"  # "%": keys may already be percent-encoded
_SAFE_KEY = re.compile(r"[A-Za-z0-9/\-_.~:@!$&'()*+,;=%]+").fullmatch
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_DAY_RE = re.compile(r"^--\d{2}-\d{2}$")
_ENTITY_KINDS = ("documents", "places", "people", "organizations", "posts", "meetings", "initiatives")

Triple = tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]


def resource(key: str) -> ox.NamedNode:
    """The IRI of a corpus key: ``"place/liaoning"`` -> ``id:place/liaoning``.

    Keys are meant to be IRI-safe already; any character that is not (a space, ``#``, ``?``,
    non-ASCII ...) is percent-encoded, and existing ``%XX`` escapes are kept as they are.
    """
    if not key or key.startswith("/"):
        raise ValueError(f"not a resource key: {key!r}")
    return ox.NamedNode(ID_IRI + (key if _SAFE_KEY(key) else quote(key, safe=_SAFE_KEY_CHARS)))


def key_of(node: object) -> str:
    """The key of an ``id:`` IRI (a NamedNode, rdflib URIRef or string), inverse of :func:`resource`."""
    text = node.value if isinstance(node, ox.NamedNode) else str(node)
    if not text.startswith(ID_IRI) or len(text) == len(ID_IRI):
        raise ValueError(f"not a kg resource IRI: {text}")
    return text[len(ID_IRI) :]


def date_literal(value: str) -> ox.Literal:
    """``"YYYY-MM-DD"`` -> xsd:date, ``"--MM-DD"`` (year unknown) -> xsd:gMonthDay."""
    if _DATE_RE.match(value):
        return ox.Literal(value, datatype=XSD.date)
    if _MONTH_DAY_RE.match(value):
        return ox.Literal(value, datatype=XSD.gMonthDay)
    raise ValueError(f"not a date (YYYY-MM-DD or --MM-DD): {value!r}")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def role_labels(posts: Iterable[Post]) -> dict[str, str]:
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


class _Nodes:
    """The NamedNodes of corpus keys, each made once (entities are named by many facts)."""

    def __init__(self) -> None:
        self._nodes: dict[str, ox.NamedNode] = {}

    def __call__(self, key: str) -> ox.NamedNode:
        node = self._nodes.get(key)
        if node is None:
            node = self._nodes[key] = resource(key)
        return node


def _names(out: list[ox.Quad], node: ox.NamedNode, name: str, aliases: Iterable[str]) -> None:
    """schema:name, schema:alternateName (other spellings) and one kg:nameKey per distinct key."""
    g = ENTITIES
    out.append(ox.Quad(node, SDO.name, ox.Literal(name), g))
    keys = {name_key(name)}
    for alias in aliases:
        if alias and alias != name:
            out.append(ox.Quad(node, SDO.alternateName, ox.Literal(alias), g))
            keys.add(name_key(alias))
    for key in sorted(keys):
        out.append(ox.Quad(node, KG.nameKey, ox.Literal(key), g))


def _organization(out: list[ox.Quad], org: Organization, node_of: _Nodes) -> None:
    node, g = node_of(org.key), ENTITIES
    out.append(ox.Quad(node, RDF.type, ORG.Organization, g))
    out.append(ox.Quad(node, RDF.type, ORG_KIND_CLASSES.get(org.kind, KG.OtherOrganization), g))
    if org.kind == "media":
        out.append(ox.Quad(node, RDF.type, SDO.NewsMediaOrganization, g))
    _names(out, node, org.name, org.aliases)
    if org.jurisdiction:
        out.append(ox.Quad(node, KG.jurisdiction, node_of(org.jurisdiction), g))
    if org.parent:
        out.append(ox.Quad(node, ORG.subOrganizationOf, node_of(org.parent), g))


def entity_quads(corpus: Corpus, *, labels: dict[str, str] | None = None, nodes: _Nodes | None = None) -> list[ox.Quad]:
    """The quads of graph ``id:graph/entities`` describing the entities of ``corpus``.

    ``labels`` (default: ``role_labels(corpus.posts)``) are the roles to describe.
    """
    node_of = nodes or _Nodes()
    out: list[ox.Quad] = []
    g = ENTITIES
    for doc in corpus.documents:
        node = node_of(doc.key)
        out.append(ox.Quad(node, RDF.type, SDO.NewsArticle, g))
        out.append(ox.Quad(node, SDO.name, ox.Literal(doc.file_name), g))
        out.append(ox.Quad(node, DCTERMS.identifier, ox.Literal(doc.doc_id), g))
        if doc.date is not None:
            out.append(ox.Quad(node, SDO.datePublished, ox.Literal(doc.date.isoformat(), datatype=XSD.date), g))
        if doc.region:
            out.append(ox.Quad(node, KG.region, node_of(doc.region), g))
        out.append(ox.Quad(node, KG.sha256, ox.Literal(doc.sha256), g))
    for place in corpus.places:
        node = node_of(place.key)
        out.append(ox.Quad(node, RDF.type, SDO.Place, g))
        _names(out, node, place.name, ())
        if place.level:
            out.append(ox.Quad(node, KG.adminLevel, ox.Literal(place.level), g))
        if place.parent:
            out.append(ox.Quad(node, SDO.containedInPlace, node_of(place.parent), g))
    for person in corpus.people:
        node = node_of(person.key)
        out.append(ox.Quad(node, RDF.type, SDO.Person, g))
        _names(out, node, person.name, person.aliases)
    for org in corpus.organizations:
        _organization(out, org, node_of)
    for role, label in (role_labels(corpus.posts) if labels is None else labels).items():
        node = node_of(role)
        out.append(ox.Quad(node, RDF.type, ORG.Role, g))
        out.append(ox.Quad(node, RDFS.label, ox.Literal(label), g))
    for post in corpus.posts:
        node = node_of(post.key)
        out.append(ox.Quad(node, RDF.type, ORG.Post, g))
        out.append(ox.Quad(node, KG["title"], ox.Literal(post.title), g))
        out.append(ox.Quad(node, KG.titleKey, ox.Literal(name_key(post.title)), g))
        out.append(ox.Quad(node, ORG.role, node_of(post.role), g))
        out.append(ox.Quad(node, ORG.postIn, node_of(post.org), g))
        out.append(ox.Quad(node, RDFS.label, ox.Literal(post.label), g))
    for meeting in corpus.meetings:
        node = node_of(meeting.key)
        out.append(ox.Quad(node, RDF.type, SDO.Event, g))
        out.append(ox.Quad(node, RDF.type, KG.Meeting, g))
        out.append(ox.Quad(node, SDO.name, ox.Literal(meeting.label), g))
        out.append(ox.Quad(node, KG.meetingKind, ox.Literal(meeting.kind), g))
        if meeting.part_of:
            out.append(ox.Quad(node, SDO.superEvent, node_of(meeting.part_of), g))
    for initiative in corpus.initiatives:
        node = node_of(initiative.key)
        out.append(ox.Quad(node, RDF.type, KG.Initiative, g))
        if initiative.kind in INITIATIVE_KIND_CLASSES:
            out.append(ox.Quad(node, RDF.type, INITIATIVE_KIND_CLASSES[initiative.kind], g))
        _names(out, node, initiative.name, initiative.aliases)
    return out


def fact_triples(fact: Fact, meetings: dict[str, Meeting], nodes: _Nodes | None = None) -> list[Triple]:
    """The triples of one fact's assertion graph (see the table in docs/graph-model.md)."""
    predicate = FACT_PREDICATES.get(fact.kind)
    if predicate is None:
        raise ValueError(f"unknown fact kind {fact.kind!r} ({fact.subject} -> {fact.object})")
    node_of = nodes or resource
    obj = node_of(fact.object)
    triples: list[Triple] = [(node_of(fact.subject), predicate, obj)]
    if fact.kind == "reports":
        meeting = meetings.get(fact.object)
        if meeting is not None:
            if meeting.date:
                triples.append((obj, SDO.startDate, date_literal(meeting.date)))
            if meeting.place:
                triples.append((obj, SDO.location, node_of(meeting.place)))
            if meeting.organizer:
                triples.append((obj, SDO.organizer, node_of(meeting.organizer)))
    return triples


def unique_facts(facts: Iterable[Fact]) -> dict[str, Fact]:
    """Facts by assertion key; of facts with the same key the most confident one wins."""
    chosen: dict[str, Fact] = {}
    for fact in facts:
        key = assertion_key(fact)
        other = chosen.get(key)
        if other is None or (fact.confidence, str(fact.as_of)) > (other.confidence, str(other.as_of)):
            chosen[key] = fact
    return chosen


def corpus_parts(
    corpus: Corpus, *, version: str | None = None, chunk: int = 2_000
) -> Iterator[tuple[str, list[ox.Quad]]]:
    """The quads of ``corpus`` in parts, never all at once.

    Yields ``("head", quads)`` (the extraction activity), then ``("entities", quads)`` for up to
    ``chunk`` entities of one kind at a time, then ``("facts", quads)``: the assertion graphs and
    provenance of up to ``chunk`` facts (in assertion key order). Every quad is yielded once.
    ``version`` is the extractor version recorded in the provenance (default: kg's version).
    """
    nodes = _Nodes()
    prov = ProvenanceWriter(version or __version__, PROVENANCE)
    yield "head", prov.activity_quads()
    empty = dataclasses.replace(corpus, **{kind: () for kind in (*_ENTITY_KINDS, "facts")})
    labels = role_labels(corpus.posts)
    for kind in _ENTITY_KINDS:
        items = getattr(corpus, kind)
        for start in range(0, len(items), chunk):
            part = dataclasses.replace(empty, **{kind: items[start : start + chunk]})
            yield "entities", entity_quads(part, labels=labels if kind == "posts" and start == 0 else {}, nodes=nodes)
    documents = {doc.doc_id: (doc.key, doc.date) for doc in corpus.documents}
    meetings = {m.key: m for m in corpus.meetings}
    chosen = unique_facts(corpus.facts)
    counted = promotions(corpus, chosen)
    keys = sorted(chosen)
    for start in range(0, len(keys), chunk):
        part = [(key, chosen[key]) for key in keys[start : start + chunk]]
        yield "facts", fact_quads(part, meetings, documents, prov, nodes, counted)


def fact_quads(
    items: Iterable[tuple[str, Fact]],
    meetings: dict[str, Meeting],
    documents: dict[str, tuple[str, date | None]],
    prov: ProvenanceWriter,
    nodes: _Nodes | None = None,
    counted: Mapping[str, Promotion] | None = None,
) -> list[ox.Quad]:
    """The assertion graphs of ``items`` (assertion key, fact) and their provenance (written by ``prov``).

    ``meetings`` holds the meetings the ``reports`` facts name; ``documents`` maps doc_id to
    (document key, date) for the documents the facts come from (others get ``doc/{doc_id}``);
    ``counted`` the region and date of the promotions, by assertion key (``kg.rdf.promotions``),
    written as ``kg:promotionRegion`` (``kg:UnknownRegion`` when none is known) and ``kg:promotionDate``.
    """
    node_of = nodes or _Nodes()
    quads: list[ox.Quad] = []
    for key, fact in items:
        doc_id = fact.evidence.doc_id
        doc_key, doc_date = documents.get(doc_id, (f"doc/{doc_id}", None))
        assertion = ox.NamedNode(ID_IRI + key)
        quads += [ox.Quad(s, p, o, assertion) for s, p, o in fact_triples(fact, meetings, node_of)]
        prov.add(quads, assertion, fact, document=node_of(doc_key), as_of=fact.as_of or doc_date)
        promotion = counted.get(key) if counted else None
        if promotion is not None:
            region = node_of(promotion.region) if promotion.region else KG.UnknownRegion
            quads.append(ox.Quad(assertion, KG.promotionRegion, region, prov.graph))
        if promotion is not None and promotion.date:
            quads.append(ox.Quad(assertion, KG.promotionDate, date_literal(promotion.date), prov.graph))
    return quads


def corpus_quads(corpus: Corpus, *, version: str | None = None) -> Iterator[ox.Quad]:
    """Every quad of ``corpus`` (see :func:`corpus_parts`), one at a time."""
    for _, quads in corpus_parts(corpus, version=version):
        yield from quads


def corpus_to_store(corpus: Corpus, *, version: str | None = None) -> ox.Store:
    """A new in-memory Oxigraph store holding the graph of ``corpus`` (for small corpora and tests)."""
    store = ox.Store()
    for _, quads in corpus_parts(corpus, version=version):
        store.extend(quads)
    return store


def corpus_nquads(corpus: Corpus, *, version: str | None = None) -> bytes:
    """The graph of ``corpus`` as sorted, unique N-Quads: the bytes ``graph.nq`` of a build holds."""
    from kg.rdf.dump import sorted_nquads

    return sorted_nquads(corpus_to_store(corpus, version=version))
