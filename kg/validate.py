"""SHACL validation of kg graphs against ontology/shapes.ttl (pyshacl, no inference)."""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, BNode, Dataset, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import GraphError, GraphParseError, ValidationError
from kg.rdf.namespace import PREFIXES, load_ontology_graph

MAX_REPORT_LINES = 20
FORMATS = {
    ".trig": "trig",
    ".ttl": "turtle",
    ".nq": "nquads",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}


@lru_cache(maxsize=1)
def _shapes() -> Graph:
    return load_ontology_graph("shapes.ttl")


def _union(graph: Graph) -> Graph:
    """The data graph pyshacl sees: all triples of all named graphs in one plain Graph."""
    if isinstance(graph, Dataset) or hasattr(graph, "quads"):
        union = Graph()
        for s, p, o, _ in graph.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    return graph


def _short(node: Node | None, results: Graph) -> str:
    """A compact rendering of a node: prefixed name, quoted literal, or SHACL path."""
    if node is None:
        return "-"
    if isinstance(node, BNode):
        items = list(results.objects(node, RDF.first))
        if items:  # a sequence path
            return "/".join(_short(n, results) for n in Collection(results, node))
        return "[]"
    if isinstance(node, URIRef):
        text = str(node)
        for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
            if text.startswith(str(namespace)):
                return f"{prefix}:{text[len(str(namespace)) :]}"
        return f"<{text}>"
    return repr(str(node))


def format_report(results: Graph) -> tuple[int, str]:
    """(number of violations, readable report of at most MAX_REPORT_LINES lines + a count line)."""
    lines = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = _short(results.value(result, SH.focusNode), results)
        path = _short(results.value(result, SH.resultPath), results)
        value = results.value(result, SH.value)
        message = results.value(result, SH.resultMessage) or results.value(result, SH.sourceConstraintComponent)
        text = f"{focus}  {path}: {message}"
        if value is not None and not isinstance(value, BNode):
            text += f" (value {_short(value, results)})"
        lines.append(text)
    lines = sorted(set(lines))
    shown = lines[:MAX_REPORT_LINES]
    if len(lines) > MAX_REPORT_LINES:
        shown.append(f"... and {len(lines) - MAX_REPORT_LINES} more")
    shown.append(f"{len(lines)} violation(s)")
    return len(lines), "\n".join(shown)


def validate_graph(graph_or_dataset: Graph, *, name: str = "graph") -> None:
    """Validate a Graph or Dataset (union of all graphs) with shapes.ttl; ValidationError if not valid."""
    import pyshacl  # imported here: it is slow to import and only validation needs it

    conforms, results, _text = pyshacl.validate(
        _union(graph_or_dataset),
        shacl_graph=_shapes(),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
    )
    if conforms:
        return
    count, report = format_report(results)
    raise ValidationError(f"{name}: {count} SHACL violation(s); first: {report.splitlines()[0]}", report=report)


def _error_line(exc: Exception, path: Path, fmt: str) -> int | None:
    """The line number of a parse error, when it can be found."""
    lines = getattr(exc, "lines", None)
    if isinstance(lines, int):
        return lines + 1  # notation3.BadSyntax counts from 0
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    match = re.search(r"line (\d+)", str(exc))
    if match:
        return int(match.group(1))
    if fmt in ("nquads", "nt"):  # line-based: find the first line that does not parse on its own
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            try:
                Dataset().parse(data=line, format=fmt)
            except Exception:
                return number
    return None


def load_graph_file(path: str | Path) -> Dataset:
    """Parse a .trig/.ttl/.nq/.nt/.jsonld file into a Dataset (union default graph)."""
    path = Path(path)
    if not path.is_file():
        raise GraphError(f"{path}: no such file")
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise GraphError(f"{path}: unknown graph format (use one of {', '.join(sorted(FORMATS))})")
    ds = Dataset(default_union=True)
    try:
        with warnings.catch_warnings():  # rdflib's parsers use its own deprecated ConjunctiveGraph API
            warnings.simplefilter("ignore", DeprecationWarning)
            ds.parse(path, format=fmt)
    except Exception as exc:  # rdflib's parsers raise many unrelated exception types
        line = _error_line(exc, path, fmt)
        where = f", line {line}" if line is not None else ""
        why = getattr(exc, "_why", None)  # notation3.BadSyntax keeps the bare reason here
        detail = " ".join(str(why or exc).split()) or type(exc).__name__
        raise GraphParseError(f"{path}{where}: does not parse as {fmt}: {detail[:300]}") from exc
    return ds


def validate_file(path: str | Path) -> int:
    """Parse a graph file and validate it; return its number of triples (quads).

    Raises GraphError / GraphParseError when it cannot be read, ValidationError when it does not conform.
    """
    ds = load_graph_file(path)
    validate_graph(ds, name=str(path))
    return sum(1 for _ in ds.quads((None, None, None, None)))


def validate_store(store: object, *, name: str = "graph") -> dict[str, object]:
    """Validate the whole graph in a pyoxigraph Store; ValidationError if not valid; return a summary.

    TEMPORARY (issue 13): dumps the store into rdflib and runs pyshacl (correct but slow). The
    "shacl" work replaces it with a fast whole-graph validation of the same name and signature.
    """
    import pyoxigraph as ox

    ds = Dataset(default_union=True)
    with warnings.catch_warnings():  # rdflib's parsers use its own deprecated ConjunctiveGraph API
        warnings.simplefilter("ignore", DeprecationWarning)
        ds.parse(data=store.dump(format=ox.RdfFormat.N_QUADS), format="nquads")
    validate_graph(ds, name=name)
    return {"whole_graph": True, "triples_validated": len(store)}
