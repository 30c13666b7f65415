"""Byte-stable exports of an Oxigraph store, in bounded memory (N-Quads, TriG, Turtle).

Oxigraph dumps quads in its own index order, so the exports are built from sorted lines:

* ``graph.nq``: every quad, the lines sorted (bytewise) and unique, as ``kg.store.sorted_nquads``;
* ``graph.trig``: the same quads grouped by graph (graphs in IRI order, lines sorted within each),
  written by Oxigraph's TriG serializer with kg's prefixes;
* ``graph.ttl``: the triples of every graph except ``id:graph/provenance``, unique and sorted,
  written by Oxigraph's Turtle serializer with kg's prefixes.

Sorting is an external merge sort (runs of a bounded number of bytes on disk, then a merge), so
millions of quads never sit in memory at once.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.errors import ExportError
from kg.rdf.namespace import PREFIXES

RUN_BYTES = 64 << 20  # bytes of lines sorted in memory at once
_PREFIXES = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def _write_run(lines: list[bytes], folder: Path, number: int) -> Path:
    lines.sort()
    path = folder / f"run-{number:05d}"
    with open(path, "wb") as handle:
        previous = None
        for line in lines:
            if line != previous:
                handle.write(line)
            previous = line
    return path


def external_sort(lines: Iterable[bytes], out: BinaryIO, work: Path, *, run_bytes: int = RUN_BYTES) -> int:
    """Write the unique ``lines`` (each ending in ``\\n``) to ``out`` in byte order; return how many.

    Runs of about ``run_bytes`` are sorted in memory and spilled to files in ``work``, then merged.
    """
    work.mkdir(parents=True, exist_ok=True)
    runs: list[Path] = []
    batch: list[bytes] = []
    size = 0
    for line in lines:
        batch.append(line)
        size += len(line) + 64
        if size >= run_bytes:
            runs.append(_write_run(batch, work, len(runs)))
            batch, size = [], 0
    count = 0
    previous = None
    if not runs:  # everything fits in memory
        batch.sort()
        for line in batch:
            if line != previous:
                out.write(line)
                count += 1
            previous = line
        return count
    if batch:
        runs.append(_write_run(batch, work, len(runs)))
    del batch
    with ExitStack() as stack:
        files = [stack.enter_context(open(run, "rb", buffering=1 << 20)) for run in runs]
        for line in heapq.merge(*files):
            if line != previous:
                out.write(line)
                count += 1
            previous = line
    for run in runs:
        run.unlink()
    return count


def _lines(path: Path) -> Iterator[bytes]:
    with open(path, "rb", buffering=1 << 20) as handle:
        for line in handle:
            if line.strip():
                yield line if line.endswith(b"\n") else line + b"\n"


def _graph_of(line: bytes) -> bytes:
    """The graph IRI of an N-Quads line of a named graph (kg puts every quad in one)."""
    head, graph, dot = line.rstrip(b"\n").rsplit(b" ", 2)
    if dot != b"." or not graph.startswith(b"<") or not graph.endswith(b">"):
        raise ExportError(f"unexpected N-Quads line from the store: {line[:200]!r}")
    return graph


def _keyed_by_graph(path: Path) -> Iterator[bytes]:
    for line in _lines(path):
        yield _graph_of(line) + b"\t" + line


def _triples_without(path: Path, skip_graph: bytes) -> Iterator[bytes]:
    for line in _lines(path):
        graph = _graph_of(line)
        if graph != skip_graph:
            yield line[: -(len(graph) + 4)] + b" .\n"  # drop " <g> .\n"


def _strip_key(path: Path, out: Path) -> None:
    with open(path, "rb", buffering=1 << 20) as src, open(out, "wb", buffering=1 << 20) as dst:
        for line in src:
            dst.write(line.split(b"\t", 1)[1])


def write_sorted_nquads(store: ox.Store, target: Path, work: Path) -> int:
    """Dump ``store`` to ``target`` as sorted, unique N-Quads; return the number of quads."""
    raw = work / "raw.nq"
    store.dump(os.fspath(raw), format=ox.RdfFormat.N_QUADS)
    with open(target, "wb", buffering=1 << 20) as out:
        count = external_sort(_lines(raw), out, work / "runs")
    raw.unlink()
    return count


def _serialize(source: Path, fmt_in: ox.RdfFormat, target: Path, fmt_out: ox.RdfFormat) -> None:
    ox.serialize(ox.parse(path=os.fspath(source), format=fmt_in), os.fspath(target), fmt_out, prefixes=_PREFIXES)


def write_trig_and_turtle(nquads: Path, trig: Path | None, ttl: Path | None, work: Path, provenance_graph: str) -> None:
    """From the sorted N-Quads file ``nquads``: TriG of every graph and Turtle without provenance."""
    if trig is not None:
        keyed = work / "by-graph.keyed"
        with open(keyed, "wb", buffering=1 << 20) as out:
            external_sort(_keyed_by_graph(nquads), out, work / "runs")
        grouped = work / "by-graph.nq"
        _strip_key(keyed, grouped)
        keyed.unlink()
        _serialize(grouped, ox.RdfFormat.N_QUADS, trig, ox.RdfFormat.TRIG)
        grouped.unlink()
    if ttl is not None:
        triples = work / "facts.nt"
        with open(triples, "wb", buffering=1 << 20) as out:
            external_sort(_triples_without(nquads, f"<{provenance_graph}>".encode()), out, work / "runs")
        _serialize(triples, ox.RdfFormat.N_TRIPLES, ttl, ox.RdfFormat.TURTLE)
        triples.unlink()
