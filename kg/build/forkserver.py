"""Start multiprocessing's fork server so that it imports the installed kg, whatever the current folder.

Python 3.11 starts the fork server as ``python -c ...``, which puts the current folder first on
``sys.path``, and imports the preloaded modules there (it ignores the parent's ``sys.path``). A
``kg/`` folder in the current folder (the parent of a clone, or another project) then shadows the
installed package, and every worker forked from the server inherits the wrong ``kg``. Starting
the server with ``PYTHONSAFEPATH=1`` keeps the current folder off its ``sys.path``; the workers
then take the parent's ``sys.path`` as usual.
"""

from __future__ import annotations

import os
from multiprocessing import forkserver

__all__ = ["start_forkserver"]


def start_forkserver(preload: list[str]) -> None:
    """Start the fork server (unless it runs) with ``preload`` imported and no current folder on its path."""
    forkserver.set_forkserver_preload(preload)
    saved = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()
    finally:
        if saved is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = saved
