"""A tiny hand-made graph in kg's model (docs/graph-model.md), for tests that need no extractor."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, Namespace
from rdflib import namespace as ns

KG = Namespace("https://w3id.org/kg/ontology#")
ID = Namespace("https://w3id.org/kg/id/")
ORG = Namespace("http://www.w3.org/ns/org#")
SDO = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")

SENTENCE = "Provincial party secretary Gao Ming presided over the meeting."


def make_dataset(person_name: str = "Gao Ming") -> Dataset:
    """Entities, two assertion graphs (presided, holds) and their provenance."""
    ds = Dataset(default_union=True)
    ent = ds.graph(ID["graph/entities"])
    doc, person = ID["doc/002_test"], ID["person/gao-ming"]
    org = ID["org/cpc-liaoning-provincial-committee"]
    post = ID["post/secretary/cpc-liaoning-provincial-committee"]
    meeting, place = ID["meeting/2023-02-17/standing-committee-meeting"], ID["place/liaoning"]
    ent.add((doc, ns.RDF.type, SDO.NewsArticle))
    ent.add((doc, SDO["name"], Literal("002_test.txt")))
    ent.add((person, ns.RDF.type, SDO.Person))
    ent.add((person, SDO["name"], Literal(person_name)))
    ent.add((org, ns.RDF.type, ORG.Organization))
    ent.add((org, ns.RDF.type, KG.PartyCommittee))
    ent.add((org, SDO["name"], Literal("CPC Liaoning Provincial Committee")))
    ent.add((org, KG.jurisdiction, place))
    ent.add((place, ns.RDF.type, SDO.Place))
    ent.add((place, SDO["name"], Literal("Liaoning")))
    ent.add((post, ns.RDF.type, ORG.Post))
    ent.add((post, ns.RDFS.label, Literal("Secretary of the CPC Liaoning Provincial Committee")))
    ent.add((post, ORG.postIn, org))
    ent.add((meeting, ns.RDF.type, SDO.Event))
    ent.add((meeting, ns.RDF.type, KG.Meeting))
    ent.add((meeting, SDO["name"], Literal("Standing committee meeting")))
    prov = ds.graph(ID["graph/provenance"])
    for key, triple, kind in (
        ("aaaa000000000001", (meeting, KG.presidedBy, person), "presided"),
        ("aaaa000000000002", (person, ORG.holds, post), "holds"),
        ("aaaa000000000003", (doc, SDO.mentions, person), "mentions"),
    ):
        assertion = ID[f"assertion/{key}"]
        ds.graph(assertion).add(triple)
        sentence, quote = ID[f"assertion/{key}/sentence"], ID[f"assertion/{key}/sentence/quote"]
        prov.add((assertion, ns.RDF.type, KG.Assertion))
        prov.add((assertion, KG.factKind, Literal(kind)))
        prov.add((assertion, PROV.wasDerivedFrom, doc))
        prov.add((assertion, KG.confidence, Literal("0.9", datatype=ns.XSD.decimal)))
        prov.add((assertion, KG.evidence, sentence))
        prov.add((sentence, OA.hasSelector, quote))
        prov.add((quote, OA.exact, Literal(SENTENCE)))
    return ds


@pytest.fixture
def tiny_ds() -> Dataset:
    """The tiny graph: Gao Ming presided over a meeting and holds a post."""
    return make_dataset()


@pytest.fixture
def make_ds() -> Callable[..., Dataset]:
    """The factory behind ``tiny_ds``: ``make_ds(person_name="...")``."""
    return make_dataset


SEEDS = Path(__file__).parents[1] / "seeds"


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory):
    """The real build of the repository's seeds/, once per test session: (summary, output folder)."""
    from kg.build import build

    out = tmp_path_factory.mktemp("seeds-exports")
    return build([SEEDS], out), out


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by playwright (the browser tests; never a downloaded browser)."""
    from kg.viz.browser import MISSING, chromium_path

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        pytest.fail("the browser tests need playwright: pip install -e '.[test]'")
    if chromium_path() is None:
        pytest.fail(MISSING)
    from kg.viz.browser import launch

    with sync_playwright() as pw:
        chromium = launch(pw)
        yield chromium
        chromium.close()
