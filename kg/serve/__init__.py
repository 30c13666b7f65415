"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint, a query page and readable entity pages.

    create_app(graph=Path("exports/graph.trig"))           # a Starlette app (ASGI), for tests and embedding
    serve(graph=Path("exports/graph.trig"), port=8000)     # blocking: what the command ``kg serve`` runs

The endpoint answers on kg's one engine (``kg.query``, Oxigraph): the graph file loaded into an
in-memory store, or an Oxigraph store folder (``store=``) opened read-only. The command runs
pre-forked HTTP workers that query in their own process (``kg.serve.prefork``); ``create_app``'s
app sends its queries to a pool of worker processes (``kg.serve.backend``). In both, a query past
the time limit is stopped by ending its process. See docs/serve.md.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import KgError
from kg.serve.caps import MAX_BODY, MAX_QUERY

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
    limits=None,  # noqa: ANN001 - a kg.serve.guard.Limits
) -> Starlette:
    """The ASGI application over a graph file (``graph``) or an Oxigraph store folder (``store``).

    ``cors`` lets web pages of any origin query the endpoint (GET and POST). ``limits``
    (``kg.serve.guard.Limits``): the Host names answered to (the loopback names by default) and
    the caps on bodies (1 MiB) and queries (100,000 characters).
    """
    from kg.serve.app import create_app as _create

    return _create(
        graph=graph, store=store, backend=backend, timeout=timeout, max_rows=max_rows, cors=cors, limits=limits
    )


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
    max_body: int | None = MAX_BODY,
    max_query: int | None = MAX_QUERY,
    allow_hosts: Sequence[str] = (),
) -> None:
    """Load the graph (or open the store) and serve it until interrupted (uvicorn; blocking).

    With ``fork`` (Linux, macOS), HTTP worker processes are forked after the graph is loaded and
    each answers its own requests (``kg.serve.prefork``); elsewhere one uvicorn process sends the
    queries to worker processes (``create_app``). ``root_path`` is the path prefix when a reverse
    proxy mounts the server below ``/`` (e.g. ``/kg``); ``cors`` allows cross-origin queries.
    ``max_body`` caps request bodies and URLs (bytes: 413, 414), ``max_query`` the query text
    (characters); the Host header must name ``host``, a loopback name or one of ``allow_hosts``
    (``*``: any; any too when ``host`` is every address), else 421 (``kg.serve.guard``).
    With ``--store``, a build that replaces the store makes all workers reload it together.
    Raises ``KgError`` subclasses when the graph or store cannot be used or the address cannot be
    listened on. Ctrl-C or SIGTERM shuts the server down gracefully (answers in progress are
    finished, the workers ended), then raises ``KeyboardInterrupt`` for the caller to turn into an
    exit code.
    """
    import multiprocessing

    from kg.errors import QueryError

    if not timeout > 0:
        raise QueryError(f"the timeout must be a positive number of seconds, got {timeout:g}")
    if max_rows < 1:
        raise QueryError(f"the row cap must be at least 1, got {max_rows}")
    for value, what in ((max_body, "body cap"), (max_query, "query length cap")):
        if value is not None and value < 1:
            raise QueryError(f"the {what} must be at least 1, got {value}")
    if (graph is None) == (store is None):
        from kg.errors import GraphError

        raise GraphError("kg serve needs exactly one of a graph file (--graph) and an Oxigraph store (--store)")
    from kg.serve.guard import Limits, allowed_hosts

    limits = Limits(allowed_hosts(host, allow_hosts), max_body, max_query)
    sock = _listen(host, port)  # before loading: a taken port fails fast

    def announce(description: str) -> None:
        logging.getLogger("uvicorn.error").info(
            "kg serve: %s; time limit %g s, row cap %d; SPARQL endpoint at http://%s:%d%s/sparql",
            description, timeout, max_rows, host, port, root_path,
        )  # fmt: skip

    try:
        if "fork" in multiprocessing.get_all_start_methods():
            from kg.serve.prefork import ServeOptions, run_prefork

            _configure_logging()
            options = ServeOptions(timeout, max_rows, root_path, cors, limits)
            if run_prefork(sock, graph=graph, store=store, options=options, log_line=announce) is not None:
                raise KeyboardInterrupt
            return
        _serve_in_one_process(sock, graph, store, timeout, max_rows, root_path, cors, limits, announce)
    finally:
        sock.close()


def _configure_logging() -> None:
    """uvicorn's log format for the supervisor's lines (its workers configure the same)."""
    import uvicorn

    uvicorn.Config(app=None, log_level="info")  # type: ignore[arg-type] - configures logging only


def _serve_in_one_process(sock, graph, store, timeout, max_rows, root_path, cors, limits, announce) -> None:  # noqa: ANN001
    """Without fork: one uvicorn process, queries in spawned worker processes."""
    import uvicorn

    from kg.serve.server import KgHttpProtocol, QuietServer

    app = create_app(graph=graph, store=store, timeout=timeout, max_rows=max_rows, cors=cors, limits=limits)
    backend = app.state.kg.backend
    try:
        config = uvicorn.Config(app, root_path=root_path, log_level="info", lifespan="off", http=KgHttpProtocol)
        announce(backend.description)
        server = QuietServer(config)
        server.run(sockets=[sock])
        if server.stopped_by is not None:  # Ctrl-C or SIGTERM: shut down cleanly, then tell the caller
            raise KeyboardInterrupt
    finally:
        backend.close()
