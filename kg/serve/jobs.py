"""What the server asks of a query worker, and how the worker does it with its store.

The server sends a job (a small frozen dataclass, pickled); the worker answers with bytes or a
small value, so nothing but bytes and plain data crosses the socket:

* ``QueryJob`` -> ``(format name, bytes, truncated)``: the query checked by ``kg.query.prepare``
  (Oxigraph's parser; Update and SERVICE refused), the format negotiated for its kind, the answer
  run by ``kg.query.execute`` and written by pyoxigraph's serialisers (``QueryResult.serialize``);
  with ``as_result`` the ``QueryResult`` itself (it pickles as its TSV bytes), for HTML pages.
* ``EntityJob`` -> an entity's facts as a dict, or its triples as ``(format name, bytes)``.
* ``VizJob`` -> the HTML of the graph page of a query's result.

Every query runs within the row cap; the time limit is the pool's (``kg.serve.workers``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from kg.errors import QueryError
from kg.query import PreparedQuery, QueryResult, execute, prepare
from kg.serve.negotiate import GRAPH_FORMATS, RESULT_FORMATS, Format, negotiate
from kg.serve.workers import register_error
from kg.viz.data import EntityNotFound

register_error(EntityNotFound)

_WRITES = {fmt.name: fmt.writes for fmt in RESULT_FORMATS + GRAPH_FORMATS}


@dataclass(frozen=True)
class QueryJob:
    """A query to answer: its text and parameters, the protocol's graphs, the page and the format wanted."""

    sparql: str
    params: tuple[tuple[str, str], ...] = ()
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int | None = None
    limit: int | None = None
    offset: int | None = None
    accept: str | None = None
    fmt: str | None = None
    as_result: bool = False


@dataclass(frozen=True)
class EntityJob:
    """An entity's facts (``graph_format`` None) or its triples in a graph format."""

    iri: str
    max_rows: int | None = None
    graph_format: str | None = None


@dataclass(frozen=True)
class VizJob:
    """A query's result drawn as kg's graph page."""

    sparql: str
    params: tuple[tuple[str, str], ...] = ()
    max_rows: int | None = None
    heading: str = "kg query"


@dataclass(frozen=True)
class ViewJob:
    """One of kg's views by name (``kg.viz.views``) as an HTML page."""

    view: str


class WorkerState:
    """A worker's store and what it keeps between jobs (page keys of named queries, the viz index)."""

    def __init__(self, store) -> None:  # noqa: ANN001 - a pyoxigraph Store
        self.store = store
        self.cache: dict = {}  # kg.query's page keys (the store never changes while served)
        self._index = None
        self._prepared: dict[tuple, PreparedQuery] = {}
        self._formats: dict[tuple, Format] = {}

    def index(self):  # noqa: ANN201 - kg.viz.index.GraphIndex
        """kg.viz's index of the store, read on the first drawing."""
        if self._index is None:
            from kg.viz.index import GraphIndex

            self._index = GraphIndex(self.store)
        return self._index

    def __call__(self, job: object) -> object:
        """Do ``job`` (the worker's request handler)."""
        if isinstance(job, QueryJob):
            return self.query(job)
        if isinstance(job, EntityJob):
            return self.entity(job)
        if isinstance(job, VizJob):
            from kg.serve.vizview import viz_page

            prepared = prepare(job.sparql, dict(job.params) or None)
            return viz_page(self.store, self.index, prepared, max_rows=job.max_rows, heading=job.heading)
        if isinstance(job, ViewJob):
            from kg.viz.views import view_html

            return view_html(job.view, self.index())
        raise QueryError(f"unknown request {type(job).__name__}")

    def prepared(self, job: QueryJob) -> PreparedQuery:
        """``job``'s query checked and parameterised (kept: jobs repeat), with the protocol's graphs.

        A page (``limit``/``offset``) of a query with a page key is run window by window
        (``kg.query.paging``); the whole answer runs once and is cut at the row cap.
        """
        whole = job.limit is None and not job.offset
        key = (job.sparql, job.params, job.default_graphs, job.named_graphs, whole)
        prepared = self._prepared.get(key)
        if prepared is None:
            prepared = prepare(job.sparql, dict(job.params) or None)
            if job.default_graphs or job.named_graphs:
                prepared = dataclasses.replace(prepared, dataset=(job.default_graphs, job.named_graphs), page=None)
            if whole:
                prepared = dataclasses.replace(prepared, page=None)
            if len(self._prepared) >= 256:
                self._prepared.clear()
            self._prepared[key] = prepared
        return prepared

    def query(self, job: QueryJob) -> tuple[str, bytes, bool] | QueryResult:
        prepared = self.prepared(job)
        chosen = None
        if not job.as_result:
            key = (prepared.kind, job.accept, job.fmt)
            chosen = self._formats.get(key)
            if chosen is None:
                chosen = self._formats[key] = negotiate(*key)
                if len(self._formats) >= 256:
                    self._formats.clear()
        result = execute(
            self.store, prepared, max_rows=job.max_rows, limit=job.limit, offset=job.offset, cache=self.cache
        )
        if chosen is None:
            return result
        return chosen.name, result.serialize(chosen.writes), result.truncated

    def entity(self, job: EntityJob) -> dict | tuple[str, bytes]:
        from kg.serve.entity import describe, entity_graph

        if job.graph_format is None:
            return describe(self.store, job.iri, max_rows=job.max_rows)
        result = entity_graph(self.store, job.iri, max_rows=job.max_rows)
        triples = sorted(result.triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        ordered = QueryResult("graph", triples=triples, truncated=result.truncated)  # a subject's triples together
        return job.graph_format, ordered.serialize(_WRITES[job.graph_format])
