"""What the commands read when given nothing, and what to say when it is not there.

Run outside a kg checkout, ``kg build`` finds no ``seeds/`` and ``kg query`` no
``exports/graph.trig``: the bare "no such file" of those defaults is replaced by what to pass.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.errors import KgError

__all__ = ["DEFAULT_GRAPH", "DEFAULT_OUT", "DEFAULT_SOURCES", "explain_missing_default"]

DEFAULT_SOURCES = ["seeds/"]
DEFAULT_OUT = "exports/"
DEFAULT_GRAPH = "exports/graph.trig"

_GRAPH_HINTS = {
    "validate": "pass the graph file: kg validate FILE",
    "serve": "pass --graph FILE or --store oxigraph:PATH",
    "query": "pass --graph FILE (or --store oxigraph:PATH)",
    "viz": "pass --graph FILE (or --store oxigraph:PATH)",
}


def explain_missing_default(exc: KgError, args: argparse.Namespace) -> KgError:
    """``exc``, or an error of the same class saying what to pass when it is about a missing default."""
    message = str(exc)
    command = getattr(args, "command", None)
    if command in ("build", "eval") and not getattr(args, "sources", None) and not getattr(args, "add", None):
        folder = DEFAULT_SOURCES[0]
        if message.startswith(f"{folder}:") and not Path(folder).exists():
            example = "kg eval DOCS --gold GOLD" if command == "eval" else "kg build DOCS"
            return _same_kind(
                exc,
                f"no folder '{folder.rstrip('/')}' here (the default): "
                f"pass the folder of your text files, e.g. {example}",
            )
    graph = getattr(args, "graph", None)
    if graph in (None, DEFAULT_GRAPH) and message.startswith(f"{DEFAULT_GRAPH}:") and not Path(DEFAULT_GRAPH).exists():
        hint = _GRAPH_HINTS.get(command or "", "pass --graph FILE")
        return _same_kind(
            exc, f"no {DEFAULT_GRAPH} here (the default graph): build one with kg build DOCS (into exports/), or {hint}"
        )
    return exc


def _same_kind(exc: KgError, message: str) -> KgError:
    try:
        new = type(exc)(message)
    except TypeError:  # an error class with other arguments: keep its kind's exit code
        new = KgError(message)
        new.exit_code = exc.exit_code
    return new
