"""Run a ``kg serve`` app under uvicorn in a background thread (tests, benchmarks, embedding).

with background_server(app) as url:    # "http://127.0.0.1:PORT" on a free port
    ...

``QuietServer`` is what ``kg serve`` runs in the foreground: Ctrl-C or SIGTERM asks it to finish
the answers in progress and stop, without uvicorn's re-raised signal and traceback.
``KgHttpProtocol`` is uvicorn's httptools protocol answering what it cannot parse with kg's JSON
error rather than plain text: 414 for a URL longer than the parser's 64 KiB, else 400.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from kg.errors import KgError

MAX_URL = 65_535  # bytes: httptools cannot parse a longer URL


class KgHttpProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol (httptools) with kg's JSON errors for requests that do not parse."""

    _url_too_long = False

    def on_url(self, url: bytes) -> None:  # noqa: D102
        super().on_url(url)
        if len(self.url) > MAX_URL:
            self._url_too_long = True
            raise ValueError("URL too long")  # the parser stops: send_400_response answers

    def send_400_response(self, msg: str) -> None:  # noqa: D102
        from kg.serve.guard import error_body

        if self._url_too_long:
            status, reason, code = 414, b"URI Too Long", "uri-too-long"
            msg = f"the URL is longer than {MAX_URL:,} bytes; send a long query in the body of a POST"
        else:
            status, reason, code = 400, b"Bad Request", "bad-request"
        body = json.dumps(error_body(status, code, msg), separators=(",", ":")).encode("utf-8")
        head = [b"HTTP/1.1 %d %s\r\n" % (status, reason)]
        head += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
        head += [b"content-type: application/json\r\n", b"content-length: %d\r\n" % len(body),
                 b"x-content-type-options: nosniff\r\n", b"connection: close\r\n\r\n"]  # fmt: skip
        self.transport.write(b"".join(head) + body)
        self.transport.close()


class QuietServer(uvicorn.Server):
    """uvicorn's server, but a signal only asks it to stop; ``stopped_by`` records which one.

    ``on_started()``, if set, is called in the event loop once the server listens.
    """

    stopped_by: int | None = None
    on_started: Callable[[], None] | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:  # noqa: D102
        await super().startup(sockets=sockets)
        if self.on_started is not None:
            self.on_started()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self._stop) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _stop(self, sig: int, frame: object) -> None:
        if self.stopped_by is not None:
            self.force_exit = True  # a second Ctrl-C: do not wait for open connections
        self.stopped_by = sig
        self.should_exit = True


@contextlib.contextmanager
def background_server(app, host: str = "127.0.0.1", *, startup_timeout: float = 30.0) -> Iterator[str]:  # noqa: ANN001
    """Serve ``app`` on a free port of ``host`` while the block runs; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # see kg.serve._listen
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", http=KgHttpProtocol)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="kg-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise KgError(f"the server did not start on {host}:{port}")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
