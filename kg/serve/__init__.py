"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint, a query page and readable entity pages.

    create_app(graph=Path("exports/graph.trig"))           # a Starlette app (ASGI), for tests and embedding
    serve(graph=Path("exports/graph.trig"), port=8000)     # blocking: runs it under uvicorn

The endpoint answers on kg's one engine (``kg.query``, Oxigraph): the graph file loaded into an
in-memory store, or an Oxigraph store folder (``store=``) opened read-only, queried by killable
worker processes (``kg.serve.backend``). See docs/serve.md.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import KgError

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["create_app", "serve"]


def create_app(
    *,
    graph: Path | None = None,
    store: Path | None = None,
    timeout: float | None = 30.0,
    max_rows: int | None = 10_000,
    cors: bool = False,
    backend=None,  # noqa: ANN001 - a kg.serve.backend.Backend
) -> Starlette:
    """The ASGI application over a graph file (``graph``) or an Oxigraph store folder (``store``).

    ``cors`` lets web pages of any origin query the endpoint (GET and POST).
    """
    from kg.serve.app import create_app as _create

    return _create(graph=graph, store=store, backend=backend, timeout=timeout, max_rows=max_rows, cors=cors)


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port``; ``KgError`` when it cannot be had (e.g. the port is taken).

    Made as a TCP socket explicitly (``IPPROTO_TCP``): asyncio turns Nagle's algorithm off only on
    such sockets, and with it on, a keep-alive client waits ~40 ms for every answer (delayed ACKs).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise KgError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def serve(
    *,
    graph: Path | None,
    store: Path | None,
    host: str = "127.0.0.1",
    port: int = 8000,
    timeout: float = 30.0,
    max_rows: int = 10_000,
    root_path: str = "",
    cors: bool = False,
) -> None:
    """Load the graph (or open the store) and serve it until interrupted (uvicorn; blocking).

    ``root_path`` is the path prefix when a reverse proxy mounts the server below ``/`` (e.g. ``/kg``);
    ``cors`` allows cross-origin queries. Raises ``KgError`` subclasses when the graph or store
    cannot be used or the address cannot be listened on. Ctrl-C or SIGTERM shuts the server down
    gracefully (answers in progress are finished, the workers ended); uvicorn then re-raises the
    signal (``KeyboardInterrupt`` for Ctrl-C) for the caller to turn into an exit code.
    """
    import uvicorn

    from kg.serve.server import QuietServer

    sock = _listen(host, port)  # before loading: a taken port fails fast
    try:
        app = create_app(graph=graph, store=store, timeout=timeout, max_rows=max_rows, cors=cors)
    except BaseException:
        sock.close()
        raise
    backend = app.state.kg.backend
    try:
        config = uvicorn.Config(app, host=host, port=port, root_path=root_path, log_level="info", lifespan="off")
        logging.getLogger("uvicorn.error").info(
            "kg serve: %s; time limit %g s, row cap %d; SPARQL endpoint at http://%s:%d%s/sparql",
            backend.description,
            timeout,
            max_rows,
            host,
            port,
            root_path,
        )
        server = QuietServer(config)
        server.run(sockets=[sock])
        if server.stopped_by is not None:  # Ctrl-C or SIGTERM: shut down cleanly, then tell the caller
            raise KeyboardInterrupt
    finally:
        backend.close()
        sock.close()
