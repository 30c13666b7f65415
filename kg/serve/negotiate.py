"""Content negotiation and the SPARQL result formats of ``kg serve``.

Result sets (SELECT, ASK): SPARQL 1.1 Query Results JSON, XML, CSV and TSV. Graphs (CONSTRUCT,
DESCRIBE): Turtle, N-Triples and JSON-LD. The format comes from a ``format`` parameter (a short
name such as ``json``/``ttl`` or a media type) when given, else from the ``Accept`` header: the
acceptable type with the highest q-value wins, ties go to the client's order, and ``*/*`` (or no
header) gives JSON results and Turtle.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import NotAcceptable
from kg.query import QueryResult, json_term

__all__ = ["GRAPH_FORMATS", "RESULT_FORMATS", "Format", "NotAcceptable", "choose", "negotiate", "serialize"]


@dataclass(frozen=True)
class Format:
    """A result format: short name, media type, and what it carries ("results" or "graph")."""

    name: str
    media_type: str
    carries: str
    aliases: tuple[str, ...] = ()


RESULT_FORMATS = (
    Format("json", "application/sparql-results+json", "results", ("application/json", "srj")),
    Format("xml", "application/sparql-results+xml", "results", ("application/xml", "text/xml", "srx")),
    Format("csv", "text/csv", "results"),
    Format("tsv", "text/tab-separated-values", "results"),
)
GRAPH_FORMATS = (
    Format("turtle", "text/turtle", "graph", ("ttl", "application/x-turtle")),
    Format("nt", "application/n-triples", "graph", ("ntriples", "n-triples", "text/plain")),
    Format("jsonld", "application/ld+json", "graph", ("json-ld", "json", "application/json")),
)
HTML = Format("html", "text/html", "page", ("application/xhtml+xml",))


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``Accept`` as (media range, q) pairs in the client's order; malformed q-values count as 0."""
    ranges = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """(q of the most specific matching range, that range's position); q 0 when none matches."""
    best: tuple[int, float, int] | None = None  # (specificity, q, position)
    kind = media_type.split("/")[0]
    for position, (media, q) in enumerate(ranges):
        specificity = 2 if media == media_type else 1 if media == f"{kind}/*" else 0 if media == "*/*" else -1
        if specificity >= 0 and (best is None or specificity > best[0]):
            best = (specificity, q, position)
    return (best[1], best[2]) if best else (0.0, len(ranges))


def choose(formats: tuple[Format, ...], accept: str | None, fmt: str | None = None) -> Format:
    """The format to answer with: ``fmt`` (name, alias or media type) if given, else by ``Accept``."""
    if fmt:  # one name or media type, or several separated by commas (the first that fits wins)
        for wanted in (item.split(";")[0].strip().lower() for item in fmt.split(",")):
            for candidate in formats:
                if wanted in (candidate.name, candidate.media_type, *candidate.aliases):
                    return candidate
        valid = ", ".join(f.name for f in formats)
        raise NotAcceptable(f"format '{fmt}' cannot carry this answer; use one of: {valid}")
    ranges = parse_accept(accept)
    if not ranges:
        return formats[0]
    scored = []
    for order, candidate in enumerate(formats):
        for media in (candidate.media_type, *[a for a in candidate.aliases if "/" in a]):
            q, position = _quality(media, ranges)
            if q > 0:
                exact = any(m == media for m, _ in ranges)
                scored.append((-q, not exact, position, order, candidate))
    if not scored:
        valid = ", ".join(f.media_type for f in formats)
        raise NotAcceptable(f"none of the accepted types ({accept}) can carry this answer; available: {valid}")
    return min(scored, key=lambda item: item[:4])[-1]


def prefers_html(accept: str | None) -> bool:
    """True when the client (a browser) names HTML and ranks it above every results and RDF type."""
    ranges = parse_accept(accept)
    html = [_quality(m, ranges) for m in (HTML.media_type, *HTML.aliases) if any(r == m for r, _ in ranges)]
    if not html:
        return False
    html_q, html_pos = max(html, key=lambda qp: (qp[0], -qp[1]))
    for candidate in RESULT_FORMATS + GRAPH_FORMATS:
        for media in (candidate.media_type, *[a for a in candidate.aliases if "/" in a]):
            q, position = _quality(media, ranges)
            if q > html_q or (q == html_q and q > 0 and position < html_pos):
                return False
    return html_q > 0


# ---------------------------------------------------------------- writing results


def nt_term(term: Node) -> str:
    """A term in N-Triples syntax (one line: newlines and tabs escaped)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = str(term)
    for char, esc in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        text = text.replace(char, esc)
    if isinstance(term, Literal) and term.language:
        return f'"{text}"@{term.language}'
    if isinstance(term, Literal) and term.datatype:
        return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'


def _json(result: QueryResult) -> str:
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)})
    bindings = [
        {var: json_term(term) for var, term in zip(result.vars, row, strict=True) if term is not None}
        for row in result.terms
    ]
    return json.dumps({"head": {"vars": list(result.vars)}, "results": {"bindings": bindings}}, ensure_ascii=False)


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    attrs = ""
    if isinstance(term, Literal) and term.language:
        attrs = f" xml:lang={quoteattr(term.language)}"
    elif isinstance(term, Literal) and term.datatype:
        attrs = f" datatype={quoteattr(str(term.datatype))}"
    return f"<literal{attrs}>{escape(str(term))}</literal>"


def _xml(result: QueryResult) -> str:
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.kind == "ask":
        lines += ["  <head/>", f"  <boolean>{'true' if result.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(lines) + "\n"
    lines.append("  <head>")
    lines += [f"    <variable name={quoteattr(var)}/>" for var in result.vars]
    lines += ["  </head>", "  <results>"]
    for row in result.terms:
        cells = "".join(
            f"<binding name={quoteattr(var)}>{_xml_term(term)}</binding>"
            for var, term in zip(result.vars, row, strict=True)
            if term is not None
        )
        lines.append(f"    <result>{cells}</result>")
    lines += ["  </results>", "</sparql>"]
    return "\n".join(lines) + "\n"


def _csv(result: QueryResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerows([["_askResult"], ["true" if result.boolean else "false"]])
        return out.getvalue()
    writer.writerow(result.vars)
    writer.writerows([["" if cell is None else cell for cell in row] for row in result.rows])
    return out.getvalue()


def _tsv(result: QueryResult) -> str:
    if result.kind == "ask":
        return "?_askResult\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{var}" for var in result.vars)]
    lines += ["\t".join("" if term is None else nt_term(term) for term in row) for row in result.terms]
    return "\n".join(lines) + "\n"


def _graph(graph: Graph, fmt: Format) -> str:
    if fmt.name == "nt":
        return "".join(sorted(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in graph))
    if fmt.name == "jsonld":
        return graph.serialize(format="json-ld", indent=2)
    return graph.serialize(format="turtle")


def serialize(result: QueryResult, fmt: Format) -> bytes:
    """``result`` in format ``fmt`` (a result-set format for SELECT/ASK, a graph format for graphs)."""
    writers = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}
    if result.kind == "graph":
        return _graph(result.graph if result.graph is not None else Graph(), fmt).encode("utf-8")
    return writers[fmt.name](result).encode("utf-8")


def content_type(fmt: Format) -> str:
    """The Content-Type header for ``fmt`` (UTF-8 declared on text types)."""
    return f"{fmt.media_type}; charset=utf-8"


def negotiate(kind: str, accept: str | None, fmt: str | None = None) -> Format:
    """The format for an answer of ``kind`` ("select", "ask" or "graph")."""
    return choose(GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS, accept, fmt)
