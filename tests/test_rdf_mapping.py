"""The RDF mapping (kg.rdf.mapping / kg.rdf.provenance) against the golden corpus and graph-model.md."""

from __future__ import annotations

import dataclasses
import hashlib
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, BNode, Dataset, Graph, Literal, URIRef

from kg.model import Corpus, Evidence, Fact, Meeting
from kg.rdf.mapping import (
    ENTITIES_GRAPH,
    PROVENANCE_GRAPH,
    corpus_to_dataset,
    date_literal,
    fact_triples,
    facts_graph,
    iri,
    key_of,
    sorted_nquads,
)
from kg.rdf.namespace import ID, KG, OA, ORG, PROV, SDO, TIME
from kg.rdf.provenance import assertion_key, confidence_literal
from tests.fixtures.golden_corpus import (
    DOC_A,
    DOC_B,
    MEETING_A,
    MEETING_B,
    POST_SECRETARY_LN,
    TEXTS,
    VERSION,
    assert_isomorphic,
    golden_corpus,
    load_golden_dataset,
)

# rdflib's own SPARQL engine and parsers call its deprecated ConjunctiveGraph API; not our concern here
pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated, use Dataset:DeprecationWarning")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return corpus_to_dataset(golden_corpus(), version=VERSION)


# ---------------------------------------------------------------- (a) golden dataset


def test_golden_corpus_maps_to_golden_trig(ds: Dataset) -> None:
    assert_isomorphic(load_golden_dataset(), ds)


def test_assert_isomorphic_reports_a_readable_diff(ds: Dataset) -> None:
    changed = corpus_to_dataset(golden_corpus(), version=VERSION)
    changed.graph(ENTITIES_GRAPH).set((iri("person/tian-yu"), SDO.name, Literal("Tian Yu X")))
    with pytest.raises(AssertionError) as info:
        assert_isomorphic(ds, changed)
    assert '"Tian Yu X"' in str(info.value) and "graph https://w3id.org/kg/id/graph/entities differs" in str(info.value)


def test_graph_names(ds: Dataset) -> None:
    names = {g.identifier for g in ds.graphs() if len(g)}
    assertions = {n for n in names if str(n).startswith(str(ID["assertion/"]))}
    assert names - assertions == {ENTITIES_GRAPH, PROVENANCE_GRAPH}
    assert len(assertions) == len(golden_corpus().facts)
    assert {str(n)[len(str(ID)) :] for n in assertions} == {assertion_key(f) for f in golden_corpus().facts}


def test_assertion_hash_follows_graph_model() -> None:
    # first 16 hex digits of SHA-1 over kind|subject|object|doc_id|sentence_start|start|end
    fact = golden_corpus().facts[8]
    assert (fact.kind, fact.subject, fact.object) == ("holds", "person/gao-ming", POST_SECRETARY_LN)
    raw = f"holds|person/gao-ming|{POST_SECRETARY_LN}|{DOC_A}|0|50|110"
    assert hashlib.sha1(raw.encode()).hexdigest()[:16] == "37ad2a2d26456a73"
    assert assertion_key(fact) == "assertion/37ad2a2d26456a73"


def test_no_blank_nodes(ds: Dataset) -> None:
    for s, p, o, g in ds.quads((None, None, None, None)):
        assert not any(isinstance(n, BNode) for n in (s, p, o, g)), (s, p, o, g)


# ---------------------------------------------------------------- (b) determinism


def test_mapping_twice_gives_identical_sorted_nquads() -> None:
    first = sorted_nquads(corpus_to_dataset(golden_corpus(), version=VERSION))
    second = sorted_nquads(corpus_to_dataset(golden_corpus(), version=VERSION))
    assert first == second
    assert first.encode("utf-8") == second.encode("utf-8")
    assert len(first.splitlines()) == len(list(load_golden_dataset().quads((None, None, None, None))))


def test_fact_order_does_not_change_the_output() -> None:
    corpus = golden_corpus()
    shuffled = dataclasses.replace(corpus, facts=tuple(reversed(corpus.facts)))
    assert sorted_nquads(corpus_to_dataset(shuffled, version=VERSION)) == sorted_nquads(
        corpus_to_dataset(corpus, version=VERSION)
    )


# ---------------------------------------------------------------- (c) no spaCy


def test_mapping_does_not_import_spacy() -> None:
    code = (
        "import sys\n"
        "from kg.rdf.mapping import corpus_to_dataset, facts_graph, sorted_nquads\n"
        "from tests.fixtures.golden_corpus import golden_corpus\n"
        "ds = corpus_to_dataset(golden_corpus())\n"
        "facts_graph(ds); sorted_nquads(ds)\n"
        "assert len(ds) > 0\n"
        "print('spacy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stdout + out.stderr


# ---------------------------------------------------------------- entities and facts


def test_entities_graph_shapes(ds: Dataset) -> None:
    ent = ds.graph(ENTITIES_GRAPH)
    doc_a, doc_b = iri(f"doc/{DOC_A}"), iri(f"doc/{DOC_B}")
    assert ent.value(doc_a, SDO.datePublished) == Literal("2023-02-17", datatype=XSD.date)
    assert ent.value(doc_b, SDO.datePublished) is None
    assert ent.value(doc_a, SDO.name) == Literal(f"{DOC_A}.txt")
    assert ent.value(doc_a, KG.region) == iri("place/liaoning")
    xinhua = iri("org/xinhua-news-agency")
    assert set(ent.objects(xinhua, RDF.type)) == {ORG.Organization, KG.MediaOutlet, SDO.NewsMediaOrganization}
    post = iri(POST_SECRETARY_LN)
    assert ent.value(post, KG["title"]) == Literal("Secretary")
    assert ent.value(post, ORG.postIn) == iri("org/cpc-liaoning-provincial-committee")
    assert ent.value(iri("role/vice-governor"), RDFS.label) == Literal("Vice Governor")
    assert set(ent.objects(iri(MEETING_A), RDF.type)) == {SDO.Event, KG.Meeting}
    # meeting date, place and organizer ride in the reports assertion, not in the entities
    assert ent.value(iri(MEETING_A), SDO.startDate) is None


def test_reports_fact_carries_date_place_organizer(ds: Dataset) -> None:
    corpus = golden_corpus()
    reports = [f for f in corpus.facts if f.kind == "reports" and f.object == MEETING_B]
    graph = ds.graph(iri(assertion_key(reports[0])))
    meeting = iri(MEETING_B)
    assert set(graph) == {
        (iri(f"doc/{DOC_B}"), KG.reports, meeting),
        (meeting, SDO.startDate, Literal("--09-15", datatype=XSD.gMonthDay)),
        (meeting, SDO.location, iri("place/guangzhou")),
        (meeting, SDO.organizer, iri("org/cpc-guangdong-provincial-committee")),
    }


@pytest.mark.parametrize(
    ("kind", "predicate"),
    [
        ("mentions", SDO.mentions),
        ("holds", ORG.holds),
        ("appointed", KG.appointedTo),
        ("resigned", KG.resignedFrom),
        ("presided", KG.presidedBy),
        ("spoke", KG.speaker),
        ("attended", SDO.attendee),
        ("promotes", KG.promotes),
        ("reports", KG.reports),
    ],
)
def test_fact_kind_predicates(kind: str, predicate: URIRef) -> None:
    ev = Evidence("d", 0, 3, "abc", 0, 1, "a")
    triples = fact_triples(Fact(kind, "x/s", "x/o", ev, 0.5), {})
    assert triples == [(iri("x/s"), predicate, iri("x/o"))]


def test_unknown_fact_kind_is_refused() -> None:
    ev = Evidence("d", 0, 3, "abc", 0, 1, "a")
    with pytest.raises(ValueError, match="unknown fact kind 'likes'"):
        fact_triples(Fact("likes", "x/s", "x/o", ev, 0.5), {})


def test_meeting_without_date_or_place_reports_only_the_fact() -> None:
    ev = Evidence("d", 0, 3, "abc", 0, 1, "a")
    meeting = Meeting("meeting/d/m", "M", "meeting", None, None, None)
    triples = fact_triples(Fact("reports", "doc/d", "meeting/d/m", ev, 0.5), {"meeting/d/m": meeting})
    assert triples == [(iri("doc/d"), KG.reports, iri("meeting/d/m"))]


def test_meeting_part_of_becomes_super_event() -> None:
    corpus = golden_corpus()
    meetings = tuple(dataclasses.replace(m, part_of=MEETING_A) if m.key == MEETING_B else m for m in corpus.meetings)
    ds = corpus_to_dataset(dataclasses.replace(corpus, meetings=meetings), version=VERSION)
    assert list(ds.graph(ENTITIES_GRAPH).objects(iri(MEETING_B), SDO.superEvent)) == [iri(MEETING_A)]
    assert ds.graph(ENTITIES_GRAPH).value(iri(MEETING_A), SDO.superEvent) is None


# ---------------------------------------------------------------- provenance


def test_provenance_of_one_assertion(ds: Dataset) -> None:
    prov = ds.graph(PROVENANCE_GRAPH)
    a = ID["assertion/37ad2a2d26456a73"]
    assert set(prov.objects(a, RDF.type)) == {KG.Assertion, PROV.Entity}
    assert prov.value(a, KG.factKind) == Literal("holds")
    assert prov.value(a, PROV.wasDerivedFrom) == iri(f"doc/{DOC_A}")
    assert prov.value(a, PROV.wasGeneratedBy) == ID["activity/kg-extractor-0.1.0"]
    assert prov.value(a, KG.confidence) == Literal(Decimal("0.9"), datatype=XSD.decimal)
    assert prov.value(a, KG.asOf) == ID["date/2023-02-17"]
    assert prov.value(ID["date/2023-02-17"], TIME.inXSDDate) == Literal("2023-02-17", datatype=XSD.date)
    assert prov.value(a, KG.evidence) == URIRef(f"{a}/sentence")
    assert prov.value(a, KG.evidenceSpan) == URIRef(f"{a}/span")
    activity = ID["activity/kg-extractor-0.1.0"]
    assert prov.value(activity, PROV.wasAssociatedWith) == ID["agent/kg"]
    assert prov.value(activity, KG.version) == Literal("0.1.0")


def test_undated_document_has_no_as_of(ds: Dataset) -> None:
    prov = ds.graph(PROVENANCE_GRAPH)
    for a in prov.subjects(PROV.wasDerivedFrom, iri(f"doc/{DOC_B}")):
        assert prov.value(a, KG.asOf) is None


def test_as_of_falls_back_to_the_document_date() -> None:
    corpus = golden_corpus()
    facts = tuple(dataclasses.replace(f, as_of=None) for f in corpus.facts)
    ds = corpus_to_dataset(dataclasses.replace(corpus, facts=facts), version=VERSION)
    prov = ds.graph(PROVENANCE_GRAPH)
    assert prov.value(ID["assertion/37ad2a2d26456a73"], KG.asOf) == ID["date/2023-02-17"]


def test_confidence_is_a_decimal_rounded_to_three_places(ds: Dataset) -> None:
    assert confidence_literal(0.8333333) == Literal(Decimal("0.833"), datatype=XSD.decimal)
    assert str(confidence_literal(1)) == "1.0"
    prov = ds.graph(PROVENANCE_GRAPH)
    values = {str(o) for o in prov.objects(None, KG.confidence)}
    assert values == {"0.7", "0.75", "0.8", "0.833", "0.85", "0.9", "0.95"}


def test_duplicate_facts_become_one_assertion_with_the_highest_confidence() -> None:
    corpus = golden_corpus()
    fact = corpus.facts[0]
    dup = dataclasses.replace(fact, confidence=0.99)
    ds = corpus_to_dataset(dataclasses.replace(corpus, facts=(*corpus.facts, dup)), version=VERSION)
    prov = ds.graph(PROVENANCE_GRAPH)
    a = iri(assertion_key(fact))
    assert list(prov.objects(a, KG.confidence)) == [Literal(Decimal("0.99"), datatype=XSD.decimal)]


def test_unknown_document_falls_back_to_doc_key() -> None:
    ev = Evidence("999_unknown", 0, 3, "abc", 0, 1, "a")
    corpus = Corpus(facts=(Fact("mentions", "doc/999_unknown", "person/x", ev, 0.5),))
    ds = corpus_to_dataset(corpus, version=VERSION)
    a = iri(assertion_key(corpus.facts[0]))
    assert ds.graph(PROVENANCE_GRAPH).value(a, PROV.wasDerivedFrom) == ID["doc/999_unknown"]


# ---------------------------------------------------------------- (h) evidence


def _selector(prov: Graph, resource: URIRef, kind: URIRef) -> URIRef:
    (node,) = [s for s in prov.objects(resource, OA.hasSelector) if (s, RDF.type, kind) in prov]
    return node


def test_evidence_quotes_and_offsets_match_the_fixture(ds: Dataset) -> None:
    prov = ds.graph(PROVENANCE_GRAPH)
    for fact in golden_corpus().facts:
        ev = fact.evidence
        text = TEXTS[ev.doc_id]
        a = iri(assertion_key(fact))
        for prop, (start, end, exact) in (
            (KG.evidence, (ev.sentence_start, ev.sentence_end, ev.sentence)),
            (KG.evidenceSpan, (ev.start, ev.end, ev.text)),
        ):
            resource = prov.value(a, prop)
            assert prov.value(resource, OA.hasSource) == iri(f"doc/{ev.doc_id}")
            position = _selector(prov, resource, OA.TextPositionSelector)
            quote = _selector(prov, resource, OA.TextQuoteSelector)
            assert prov.value(position, OA.start) == Literal(start, datatype=XSD.integer)
            assert prov.value(position, OA.end) == Literal(end, datatype=XSD.integer)
            assert str(prov.value(quote, OA.exact)) == exact
            assert text[start:end] == exact, (fact.kind, exact)


# ---------------------------------------------------------------- facts_graph, iri, dates


def test_facts_graph_has_entities_and_facts_but_no_provenance(ds: Dataset) -> None:
    merged = facts_graph(ds)
    assert isinstance(merged, Graph) and not isinstance(merged, Dataset)
    entities = ds.graph(ENTITIES_GRAPH)
    assert all(t in merged for t in entities)
    assert (iri("person/gao-ming"), ORG.holds, iri(POST_SECRETARY_LN)) in merged
    assert (iri(MEETING_B), SDO.startDate, Literal("--09-15", datatype=XSD.gMonthDay)) in merged
    assert not list(merged.subjects(RDF.type, KG.Assertion))
    assert not list(merged.triples((None, OA.exact, None)))
    fact_triples_count = sum(len(g) for g in ds.graphs() if str(g.identifier).startswith(str(ID["assertion/"])))
    assert len(merged) <= len(entities) + fact_triples_count


def test_facts_graph_of_a_parsed_trig_file() -> None:
    merged = facts_graph(load_golden_dataset())
    assert (iri(MEETING_A), KG.presidedBy, iri("person/gao-ming")) in merged
    assert not list(merged.triples((None, PROV.wasDerivedFrom, None)))


@pytest.mark.parametrize("key", ["place/liaoning", f"doc/{DOC_A}", "post/deputy-secretary/cpc-x", "doc/a%20b"])
def test_iri_and_key_of_round_trip(key: str) -> None:
    node = iri(key)
    assert str(node) == f"https://w3id.org/kg/id/{key}"
    assert key_of(node) == key


def test_unsafe_key_characters_are_percent_encoded() -> None:
    node = iri("doc/a b#c?é")
    assert str(node) == "https://w3id.org/kg/id/doc/a%20b%23c%3F%C3%A9"
    assert key_of(node) == "doc/a%20b%23c%3F%C3%A9"


def test_iri_examples_and_errors() -> None:
    assert iri("place/liaoning") == URIRef("https://w3id.org/kg/id/place/liaoning")
    assert key_of(URIRef("https://w3id.org/kg/id/person/tian-yu")) == "person/tian-yu"
    with pytest.raises(ValueError):
        iri("")
    with pytest.raises(ValueError):
        key_of(URIRef("https://schema.org/Person"))


def test_date_literals() -> None:
    assert date_literal("2023-02-17") == Literal("2023-02-17", datatype=XSD.date)
    assert date_literal("--09-15") == Literal("--09-15", datatype=XSD.gMonthDay)
    for bad in ("2023-2-17", "Feb 17", "", "--9-15"):
        with pytest.raises(ValueError):
            date_literal(bad)
