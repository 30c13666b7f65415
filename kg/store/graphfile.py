"""Graph files read and written with rdflib: loading a graph file, byte-stable N-Quads and TriG of a Dataset."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import GraphError, GraphParseError

if TYPE_CHECKING:  # rdflib is imported by the functions that read or write rdflib Datasets, not by a build
    from rdflib import Dataset, Graph

GRAPH_FORMATS = {".trig": "trig", ".ttl": "turtle", ".nq": "nquads", ".nt": "nt", ".jsonld": "json-ld"}


def sorted_nquads(ds: Dataset) -> bytes:
    """N-Quads of every graph in ``ds``, lines sorted: byte-identical for identical graphs."""
    data = ds.serialize(format="nquads", encoding="utf-8")
    lines = sorted({line for line in data.split(b"\n") if line.strip()})
    return b"".join(line + b"\n" for line in lines)


def serialize_trig(ds: Dataset) -> bytes:
    """TriG of ``ds``: byte-identical for identical datasets, whatever the hash seed."""
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
    from rdflib.plugins.serializers.trig import TrigSerializer

    class SortedTrigSerializer(TrigSerializer):  # graphs in IRI order (rdflib's depends on string hashing)
        def __init__(self, store: Graph) -> None:
            super().__init__(store)
            self.contexts.sort(key=lambda g: (g.identifier != DATASET_DEFAULT_GRAPH_ID, str(g.identifier)))

    stream = io.BytesIO()
    SortedTrigSerializer(ds).serialize(stream, encoding="utf-8")
    return stream.getvalue()


# ---------------------------------------------------------------- reading graph files


def _bad_line(path: Path, fmt: str) -> int | None:
    """For line-based formats: the number of the first line that does not parse alone."""
    from rdflib import Dataset

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(lines, start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            try:
                Dataset().parse(data=line, format=fmt)
            except Exception:  # noqa: BLE001 - any failure marks the line
                return number
    return None


def load_graph(path: str | Path) -> Dataset:
    """Load a graph file (.trig, .ttl, .nq, .nt, .jsonld) into a Dataset with ``default_union``.

    Raises ``GraphError`` when the file is missing or of unknown type, ``GraphParseError``
    (with the line number when known) when it does not parse.
    """
    from rdflib import Dataset
    from rdflib.exceptions import ParserError
    from rdflib.plugins.parsers.notation3 import BadSyntax

    from kg.rdf.namespace import bind_prefixes

    path = Path(path)
    if not path.exists():
        raise GraphError(f"{path}: no such file")
    if path.is_dir():
        raise GraphError(f"{path}: is a folder, not a graph file")
    fmt = GRAPH_FORMATS.get(path.suffix.lower())
    if fmt is None:
        valid = ", ".join(GRAPH_FORMATS)
        raise GraphError(f"{path}: unknown graph format '{path.suffix}'; use one of {valid}")
    ds = Dataset(default_union=True)
    try:
        ds.parse(source=str(path), format=fmt)
    except BadSyntax as exc:
        why = getattr(exc, "_why", None) or str(exc).splitlines()[-1]
        text, index = getattr(exc, "_str", None), getattr(exc, "_i", None)
        line = text[:index].count(b"\n") + 1 if isinstance(text, bytes) and index else exc.lines + 1
        raise GraphParseError(f"{path}: line {line}: bad syntax ({why})") from None
    except json.JSONDecodeError as exc:
        raise GraphParseError(f"{path}: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except ParserError as exc:
        line = _bad_line(path, fmt)
        where = f"line {line}: " if line else ""
        raise GraphParseError(f"{path}: {where}invalid {fmt} ({str(exc).splitlines()[0]})") from None
    except UnicodeDecodeError:
        raise GraphParseError(f"{path}: not valid UTF-8") from None
    except Exception as exc:  # noqa: BLE001 - rdflib parsers raise many kinds of errors
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise GraphParseError(f"{path}: cannot parse as {fmt}: {first}") from None
    bind_prefixes(ds)
    return ds
