"""One violation planted per constraint of ontology/shapes.ttl, each reported with its focus node and
message, and the same report as pyshacl's on the same graph.

The cases are generated from the shapes file: every node-shape constraint, every property-shape
constraint (both bounds of a qualified shape) and every SHACL-SPARQL constraint becomes one case,
so a constraint added to shapes.ttl is tested without editing this file (a constraint of a kind
no planter knows, or a SPARQL constraint without a planter in ``SPARQL_PLANTERS``, fails
``test_every_constraint_has_a_planter``). The valid graph is the golden corpus's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import ValidationError
from kg.rdf.dataset import corpus_to_dataset
from kg.rdf.namespace import ID, KG, OA, load_ontology_graph
from kg.store.oxstore import to_oxigraph
from kg.store.validate import (
    MAX_REPORT_LINES,
    _short,
    find_violations,
    format_report,
    report_lines,
    validate_graph,
    violations_from_report,
)
from tests.fixtures.golden_corpus import VERSION, golden_corpus

SHAPES = load_ontology_graph("shapes.ttl")
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# the constraint components, as the shapes use them (a qualified shape counts twice: min and max)
PROPERTY_KINDS = (
    "minCount maxCount datatype minLength pattern in or class minInclusive maxInclusive lessThanOrEquals equals"
).split() + ["qualifiedMinCount", "qualifiedMaxCount"]
NODE_KINDS = ("class", "or")
NOT_CONSTRAINTS = {RDF.type, SH.message, SH.path, SH.qualifiedValueShape, SH.property, SH.sparql, *TARGETS}


@dataclass(frozen=True)
class Constraint:
    """One constraint of shapes.ttl: its node shape, property shape (or None), kind and parameter."""

    shape: URIRef
    prop: Node | None
    kind: str
    value: Node

    @property
    def name(self) -> str:
        where = _text(SHAPES.value(self.prop, SH.path)) if self.prop is not None else "node"
        return f"{self.shape.fragment}/{where}/sh:{self.kind}"

    @property
    def message(self) -> str:
        holder = self.value if self.kind == "sparql" else self.prop if self.prop is not None else self.shape
        return str(SHAPES.value(holder, SH.message))


def _text(path: Node) -> str:
    if isinstance(path, BNode):
        return "/".join(_short(to_oxigraph(p)) for p in Collection(SHAPES, path))
    return _short(to_oxigraph(path))


def constraints() -> list[Constraint]:
    """Every constraint of every targeted shape of shapes.ttl."""
    found = []
    for shape in sorted({s for t in TARGETS for s in SHAPES.subjects(t, None)}):
        for p, o in sorted(SHAPES.predicate_objects(shape)):
            if p == SH.sparql:
                found.append(Constraint(shape, None, "sparql", o))
            elif p not in NOT_CONSTRAINTS:
                found.append(Constraint(shape, None, str(p).removeprefix(str(SH)), o))
        for prop in SHAPES.objects(shape, SH.property):
            for p, o in sorted(SHAPES.predicate_objects(prop)):
                if p not in NOT_CONSTRAINTS:
                    found.append(Constraint(shape, prop, str(p).removeprefix(str(SH)), o))
    return found


CONSTRAINTS = {c.name: c for c in constraints()}


# ---------------------------------------------------------------- the valid graph and its nodes


def valid_graph() -> Graph:
    graph = Graph()
    for s, p, o, _ in corpus_to_dataset(golden_corpus(), version=VERSION).quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def focus_nodes(graph: Graph, shape: URIRef) -> list[Node]:
    """The focus nodes of ``shape`` in ``graph``, sorted."""
    nodes = {n for c in SHAPES.objects(shape, SH.targetClass) for n in graph.subjects(RDF.type, c)}
    nodes |= set(SHAPES.objects(shape, SH.targetNode))
    nodes |= {s for p in SHAPES.objects(shape, SH.targetSubjectsOf) for s in graph.subjects(p, None)}
    nodes |= {o for p in SHAPES.objects(shape, SH.targetObjectsOf) for o in graph.objects(None, p)}
    return sorted(nodes)


def steps(c: Constraint) -> list[URIRef]:
    path = SHAPES.value(c.prop, SH.path)
    return list(Collection(SHAPES, path)) if isinstance(path, BNode) else [path]


def values(graph: Graph, focus: Node, path: list[URIRef]) -> list[Node]:
    nodes = [focus]
    for step in path:
        nodes = sorted({o for n in nodes for o in graph.objects(n, step)})
    return nodes


def with_values(graph: Graph, c: Constraint) -> list[tuple[Node, list[Node]]]:
    """(focus node, its values) for the focus nodes of ``c``'s shape that have values on its path.

    When the valid graph uses the path nowhere, the first focus node gets a valid value first: an
    instance of the class the property shape asks for.
    """
    out = [(f, values(graph, f, steps(c))) for f in focus_nodes(graph, c.shape)]
    found = [(f, v) for f, v in out if v]
    if not found:
        focus, cls = out[0][0], SHAPES.value(c.prop, SH["class"])
        assert cls is not None, f"{c.name}: no focus node with a value in the valid graph"
        value = next(n for n in sorted(graph.subjects(RDF.type, cls)) if n != focus)
        graph.add((focus, steps(c)[0], value))
        found = [(focus, [value])]
    return found


def replace(graph: Graph, focus: Node, c: Constraint, old: Node, new: Node) -> None:
    """Replace the value ``old`` of ``focus`` on the (one-step) path of ``c`` by ``new``."""
    [step] = steps(c)
    graph.remove((focus, step, old))
    graph.add((focus, step, new))


def fresh(name: str) -> URIRef:
    return ID[f"planted/{name}"]


def clone(graph: Graph, node: Node, name: str) -> Node:
    """A copy of ``node`` (its outgoing triples) under a new IRI; literals get a different lexical form."""
    if isinstance(node, Literal):
        return Literal(f"{node} bis", datatype=node.datatype, lang=node.language)
    copy = fresh(name)
    for p, o in graph.predicate_objects(node):
        graph.add((copy, p, o))
    return copy


def conforming(graph: Graph, node: Node, shape: Node) -> bool:
    return all((node, RDF.type, cls) in graph for cls in SHAPES.objects(shape, SH["class"]))


def other_value(graph: Graph, c: Constraint, focus: Node, taken: list[Node], keep: Callable[[Node], bool]) -> Node:
    """A value of another focus node (so it meets the other constraints), else a clone of one of ours."""
    for other, found in with_values(graph, c):
        for value in found:
            if other != focus and value not in taken and keep(value):
                return value
    return clone(graph, next(v for v in taken if keep(v)), f"copy-of-{len(taken)}")


def wrong_literal(like: Node, avoid: set[Node]) -> Literal:
    """A literal of a datatype not in ``avoid``: numbers stay numbers (so other checks still compare them)."""
    numeric = re.fullmatch(r"[+-]?\d+(\.\d+)?", str(like)) is not None
    for datatype in [XSD.decimal, XSD.double, XSD.float] * numeric + [XSD.string]:
        if datatype not in avoid:
            return Literal(str(like) if numeric else "planted value", datatype=datatype)
    return Literal("planted value", lang="en")


# ---------------------------------------------------------------- planting: graph -> expected (focus, value)

Planted = tuple[Node, Node | None]  # the focus node reported, and the value (None: none expected)


def plant_property(graph: Graph, c: Constraint) -> Planted:
    focus, found = with_values(graph, c)[0]
    first = found[0]
    kind, v = c.kind, c.value
    if kind == "minCount":
        graph.remove((focus, steps(c)[0], None))
        return focus, None
    if kind == "maxCount":
        taken = list(found)
        while len(taken) <= int(v):
            new = other_value(graph, c, focus, taken, lambda _: True)
            graph.add((focus, steps(c)[0], new))
            taken.append(new)
        return focus, None
    if kind == "qualifiedMinCount":
        qualified = SHAPES.value(c.prop, SH.qualifiedValueShape)
        for value in found:
            if conforming(graph, value, qualified):
                graph.remove((focus, steps(c)[0], value))
        return focus, None
    if kind == "qualifiedMaxCount":
        qualified = SHAPES.value(c.prop, SH.qualifiedValueShape)
        taken = list(found)
        while sum(conforming(graph, t, qualified) for t in taken) <= int(v):
            new = other_value(graph, c, focus, taken, lambda n: conforming(graph, n, qualified))
            graph.add((focus, steps(c)[0], new))
            taken.append(new)
        return focus, None
    if kind == "equals":  # the other property gets a value the path does not reach
        [old] = graph.objects(focus, v)
        new = next((n for _, f in with_values(graph, c) for n in f if n not in found), None) or fresh("other")
        graph.remove((focus, v, old))
        graph.add((focus, v, new))
        return focus, new
    new = {
        "datatype": lambda: wrong_literal(first, {v}),
        "minLength": lambda: Literal("x" * (int(v) - 1), datatype=first.datatype),
        "pattern": lambda: next(
            Literal(t, datatype=first.datatype) for t in ("", "!", "planted") if not re.search(str(v), t)
        ),
        "in": lambda: Literal("planted, not in the list"),
        "or": lambda: wrong_literal(first, {SHAPES.value(m, SH.datatype) for m in Collection(SHAPES, v)}),
        "class": lambda: fresh("untyped"),
        "minInclusive": lambda: Literal(Decimal(str(v)) - 1, datatype=first.datatype),
        "maxInclusive": lambda: Literal(Decimal(str(v)) + 1, datatype=first.datatype),
        "lessThanOrEquals": lambda: Literal(int(graph.value(focus, v)) + 1, datatype=first.datatype),
    }[kind]()
    if kind in ("minInclusive", "maxInclusive", "lessThanOrEquals") and first.datatype == XSD.integer:
        new = Literal(int(new), datatype=XSD.integer)
    replace(graph, focus, c, first, new)
    return focus, new


def plant_node(graph: Graph, c: Constraint) -> Planted:
    """A focus node that is not of the class (or of any class the sh:or accepts)."""
    if (c.shape, SH.targetClass, None) in SHAPES:  # an instance of the target class loses the other class
        focus = focus_nodes(graph, c.shape)[0]
        assert c.kind == "class", c.name
        graph.remove((focus, RDF.type, c.value))
        return focus, focus
    node = fresh("untyped")
    for p in sorted(SHAPES.objects(c.shape, SH.targetSubjectsOf)):
        for _, o in sorted(graph.subject_objects(p))[:1]:
            graph.add((node, p, o))
            return node, node
    for p in sorted(SHAPES.objects(c.shape, SH.targetObjectsOf)):
        for s, _ in sorted(graph.subject_objects(p))[:1]:
            graph.add((s, p, node))
            return node, node
    raise AssertionError(f"{c.name}: no target to plant a node on")


def _quote_of_other_length(graph: Graph) -> Planted:
    evidence = sorted(graph.subjects(RDF.type, OA.SpecificResource))[0]
    [quote] = [s for s in graph.objects(evidence, OA.hasSelector) if (s, RDF.type, OA.TextQuoteSelector) in graph]
    graph.set((quote, OA.exact, Literal(f"{graph.value(quote, OA.exact)} and more")))
    return OA.TextQuoteSelector, evidence


def _span_outside_sentence(graph: Graph) -> Planted:
    assertion = sorted(graph.subjects(RDF.type, KG.Assertion))[0]
    span = graph.value(assertion, KG.evidenceSpan)
    [position] = [s for s in graph.objects(span, OA.hasSelector) if (s, RDF.type, OA.TextPositionSelector) in graph]
    graph.set((position, OA.start, Literal(100_000, datatype=XSD.integer)))
    graph.set((position, OA.end, Literal(100_000, datatype=XSD.integer)))
    return KG.Assertion, assertion


# SPARQL constraints cannot be inverted mechanically: one planter per shape (a new one fails below)
SPARQL_PLANTERS: dict[str, Callable[[Graph], Planted]] = {
    "https://w3id.org/kg/shapes#QuoteLengthCheck": _quote_of_other_length,
    "https://w3id.org/kg/shapes#SpanInSentenceCheck": _span_outside_sentence,
}


def plant(graph: Graph, c: Constraint) -> Planted:
    if c.kind == "sparql":
        return SPARQL_PLANTERS[str(c.shape)](graph)
    if c.prop is None:
        return plant_node(graph, c)
    return plant_property(graph, c)


# ---------------------------------------------------------------- the tests


def pyshacl_lines(graph: Graph) -> list[str]:
    conforms, results, _ = pyshacl.validate(graph, shacl_graph=SHAPES, inference="none", allow_warnings=True)
    lines = report_lines(violations_from_report(results))
    assert conforms == (not lines)
    return lines


def our_lines(graph: Graph) -> list[str]:
    """Every line of kg's report (``validate_graph`` shows the first 20 and the count)."""
    store = ox.Store()
    store.bulk_extend([ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph])
    return report_lines(find_violations(store))


def test_the_shapes_file_has_constraints_of_every_kind() -> None:
    assert {c.kind for c in CONSTRAINTS.values() if c.prop is not None} == set(PROPERTY_KINDS)
    assert {c.kind for c in CONSTRAINTS.values() if c.prop is None} == {*NODE_KINDS, "sparql"}
    assert len(CONSTRAINTS) > 60


def test_every_constraint_has_a_planter_and_a_message() -> None:
    for c in CONSTRAINTS.values():
        if c.kind == "sparql":
            assert str(c.shape) in SPARQL_PLANTERS, f"{c.name}: add a planter to SPARQL_PLANTERS"
        else:
            assert c.kind in (PROPERTY_KINDS if c.prop is not None else NODE_KINDS), f"{c.name}: no planter"
        assert c.message != "None", f"{c.name}: the shape has no sh:message"


def test_the_valid_graph_conforms_for_both_validators() -> None:
    graph = valid_graph()
    assert our_lines(graph) == [] == pyshacl_lines(graph)


@pytest.mark.parametrize("name", sorted(CONSTRAINTS))
def test_a_planted_violation_is_reported_like_pyshacl(name: str) -> None:
    c = CONSTRAINTS[name]
    graph = valid_graph()
    focus, value = plant(graph, c)
    ours = our_lines(graph)
    expected = f"{_short(to_oxigraph(focus))}  {_text(SHAPES.value(c.prop, SH.path)) if c.prop else '-'}: {c.message}"
    if value is not None and not isinstance(value, BNode):
        expected += f" (value {_short(to_oxigraph(value))})"
    assert expected in ours, f"{expected!r} not in:\n" + "\n".join(ours)
    assert ours == pyshacl_lines(graph)


def test_the_error_carries_the_first_lines_and_the_count() -> None:
    graph = valid_graph()
    for c in CONSTRAINTS.values():
        if c.kind in ("minCount", "class"):
            plant(graph, c)
    lines = our_lines(graph)
    assert len(lines) > MAX_REPORT_LINES
    with pytest.raises(ValidationError) as info:
        validate_graph(graph, name="planted.trig")
    report = info.value.report.splitlines()
    assert report == [
        *lines[:MAX_REPORT_LINES],
        f"... and {len(lines) - MAX_REPORT_LINES} more",
        f"{len(lines)} violation(s)",
    ]
    assert str(info.value) == f"planted.trig: {len(lines)} SHACL violation(s); first: {lines[0]}"
    assert format_report([]) == (0, "0 violation(s)")
