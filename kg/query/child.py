"""Running a function in a forked child process that is killed at a time limit.

``run_in_child(func, args, timeout)`` returns ``func(*args)`` or raises ``QueryTimeout`` after
``timeout`` seconds (the child is killed, so a runaway query stops using the CPU). kg's query
errors raised in the child are raised again in the parent with the same class and message. The
answer comes back pickled through a pipe (a ``QueryResult`` pickles as its TSV or N-Triples bytes).
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from typing import Any

from kg.errors import KgError, QueryError, QuerySyntaxError, QueryTimeout, UnknownQuery, UpdateRefused

_ERRORS = {cls.__name__: cls for cls in (QueryError, QuerySyntaxError, QueryTimeout, UpdateRefused, UnknownQuery)}


def timeout_error(timeout: float) -> QueryTimeout:
    """The error of a query stopped at its limit."""
    return QueryTimeout(f"query stopped after {timeout:g} s (--timeout {timeout:g}); simplify it or allow more time")


def check_timeout(timeout: float | None) -> None:
    """``QueryError`` unless ``timeout`` is None or a positive number of seconds."""
    if timeout is not None and not timeout > 0:
        raise QueryError(f"the timeout must be a positive number of seconds, got {timeout:g}")


def _child(conn, func: Callable[..., Any], args: tuple) -> None:  # noqa: ANN001
    """In the forked child: run ``func`` and send ("ok", value) or ("error", class name, message)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and kills this process
    try:
        message: tuple = ("ok", func(*args))
    except KgError as exc:
        message = ("error", type(exc).__name__, str(exc))
    except BaseException as exc:  # noqa: BLE001 - report anything to the parent rather than die silently
        message = ("error", "QueryError", f"query failed: {type(exc).__name__}: {exc}")
    try:
        conn.send(message)
    finally:
        conn.close()


def run_in_child(func: Callable[..., Any], args: tuple, timeout: float) -> Any:  # noqa: ANN401
    """``func(*args)`` in a forked process killed after ``timeout`` seconds (``QueryTimeout``)."""
    check_timeout(timeout)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, func, args), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise timeout_error(timeout)
        try:
            message = receiver.recv()
        except EOFError:
            process.join(1)
            raise QueryError(f"query failed: the worker process died (exit code {process.exitcode})") from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if message[0] == "ok":
        return message[1]
    _, name, text = message
    raise _ERRORS.get(name, QueryError)(text)
