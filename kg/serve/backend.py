"""Where ``create_app``'s app gets its answers: an Oxigraph store, queried by a pool of killable worker processes.

    backend = open_backend(graph=Path("exports/graph.trig"))      # or store=Path("out/store")
    answer = await backend.run(QueryJob(sparql, max_rows=10_000), timeout=30)

One design for both sources, on kg's one engine (``kg.query``):

* ``graph=FILE``: a fork server (``kg.serve.workers.ForkServer``) bulk-loads the file into an
  in-memory pyoxigraph store (``kg.store.oxstore.load_store``) and forks the workers from it, so they
  share the loaded store and start in milliseconds (also when one is replaced after a time-out).
  When the build that wrote FILE kept an Oxigraph store that still matches it
  (``kg.query.sources.recorded_store``), that store is opened instead, as below.
* ``store=FOLDER``: spawned workers open the store read-only. When a build swaps another store
  into FOLDER, a new pool of workers opens it (seen within ``STORE_CHECK_SECONDS``) and the old
  pool ends once its running jobs are answered.

The server process never touches the store: it checks nothing itself, and sends each job to an
idle worker (``kg.serve.jobs``), which prepares the query, runs it within the row cap and sends
back the answer's bytes. A job past the time limit gets ``QueryTimeout`` and its worker is killed
and replaced. (The command ``kg serve`` runs pre-forked HTTP workers instead: ``kg.serve.prefork``.)
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path

from kg.errors import GraphError, QueryTimeout
from kg.serve.pool import WorkerPool
from kg.serve.workers import ForkServer, Worker, spawn_worker, worker_loop


def timeout_error(timeout: float) -> QueryTimeout:
    """The error a client gets when its query hits the time limit."""
    return QueryTimeout(f"query stopped after {timeout:g} s (the server's time limit); simplify it or add a LIMIT")


STORE_CHECK_SECONDS = 0.5  # how often a store backend looks whether its folder holds another store


def default_workers() -> int:
    """Worker processes: one per core (more cannot run queries any faster), at least two."""
    return max(2, os.cpu_count() or 2)


class Backend:
    """A read-only SPARQL engine over one kg graph: ``await run(job, timeout)`` (see ``kg.serve.jobs``)."""

    description = ""

    async def run(self, job: object, timeout: float | None) -> object:
        """The answer to ``job``; raises kg's query errors, ``QueryTimeout`` past ``timeout`` seconds."""
        raise NotImplementedError

    def close(self) -> None:
        """End the workers."""


class WorkerBackend(Backend):
    """Jobs answered by a pool of worker processes.

    With ``generation`` (a store folder's ``store_generation``) and ``start``/``count`` (how to make
    the pool), a store swapped in by a build is seen within ``STORE_CHECK_SECONDS``: a new pool opens
    it, later jobs go there, and the old pool ends once its running jobs are answered.
    """

    def __init__(
        self,
        pool: WorkerPool,
        description: str,
        fork_server: ForkServer | None = None,
        *,
        generation: Callable[[], object] | None = None,
        start: Callable[[], Worker] | None = None,
        count: int = 0,
    ) -> None:
        self._pool = pool
        self._fork_server = fork_server
        self.description = description
        self._generation = generation if start is not None else None
        self._start = start
        self._count = count
        self._seen = generation() if self._generation is not None else None
        self._checked = time.monotonic()
        self._swapping: asyncio.Lock | None = None
        self._running: dict[int, int] = {}  # id(pool) -> jobs running on it
        self._retired: list[WorkerPool] = []

    @property
    def workers(self) -> int:
        """Worker processes alive."""
        return self._pool.size

    async def run(self, job: object, timeout: float | None) -> object:  # noqa: D102
        pool = await self._current_pool()
        self._running[id(pool)] = self._running.get(id(pool), 0) + 1
        try:
            return await pool.call(job, timeout, lambda: timeout_error(timeout or 0))
        finally:
            self._running[id(pool)] -= 1
            self._end_retired()

    async def _current_pool(self) -> WorkerPool:
        """The pool to use: a new one when the store folder holds another store than the pool opened."""
        if self._generation is None or time.monotonic() - self._checked < STORE_CHECK_SECONDS:
            return self._pool
        self._checked = time.monotonic()
        if self._generation() in (None, self._seen):  # (None: the folder is being swapped)
            return self._pool
        self._swapping = self._swapping or asyncio.Lock()
        async with self._swapping:
            generation = self._generation()
            if generation not in (None, self._seen):
                start, count = self._start, self._count
                pool = await asyncio.get_running_loop().run_in_executor(None, lambda: WorkerPool(start, count))
                self._retired.append(self._pool)
                self._pool, self._seen = pool, generation
                self._end_retired()
        return self._pool

    def _end_retired(self) -> None:
        for pool in [p for p in self._retired if not self._running.get(id(p))]:
            self._retired.remove(pool)
            self._running.pop(id(pool), None)
            pool.close()

    def close(self) -> None:  # noqa: D102
        for pool in [*self._retired, self._pool]:
            pool.close()
        self._retired = []
        if self._fork_server is not None:
            self._fork_server.close()


# ---------------------------------------------------------------- in the worker processes


def _load_in_memory(path: str) -> tuple[int, Callable[[socket.socket], None]]:
    """In the fork server: load the graph file; the quad count and what each worker runs (answer jobs)."""
    from kg.serve.jobs import WorkerState
    from kg.store.oxstore import load_store

    store = load_store(path)
    import kg.serve.entity  # noqa: F401 - imported once here rather than in every worker
    import kg.serve.vizview  # noqa: F401

    state = WorkerState(store)
    return len(store), lambda sock: worker_loop(sock, state)


def _store_worker(sock, folder: str) -> None:  # noqa: ANN001
    """A spawned worker: open the store read-only, then answer jobs."""
    from kg.errors import KgError
    from kg.serve.jobs import WorkerState
    from kg.serve.workers import send_message
    from kg.store.oxstore import open_store

    try:
        store = open_store(folder, read_only=True)
    except KgError as exc:
        send_message(sock, ("error", type(exc).__name__, str(exc)))
        return
    worker_loop(sock, WorkerState(store))


def _file_worker(sock, path: str) -> None:  # noqa: ANN001
    """A spawned worker without fork: load the graph file itself, then answer jobs."""
    from kg.errors import KgError
    from kg.serve.workers import send_message

    try:
        _, main = _load_in_memory(path)
    except KgError as exc:
        send_message(sock, ("error", type(exc).__name__, str(exc)))
        return
    main(sock)


# ---------------------------------------------------------------- opening


def check_store_folder(folder: Path) -> Path:
    """``folder`` (without an ``oxigraph:`` prefix) if it holds an Oxigraph store; else ``GraphError``.

    The store is not opened here: the server process never holds it.
    """
    folder = Path(str(folder).removeprefix("oxigraph:"))
    if not (folder / "CURRENT").is_file():
        raise GraphError(f"{folder}: not an Oxigraph store" if folder.exists() else f"{folder}: no such store")
    return folder


def check_graph_file(graph: Path) -> Path:
    """``graph`` if it is a file; else ``GraphError`` (its format and content are checked as it loads)."""
    if not Path(graph).is_file():
        raise GraphError(f"{graph}: no such file" if not Path(graph).exists() else f"{graph}: not a file")
    return Path(graph)


def store_backend(folder: Path, *, workers: int | None = None, description: str | None = None) -> WorkerBackend:
    """The backend over the Oxigraph store in ``folder`` (workers open it read-only; a store swapped in
    by a later build is opened by new workers, see ``WorkerBackend``)."""
    path = str(check_store_folder(folder))
    count = workers or default_workers()

    def start() -> Worker:
        return spawn_worker(_store_worker, path)

    pool = WorkerPool(start, count)
    generation = functools.partial(store_generation, Path(path))
    return WorkerBackend(
        pool, description or f"store {path} (Oxigraph, on disk)", generation=generation, start=start, count=count
    )


def store_generation(folder: Path) -> tuple[int, ...] | None:
    """Which store ``folder`` holds: the folder's identity and its ``CURRENT`` file's (None while missing).

    A build replaces the store folder as a whole (``kg.store.replace_folder``), so both change.
    """
    try:
        here, current = folder.stat(), (folder / "CURRENT").stat()
    except OSError:
        return None
    return (here.st_dev, here.st_ino, current.st_ino, current.st_mtime_ns)


def graph_backend(graph: Path, *, workers: int | None = None) -> WorkerBackend:
    """The backend over a graph file: loaded in memory once (or the build's matching store, read-only)."""
    from kg.query.sources import recorded_store

    folder = recorded_store(graph)
    if folder is not None:
        return store_backend(folder, workers=workers, description=f"store {folder} (built with {graph}; Oxigraph)")
    check_graph_file(graph)
    count = workers or default_workers()
    if "fork" not in multiprocessing.get_all_start_methods():  # each worker loads the file itself
        pool = WorkerPool(lambda: spawn_worker(_file_worker, str(graph)), count)
        return WorkerBackend(pool, f"{graph} (in memory in each worker)")
    fork_server = ForkServer(lambda: _load_in_memory(str(graph)))
    try:
        pool = WorkerPool(fork_server.start_worker, count)
    except BaseException:
        fork_server.close()
        raise
    return WorkerBackend(pool, f"{graph} (in memory, {fork_server.info:,} quads)", fork_server)


def open_backend(*, graph: Path | None = None, store: Path | None = None, workers: int | None = None) -> Backend:
    """The backend for a graph file or an Oxigraph store folder (exactly one of them)."""
    if (graph is None) == (store is None):
        raise GraphError("kg serve needs exactly one of a graph file (--graph) and an Oxigraph store (--store)")
    if store is not None:
        return store_backend(Path(store), workers=workers)
    return graph_backend(Path(graph), workers=workers)
