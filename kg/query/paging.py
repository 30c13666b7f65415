"""Pages of whole-table queries, cut in windows of their leading ORDER BY key.

A query that groups or orders a whole table (every document's people...) must compute all of it
before its first row: ``LIMIT`` alone saves nothing. When the query declares ``# page by: ?doc
{ ?doc a schema:NewsArticle }`` (see ``kg.query.named``), a page is built instead from windows:
the distinct values of ``?doc`` are listed in order, and the query runs with ``VALUES ?doc
{ ... }`` at the start of its WHERE clause for a few of them at a time, until the page (plus
one row, to know whether more follow) is full. The windows grow with the rows each key gave so
far. Rows keep the query's order because ``?doc`` is its leading ORDER BY key. With ``# page
by: ?date via ?meeting {...}`` the windows bind ``?meeting`` values taken in ``?date`` order,
never splitting one ``?date`` between two windows.
"""

from __future__ import annotations

import math
import re

import pyoxigraph as ox

from kg.errors import QueryError
from kg.query.answer import evaluate
from kg.query.prepare import PreparedQuery, declared_prefixes, mask, where_brace
from kg.query.results import QueryResult, tsv_bytes
from kg.query.terms import XSD_STRING, Term

FIRST_WINDOW = 8  # keys in the first window, unless the query says (``# page window: N``)
MAX_WINDOW = 2_000  # keys in one VALUES block


def _sort_key(term: Term | None) -> tuple[int, str]:
    return (0, "") if term is None else (1, term.value)


def keys(store: ox.Store, prepared: PreparedQuery) -> list[tuple[Term, Term | None]]:
    """The windows' values with their sort value, in the page key's order (``# page by:``).

    IRIs and plain strings are sorted here, as SPARQL orders them (unbound first, then by text):
    Oxigraph's ORDER BY reads every term's text from the store for each comparison, slow on disk.
    """
    page = prepared.page
    assert page is not None
    prefixes = declared_prefixes(prepared.text)
    window, order = page.window_var, page.var
    projection = f"?{window}" if window == order else f"?{window} ?{order}"
    text = f"SELECT DISTINCT {projection} WHERE {bound_pattern(prepared)}"
    try:
        found = [(s[window], s[order]) for s in store.query(text, prefixes=prefixes, use_default_graph_as_union=True)]
        found = [(value, key) for value, key in found if value is not None]
        if all(key is None or isinstance(key, ox.NamedNode) or _plain(key) for _, key in found):
            return sorted(found, key=lambda pair: _sort_key(pair[1]), reverse=page.descending)
        direction = f"DESC(?{order})" if page.descending else f"?{order}"
        answer = store.query(f"{text} ORDER BY {direction}", prefixes=prefixes, use_default_graph_as_union=True)
        return [(s[window], s[order]) for s in answer if s[window] is not None]
    except SyntaxError as exc:
        raise QueryError(f"bad '# page by:' line: {' '.join(str(exc).split())}") from None


def pattern_params(prepared: PreparedQuery) -> tuple[tuple[str, Term], ...]:
    """The query's parameters that its page key's pattern uses (``?as_of`` in ``FILTER (?date <= ?as_of)``)."""
    assert prepared.page is not None
    masked = mask(prepared.page.pattern)
    return tuple((name, term) for name, term in prepared.params if re.search(rf"[?$]{re.escape(name)}\b", masked))


def bound_pattern(prepared: PreparedQuery) -> str:
    """The page key's pattern, with a one-row ``VALUES`` block binding the parameters it uses."""
    assert prepared.page is not None
    pattern, used = prepared.page.pattern, pattern_params(prepared)
    if not used:
        return pattern
    names = " ".join(f"?{name}" for name, _ in used)
    values = " ".join(str(term) for _, term in used)
    at = pattern.index("{") + 1
    return f"{pattern[:at]} VALUES ({names}) {{ ({values}) }} {pattern[at:]}"


def _plain(term: Term) -> bool:
    return isinstance(term, ox.Literal) and not term.language and term.datatype.value == XSD_STRING


def _windows(values: list[tuple[Term, Term | None]], start: int, size: int) -> int:
    """The end of the window of about ``size`` values from ``start``, not splitting equal sort values."""
    end = min(len(values), start + size)
    while end < len(values) and values[end][1] == values[end - 1][1]:
        end += 1
    return end


def windowed(
    store: ox.Store, prepared: PreparedQuery, limit: int, offset: int, cache: dict | None = None
) -> QueryResult | None:
    """The rows ``offset`` to ``offset + limit`` of ``prepared``, computed window by window.

    ``cache`` (a read-only source's) keeps the key lists between calls. None when a ``via`` key
    cannot keep the order (a window value with several sort values, or none at all): run it whole.
    """
    page = prepared.page
    assert page is not None
    used = tuple((name, str(term)) for name, term in pattern_params(prepared))
    cache_key = ("page keys", page, used, tuple(sorted(declared_prefixes(prepared.text).items())))
    values = cache.get(cache_key) if cache is not None else None
    if values is None:
        values = keys(store, prepared)
        if len({value for value, _ in values}) < len(values):
            values = []  # a window value with two sort values (two dates): windows cannot keep the order
        if cache is not None:
            cache[cache_key] = values
    if not values and page.via:
        return None
    at = where_brace(prepared.text) + 1
    need = offset + limit + 1
    rows: list[tuple] = []
    seen, used, window = 0, 0, page.first_window or FIRST_WINDOW
    names: tuple[str, ...] = ()
    while used < len(values) and seen < need:
        end = _windows(values, used, window)
        chunk = " ".join(dict.fromkeys(str(value) for value, _ in values[used:end]))
        used = end
        block = f"\n  VALUES ?{page.window_var} {{ {chunk} }}\n"
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
        empty = f"{prepared.text[:at]}\n  VALUES ?{page.window_var} {{ }}\n{prepared.text[at:]}"
        names = tuple(v.value for v in evaluate(store, prepared, empty).variables)
    return QueryResult("select", names, tsv=tsv_bytes(names, rows[:limit]), truncated=len(rows) > limit)
