"""The RDF mapping (kg.rdf.mapping / kg.rdf.provenance) against the golden corpus and graph-model.md."""

from __future__ import annotations

import dataclasses
import hashlib
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal

from kg.model import Corpus, Evidence, Fact, Initiative, Meeting, Organization, Person, Place, Post
from kg.rdf.dataset import corpus_to_dataset, facts_graph
from kg.rdf.keys import name_key
from kg.rdf.mapping import (
    ENTITIES,
    PROVENANCE,
    corpus_nquads,
    corpus_parts,
    corpus_to_store,
    date_literal,
    entity_quads,
    fact_triples,
    key_of,
    resource,
)
from kg.rdf.provenance import assertion_key, confidence_literal
from kg.rdf.vocab import ID, KG, OA, ORG, PROV, RDF, RDFS, SDO, TIME, XSD
from tests.fixtures.golden_corpus import (
    DOC_A,
    DOC_B,
    GOLDEN_TRIG,
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
def store() -> ox.Store:
    return corpus_to_store(golden_corpus(), version=VERSION)


def objects(store: ox.Store, subject: ox.NamedNode, predicate: ox.NamedNode, graph: ox.NamedNode) -> set:
    return {q.object for q in store.quads_for_pattern(subject, predicate, None, graph)}


def value(store: ox.Store, subject: ox.NamedNode, predicate: ox.NamedNode, graph: ox.NamedNode):  # noqa: ANN201
    found = objects(store, subject, predicate, graph)
    assert len(found) <= 1, found
    return next(iter(found), None)


def lit(text: str, datatype: ox.NamedNode | None = None) -> ox.Literal:
    return ox.Literal(text, datatype=datatype) if datatype else ox.Literal(text)


# ---------------------------------------------------------------- (a) golden dataset


def test_golden_corpus_maps_to_golden_trig(store: ox.Store) -> None:
    golden = ox.Store()
    golden.bulk_load(path=str(GOLDEN_TRIG), format=ox.RdfFormat.TRIG)
    assert set(store) == set(golden)  # no blank nodes: equal quads means isomorphic


def test_golden_trig_is_isomorphic_to_the_rdflib_view() -> None:
    assert_isomorphic(load_golden_dataset(), corpus_to_dataset(golden_corpus(), version=VERSION))


def test_assert_isomorphic_reports_a_readable_diff() -> None:
    ds = corpus_to_dataset(golden_corpus(), version=VERSION)
    changed = corpus_to_dataset(golden_corpus(), version=VERSION)
    from kg.rdf.dataset import ENTITIES_GRAPH, iri
    from kg.rdf.namespace import SDO as RDFLIB_SDO

    changed.graph(ENTITIES_GRAPH).set((iri("person/tian-yu"), RDFLIB_SDO.name, Literal("Tian Yu X")))
    with pytest.raises(AssertionError) as info:
        assert_isomorphic(ds, changed)
    assert '"Tian Yu X"' in str(info.value) and "graph https://w3id.org/kg/id/graph/entities differs" in str(info.value)


def test_graph_names(store: ox.Store) -> None:
    names = set(store.named_graphs())
    assertions = {n for n in names if n.value.startswith(ID["assertion/"].value)}
    assert names - assertions == {ENTITIES, PROVENANCE}
    assert len(assertions) == len(golden_corpus().facts)
    assert {key_of(n) for n in assertions} == {assertion_key(f) for f in golden_corpus().facts}


def test_assertion_hash_follows_graph_model() -> None:
    # first 16 hex digits of SHA-1 over kind|subject|object|doc_id|sentence_start|start|end
    fact = golden_corpus().facts[8]
    assert (fact.kind, fact.subject, fact.object) == ("holds", "person/gao-ming", POST_SECRETARY_LN)
    raw = f"holds|person/gao-ming|{POST_SECRETARY_LN}|{DOC_A}|0|50|110"
    assert hashlib.sha1(raw.encode()).hexdigest()[:16] == "37ad2a2d26456a73"
    assert assertion_key(fact) == "assertion/37ad2a2d26456a73"


def test_no_blank_nodes(store: ox.Store) -> None:
    for quad in store:
        assert not any(isinstance(n, ox.BlankNode) for n in quad), quad


def test_parts_hold_each_quad_once_and_exactly_the_store(store: ox.Store) -> None:
    parts = list(corpus_parts(golden_corpus(), version=VERSION, chunk=3))
    assert len(parts) > 10 and parts[0][0] == "head"
    assert {kind for kind, _ in parts} == {"head", "entities", "facts"}
    quads = [quad for _, part in parts for quad in part]
    assert len(quads) == len(set(quads)) == len(store)
    assert set(quads) == set(store)


# ---------------------------------------------------------------- (b) determinism


def test_mapping_twice_gives_identical_sorted_nquads() -> None:
    first = corpus_nquads(golden_corpus(), version=VERSION)
    assert first == corpus_nquads(golden_corpus(), version=VERSION)
    lines = first.splitlines()
    assert lines == sorted(set(lines)) and len(lines) == len(
        list(load_golden_dataset().quads((None, None, None, None)))
    )


def test_fact_and_entity_order_do_not_change_the_output() -> None:
    corpus = golden_corpus()
    shuffled = dataclasses.replace(corpus, facts=tuple(reversed(corpus.facts)), people=tuple(reversed(corpus.people)))
    assert corpus_nquads(shuffled, version=VERSION) == corpus_nquads(corpus, version=VERSION)


# ---------------------------------------------------------------- (c) neither spaCy nor rdflib


def test_mapping_imports_neither_spacy_nor_rdflib() -> None:
    code = (
        "import sys\n"
        "from kg.rdf.mapping import corpus_nquads, corpus_to_store\n"
        "from tests.fixtures.golden_corpus import golden_corpus\n"
        "assert len(corpus_to_store(golden_corpus())) > 0 and corpus_nquads(golden_corpus())\n"
        "print('spacy' in sys.modules, 'rdflib' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False", out.stdout + out.stderr


# ---------------------------------------------------------------- entities and facts


def test_entities_graph_shapes(store: ox.Store) -> None:
    doc_a, doc_b, g = resource(f"doc/{DOC_A}"), resource(f"doc/{DOC_B}"), ENTITIES
    assert value(store, doc_a, SDO.datePublished, g) == lit("2023-02-17", XSD.date)
    assert value(store, doc_b, SDO.datePublished, g) is None
    assert value(store, doc_a, SDO.name, g) == lit(f"{DOC_A}.txt")
    assert value(store, doc_a, KG.region, g) == resource("place/liaoning")
    xinhua = resource("org/xinhua-news-agency")
    assert objects(store, xinhua, RDF.type, g) == {ORG.Organization, KG.MediaOutlet, SDO.NewsMediaOrganization}
    post = resource(POST_SECRETARY_LN)
    assert value(store, post, KG["title"], g) == lit("Secretary")
    assert value(store, post, ORG.postIn, g) == resource("org/cpc-liaoning-provincial-committee")
    assert value(store, resource("role/vice-governor"), RDFS.label, g) == lit("Vice Governor")
    assert objects(store, resource(MEETING_A), RDF.type, g) == {SDO.Event, KG.Meeting}
    # meeting date, place and organizer ride in the reports assertion, not in the entities
    assert value(store, resource(MEETING_A), SDO.startDate, g) is None


def test_lookup_keys_one_per_distinct_normalised_name() -> None:
    corpus = Corpus(
        places=(Place("place/xi-an", "Xi'an", "city", None),),
        people=(Person("person/lu-fen", "Lu  Fen", ("LU FEN", "Lü Fen", "")),),
        organizations=(Organization("org/x", "Ｘ Bureau", "other", None, None, ("x bureau", "The X Bureau")),),
        posts=(Post("post/deputy-chief/org-x", "Deputy  Chief", "role/deputy-chief", "org/x", "Deputy Chief of X"),),
        initiatives=(Initiative("initiative/blue-sky", "Blue Sky Plan", "plan", ("blue sky plan",)),),
        meetings=(Meeting("meeting/d/m", "Some Meeting", "meeting", None, None, None),),
    )
    store = ox.Store()
    store.extend(entity_quads(corpus))
    keys = {(key_of(q.subject), q.object.value) for q in store.quads_for_pattern(None, KG.nameKey, None, ENTITIES)}
    assert keys == {
        ("place/xi-an", "xi'an"),
        ("person/lu-fen", "lu fen"),
        ("person/lu-fen", "lü fen"),
        ("org/x", "x bureau"),
        ("org/x", "the x bureau"),
        ("initiative/blue-sky", "blue sky plan"),
    }
    titles = [(key_of(q.subject), q.object.value) for q in store.quads_for_pattern(None, KG.titleKey, None, ENTITIES)]
    assert titles == [("post/deputy-chief/org-x", "deputy chief")]
    assert name_key("Deputy  Chief") == "deputy chief"  # the same function makes the keys queries look up
    # every name is still there as written
    names = {q.object.value for q in store.quads_for_pattern(resource("person/lu-fen"), None, None, ENTITIES)}
    assert {"Lu  Fen", "LU FEN", "Lü Fen"} <= names


def test_reports_fact_carries_date_place_organizer(store: ox.Store) -> None:
    corpus = golden_corpus()
    reports = [f for f in corpus.facts if f.kind == "reports" and f.object == MEETING_B]
    graph = ox.NamedNode(ID[""].value + assertion_key(reports[0]))
    meeting = resource(MEETING_B)
    assert {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)} == {
        ox.Triple(resource(f"doc/{DOC_B}"), KG.reports, meeting),
        ox.Triple(meeting, SDO.startDate, lit("--09-15", XSD.gMonthDay)),
        ox.Triple(meeting, SDO.location, resource("place/guangzhou")),
        ox.Triple(meeting, SDO.organizer, resource("org/cpc-guangdong-provincial-committee")),
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
def test_fact_kind_predicates(kind: str, predicate: ox.NamedNode) -> None:
    ev = Evidence("d", 0, 3, "abc", 0, 1, "a")
    triples = fact_triples(Fact(kind, "x/s", "x/o", ev, 0.5), {})
    assert triples == [(resource("x/s"), predicate, resource("x/o"))]


def test_unknown_fact_kind_is_refused() -> None:
    ev = Evidence("d", 0, 3, "abc", 0, 1, "a")
    with pytest.raises(ValueError, match="unknown fact kind 'likes'"):
        fact_triples(Fact("likes", "x/s", "x/o", ev, 0.5), {})


def test_meeting_without_date_or_place_reports_only_the_fact() -> None:
    ev = Evidence("d", 0, 3, "abc", 0, 1, "a")
    meeting = Meeting("meeting/d/m", "M", "meeting", None, None, None)
    triples = fact_triples(Fact("reports", "doc/d", "meeting/d/m", ev, 0.5), {"meeting/d/m": meeting})
    assert triples == [(resource("doc/d"), KG.reports, resource("meeting/d/m"))]


def test_meeting_part_of_becomes_super_event() -> None:
    corpus = golden_corpus()
    meetings = tuple(dataclasses.replace(m, part_of=MEETING_A) if m.key == MEETING_B else m for m in corpus.meetings)
    store = corpus_to_store(dataclasses.replace(corpus, meetings=meetings), version=VERSION)
    assert objects(store, resource(MEETING_B), SDO.superEvent, ENTITIES) == {resource(MEETING_A)}
    assert value(store, resource(MEETING_A), SDO.superEvent, ENTITIES) is None


# ---------------------------------------------------------------- provenance


def test_provenance_of_one_assertion(store: ox.Store) -> None:
    a, g = ID["assertion/37ad2a2d26456a73"], PROVENANCE
    assert objects(store, a, RDF.type, g) == {KG.Assertion, PROV.Entity}
    assert value(store, a, KG.factKind, g) == lit("holds")
    assert value(store, a, PROV.wasDerivedFrom, g) == resource(f"doc/{DOC_A}")
    assert value(store, a, PROV.wasGeneratedBy, g) == ID["activity/kg-extractor-0.1.0"]
    assert value(store, a, KG.confidence, g) == lit("0.9", XSD.decimal)
    assert value(store, a, KG.asOf, g) == ID["date/2023-02-17"]
    assert value(store, ID["date/2023-02-17"], TIME.inXSDDate, g) == lit("2023-02-17", XSD.date)
    assert value(store, a, KG.evidence, g) == ox.NamedNode(f"{a.value}/sentence")
    assert value(store, a, KG.evidenceSpan, g) == ox.NamedNode(f"{a.value}/span")
    activity = ID["activity/kg-extractor-0.1.0"]
    assert value(store, activity, PROV.wasAssociatedWith, g) == ID["agent/kg"]
    assert value(store, activity, KG.version, g) == lit("0.1.0")


def test_undated_document_has_no_as_of(store: ox.Store) -> None:
    for quad in store.quads_for_pattern(None, PROV.wasDerivedFrom, resource(f"doc/{DOC_B}"), PROVENANCE):
        assert value(store, quad.subject, KG.asOf, PROVENANCE) is None


def test_as_of_falls_back_to_the_document_date() -> None:
    corpus = golden_corpus()
    facts = tuple(dataclasses.replace(f, as_of=None) for f in corpus.facts)
    store = corpus_to_store(dataclasses.replace(corpus, facts=facts), version=VERSION)
    assert value(store, ID["assertion/37ad2a2d26456a73"], KG.asOf, PROVENANCE) == ID["date/2023-02-17"]


def test_confidence_is_a_canonical_decimal_rounded_to_three_places(store: ox.Store) -> None:
    assert confidence_literal(0.8333333) == lit("0.833", XSD.decimal)
    assert confidence_literal(1) == lit("1", XSD.decimal)  # canonical, as an Oxigraph store keeps it
    assert confidence_literal(0.5) == lit("0.5", XSD.decimal)
    values = {q.object.value for q in store.quads_for_pattern(None, KG.confidence, None, PROVENANCE)}
    assert values == {"0.7", "0.75", "0.8", "0.833", "0.85", "0.9", "0.95"}


def test_mapped_quads_are_what_a_store_keeps() -> None:
    corpus = golden_corpus()
    facts = tuple(dataclasses.replace(f, confidence=1.0) for f in corpus.facts)
    quads = {q for _, part in corpus_parts(dataclasses.replace(corpus, facts=facts), version=VERSION) for q in part}
    store = ox.Store()
    store.extend(quads)
    assert set(store) == quads


def test_duplicate_facts_become_one_assertion_with_the_highest_confidence() -> None:
    corpus = golden_corpus()
    fact = corpus.facts[0]
    dup = dataclasses.replace(fact, confidence=0.99)
    store = corpus_to_store(dataclasses.replace(corpus, facts=(*corpus.facts, dup)), version=VERSION)
    a = resource(assertion_key(fact))
    assert objects(store, a, KG.confidence, PROVENANCE) == {lit("0.99", XSD.decimal)}


def test_unknown_document_falls_back_to_doc_key() -> None:
    ev = Evidence("999_unknown", 0, 3, "abc", 0, 1, "a")
    corpus = Corpus(facts=(Fact("mentions", "doc/999_unknown", "person/x", ev, 0.5),))
    store = corpus_to_store(corpus, version=VERSION)
    a = resource(assertion_key(corpus.facts[0]))
    assert value(store, a, PROV.wasDerivedFrom, PROVENANCE) == ID["doc/999_unknown"]


# ---------------------------------------------------------------- (h) evidence


def _selector(store: ox.Store, node: ox.NamedNode, kind: ox.NamedNode) -> ox.NamedNode:
    (found,) = [
        s for s in objects(store, node, OA.hasSelector, PROVENANCE) if kind in objects(store, s, RDF.type, PROVENANCE)
    ]
    return found


def test_evidence_quotes_and_offsets_match_the_fixture(store: ox.Store) -> None:
    for fact in golden_corpus().facts:
        ev = fact.evidence
        text = TEXTS[ev.doc_id]
        a = resource(assertion_key(fact))
        for prop, (start, end, exact) in (
            (KG.evidence, (ev.sentence_start, ev.sentence_end, ev.sentence)),
            (KG.evidenceSpan, (ev.start, ev.end, ev.text)),
        ):
            node = value(store, a, prop, PROVENANCE)
            assert value(store, node, OA.hasSource, PROVENANCE) == resource(f"doc/{ev.doc_id}")
            position = _selector(store, node, OA.TextPositionSelector)
            quote = _selector(store, node, OA.TextQuoteSelector)
            assert value(store, position, OA.start, PROVENANCE) == lit(str(start), XSD.integer)
            assert value(store, position, OA.end, PROVENANCE) == lit(str(end), XSD.integer)
            assert value(store, quote, OA.exact, PROVENANCE).value == exact
            assert text[start:end] == exact, (fact.kind, exact)


# ---------------------------------------------------------------- the rdflib view, resource keys, dates


def test_facts_graph_has_entities_and_facts_but_no_provenance() -> None:
    from rdflib import Dataset, Graph

    from kg.rdf.dataset import ENTITIES_GRAPH, iri
    from kg.rdf.namespace import KG as K
    from kg.rdf.namespace import OA as O
    from kg.rdf.namespace import ORG as G
    from kg.rdf.namespace import RDF as R

    ds = corpus_to_dataset(golden_corpus(), version=VERSION)
    merged = facts_graph(ds)
    assert isinstance(merged, Graph) and not isinstance(merged, Dataset)
    entities = ds.graph(ENTITIES_GRAPH)
    assert len(entities) > 100 and all(t in merged for t in entities)
    assert (iri("person/gao-ming"), G.holds, iri(POST_SECRETARY_LN)) in merged
    assert not list(merged.subjects(R.type, K.Assertion))
    assert not list(merged.triples((None, O.exact, None)))


def test_facts_graph_of_a_parsed_trig_file() -> None:
    from kg.rdf.dataset import iri
    from kg.rdf.namespace import KG as K
    from kg.rdf.namespace import PROV as P

    merged = facts_graph(load_golden_dataset())
    assert (iri(MEETING_A), K.presidedBy, iri("person/gao-ming")) in merged
    assert not list(merged.triples((None, P.wasDerivedFrom, None)))


@pytest.mark.parametrize("key", ["place/liaoning", f"doc/{DOC_A}", "post/deputy-secretary/cpc-x", "doc/a%20b"])
def test_resource_and_key_of_round_trip(key: str) -> None:
    node = resource(key)
    assert node.value == f"https://w3id.org/kg/id/{key}"
    assert key_of(node) == key == key_of(node.value)


def test_unsafe_key_characters_are_percent_encoded() -> None:
    node = resource("doc/a b#c?é")
    assert node.value == "https://w3id.org/kg/id/doc/a%20b%23c%3F%C3%A9"
    assert key_of(node) == "doc/a%20b%23c%3F%C3%A9"


def test_resource_examples_and_errors() -> None:
    from kg.rdf.dataset import iri

    assert resource("place/liaoning") == ox.NamedNode("https://w3id.org/kg/id/place/liaoning")
    assert str(iri("place/liaoning")) == "https://w3id.org/kg/id/place/liaoning"  # (the rdflib URIRef)
    assert key_of(ox.NamedNode("https://w3id.org/kg/id/person/tian-yu")) == "person/tian-yu"
    with pytest.raises(ValueError):
        resource("")
    with pytest.raises(ValueError):
        key_of(ox.NamedNode("https://schema.org/Person"))


def test_date_literals() -> None:
    assert date_literal("2023-02-17") == lit("2023-02-17", XSD.date)
    assert date_literal("--09-15") == lit("--09-15", XSD.gMonthDay)
    for bad in ("2023-2-17", "Feb 17", "", "--9-15"):
        with pytest.raises(ValueError):
            date_literal(bad)
