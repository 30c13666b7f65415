"""A query's answer (``QueryResult``) and its formats, all written by pyoxigraph's serialisers.

A SELECT answer is kept as the SPARQL TSV bytes Oxigraph writes (lossless, compact, cheap to send
between processes) and parsed only when ``terms`` or ``rows`` are read; a graph answer as
N-Triples bytes. ``serialize(fmt)`` gives the SPARQL results formats (json, xml, csv, tsv) or the
RDF formats of a graph (turtle, ntriples, nquads, jsonld, rdfxml, trig); ``format_result`` adds
kg's readable ``table`` (IRIs compacted with kg's prefixes).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.errors import ExportError
from kg.query.prepare import NAMESPACES
from kg.query.terms import Term

FORMATS = ("table", "csv", "tsv", "json", "xml")
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
}
_TABLE_GRAPH = {"table": "turtle", "json": "jsonld", "xml": "rdfxml"}  # format_result for graph answers


def tsv_cell(term: Term | None) -> str:
    """One SPARQL TSV cell: the term in N-Triples syntax, empty when unbound."""
    return "" if term is None else str(term)


def tsv_bytes(names: Iterable[str], rows: Iterable[Iterable[Term | None]]) -> bytes:
    """SPARQL TSV results of ``rows`` (N-Triples escapes keep every row on one line)."""
    lines = ["\t".join(f"?{name}" for name in names)]
    lines += ["\t".join(tsv_cell(term) for term in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def cell(term: Term | None) -> str | None:
    """A row value: the IRI or lexical form, ``_:id`` for a blank node, None when unbound."""
    if term is None:
        return None
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


class QueryResult:
    """A query's answer. ``kind`` is "select" (vars, terms, rows), "ask" (boolean) or "graph" (triples).

    Build one from Oxigraph's TSV bytes (``tsv=``) or from terms (``terms=``); a graph answer from
    N-Triples bytes (``ntriples=``) or ``triples=``. ``truncated`` is True when a row cap cut it short.
    """

    def __init__(
        self,
        kind: str,
        vars: Iterable[str] = (),  # noqa: A002 - the SPARQL word
        *,
        tsv: bytes | None = None,
        terms: Iterable[Iterable[Term | None]] | None = None,
        boolean: bool | None = None,
        ntriples: bytes | None = None,
        triples: Iterable[ox.Triple] | None = None,
        truncated: bool = False,
    ) -> None:
        self.kind = kind
        self.vars = tuple(vars)
        self.boolean = boolean
        self.truncated = truncated
        self._tsv = tsv
        self._terms = tuple(tuple(row) for row in terms) if terms is not None else None
        self._ntriples = ntriples
        self._triples = tuple(triples) if triples is not None else None
        self._rows: tuple[tuple[str | None, ...], ...] | None = None

    # ------------------------------------------------------------ select answers

    @property
    def tsv(self) -> bytes:
        """The SPARQL TSV results (select answers)."""
        if self._tsv is None:
            self._tsv = tsv_bytes(self.vars, self._terms or ())
        return self._tsv

    @property
    def terms(self) -> tuple[tuple[Term | None, ...], ...]:
        """The rows as pyoxigraph terms (None where unbound)."""
        if self._terms is None:
            if self.kind != "select" or self._tsv is None:
                self._terms = ()
            else:
                solutions = ox.parse_query_results(self._tsv, ox.QueryResultsFormat.TSV)
                width = range(len(self.vars))
                self._terms = tuple(tuple(solution[i] for i in width) for solution in solutions)
        return self._terms

    @property
    def rows(self) -> tuple[tuple[str | None, ...], ...]:
        """The rows as strings: IRI or lexical form, ``_:id`` for blank nodes, None where unbound."""
        if self._rows is None:
            self._rows = tuple(tuple(cell(term) for term in row) for row in self.terms)
        return self._rows

    def __len__(self) -> int:
        """Rows of a select answer, triples of a graph answer, 1 for ask."""
        return len(self.triples) if self.kind == "graph" else len(self.terms) if self.kind == "select" else 1

    # ------------------------------------------------------------ graph answers

    @property
    def ntriples(self) -> bytes:
        """The triples as N-Triples (graph answers)."""
        if self._ntriples is None:
            self._ntriples = ox.serialize(self._triples or (), format=ox.RdfFormat.N_TRIPLES) or b""
        return self._ntriples

    @property
    def triples(self) -> tuple[ox.Triple, ...]:
        """The triples of a CONSTRUCT or DESCRIBE answer."""
        if self._triples is None:
            if self.kind != "graph" or not self._ntriples:
                self._triples = ()
            else:
                quads = ox.parse(self._ntriples, format=ox.RdfFormat.N_TRIPLES)
                self._triples = tuple(quad.triple for quad in quads)
        return self._triples

    # ------------------------------------------------------------ formats

    def serialize(self, fmt: str) -> bytes:
        """The answer in ``fmt``: json, xml, csv, tsv (select, ask); turtle, ntriples, nquads, jsonld, rdfxml,
        trig (graph)."""
        if self.kind == "graph":
            if fmt not in GRAPH_FORMATS:
                raise ExportError(f"unknown graph format '{fmt}'; valid formats: {', '.join(GRAPH_FORMATS)}")
            if fmt == "ntriples":
                return self.ntriples
            prefixes = NAMESPACES if GRAPH_FORMATS[fmt] in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
            return ox.serialize(self.triples, format=GRAPH_FORMATS[fmt], prefixes=prefixes) or b""
        if fmt not in RESULT_FORMATS:
            raise ExportError(f"unknown results format '{fmt}'; valid formats: {', '.join(RESULT_FORMATS)}")
        if self.kind == "ask":
            doc = b'{"head":{},"boolean":%s}' % (b"true" if self.boolean else b"false")
            answer = ox.parse_query_results(doc, ox.QueryResultsFormat.JSON)
        else:
            if fmt == "tsv":
                return self.tsv
            answer = ox.parse_query_results(self.tsv, ox.QueryResultsFormat.TSV)
        return answer.serialize(format=RESULT_FORMATS[fmt])

    def _key(self) -> tuple:
        graph = tuple(sorted(self.ntriples.splitlines())) if self.kind == "graph" else ()
        return (self.kind, self.vars, self.rows, self.boolean, self.truncated, graph)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, QueryResult) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        size = f"{len(self)} {'triples' if self.kind == 'graph' else 'rows'}" if self.kind != "ask" else self.boolean
        return f"QueryResult({self.kind!r}, vars={self.vars!r}, {size}, truncated={self.truncated})"

    def __getstate__(self) -> dict:
        """Pickled as bytes (TSV or N-Triples): cheap to send between processes."""
        payload = self.tsv if self.kind == "select" else None
        nt = self.ntriples if self.kind == "graph" else None
        return {"kind": self.kind, "vars": self.vars, "boolean": self.boolean, "truncated": self.truncated,
                "tsv": payload, "ntriples": nt}  # fmt: skip

    def __setstate__(self, state: dict) -> None:
        self.__init__(
            state["kind"], state["vars"], tsv=state["tsv"], boolean=state["boolean"], ntriples=state["ntriples"],
            truncated=state["truncated"],
        )  # fmt: skip


# ---------------------------------------------------------------- kg's own formats


def compact(term: Term | None) -> str:
    """A table cell: IRIs with kg's prefixes (``id:person/...``), lexical forms, one line."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        for prefix, namespace in NAMESPACES.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
    return " ".join((cell(term) or "").split("\n"))


def table(result: QueryResult) -> str:
    """Aligned columns under a header line and a rule."""
    header = list(result.vars)
    body = [[compact(t) for t in row] for row in result.terms]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body]
    return "\n".join(lines)


def _graph_as_rows(result: QueryResult) -> QueryResult:
    rows = sorted((t.subject, t.predicate, t.object) for t in result.triples)
    return QueryResult("select", ("subject", "predicate", "object"), terms=rows, truncated=result.truncated)


def render(result: QueryResult, fmt: str = "table") -> bytes:
    """``result`` in one of ``FORMATS`` as bytes (what ``kg query --format`` prints).

    Graph answers: Turtle (table), JSON-LD (json), RDF/XML (xml), subject/predicate/object rows
    (csv, tsv). Ask answers: ``true``/``false`` (table, csv, tsv). Raises ``ExportError`` for an
    unknown format.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}'; valid formats: {', '.join(FORMATS)}")
    if result.kind == "graph":
        if fmt in _TABLE_GRAPH:
            return result.serialize(_TABLE_GRAPH[fmt])
        return _graph_as_rows(result).serialize(fmt)
    if result.kind == "ask" and fmt in ("table", "csv", "tsv"):
        return b"true" if result.boolean else b"false"
    if fmt == "table":
        return table(result).encode("utf-8")
    return result.serialize(fmt)


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """``render`` as text, without a final line break."""
    return render(result, fmt).decode("utf-8").rstrip("\r\n")


def json_term(term: object) -> dict[str, str]:
    """A term (pyoxigraph's, or rdflib's for older callers) as a SPARQL 1.1 JSON results binding."""
    if isinstance(term, ox.NamedNode) or type(term).__name__ == "URIRef":
        return {"type": "uri", "value": str(getattr(term, "value", term))}
    if isinstance(term, ox.BlankNode) or type(term).__name__ == "BNode":
        return {"type": "bnode", "value": str(getattr(term, "value", term))}
    value = term.value if isinstance(term, ox.Literal) else str(term)
    entry = {"type": "literal", "value": value}
    language = getattr(term, "language", None)
    datatype = getattr(term, "datatype", None)
    datatype = getattr(datatype, "value", datatype)
    if language:
        entry["xml:lang"] = language
    elif datatype and str(datatype) != "http://www.w3.org/2001/XMLSchema#string":
        entry["datatype"] = str(datatype)
    return entry
