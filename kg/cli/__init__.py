"""The ``kg`` command: one thin module per command group; ``main`` is the console script."""

from __future__ import annotations

from kg.cli.commands import main, make_parser

__all__ = ["main", "make_parser"]
