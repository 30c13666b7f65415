"""The "Draw as graph" view of ``kg serve``: a query's result as kg's interactive vis-network page.

Runs in a query worker. The result (a CONSTRUCT graph, or SELECT rows ``?source ?relation
?target``) is drawn by the same code as ``kg viz --query`` (``kg.viz.queryview``): the names,
kinds and evidence come from kg.viz's ``GraphIndex`` over the worker's store, built on the first
drawing and kept for the next ones (the store never changes while the server runs).
"""

from __future__ import annotations

from collections.abc import Callable

from kg.query import PreparedQuery, execute
from kg.viz.index import GraphIndex
from kg.viz.page import DEFAULT_MAX_NODES, graph_page, view_data
from kg.viz.queryview import graph_from_triples, query_triples

MAX_TRIPLES = 3000  # drawn at most (the page itself keeps the 1,000 most connected nodes)


def viz_page(
    store,  # noqa: ANN001 - a pyoxigraph Store
    index: Callable[[], GraphIndex],
    prepared: PreparedQuery,
    *,
    max_rows: int | None = None,
    heading: str = "kg query",
) -> str:
    """The interactive graph page (HTML) for the result of ``prepared``; ``index()`` gives the store's index."""
    result = execute(store, prepared, max_rows=max_rows)
    triples = query_triples(result, "the query")
    notes = []
    if len(triples) > MAX_TRIPLES:
        notes.append(f"Drawing the first {MAX_TRIPLES:,} of {len(triples):,} results.")
        triples = triples[:MAX_TRIPLES]
    graph, skipped = graph_from_triples(index(), triples)
    if not triples:
        notes.append("The query returned nothing to draw.")
    if skipped:
        notes.append(f"{skipped} result{'s' if skipped != 1 else ''} with a literal subject or object not drawn.")
    if result.truncated:
        notes.append("The answer was cut at the server's row cap.")
    data = view_data(graph, max_nodes=DEFAULT_MAX_NODES, note=" ".join(notes))
    return graph_page(data, heading)
