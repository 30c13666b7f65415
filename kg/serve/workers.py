"""Query worker processes for ``kg serve``: answers in parallel, and a query past its time limit is killed.

A ``WorkerPool`` keeps ``count`` processes, each answering one request at a time over a pipe
(``worker_loop``). ``call`` hands a request to an idle worker and waits at most ``timeout``
seconds; a worker that does not answer in time is killed and replaced in the background, and the
caller gets ``QueryTimeout``. Errors raised in a worker come back as the same ``kg.errors`` class.
"""

from __future__ import annotations

import queue
import signal
import threading
import time
from collections.abc import Callable

from kg import errors
from kg.errors import GraphError, KgError, QueryError, QueryTimeout

STARTUP_TIMEOUT = 120.0  # seconds for a worker to get ready (import, open or load the graph)


def worker_loop(conn, handler: Callable[[object], object]) -> None:  # noqa: ANN001
    """In a worker process: say "ready", then answer each request with ``handler`` until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server handles Ctrl-C and ends its workers
    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            message = ("ok", handler(request))
        except KgError as exc:
            message = ("error", type(exc).__name__, str(exc))
        except Exception as exc:  # noqa: BLE001 - reported to the server rather than lost
            message = ("error", "QueryError", f"query failed: {type(exc).__name__}: {exc}")
        try:
            conn.send(message)
        except (OSError, ValueError):
            return


class Worker:
    """One worker process and the server's end of its pipe."""

    def __init__(self, context, target: Callable, args: tuple) -> None:  # noqa: ANN001
        self.conn, child = context.Pipe()
        self.process = context.Process(target=target, args=(child, *args), daemon=True, name="kg-serve-worker")
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Wait for the worker's "ready"; ``GraphError`` (and the worker killed) if it fails to start."""
        try:
            if not self.conn.poll(timeout):
                raise GraphError(f"a query worker did not start within {timeout:g} s")
            message = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise GraphError("a query worker died while starting (is the graph or store usable?)") from None
        except GraphError:
            self.kill()
            raise
        if message[0] != "ready":
            self.kill()
            raise GraphError(message[2] if len(message) > 2 else "a query worker failed to start")

    def kill(self) -> None:
        """End the process (no-op when it has ended)."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """``count`` workers made by ``start()``; ``call(request, timeout)`` runs a request on an idle one."""

    def __init__(self, start: Callable[[], Worker], count: int) -> None:
        self._start = start
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._closed = False
        workers = [start() for _ in range(count)]
        try:
            for worker in workers:
                worker.wait_ready()
        except GraphError:
            for worker in workers:
                worker.kill()
            raise
        for worker in workers:
            self._idle.put(worker)

    def close(self) -> None:
        """End the idle workers (busy ones end when their answer comes back)."""
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return

    def _release(self, worker: Worker) -> None:
        if self._closed:
            worker.kill()
        else:
            self._idle.put(worker)

    def _replace(self) -> None:
        """Start a worker in place of a killed one, in the background (the client is not kept waiting)."""

        def start() -> None:
            try:
                worker = self._start()
                worker.wait_ready()
            except (GraphError, OSError):
                return
            self._release(worker)

        threading.Thread(target=start, name="kg-serve-restart", daemon=True).start()

    def call(self, request: object, timeout: float | None, timeout_error: Callable[[], QueryTimeout]) -> object:
        """The worker's answer to ``request``; raises what the worker raised, or ``timeout_error()``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise timeout_error() from None
        try:
            worker.conn.send(request)
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not worker.conn.poll(left):
                worker.kill()
                self._replace()
                raise timeout_error()
            message = worker.conn.recv()
        except (EOFError, OSError):
            worker.kill()
            self._replace()
            raise QueryError("query failed: the query worker process died") from None
        self._release(worker)
        if message[0] == "ok":
            return message[1]
        error = getattr(errors, message[1], None)
        if not (isinstance(error, type) and issubclass(error, QueryError)):
            error = QueryError
        raise error(message[2])
