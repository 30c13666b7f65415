"""What the views draw, read from a kg graph: typed nodes, relation edges and their evidence.

A ``GraphIndex`` reads a graph once: entity types and names, the fact triples of every assertion
graph with the sentence, document and date behind each (from the provenance graph), documents'
regions and dates, meetings' start dates and the place hierarchy. ``build_nx_graph`` turns it
into a networkx ``MultiDiGraph`` (used by the HTML views and by ``kg export``); ``focus_graph``
cuts out one entity's neighbourhood and ``graph_from_triples`` draws an arbitrary set of triples
(the result of a query).
"""

from __future__ import annotations

import difflib
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

import networkx as nx
from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import KgError
from kg.rdf.namespace import ID, KG, OA, ORG, PROV, SCHEMA, TIME

# kind -> the types that make a node of that kind; the first kind that matches wins.
KIND_TYPES: dict[str, tuple[URIRef, ...]] = {
    "person": (SCHEMA["Person"],),
    "post": (ORG["Post"],),
    "meeting": (KG["Meeting"], SCHEMA["Event"]),
    "initiative": (KG["Initiative"], KG["Plan"], KG["Strategy"]),
    "place": (SCHEMA["Place"],),
    "organization": (ORG["Organization"],),
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


# predicate -> how it is drawn. Reversed edges read "person presided meeting", not the RDF direction.
EDGES: dict[URIRef, EdgeSpec] = {
    ORG["holds"]: EdgeSpec("holds post"),
    KG["appointedTo"]: EdgeSpec("appointed to"),
    KG["resignedFrom"]: EdgeSpec("resigned from"),
    KG["formerlyHeld"]: EdgeSpec("formerly held"),
    KG["presidedBy"]: EdgeSpec("presided", reverse=True),
    KG["speaker"]: EdgeSpec("spoke", reverse=True),
    SCHEMA["attendee"]: EdgeSpec("attended", reverse=True),
    KG["promotes"]: EdgeSpec("promotes"),
    SCHEMA["organizer"]: EdgeSpec("organized", reverse=True),
    SCHEMA["location"]: EdgeSpec("held in"),
    ORG["postIn"]: EdgeSpec("post in"),
    ORG["subOrganizationOf"]: EdgeSpec("part of"),
    KG["jurisdiction"]: EdgeSpec("jurisdiction"),
    SCHEMA["containedInPlace"]: EdgeSpec("in"),
}
HOLDING = (ORG["holds"], KG["appointedTo"], KG["resignedFrom"], KG["formerlyHeld"])
MEETING_ROLES = (KG["presidedBy"], KG["speaker"], SCHEMA["attendee"])
MAX_LABEL = 60
MAX_DERIVED_EVIDENCE = 3
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class EntityNotFound(KgError):
    """No entity of the graph has the name asked for (the message lists close names)."""

    exit_code = 2


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
        return asdict(self)


def _quads(graph: Graph) -> Iterator[tuple]:
    if isinstance(graph, Dataset):
        yield from graph.quads((None, None, None, None))
    else:
        for s, p, o in graph:
            yield s, p, o, graph.identifier


def iso_date(term: Node | None) -> str | None:
    """``YYYY-MM-DD`` for an xsd:date (or datetime) literal, else None."""
    if term is None:
        return None
    text = str(term)[:10]
    return text if _ISO_DATE.match(text) else None


def local_name(iri: str) -> str:
    """The last path segment (or fragment) of an IRI."""
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def short_label(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


class GraphIndex:
    """Everything the views need from a graph, read in one pass over its quads."""

    def __init__(self, ds: Dataset | Graph) -> None:
        self.types: dict[Node, set[URIRef]] = defaultdict(set)
        self.names: dict[Node, set[str]] = defaultdict(set)
        self.labels: dict[Node, set[str]] = defaultdict(set)
        self.alt_names: dict[Node, set[str]] = defaultdict(set)
        self.edge_graphs: dict[tuple[Node, URIRef, Node], set[Node]] = defaultdict(set)
        self.triple_graphs: dict[tuple[Node, Node, Node], set[Node]] = defaultdict(set)
        self.mention_graphs: dict[Node, set[Node]] = defaultdict(set)
        self.start_date: dict[Node, Node] = {}
        self.doc_date: dict[Node, str] = {}
        self.doc_region: dict[Node, set[Node]] = defaultdict(set)
        self.date_value: dict[Node, str] = {}
        self.parent: dict[Node, Node] = {}
        self.admin_level: dict[Node, str] = {}
        prov: dict[Node, dict[str, Node]] = defaultdict(dict)
        selectors: dict[Node, list[Node]] = defaultdict(list)
        exact: dict[Node, str] = {}
        for s, p, o, g in _quads(ds):
            if p == RDF.type:
                if isinstance(o, URIRef):
                    self.types[s].add(o)
            elif p == SCHEMA["name"]:
                self.names[s].add(str(o))
            elif p == RDFS.label:
                self.labels[s].add(str(o))
            elif p == SCHEMA["alternateName"]:
                self.alt_names[s].add(str(o))
            elif p == SCHEMA["mentions"]:
                self.mention_graphs[o].add(g)
            elif p == SCHEMA["startDate"]:
                self.start_date[s] = o
            elif p == SCHEMA["datePublished"]:
                if iso_date(o):
                    self.doc_date[s] = iso_date(o)
            elif p == KG["region"]:
                self.doc_region[s].add(o)
            elif p == TIME["inXSDDate"]:
                if iso_date(o):
                    self.date_value[s] = iso_date(o)
            elif p == KG["adminLevel"]:
                self.admin_level[s] = str(o)
            elif p in (PROV["wasDerivedFrom"], KG["asOf"], KG["confidence"], KG["evidence"], KG["factKind"]):
                prov[s][str(p)] = o
            elif p == OA["hasSelector"]:
                selectors[s].append(o)
            elif p == OA["exact"]:
                exact[s] = str(o)
            if p == SCHEMA["containedInPlace"]:
                self.parent[s] = o
            if p in EDGES and isinstance(o, URIRef):
                self.edge_graphs[(s, p, o)].add(g)
        self.evidence: dict[Node, Evidence] = {}
        for assertion, info in prov.items():
            kind = info.get(str(KG["factKind"]))
            if kind is None:
                continue
            doc = info.get(str(PROV["wasDerivedFrom"]))
            sentence_res = info.get(str(KG["evidence"]))
            sentence = next((exact[sel] for sel in selectors.get(sentence_res, ()) if sel in exact), "")
            as_of = info.get(str(KG["asOf"]))
            date = self.date_value.get(as_of) or (iso_date(as_of) if isinstance(as_of, Literal) else None)
            confidence = info.get(str(KG["confidence"]))
            try:
                conf = float(confidence) if confidence is not None else None
            except ValueError:
                conf = None
            self.evidence[assertion] = Evidence(
                sentence=sentence,
                doc=self.name(doc) if doc is not None else "",
                date=date or self.doc_date.get(doc),
                fact=str(kind),
                confidence=conf,
                assertion=str(assertion),
            )
        self.assertion_doc: dict[Node, Node] = {
            a: info[str(PROV["wasDerivedFrom"])] for a, info in prov.items() if str(PROV["wasDerivedFrom"]) in info
        }
        self._kinds: dict[Node, str | None] = {}

    # ------------------------------------------------------------ entities

    def kind(self, node: Node) -> str | None:
        """person, organization, post, meeting, initiative or place; None for anything else."""
        if node not in self._kinds:
            types = self.types.get(node, set())
            self._kinds[node] = next((k for k, classes in KIND_TYPES.items() if types.intersection(classes)), None)
        return self._kinds[node]

    def name(self, node: Node) -> str:
        """The display name: schema:name, else rdfs:label, else the IRI's last segment."""
        names = self.names.get(node) or self.labels.get(node)
        return min(names) if names else local_name(str(node))

    def entities(self) -> list[URIRef]:
        return sorted(n for n in self.types if isinstance(n, URIRef) and self.kind(n) is not None)

    def region(self, place: Node) -> Node:
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

    def assertions(self, s: Node, p: URIRef, o: Node) -> list[Node]:
        """The assertion graphs (with provenance) stating the triple."""
        return sorted((g for g in self.edge_graphs.get((s, p, o), ()) if g in self.evidence), key=str)

    def evidence_of(self, assertions: Iterable[Node]) -> list[Evidence]:
        found = {self.evidence[a] for a in assertions if a in self.evidence}
        return sorted(found, key=lambda e: (e.date or "9999", e.doc, e.sentence, e.assertion))

    def docs_of(self, assertions: Iterable[Node]) -> set[Node]:
        return {self.assertion_doc[a] for a in assertions if a in self.assertion_doc}


# ---------------------------------------------------------------- the networkx graph


def _edge_dates(index: GraphIndex, evidence: list[Evidence], meeting: Node | None) -> list[str]:
    dates = {e.date for e in evidence if e.date}
    if meeting is not None and iso_date(index.start_date.get(meeting)):
        dates.add(iso_date(index.start_date[meeting]))
    return sorted(dates)


def _add_edge(graph: nx.MultiDiGraph, index: GraphIndex, s: Node, p: URIRef, o: Node, label: str | None = None) -> None:
    spec = EDGES.get(p, EdgeSpec(label or local_name(str(p))))
    source, target = (o, s) if spec.reverse else (s, o)
    assertions = index.assertions(s, p, o)
    evidence = index.evidence_of(assertions)
    meeting = next((n for n in (s, o) if index.kind(n) == "meeting"), None)
    graph.add_edge(
        str(source),
        str(target),
        key=spec.label,
        label=spec.label,
        predicate=str(p),
        evidence=[e.as_dict() for e in evidence],
        derived=not evidence,
        dates=_edge_dates(index, evidence, meeting),
        docs=sorted(str(d) for d in index.docs_of(assertions)),
    )


def _add_node(graph: nx.MultiDiGraph, index: GraphIndex, node: Node, kind: str | None = None) -> None:
    kind = kind or index.kind(node) or "other"
    name = index.name(node)
    mentions = index.evidence_of(index.mention_graphs.get(node, ()))
    graph.add_node(
        str(node),
        kind=kind,
        name=name,
        label=short_label(name),
        alt_names=sorted(index.alt_names.get(node, set()) - {name}),
        color=KIND_STYLE[kind][0],
        shape=KIND_STYLE[kind][1],
        mentions=[e.as_dict() for e in mentions],
        mention_docs=sorted(str(d) for d in index.docs_of(index.mention_graphs.get(node, ()))),
    )


def _finish(graph: nx.MultiDiGraph, index: GraphIndex) -> nx.MultiDiGraph:
    """Degrees, sizes, regions, dates and tooltips, once all edges are in."""
    region_names: dict[str, set[str]] = defaultdict(set)
    docs_by_node: dict[str, set[str]] = defaultdict(set)
    for source, target, data in graph.edges(data=True):
        for node in (source, target):
            docs_by_node[node].update(data["docs"])
    for node, data in graph.nodes(data=True):
        term = URIRef(node)
        docs = docs_by_node[node] | set(data["mention_docs"])
        places = {r for d in docs for r in index.doc_region.get(URIRef(d), ())}
        if data["kind"] == "place":
            places.add(term)
        for _s, target, edge in graph.out_edges(node, data=True):
            if edge["label"] in ("jurisdiction", "held in"):
                places.add(URIRef(target))
        region_names[node] = {index.name(index.region(p)) for p in places}
    # posts take the regions of their organizations
    for source, target, edge in graph.edges(data=True):
        if edge["label"] == "post in":
            region_names[source] |= region_names[target]
    for node, data in graph.nodes(data=True):
        degree = graph.degree(node)
        dates = {d for _s, _t, e in graph.edges(node, data=True) for d in e["dates"]}
        dates |= {d for _s, _t, e in graph.in_edges(node, data=True) for d in e["dates"]}
        dates |= {m["date"] for m in data["mentions"] if m["date"]}
        start = iso_date(index.start_date.get(URIRef(node)))
        if start:
            dates.add(start)
        data.update(
            degree=degree,
            size=round(10 + 6 * math.sqrt(degree), 1),
            regions=sorted(region_names[node]),
            dates=sorted(dates),
        )
        if start or URIRef(node) in index.start_date:
            data["start_date"] = str(index.start_date[URIRef(node)])
        extra = f" · {', '.join(data['regions'])}" if data["regions"] else ""
        title = f"{data['name']}\n{data['kind']} · {degree} connection{'s' if degree != 1 else ''}{extra}"
        sentences = list(data["mentions"])
        for _s, _t, edge in [*graph.out_edges(node, data=True), *graph.in_edges(node, data=True)]:
            sentences.extend(edge["evidence"])
        if sentences:
            first = sentences[0]
            when = f", {first['date']}" if first["date"] else ""
            title += f"\n“{first['sentence']}”\n— {first['doc']}{when}\n(click for all the sentences)"
        data["title"] = title
    for source, target, data in graph.edges(data=True):
        head = f"{graph.nodes[source]['name']} — {data['label']} → {graph.nodes[target]['name']}"
        if data["evidence"]:
            first = data["evidence"][0]
            when = f", {first['date']}" if first["date"] else ""
            more = len(data["evidence"]) - 1
            tail = f"\n(+{more} more: click the edge)" if more else ""
            data["title"] = f"{head}\n“{first['sentence']}”\n— {first['doc']}{when}{tail}"
        else:
            data["title"] = f"{head}\n(from the entity descriptions; click for the sentences behind them)"
    return graph


def build_nx_graph(ds: Dataset | Graph | GraphIndex) -> nx.MultiDiGraph:
    """The people, organizations, posts, meetings, initiatives and places of ``ds`` and their relations.

    Node ids are IRIs. Node attributes: kind, name, label, alt_names, color, shape, size,
    degree, regions, dates, mentions (evidence dicts), title. Edge attributes (key = label):
    label, predicate, evidence (dicts with sentence, doc, date, fact, confidence, assertion),
    derived (True for relations from the entity descriptions rather than a sentence), dates,
    docs, title. Documents are not drawn.
    """
    index = ds if isinstance(ds, GraphIndex) else GraphIndex(ds)
    graph = nx.MultiDiGraph()
    for node in index.entities():
        _add_node(graph, index, node)
    for s, p, o in sorted(index.edge_graphs, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        if str(s) in graph and str(o) in graph:
            _add_edge(graph, index, s, p, o)
    _add_derived_evidence(graph)
    return _finish(graph, index)


def _add_derived_evidence(graph: nx.MultiDiGraph) -> None:
    """Relations from the entity descriptions (post in, part of, ...) carry their subject's sentences.

    A post is "in" an organization because a sentence named the post; an organization is "part
    of" another, or has a jurisdiction, because of how its name reads where it was mentioned.
    """
    for source, target, data in graph.edges(data=True):
        if not data["derived"]:
            continue
        subject = target if EDGES.get(URIRef(data["predicate"]), EdgeSpec("")).reverse else source
        found: list[dict] = []
        for _s, _t, other in graph.in_edges(subject, data=True):
            found.extend(other["evidence"])
        for _s, _t, other in graph.out_edges(subject, data=True):
            found.extend(other["evidence"])
        found.extend(graph.nodes[subject]["mentions"])
        unique = {e["assertion"]: e for e in found}
        data["derived_from"] = sorted(unique.values(), key=lambda e: (e["date"] or "9999", e["doc"]))[
            :MAX_DERIVED_EVIDENCE
        ]


# ---------------------------------------------------------------- focus and query views


def find_node(graph: nx.MultiDiGraph, name: str) -> str:
    """The node called ``name``: exact name, other name or IRI key first, then a unique substring.

    Raises ``EntityNotFound`` listing the candidates when there are several, or close names.
    """
    wanted = name.casefold().strip()
    if not wanted:
        raise EntityNotFound("--focus needs a name")
    exact, partial = [], []
    for node, data in graph.nodes(data=True):
        names = [data["name"], *data.get("alt_names", ())]
        keys = [n.casefold() for n in names] + [node.casefold(), node.removeprefix(str(ID)).casefold()]
        if wanted in keys:
            exact.append(node)
        elif any(wanted in n.casefold() for n in names):
            partial.append(node)
    for found in (exact, partial):
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            listed = "; ".join(sorted(f"{graph.nodes[n]['name']} ({graph.nodes[n]['kind']})" for n in found)[:12])
            raise EntityNotFound(f"'{name}' names {len(found)} entities: {listed}; give the full name")
    all_names = sorted({data["name"] for _n, data in graph.nodes(data=True)})
    close = difflib.get_close_matches(name, all_names, n=5, cutoff=0.5)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    raise EntityNotFound(f"no entity named '{name}' in the graph{hint}")


def focus_graph(graph: nx.MultiDiGraph, node: str, depth: int = 1) -> nx.MultiDiGraph:
    """The part of ``graph`` within ``depth`` steps of ``node`` (edges followed either way)."""
    if depth < 0:
        raise EntityNotFound("--depth must be 0 or more")
    sub = nx.ego_graph(graph, node, radius=depth, undirected=True).copy()
    sub.nodes[node]["focus"] = True
    return sub


def graph_from_triples(index: GraphIndex, triples: Iterable[tuple[Node, Node, Node]]) -> tuple[nx.MultiDiGraph, int]:
    """Draw ``triples`` (subject, predicate or label, object) with the names and evidence of ``index``.

    The predicate may be an IRI (evidence is looked up for the triple) or a literal (used as the
    edge label). Triples whose subject or object is not an IRI are skipped; returns the graph
    and the number skipped.
    """
    graph = nx.MultiDiGraph()
    skipped = 0
    for s, p, o in triples:
        if not isinstance(s, URIRef) or not isinstance(o, URIRef) or p is None:
            skipped += 1
            continue
        for node in (s, o):
            if str(node) not in graph:
                _add_node(graph, index, node)
        if isinstance(p, URIRef):
            _add_edge(graph, index, s, p, o)
        else:
            _add_edge(graph, index, s, URIRef(f"urn:kg:relation:{local_name(str(p))}"), o, label=str(p))
    _add_derived_evidence(graph)
    return _finish(graph, index), skipped
