"""ontology/kg.ttl documents every term the code and queries use; shapes.ttl accepts good graphs and
rejects broken ones with a readable report."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.errors import GraphError, GraphParseError, OntologyError, ValidationError
from kg.rdf.dataset import ENTITIES_GRAPH, PROVENANCE_GRAPH, corpus_to_dataset, facts_graph, iri
from kg.rdf.namespace import (
    ID,
    KG,
    KG_TERMS,
    OA,
    ORG,
    PROV,
    SDO,
    bind_prefixes,
    load_ontology_graph,
    load_ontology_terms,
    ontology_path,
)
from kg.store.validate import format_report, validate_file, validate_graph
from tests.fixtures.golden_corpus import GOLDEN_TRIG, MEETING_A, VERSION, golden_corpus

# rdflib's own SPARQL engine and parsers call its deprecated ConjunctiveGraph API; not our concern here
pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated, use Dataset:DeprecationWarning")
ROOT = Path(__file__).resolve().parents[1]
KG_USE_IN_PYTHON = re.compile(r"""\bKG(?:\.([A-Za-z_]\w*)|\[\s*["']([A-Za-z_]\w*)["']\s*\])""")
KG_USE_IN_TEXT = re.compile(r"\bkg:([A-Za-z_]\w*)")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology_graph("kg.ttl")


@pytest.fixture(scope="module")
def golden() -> Dataset:
    return corpus_to_dataset(golden_corpus(), version=VERSION)


def _kg_terms_used() -> dict[str, set[str]]:
    """kg: local names used, by file, in kg/rdf/*.py, kg/queries/*.rq and ontology/shapes.ttl."""
    used: dict[str, set[str]] = {}
    for path in sorted((ROOT / "kg" / "rdf").glob("*.py")):
        names = {a or b for a, b in KG_USE_IN_PYTHON.findall(path.read_text(encoding="utf-8"))}
        names |= set(KG_USE_IN_TEXT.findall(path.read_text(encoding="utf-8")))
        used[path.name] = names
    for path in sorted((ROOT / "kg" / "queries").glob("*.rq")) + [ROOT / "ontology" / "shapes.ttl"]:
        used[path.name] = set(KG_USE_IN_TEXT.findall(path.read_text(encoding="utf-8")))
    return used


def _labelled(ontology: Graph, term: URIRef) -> bool:
    return ontology.value(term, RDFS.label) is not None


# ---------------------------------------------------------------- locating the files


def test_ontology_files_are_found() -> None:
    assert ontology_path("kg.ttl").is_file()
    assert ontology_path("shapes.ttl").is_file()


def test_missing_ontology_file_raises_ontology_error() -> None:
    with pytest.raises(OntologyError, match="nope.ttl"):
        ontology_path("nope.ttl")


# ---------------------------------------------------------------- (d) terms


def test_every_kg_term_used_is_defined_with_label_and_comment(ontology: Graph) -> None:
    defined = load_ontology_terms()
    problems = []
    for file, names in _kg_terms_used().items():
        for name in sorted(names):
            term = KG[name]
            if name not in defined:
                problems.append(f"{file}: kg:{name} is not defined in ontology/kg.ttl")
            elif not _labelled(ontology, term) or ontology.value(term, RDFS.comment) is None:
                problems.append(f"{file}: kg:{name} lacks rdfs:label or rdfs:comment")
    assert not problems, "\n".join(problems)


def test_the_term_scan_finds_terms() -> None:
    used = _kg_terms_used()
    assert {"presidedBy", "evidence", "title", "Assertion"} <= used["mapping.py"] | used["provenance.py"]
    assert "MediaOutlet" in used["organizations.rq"]


def test_kg_terms_are_in_the_ontology_and_cover_the_code() -> None:
    defined = load_ontology_terms()
    assert KG_TERMS <= defined, sorted(KG_TERMS - defined)
    used_by_mapping = set().union(*(names for file, names in _kg_terms_used().items() if not file.endswith(".ttl")))
    assert used_by_mapping <= KG_TERMS, sorted(used_by_mapping - KG_TERMS)


def test_every_kg_term_in_the_ontology_has_label_comment_and_a_kind(ontology: Graph) -> None:
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual}
    for name in sorted(load_ontology_terms()):
        term = KG[name]
        assert ontology.value(term, RDFS.label) is not None, name
        assert len(str(ontology.value(term, RDFS.comment) or "")) > 20, name
        assert set(ontology.objects(term, RDF.type)) & kinds, name


def test_kg_classes_relate_to_standard_vocabularies(ontology: Graph) -> None:
    for kind in (
        "PartyCommittee",
        "StandingCommittee",
        "Government",
        "PeoplesCongress",
        "ConsultativeConference",
        "CentralBody",
        "GovernmentDepartment",
        "MediaOutlet",
        "ForeignBody",
        "OtherOrganization",
    ):
        assert (KG[kind], RDFS.subClassOf, ORG.Organization) in ontology, kind
    assert (KG.MediaOutlet, RDFS.subClassOf, SDO.NewsMediaOrganization) in ontology
    assert (KG.Assertion, RDFS.subClassOf, PROV.Entity) in ontology
    assert (KG.Meeting, RDFS.subClassOf, SDO.Event) in ontology
    assert (KG.Plan, RDFS.subClassOf, KG.Initiative) in ontology
    assert (KG.Strategy, RDFS.subClassOf, KG.Initiative) in ontology


def test_domains_and_ranges_are_declared_terms(ontology: Graph) -> None:
    declared = set(ontology.subjects(RDF.type, None))
    for prop in (RDFS.domain, RDFS.range, RDFS.subPropertyOf, RDFS.subClassOf):
        for s, o in ontology.subject_objects(prop):
            if str(o).startswith(str(XSD)):
                continue
            assert o in declared, f"{s} {prop} {o}: {o} is not declared in kg.ttl"


def test_every_class_and_predicate_of_the_graph_is_documented(ontology: Graph, golden: Dataset) -> None:
    predicates = {p for _, p, _, _ in golden.quads((None, None, None, None))} - {RDF.type}
    classes = {o for _, _, o, _ in golden.quads((None, RDF.type, None, None))}
    missing = sorted(str(t) for t in predicates | classes if not _labelled(ontology, t))
    assert not missing, missing


def test_property_kinds_match_their_use(ontology: Graph, golden: Dataset) -> None:
    for _, p, o, _ in golden.quads((None, None, None, None)):
        if (p, RDF.type, OWL.ObjectProperty) in ontology:
            assert isinstance(o, URIRef), (p, o)
        elif (p, RDF.type, OWL.DatatypeProperty) in ontology:
            assert isinstance(o, Literal), (p, o)


def test_shape_paths_are_documented_terms(ontology: Graph) -> None:
    shapes = load_ontology_graph("shapes.ttl")
    paths = {o for o in shapes.objects(None, SH.path) if isinstance(o, URIRef)}
    targets = set(shapes.objects(None, SH.targetClass)) | set(shapes.objects(None, SH.targetSubjectsOf))
    targets |= set(shapes.objects(None, SH.targetObjectsOf))
    assert not sorted(str(t) for t in paths | targets if not _labelled(ontology, t))


# ---------------------------------------------------------------- (e) SHACL


def test_golden_dataset_conforms(golden: Dataset) -> None:
    validate_graph(golden)


def test_golden_trig_file_conforms(golden: Dataset) -> None:
    assert validate_file(GOLDEN_TRIG) == len(list(golden.quads((None, None, None, None))))


def test_facts_graph_alone_is_checked_too(golden: Dataset) -> None:
    # graph.ttl has no provenance: entity and fact shapes still hold
    validate_graph(facts_graph(golden))


A = ID["assertion/37ad2a2d26456a73"]  # Gao Ming holds Secretary of the CPC Liaoning Provincial Committee


def _entities(ds: Dataset) -> Graph:
    return ds.graph(ENTITIES_GRAPH)


def _prov(ds: Dataset) -> Graph:
    return ds.graph(PROVENANCE_GRAPH)


def _position(ds: Dataset, which: str) -> URIRef:
    return URIRef(f"{A}/{which}/position")


BREAKAGES: dict[str, tuple[Callable[[Dataset], None], list[str]]] = {
    "person without name": (
        lambda ds: _entities(ds).remove((iri("person/tian-yu"), SDO.name, None)),
        ["id:person/tian-yu", "schema:name", "a person needs exactly one"],
    ),
    "person with two names": (
        lambda ds: _entities(ds).add((iri("person/tian-yu"), SDO.name, Literal("Tian Yu 2"))),
        ["id:person/tian-yu", "schema:name"],
    ),
    "assertion without evidence": (
        lambda ds: _prov(ds).remove((A, KG.evidence, None)),
        ["id:assertion/37ad2a2d26456a73", "kg:evidence", "exactly one kg:evidence"],
    ),
    "assertion without document": (
        lambda ds: _prov(ds).remove((A, PROV.wasDerivedFrom, None)),
        ["id:assertion/37ad2a2d26456a73", "prov:wasDerivedFrom"],
    ),
    "post without org": (
        lambda ds: _entities(ds).remove((iri("post/mayor/guangzhou-municipal-government"), ORG.postIn, None)),
        ["id:post/mayor/guangzhou-municipal-government", "org:postIn"],
    ),
    "post without title": (
        lambda ds: _entities(ds).remove((iri("post/mayor/guangzhou-municipal-government"), KG["title"], None)),
        ["kg:title"],
    ),
    "confidence above one": (
        lambda ds: _prov(ds).set((A, KG.confidence, Literal(Decimal("1.5"), datatype=XSD.decimal))),
        ["kg:confidence", "[0, 1]"],
    ),
    "start after end": (
        lambda ds: _prov(ds).set((_position(ds, "span"), OA.start, Literal(200, datatype=XSD.integer))),
        ["oa:start", "<= oa:end"],
    ),
    "quote does not fit the offsets": (
        lambda ds: _prov(ds).set((URIRef(f"{A}/sentence/quote"), OA.exact, Literal("Gao Ming"))),
        ["length differs", "id:assertion/37ad2a2d26456a73/sentence"],
    ),
    "span outside the sentence": (
        lambda ds: [
            _prov(ds).set((_position(ds, "span"), OA.start, Literal(300, datatype=XSD.integer))),
            _prov(ds).set((_position(ds, "span"), OA.end, Literal(360, datatype=XSD.integer))),
        ],
        ["does not lie within the evidence sentence"],
    ),
    "empty quote": (
        lambda ds: _prov(ds).set((URIRef(f"{A}/span/quote"), OA.exact, Literal(""))),
        ["non-empty oa:exact"],
    ),
    "holds something that is not a post": (
        lambda ds: ds.graph(A).add((iri("person/gao-ming"), ORG.holds, iri("org/liaoning-provincial-government"))),
        ["must be an org:Post", "id:org/liaoning-provincial-government"],
    ),
    "participant is not a person": (
        lambda ds: ds.graph(A).add((iri(MEETING_A), SDO.attendee, iri("place/shenyang"))),
        ["must be a schema:Person"],
    ),
    "promotes a person": (
        lambda ds: ds.graph(A).add((iri(MEETING_A), KG.promotes, iri("person/tian-yu"))),
        ["must be a kg:Initiative"],
    ),
    "meeting date as plain string": (
        lambda ds: ds.graph(A).add((iri(MEETING_A), SDO.startDate, Literal("Feb 17"))),
        ["schema:startDate"],
    ),
    "meeting part of a place": (
        lambda ds: _entities(ds).add((iri(MEETING_A), SDO.superEvent, iri("place/shenyang"))),
        ["schema:superEvent", "id:meeting/2023-02-17"],
    ),
    "evidence from another document": (
        lambda ds: _prov(ds).set((URIRef(f"{A}/sentence"), OA.hasSource, iri("doc/101_0f1e2d3c4b5a6978"))),
        ["must come from the document"],
    ),
    "document without name": (
        lambda ds: _entities(ds).remove((iri("doc/100_a1b2c3d4e5f60718"), SDO.name, None)),
        ["schema:name", "document"],
    ),
    "unknown fact kind": (
        lambda ds: _prov(ds).set((A, KG.factKind, Literal("likes"))),
        ["kg:factKind"],
    ),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_broken_graph_is_rejected_with_a_readable_report(name: str) -> None:
    breaker, expected = BREAKAGES[name]
    ds = corpus_to_dataset(golden_corpus(), version=VERSION)
    breaker(ds)
    with pytest.raises(ValidationError) as info:
        validate_graph(ds)
    report = info.value.report
    for text in expected:
        assert text in report, f"{text!r} not in report:\n{report}"
    assert re.search(r"^\d+ violation\(s\)$", report.splitlines()[-1])
    assert "SHACL violation" in str(info.value)


def test_report_is_capped_and_counts_everything() -> None:
    ds = corpus_to_dataset(golden_corpus(), version=VERSION)
    prov = _prov(ds)
    for a in list(prov.subjects(RDF.type, KG.Assertion)):
        prov.remove((a, KG.evidence, None))
    with pytest.raises(ValidationError) as info:
        validate_graph(ds)
    lines = info.value.report.splitlines()
    assert len(lines) <= 22
    # per assertion: no kg:evidence, and so no evidence source equal to prov:wasDerivedFrom
    assert lines[-1] == f"{2 * len(golden_corpus().facts)} violation(s)"
    assert lines[-2].startswith("... and ")


def test_format_report_of_an_empty_result() -> None:
    assert format_report(Graph()) == (0, "0 violation(s)")


# ---------------------------------------------------------------- validate_file


def test_validate_file_on_formats(tmp_path: Path, golden: Dataset) -> None:
    for suffix, fmt in ((".trig", "trig"), (".nq", "nquads")):
        path = tmp_path / f"graph{suffix}"
        path.write_text(golden.serialize(format=fmt), encoding="utf-8")
        validate_file(path)
    ttl = tmp_path / "graph.ttl"
    ttl.write_text(bind_prefixes(facts_graph(golden)).serialize(format="turtle"), encoding="utf-8")
    validate_file(ttl)


def test_validate_file_rejects_an_invalid_graph(tmp_path: Path) -> None:
    ds = corpus_to_dataset(golden_corpus(), version=VERSION)
    _entities(ds).remove((iri("person/tian-yu"), SDO.name, None))
    path = tmp_path / "bad.trig"
    path.write_text(ds.serialize(format="trig"), encoding="utf-8")
    with pytest.raises(ValidationError, match="bad.trig"):
        validate_file(path)


@pytest.mark.parametrize(
    ("suffix", "text", "line"),
    [
        (".ttl", "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b ex:c ex:d .\n", 3),
        (".trig", '@prefix ex: <http://example.org/> .\nex:g {\n ex:a ex:b "open .\n}\n', 3),
        (".nq", "<http://a> <http://b> <http://c> <http://g> .\n<http://a> <http://b> c <http://g> .\n", 2),
        (".jsonld", '{"@id": "http://a",\n "http://b": \n}', 3),
    ],
)
def test_parse_errors_name_the_file_and_line(tmp_path: Path, suffix: str, text: str, line: int) -> None:
    path = tmp_path / f"broken{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GraphParseError) as info:
        validate_file(path)
    assert str(path) in str(info.value)
    assert f"line {line}" in str(info.value)


def test_missing_or_unknown_graph_files(tmp_path: Path) -> None:
    with pytest.raises(GraphError, match="no such file"):
        validate_file(tmp_path / "absent.trig")
    odd = tmp_path / "graph.xyz"
    odd.write_text("x", encoding="utf-8")
    with pytest.raises(GraphError, match="unknown graph format"):
        validate_file(odd)
