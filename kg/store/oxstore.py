"""The graph store on Oxigraph (pyoxigraph): stores on disk or in memory, bulk loading, dumps.

    store = open_store("out/store")             # a folder; None for an in-memory store
    load_nquads(store, "out/graph.nq")          # bulk load (also bytes)
    load_dataset(store, ds)                     # an rdflib Dataset, e.g. from kg.rdf.mapping
    store = load_store("out/graph.trig")       # a graph file bulk-loaded into a new in-memory store

Queries run on kg.query's engine (``kg.query.run_query``, or ``kg.query.query_store`` for rows of strings;
storage does not import it): ``GRAPH ?a {...}`` ranges over the
named graphs (one per assertion, plus ``id:graph/entities`` and ``id:graph/provenance``) and
plain patterns match the union of all graphs; SPARQL Update and SERVICE are refused, ``# param:``
defaults and overrides applied, and kg's prefixes predeclared.

Differences from rdflib a caller can see (see BENCHMARKS.md): Oxigraph stores typed literals in
canonical form, so a non-canonical lexical form reads back canonical (``"1.0"^^xsd:decimal`` as
``"1"``, ``"0010"^^xsd:integer`` as ``"10"``), and the integer types derived from xsd:integer come
back as xsd:integer (which is why kg types its ``oa:start``/``oa:end`` offsets xsd:integer); and
rows come back in Oxigraph's order where the query has no ORDER BY (and for ties of an ORDER BY).
``dump_nquads`` writes quads in an order that depends on how they were loaded: sort the lines (as
``kg.store.graphfile.sorted_nquads`` does) for a byte-stable export.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from kg.errors import GraphError, GraphParseError
from kg.rdf.convert import dataset_quads, to_oxigraph, to_rdflib

__all__ = [
    "dump_nquads",
    "load_dataset",
    "load_nquads",
    "load_store",
    "open_store",
    "to_oxigraph",
    "to_rdflib",
]

_BATCH = 50_000  # quads handed to Oxigraph at once


# ---------------------------------------------------------------- opening


def open_store(path: str | Path | None = None, *, read_only: bool = False) -> ox.Store:
    """Open (creating it if needed) the Oxigraph store in folder ``path``; ``None`` for an in-memory store.

    ``read_only`` opens an existing store for reading only (several processes may do so at once).
    Raises ``GraphError`` when the folder cannot be used (missing for ``read_only``, locked by
    another writer, not a store).
    """
    if path is None:
        return ox.Store()
    folder = Path(path)
    try:
        if read_only:
            if not folder.is_dir():
                raise GraphError(f"{folder}: no such store")
            return ox.Store.read_only(str(folder))
        folder.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(folder))
    except OSError as exc:
        raise GraphError(f"{folder}: cannot open the Oxigraph store: {exc}") from None


GRAPH_FILE_FORMATS: dict[str, ox.RdfFormat] = {
    ".trig": ox.RdfFormat.TRIG,
    ".ttl": ox.RdfFormat.TURTLE,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
_PARSE_LINE = re.compile(r"\bline (\d+)")
_FILE_SUFFIX = re.compile(r"\s*\([^()]*, line \d+\)$")  # Oxigraph ends its messages with "(file, line N)"


def load_store(path: str | Path) -> ox.Store:
    """Bulk-load a graph file (.trig, .ttl, .nq, .nt, .jsonld) into a new in-memory Oxigraph store.

    Triples of .ttl/.nt files land in the default graph; queries that use the union of all graphs
    (kg's rule) see them with the named graphs of the other formats. Raises ``GraphError`` when the
    file is missing or of unknown type, ``GraphParseError`` (with the line number when known) when
    it does not parse.
    """
    path = Path(path)
    if not path.exists():
        raise GraphError(f"{path}: no such file")
    if path.is_dir():
        raise GraphError(f"{path}: is a folder, not a graph file")
    fmt = GRAPH_FILE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        valid = ", ".join(GRAPH_FILE_FORMATS)
        raise GraphError(f"{path}: unknown graph format '{path.suffix}'; use one of {valid}")
    store = ox.Store()
    try:
        store.bulk_load(path=os.fspath(path), format=fmt)
    except SyntaxError as exc:
        message = _FILE_SUFFIX.sub("", " ".join(str(exc).split()))
        found = _PARSE_LINE.search(message)
        where = f"line {found.group(1)}: " if found else ""
        raise GraphParseError(f"{path}: {where}invalid {fmt.name}: {message}") from None
    except (OSError, ValueError) as exc:
        raise GraphError(f"{path}: cannot read the graph file: {exc}") from None
    return store


# ---------------------------------------------------------------- loading


def load_nquads(store: ox.Store, source: str | Path | bytes) -> None:
    """Bulk-load N-Quads (a file path, or the data as bytes) into ``store``.

    Bulk loading writes straight to the store's files without a transaction: readers may see a
    partial load, and a failed load leaves the quads loaded so far.
    """
    try:
        if isinstance(source, bytes | bytearray):
            store.bulk_load(input=bytes(source), format=ox.RdfFormat.N_QUADS)
        else:
            store.bulk_load(path=os.fspath(source), format=ox.RdfFormat.N_QUADS)
    except SyntaxError as exc:
        raise GraphError(f"{source if not isinstance(source, bytes | bytearray) else 'N-Quads'}: {exc}") from None
    except OSError as exc:
        raise GraphError(f"cannot load into the Oxigraph store: {exc}") from None
    store.flush()


def _extend(store: ox.Store, quads: Iterable[ox.Quad]) -> int:
    count = 0
    batch: list[ox.Quad] = []
    for quad in quads:
        batch.append(quad)
        if len(batch) >= _BATCH:
            store.bulk_extend(batch)
            count += len(batch)
            batch = []
    if batch:
        store.bulk_extend(batch)
        count += len(batch)
    return count


def load_dataset(store: ox.Store, ds: Dataset) -> int:
    """Add every quad of the rdflib Dataset ``ds`` to ``store`` (bulk, no transaction); return the count."""
    count = _extend(store, dataset_quads(ds))
    store.flush()
    return count


def dump_nquads(store: ox.Store, path: str | Path | None = None) -> bytes | None:
    """The whole store as N-Quads: written to ``path`` (streamed), or returned as bytes when ``path`` is None."""
    if path is None:
        return store.dump(format=ox.RdfFormat.N_QUADS)
    store.dump(os.fspath(path), format=ox.RdfFormat.N_QUADS)
    return None
