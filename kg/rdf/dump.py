"""Byte-stable exports of an Oxigraph store: sorted N-Quads, TriG and Turtle, in bounded memory.

Oxigraph dumps quads in its own index order, so the exports are built from sorted lines:

* ``graph.nq``: every quad, the lines sorted bytewise (a store holds each quad once);
* ``graph.trig``: the same quads grouped by graph (graphs in IRI order, lines sorted within each),
  written by Oxigraph's TriG serializer with kg's prefixes;
* ``graph.ttl``: the triples of every graph except ``id:graph/provenance``, unique and sorted,
  written by Oxigraph's Turtle serializer with kg's prefixes.

A dump of up to ``MEMORY_BYTES`` is sorted in memory; a larger one is sorted on disk (runs of
``MEMORY_BYTES`` sorted in memory, then merged), so millions of quads never sit in memory at once.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.rdf.vocab import NAMESPACES

MEMORY_BYTES = 256 << 20  # N-Quads bytes sorted in memory at once
RUN_BYTES = MEMORY_BYTES  # (the name earlier versions used)
_LINE_BYTES = 200  # a kg quad's N-Quads line is about this long
_WRITE_CHUNK = 1 << 16  # lines joined and written at once


def _write_lines(out: BinaryIO, lines: list[bytes]) -> None:
    """Write ``lines`` (without their newlines), each followed by a newline."""
    for start in range(0, len(lines), _WRITE_CHUNK):
        out.write(b"\n".join(lines[start : start + _WRITE_CHUNK]))
        out.write(b"\n")


def _unique(lines: Iterable[bytes]) -> Iterator[bytes]:
    """``lines`` without repeats of the line just before (sorted input gives unique lines)."""
    previous = None
    for line in lines:
        if line != previous:
            yield line
        previous = line


def external_sort(lines: Iterable[bytes], out: BinaryIO, work: Path, *, run_bytes: int = MEMORY_BYTES) -> int:
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
            batch.sort()
            runs.append(work / f"run-{len(runs):05d}")
            with open(runs[-1], "wb", buffering=1 << 20) as run:
                run.writelines(_unique(batch))
            batch, size = [], 0
    count = 0
    if not runs:  # everything fit in memory
        batch.sort()
        for line in _unique(batch):
            out.write(line)
            count += 1
        return count
    if batch:
        batch.sort()
        runs.append(work / f"run-{len(runs):05d}")
        with open(runs[-1], "wb", buffering=1 << 20) as run:
            run.writelines(_unique(batch))
    del batch
    with ExitStack() as stack:
        files = [stack.enter_context(open(run, "rb", buffering=1 << 20)) for run in runs]
        for line in _unique(heapq.merge(*files)):
            out.write(line)
            count += 1
    for run in runs:
        run.unlink()
    return count


def _graph_of(line: bytes) -> bytes:
    """The graph term of an N-Quads line of a named graph (``b"<iri>"``; kg puts every quad in one)."""
    return line[line.rindex(b" <", 0, len(line) - 3) + 1 : line.rindex(b">") + 1]


def _without_graph(line: bytes) -> bytes:
    """An N-Quads line (no newline) of a named graph as an N-Triples line (no newline)."""
    return line[: line.rindex(b" <", 0, len(line) - 3)] + b" ."


def _serialize(data: bytes | Path, fmt_in: ox.RdfFormat, target: Path, fmt_out: ox.RdfFormat) -> None:
    source = ox.parse(path=os.fspath(data), format=fmt_in) if isinstance(data, Path) else ox.parse(data, fmt_in)
    ox.serialize(source, os.fspath(target), fmt_out, prefixes=NAMESPACES)


def sorted_lines(store: ox.Store) -> list[bytes]:
    """Every quad of ``store`` as an N-Quads line (without newline), sorted bytewise."""
    lines = store.dump(format=ox.RdfFormat.N_QUADS).split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    lines.sort()
    return lines


def sorted_nquads(store: ox.Store) -> bytes:
    """The whole of ``store`` as sorted N-Quads (in memory: for small stores and tests)."""
    lines = sorted_lines(store)
    return b"\n".join(lines) + b"\n" if lines else b""


def _exports_in_memory(store: ox.Store, nq: Path | None, trig: Path | None, ttl: Path | None, skip: bytes) -> int:
    lines = sorted_lines(store)
    if nq is not None:
        with open(nq, "wb", buffering=1 << 20) as out:
            _write_lines(out, lines)
    if trig is not None:
        graphs: dict[bytes, list[bytes]] = {}
        for line in lines:  # (each graph's lines stay sorted)
            graphs.setdefault(_graph_of(line), []).append(line)
        grouped = b"\n".join(b"\n".join(graphs[name]) for name in sorted(graphs))
        del graphs
        _serialize(grouped, ox.RdfFormat.N_QUADS, trig, ox.RdfFormat.TRIG)
        del grouped
    if ttl is not None:
        ending = b" " + skip + b" ."
        triples = sorted(set(_without_graph(line) for line in lines if not line.endswith(ending)))
        _serialize(b"\n".join(triples), ox.RdfFormat.N_TRIPLES, ttl, ox.RdfFormat.TURTLE)
    return len(lines)


def _file_lines(path: Path) -> Iterator[bytes]:
    with open(path, "rb", buffering=1 << 20) as handle:
        for line in handle:
            if line.strip():
                yield line if line.endswith(b"\n") else line + b"\n"


def _exports_on_disk(
    store: ox.Store, nq: Path, trig: Path | None, ttl: Path | None, skip: bytes, work: Path, memory: int
) -> int:
    raw = work / "raw.nq"
    store.dump(os.fspath(raw), format=ox.RdfFormat.N_QUADS)
    with open(nq, "wb", buffering=1 << 20) as out:
        count = external_sort(_file_lines(raw), out, work / "runs", run_bytes=memory)
    raw.unlink()
    if trig is not None:
        keyed, grouped = work / "by-graph.keyed", work / "by-graph.nq"
        with open(keyed, "wb", buffering=1 << 20) as out:
            lines = (_graph_of(line[:-1]) + b"\t" + line for line in _file_lines(nq))
            external_sort(lines, out, work / "runs", run_bytes=memory)
        with open(keyed, "rb", buffering=1 << 20) as src, open(grouped, "wb", buffering=1 << 20) as dst:
            dst.writelines(line.split(b"\t", 1)[1] for line in src)
        keyed.unlink()
        _serialize(grouped, ox.RdfFormat.N_QUADS, trig, ox.RdfFormat.TRIG)
        grouped.unlink()
    if ttl is not None:
        triples = work / "facts.nt"
        ending = b" " + skip + b" .\n"
        with open(triples, "wb", buffering=1 << 20) as out:  # (sorted N-Quads give sorted triples)
            lines = (_without_graph(line[:-1]) + b"\n" for line in _file_lines(nq) if not line.endswith(ending))
            external_sort(lines, out, work / "runs", run_bytes=memory)
        _serialize(triples, ox.RdfFormat.N_TRIPLES, ttl, ox.RdfFormat.TURTLE)
        triples.unlink()
    return count


def write_exports(
    store: ox.Store,
    nq: Path,
    trig: Path | None,
    ttl: Path | None,
    *,
    skip_graph: str,
    work: Path,
    quads: int | None = None,
    memory: int = MEMORY_BYTES,
) -> int:
    """Write the sorted N-Quads of ``store`` to ``nq``, its TriG to ``trig`` and, without graph
    ``skip_graph``, its Turtle to ``ttl``; return the number of quads.

    ``quads`` (default: ``len(store)``) decides whether the lines are sorted in memory (up to
    ``memory`` bytes) or on disk in folder ``work``.
    """
    skip = f"<{skip_graph}>".encode()
    if (len(store) if quads is None else quads) * _LINE_BYTES <= memory:
        return _exports_in_memory(store, nq, trig, ttl, skip)
    work.mkdir(parents=True, exist_ok=True)
    return _exports_on_disk(store, nq, trig, ttl, skip, work, memory)
