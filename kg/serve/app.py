"""The ``kg serve`` web application (Starlette): SPARQL 1.1 Protocol, query page, named queries, entities.

    GET/POST /sparql          the SPARQL 1.1 Protocol (query via GET, form POST or application/sparql-query)
    GET      /                the query page (editor, examples, result table, graph view, evidence)
    GET      /queries         the named queries; /queries/NAME runs one (parameters in the query string)
    GET      /entity/KEY      the entity https://w3id.org/kg/id/KEY (HTML, Turtle, N-Triples, JSON-LD, JSON)
    GET      /entity?iri=IRI  any other IRI
    GET/POST /viz             a query's result as kg's interactive graph page
    GET      /api/info        prefixes, named queries and limits, for the page's script
    GET      /healthz         "ok"

Read-only: SPARQL Update is refused with 403. Each query runs under the time limit (503 when hit)
and the row cap (the answer is cut; ``X-KG-Truncated: true`` says so). Every error answer has one
JSON shape: ``{"error": CODE, "status": STATUS, "message": TEXT}``, plus ``line`` and ``column`` for
a malformed query (browsers asking for HTML pages get the same message as a page).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kg import query as kq
from kg.errors import KgError, NotAcceptable, QueryError, QuerySyntaxError, QueryTimeout, UnknownQuery, UpdateRefused
from kg.rdf.namespace import ID, PREFIXES
from kg.serve import page
from kg.serve.backend import Backend, open_backend
from kg.serve.entity import describe, entity_graph
from kg.serve.negotiate import GRAPH_FORMATS, HTML, Format, choose, content_type, negotiate, prefers_html, serialize
from kg.serve.vizview import viz_page
from kg.viz.data import EntityNotFound

log = logging.getLogger("kg.serve")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
ENTITY_FORMATS = (
    GRAPH_FORMATS[0],
    GRAPH_FORMATS[1],
    Format("jsonld", "application/ld+json", "graph", ("json-ld",)),
    Format("json", "application/json", "entity"),
    HTML,
)
_ERRORS: tuple[tuple[type[Exception], int, str], ...] = (
    (UpdateRefused, 403, "update-refused"),
    (QuerySyntaxError, 400, "malformed-query"),
    (QueryTimeout, 503, "timeout"),
    (NotAcceptable, 406, "not-acceptable"),
    (UnknownQuery, 404, "unknown-query"),
    (EntityNotFound, 404, "not-found"),
    (QueryError, 400, "bad-query"),
    (KgError, 500, "error"),
)
_HTTP_CODES = {400: "bad-request", 404: "not-found", 405: "method-not-allowed", 415: "unsupported-media-type"}


@dataclass(frozen=True)
class Settings:
    """What every request needs: the backend and the limits."""

    backend: Backend
    timeout: float | None
    max_rows: int | None


def _settings(request: Request) -> Settings:
    return request.app.state.kg


def _root(request: Request) -> str:
    return request.scope.get("root_path", "").rstrip("/")


# ---------------------------------------------------------------- errors


def error_body(status: int, code: str, message: str) -> dict:
    """The one JSON shape of every error answer."""
    body: dict = {"error": code, "status": status, "message": message}
    where = re.search(r"line (\d+), column (\d+)", message)
    if code == "malformed-query" and where:
        body["line"], body["column"] = int(where.group(1)), int(where.group(2))
    return body


def _error_response(request: Request, status: int, code: str, message: str) -> Response:
    wants_page = not request.url.path.endswith(("/sparql", "/api/info")) and prefers_html(request.headers.get("accept"))
    if wants_page or request.url.path.endswith("/viz"):
        return HTMLResponse(page.error_page(status, message, _root(request)), status_code=status)
    return JSONResponse(error_body(status, code, message), status_code=status)


async def _kg_error(request: Request, exc: Exception) -> Response:
    status, code = next((s, c) for cls, s, c in _ERRORS if isinstance(exc, cls))
    return _error_response(request, status, code, str(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error_response(request, exc.status_code, _HTTP_CODES.get(exc.status_code, "http-error"), exc.detail)


async def _crash(request: Request, exc: Exception) -> Response:
    log.exception("kg serve: unexpected error on %s", request.url.path)
    return _error_response(request, 500, "internal-error", f"internal error: {type(exc).__name__}")


# ---------------------------------------------------------------- running queries


async def _run(request: Request, sparql: str, **options) -> kq.QueryResult:  # noqa: ANN003
    settings = _settings(request)
    return await run_in_threadpool(
        settings.backend.query, sparql, timeout=settings.timeout, max_rows=settings.max_rows, **options
    )


def _answer(request: Request, result: kq.QueryResult, fmt: str | None) -> Response:
    chosen = negotiate(result.kind, request.headers.get("accept"), fmt)
    headers = {"Vary": "Accept"}
    if result.truncated:
        headers["X-KG-Truncated"] = "true"
        headers["X-KG-Row-Cap"] = str(_settings(request).max_rows)
    return Response(serialize(result, chosen), media_type=content_type(chosen), headers=headers)


async def _protocol_args(request: Request) -> tuple[str | None, list[str], list[str], str | None]:
    """(query, default-graph-uri values, named-graph-uri values, format) of a protocol request."""
    args = request.query_params
    default_graphs, named_graphs = args.getlist("default-graph-uri"), args.getlist("named-graph-uri")
    fmt = ",".join(args.getlist("format") or args.getlist("output")) or None  # SPARQLWrapper repeats them
    if "update" in args:
        raise UpdateRefused("this endpoint is read-only: SPARQL Update is refused")
    if request.method == "GET":
        return args.get("query"), default_graphs, named_graphs, fmt
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media in FORM_TYPES:
        form = await request.form()
        if "update" in form:
            raise UpdateRefused("this endpoint is read-only: SPARQL Update is refused")
        default_graphs += [str(v) for v in form.getlist("default-graph-uri")]
        named_graphs += [str(v) for v in form.getlist("named-graph-uri")]
        query = form.get("query")
        fmt = fmt or ",".join(str(v) for v in form.getlist("format")) or None
        return (None if query is None else str(query)), default_graphs, named_graphs, fmt
    if media == "application/sparql-query":
        try:
            return (await request.body()).decode("utf-8"), default_graphs, named_graphs, fmt
        except UnicodeDecodeError:
            raise HTTPException(400, "the query is not valid UTF-8") from None
    if media == "application/sparql-update":
        raise UpdateRefused("this endpoint is read-only: SPARQL Update is refused")
    raise HTTPException(
        415, f"unsupported Content-Type '{media}'; use application/x-www-form-urlencoded or application/sparql-query"
    )


async def sparql_endpoint(request: Request) -> Response:
    """The SPARQL 1.1 Protocol: query operation via GET, form POST or direct POST."""
    query, default_graphs, named_graphs, fmt = await _protocol_args(request)
    if query is None:
        if request.method == "GET" and prefers_html(request.headers.get("accept")):
            return RedirectResponse(f"{_root(request)}/", status_code=303)
        raise HTTPException(
            400, "missing the 'query' parameter (GET ?query=..., or POST a form or application/sparql-query)"
        )
    if not query.strip():
        raise HTTPException(400, "the query is empty")
    if request.method == "GET" and not fmt and prefers_html(request.headers.get("accept")):
        return RedirectResponse(f"{_root(request)}/?{urlencode({'query': query})}", status_code=303)
    result = await _run(request, query, default_graphs=default_graphs, named_graphs=named_graphs)
    return _answer(request, result, fmt)


# ---------------------------------------------------------------- named queries, entities, viz


def _named() -> dict[str, kq.QueryInfo]:
    return {info.name: info for info in kq.list_queries()}


async def query_list(request: Request) -> Response:
    """The named queries (HTML for browsers, else JSON)."""
    infos = kq.list_queries()
    if prefers_html(request.headers.get("accept")):
        return HTMLResponse(page.query_list_page(infos, _root(request)))
    return JSONResponse([_info_json(info) for info in infos])


async def named_query(request: Request) -> Response:
    """Run the named query NAME; the query string holds its parameters (and ``format``)."""
    name = request.path_params["name"]
    info = _named().get(name)
    if info is None:
        raise UnknownQuery(f"unknown query '{name}'; valid names: {', '.join(_named())}")
    values = {k: v for k, v in request.query_params.items() if k not in ("format", "output")}
    fmt = request.query_params.get("format")
    result = await _run(request, Path(info.path).read_text(encoding="utf-8"), params=values or None)
    if not fmt and prefers_html(request.headers.get("accept")):
        return HTMLResponse(page.query_page(info, values, result, _root(request)))
    return _answer(request, result, fmt)


async def entity(request: Request) -> Response:
    """An entity: HTML for browsers, Turtle (N-Triples, JSON-LD) for RDF clients, JSON for the page."""
    key = request.path_params.get("key")
    iri = str(ID) + key if key else request.query_params.get("iri", "")
    chosen = choose(ENTITY_FORMATS, request.headers.get("accept"), request.query_params.get("format"))
    settings = _settings(request)
    limits = {"timeout": settings.timeout, "max_rows": settings.max_rows}
    if chosen.carries == "graph":
        result = await run_in_threadpool(entity_graph, settings.backend, iri, **limits)
        return Response(serialize(result, chosen), media_type=content_type(chosen), headers={"Vary": "Accept"})
    described = await run_in_threadpool(describe, settings.backend, iri, **limits)
    if chosen is HTML:
        return HTMLResponse(page.entity_page(described, _root(request)), headers={"Vary": "Accept"})
    return JSONResponse(described, headers={"Vary": "Accept"})


async def viz(request: Request) -> Response:
    """A query's result drawn as kg's interactive graph page."""
    query, _, _, _ = await _protocol_args(request)
    if not query or not query.strip():
        raise HTTPException(400, "missing the 'query' parameter")
    settings = _settings(request)
    html = await run_in_threadpool(
        viz_page, settings.backend, query, timeout=settings.timeout, max_rows=settings.max_rows, heading="kg query"
    )
    return HTMLResponse(html)


def _info_json(info: kq.QueryInfo) -> dict:
    return {
        "name": info.name,
        "description": info.description,
        "params": [{"name": p.name, "default": p.default} for p in info.params],
        "sparql": Path(info.path).read_text(encoding="utf-8"),
    }


async def api_info(request: Request) -> Response:
    """What the query page needs: prefixes, named queries (with their text), backend, limits."""
    settings = _settings(request)
    return JSONResponse(
        {
            "prefixes": {prefix: str(ns) for prefix, ns in PREFIXES.items()},
            "queries": [_info_json(info) for info in kq.list_queries()],
            "backend": settings.backend.description,
            "timeout": settings.timeout,
            "max_rows": settings.max_rows,
            "id_namespace": str(ID),
        }
    )


async def index(request: Request) -> Response:
    """The query page."""
    return HTMLResponse((files("kg.serve") / "static" / "index.html").read_text(encoding="utf-8"))


async def healthz(request: Request) -> Response:
    """Liveness for proxies and load balancers."""
    return PlainTextResponse("ok")


def create_app(
    *,
    graph: Path | None = None,
    store: Path | None = None,
    backend: Backend | None = None,
    timeout: float | None = 30.0,
    max_rows: int | None = 10_000,
    cors: bool = False,
) -> Starlette:
    """The application over a graph file, an Oxigraph store folder, or a ready ``backend``."""
    if timeout is not None and not timeout > 0:
        raise QueryError(f"the timeout must be a positive number of seconds, got {timeout:g}")
    if max_rows is not None and max_rows < 1:
        raise QueryError(f"the row cap must be at least 1, got {max_rows}")
    backend = backend or open_backend(graph=graph, store=store)
    routes = [
        Route("/", index),
        Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
        Route("/queries", query_list),
        Route("/queries/{name}", named_query),
        Route("/entity", entity),
        Route("/entity/{key:path}", entity),
        Route("/viz", viz, methods=["GET", "POST"]),
        Route("/api/info", api_info),
        Route("/healthz", healthz),
        Mount("/static", StaticFiles(packages=[("kg.serve", "static")]), name="static"),
    ]
    handlers = {KgError: _kg_error, HTTPException: _http_error, Exception: _crash}
    middleware = []
    if cors:
        from starlette.middleware import Middleware
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(
            Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"])
        )
    app = Starlette(routes=routes, exception_handlers=handlers, middleware=middleware)  # type: ignore[arg-type]
    app.state.kg = Settings(backend, timeout, max_rows)
    return app


__all__ = ["create_app", "error_body"]
