"""SHACL shapes compiled to SPARQL queries that Oxigraph answers: one query per constraint, violations as rows.

    checks = compile_shapes(ontology_path("shapes.ttl"))   # the shapes file stays the source of truth
    violations = run_checks(store, checks)                 # list[Violation], over the union of all graphs

The translator is generic: it reads the shapes graph (with pyoxigraph) and turns every target and
constraint it finds into SPARQL, so a shape added to shapes.ttl is checked without code changes. A
construct it cannot translate raises ``OntologyError`` naming the shape and the term, so nothing in
the shapes file is silently skipped. Supported (SHACL Core, no inference, as pyshacl with
``inference="none"``):

- targets: ``sh:targetClass``, ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``,
  shapes that are also ``rdfs:Class``; paths: IRIs, sequences, ``sh:inversePath``,
  ``sh:alternativePath``, ``sh:zeroOrMorePath``, ``sh:oneOrMorePath``, ``sh:zeroOrOnePath``;
- per value: ``sh:class``, ``sh:datatype`` (ill-formed literals fail), ``sh:nodeKind``,
  ``sh:minLength``, ``sh:maxLength``, ``sh:pattern`` (+ ``sh:flags``), ``sh:in``,
  ``sh:min/maxInclusive``, ``sh:min/maxExclusive``, ``sh:or``, ``sh:and``, ``sh:not``, ``sh:xone``,
  ``sh:node`` (shapes made of these), ``sh:hasValue``;
- per focus node: ``sh:minCount``, ``sh:maxCount``, ``sh:qualifiedValueShape`` with
  ``sh:qualifiedMinCount``/``sh:qualifiedMaxCount``, ``sh:equals``, ``sh:disjoint``, ``sh:lessThan``,
  ``sh:lessThanOrEquals``, ``sh:property``;
- SHACL-SPARQL ``sh:sparql`` with ``sh:select`` (prefixes from ``sh:prefixes``/``sh:declare``):
  the query is joined with the shape's targets on ``$this`` (the same rows as pre-binding for
  queries like kg's, which do not nest ``$this`` in OPTIONAL, MINUS or subqueries).

Class membership follows ``rdf:type/rdfs:subClassOf*`` in the data, as SHACL says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.errors import OntologyError
from kg.rdf.shacl_queries import (
    CASTABLE,
    INSTANCE_OF,
    RDF,
    RDFS,
    SH,
    XSD,
    Check,
    Term,
    Violation,
    class_query,
    count_query,
    pairwise,
    run_checks,
    sparql_term,
    value_query,
)

__all__ = ["SH", "Check", "Violation", "compile_shapes", "run_checks"]

# terms of a shape that do not constrain anything
NON_VALIDATING = frozenset(
    [f"{RDF}type", f"{RDFS}label", f"{RDFS}comment", f"{RDFS}seeAlso"]
    + [f"{SH}{name}" for name in "message name description order group defaultValue severity deactivated".split()]
    + [f"{SH}{name}" for name in "targetClass targetNode targetSubjectsOf targetObjectsOf path".split()]
    + [f"{SH}{name}" for name in "qualifiedMinCount qualifiedMaxCount qualifiedValueShapesDisjoint flags".split()]
)
VALUE_CONSTRAINTS = frozenset(
    f"{SH}{name}"
    for name in (
        "class datatype nodeKind minLength maxLength pattern in minInclusive maxInclusive minExclusive "
        "maxExclusive or and not xone node"
    ).split()
)
SET_CONSTRAINTS = frozenset(
    f"{SH}{name}"
    for name in "minCount maxCount qualifiedValueShape equals disjoint lessThan lessThanOrEquals hasValue".split()
)
SUPPORTED = VALUE_CONSTRAINTS | SET_CONSTRAINTS | {f"{SH}property", f"{SH}sparql"}


class _Shapes:
    """The shapes graph as an index subject -> predicate -> objects (in file order)."""

    def __init__(self, triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> None:
        self.index: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            self.index[t.subject][t.predicate.value].append(t.object)
        self.prefixes = {"sh": SH, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, **prefixes}

    def objects(self, node: Term, predicate: str) -> list[Term]:
        return self.index.get(node, {}).get(predicate, [])

    def one(self, node: Term, predicate: str) -> Term | None:
        found = self.objects(node, predicate)
        return found[0] if found else None

    def items(self, head: Term) -> list[Term]:
        """The members of the RDF list starting at ``head``."""
        out = []
        while head != ox.NamedNode(f"{RDF}nil"):
            first = self.one(head, f"{RDF}first")
            if first is None:
                raise OntologyError(f"{head} is not a well-formed RDF list")
            out.append(first)
            head = self.one(head, f"{RDF}rest")
        return out

    def short(self, node: Term) -> str:
        if isinstance(node, ox.NamedNode):
            for prefix, namespace in sorted(self.prefixes.items(), key=lambda kv: -len(kv[1])):
                if node.value.startswith(namespace):
                    return f"{prefix}:{node.value[len(namespace) :]}"
        return str(node)


class _Compiler:
    def __init__(self, shapes: _Shapes) -> None:
        self.g = shapes
        self.checks: list[Check] = []
        self.current: Term | None = None  # the shape whose constraints are being translated

    # ------------------------------------------------------------ paths

    def path(self, node: Term) -> tuple[str, str]:
        """(SPARQL property path, compact text) of a SHACL path."""
        g = self.g
        if isinstance(node, ox.NamedNode):
            return sparql_term(node), g.short(node)
        if g.one(node, f"{RDF}first") is not None:
            parts = [self.path(item) for item in g.items(node)]
            return "(" + "/".join(p for p, _ in parts) + ")", "/".join(t for _, t in parts)
        for predicate, (before, after) in {
            "inversePath": ("^", ""),
            "zeroOrMorePath": ("", "*"),
            "oneOrMorePath": ("", "+"),
            "zeroOrOnePath": ("", "?"),
        }.items():
            inner = g.one(node, f"{SH}{predicate}")
            if inner is not None:
                sparql, text = self.path(inner)
                return f"{before}({sparql}){after}", f"{before}{text}{after}"
        alternatives = g.one(node, f"{SH}alternativePath")
        if alternatives is not None:
            parts = [self.path(item) for item in g.items(alternatives)]
            return "(" + "|".join(p for p, _ in parts) + ")", "(" + "|".join(t for _, t in parts) + ")"
        raise OntologyError(f"unsupported sh:path {node}")

    # ------------------------------------------------------------ targets

    def targets(self, shape: Term) -> str | None:
        """A group pattern binding ``?this`` to each focus node of ``shape`` (None: no targets)."""
        g = self.g
        patterns = [f"?this {INSTANCE_OF} {sparql_term(c)} ." for c in g.objects(shape, f"{SH}targetClass")]
        if ox.NamedNode(f"{RDFS}Class") in g.objects(shape, f"{RDF}type"):
            patterns.append(f"?this {INSTANCE_OF} {sparql_term(shape)} .")
        nodes = g.objects(shape, f"{SH}targetNode")
        if nodes:
            patterns.append("VALUES ?this { " + " ".join(sparql_term(n) for n in nodes) + " }")
        for p in g.objects(shape, f"{SH}targetSubjectsOf"):
            patterns.append(f"?this {sparql_term(p)} [] .")
        for p in g.objects(shape, f"{SH}targetObjectsOf"):
            patterns.append(f"[] {sparql_term(p)} ?this .")
        if not patterns:
            return None
        union = patterns[0] if len(patterns) == 1 else " UNION ".join("{ " + p + " }" for p in patterns)
        return "{ SELECT DISTINCT ?this WHERE { " + union + " } }"

    # ------------------------------------------------------------ value constraints as expressions

    def conforms(self, shape: Term, var: str, where: str) -> str:
        """A SPARQL expression true when the node in ``var`` conforms to the value constraints of ``shape``."""
        terms = []
        for predicate in self.g.index.get(shape, {}):
            if predicate in SET_CONSTRAINTS or predicate in (f"{SH}property", f"{SH}sparql"):
                raise OntologyError(
                    f"{where}: {self.g.short(ox.NamedNode(predicate))} inside a nested shape is not supported"
                )
            if predicate not in NON_VALIDATING and predicate not in VALUE_CONSTRAINTS:
                raise self.unsupported(where, predicate)
        for predicate in self.g.index.get(shape, {}):
            if predicate in VALUE_CONSTRAINTS:
                for value in self.g.objects(shape, predicate):
                    terms.append(self.value_test(predicate, value, var, where))
        return "(" + " && ".join(terms) + ")" if terms else "true"

    def value_test(self, predicate: str, value: Term, v: str, where: str) -> str:
        """The expression that holds when ``v`` satisfies ``predicate value`` (never an error)."""
        name = predicate[len(SH) :]
        g = self.g
        if name == "class":
            return f"EXISTS {{ {v} {INSTANCE_OF} {sparql_term(value)} }}"
        if name == "datatype":
            test = f"isLiteral({v}) && sameTerm(datatype({v}), {sparql_term(value)})"
            if value.value in CASTABLE:  # ill-formed literals of a known datatype do not conform
                test += f" && STRLEN(STR({sparql_term(value)}(STR({v})))) >= 0"
            return f"COALESCE({test}, false)"
        if name == "nodeKind":
            kinds = {
                "IRI": f"isIRI({v})",
                "BlankNode": f"isBlank({v})",
                "Literal": f"isLiteral({v})",
                "BlankNodeOrIRI": f"!isLiteral({v})",
                "BlankNodeOrLiteral": f"!isIRI({v})",
                "IRIOrLiteral": f"!isBlank({v})",
            }
            return kinds[value.value[len(SH) :]]
        if name in ("minLength", "maxLength"):
            op = ">=" if name == "minLength" else "<="
            return f"COALESCE(!isBlank({v}) && STRLEN(STR({v})) {op} {int(value.value)}, false)"
        if name == "pattern":
            flags = g.one(self.current, f"{SH}flags")
            extra = f", {sparql_term(flags)}" if flags is not None else ""
            return f"COALESCE(!isBlank({v}) && REGEX(STR({v}), {sparql_term(value)}{extra}), false)"
        if name == "in":
            members = [f"sameTerm({v}, {sparql_term(m)})" for m in g.items(value)]
            return "(" + (" || ".join(members) or "false") + ")"
        comparisons = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
        if name in comparisons:
            return f"COALESCE({v} {comparisons[name]} {sparql_term(value)}, false)"
        if name in ("or", "and", "xone"):
            parts = [self.nested(member, v, where) for member in g.items(value)]
            if name == "xone":
                return "(" + " + ".join(f"IF({p}, 1, 0)" for p in parts) + " = 1)"
            return "(" + f" {'||' if name == 'or' else '&&'} ".join(parts) + ")"
        if name == "not":
            return f"!{self.nested(value, v, where)}"
        if name == "node":
            return self.nested(value, v, where)
        raise self.unsupported(where, predicate)

    def nested(self, shape: Term, v: str, where: str) -> str:
        saved, self.current = self.current, shape
        try:
            return self.conforms(shape, v, where)
        finally:
            self.current = saved

    def unsupported(self, where: str, predicate: str) -> OntologyError:
        known = ", ".join(sorted(self.g.short(ox.NamedNode(p)) for p in SUPPORTED))
        return OntologyError(
            f"{where}: {self.g.short(ox.NamedNode(predicate))} is not supported by kg's SHACL-to-SPARQL "
            f"translator (kg.rdf.shacl); supported: {known}"
        )

    # ------------------------------------------------------------ shapes

    def message(self, *nodes: Term) -> str | None:
        for node in nodes:
            found = self.g.objects(node, f"{SH}message")
            if found:
                plain = [m for m in found if isinstance(m, ox.Literal) and not m.language]
                return (plain or found)[0].value
        return None

    def shape(self, shape: Term, target: str, where: str) -> None:
        """Add the checks of node or property shape ``shape`` for the focus nodes bound by ``target``.

        The constraints of a shape share its message and path, so they are checked together: one
        query for the constraints on each value, one for the value counts, one per qualified shape,
        per pair-wise constraint and per SPARQL constraint.
        """
        g = self.g
        if _true(g.one(shape, f"{SH}deactivated")):
            return
        for predicate in g.index.get(shape, {}):
            if predicate not in NON_VALIDATING and predicate not in SUPPORTED:
                raise self.unsupported(where, predicate)
        self.current = shape
        path_node = g.one(shape, f"{SH}path")
        severity = g.one(shape, f"{SH}severity")
        path, text = self.path(path_node) if path_node is not None else (None, None)
        message = self.message(shape)

        def add(components: list[str], sparql: str, own_message: str | None = None) -> None:
            label = own_message or message or f"sh:{components[0]}ConstraintComponent"
            self.checks.append(
                Check(
                    shape=where,
                    components=tuple(f"sh:{c}" for c in components),
                    path=text,
                    message=label,
                    severity=severity.value if severity is not None else f"{SH}Violation",
                    sparql=sparql,
                )
            )

        tests, names = [], []
        for predicate, objects in g.index[shape].items():
            for value in objects if predicate in VALUE_CONSTRAINTS else ():
                if predicate == f"{SH}class":  # a join with the instances, not a lookup per value
                    add(["class"], class_query(target, path, sparql_term(value)))
                else:
                    tests.append(self.value_test(predicate, value, "?value", where))
                    names.append(predicate[len(SH) :])
        if tests:
            add(names, value_query(target, path, " && ".join(tests)))
        counts = {
            name: int(g.one(shape, f"{SH}{name}").value)
            for name in ("minCount", "maxCount")
            if g.one(shape, f"{SH}{name}")
        }
        if counts and (counts.get("minCount", 0) > 0 or "maxCount" in counts):
            self.need_path(path, "sh:minCount / sh:maxCount", where)
            add(list(counts), count_query(target, path, counts.get("minCount", 0), counts.get("maxCount"), ""))
        for qualified in g.objects(shape, f"{SH}qualifiedValueShape"):
            self.need_path(path, "sh:qualifiedValueShape", where)
            if _true(g.one(shape, f"{SH}qualifiedValueShapesDisjoint")):
                raise OntologyError(f"{where}: sh:qualifiedValueShapesDisjoint is not supported")
            low, high = (g.one(shape, f"{SH}qualified{x}Count") for x in ("Min", "Max"))
            low, high = int(low.value) if low else 0, int(high.value) if high else None
            if low > 0 or high is not None:
                add(["qualifiedValueShape"], count_query(target, path, low, high, self.keep(qualified, where)))
        for name in ("equals", "disjoint", "lessThan", "lessThanOrEquals"):
            for other in g.objects(shape, f"{SH}{name}"):
                self.need_path(path, f"sh:{name}", where)
                add([name], pairwise(name, target, path, sparql_term(other)))
        for value in g.objects(shape, f"{SH}hasValue"):
            if path:
                query = f"SELECT ?this WHERE {{ {target} MINUS {{ ?this {path} {sparql_term(value)} }} }}"
            else:
                query = f"SELECT ?this WHERE {{ {target} FILTER (!sameTerm(?this, {sparql_term(value)})) }}"
            add(["hasValue"], query)
        for node in g.objects(shape, f"{SH}sparql"):
            self.sparql(node, target, path, add, where)
        for inner in g.objects(shape, f"{SH}property"):
            if path is not None:  # the values of this path are the focus nodes of the inner shape
                outer = target.replace("?this", "?outer")
                self.shape(inner, f"{{ SELECT DISTINCT ?this WHERE {{ {outer} ?outer {path} ?this . }} }}", where)
            else:
                self.shape(inner, target, where)
            self.current = shape

    @staticmethod
    def need_path(path: str | None, what: str, where: str) -> None:
        if path is None:
            raise OntologyError(f"{where}: {what} on a node shape is not supported")

    def keep(self, shape: Term, where: str) -> str:
        """A pattern keeping the ``?v`` that conform to ``shape``: a join for class tests, else a filter."""
        constraints = [p for p in self.g.index.get(shape, {}) if p not in NON_VALIDATING]
        if constraints == [f"{SH}class"]:
            return " ".join(f"?v {INSTANCE_OF} {sparql_term(c)} ." for c in self.g.objects(shape, f"{SH}class"))
        return f"FILTER ({self.nested(shape, '?v', where)})"

    def sparql(self, node: Term, target: str, path: str | None, add, where: str) -> None:  # noqa: ANN001
        """An sh:sparql constraint: its SELECT joined with the targets on ``$this``."""
        g = self.g
        select = g.one(node, f"{SH}select")
        if select is None:
            raise OntologyError(f"{where}: an sh:sparql constraint needs sh:select (sh:ask is not supported)")
        if _true(g.one(node, f"{SH}deactivated")):
            return
        prefixes = []
        for holder in g.objects(node, f"{SH}prefixes"):
            for declaration in g.objects(holder, f"{SH}declare"):
                prefix, namespace = g.one(declaration, f"{SH}prefix"), g.one(declaration, f"{SH}namespace")
                prefixes.append(f"PREFIX {prefix.value}: <{namespace.value}>")
        query = select.value.replace("$PATH", path) if path else select.value
        sparql = "\n".join(prefixes) + f"\nSELECT ?this ?value ?path WHERE {{ {target} {{ {query} }} }}"
        add(["sparql"], sparql, self.message(node))


def _true(term: Term | None) -> bool:
    return term == ox.Literal("true", datatype=ox.NamedNode(f"{XSD}boolean"))


def compile_shapes(path: str | Path, prefixes: dict[str, str]) -> list[Check]:
    """The checks of every targeted shape of the shapes file ``path``; ``prefixes`` shorten IRIs in paths."""
    try:
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (SyntaxError, OSError) as exc:
        raise OntologyError(f"{path}: cannot read the shapes: {exc}") from None
    shapes = _Shapes(triples, prefixes)
    compiler = _Compiler(shapes)
    try:
        for shape in list(shapes.index):
            target = compiler.targets(shape)
            if target is not None:
                where = shapes.short(shape) if isinstance(shape, ox.NamedNode) else "a blank-node shape"
                compiler.shape(shape, target, where)
    except OntologyError as exc:
        raise OntologyError(f"{path}: {exc}") from None
    return compiler.checks
