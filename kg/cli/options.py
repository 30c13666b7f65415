"""What the ``kg`` commands share: default paths, formats and argument types."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from kg.cli.defaults import DEFAULT_GRAPH, DEFAULT_OUT, DEFAULT_SOURCES  # noqa: F401 - re-exported

FORMATS = ("table", "csv", "tsv", "json", "xml")  # kg query: kg.query.FORMATS (not imported: `kg --help` stays fast)
EXPORT_FORMATS = ("graphml", "gexf", "jsonld", "nquads")


def _param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value


def _positive(kind: type[int] | type[float]) -> Callable[[str], int | float]:
    def read(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
        if not value > 0 or value != value or value == float("inf"):
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
        return value

    return read


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {text!r}")
    return value
