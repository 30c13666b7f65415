"""kg's queries against a remote SPARQL 1.1 endpoint (an Oxigraph server, kg serve, ...).

    result = query_endpoint("http://127.0.0.1:7878/query", "people")      # a kg.query.QueryResult
    print(query_remote("post_holders_as_of", url, params={"as_of": "2024-06-30"}, fmt="csv"))

The query is checked and prepared by kg's own rules before anything is sent: a name, a ``.rq``
file or inline SPARQL (``kg.query.resolve_query``); SPARQL Update and SERVICE refused and
``# param:`` defaults and overrides applied (``kg.query.prepare``); kg's prefixes predeclared
(sent as PREFIX lines for those the query does not declare itself). A parameter held in a
``VALUES`` block replaces that value; any other parameter is sent as a one-row ``VALUES`` block at
the start of the WHERE clause (rdflib binds it for the whole query instead: the two differ only
when the variable is used inside a nested group that cannot see the outer one). The ``# param:``
lines are blanked in the text sent, so that a kg endpoint does not apply the defaults again.

The request is a POST of ``application/sparql-query``, asking for SPARQL JSON results (SELECT,
ASK) or N-Triples (CONSTRUCT, DESCRIBE). kg's graphs keep every fact in a named graph, so the
endpoint must treat its default graph as the union of all graphs (``oxigraph serve
--union-default-graph``; ``kg.distributed.oxigraph_server`` does so). No proxy is used for
loopback addresses.
"""

from __future__ import annotations

import ipaddress
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from kg.errors import EndpointError, ExportError, QueryError, QueryTimeout
from kg.query import FORMATS, QueryResult, format_result, prepare, resolve_query
from kg.rdf.namespace import PREFIXES, bind_prefixes

__all__ = ["prepare_remote", "query_endpoint", "query_remote"]

RESULTS_JSON = "application/sparql-results+json"
GRAPH_TYPES = "application/n-triples, text/turtle;q=0.8"
_KINDS = {"SelectQuery": "select", "AskQuery": "ask", "ConstructQuery": "graph", "DescribeQuery": "graph"}
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_PARAM_LINE = re.compile(r"^[ \t]*#[ \t]*param:.*$", re.MULTILINE)


# ---------------------------------------------------------------- preparing the text


def _mask(text: str) -> str:
    """``text`` with comments, strings and IRIs blanked out (same length), to find keywords and braces."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif c in "\"'":
            long = text.startswith(c * 3, i)
            quote = c * 3 if long else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            j = min(n, j + len(quote))
        elif c == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:]):
            j = i + re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:]).end()
        else:
            i += 1
            continue
        for k in range(i, j):
            if out[k] != "\n":
                out[k] = " "
        i = j
    return "".join(out)


def _where_brace(text: str) -> int:
    """Index of the ``{`` opening the query's WHERE clause (the top-level group pattern)."""
    masked = _mask(text)
    match = _WHERE.search(masked)
    if match:
        return match.end() - 1
    depth = 0
    construct = re.search(r"\bCONSTRUCT\s*\{", masked, re.IGNORECASE)
    for i, c in enumerate(masked):
        if construct and i < construct.end():
            continue
        if c == "{" and depth == 0:
            return i
        depth += c == "{"
        depth -= c == "}"
    raise QueryError("cannot find the WHERE clause to bind the parameters in")


def _declared_prefixes(text: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"\bPREFIX\s+([\w.-]*):", _mask(text), re.IGNORECASE)}


def prepare_remote(sparql: str, params: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Check ``sparql`` (a name, a .rq file or inline SPARQL) and return (text to send, result kind).

    Raises kg's query errors (``UnknownQuery``, ``QuerySyntaxError``, ``UpdateRefused``, ...).
    """
    from kg import query as kq

    text = resolve_query(sparql)
    given = dict(params or {}) or None
    query, bindings = prepare(text, given)
    text, _ = kq._apply_params(text, query, given)  # VALUES defaults replaced  # noqa: SLF001
    text = _PARAM_LINE.sub("# (parameter applied)", text)  # a kg endpoint must not apply defaults again
    if bindings:
        names = " ".join(Variable(v).n3() for v in bindings)
        values = " ".join(term.n3() for term in bindings.values())
        at = _where_brace(text) + 1
        text = f"{text[:at]}\n  VALUES ({names}) {{ ({values}) }}{text[at:]}"
    declared = _declared_prefixes(text)
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p not in declared]
    if missing:
        text = "\n".join(missing) + "\n" + text
    return text, _KINDS.get(query.algebra.name, "select")


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


def _json_term(entry: dict) -> Node:
    kind, value = entry.get("type"), entry.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in entry:
        return Literal(value, lang=entry["xml:lang"])
    datatype = entry.get("datatype")
    if datatype and datatype not in (str(XSD.string), str(RDF.langString)):
        return Literal(value, datatype=URIRef(datatype))
    return Literal(value)


def _cell(term: Node | None) -> str | None:
    if term is None:
        return None
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _parse_results(url: str, body: bytes) -> QueryResult:
    try:
        doc = json.loads(body)
        if "boolean" in doc:
            return QueryResult("ask", boolean=bool(doc["boolean"]))
        names = tuple(doc["head"]["vars"])
        terms = tuple(tuple(_json_term(b[v]) if v in b else None for v in names) for b in doc["results"]["bindings"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise EndpointError(f"{url}: the answer is not SPARQL JSON results: {type(exc).__name__}: {exc}") from None
    rows = tuple(tuple(_cell(t) for t in row) for row in terms)
    return QueryResult("select", vars=names, rows=rows, terms=terms)


def _parse_graph(url: str, body: bytes, content_type: str) -> QueryResult:
    fmt = "turtle" if "turtle" in content_type else "nt"
    graph = bind_prefixes(Graph())
    try:
        graph.parse(data=body.decode("utf-8"), format=fmt)
    except Exception as exc:  # noqa: BLE001 - rdflib parsers raise assorted errors
        raise EndpointError(f"{url}: cannot read the graph in the answer: {exc}") from None
    return QueryResult("graph", graph=graph)


def query_endpoint(
    url: str, sparql: str, *, params: Mapping[str, str] | None = None, timeout: float | None = None
) -> QueryResult:
    """Run a kg query (name, .rq file or inline SPARQL) on the SPARQL endpoint at ``url``.

    Raises ``EndpointError`` (URL and the server's message) when the endpoint cannot be reached or
    fails, ``QueryError`` when it rejects the query, ``QueryTimeout`` after ``timeout`` seconds.
    """
    if timeout is not None and not timeout > 0:
        raise QueryError(f"the timeout must be a positive number of seconds, got {timeout:g}")
    text, kind = prepare_remote(sparql, params)
    body, content_type = _post(url, text, GRAPH_TYPES if kind == "graph" else RESULTS_JSON, timeout)
    if kind == "graph":
        return _parse_graph(url, body, content_type)
    return _parse_results(url, body)


def query_remote(
    spec: str,
    url: str,
    *,
    params: Mapping[str, str] | None = None,
    fmt: str = "table",
    timeout: float | None = None,
) -> str:
    """``kg query --endpoint URL``: like ``kg.query.query`` with a remote endpoint for the graph."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}'; valid formats: {', '.join(FORMATS)}")
    return format_result(query_endpoint(url, spec, params=params, timeout=timeout), fmt)
