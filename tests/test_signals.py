"""kg.signals: a held Ctrl-C is delivered on release; an ignored one is dropped."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from kg.signals import hold, ignored, release

pytestmark = pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks only")


def test_a_ctrl_c_held_is_delivered_on_release():
    held = hold()
    try:
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # pending for this thread: no KeyboardInterrupt yet
        reached = True
    finally:
        with pytest.raises(KeyboardInterrupt):
            release(held)
    assert reached
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())  # the mask is back


def test_a_ctrl_c_during_ignored_is_dropped_and_the_handler_comes_back():
    before = signal.getsignal(signal.SIGINT)
    with ignored():
        os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is before
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)  # (the handler runs at once; the sleep is cut short by it)
