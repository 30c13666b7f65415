"""The one place the views read a kg graph: entities, fact edges and the evidence behind them.

``GraphIndex(store)`` reads an Oxigraph store (``pyoxigraph.Store``) in two layers:

* the **structure**, read at once by predicate (``quads_for_pattern``): entity kinds and names,
  the fact edges with the named graphs stating them, the mentions, documents' dates and regions,
  meetings' start dates and the place hierarchy. It is small next to the provenance;
* the **evidence** (sentence, document, date, fact kind, confidence of an assertion graph), read
  on demand: ``load_evidence()`` for every assertion, ``load_evidence(assertions)`` for a few
  (what a focus, a query or a cut-down view shows).

Everything is kept as plain strings: IRIs (``_:id`` for blank nodes), lexical forms of literals.
Nothing here depends on networkx or on the page; ``kg.viz.data`` draws the index as a graph.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.rdf.namespace import ID, KG, OA, ORG, PROV, SCHEMA, TIME

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ENTITIES_GRAPH = f"{ID}graph/entities"
PROVENANCE_GRAPH = f"{ID}graph/provenance"
ASSERTION_PREFIX = f"{ID}assertion/"

# kind -> the types that make a node of that kind; the first kind that matches wins.
KIND_TYPES: dict[str, tuple[str, ...]] = {
    "person": (f"{SCHEMA}Person",),
    "post": (f"{ORG}Post",),
    "meeting": (f"{KG}Meeting", f"{SCHEMA}Event"),
    "initiative": (f"{KG}Initiative", f"{KG}Plan", f"{KG}Strategy"),
    "place": (f"{SCHEMA}Place",),
    "organization": (f"{ORG}Organization",),
}
# kind -> (colour, vis-network shape), in legend order. Colours: Okabe-Ito (colour-blind safe).
KIND_STYLE: dict[str, tuple[str, str]] = {
    "person": ("#d55e00", "dot"),
    "organization": ("#0072b2", "square"),
    "post": ("#e69f00", "diamond"),
    "meeting": ("#009e73", "triangle"),
    "initiative": ("#cc79a7", "star"),
    "place": ("#8c6d31", "hexagon"),
    "other": ("#8a8a8a", "ellipse"),  # untyped resources, only in query views
}
KINDS = tuple(k for k in KIND_STYLE if k != "other")


@dataclass(frozen=True)
class EdgeSpec:
    """How a predicate is drawn: its label, and whether the arrow runs object -> subject."""

    label: str
    reverse: bool = False


# predicate IRI -> how it is drawn. Reversed edges read "person presided meeting", not the RDF direction.
EDGES: dict[str, EdgeSpec] = {
    f"{ORG}holds": EdgeSpec("holds post"),
    f"{KG}appointedTo": EdgeSpec("appointed to"),
    f"{KG}resignedFrom": EdgeSpec("resigned from"),
    f"{KG}formerlyHeld": EdgeSpec("formerly held"),
    f"{KG}presidedBy": EdgeSpec("presided", reverse=True),
    f"{KG}speaker": EdgeSpec("spoke", reverse=True),
    f"{SCHEMA}attendee": EdgeSpec("attended", reverse=True),
    f"{KG}promotes": EdgeSpec("promotes"),
    f"{SCHEMA}organizer": EdgeSpec("organized", reverse=True),
    f"{SCHEMA}location": EdgeSpec("held in"),
    f"{ORG}postIn": EdgeSpec("post in"),
    f"{ORG}subOrganizationOf": EdgeSpec("part of"),
    f"{KG}jurisdiction": EdgeSpec("jurisdiction"),
    f"{SCHEMA}containedInPlace": EdgeSpec("in"),
}
HOLDING = (f"{ORG}holds", f"{KG}appointedTo", f"{KG}resignedFrom", f"{KG}formerlyHeld")
MEETING_ROLES = (f"{KG}presidedBy", f"{KG}speaker", f"{SCHEMA}attendee")
MAX_LABEL = 60
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# The evidence of assertions (all, or those of a VALUES line): one row per combination of values;
# only the columns shown are decoded from the store, the path to the sentence is not.
EVIDENCE_QUERY = f"""
SELECT ?a ?kind ?doc ?confidence ?date ?sentence WHERE {{
  @VALUES@
  ?a <{KG}factKind> ?kind .
  OPTIONAL {{ ?a <{PROV}wasDerivedFrom> ?doc }}
  OPTIONAL {{ ?a <{KG}confidence> ?confidence }}
  OPTIONAL {{ ?a <{KG}asOf> ?asOf OPTIONAL {{ ?asOf <{TIME}inXSDDate> ?instant }} }}
  OPTIONAL {{ ?a <{KG}evidence>/<{OA}hasSelector>/<{OA}exact> ?sentence }}
  BIND (COALESCE(?instant, ?asOf) AS ?date)
}}
"""
_BATCH = 2_000  # assertions per VALUES line
_IRI = re.compile(r"[^\x00-\x20<>\"{}|^`\\]+")  # what may stand between < and > in SPARQL

Triple = tuple[str, str, str]


@dataclass(frozen=True)
class Evidence:
    """One sentence behind a fact: where it comes from and when."""

    sentence: str
    doc: str  # the document's name (its file name)
    date: str | None  # ISO date: the assertion's kg:asOf, else the document's date
    fact: str  # the fact kind (holds, presided, mentions, ...)
    confidence: float | None
    assertion: str  # the assertion graph's IRI

    def as_dict(self) -> dict:
        return {
            "sentence": self.sentence,
            "doc": self.doc,
            "date": self.date,
            "fact": self.fact,
            "confidence": self.confidence,
            "assertion": self.assertion,
        }

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.date or "9999", self.doc, self.sentence, self.assertion)


def iso_date(text: str | None) -> str | None:
    """``YYYY-MM-DD`` for the lexical form of an xsd:date (or dateTime), else None."""
    if text is None:
        return None
    text = text[:10]
    return text if _ISO_DATE.match(text) else None


def local_name(iri: str) -> str:
    """The last path segment (or fragment) of an IRI."""
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def short_label(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def term_key(term: object) -> str:
    """The string the index keeps for a pyoxigraph term: IRI, ``_:id``, lexical form; "" for the default graph."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.DefaultGraph):
        return ""
    return term.value  # type: ignore[attr-defined]


def _rows(store: ox.Store, columns: str, predicate: str, obj: str = "?o", extra: str = "") -> Iterable[tuple]:
    """The ``columns`` of the triples ``?s predicate obj`` in every graph (``?g`` unbound for the default graph).

    SPARQL decodes only the terms asked for, which matters on a store on disk.
    """
    pattern = f"?s {predicate} {obj}"
    query = f"SELECT {columns} WHERE {{ {{ GRAPH ?g {{ {pattern} }} }} UNION {{ {pattern} }} {extra} }}"
    width = len(columns.split())
    return (tuple(row[i] for i in range(width)) for row in store.query(query))


def _set_min(table: dict[str, str], key: str, value: str) -> None:
    """Keep the smallest value per key, so that a repeated property reads the same every time."""
    old = table.get(key)
    if old is None or value < old:
        table[key] = value


class GraphIndex:
    """Entities, fact edges and (on demand) evidence of the kg graph in an Oxigraph store."""

    def __init__(self, store: ox.Store) -> None:
        if not isinstance(store, ox.Store):  # TEMPORARY: kg.store's exports still draw an rdflib Dataset
            store = _store_from_dataset(store)
        self.store = store
        self.kinds: dict[str, str] = {}  # entity IRI -> kind (entities only)
        self.names: dict[str, set[str]] = defaultdict(set)
        self.labels: dict[str, set[str]] = defaultdict(set)
        self.alt_names: dict[str, set[str]] = defaultdict(set)
        self.edge_graphs: dict[Triple, set[str]] = defaultdict(set)  # fact edge -> graphs stating it
        self.mention_graphs: dict[str, set[str]] = defaultdict(set)  # node -> graphs mentioning it
        self.start_date: dict[str, str] = {}  # meeting -> lexical form of schema:startDate
        self.doc_date: dict[str, str] = {}
        self.doc_region: dict[str, set[str]] = defaultdict(set)
        self.date_value: dict[str, str] = {}  # id:date/... instant -> ISO date
        self.parent: dict[str, str] = {}
        self.admin_level: dict[str, str] = {}
        self.evidence: dict[str, Evidence] = {}  # assertion graph -> its evidence (as loaded)
        self.assertion_doc: dict[str, str] = {}
        self._examined: set[str] = set()  # assertions whose provenance was read
        self._all_loaded = False
        self._read_structure()

    # ------------------------------------------------------------ reading

    def _read_structure(self) -> None:
        for kind, classes in KIND_TYPES.items():
            for cls in classes:
                for (subject,) in _rows(self.store, "?s", f"<{RDF_TYPE}>", f"<{cls}>", "FILTER (isIRI(?s))"):
                    self.kinds.setdefault(subject.value, kind)
        for predicate, table in (
            (f"{SCHEMA}name", self.names),
            (RDFS_LABEL, self.labels),
            (f"{SCHEMA}alternateName", self.alt_names),
        ):
            for subject, value in _rows(self.store, "?s ?o", f"<{predicate}>"):
                table[term_key(subject)].add(value.value)
        for predicate, table, as_date in (
            (f"{SCHEMA}startDate", self.start_date, False),
            (f"{SCHEMA}datePublished", self.doc_date, True),
            (f"{TIME}inXSDDate", self.date_value, True),
            (f"{KG}adminLevel", self.admin_level, False),
            (f"{SCHEMA}containedInPlace", self.parent, False),
        ):
            for subject, value in _rows(self.store, "?s ?o", f"<{predicate}>"):
                text = iso_date(value.value) if as_date else term_key(value)
                if text:
                    _set_min(table, term_key(subject), text)
        for subject, region in _rows(self.store, "?s ?o", f"<{KG}region>"):
            self.doc_region[term_key(subject)].add(term_key(region))
        for node, graph in _rows(self.store, "?o ?g", f"<{SCHEMA}mentions>"):
            self.mention_graphs[term_key(node)].add("" if graph is None else term_key(graph))
        for predicate in EDGES:
            rows = _rows(self.store, "?s ?o ?g", f"<{predicate}>", "?o", "FILTER (isIRI(?o))")
            for subject, node, graph in rows:
                graph_key = "" if graph is None else term_key(graph)
                self.edge_graphs[(term_key(subject), predicate, node.value)].add(graph_key)

    def load_evidence(self, assertions: Iterable[str] | None = None) -> None:
        """Read the provenance of ``assertions`` (graph IRIs), or of every assertion when None."""
        if self._all_loaded:
            return
        if assertions is None:
            self._read_evidence(EVIDENCE_QUERY.replace("@VALUES@", ""))
            self._all_loaded = True
            return
        wanted = sorted({a for a in assertions if a not in self._examined and _IRI.fullmatch(a) and a[:2] != "_:"})
        self._examined.update(wanted)
        for start in range(0, len(wanted), _BATCH):
            values = " ".join(f"<{a}>" for a in wanted[start : start + _BATCH])
            self._read_evidence(EVIDENCE_QUERY.replace("@VALUES@", f"VALUES ?a {{ {values} }}"))

    def _read_evidence(self, query: str) -> None:
        """Evidence from the rows of ``EVIDENCE_QUERY``: per assertion, the smallest value of each column."""
        found: dict[str, list] = {}
        for row in self.store.query(query, use_default_graph_as_union=True):
            values = [None if term is None else term_key(term) for term in row]
            assertion = values[0]
            old = found.get(assertion)
            if old is None:
                found[assertion] = values
                continue
            for i in range(1, len(values)):
                if values[i] is not None and (old[i] is None or values[i] < old[i]):
                    old[i] = values[i]
        for assertion, kind, doc, confidence, date, sentence in found.values():
            if doc is not None:
                self.assertion_doc[assertion] = doc
            try:
                conf = float(confidence) if confidence is not None else None
            except ValueError:
                conf = None
            date = iso_date(date) or (self.doc_date.get(doc) if doc is not None else None)
            self.evidence[assertion] = Evidence(
                sentence=sentence or "",
                doc=self.name(doc) if doc is not None else "",
                date=date,
                fact=kind,
                confidence=conf,
                assertion=assertion,
            )

    # ------------------------------------------------------------ entities

    def kind(self, node: str) -> str | None:
        """person, organization, post, meeting, initiative or place; None for anything else."""
        return self.kinds.get(node)

    def name(self, node: str) -> str:
        """The display name: schema:name, else rdfs:label, else the IRI's last segment."""
        names = self.names.get(node) or self.labels.get(node)
        return min(names) if names else local_name(node)

    def entities(self) -> list[str]:
        """The IRIs of every person, organization, post, meeting, initiative and place, sorted."""
        return sorted(self.kinds)

    def region(self, place: str) -> str:
        """The province-level place containing ``place`` (a country stays itself)."""
        seen = {place}
        while place in self.parent and self.parent[place] not in seen:
            parent = self.parent[place]
            if self.parent.get(parent) is None and self.admin_level.get(parent, "country") == "country":
                return place  # parent is the country: place is province-level
            seen.add(parent)
            place = parent
        return place

    # ------------------------------------------------------------ facts

    def assertions(self, s: str, p: str, o: str) -> list[str]:
        """The assertion graphs (with loaded provenance) stating the triple."""
        return sorted(g for g in self.edge_graphs.get((s, p, o), ()) if g in self.evidence)

    def evidence_of(self, assertions: Iterable[str]) -> list[Evidence]:
        found = {self.evidence[a] for a in assertions if a in self.evidence}
        return sorted(found, key=Evidence.sort_key)

    def docs_of(self, assertions: Iterable[str]) -> set[str]:
        return {self.assertion_doc[a] for a in assertions if a in self.assertion_doc}


def _store_from_dataset(ds: object) -> ox.Store:
    """An rdflib Dataset copied into an in-memory store: the graph.html of
    ``kg.build.dataset_exports.write_exports`` (an rdflib Dataset's exports, used by the tests);
    ``kg build`` and ``kg serve`` hand the views their Oxigraph store."""
    from kg.store.oxstore import load_dataset

    store = ox.Store()
    load_dataset(store, ds)  # type: ignore[arg-type]
    return store


__all__ = [
    "EDGES",
    "HOLDING",
    "KINDS",
    "KIND_STYLE",
    "KIND_TYPES",
    "MEETING_ROLES",
    "EdgeSpec",
    "Evidence",
    "GraphIndex",
    "iso_date",
    "local_name",
    "short_label",
    "term_key",
]
