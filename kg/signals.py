"""Holding Ctrl-C (SIGINT) and SIGTERM back around steps that must not be cut in the middle.

Two ways, for two needs:

- ``held = hold()`` ... ``release(held)``: the signals are blocked for this thread and what it
  starts (a fork, a process, a Dask worker inherits the block) and delivered on release, where the
  handler runs (a build must still stop). Used around ``os.fork`` and ``Popen`` (a signal arriving
  inside them would be lost, or leave a child the caller does not know of).
- ``with ignored():``: the signals are dropped while a few renames run (a few milliseconds).
  Once the renames are done the outputs are complete, so a Ctrl-C pressed meanwhile has nothing
  left to stop.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Collection, Iterator

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name))

Held = set[int] | None  # the signal mask to go back to (None: nothing was blocked)


def hold(signals: Collection[int] = STOP_SIGNALS) -> Held:
    """Block ``signals`` for the calling thread; return what ``release`` needs (None where there is
    no signal mask, e.g. on Windows)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, set(signals))


def release(held: Held) -> None:
    """Restore the mask ``hold`` saved: a signal that arrived meanwhile is delivered now."""
    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def unblock(signals: Collection[int] = STOP_SIGNALS) -> None:
    """Unblock ``signals`` (in a child started while they were held)."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, set(signals))


@contextlib.contextmanager
def ignored() -> Iterator[None]:
    """Drop Ctrl-C and SIGTERM while the block runs (only in the main thread, where handlers live)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            if handler is None:
                handler = signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL
            signal.signal(signum, handler)
