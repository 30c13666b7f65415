"""SHACL validation of kg graphs against ontology/shapes.ttl: the whole graph, always, on Oxigraph.

    summary = validate_store(store)          # a pyoxigraph.Store; ValidationError when it does not conform
    validate_file("out/graph.nq")            # a graph file, bulk-loaded into an in-memory store
    validate_graph(dataset)                  # an rdflib Graph or Dataset (copied into a store)

The shapes are compiled into SPARQL queries (``kg.rdf.shacl``: one query per constraint, its rows
the violations) that Oxigraph answers over the union of all named graphs, with no inference (kg
types every node explicitly). The shapes file stays the source of truth: a new shape is checked
without code changes, and a construct the translator cannot express is an ``OntologyError``.
The results are the ones pyshacl gives on the same shapes (``tests/test_validate_shapes.py``
checks this on one planted violation per constraint); pyshacl is only a test dependency now.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import ValidationError
from kg.rdf.shacl import SH, Check, Violation, compile_shapes, run_checks

if TYPE_CHECKING:
    from rdflib import Graph

MAX_REPORT_LINES = 20
THREADS = min(2, os.cpu_count() or 1)  # queries answered at once (the build's workers are done by then)
THREADED_FROM_QUADS = 100_000  # below this, one thread is faster (each query takes a fraction of a ms)


@lru_cache(maxsize=1)
def shape_checks() -> tuple[Check, ...]:
    """The SPARQL checks compiled from ontology/shapes.ttl (once per process)."""
    from kg.rdf.namespace import ontology_path

    return tuple(compile_shapes(ontology_path("shapes.ttl"), _prefixes()))


@lru_cache(maxsize=1)
def _prefixes() -> dict[str, str]:
    from kg.rdf.namespace import PREFIXES

    return {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def _short(node: object, prefixes: dict[str, str] | None = None) -> str:
    """A compact rendering of a term: prefixed name, quoted literal, ``[]`` for a blank node."""
    if isinstance(node, ox.NamedNode):
        text = node.value
        for prefix, namespace in sorted((prefixes or _prefixes()).items(), key=lambda kv: -len(kv[1])):
            if text.startswith(namespace):
                return f"{prefix}:{text[len(namespace) :]}"
        return f"<{text}>"
    if isinstance(node, ox.Literal):
        return repr(node.value)
    return "[]"


def report_lines(violations: Iterable[Violation], prefixes: dict[str, str] | None = None) -> list[str]:
    """One line per distinct result, "focus  path: message (value v)", sorted (IRIs shortened with ``prefixes``)."""
    lines = set()
    for v in violations:
        text = f"{_short(v.focus, prefixes)}  {v.path or '-'}: {v.message}"
        if v.value is not None and not isinstance(v.value, ox.BlankNode):
            text += f" (value {_short(v.value, prefixes)})"
        lines.add(text)
    return sorted(lines)


def format_report(results: Iterable[Violation] | Graph) -> tuple[int, str]:
    """(number of violations, readable report of at most MAX_REPORT_LINES lines + a count line).

    ``results`` are ``Violation``s, or a pyshacl results graph (rendered the same way).
    """
    if hasattr(results, "subjects"):  # an rdflib Graph: pyshacl's report
        results = violations_from_report(results)
    lines = report_lines(results)
    shown = lines[:MAX_REPORT_LINES]
    if len(lines) > MAX_REPORT_LINES:
        shown.append(f"... and {len(lines) - MAX_REPORT_LINES} more")
    shown.append(f"{len(lines)} violation(s)")
    return len(lines), "\n".join(shown)


def violations_from_report(results: Graph, prefixes: dict[str, str] | None = None) -> list[Violation]:
    """The results of a SHACL validation report graph (e.g. pyshacl's) as ``Violation``s.

    Only the report's own ``sh:result``s count (not the nested results some validators give as
    ``sh:detail``); paths are written as ``kg.rdf.shacl`` writes them.
    """
    from rdflib import RDF, BNode, URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import SH as RSH

    from kg.rdf.convert import to_oxigraph

    def path(node: object) -> str | None:
        if node is None:
            return None
        if isinstance(node, URIRef):
            return _short(to_oxigraph(node), prefixes)
        if isinstance(node, BNode) and results.value(node, RDF.first) is not None:
            return "/".join(path(n) or "" for n in Collection(results, node))
        alternatives = results.value(node, RSH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(path(n) or "" for n in Collection(results, alternatives)) + ")"
        for predicate, before, after in (
            (RSH.inversePath, "^", ""),
            (RSH.zeroOrMorePath, "", "*"),
            (RSH.oneOrMorePath, "", "+"),
            (RSH.zeroOrOnePath, "", "?"),
        ):
            inner = results.value(node, predicate)
            if inner is not None:
                return f"{before}{path(inner)}{after}"
        return "[]"

    out = []
    for result in results.objects(None, RSH.result):
        value = results.value(result, RSH.value)
        message = results.value(result, RSH.resultMessage) or results.value(result, RSH.sourceConstraintComponent)
        out.append(
            Violation(
                to_oxigraph(results.value(result, RSH.focusNode)),
                path(results.value(result, RSH.resultPath)),
                str(message),
                to_oxigraph(value) if value is not None else None,
                str(results.value(result, RSH.resultSeverity) or f"{SH}Violation"),
            )
        )
    return out


def find_violations(store: ox.Store, quads: int | None = None) -> list[Violation]:
    """Every result of the shapes on ``store`` (the union of its graphs), in the order of the shapes.

    ``quads`` (the store's size, when known) decides whether to run queries on ``THREADS`` threads.
    """
    threads = THREADS if (len(store) if quads is None else quads) >= THREADED_FROM_QUADS else 1
    return run_checks(store, shape_checks(), threads=threads)


def validate_store(store: ox.Store, *, name: str = "graph") -> dict[str, object]:
    """Validate every quad of ``store`` (the union of its graphs) against shapes.ttl.

    Returns a summary for build.json (``mode``, ``whole_graph``, ``triples_validated``: the store's
    quads, ``shapes``, ``checks``, ``seconds``); raises ``ValidationError`` carrying the readable
    report when a shape is violated (results of severity sh:Warning or sh:Info are reported but
    do not fail).
    """
    started = time.perf_counter()
    checks = shape_checks()
    quads = len(store)
    violations = find_violations(store, quads)
    if any(v.severity == f"{SH}Violation" for v in violations):
        count, report = format_report(violations)
        raise ValidationError(f"{name}: {count} SHACL violation(s); first: {report.splitlines()[0]}", report=report)
    return {
        "mode": "full",
        "whole_graph": True,
        "triples_validated": quads,
        "shapes": len({check.shape for check in checks}),
        "checks": len(checks),
        "seconds": round(time.perf_counter() - started, 3),
    }


def validate_graph(graph_or_dataset: Graph, *, name: str = "graph") -> dict[str, object]:
    """Validate an rdflib Graph or Dataset (the union of its graphs), copied into an in-memory store."""
    from rdflib import Dataset

    from kg.rdf.convert import to_oxigraph
    from kg.store.oxstore import load_dataset

    store = ox.Store()
    if isinstance(graph_or_dataset, Dataset):
        load_dataset(store, graph_or_dataset)
    else:
        store.bulk_extend([ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph_or_dataset])
    return validate_store(store, name=name)


def validate_file(path: str | Path) -> int:
    """Load a graph file (.trig .ttl .nq .nt .jsonld) into an in-memory store and validate it; return its quads.

    Raises GraphError / GraphParseError when it cannot be read, ValidationError when it does not conform.
    """
    from kg.store.oxstore import load_store

    store = load_store(path)
    return validate_store(store, name=str(path))["triples_validated"]
