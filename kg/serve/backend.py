"""Where ``kg serve`` gets its answers: the in-memory rdflib graph or an Oxigraph store, behind one interface.

    backend = open_backend(graph=Path("exports/graph.trig"))        # or store=Path("out/store")
    result = backend.query(sparql, params=None, default_graphs=(), named_graphs=(), timeout=30, max_rows=10_000)

Both return a ``kg.query.QueryResult`` and apply kg's query rules the same way: the text is checked
by ``kg.query.prepare_text`` (SPARQL Update and SERVICE refused, malformed SPARQL reported with its
line and column, ``# param:`` defaults and overrides applied), kg's prefixes are predeclared, plain
patterns match the union of all graphs, and ``default_graphs`` / ``named_graphs`` (the protocol's
``default-graph-uri`` / ``named-graph-uri``) replace the query's dataset when given.

Both evaluate queries in worker processes (``kg.serve.workers``), so queries run in parallel on all
cores and one past the time limit is killed (and its worker replaced): the rdflib backend forks its
workers once the graph is loaded (they share it copy-on-write); the Oxigraph backend
(``kg.serve.oxbackend``) spawns workers that open the store read-only.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from rdflib import Dataset, URIRef, Variable
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from kg import query as kq
from kg.errors import GraphError, KgError, QueryTimeout
from kg.serve.workers import Worker, WorkerPool, worker_loop

_prepare_lock = threading.Lock()  # rdflib's parser (pyparsing, packrat cache) is not thread-safe


@lru_cache(maxsize=512)
def _prepared(sparql: str, params: tuple[tuple[str, str], ...]) -> tuple[str, Query, tuple[tuple[Variable, Node], ...]]:
    with _prepare_lock:
        text, query, bindings = kq.prepare_text(sparql, dict(params) or None)
    return text, query, tuple(bindings.items())


def prepare(sparql: str, params: dict[str, str] | None = None) -> tuple[str, Query, dict[Variable, Node]]:
    """``kg.query.prepare_text``, cached by text and parameters (raises the same ``QueryError``s)."""
    text, query, bindings = _prepared(sparql, tuple(sorted((params or {}).items())))
    return text, query, dict(bindings)


def timeout_error(timeout: float) -> QueryTimeout:
    """The error a client gets when its query hits the time limit."""
    return QueryTimeout(f"query stopped after {timeout:g} s (the server's time limit); simplify it or add a LIMIT")


class Backend:
    """A read-only SPARQL engine over one kg graph."""

    name = "backend"
    description = ""

    def query(
        self,
        sparql: str,
        *,
        params: dict[str, str] | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> kq.QueryResult:
        """Run a read-only query; raises ``QueryError`` subclasses (syntax, update, timeout)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release what the backend holds."""


# ---------------------------------------------------------------- rdflib


def _with_dataset(query: Query, default_graphs: Sequence[str], named_graphs: Sequence[str]) -> Query:
    """``query`` with its FROM / FROM NAMED replaced by the protocol's graphs (kg.query never fetches them)."""
    if not default_graphs and not named_graphs:
        return query
    clauses = [CompValue("DatasetClause", default=URIRef(iri)) for iri in default_graphs]
    clauses += [CompValue("DatasetClause", named=URIRef(iri)) for iri in named_graphs]
    if not default_graphs:  # an empty default graph, as the protocol says (rdflib needs one clause to know)
        clauses.insert(0, CompValue("DatasetClause", default=URIRef("urn:kg:serve:empty-default-graph")))
    algebra = query.algebra.clone()
    algebra["datasetClause"] = clauses
    return Query(query.prologue, algebra)


def _rdflib_worker(conn, ds: Dataset | None, path: str | None) -> None:  # noqa: ANN001
    """A worker process over the in-memory graph (inherited by fork, or loaded from ``path``)."""
    global _prepare_lock  # noqa: PLW0603 - a lock held in the parent at fork time would stay held here
    _prepare_lock = threading.Lock()
    if ds is not None:  # forked: let go of the server's files and sockets (listening port, other pipes)
        keep = conn.fileno()
        os.closerange(3, keep)
        os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 65536)
    if ds is None:
        from kg.store import load_graph

        try:
            ds = load_graph(path)
        except KgError as exc:
            conn.send(("error", type(exc).__name__, str(exc)))
            return

    def handler(request: tuple) -> tuple:
        sparql, params, default_graphs, named_graphs, max_rows = request
        _, prepared, bindings = prepare(sparql, dict(params))
        prepared = _with_dataset(prepared, default_graphs, named_graphs)
        return kq._portable(kq._execute(ds, prepared, bindings, max_rows))  # noqa: SLF001 - kg.query's own worker format

    worker_loop(conn, handler)


def default_workers() -> int:
    """Worker processes per backend: one per core, at least two."""
    return max(2, os.cpu_count() or 2)


class RdflibBackend(Backend):
    """The graph file in memory (``kg.query``'s engine), queried by forked worker processes.

    The workers are forked when the backend is made and share the loaded graph with the server
    (copy-on-write); a worker past the time limit is killed and a new one forked.
    """

    name = "rdflib"

    def __init__(
        self, ds: Dataset, *, source: str = "in-memory graph", path: Path | None = None, workers: int | None = None
    ) -> None:
        self.ds = ds
        self.description = f"{source} (rdflib, {len(ds):,} quads)"
        methods = multiprocessing.get_all_start_methods()
        if "fork" not in methods and path is None:
            raise GraphError("without fork, kg serve loads the graph in each worker: give it a graph file")
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        args = (ds, None) if "fork" in methods else (None, str(path))

        def start() -> Worker:
            with _prepare_lock:  # no parse is half-done in this process while it forks
                return Worker(context, _rdflib_worker, args)

        self._pool = WorkerPool(start, workers or default_workers())

    @classmethod
    def from_file(cls, path: Path, *, workers: int | None = None) -> RdflibBackend:
        """Load the graph file ``path`` (``kg.store.load_graph``) and start the workers."""
        from kg.store import load_graph

        return cls(load_graph(path), source=str(path), path=Path(path), workers=workers)

    def close(self) -> None:
        """End the worker processes."""
        self._pool.close()

    def query(self, sparql, *, params=None, default_graphs=(), named_graphs=(), timeout=None, max_rows=None):  # noqa: D102
        prepare(sparql, params)  # errors in the query are reported without a round trip to a worker
        request = (sparql, tuple(sorted((params or {}).items())), list(default_graphs), list(named_graphs), max_rows)
        payload = self._pool.call(request, timeout, lambda: timeout_error(timeout or 0))
        return kq._from_portable(payload)  # noqa: SLF001


def open_backend(*, graph: Path | None = None, store: Path | None = None) -> Backend:
    """The backend for a graph file (rdflib, in memory) or an Oxigraph store folder (exactly one of them)."""
    if (graph is None) == (store is None):
        raise GraphError("kg serve needs exactly one of a graph file (--graph) and an Oxigraph store (--store)")
    if store is not None:
        from kg.serve.oxbackend import OxigraphBackend

        return OxigraphBackend.from_folder(Path(store))
    return RdflibBackend.from_file(Path(graph))
