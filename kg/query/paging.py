"""Pages of whole-table queries, cut in windows of their leading ORDER BY key.

A query that groups or orders a whole table (every document's people...) must compute all of it
before its first row: ``LIMIT`` alone saves nothing. When the query declares ``# page by: ?doc
{ ?doc a schema:NewsArticle }`` (see ``kg.query.named``), a page is built instead from windows:
the distinct values of ``?doc`` are listed in order, and the query runs with ``VALUES ?doc
{ ... }`` at the start of its WHERE clause for a few of them at a time, until the page (plus
one row, to know whether more follow) is full. The windows grow with the rows each key gave so
far. Rows keep the query's order because ``?doc`` is its leading ORDER BY key.
"""

from __future__ import annotations

import math

import pyoxigraph as ox

from kg.errors import QueryError
from kg.query.engine import evaluate
from kg.query.prepare import PreparedQuery, declared_prefixes, where_brace
from kg.query.results import QueryResult, tsv_bytes

FIRST_WINDOW = 8  # keys in the first window
MAX_WINDOW = 2_000  # keys in one VALUES block


def keys(store: ox.Store, prepared: PreparedQuery) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
    """The page key's values in order (``# page by:``).

    IRIs are sorted here (SPARQL orders IRIs by their text, as Python does): Oxigraph's ORDER BY
    reads every IRI's text from the store for each comparison, which is slow on disk.
    """
    page = prepared.page
    assert page is not None
    prefixes = declared_prefixes(prepared.text)
    text = f"SELECT DISTINCT ?{page.var} WHERE {page.pattern}"
    try:
        found = [s[0] for s in store.query(text, prefixes=prefixes, use_default_graph_as_union=True) if s[0]]
        if all(isinstance(term, ox.NamedNode) for term in found):
            return sorted(found, key=lambda term: term.value, reverse=page.descending)
        order = f"DESC(?{page.var})" if page.descending else f"?{page.var}"
        answer = store.query(f"{text} ORDER BY {order}", prefixes=prefixes, use_default_graph_as_union=True)
        return [solution[0] for solution in answer if solution[0] is not None]
    except SyntaxError as exc:
        raise QueryError(f"bad '# page by:' line: {' '.join(str(exc).split())}") from None


def windowed(
    store: ox.Store, prepared: PreparedQuery, limit: int, offset: int, cache: dict | None = None
) -> QueryResult:
    """The rows ``offset`` to ``offset + limit`` of ``prepared``, computed window by window.

    ``cache`` (a read-only source's) keeps the key lists between calls.
    """
    page = prepared.page
    assert page is not None
    cache_key = ("page keys", page, tuple(sorted(declared_prefixes(prepared.text).items())))
    values = cache.get(cache_key) if cache is not None else None
    if values is None:
        values = keys(store, prepared)
        if cache is not None:
            cache[cache_key] = values
    at = where_brace(prepared.text) + 1
    need = offset + limit + 1
    rows: list[tuple] = []
    seen, used, window = 0, 0, FIRST_WINDOW
    names: tuple[str, ...] = ()
    while used < len(values) and seen < need:
        chunk = values[used : used + window]
        used += len(chunk)
        block = f"\n  VALUES ?{page.var} {{ {' '.join(str(term) for term in chunk)} }}\n"
        answer = evaluate(store, prepared, prepared.text[:at] + block + prepared.text[at:])
        names = tuple(v.value for v in answer.variables)
        width = range(len(names))
        for solution in answer:
            if seen >= offset:
                rows.append(tuple(solution[i] for i in width))
            seen += 1
            if seen >= need:
                break
        per_key = max(seen / used, 0.1)
        window = max(1, min(MAX_WINDOW, math.ceil((need - seen) / per_key * 1.25)))
    if not names:  # no key at all: the variables come from the query, run with none
        empty = f"{prepared.text[:at]}\n  VALUES ?{page.var} {{ }}\n{prepared.text[at:]}"
        names = tuple(v.value for v in evaluate(store, prepared, empty).variables)
    return QueryResult("select", names, tsv=tsv_bytes(names, rows[:limit]), truncated=len(rows) > limit)
