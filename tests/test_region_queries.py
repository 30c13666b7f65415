"""The region of a promotion (kg:promotionRegion, kg:promotionDate) and the two region queries that page by it.

An invented corpus: three described places, a committee governing one of them and a committee
whose jurisdiction is not a described place; dated and undated articles of two regions and of
none; promotions by meetings (reported or not) and by people.
"""

from __future__ import annotations

from datetime import date, timedelta

import pyoxigraph as ox
import pytest

from kg.model import Corpus, Evidence, Fact, Initiative, Meeting, Organization, Person, Place, SourceDocument
from kg.query import run_query
from kg.rdf.mapping import corpus_to_store
from kg.rdf.provenance import assertion_key

ID = "https://w3id.org/kg/id/"
KG = "https://w3id.org/kg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROVENANCE = ox.NamedNode(ID + "graph/provenance")
SENTENCE = "The committee called for pushing ahead with the harbour renewal plan."
REGION = {"south": "place/southmere", "east": "place/eastvale", None: None}
PROMOTIONS = 260  # by the Northland committee's meetings, in articles of two other regions: > 2 pages of 100

# The rule the queries joined by before the mapping wrote it down: the organizer's jurisdiction, else the document's.
JOINED = """SELECT ?a ?region WHERE {
  GRAPH ?a { ?promoter kg:promotes ?initiative } ?a prov:wasDerivedFrom ?doc .
  OPTIONAL { ?promoter schema:organizer/kg:jurisdiction/schema:name ?organizerRegion }
  OPTIONAL { ?doc kg:region/schema:name ?docRegion }
  BIND (COALESCE(?organizerRegion, ?docRegion, "(unknown)") AS ?region)
}"""


def _evidence(doc_id: str, n: int) -> Evidence:
    return Evidence(doc_id, 0, len(SENTENCE), SENTENCE, 44 + n % 3, 59, SENTENCE[44 + n % 3 : 59])


def _doc(i: int, region: str | None, dated: bool = True) -> SourceDocument:
    day = date(2024, 1, 1) + timedelta(days=i) if dated else None
    return SourceDocument(f"doc/r{i:03d}", f"r{i:03d}", f"r{i:03d}.txt", day, REGION[region], "0" * 64)


def region_corpus() -> Corpus:
    """The corpus described in the module docstring."""
    names = ("Eastvale", "Northland", "Southmere")
    places = tuple(Place(f"place/{name.lower()}", name, "province", None) for name in names)
    orgs = (Organization("org/ghost", "Ghost Committee", "party_committee", "place/atlantis", None),
            Organization("org/north", "Northland Committee", "party_committee", "place/northland", None))  # fmt: skip
    kinds = ("plan", "strategy")
    initiatives = tuple(Initiative(f"initiative/plan-{k}", f"Plan {k}", kinds[k % 2]) for k in range(7))
    docs, meetings, facts = [], [], []
    for i in range(PROMOTIONS):  # a Northland meeting reported in a Southmere or Eastvale article
        doc = _doc(i, "south" if i % 2 else "east", dated=i % 5 != 0)
        meeting = f"meeting/n{i:03d}"
        day = f"2023-{1 + i % 12:02d}-{1 + i % 27:02d}"
        meetings.append(Meeting(meeting, f"Meeting {i}", "meeting", day, None, "org/north"))
        ev = _evidence(doc.doc_id, i)
        facts.append(Fact("reports", doc.key, meeting, ev, 0.9))
        facts.append(Fact("promotes", meeting, f"initiative/plan-{i % 7}", ev, 0.8))
        docs.append(doc)
    extra = [  # (document, promoter, reported meeting?) -> expected region
        (_doc(300, "south"), "person/lu-an", False),  # a person: the document's region
        (_doc(301, "east"), "meeting/unreported", False),  # a meeting no article reports: the document's region
        (_doc(302, "south", dated=False), "meeting/ghost", True),  # organizer's region is no described place
        (_doc(303, None), "person/lu-an", False),  # no region at all: "(unknown)"
        (_doc(304, None, dated=False), "person/lu-an", False),
    ]
    meetings.append(Meeting("meeting/unreported", "Unreported", "meeting", "2022-05-05", None, "org/north"))
    meetings.append(Meeting("meeting/ghost", "Ghost meeting", "meeting", "--03-04", None, "org/ghost"))
    for n, (doc, promoter, reported) in enumerate(extra):
        ev = _evidence(doc.doc_id, n)
        if reported:
            facts.append(Fact("reports", doc.key, promoter, ev, 0.9))
        facts.append(Fact("promotes", promoter, "initiative/plan-1", ev, 0.8))
        docs.append(doc)
    return Corpus(documents=tuple(docs), places=places, people=(Person("person/lu-an", "Lu An"),),
                  organizations=orgs, meetings=tuple(sorted(meetings, key=lambda m: m.key)),
                  initiatives=initiatives, facts=tuple(facts))  # fmt: skip


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return corpus_to_store(region_corpus())


def _promotion(store: ox.Store, doc_id: str, promoter: str) -> tuple[str | None, str | None]:
    """The region and date written on the promotion of ``promoter`` in document ``doc_id``."""
    fact = next(f for f in region_corpus().facts if f.kind == "promotes" and f.evidence.doc_id == doc_id)
    assert fact.subject == promoter
    node = ox.NamedNode(ID + assertion_key(fact))
    found = {}
    for name in ("promotionRegion", "promotionDate"):
        objects = [q.object for q in store.quads_for_pattern(node, ox.NamedNode(KG + name), None, PROVENANCE)]
        assert len(objects) <= 1
        found[name] = str(objects[0]) if objects else None
    return found["promotionRegion"], found["promotionDate"]


def test_a_promotion_counts_in_its_organizers_region_else_its_documents(store: ox.Store) -> None:
    # the Northland committee's meeting, reported in a Southmere article: Northland, on the meeting's date
    assert _promotion(store, "r001", "meeting/n001") == (f"<{ID}place/northland>", f'"2023-02-02"^^<{XSD}date>')
    assert _promotion(store, "r300", "person/lu-an") == (f"<{ID}place/southmere>", f'"2024-10-27"^^<{XSD}date>')
    assert _promotion(store, "r301", "meeting/unreported") == (f"<{ID}place/eastvale>", f'"2024-10-28"^^<{XSD}date>')
    assert _promotion(store, "r302", "meeting/ghost") == (f"<{ID}place/southmere>", f'"--03-04"^^<{XSD}gMonthDay>')
    assert _promotion(store, "r303", "person/lu-an") == (f"<{KG}UnknownRegion>", f'"2024-10-30"^^<{XSD}date>')
    assert _promotion(store, "r304", "person/lu-an") == (f"<{KG}UnknownRegion>", None)


def test_the_written_region_agrees_with_the_graph_it_is_derived_from(store: ox.Store) -> None:
    joined = {(a, region) for a, region in run_query(store, JOINED).rows}
    by_region = run_query(store, "initiatives_by_region").rows
    assert sum(int(row[4]) for row in by_region) == len(joined)  # every promotion counted once (one per document)
    counted: dict[str, int] = {}
    for _, region in joined:
        counted[region] = counted.get(region, 0) + 1
    assert {region: sum(int(r[4]) for r in by_region if r[0] == region) for region in counted} == counted
    assert counted == {"Northland": PROMOTIONS, "Southmere": 2, "Eastvale": 1, "(unknown)": 2}


def test_a_regions_pages_are_slices_of_its_whole_answer(store: ox.Store) -> None:
    whole = run_query(store, "initiatives_in_region", {"region": "northland"}).rows
    assert len(whole) == PROMOTIONS and {row[0] for row in whole} == {"Northland"}
    dates = [row[5] for row in whole]
    assert dates == sorted(dates, reverse=True)  # latest first
    page2 = run_query(store, "initiatives_in_region", {"region": "NORTHLAND"}, limit=100, offset=100)
    assert page2.rows == whole[100:200] and page2.truncated
    last = run_query(store, "initiatives_in_region", {"region": "Northland"}, limit=100, offset=200)
    assert last.rows == whole[200:] and not last.truncated
    for limit, offset in ((1, 0), (7, 3), (13, 250)):
        assert (
            run_query(store, "initiatives_in_region", {"region": "Northland"}, limit=limit, offset=offset).rows
            == (whole[offset : offset + limit])
        )


def test_a_region_without_promotions_or_an_unknown_name_gives_no_rows(store: ox.Store) -> None:
    south = run_query(store, "initiatives_in_region", {"region": "Southmere"}).rows
    assert [(row[4], row[5]) for row in south] == [
        (ID + "person/lu-an", "2024-10-27"),
        (ID + "meeting/ghost", "--03-04"),
    ]
    for name in ("Atlantis", "(unknown)", "Nowhere at all"):
        assert run_query(store, "initiatives_in_region", {"region": name}).rows == ()
        assert run_query(store, "initiatives_in_region", {"region": name}, limit=100).rows == ()


def test_regions_are_listed_with_unknown_first_and_paged(store: ox.Store) -> None:
    whole = run_query(store, "initiatives_by_region").rows
    assert [row[0] for row in whole][:1] == ["(unknown)"]
    assert list(dict.fromkeys(row[0] for row in whole)) == ["(unknown)", "Eastvale", "Northland", "Southmere"]
    northland = [row for row in whole if row[0] == "Northland"]
    assert [int(row[4]) for row in northland] == sorted((int(row[4]) for row in northland), reverse=True)
    for limit, offset in ((1, 0), (2, 1), (3, 2), (100, 0), (4, 8)):
        page = run_query(store, "initiatives_by_region", limit=limit, offset=offset)
        assert page.rows == whole[offset : offset + limit], (limit, offset)
