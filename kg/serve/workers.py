"""The query workers of ``kg serve``: processes that hold the store, and the server's pool of them.

pyoxigraph cannot interrupt a running query, so queries never run in the server's process: each
worker answers one request at a time over a socket pair, and a worker whose request outlives the
time limit is killed (``SIGKILL``) and replaced. Messages are pickled, framed by an 8-byte length.

Two ways to start workers:

* ``ForkServer`` (a graph file in memory): a process forked from the server before it serves
  anything loads the file into a pyoxigraph store, then only forks workers when asked. Every
  worker is forked from that single-threaded process, so none inherits a lock held by another
  thread, and each starts at once with the store already loaded (shared copy-on-write).
* ``spawn_worker`` (a store on disk): a spawned process that opens the store read-only (RocksDB
  must not be forked once open; several processes may open it read-only).

The pool of workers the server sends requests to is ``kg.serve.pool.WorkerPool``.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import socket
import stat
import struct
import threading
from collections.abc import Callable, Sequence

from kg import errors
from kg.errors import GraphError, KgError

STARTUP_TIMEOUT = 120.0  # seconds for a spawned worker to open its store
HEADER = struct.Struct("!Q")
_CHUNK = 1 << 20


# ---------------------------------------------------------------- framing (both sides)


def send_message(sock: socket.socket, message: object) -> None:
    """Send ``message`` (pickled, length-prefixed) on a blocking socket."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(HEADER.pack(len(data)) + data)


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    buffer = bytearray()
    while len(buffer) < size:
        chunk = sock.recv(min(size - len(buffer), _CHUNK))
        if not chunk:
            raise EOFError("the other end closed the connection")
        buffer += chunk
    return bytes(buffer)


def receive_message(sock: socket.socket) -> object:
    """The next message on a blocking socket (``EOFError`` when the other end is gone)."""
    (size,) = HEADER.unpack(_read_exactly(sock, HEADER.size))
    return pickle.loads(_read_exactly(sock, size))


# ---------------------------------------------------------------- in a worker process


ERROR_CLASSES: dict[str, type[KgError]] = {
    name: cls for name, cls in vars(errors).items() if isinstance(cls, type) and issubclass(cls, KgError)
}


def register_error(cls: type[KgError]) -> type[KgError]:
    """Let errors of class ``cls`` (defined outside ``kg.errors``) cross from a worker with their class."""
    ERROR_CLASSES[cls.__name__] = cls
    return cls


class Channel:
    """The worker's end of its socket: whole messages in (buffered: usually one read per request) and out."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()

    def receive(self) -> object:
        """The next message (``EOFError`` when the server has gone)."""
        buffer = self.buffer
        while True:
            if len(buffer) >= HEADER.size:
                (size,) = HEADER.unpack_from(buffer)
                end = HEADER.size + size
                if len(buffer) >= end:
                    with memoryview(buffer) as view, view[HEADER.size : end] as body:
                        message = pickle.loads(body)
                    del buffer[:end]
                    return message
            chunk = self.sock.recv(_CHUNK)
            if not chunk:
                raise EOFError("the server closed the connection")
            buffer += chunk

    def send(self, message: object) -> None:
        send_message(self.sock, message)


def worker_loop(sock: socket.socket, handler: Callable[[object], object]) -> None:
    """Answer requests until the server closes the socket: ("ok", value) or ("error", class, message)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server handles Ctrl-C and ends its workers
    channel = Channel(sock)
    channel.send(("ready",))
    while True:
        try:
            request = channel.receive()
        except (EOFError, OSError):
            return
        try:
            message: tuple = ("ok", handler(request))
        except KgError as exc:
            message = ("error", type(exc).__name__, str(exc))
        except Exception as exc:  # noqa: BLE001 - reported to the server rather than lost
            message = ("error", "QueryError", f"query failed: {type(exc).__name__}: {exc}")
        try:
            channel.send(message)
        except (OSError, pickle.PicklingError):
            return


def _let_go_of_sockets(keep: list[int]) -> None:
    """Put /dev/null over every inherited socket but ``keep`` (the listening port, clients, other workers' pipes).

    The descriptor numbers stay taken, so a Python object of the server that still names one can
    only ever close /dev/null, never a file this process opens later.
    """
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # not Linux: probe the usual range
        fds = list(range(3, 1024))
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in fds:
            if fd <= 2 or fd == devnull or fd in keep:
                continue
            try:
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.dup2(devnull, fd)
            except OSError:
                continue
    finally:
        os.close(devnull)


# ---------------------------------------------------------------- the server's handle on a worker


class Worker:
    """One worker process: its pid, and the server's end of its socket."""

    def __init__(self, sock: socket.socket, pid: int, reap: Callable[[], None] | None = None) -> None:
        self.sock = sock
        self.pid = pid
        self._reap = reap  # for a child of the server (spawned): join it once killed

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Wait for the worker's "ready"; ``GraphError`` (and the worker killed) if it fails to start."""
        self.sock.settimeout(timeout)
        try:
            message = receive_message(self.sock)
        except TimeoutError:
            self.kill()
            raise GraphError(f"a query worker did not start within {timeout:g} s") from None
        except (EOFError, OSError):
            self.kill()
            raise GraphError("a query worker died while starting (is the graph or store usable?)") from None
        if message[0] != "ready":
            self.kill()
            raise ERROR_CLASSES.get(message[1], GraphError)(message[2])
        self.sock.setblocking(False)

    def kill(self) -> None:
        """End the process and close the socket (no-op when already done)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(self.pid, signal.SIGKILL)
        self.sock.close()
        if self._reap is not None:
            self._reap()


def spawn_worker(target: Callable[..., None], *args: object) -> Worker:
    """A spawned process running ``target(sock, *args)`` (a fresh interpreter: nothing inherited)."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()  # a socket pair on POSIX
    process = context.Process(target=_spawned, args=(theirs, target, args), daemon=True, name="kg-serve-worker")
    process.start()
    theirs.close()
    sock = socket.socket(fileno=os.dup(ours.fileno()))
    ours.close()
    return Worker(sock, process.pid or 0, reap=lambda: process.join(5))


def _spawned(conn, target: Callable[..., None], args: tuple) -> None:  # noqa: ANN001
    sock = socket.socket(fileno=os.dup(conn.fileno()))
    conn.close()
    target(sock, *args)


class ForkServer:
    """A process that runs ``prepare()`` (e.g. loads the graph) and then forks workers on request.

    ``prepare()`` returns what the server should know (e.g. the number of quads: ``info``) and the
    function each forked worker runs with its socket to the server (e.g. ``worker_loop`` with a
    request handler). Its ``KgError`` is raised again in the server. ``keep``: inherited file
    descriptors the workers need (e.g. the listening socket of HTTP workers).
    """

    def __init__(
        self, prepare: Callable[[], tuple[object, Callable[[socket.socket], None]]], keep: Sequence[int] = ()
    ) -> None:
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # the fork server
            code = 0
            try:
                ours.close()
                self._run(theirs, prepare, list(keep))
            except BaseException:  # noqa: BLE001 - never return into the server's code
                code = 1
            finally:
                os._exit(code)
        theirs.close()
        self.pid = pid
        self._sock = ours
        self._lock = threading.Lock()
        try:
            message = receive_message(ours)
        except (EOFError, OSError):
            self.close()
            raise GraphError("the process loading the graph died") from None
        except BaseException:  # Ctrl-C while loading
            self.close()
            raise
        if message[0] != "ready":
            self.close()
            raise ERROR_CLASSES.get(message[1], GraphError)(message[2])
        self.info = message[1]

    @staticmethod
    def _run(
        sock: socket.socket, prepare: Callable[[], tuple[object, Callable[[socket.socket], None]]], keep: list[int]
    ) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _let_go_of_sockets([sock.fileno(), *keep])
        try:
            info, main = prepare()
        except KgError as exc:
            send_message(sock, ("error", type(exc).__name__, str(exc)))
            return
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped as they end
        send_message(sock, ("ready", info))
        while sock.recv(1):
            ours, theirs = socket.socketpair()
            pid = os.fork()
            if pid == 0:  # a worker
                try:
                    sock.close()
                    ours.close()
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    main(theirs)
                finally:
                    os._exit(0)
            theirs.close()
            socket.send_fds(sock, [str(pid).encode()], [ours.fileno()])
            ours.close()

    def start_worker(self) -> Worker:
        """A new worker, forked by the fork server (``GraphError`` if the fork server is gone)."""
        with self._lock:
            try:
                self._sock.sendall(b"w")
                data, fds, _, _ = socket.recv_fds(self._sock, 32, 1)
            except OSError:
                raise GraphError("the process that starts query workers is gone") from None
        if not fds:
            raise GraphError("the process that starts query workers is gone")
        return Worker(socket.socket(fileno=fds[0]), int(data))

    def close(self) -> None:
        """End the fork server."""
        self._sock.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
