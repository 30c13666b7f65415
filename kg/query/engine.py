"""Running a prepared query on an Oxigraph store: answers, pages, time limits, streamed output.

kg's rules hold for every query: plain patterns match the union of all graphs (kg keeps each fact
in a named graph of its own), ``FROM``/``FROM NAMED`` select graphs of the loaded data (nothing is
fetched), kg's prefixes are predeclared. With a ``timeout`` the query runs in a forked child
process killed at the limit (``QueryTimeout``); the child uses the parent's in-memory store, or
opens an on-disk store (``GraphSource.path``) again read-only.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.errors import QueryError
from kg.query.answer import evaluate
from kg.query.child import check_timeout, run_in_child
from kg.query.named import resolve_query
from kg.query.prepare import PreparedQuery, prepare
from kg.query.results import RESULT_FORMATS, QueryResult, tsv_bytes
from kg.query.sources import GraphSource


def as_store(store_or_source: object) -> tuple[ox.Store, Path | None, dict | None]:
    """(store, folder of an on-disk store or None, cache or None) for a ``pyoxigraph.Store`` or a ``GraphSource``.

    An rdflib Dataset (older callers) is copied into a new in-memory store first.
    """
    if isinstance(store_or_source, GraphSource):
        return store_or_source.store, store_or_source.path, store_or_source.cache
    if isinstance(store_or_source, ox.Store):
        return store_or_source, None, None
    if hasattr(store_or_source, "quads") and hasattr(store_or_source, "graphs"):  # an rdflib Dataset
        from kg.store.oxstore import load_dataset

        store = ox.Store()
        load_dataset(store, store_or_source)
        return store, None, None
    raise QueryError(f"cannot query {type(store_or_source).__name__}: give a pyoxigraph Store or a GraphSource")


def _failed(exc: Exception) -> QueryError:
    return QueryError(f"query failed: {' '.join(str(exc).split())}")


def execute(
    store: ox.Store,
    prepared: PreparedQuery,
    *,
    max_rows: int | None = None,
    limit: int | None = None,
    offset: int | None = None,
    cache: dict | None = None,
) -> QueryResult:
    """Run ``prepared`` on ``store`` in this process (``cache``: a read-only source's, see ``GraphSource``).

    ``limit``/``offset`` cut a page of the rows (in the query's ORDER BY order; a query with a
    ``# page by:`` key is run window by window); ``max_rows`` caps the rows (or triples).
    ``truncated`` is set when more rows follow what the answer holds.
    """
    offset = offset or 0
    cap = min(x for x in (limit, max_rows, float("inf")) if x is not None)
    if prepared.kind == "select" and prepared.page is not None and cap != float("inf"):
        from kg.query.paging import windowed

        paged = windowed(store, prepared, int(cap), offset, cache)
        if paged is not None:
            return paged
    answer = evaluate(store, prepared)
    try:
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(answer))
        if isinstance(answer, ox.QueryTriples):
            if cap == float("inf") and not offset:
                return QueryResult("graph", ntriples=answer.serialize(format=ox.RdfFormat.N_TRIPLES) or b"")
            triples = list(itertools.islice(answer, offset, offset + int(cap) + 1))
            return QueryResult("graph", triples=triples[: int(cap)], truncated=len(triples) > cap)
        names = tuple(v.value for v in answer.variables)
        if cap == float("inf") and not offset:
            return QueryResult("select", names, tsv=answer.serialize(format=ox.QueryResultsFormat.TSV))
        width = range(len(names))
        rows = [tuple(s[i] for i in width) for s in itertools.islice(answer, offset, offset + int(cap) + 1)]
    except (OSError, RuntimeError, ValueError) as exc:
        raise _failed(exc) from None
    return QueryResult("select", names, tsv=tsv_bytes(names, rows[: int(cap)]), truncated=len(rows) > cap)


def _execute_at(folder: str, prepared: PreparedQuery, options: dict) -> QueryResult:
    """In a child process: open the on-disk store read-only and run the query."""
    from kg.store.oxstore import open_store

    return execute(open_store(folder, read_only=True), prepared, **options)


def run_prepared(
    store_or_source: object,
    prepared: PreparedQuery,
    *,
    timeout: float | None = None,
    max_rows: int | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> QueryResult:
    """``execute``, in a child process killed after ``timeout`` seconds when one is given."""
    check_timeout(timeout)
    for name, value in (("max_rows", max_rows), ("limit", limit), ("offset", offset)):
        if value is not None and (not isinstance(value, int) or value < 0):
            raise QueryError(f"{name} must be a whole number, 0 or more; got {value!r}")
    store, folder, cache = as_store(store_or_source)
    options = {"max_rows": max_rows, "limit": limit, "offset": offset}
    if timeout is None:
        return execute(store, prepared, **options, cache=cache)
    if folder is not None:
        return run_in_child(_execute_at, (str(folder), prepared, options), timeout)
    return run_in_child(lambda: execute(store, prepared, **options, cache=cache), (), timeout)


def run_query(
    store_or_source: object,
    sparql_or_name: str,
    params: Mapping[str, str] | None = None,
    *,
    timeout: float | None = None,
    max_rows: int | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> QueryResult:
    """Run a read-only query (a name, a .rq file or SPARQL text) with ``# param:`` defaults and ``params``.

    ``store_or_source`` is a ``pyoxigraph.Store`` or a ``GraphSource`` (``open_source``). Raises
    kg's query errors: ``UnknownQuery``, ``QuerySyntaxError``, ``UpdateRefused``, ``QueryTimeout``...
    """
    check_timeout(timeout)
    prepared = prepare(resolve_query(sparql_or_name), params, timeout=timeout)
    return run_prepared(store_or_source, prepared, timeout=timeout, max_rows=max_rows, limit=limit, offset=offset)


def stream(store: ox.Store, prepared: PreparedQuery, fmt: str, out: BinaryIO) -> bool:
    """Write a whole select answer straight from Oxigraph to ``out`` in a SPARQL results format.

    Returns False (writing nothing) when the answer is not a table or ``fmt`` is not json, xml, csv or tsv.
    """
    if prepared.kind != "select" or fmt not in RESULT_FORMATS:
        return False
    answer = evaluate(store, prepared)
    try:
        answer.serialize(out, format=RESULT_FORMATS[fmt])
    except (OSError, RuntimeError, ValueError) as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        raise _failed(exc) from None
    return True
