"""The SPARQL side of kg's SHACL translation (``kg.rdf.shacl``): the query of each kind of constraint,
and running the queries on an Oxigraph store.

Every query selects ``?this`` (the focus node) and, when the result has one, ``?value``; its rows are
the violations. The queries are written so that Oxigraph scans each pattern once and joins the
results by hash (sub-selects are evaluated on their own): on an on-disk store this is 2 to 7 times
faster than looking up each focus node's values one by one, and in memory it costs the same
(BENCHMARKS.md, "SHACL validation of the whole graph").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import OntologyError

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
# (when the data has no rdfs:subClassOf triple, run_checks uses rdf:type alone: same answers, faster)
INSTANCE_OF = f"<{RDF}type>/<{RDFS}subClassOf>*"
# datatypes whose well-formedness Oxigraph can test by casting the lexical form
CASTABLE = frozenset(
    f"{XSD}{name}"
    for name in (
        "boolean integer decimal float double date dateTime time duration gYear gYearMonth gMonth "
        "gMonthDay gDay yearMonthDuration dayTimeDuration"
    ).split()
)
Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class Check:
    """One constraint as a SPARQL query whose rows (``?this``, ``?value``) are violations."""

    shape: str  # the shape's IRI, or the IRI of the node shape that holds it
    components: tuple[str, ...]  # the constraints it checks, e.g. ("sh:minCount", "sh:maxCount")
    path: str | None  # the SHACL path, compact (e.g. "kg:evidence/oa:hasSource"), or None on node shapes
    message: str
    severity: str  # IRI, usually sh:Violation
    sparql: str


@dataclass(frozen=True, order=True)
class Violation:
    """A validation result: the focus node, the path (text), the message and the value (or None)."""

    focus: Term
    path: str | None
    message: str
    value: Term | None
    severity: str = f"{SH}Violation"


def sparql_term(term: Term) -> str:
    """A constant of a shape (IRI or literal) in SPARQL syntax."""
    if isinstance(term, ox.BlankNode):
        raise OntologyError(f"a blank node ({term}) cannot be a constant of a constraint")
    return str(term)  # N-Triples syntax is SPARQL syntax


# ---------------------------------------------------------------- the query of each kind of constraint


def values(path: str, extra: str = "") -> str:
    """A sub-select of (?this, ?value) for every value of ``path`` (of any subject)."""
    return f"{{ SELECT ?this ?value WHERE {{ ?this {path} ?value . {extra}}} }}"


def value_query(target: str, path: str | None, test: str) -> str:
    """Focus nodes (and values) for which ``test`` on ``?value`` fails: filtered first, then joined."""
    if path is None:
        return f"SELECT ?this ?value WHERE {{ {target} BIND (?this AS ?value) FILTER (!({test})) }}"
    return f"SELECT DISTINCT ?this ?value WHERE {{ {values(path, f'FILTER (!({test})) ')} {target} }}"


def class_query(target: str, path: str | None, cls: str) -> str:
    """Focus nodes (and values) whose value is not an instance of ``cls`` (literals never are)."""
    if path is None:
        return f"SELECT ?this (?this AS ?value) WHERE {{ {target} MINUS {{ ?this {INSTANCE_OF} {cls} }} }}"
    missing = f"{{ {values(path)} MINUS {{ ?value {INSTANCE_OF} {cls} }} }}"
    return f"SELECT DISTINCT ?this ?value WHERE {{ {missing} {target} }}"


def count_query(target: str, path: str, low: int, high: int | None, keep: str) -> str:
    """Focus nodes with fewer than ``low`` or more than ``high`` distinct values (kept by ``keep``)."""
    counts = f"SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ ?this {path} ?v . {keep} }} GROUP BY ?this"
    bounds = [f"COALESCE(?n, 0) < {low}"] if low > 0 else []
    bounds += [f"COALESCE(?n, 0) > {high}"] if high is not None else []
    return f"SELECT ?this WHERE {{ {target} OPTIONAL {{ {counts} }} FILTER ({' || '.join(bounds)}) }}"


def pairwise(name: str, target: str, path: str, other: str) -> str:
    """Focus nodes (and values) that break ``sh:equals``, ``sh:disjoint``, ``sh:lessThan(OrEquals)`` with ``other``."""
    mine, theirs = values(path), values(other)
    if name == "equals":  # the values of one path missing from the other, both ways
        return (
            f"SELECT DISTINCT ?this ?value WHERE {{ {target} "
            f"{{ {mine} MINUS {{ ?this {other} ?value }} }} UNION {{ {theirs} MINUS {{ ?this {path} ?value }} }} }}"
        )
    if name == "disjoint":
        return f"SELECT DISTINCT ?this ?value WHERE {{ {mine} {theirs} {target} }}"
    op = "<" if name == "lessThan" else "<="
    both = f"{mine} {{ SELECT ?this ?other WHERE {{ ?this {other} ?other }} }}"
    return (
        f"SELECT DISTINCT ?this ?value WHERE {{ {{ SELECT ?this ?value WHERE {{ {both} "
        f"FILTER (!COALESCE(?value {op} ?other, false)) }} }} {target} }}"
    )


def run_checks(store: ox.Store, checks: Iterable[Check], *, threads: int = 1) -> list[Violation]:
    """Run ``checks`` on ``store`` (plain patterns see the union of all graphs); return the violations.

    ``threads`` > 1 runs that many queries at once (Oxigraph answers them without holding the GIL);
    the violations come back in the order of ``checks`` either way.
    """
    plain_types = not store.query(f"ASK {{ ?a <{RDFS}subClassOf> ?b }}", use_default_graph_as_union=True)

    def run(check: Check) -> list[Violation]:
        sparql_based = check.components == ("sh:sparql",)
        with_value = "?value" in check.sparql
        query = check.sparql.replace(INSTANCE_OF, f"<{RDF}type>") if plain_types else check.sparql
        found = []
        for row in store.query(query, use_default_graph_as_union=True):
            path = check.path
            if sparql_based and row["path"] is not None:
                path = str(row["path"])
            found.append(
                Violation(row["this"], path, check.message, row["value"] if with_value else None, check.severity)
            )
        return found

    if threads > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(threads, thread_name_prefix="kg-shacl") as pool:
            return [v for found in pool.map(run, checks) for v in found]
    return [v for check in checks for v in run(check)]
