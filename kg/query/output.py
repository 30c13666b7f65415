"""``kg query``: resolve and check a query, open its source, run it and write the answer.

The query is checked (name, syntax, read-only, parameters) before any graph is loaded. A whole
table in csv, tsv, json or xml streams from Oxigraph straight to the output; the table format,
pages (``limit``/``offset``) and time-limited queries are answered first, then written.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from kg.errors import ExportError, QueryError
from kg.query.child import check_timeout
from kg.query.engine import run_prepared, run_query, stream
from kg.query.named import resolve_query
from kg.query.prepare import prepare
from kg.query.results import FORMATS, render
from kg.query.sources import open_source

if TYPE_CHECKING:
    import pyoxigraph as ox


def write_query(
    spec: str,
    out: BinaryIO,
    *,
    graph: str | Path | None = None,
    store: str | Path | None = None,
    params: Mapping[str, str] | None = None,
    fmt: str = "table",
    timeout: float | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> None:
    """Run ``spec`` (a name, a .rq file or SPARQL) on a graph file or an Oxigraph store and write it to ``out``.

    ``timeout`` (seconds) limits the evaluation, not the loading.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}'; valid formats: {', '.join(FORMATS)}")
    check_timeout(timeout)
    prepared = prepare(resolve_query(spec), params, timeout=timeout)
    source = open_source(graph, store=store) if store is not None else open_source(graph)
    if timeout is None and limit is None and not offset and stream(source.store, prepared, fmt, out):
        return
    result = run_prepared(source, prepared, timeout=timeout, limit=limit, offset=offset)
    data = render(result, fmt)
    out.write(data if data.endswith(b"\n") else data + b"\n")


def query(
    spec: str,
    graph: str | Path | None = None,
    *,
    store: str | Path | None = None,
    params: Mapping[str, str] | None = None,
    fmt: str = "table",
    timeout: float | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> str:
    """``write_query`` into a string (without the final line break)."""
    buffer = io.BytesIO()
    write_query(
        spec, buffer, graph=graph, store=store, params=params, fmt=fmt, timeout=timeout, limit=limit, offset=offset
    )
    return buffer.getvalue().decode("utf-8").rstrip("\r\n")


def query_store(
    store: ox.Store, sparql: str, params: Mapping[str, str] | None = None
) -> tuple[tuple[str, ...], tuple[tuple[str | None, ...], ...]]:
    """A SELECT query's (variable names, rows of strings or None): ``kg.query.run_query`` in short.

    ``sparql`` is inline SPARQL, a ``.rq`` file or the name of a query in ``kg/queries``.
    """
    result = run_query(store, sparql, params)
    if result.kind != "select":
        raise QueryError("query_store runs SELECT queries; use kg.query.run_query for ASK, CONSTRUCT and DESCRIBE")
    return result.vars, result.rows
