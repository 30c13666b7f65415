"""The server's pool of query workers (``kg.serve.workers``): ``await call(request, timeout)``.

The server's event loop waits for an idle worker and for its answer without a thread per
request. A worker past the time limit is killed and a new one started in the background.
"""

from __future__ import annotations

import asyncio
import collections
import pickle
import threading
from collections.abc import Callable

from kg.errors import KgError, QueryError, QueryTimeout
from kg.serve.workers import ERROR_CLASSES, HEADER, Worker, receive_async


class WorkerPool:
    """``count`` workers made by ``start()``; ``await call(request, timeout)`` runs a request on an idle one."""

    def __init__(self, start: Callable[[], Worker], count: int) -> None:
        self._start = start
        self._lock = threading.Lock()
        self._idle: collections.deque[Worker] = collections.deque()
        self._waiters: collections.deque[asyncio.Future] = collections.deque()
        self._busy: set[Worker] = set()
        self._closed = False
        workers: list[Worker] = []
        try:
            for _ in range(count):
                workers.append(start())
            for worker in workers:
                worker.wait_ready()
        except BaseException:
            for worker in workers:
                worker.kill()
            raise
        self._idle.extend(workers)

    @property
    def size(self) -> int:
        """Workers alive (idle or busy)."""
        with self._lock:
            return len(self._idle) + len(self._busy)

    def close(self) -> None:
        """End every worker."""
        with self._lock:
            self._closed = True
            workers = [*self._idle, *self._busy]
            self._idle.clear()
            self._busy.clear()
        for worker in workers:
            worker.kill()

    def _release(self, worker: Worker) -> None:
        """Give ``worker`` to the first waiting request, or put it back among the idle ones (any thread)."""
        with self._lock:
            self._busy.discard(worker)
            if self._closed:
                closed = True
            else:
                closed = False
                if self._waiters:
                    waiter = self._waiters.popleft()
                    self._busy.add(worker)
                    waiter.get_loop().call_soon_threadsafe(self._hand_over, waiter, worker)
                else:
                    self._idle.append(worker)
        if closed:
            worker.kill()

    def _hand_over(self, waiter: asyncio.Future, worker: Worker) -> None:
        if waiter.done():  # the request gave up waiting: the next one gets the worker
            self._release(worker)
        else:
            waiter.set_result(worker)

    def _replace(self) -> None:
        """Start a worker in place of a killed one, in the background (the client is not kept waiting)."""

        def start() -> None:
            try:
                worker = self._start()
                worker.wait_ready()
            except (KgError, OSError):
                return
            with self._lock:
                self._busy.add(worker)
            self._release(worker)

        threading.Thread(target=start, name="kg-serve-restart", daemon=True).start()

    def _discard(self, worker: Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
        worker.kill()
        if not self._closed:
            self._replace()

    async def _acquire(self, timeout: float | None) -> Worker:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._closed:
                raise QueryError("the server is shutting down")
            if self._idle:
                worker = self._idle.popleft()
                self._busy.add(worker)
                return worker
            waiter = loop.create_future()
            self._waiters.append(waiter)
        return await asyncio.wait_for(waiter, timeout)

    async def call(self, request: object, timeout: float | None, timeout_error: Callable[[], QueryTimeout]) -> object:
        """The worker's answer to ``request``; raises what the worker raised, or ``timeout_error()``."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        try:
            worker = await self._acquire(timeout)
        except TimeoutError:
            raise timeout_error() from None
        try:
            data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
            await loop.sock_sendall(worker.sock, HEADER.pack(len(data)) + data)
            left = None if deadline is None else max(0.0, deadline - loop.time())
            message = await asyncio.wait_for(receive_async(loop, worker.sock), left)
        except TimeoutError:
            self._discard(worker)
            raise timeout_error() from None
        except (EOFError, OSError):
            self._discard(worker)
            raise QueryError("query failed: the query worker process died") from None
        except BaseException:  # cancelled mid-answer: the worker's state is unknown
            self._discard(worker)
            raise
        self._release(worker)
        if message[0] == "ok":
            return message[1]
        raise ERROR_CLASSES.get(message[1], QueryError)(message[2])
