"""Where a query's data comes from: a graph file loaded in memory, or an Oxigraph store on disk.

``open_source(graph="exports/graph.trig")`` bulk-loads the file into an in-memory store, unless
the build that wrote it kept an Oxigraph store (``build.json`` beside the file names it in
``options.store``) and that store still matches the file: then the store is opened read-only and
nothing is loaded. The match is a cheap check: the file has the size the build recorded, is not
newer than ``build.json``, and the store folder holds an Oxigraph store. ``open_source(store=FOLDER)``
opens an on-disk store read-only (several processes may at once).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import GraphError, QueryError

BUILD_RECORD = "build.json"
_STORE_SCHEME = "oxigraph:"
_MTIME_SLACK = 2.0  # seconds: build.json is written just after the graph files


@dataclass
class GraphSource:
    """A store to query and where it came from. ``path`` is the store's folder for an on-disk store
    (a timed-out query's child process opens it again read-only), None for an in-memory store.
    ``cache`` keeps what does not change while the source is open (the page keys of named queries):
    the store of a source is never written."""

    store: ox.Store
    description: str
    path: Path | None = None
    cache: dict = field(default_factory=dict, repr=False)


def _is_store(folder: Path) -> bool:
    return folder.is_dir() and (folder / "CURRENT").is_file()


def recorded_store(graph: str | Path) -> Path | None:
    """The store folder the build of ``graph`` kept, when its record still matches the file; else None."""
    graph = Path(graph)
    record_path = graph.parent / BUILD_RECORD
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        spec = (record.get("options") or {}).get("store")
        outputs = record.get("outputs") or {}
        stat, record_stat = graph.stat(), record_path.stat()
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(spec, str) or not spec.startswith(_STORE_SCHEME) or not isinstance(outputs, dict):
        return None
    sizes = [entry.get("bytes") for entry in outputs.values() if isinstance(entry, dict)
             and entry.get("file") == graph.name]  # fmt: skip
    if sizes != [stat.st_size] or stat.st_mtime > record_stat.st_mtime + _MTIME_SLACK:
        return None
    folder = Path(spec[len(_STORE_SCHEME) :])
    for candidate in (folder, graph.parent / folder, graph.parent / folder.name):
        if _is_store(candidate):
            return candidate
    return None


def open_source(graph: str | Path | None = None, *, store: str | Path | None = None) -> GraphSource:
    """Open the data to query: an Oxigraph store folder (``store``, read-only) or a graph file (``graph``).

    Raises ``GraphError`` when the file or store cannot be used, ``GraphParseError`` when the file
    does not parse.
    """
    from kg.store.oxstore import load_store, open_store

    if (graph is None) == (store is None):
        raise QueryError("give one source: a graph file or an Oxigraph store folder")
    if store is not None:
        folder = Path(str(store).removeprefix(_STORE_SCHEME))
        if not _is_store(folder):
            raise GraphError(f"{folder}: not an Oxigraph store" if folder.exists() else f"{folder}: no such store")
        return GraphSource(open_store(folder, read_only=True), f"store {folder}", folder)
    folder = recorded_store(graph)
    if folder is not None:
        try:
            return GraphSource(open_store(folder, read_only=True), f"store {folder} (built with {graph})", folder)
        except GraphError:
            pass  # locked or damaged: load the file instead
    return GraphSource(load_store(graph), f"{graph} (in memory)")
