"""kg's queries against a remote SPARQL 1.1 endpoint (an Oxigraph server, kg serve, ...).

    result = query_endpoint("http://127.0.0.1:7878/query", "people")      # a kg.query.QueryResult
    print(query_remote("post_holders_as_of", url, params={"as_of": "2024-06-30"}, fmt="csv"))

The query is checked and prepared by kg's own rules before anything is sent: a name, a ``.rq``
file or inline SPARQL (``kg.query.resolve_query``); SPARQL Update and SERVICE refused, the text
parsed, ``# param:`` defaults and overrides applied (``kg.query.prepare``); kg's prefixes
predeclared (sent as PREFIX lines for those the query does not declare itself). A parameter held
in a ``VALUES`` block replaces that value; any other parameter is sent as a one-row ``VALUES``
block at the start of the WHERE clause (Oxigraph substitutes it in the whole query locally: the
two differ only when the variable is used inside a nested group that cannot see the outer one).
The ``# param:`` lines are blanked in the text sent, so that a kg endpoint does not apply the
defaults again. A page (``limit``/``offset``) is asked with LIMIT/OFFSET when the query has none.

The request is a POST of ``application/sparql-query``, asking for SPARQL JSON results (SELECT,
ASK) or N-Triples (CONSTRUCT, DESCRIBE); pyoxigraph parses the answer. kg's graphs keep every
fact in a named graph, so the endpoint must treat its default graph as the union of all graphs
(``oxigraph serve --union-default-graph``; ``kg.build.distributed.oxigraph_server`` does so). No proxy
is used for loopback addresses.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

import pyoxigraph as ox

from kg.errors import EndpointError, ExportError, QueryError, QueryTimeout
from kg.query import FORMATS, QueryResult, format_result, prepare, resolve_query
from kg.query.child import check_timeout
from kg.query.prepare import NAMESPACES, mask, where_brace

__all__ = ["prepare_remote", "query_endpoint", "query_remote"]

RESULTS_JSON = "application/sparql-results+json"
GRAPH_TYPES = "application/n-triples, text/turtle;q=0.8"
_PARAM_LINE = re.compile(r"^[ \t]*#[ \t]*(?:param|normali[sz]e|page by):.*$", re.MULTILINE)


# ---------------------------------------------------------------- preparing the text


def _declared_prefixes(text: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"\bPREFIX\s+([\w.-]*):", mask(text), re.IGNORECASE)}


def prepare_remote(sparql: str, params: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Check ``sparql`` (a name, a .rq file or inline SPARQL) and return (text to send, result kind).

    Raises kg's query errors (``UnknownQuery``, ``QuerySyntaxError``, ``UpdateRefused``, ...).
    """
    prepared = prepare(resolve_query(sparql), dict(params or {}) or None)
    text = _PARAM_LINE.sub("# (parameter applied)", prepared.text)  # a kg endpoint must not apply defaults again
    if prepared.substitutions:
        names = " ".join(f"?{name}" for name in prepared.substitutions)
        values = " ".join(str(term) for term in prepared.substitutions.values())
        at = where_brace(text) + 1
        text = f"{text[:at]}\n  VALUES ({names}) {{ ({values}) }}{text[at:]}"
    declared = _declared_prefixes(text)
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in NAMESPACES.items() if p not in declared]
    if missing:
        text = "\n".join(missing) + "\n" + text
    return text, prepared.kind


def _with_page(text: str, limit: int | None, offset: int | None) -> str | None:
    """``text`` asking for one page (one row more than ``limit``), or None when the query pages itself."""
    masked = mask(text)
    if re.search(r"\b(LIMIT|OFFSET)\b", masked, re.IGNORECASE) or re.search(r"}\s*VALUES\b[^}]*}\s*$", masked):
        return None
    page = f"\nLIMIT {limit + 1}" if limit is not None else ""
    return text + page + (f"\nOFFSET {offset}" if offset else "")


# ---------------------------------------------------------------- HTTP


def _opener(url: str) -> urllib.request.OpenerDirector:
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    return urllib.request.build_opener(urllib.request.ProxyHandler({})) if loopback else urllib.request.build_opener()


def _server_message(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    message = " ".join(lines[:3]) if lines else "(no message)"
    return message if len(message) <= 300 else message[:297] + "..."


def _post(url: str, text: str, accept: str, timeout: float | None) -> tuple[bytes, str]:
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise EndpointError(f"{url}: not an HTTP(S) endpoint URL")
    request = urllib.request.Request(
        url,
        data=text.encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept},
    )
    try:
        with _opener(url).open(request, timeout=timeout) as response:
            return response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        message = _server_message(exc.read())
        if exc.code == 400:
            raise QueryError(f"{url}: the endpoint rejected the query (HTTP 400): {message}") from None
        raise EndpointError(f"{url}: HTTP {exc.code} {exc.reason}: {message}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise QueryTimeout(f"{url}: no answer within {timeout:g} s") from None
        why = reason.strerror if isinstance(reason, OSError) and reason.strerror else str(reason)
        raise EndpointError(f"{url}: cannot connect: {why}") from None
    except TimeoutError:
        raise QueryTimeout(f"{url}: no answer within {timeout:g} s") from None
    except OSError as exc:
        raise EndpointError(f"{url}: connection failed: {exc}") from None


# ---------------------------------------------------------------- answers


def _parse_results(url: str, body: bytes) -> QueryResult:
    try:
        answer = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(answer))
        names = tuple(v.value for v in answer.variables)
        return QueryResult("select", names, tsv=answer.serialize(format=ox.QueryResultsFormat.TSV))
    except (SyntaxError, ValueError, OSError) as exc:
        message = " ".join(str(exc).split())
        raise EndpointError(f"{url}: the answer is not SPARQL JSON results: {type(exc).__name__}: {message}") from None


def _parse_graph(url: str, body: bytes, content_type: str) -> QueryResult:
    fmt = ox.RdfFormat.TURTLE if "turtle" in content_type else ox.RdfFormat.N_TRIPLES
    try:
        triples = [quad.triple for quad in ox.parse(body, format=fmt)]
    except (SyntaxError, ValueError) as exc:
        raise EndpointError(f"{url}: cannot read the graph in the answer: {' '.join(str(exc).split())}") from None
    return QueryResult("graph", triples=triples)


def _page(result: QueryResult, limit: int | None, offset: int | None, sent: bool) -> QueryResult:
    """The page of ``result`` (already cut by the endpoint when ``sent``), one extra row telling more follow."""
    if result.kind != "select" or (limit is None and not offset):
        return result
    rows = result.terms if sent else result.terms[offset or 0 :]
    cut = len(rows) if limit is None else limit
    return QueryResult("select", result.vars, terms=rows[:cut], truncated=len(rows) > cut)


def query_endpoint(
    url: str,
    sparql: str,
    *,
    params: Mapping[str, str] | None = None,
    timeout: float | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> QueryResult:
    """Run a kg query (name, .rq file or inline SPARQL) on the SPARQL endpoint at ``url``.

    Raises ``EndpointError`` (URL and the server's message) when the endpoint cannot be reached or
    fails, ``QueryError`` when it rejects the query, ``QueryTimeout`` after ``timeout`` seconds.
    """
    check_timeout(timeout)
    text, kind = prepare_remote(sparql, params)
    paged = _with_page(text, limit, offset) if kind == "select" and (limit is not None or offset) else None
    body, content_type = _post(url, paged or text, GRAPH_TYPES if kind == "graph" else RESULTS_JSON, timeout)
    if kind == "graph":
        return _parse_graph(url, body, content_type)
    return _page(_parse_results(url, body), limit, offset, paged is not None)


def query_remote(
    spec: str,
    url: str,
    *,
    params: Mapping[str, str] | None = None,
    fmt: str = "table",
    timeout: float | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> str:
    """``kg query --endpoint URL``: like ``kg.query.query`` with a remote endpoint for the graph."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}'; valid formats: {', '.join(FORMATS)}")
    result = query_endpoint(url, spec, params=params, timeout=timeout, limit=limit, offset=offset)
    return format_result(result, fmt)
