"""Golden tests of kg/queries/*.rq: each query on the golden dataset returns exactly the expected rows (on Oxigraph)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.query import prepare, run_query
from kg.rdf.dataset import corpus_to_dataset
from kg.rdf.namespace import ID
from kg.store.oxstore import load_dataset, load_store
from tests.fixtures.golden_corpus import (
    DOC_A,
    DOC_B,
    GOLDEN_TRIG,
    MEETING_A,
    MEETING_B,
    VERSION,
    golden_corpus,
)
from tests.fixtures.lookup_keys import add_keys
from tests.shared_gold import SCORER, needs_shared

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "kg" / "queries"

A = str(ID[f"doc/{DOC_A}"])
B = str(ID[f"doc/{DOC_B}"])
M_A = str(ID[MEETING_A])
M_B = str(ID[MEETING_B])
LABEL_A = "Meeting of the Standing Committee of the CPC Liaoning Provincial Committee"
LABEL_B = "Symposium on talent attraction"
ACTION_PLAN = "Action Plan for Attracting A Million Talents to South Guangdong"
CPC_LN = "CPC Liaoning Provincial Committee"
S_A0 = (
    "Shenyang, February 17 (Xinhua) -- On February 17, Gao Ming, Secretary of the CPC Liaoning "
    "Provincial Committee, presided over a meeting of the Standing Committee of the Provincial Party "
    "Committee in Shenyang."
)
S_B0 = (
    "On September 15, Huang Mingkai, Secretary of the CPC Guangdong Provincial Committee, chaired a "
    "symposium on talent attraction in Guangzhou."
)

CONTRACT = {
    "people": ("doc", "name"),
    "organizations": ("doc", "name"),
    "posts": ("doc", "name", "title", "org", "region"),
    "participants": ("doc", "name", "role"),
    "meetings": ("doc", "date", "place"),
    "initiatives": ("doc", "name"),
}

EXPECTED: dict[str, set[tuple[str | None, ...]]] = {
    "people": {
        (A, "Gao Ming"),
        (A, "Tian Yu"),
        (B, "Gao Ming"),
        (B, "Huang Mingkai"),
        (B, "Wang Wei"),
    },
    "organizations": {  # Xinhua (a kg:MediaOutlet) is mentioned in A but excluded
        (A, CPC_LN),
        (A, "Standing Committee of the CPC Liaoning Provincial Committee"),
        (A, "Liaoning Provincial Government"),
        (B, "CPC Guangdong Provincial Committee"),
        (B, CPC_LN),
    },
    "posts": {
        (A, "Gao Ming", "Secretary", CPC_LN, "Liaoning"),
        (A, "Tian Yu", "Vice Governor", "Liaoning Provincial Government", "Liaoning"),
        (B, "Huang Mingkai", "Secretary", "CPC Guangdong Provincial Committee", "Guangdong"),
        (B, "Gao Ming", "Secretary", CPC_LN, "Liaoning"),
        (B, "Wang Wei", "Mayor", "Guangzhou Municipal Government", "Guangzhou"),
    },
    "participants": {
        (A, "Gao Ming", "presided"),
        (A, "Gao Ming", "spoke"),
        (A, "Tian Yu", "attended"),
        (B, "Huang Mingkai", "presided"),
        (B, "Huang Mingkai", "spoke"),
        (B, "Gao Ming", "attended"),
    },
    "meetings": {
        (A, "2023-02-17", "Shenyang"),
        (B, "--09-15", "Guangzhou"),
    },
    "initiatives": {
        (A, "new industrialization"),
        (B, ACTION_PLAN),
    },
}


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def run(
    ds: ox.Store, name: str, variables: tuple[str, ...], params: dict[str, str] | None = None
) -> list[tuple[str | None, ...]]:
    """Rows of a named query (kg's rules: parameters, prefixes), projected on ``variables``."""
    if params:
        text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
        for param in params:
            assert re.search(rf"^# param: {param} = ", text, re.M), f"{name}.rq does not document param {param}"
    result = run_query(ds, str(QUERIES / f"{name}.rq"), params)
    return [tuple(_text(row[result.vars.index(v)]) for v in variables) for row in result.rows]


@pytest.fixture(scope="module", params=["mapped", "golden.trig"])
def ds(request: pytest.FixtureRequest) -> ox.Store:
    """The golden graph in an Oxigraph store, with its lookup keys."""
    if request.param == "mapped":
        store = ox.Store()
        load_dataset(store, corpus_to_dataset(golden_corpus(), version=VERSION))
        return add_keys(store)
    return add_keys(load_store(GOLDEN_TRIG))


# ---------------------------------------------------------------- query files


def test_every_query_file_parses_and_has_a_description() -> None:
    files = sorted(QUERIES.glob("*.rq"))
    assert {p.stem for p in files} >= set(CONTRACT) | {
        "presided_meetings",
        "post_holders_as_of",
        "person_meetings",
        "initiatives_by_region",
        "fact_evidence",
    }
    for path in files:
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0]
        assert first.startswith("# ") and len(first) > 20, path.name
        assert prepare(text).kind == "select", path.name


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_competency_queries_have_the_contract_variables(name: str) -> None:
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    answer = ox.Store().query(text)  # self-contained: no kg prefixes, no parameters (the gold scorer runs them so)
    projected = [v.value for v in answer.variables]
    assert projected[: len(CONTRACT[name])] == list(CONTRACT[name])
    assert "DISTINCT" in (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


# ---------------------------------------------------------------- (f) the six competency queries


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_competency_query_rows(ds: ox.Store, name: str) -> None:
    rows = run(ds, name, CONTRACT[name])
    assert len(rows) == len(set(rows)), f"{name}: duplicate rows"
    assert set(rows) == EXPECTED[name]


def test_posts_extra_variables(ds: ox.Store) -> None:
    rows = set(run(ds, "posts", ("doc", "name", "status", "asOf")))
    assert rows == {
        (A, "Gao Ming", "holds", "2023-02-17"),
        (A, "Tian Yu", "appointed", "2023-02-17"),
        (B, "Huang Mingkai", "holds", None),
        (B, "Gao Ming", "holds", None),
        (B, "Wang Wei", "resigned", None),
    }


def test_participants_and_meetings_extra_variables(ds: ox.Store) -> None:
    assert set(run(ds, "participants", ("name", "role", "meeting", "label"))) == {
        ("Gao Ming", "presided", M_A, LABEL_A),
        ("Gao Ming", "spoke", M_A, LABEL_A),
        ("Tian Yu", "attended", M_A, LABEL_A),
        ("Huang Mingkai", "presided", M_B, LABEL_B),
        ("Huang Mingkai", "spoke", M_B, LABEL_B),
        ("Gao Ming", "attended", M_B, LABEL_B),
    }
    assert set(run(ds, "meetings", ("meeting", "label", "kind", "sentence"))) == {
        (M_A, LABEL_A, "standing committee meeting", S_A0),
        (M_B, LABEL_B, "symposium", S_B0),
    }


def test_organizations_and_initiatives_extra_variables(ds: ox.Store) -> None:
    assert set(run(ds, "organizations", ("name", "kind", "region"))) == {
        (CPC_LN, "PartyCommittee", "Liaoning"),
        ("Standing Committee of the CPC Liaoning Provincial Committee", "StandingCommittee", "Liaoning"),
        ("Liaoning Provincial Government", "Government", "Liaoning"),
        ("CPC Guangdong Provincial Committee", "PartyCommittee", "Guangdong"),
    }
    assert set(run(ds, "initiatives", ("name", "kind"))) == {
        ("new industrialization", "strategy"),
        (ACTION_PLAN, "plan"),
    }


def test_meeting_without_date_or_place_still_listed() -> None:
    import dataclasses

    corpus = golden_corpus()
    meetings = tuple(dataclasses.replace(m, date=None, place=None) for m in corpus.meetings)
    ds = ox.Store()
    load_dataset(ds, corpus_to_dataset(dataclasses.replace(corpus, meetings=meetings), version=VERSION))
    assert set(run(ds, "meetings", ("doc", "date", "place"))) == {(A, None, None), (B, None, None)}


@needs_shared
def test_the_scorer_reads_the_same_rows() -> None:
    spec = importlib.util.spec_from_file_location("kg_gold_score", SCORER)
    assert spec is not None and spec.loader is not None
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    rows = scorer.run_queries(GOLDEN_TRIG, QUERIES)
    for name, variables in CONTRACT.items():
        got = {tuple(row[v] or None for v in variables) for row in rows[name]}
        assert got == EXPECTED[name], name
    assert {scorer.doc_key(r["doc"]) for r in rows["people"]} == {DOC_A, DOC_B}


# ---------------------------------------------------------------- (g) analyst queries


def test_presided_meetings(ds: ox.Store) -> None:
    rows = run(ds, "presided_meetings", ("name", "meeting", "date", "doc", "sentence"))
    assert rows == [  # ordered by date: "--09-15" sorts before "2023-02-17"
        ("Huang Mingkai", M_B, "--09-15", B, S_B0),
        ("Gao Ming", M_A, "2023-02-17", A, S_A0),
    ]


def test_post_holders_as_of_default(ds: ox.Store) -> None:
    rows = run(ds, "post_holders_as_of", ("name", "title", "org", "region", "status", "asOf", "doc"))
    # the Guangdong article has no date, so its holdings have no asOf and are not counted
    assert rows == [("Gao Ming", "Secretary", CPC_LN, "Liaoning", "holds", "2023-02-17", A)]


def test_post_holders_as_of_parameters(ds: ox.Store) -> None:
    assert run(ds, "post_holders_as_of", ("name",), {"as_of": "2023-01-01"}) == []
    vice = run(ds, "post_holders_as_of", ("name", "title", "status", "asOf"), {"post_title": "  VICE governor"})
    assert vice == [("Tian Yu", "Vice Governor", "appointed", "2023-02-17")]  # the title's key: case and spaces folded
    mayor = run(ds, "post_holders_as_of", ("name",), {"post_title": "Mayor"})
    assert mayor == []  # a resignation is not a holding


def test_person_meetings(ds: ox.Store) -> None:
    rows = run(ds, "person_meetings", ("name", "meeting", "role", "date", "place", "doc"), {"person_name": "Gao Ming"})
    assert rows == [
        ("Gao Ming", M_B, "attended", "--09-15", "Guangzhou", B),
        ("Gao Ming", M_A, "presided", "2023-02-17", "Shenyang", A),
        ("Gao Ming", M_A, "spoke", "2023-02-17", "Shenyang", A),
    ]


def test_person_meetings_by_alternate_name(ds: ox.Store) -> None:
    rows = run(ds, "person_meetings", ("name", "label", "role"), {"person_name": "tian  yu"})
    assert rows == [("Tian Yu", LABEL_A, "attended")]
    assert run(ds, "person_meetings", ("name",), {"person_name": "Nobody"}) == []


def test_initiatives_in_region(ds: ox.Store) -> None:
    rows = run(ds, "initiatives_in_region", ("region", "name", "kind", "doc"), {"region": "liaoning"})
    assert rows == [("Liaoning", "new industrialization", "strategy", A)]
    rows = run(ds, "initiatives_in_region", ("region", "name", "doc"), {"region": "ＧＵＡＮＧＤＯＮＧ"})  # full width
    assert rows == [("Guangdong", ACTION_PLAN, B)]
    assert run(ds, "initiatives_in_region", ("name",), {"region": "Hubei"}) == []


def test_initiatives_by_region(ds: ox.Store) -> None:
    rows = run(ds, "initiatives_by_region", ("region", "name", "kind", "docs"))
    # A: promoted by a meeting organized by a Liaoning body; B: promoted by a person, region of the document
    assert rows == [
        ("Guangdong", ACTION_PLAN, "plan", "1"),
        ("Liaoning", "new industrialization", "strategy", "1"),
    ]


def test_fact_evidence(ds: ox.Store) -> None:
    corpus = golden_corpus()
    rows = run(ds, "fact_evidence", ("kind", "doc", "sentence", "start", "end", "phrase", "phraseStart", "phraseEnd"))
    expected = [
        (
            f.kind,
            str(ID[f"doc/{f.evidence.doc_id}"]),
            f.evidence.sentence,
            str(f.evidence.sentence_start),
            str(f.evidence.sentence_end),
            f.evidence.text,
            str(f.evidence.start),
            str(f.evidence.end),
        )
        for f in corpus.facts
    ]
    assert sorted(rows) == sorted(expected)
    assert len(rows) == len(corpus.facts)  # one row per assertion, reports included
