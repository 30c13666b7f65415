"""Content negotiation for ``kg serve``: which format an answer goes out in.

Result sets (SELECT, ASK): SPARQL 1.1 Query Results JSON, XML, CSV and TSV. Graphs (CONSTRUCT,
DESCRIBE): Turtle, N-Triples, N-Quads, JSON-LD and RDF/XML. The format comes from a ``format``
parameter (a short name such as ``json``/``ttl`` or a media type) when given, else from the
``Accept`` header: the acceptable type with the highest q-value wins, ties go to the client's order,
and ``*/*`` (or no header) gives JSON results and Turtle. The names SPARQLWrapper puts in
``format`` mean the format of the query's kind: ``xml`` is RDF/XML for a graph, ``n3`` Turtle,
``json`` JSON-LD. The answers themselves are written by
pyoxigraph's serialisers (``kg.query.QueryResult.serialize``, named by ``Format.writes``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from kg.errors import NotAcceptable

__all__ = ["GRAPH_FORMATS", "RESULT_FORMATS", "Format", "NotAcceptable", "choose", "negotiate"]


@dataclass(frozen=True)
class Format:
    """A result format: short name, media type, what it carries ("results", "graph", "page", "entity"),
    other names, and the name ``QueryResult.serialize`` knows it by."""

    name: str
    media_type: str
    carries: str
    aliases: tuple[str, ...] = ()
    writes: str = ""


RESULT_FORMATS = (
    Format("json", "application/sparql-results+json", "results", ("application/json", "srj"), "json"),
    Format("xml", "application/sparql-results+xml", "results", ("application/xml", "text/xml", "srx"), "xml"),
    Format("csv", "text/csv", "results", (), "csv"),
    Format("tsv", "text/tab-separated-values", "results", (), "tsv"),
)
GRAPH_FORMATS = (
    Format(
        "turtle",
        "text/turtle",
        "graph",
        ("ttl", "n3", "application/x-turtle", "application/turtle", "text/n3"),
        "turtle",
    ),
    Format("nt", "application/n-triples", "graph", ("ntriples", "n-triples", "text/plain"), "ntriples"),
    Format("nquads", "application/n-quads", "graph", ("nq", "n-quads"), "nquads"),
    Format("jsonld", "application/ld+json", "graph", ("json-ld", "json", "application/json"), "jsonld"),
    Format("rdfxml", "application/rdf+xml", "graph", ("rdf", "rdf-xml", "rdf+xml", "xml", "application/xml"), "rdfxml"),
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


@functools.lru_cache(maxsize=256)
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


def content_type(fmt: Format) -> str:
    """The Content-Type header for ``fmt`` (UTF-8 declared on text types)."""
    return f"{fmt.media_type}; charset=utf-8"


def negotiate(kind: str, accept: str | None, fmt: str | None = None) -> Format:
    """The format for an answer of ``kind`` ("select", "ask" or "graph")."""
    return choose(GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS, accept, fmt)
