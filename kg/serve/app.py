"""The ``kg serve`` web application (Starlette): SPARQL 1.1 Protocol, query page, named queries, entities.

    GET/POST /sparql          the SPARQL 1.1 Protocol (query via GET, form POST or application/sparql-query)
    GET      /                the query page (editor, examples, result table, graph view, evidence)
    GET      /queries         the named queries; /queries/NAME runs one (parameters in the query string)
    GET      /entity/KEY      the entity https://w3id.org/kg/id/KEY (HTML, Turtle, N-Triples, JSON-LD, JSON)
    GET      /entity?iri=IRI  any other IRI
    GET/POST /viz             a query's result as kg's interactive graph page
    GET      /api/info        prefixes, named queries and limits, for the page's script
    GET      /healthz         "ok"
    GET      /favicon.ico     the site icon (SVG)

Read-only: SPARQL Update is refused with 403. Each query runs under the time limit (503 when hit)
and the row cap (the answer is cut; ``X-KG-Truncated: true`` says so); ``limit`` and ``offset``
ask /sparql and /queries/NAME for a page (``kg.serve.protocol``). Every error answer has one
JSON shape: ``{"error": CODE, "status": STATUS, "message": TEXT}``, plus ``line`` and ``column`` for
a malformed query (browsers asking for HTML pages get the same message as a page). Before the app,
``kg.serve.guard`` checks the Host header and the request's size and adds the security headers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
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

from kg.errors import KgError, NotAcceptable, QueryError, QuerySyntaxError, QueryTimeout, UnknownQuery, UpdateRefused
from kg.query import QueryInfo, QueryResult, list_queries
from kg.rdf.namespace import ID, PREFIXES
from kg.serve import page
from kg.serve.backend import Backend, open_backend
from kg.serve.entity import check_iri
from kg.serve.guard import Guard, Limits, error_body, page_policy
from kg.serve.jobs import EntityJob, QueryJob, ViewJob, VizJob
from kg.serve.negotiate import GRAPH_FORMATS, HTML, RESULT_FORMATS, Format, choose, content_type, prefers_html
from kg.serve.protocol import page_args, page_headers, protocol_args
from kg.viz.data import EntityNotFound
from kg.viz.views import check_view

log = logging.getLogger("kg.serve")
ENTITY_FORMATS = (
    *[fmt for fmt in GRAPH_FORMATS if fmt.name != "jsonld"],
    Format("jsonld", "application/ld+json", "graph", ("json-ld",), "jsonld"),
    Format("json", "application/json", "entity"),
    HTML,
)
MEDIA_TYPES = {fmt.name: content_type(fmt) for fmt in RESULT_FORMATS + GRAPH_FORMATS}
PAGE_ROWS = 100  # rows on a named query's HTML page unless ?limit= says otherwise
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
_HTTP_CODES = {
    400: "bad-request",
    404: "not-found",
    405: "method-not-allowed",
    413: "payload-too-large",
    414: "uri-too-long",
    415: "unsupported-media-type",
}


@dataclass(frozen=True)
class Settings:
    """What every request needs: the backend, the limits and the named queries (read once)."""

    backend: Backend
    timeout: float | None
    max_rows: int | None
    queries: dict[str, QueryInfo] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)


def _settings(request: Request) -> Settings:
    return request.app.state.kg


def _root(request: Request) -> str:
    return request.scope.get("root_path", "").rstrip("/")


# ---------------------------------------------------------------- errors


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


async def _run(request: Request, job: object) -> object:
    settings = _settings(request)
    return await settings.backend.run(job, settings.timeout)


def _answer(request: Request, answer: tuple[str, bytes, bool], limit: int | None, offset: int | None) -> Response:
    fmt, body, truncated = answer
    headers = page_headers(request, truncated, limit, offset, _settings(request).max_rows)
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


async def sparql_endpoint(request: Request) -> Response:
    """The SPARQL 1.1 Protocol: query operation via GET, form POST or direct POST (plus kg's ``limit``/``offset``)."""
    args = await protocol_args(request)
    if args.query is None:
        if request.method == "GET" and prefers_html(request.headers.get("accept")):
            return RedirectResponse(f"{_root(request)}/", status_code=303)
        raise HTTPException(
            400, "missing the 'query' parameter (GET ?query=..., or POST a form or application/sparql-query)"
        )
    if not args.query.strip():
        raise HTTPException(400, "the query is empty")
    if request.method == "GET" and not args.fmt and prefers_html(request.headers.get("accept")):
        return RedirectResponse(f"{_root(request)}/?{urlencode({'query': args.query})}", status_code=303)
    job = QueryJob(
        args.query,
        default_graphs=tuple(args.default_graphs),
        named_graphs=tuple(args.named_graphs),
        max_rows=_settings(request).max_rows,
        limit=args.limit,
        offset=args.offset,
        accept=request.headers.get("accept"),
        fmt=args.fmt,
    )
    return _answer(request, await _run(request, job), args.limit, args.offset)


# ---------------------------------------------------------------- named queries, entities, viz


async def query_list(request: Request) -> Response:
    """The named queries (HTML for browsers, else JSON)."""
    settings = _settings(request)
    infos = list(settings.queries.values())
    if prefers_html(request.headers.get("accept")):
        return HTMLResponse(page.query_list_page(infos, _root(request)))
    return JSONResponse([_info_json(info, settings.texts[info.name]) for info in infos])


async def named_query(request: Request) -> Response:
    """Run the named query NAME; the query string holds its parameters (and ``format``, ``limit``, ``offset``)."""
    settings = _settings(request)
    name = request.path_params["name"]
    info = settings.queries.get(name)
    if info is None:
        raise UnknownQuery(f"unknown query '{name}'; valid names: {', '.join(settings.queries)}")
    args = request.query_params
    values = {k: v for k, v in args.items() if k not in ("format", "output", "limit", "offset")}
    fmt = args.get("format") or args.get("output")
    limit, offset = page_args(args)
    params = tuple(sorted(values.items()))
    accept = request.headers.get("accept")
    if not fmt and prefers_html(accept):
        size = limit or PAGE_ROWS
        job = QueryJob(settings.texts[name], params, max_rows=settings.max_rows, limit=size, offset=offset,
                       as_result=True)  # fmt: skip
        result = await _run(request, job)
        assert isinstance(result, QueryResult)
        html = await run_in_threadpool(page.query_page, info, values, result, _root(request), size, offset or 0)
        return HTMLResponse(html, headers=page_headers(request, result.truncated, size, offset, settings.max_rows))
    job = QueryJob(settings.texts[name], params, max_rows=settings.max_rows, limit=limit, offset=offset,
                   accept=accept, fmt=fmt)  # fmt: skip
    return _answer(request, await _run(request, job), limit, offset)


async def entity(request: Request) -> Response:
    """An entity: HTML for browsers, Turtle (N-Triples, JSON-LD...) for RDF clients, JSON for the page."""
    key = request.path_params.get("key")
    iri = check_iri(str(ID) + key if key else request.query_params.get("iri", ""))
    chosen = choose(ENTITY_FORMATS, request.headers.get("accept"), request.query_params.get("format"))
    max_rows = _settings(request).max_rows
    if chosen.carries == "graph":
        fmt, body = await _run(request, EntityJob(iri, max_rows, chosen.name))
        return Response(body, media_type=content_type(chosen), headers={"Vary": "Accept"})
    described = await _run(request, EntityJob(iri, max_rows))
    if chosen is HTML:
        html = page.entity_page(described, _root(request))
        return HTMLResponse(html, headers={"Vary": "Accept"})
    return JSONResponse(described, headers={"Vary": "Accept"})


async def viz(request: Request) -> Response:
    """A query's result drawn as kg's interactive graph page."""
    if request.query_params.get("view"):  # kg's views by name (kg.viz.views): graph, meetings, roster, initiatives
        html = await _run(request, ViewJob(check_view(request.query_params["view"])))
        assert isinstance(html, str)
        return HTMLResponse(html, headers={"Content-Security-Policy": page_policy(html)})  # its inline scripts
    args = await protocol_args(request)
    if not args.query or not args.query.strip():
        raise HTTPException(400, "missing the 'query' parameter")
    job = VizJob(args.query, max_rows=_settings(request).max_rows, heading="kg query")
    html = await _run(request, job)
    assert isinstance(html, str)
    return HTMLResponse(html, headers={"Content-Security-Policy": page_policy(html)})  # its inline scripts


def _info_json(info: QueryInfo, text: str) -> dict:
    return {
        "name": info.name,
        "description": info.description,
        "params": [{"name": p.name, "default": p.default} for p in info.params],
        "paged": info.page is not None,
        "sparql": text,
    }


async def api_info(request: Request) -> Response:
    """What the query page needs: prefixes, named queries (with their text), backend, limits."""
    settings = _settings(request)
    return JSONResponse(
        {
            "prefixes": {prefix: str(ns) for prefix, ns in PREFIXES.items()},
            "queries": [_info_json(info, settings.texts[info.name]) for info in settings.queries.values()],
            "backend": settings.backend.description,
            "timeout": settings.timeout,
            "max_rows": settings.max_rows,
            "page_rows": PAGE_ROWS,
            "id_namespace": str(ID),
        }
    )


async def index(request: Request) -> Response:
    """The query page."""
    return HTMLResponse((files("kg.serve") / "static" / "index.html").read_text(encoding="utf-8"))


async def healthz(request: Request) -> Response:
    """Liveness for proxies and load balancers."""
    return PlainTextResponse("ok")


async def favicon(request: Request) -> Response:
    """The site icon (an SVG), where browsers look for it."""
    icon = (files("kg.serve") / "static" / "favicon.svg").read_bytes()
    return Response(icon, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


def create_app(
    *,
    graph: Path | None = None,
    store: Path | None = None,
    backend: Backend | None = None,
    timeout: float | None = 30.0,
    max_rows: int | None = 10_000,
    cors: bool = False,
    limits: Limits | None = None,
) -> Starlette:
    """The application over a graph file, an Oxigraph store folder, or a ready ``backend``.

    ``limits``: the Host names answered to and the size caps (``kg.serve.guard``; loopback names,
    1 MiB bodies and 100,000-character queries by default).
    """
    limits = limits or Limits()
    if timeout is not None and not timeout > 0:
        raise QueryError(f"the timeout must be a positive number of seconds, got {timeout:g}")
    if max_rows is not None and max_rows < 1:
        raise QueryError(f"the row cap must be at least 1, got {max_rows}")
    backend = backend or open_backend(graph=graph, store=store)
    routes = [  # the busiest first: routes are tried in order
        Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
        Route("/queries/{name}", named_query),
        Route("/", index),
        Route("/queries", query_list),
        Route("/entity", entity),
        Route("/entity/{key:path}", entity),
        Route("/viz", viz, methods=["GET", "POST"]),
        Route("/api/info", api_info),
        Route("/healthz", healthz),
        Route("/favicon.ico", favicon),
        Mount("/static", StaticFiles(packages=[("kg.serve", "static")]), name="static"),
    ]
    handlers = {KgError: _kg_error, HTTPException: _http_error, Exception: _crash}
    from starlette.middleware import Middleware

    middleware = [Middleware(Guard, limits=limits)]
    if cors:
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(
            Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"])
        )
    app = Starlette(routes=routes, exception_handlers=handlers, middleware=middleware)  # type: ignore[arg-type]
    infos = list_queries()
    texts = {info.name: Path(info.path).read_text(encoding="utf-8") for info in infos}
    app.state.kg = Settings(backend, timeout, max_rows, {info.name: info for info in infos}, texts, limits)
    return app


__all__ = ["create_app", "error_body"]
