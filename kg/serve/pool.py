"""The server's pool of query workers (``kg.serve.workers``): ``await call(request, timeout)``.

The event loop watches each worker's socket (a reader registered once per loop) and resolves the
answer awaited when a whole message has arrived: no thread, task or timer per read. A request
waits for an idle worker (first come, first served); a worker past the time limit is killed and a
new one started in the background.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import pickle
import threading
from collections.abc import Callable

from kg.errors import KgError, QueryError, QueryTimeout
from kg.serve.workers import ERROR_CLASSES, HEADER, Worker

_READ = 1 << 20


class _Expired(Exception):
    """The time limit of the request in progress was reached."""


class _Link:
    """The server's end of one worker: the bytes read so far and the answer awaited."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.fd = worker.sock.fileno()
        self.buffer = bytearray()
        self.future: asyncio.Future | None = None
        self.loop: asyncio.AbstractEventLoop | None = None  # where the socket is watched


class WorkerPool:
    """``count`` workers made by ``start()``; ``await call(request, timeout)`` runs a request on an idle one."""

    def __init__(self, start: Callable[[], Worker], count: int) -> None:
        self._start = start
        self._lock = threading.Lock()
        self._idle: collections.deque[_Link] = collections.deque()
        self._waiters: collections.deque[asyncio.Future] = collections.deque()
        self._busy: set[_Link] = set()
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
        self._idle.extend(_Link(worker) for worker in workers)

    @property
    def size(self) -> int:
        """Workers alive (idle or busy)."""
        with self._lock:
            return len(self._idle) + len(self._busy)

    def close(self) -> None:
        """End every worker."""
        with self._lock:
            self._closed = True
            links = [*self._idle, *self._busy]
            self._idle.clear()
            self._busy.clear()
        for link in links:
            self._kill(link)

    # ------------------------------------------------------------ the sockets, read by the event loop

    def _watch(self, link: _Link, loop: asyncio.AbstractEventLoop) -> None:
        if link.loop is not loop:
            self._unwatch(link)
            loop.add_reader(link.fd, self._readable, link)
            link.loop = loop

    @staticmethod
    def _unwatch(link: _Link) -> None:
        if link.loop is not None:
            with contextlib.suppress(Exception):  # a loop that has ended
                link.loop.remove_reader(link.fd)
            link.loop = None

    def _readable(self, link: _Link) -> None:
        try:
            chunk = link.worker.sock.recv(_READ)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:  # the worker died
            self._unwatch(link)
            if link.future is not None and not link.future.done():
                link.future.set_exception(EOFError("the worker closed the connection"))
            else:
                with self._lock:
                    idle = link in self._idle
                    if idle:
                        self._idle.remove(link)
                if idle:
                    self._kill(link)
                    self._replace()
            return
        link.buffer += chunk
        if len(link.buffer) < HEADER.size:
            return
        (size,) = HEADER.unpack_from(link.buffer)
        end = HEADER.size + size
        if len(link.buffer) < end:
            return
        with memoryview(link.buffer) as view, view[HEADER.size : end] as body:
            message = pickle.loads(body)
        del link.buffer[:end]
        future, link.future = link.future, None
        if future is not None and not future.done():
            future.set_result(message)

    # ------------------------------------------------------------ handing workers out

    def _release(self, link: _Link) -> None:
        """Give ``link`` to the first waiting request, or put it back among the idle ones (any thread)."""
        with self._lock:
            self._busy.discard(link)
            if self._closed:
                waiter = None
            elif self._waiters:
                waiter = self._waiters.popleft()
                self._busy.add(link)
            else:
                self._idle.append(link)
                return
        if waiter is None:
            self._kill(link)
            return
        loop = waiter.get_loop()
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._hand_over(waiter, link)
        else:
            loop.call_soon_threadsafe(self._hand_over, waiter, link)

    def _hand_over(self, waiter: asyncio.Future, link: _Link) -> None:
        if waiter.done():  # the request gave up waiting: the next one gets the worker
            self._release(link)
        else:
            waiter.set_result(link)

    def _kill(self, link: _Link) -> None:
        self._unwatch(link)
        link.worker.kill()

    def _replace(self) -> None:
        """Start a worker in place of a killed one, in the background (the client is not kept waiting)."""

        def start() -> None:
            try:
                worker = self._start()
                worker.wait_ready()
            except (KgError, OSError):
                return
            link = _Link(worker)
            with self._lock:
                self._busy.add(link)
            self._release(link)

        threading.Thread(target=start, name="kg-serve-restart", daemon=True).start()

    def _discard(self, link: _Link) -> None:
        with self._lock:
            self._busy.discard(link)
            closed = self._closed
        self._kill(link)
        if not closed:
            self._replace()

    async def _acquire(self, loop: asyncio.AbstractEventLoop, timeout: float | None) -> _Link:
        with self._lock:
            if self._closed:
                raise QueryError("the server is shutting down")
            if self._idle:
                link = self._idle.popleft()
                self._busy.add(link)
                return link
            waiter = loop.create_future()
            self._waiters.append(waiter)
        timer = None if timeout is None else loop.call_later(timeout, _expire, waiter)
        try:
            return await waiter
        finally:
            if timer is not None:
                timer.cancel()

    # ------------------------------------------------------------ a request

    async def call(self, request: object, timeout: float | None, timeout_error: Callable[[], QueryTimeout]) -> object:
        """The worker's answer to ``request``; raises what the worker raised, or ``timeout_error()``."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        frame = HEADER.pack(len(data)) + data
        try:
            link = await self._acquire(loop, timeout)
        except _Expired:
            raise timeout_error() from None
        self._watch(link, loop)
        future = link.future = loop.create_future()
        timer = None
        try:
            try:
                sent = link.worker.sock.send(frame)
            except BlockingIOError:
                sent = 0
            if sent < len(frame):
                await loop.sock_sendall(link.worker.sock, frame[sent:])
            if deadline is not None:
                timer = loop.call_later(max(0.0, deadline - loop.time()), _expire, future)
            message = await future
        except _Expired:
            self._discard(link)
            raise timeout_error() from None
        except (EOFError, OSError):
            self._discard(link)
            raise QueryError("query failed: the query worker process died") from None
        except BaseException:  # cancelled mid-answer: the worker's state is unknown
            self._discard(link)
            raise
        finally:
            if timer is not None:
                timer.cancel()
        self._release(link)
        if message[0] == "ok":
            return message[1]
        raise ERROR_CLASSES.get(message[1], QueryError)(message[2])


def _expire(future: asyncio.Future) -> None:
    if not future.done():
        future.set_exception(_Expired())
