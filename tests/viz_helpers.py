"""Hand-made graphs and page readers shared by the tests of kg.viz (tests/test_viz*.py)."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
from rdflib import Dataset, Literal
from rdflib import namespace as ns

from kg.store.oxstore import load_dataset
from tests.conftest import ID, KG, OA, ORG, PROV, SDO, make_dataset


def as_store(ds: Dataset, folder=None) -> ox.Store:
    """A hand-made rdflib graph of these tests in an Oxigraph store (in memory, or on disk in ``folder``)."""
    store = ox.Store(str(folder)) if folder is not None else ox.Store()
    load_dataset(store, ds)
    return store


def page_data(page: str) -> dict:
    """The JSON a graph page embeds."""
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert match
    return json.loads(match.group(1))


def add_fact(ds: Dataset, key: str, triple, kind: str, *, doc: str, sentence: str, as_of: str | None = None):
    """An assertion graph with its provenance, in kg's model."""
    assertion = ID[f"assertion/{key}"]
    ds.graph(assertion).add(triple)
    prov = ds.graph(ID["graph/provenance"])
    sentence_node, quote = ID[f"assertion/{key}/sentence"], ID[f"assertion/{key}/sentence/quote"]
    prov.add((assertion, ns.RDF.type, KG.Assertion))
    prov.add((assertion, KG.factKind, Literal(kind)))
    prov.add((assertion, PROV.wasDerivedFrom, ID[f"doc/{doc}"]))
    prov.add((assertion, KG.evidence, sentence_node))
    prov.add((sentence_node, OA.hasSelector, quote))
    prov.add((quote, OA.exact, Literal(sentence)))
    if as_of:
        prov.add((assertion, KG.asOf, ID[f"date/{as_of}"]))
        ds.graph(ID["graph/entities"]).add(
            (ID[f"date/{as_of}"], ns.TIME.inXSDDate, Literal(as_of, datatype=ns.XSD.date))
        )


def add_entity(ds: Dataset, key: str, type_, name: str, *, label: bool = False):
    ent = ds.graph(ID["graph/entities"])
    ent.add((ID[key], ns.RDF.type, type_))
    ent.add((ID[key], ns.RDFS.label if label else SDO["name"], Literal(name)))
    return ID[key]


def add_doc(ds: Dataset, doc: str, date: str | None, region=None):
    ent = ds.graph(ID["graph/entities"])
    ent.add((ID[f"doc/{doc}"], ns.RDF.type, SDO.NewsArticle))
    ent.add((ID[f"doc/{doc}"], SDO["name"], Literal(f"{doc}.txt")))
    if date:
        ent.add((ID[f"doc/{doc}"], SDO.datePublished, Literal(date, datatype=ns.XSD.date)))
    if region is not None:
        ent.add((ID[f"doc/{doc}"], KG.region, region))


def dated_dataset() -> Dataset:
    """The tiny graph plus a successor in the post, a second region and dated meetings."""
    ds = make_dataset()
    ent = ds.graph(ID["graph/entities"])
    post = ID["post/secretary/cpc-liaoning-provincial-committee"]
    gao = ID["person/gao-ming"]
    li = add_entity(ds, "person/li-wei", SDO.Person, 'Li "Wei"')
    guangdong = add_entity(ds, "place/guangdong", SDO.Place, "Guangdong")
    china = add_entity(ds, "place/china", SDO.Place, "China")
    ent.add((china, KG.adminLevel, Literal("country")))
    ent.add((guangdong, SDO.containedInPlace, china))
    ent.add((ID["place/liaoning"], SDO.containedInPlace, china))
    shenzhen = add_entity(ds, "place/shenzhen", SDO.Place, "Shenzhen")
    ent.add((shenzhen, SDO.containedInPlace, guangdong))
    forum = add_entity(ds, "meeting/2024-06-03/forum", KG.Meeting, "Shenzhen forum")
    gala = add_entity(ds, "meeting/gala", KG.Meeting, "Spring gala")
    add_doc(ds, "010_old", "2021-03-05", ID["place/liaoning"])
    add_doc(ds, "011_new", "2024-06-03", shenzhen)
    add_fact(
        ds,
        "bbbb000000000001",
        (gao, ORG.holds, post),
        "holds",
        doc="010_old",
        sentence="Gao Ming, secretary of the provincial committee, spoke.",
        as_of="2021-03-05",
    )
    add_fact(
        ds,
        "bbbb000000000002",
        (li, ORG.holds, post),
        "holds",
        doc="011_new",
        sentence="Li Wei, the new provincial party secretary, said.",
        as_of="2024-06-03",
    )
    add_fact(
        ds,
        "bbbb000000000003",
        (forum, SDO.attendee, li),
        "attended",
        doc="011_new",
        sentence="Li Wei attended the Shenzhen forum.",
        as_of="2024-06-03",
    )
    add_fact(
        ds,
        "bbbb000000000004",
        (forum, SDO.location, shenzhen),
        "reports",
        doc="011_new",
        sentence="The forum was held in Shenzhen.",
        as_of="2024-06-03",
    )
    ent.add((forum, SDO.startDate, Literal("2024-06-03", datatype=ns.XSD.date)))
    add_fact(
        ds,
        "bbbb000000000005",
        (gala, KG.speaker, li),
        "spoke",
        doc="011_new",
        sentence="Li Wei spoke at the spring gala.",
        as_of="2024-06-03",
    )
    ent.add((gala, SDO.startDate, Literal("--02-10", datatype=ns.XSD.gMonthDay)))
    return ds
