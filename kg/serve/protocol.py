"""What a request to ``kg serve`` asks: the SPARQL protocol's parameters, and pages (kg's ``limit``/``offset``).

``protocol_args(request)`` reads a query operation however it is sent (GET, form POST, direct POST);
``page_args`` reads ``limit``/``offset``; ``page_headers`` says whether rows follow the answer
(``X-KG-Truncated``; ``X-KG-Row-Cap`` when the row cap cut it) and links the previous and next
pages (``Link``, for GET).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from kg.errors import UpdateRefused

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _whole(value: object, name: str, minimum: int) -> int | None:
    """A ``limit``/``offset`` parameter as an int (None when absent); 400 when it is not a whole number."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not text.isdigit() or int(text) < minimum:
        raise HTTPException(400, f"{name} must be a whole number of {minimum} or more, got {str(value)!r}")
    return int(text)


def page_args(*sources: object) -> tuple[int | None, int | None]:
    """(limit, offset) from the query string and, for a form POST, the form."""
    limit = offset = None
    for source in sources:
        if source is None:
            continue
        limit = limit if source.get("limit") is None else _whole(source.get("limit"), "limit", 1)  # type: ignore[attr-defined]
        offset = offset if source.get("offset") is None else _whole(source.get("offset"), "offset", 0)  # type: ignore[attr-defined]
    return limit, offset


def page_headers(
    request: Request, truncated: bool, limit: int | None, offset: int | None, max_rows: int | None
) -> dict[str, str]:
    """``X-KG-Truncated`` when rows follow the answer (``X-KG-Row-Cap`` when the row cap cut it), and for a
    page asked for by GET, ``Link`` to the previous and next pages."""
    headers = {"Vary": "Accept"}
    capped = max_rows is not None and (limit is None or limit > max_rows)
    size = max_rows if capped else limit
    if truncated:
        headers["X-KG-Truncated"] = "true"
        if capped:
            headers["X-KG-Row-Cap"] = str(max_rows)
    if limit is not None and size and request.method == "GET":
        links = []
        if offset:
            links.append(f'<?{_with_offset(request, max(0, offset - size))}>; rel="prev"')
        if truncated:
            links.append(f'<?{_with_offset(request, (offset or 0) + size)}>; rel="next"')
        if links:
            headers["Link"] = ", ".join(links)
    return headers


def _with_offset(request: Request, offset: int) -> str:
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
    return urlencode([*items, ("offset", str(offset))] if offset else items)


@dataclass
class ProtocolRequest:
    """What a SPARQL protocol request asks: the query, the protocol's graphs, the format and the page."""

    query: str | None
    default_graphs: list[str]
    named_graphs: list[str]
    fmt: str | None
    limit: int | None = None
    offset: int | None = None


def _refuse_update(args: object) -> None:
    if "update" in args:  # type: ignore[operator]
        raise UpdateRefused("this endpoint is read-only: SPARQL Update is refused")


def _check_length(request: Request, query: str | None, status: int) -> str | None:
    """``query``, unless it is longer than the server's cap: then 414 (in a URL) or 413 (in a body)."""
    cap = request.app.state.kg.limits.max_query
    if query is not None and cap is not None and len(query) > cap:
        raise HTTPException(status, f"the query is {len(query):,} characters long; the limit is {cap:,}")
    return query


async def protocol_args(request: Request) -> ProtocolRequest:
    """The query, ``default-graph-uri`` and ``named-graph-uri`` values, ``format``, ``limit`` and ``offset``.

    A query longer than the server's cap (``kg.serve.guard.Limits.max_query``) is refused: 414 in
    the URL, 413 in the body.
    """
    args = request.query_params
    default_graphs, named_graphs = args.getlist("default-graph-uri"), args.getlist("named-graph-uri")
    fmt = ",".join(args.getlist("format") or args.getlist("output")) or None  # SPARQLWrapper repeats them
    _refuse_update(args)
    if request.method == "GET":
        query = _check_length(request, args.get("query"), 414)
        return ProtocolRequest(query, default_graphs, named_graphs, fmt, *page_args(args))
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media in FORM_TYPES:
        form: FormData = await request.form()
        _refuse_update(form)
        default_graphs += [str(v) for v in form.getlist("default-graph-uri")]
        named_graphs += [str(v) for v in form.getlist("named-graph-uri")]
        query = form.get("query")
        fmt = fmt or ",".join(str(v) for v in form.getlist("format")) or None
        text = _check_length(request, None if query is None else str(query), 413)
        return ProtocolRequest(text, default_graphs, named_graphs, fmt, *page_args(args, form))
    if media == "application/sparql-query":
        try:
            text = (await request.body()).decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPException(400, "the query is not valid UTF-8") from None
        _check_length(request, text, 413)
        return ProtocolRequest(text, default_graphs, named_graphs, fmt, *page_args(args))
    if media == "application/sparql-update":
        raise UpdateRefused("this endpoint is read-only: SPARQL Update is refused")
    raise HTTPException(
        415, f"unsupported Content-Type '{media}'; use application/x-www-form-urlencoded or application/sparql-query"
    )
