"""``kg serve`` as pre-forked HTTP workers: each worker process answers HTTP and runs its queries itself.

    kg serve (supervisor) ── fork server (loads the graph once) ──┬── HTTP worker 1 (uvicorn + the app)
                                                                └── HTTP worker 2 ...

The supervisor opens the listening socket and starts a fork server (``kg.serve.workers.ForkServer``)
that loads the graph file into an in-memory pyoxigraph store (or, for a store folder, opens
nothing). The fork server forks the HTTP workers, one per core: each runs uvicorn with kg's app on
the shared listening socket, its store shared copy-on-write (a store folder is opened read-only by
each worker), and answers the jobs of its requests on a few threads of its own (``LocalBackend``;
pyoxigraph lets go of the GIL while it evaluates, so a long query does not hold up the others).
A request travels client -> worker -> client, as with ``oxigraph serve``: nothing crosses between
processes.

pyoxigraph cannot stop a running query, so a query past the time limit ends its worker: the
client gets its 503, the worker stops taking connections, finishes its other requests on new
threads and exits (the runaway query with it), and the supervisor has the fork server start
another. Ctrl-C or SIGTERM stops the workers gracefully, then the supervisor.

One snapshot: a graph file is loaded once, so every worker serves the same graph whatever happens
to the file. A store folder is opened by each worker; when a build replaces it (``kg build
--store`` swaps in a new folder), the supervisor sees it within half a second
(``store_generation``) and reloads all workers together: the old ones stop taking connections
and finish their answers, and only then do new ones open the new store. A worker
replaced after a time-out thus never opens a newer store than the others serve.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import selectors
import signal
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KgError
from kg.serve.backend import Backend, default_workers, store_generation, timeout_error
from kg.serve.guard import Limits
from kg.serve.workers import ForkServer, Worker, send_message

log = logging.getLogger("uvicorn.error")


QUERY_THREADS = 4  # per HTTP worker: a long query does not hold up the worker's other requests
RETIRE_LINGER = 1.0  # seconds a retiring worker waits for the requests of connections it has just taken
STACK_PER_CHARACTER = 4096  # bytes of a query thread's stack per character of the query cap (see query_stack)


def query_stack(max_query: int | None) -> int:
    """The stack size of a query thread: room for the deepest query the length cap lets through.

    Oxigraph's parser and evaluator recurse, up to ~2.7 KB of stack per character for nested
    braces: 20,000 of them overflow the usual 8 MiB and end the process with every request in it.
    The stack is address space reserved, not memory used (16 MiB to 1 GiB).
    """
    wanted = (max_query or 1 << 18) * STACK_PER_CHARACTER
    return min(max(wanted, 16 << 20), 1 << 30)


class QueryThreads(ThreadPoolExecutor):
    """A thread pool whose threads get a stack of ``stack`` bytes (other threads keep the default)."""

    def __init__(self, workers: int, stack: int) -> None:
        super().__init__(workers, thread_name_prefix="kg-query")
        self._stack = stack

    def _adjust_thread_count(self) -> None:  # where ThreadPoolExecutor starts its threads
        previous = threading.stack_size(self._stack)
        try:
            super()._adjust_thread_count()  # type: ignore[misc]
        finally:
            threading.stack_size(previous)


class LocalBackend(Backend):
    """Jobs answered in this process on query threads, within the time limit (an HTTP worker's backend).

    A job past the time limit raises ``QueryTimeout``; its thread cannot be stopped, so the next
    jobs get new threads and ``on_timeout()`` is called (the worker then ends).
    """

    def __init__(self, state: Callable[[object], object], description: str, on_timeout: Callable[[], None],
                 stack: int = 16 << 20) -> None:  # fmt: skip
        self._state = state
        self.description = description
        self._on_timeout = on_timeout
        self._stack = stack
        self._executor = QueryThreads(QUERY_THREADS, stack)

    async def run(self, job: object, timeout: float | None) -> object:  # noqa: D102
        answer = asyncio.get_running_loop().run_in_executor(self._executor, self._state, job)
        if timeout is None:
            return await answer
        try:
            return await asyncio.wait_for(answer, timeout)
        except TimeoutError:
            self._executor.shutdown(wait=False)  # the stuck thread runs on until the process ends
            self._executor = QueryThreads(QUERY_THREADS, self._stack)
            self._on_timeout()
            raise timeout_error(timeout) from None


@dataclass(frozen=True)
class ServeOptions:
    """What every HTTP worker needs to build its app and server."""

    timeout: float | None
    max_rows: int | None
    root_path: str = ""
    cors: bool = False
    limits: Limits = Limits()


def _http_worker(control: socket.socket, listen: socket.socket, open_state: Callable[[], object],
                 description: str, options: ServeOptions) -> None:  # fmt: skip
    """An HTTP worker (a child of the fork server): uvicorn with kg's app until told to stop or retired."""
    import uvicorn

    from kg.serve.app import create_app
    from kg.serve.server import KgHttpProtocol, QuietServer

    try:
        state = open_state()
    except KgError as exc:
        send_message(control, ("error", type(exc).__name__, str(exc)))
        return
    servers: list[QuietServer] = []

    def tell_supervisor() -> None:
        with contextlib.suppress(OSError):
            control.send(b"r")  # the supervisor starts a replacement now

    def retire(why: str = "a query hit the time limit", reload: bool = False) -> None:
        """Take no new connection; answer the requests of the connections taken, then end.

        The requests of connections accepted just before get ``RETIRE_LINGER`` seconds to arrive
        (uvicorn's shutdown closes connections without a request). A time-out has the replacement
        started at once; a reload only after the linger, so that no worker of the new store
        answers while this one still does.
        """
        log.warning("kg serve: %s; worker %d retires and another takes its place", why, os.getpid())
        for listening in getattr(servers[0], "servers", []):
            listening.close()
        if not reload:
            tell_supervisor()

        def stop() -> None:
            if reload:
                tell_supervisor()
            servers[0].should_exit = True  # uvicorn finishes the requests in progress, then returns

        asyncio.get_running_loop().call_later(RETIRE_LINGER, stop)

    def listen_to_supervisor() -> None:  # in the event loop: "l" asks for a reload (a new store)
        def readable() -> None:
            try:
                data = control.recv(64)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                data = b""
            if not data:  # the supervisor is gone
                asyncio.get_running_loop().remove_reader(control.fileno())
            elif b"l" in data:
                asyncio.get_running_loop().remove_reader(control.fileno())
                retire("the store was replaced", reload=True)

        asyncio.get_running_loop().add_reader(control.fileno(), readable)

    backend = LocalBackend(state, description, retire, query_stack(options.limits.max_query))  # type: ignore[arg-type]
    app = create_app(backend=backend, timeout=options.timeout, max_rows=options.max_rows, cors=options.cors,
                     limits=options.limits)  # fmt: skip
    grace = max(5, int(options.timeout or 0) + 1)  # the other requests in progress may finish
    config = uvicorn.Config(app, root_path=options.root_path, log_level="info", lifespan="off",
                            timeout_graceful_shutdown=grace, http=KgHttpProtocol)  # fmt: skip
    servers.append(QuietServer(config))
    servers[0].on_started = listen_to_supervisor
    send_message(control, ("ready",))
    servers[0].run(sockets=[listen])


def _in_memory(graph: Path, listen: socket.socket, options: ServeOptions):  # noqa: ANN202
    """The fork server's work for a graph file: load it once; each worker uses the loaded store."""

    def prepare() -> tuple[object, Callable[[socket.socket], None]]:
        from kg.serve.jobs import WorkerState
        from kg.store.oxstore import load_store

        store = load_store(graph)
        import kg.serve.app  # noqa: F401 - imported once here rather than in every worker

        description = f"{graph} (in memory, {len(store):,} quads)"

        def main(control: socket.socket) -> None:
            _http_worker(control, listen, lambda: WorkerState(store), description, options)

        return description, main

    return prepare


def _on_disk(folder: Path, description: str, listen: socket.socket, options: ServeOptions):  # noqa: ANN202
    """The fork server's work for a store folder: nothing; each worker opens the store read-only."""

    def prepare() -> tuple[object, Callable[[socket.socket], None]]:
        import kg.serve.app  # noqa: F401

        def open_state() -> object:
            from kg.serve.jobs import WorkerState
            from kg.store.oxstore import open_store

            return WorkerState(open_store(folder, read_only=True))

        def main(control: socket.socket) -> None:
            _http_worker(control, listen, open_state, description, options)

        return description, main

    return prepare


RELOAD_GRACE = 5.0  # seconds for old workers to stop taking connections before they are killed


class Supervisor:
    """Keeps ``count`` HTTP workers running until a signal asks it to stop.

    ``generation()`` (for a store folder) says which store the workers should serve; when it
    changes, all workers are replaced together (see the module's docstring).
    """

    def __init__(self, fork_server: ForkServer, count: int, generation: Callable[[], object] | None = None) -> None:
        self.fork_server = fork_server
        self.count = count
        self.workers: dict[int, Worker] = {}
        self.retiring: dict[int, Worker] = {}  # told us they are ending (a time-out, or a reload)
        self.stopped_by: int | None = None
        self._selector = selectors.DefaultSelector()
        self._retry_at = 0.0
        self._generation = generation
        self.pinned = generation() if generation is not None else None  # the store the workers serve
        self._served: dict[int, object] = {}  # worker pid -> the generation it opened
        self._reload_since: float | None = None

    def start(self) -> None:
        """Start one worker; raises when it cannot start."""
        worker = self.fork_server.start_worker()
        worker.wait_ready()
        self.workers[worker.pid] = worker
        self._served[worker.pid] = self.pinned
        self._selector.register(worker.sock, selectors.EVENT_READ, worker)
        if self.stopped_by is not None:  # the signal came while it started: it stops too
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGTERM)

    def stop(self, sig: int, frame: object = None) -> None:
        """Signal handler: ask the workers to stop (a second signal kills them)."""
        force = self.stopped_by is not None
        self.stopped_by = sig
        for pid in [*self.workers, *self.retiring]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL if force else signal.SIGTERM)

    def _reloading(self) -> bool:
        """Whether workers of an older store still take connections (after a build replaced the store)."""
        if self._generation is not None and self.stopped_by is None:
            now = self._generation()
            if now is not None and now != self.pinned:
                log.warning("kg serve: the store was replaced; all workers reload it")
                self.pinned, self._reload_since = now, time.monotonic()
                for worker in self.workers.values():
                    with contextlib.suppress(OSError):
                        worker.sock.send(b"l")  # stop taking connections, finish, exit
        old = [pid for pid in self.workers if self._served.get(pid) != self.pinned]
        if old and self._reload_since is not None and time.monotonic() - self._reload_since > RELOAD_GRACE:
            for pid in old:  # it did not let go in time; the end of its socket removes it
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        return bool(old)

    def run(self) -> None:
        """Until every worker has ended after a stop signal: replace the workers that end."""
        while self.workers or self.retiring or (self.stopped_by is None):
            for key, _ in self._selector.select(timeout=0.5):
                worker: Worker = key.data
                with contextlib.suppress(OSError):
                    if worker.sock.recv(64):  # "retiring": no longer counted, replaced at once
                        self.retiring[worker.pid] = self.workers.pop(worker.pid, worker)
                        continue
                self._selector.unregister(worker.sock)
                self.workers.pop(worker.pid, None)
                self.retiring.pop(worker.pid, None)
                self._served.pop(worker.pid, None)
                worker.sock.close()
            if self._reloading():  # new workers start once no old one takes connections
                continue
            missing = self.count - len(self.workers)
            if self.stopped_by is None and missing > 0 and time.monotonic() >= self._retry_at:
                try:
                    for _ in range(missing):
                        self.start()
                except (KgError, OSError) as exc:
                    log.error("kg serve: cannot start a worker (%s); trying again", exc)
                    self._retry_at = time.monotonic() + 1.0

    def close(self) -> None:
        """Kill what is left and end the fork server."""
        for worker in [*self.workers.values(), *self.retiring.values()]:
            worker.kill()
        self.workers.clear()
        self.retiring.clear()
        self._selector.close()
        self.fork_server.close()


def run_prefork(listen: socket.socket, *, graph: Path | None, store: Path | None, options: ServeOptions,
                log_line: Callable[[str], None], workers: int | None = None) -> int | None:  # fmt: skip
    """Serve on ``listen`` with pre-forked HTTP workers until a signal stops them; the signal number (or None).

    ``log_line(description)`` announces the server once the graph is loaded. Raises ``KgError``
    when the graph or store cannot be used.
    """
    from kg.query.sources import recorded_store
    from kg.serve.backend import check_graph_file, check_store_folder

    folder = Path(store) if store is not None else recorded_store(graph) if graph is not None else None
    if folder is not None:
        folder = check_store_folder(folder)
        built = "Oxigraph, on disk" if store is not None else f"built with {graph}"
        description = f"store {folder} ({built})"
        prepare = _on_disk(folder, description, listen, options)
    else:
        assert graph is not None
        prepare = _in_memory(check_graph_file(graph), listen, options)
    fork_server = ForkServer(prepare, keep=[listen.fileno()])
    generation = (lambda: store_generation(folder)) if folder is not None else None  # noqa: E731
    supervisor = Supervisor(fork_server, workers or default_workers(), generation)
    handled = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, supervisor.stop) for sig in handled}
    try:
        for _ in range(supervisor.count):
            supervisor.start()
        log_line(str(fork_server.info))
        supervisor.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        supervisor.close()
    return supervisor.stopped_by
