"""Byte-stable exports of an Oxigraph store: sorted N-Quads, TriG and Turtle, in bounded memory.

Oxigraph dumps quads in its own index order, so the exports are built from sorted lines:

* ``graph.nq``: every quad, the lines sorted bytewise (a store holds each quad once);
* ``graph.trig``: the same quads grouped by graph (graphs in IRI order, lines sorted within each),
  written by Oxigraph's TriG serializer with kg's prefixes;
* ``graph.ttl``: the triples of every graph except ``id:graph/provenance``, unique and sorted,
  written by Oxigraph's Turtle serializer with kg's prefixes.

A dump of up to ``MEMORY_BYTES`` is sorted in memory; a larger one is sorted on disk (runs of
``RUN_BYTES`` sorted in memory, then merged), so millions of quads never sit in memory at once.
The TriG groups the lines by graph: the few large graphs (provenance, entities) are picked out
by their line endings, already sorted; only the small ones are sorted by graph.
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

MEMORY_BYTES = 512 << 20  # up to this many bytes of N-Quads are sorted in memory at once
RUN_BYTES = 256 << 20  # above, runs of this many bytes are sorted and spilled to disk, then merged
_LINE_BYTES = 200  # a kg quad's N-Quads line is about this long


def _unique(lines: Iterable[bytes]) -> Iterator[bytes]:
    """``lines`` without repeats of the line just before (sorted input gives unique lines)."""
    previous = None
    for line in lines:
        if line != previous:
            yield line
        previous = line


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
    """The graph term (``b"<iri>"``) of an N-Quads line of a named graph (kg puts every quad in one)."""
    line = line.rstrip(b"\n")
    return line[line.rindex(b" <", 0, len(line) - 3) + 1 : line.rindex(b">") + 1]


def _without_graph(line: bytes) -> bytes:
    """An N-Quads line of a named graph as an N-Triples line (both ending in a newline)."""
    return line[: line.rindex(b" <", 0, len(line) - 4)] + b" .\n"


def _ending(graph: bytes) -> bytes:
    return b" " + graph + b" .\n"


def _serialize(data: bytes | Path, fmt_in: ox.RdfFormat, target: Path, fmt_out: ox.RdfFormat) -> None:
    source = ox.parse(path=os.fspath(data), format=fmt_in) if isinstance(data, Path) else ox.parse(data, fmt_in)
    ox.serialize(source, os.fspath(target), fmt_out, prefixes=NAMESPACES)


def sorted_lines(store: ox.Store, work: Path | None = None) -> list[bytes]:
    """Every quad of ``store`` as an N-Quads line (ending in a newline), sorted bytewise.

    With ``work`` (a folder) the store is dumped to a file there first, which needs less memory.
    """
    if work is None:
        lines = store.dump(format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)
    else:
        raw = work / "raw.nq"
        store.dump(os.fspath(raw), format=ox.RdfFormat.N_QUADS)
        with open(raw, "rb") as handle:
            lines = handle.readlines()
        raw.unlink()
    lines.sort()
    return lines


def sorted_nquads(store: ox.Store) -> bytes:
    """The whole of ``store`` as sorted N-Quads (in memory: for small stores and tests)."""
    return b"".join(sorted_lines(store))


def _by_graph(lines: list[bytes], large: Iterable[bytes]) -> dict[bytes, list[bytes]]:
    """``lines`` (sorted N-Quads lines of named graphs) by graph term, each graph's lines sorted.

    ``large`` are the graph terms known to hold most lines: their lines are picked out by their
    ending, which is much cheaper than finding the graph of every line.
    """
    groups: dict[bytes, list[bytes]] = {}
    rest = lines
    for graph in large:
        ending = _ending(graph)
        found = [line for line in rest if line.endswith(ending)]
        if found:
            groups[graph] = found
            rest = [line for line in rest if not line.endswith(ending)]
    for line in rest:
        groups.setdefault(_graph_of(line), []).append(line)
    return groups


def _exports_in_memory(
    store: ox.Store, nq: Path, trig: Path | None, ttl: Path | None, skip: bytes, large: list[bytes], work: Path
) -> int:
    lines = sorted_lines(store, work)
    with open(nq, "wb", buffering=1 << 20) as out:
        out.writelines(lines)
    count = len(lines)
    _trig_ttl_in_memory(lines, trig, ttl, skip, large)
    return count


def _trig_ttl_in_memory(
    lines: list[bytes], trig: Path | None, ttl: Path | None, skip: bytes, large: list[bytes]
) -> None:
    """The TriG and Turtle of ``lines`` (sorted, unique N-Quads lines), grouped in memory (``lines`` is emptied)."""
    groups = _by_graph(lines, [skip, *large])
    lines.clear()
    if trig is not None:
        grouped = b"".join(line for graph in sorted(groups) for line in groups[graph])
        _serialize(grouped, ox.RdfFormat.N_QUADS, trig, ox.RdfFormat.TRIG)
        del grouped
    if ttl is not None:
        triples = sorted({_without_graph(line) for graph, part in groups.items() if graph != skip for line in part})
        _serialize(b"".join(triples), ox.RdfFormat.N_TRIPLES, ttl, ox.RdfFormat.TURTLE)


def _file_lines(path: Path, ending: bytes | None = None) -> Iterator[bytes]:
    """The lines of file ``path`` (each ending in a newline), or only those with ``ending``."""
    with open(path, "rb", buffering=1 << 20) as handle:
        if ending is not None:
            yield from (line for line in handle if line.endswith(ending))
            return
        for line in handle:
            if line.strip():
                yield line if line.endswith(b"\n") else line + b"\n"


def _write_grouped(nq: Path, target: Path, large: list[bytes], work: Path, memory: int) -> None:
    """The lines of the sorted N-Quads file ``nq`` grouped by graph (graphs in IRI order) into ``target``.

    The lines of the ``large`` graphs are streamed from ``nq`` (already sorted); the others are
    sorted by graph on disk.
    """
    endings = tuple(_ending(graph) for graph in large)
    small = work / "small.keyed"
    with open(small, "wb", buffering=1 << 20) as out:
        lines = (_graph_of(line) + b"\t" + line for line in _file_lines(nq) if not line.endswith(endings))
        external_sort(lines, out, work / "runs", run_bytes=memory)
    with open(target, "wb", buffering=1 << 20) as out, open(small, "rb", buffering=1 << 20) as keyed:
        pending = [(graph, None) for graph in large]  # big graphs, streamed when their turn comes
        merged = heapq.merge(((line.split(b"\t", 1)[0], line) for line in keyed), pending, key=lambda item: item[0])
        for graph, line in merged:
            if line is not None:
                out.write(line.split(b"\t", 1)[1])
            else:
                out.writelines(_file_lines(nq, _ending(graph)))
    small.unlink()


def _exports_on_disk(
    store: ox.Store,
    nq: Path,
    trig: Path | None,
    ttl: Path | None,
    skip: bytes,
    large: list[bytes],
    work: Path,
    memory: int,
) -> int:
    raw = work / "raw.nq"
    store.dump(os.fspath(raw), format=ox.RdfFormat.N_QUADS)
    with open(nq, "wb", buffering=1 << 20) as out:
        count = external_sort(_file_lines(raw), out, work / "runs", run_bytes=memory)
    raw.unlink()
    _trig_ttl_on_disk(nq, trig, ttl, skip, large, work, memory)
    return count


def _trig_ttl_on_disk(
    nq: Path, trig: Path | None, ttl: Path | None, skip: bytes, large: list[bytes], work: Path, memory: int
) -> None:
    """The TriG and Turtle of the sorted N-Quads file ``nq``, grouped on disk in folder ``work``."""
    if trig is not None:
        grouped = work / "by-graph.nq"
        _write_grouped(nq, grouped, sorted({skip, *large}), work, memory)
        _serialize(grouped, ox.RdfFormat.N_QUADS, trig, ox.RdfFormat.TRIG)
        grouped.unlink()
    if ttl is not None:
        triples = work / "facts.nt"
        ending = _ending(skip)
        with open(triples, "wb", buffering=1 << 20) as out:
            lines = (_without_graph(line) for line in _file_lines(nq) if not line.endswith(ending))
            external_sort(lines, out, work / "runs", run_bytes=memory)
        _serialize(triples, ox.RdfFormat.N_TRIPLES, ttl, ox.RdfFormat.TURTLE)
        triples.unlink()


def write_exports(
    store: ox.Store,
    nq: Path,
    trig: Path | None,
    ttl: Path | None,
    *,
    skip_graph: str,
    work: Path,
    quads: int | None = None,
    memory: int | None = None,
    large_graphs: Iterable[str] = (),
) -> int:
    """Write the sorted N-Quads of ``store`` to ``nq``, its TriG to ``trig`` and, without graph
    ``skip_graph``, its Turtle to ``ttl``; return the number of quads.

    ``quads`` (default: ``len(store)``) decides whether the lines are sorted in memory (up to
    ``memory`` bytes, default ``MEMORY_BYTES``) or on disk in folder ``work`` (in runs of ``memory``
    bytes, default ``RUN_BYTES``). ``large_graphs`` name
    the graphs that hold most quads (a hint that makes grouping the TriG faster).
    """
    skip = f"<{skip_graph}>".encode()
    large = [f"<{graph}>".encode() for graph in large_graphs]
    work.mkdir(parents=True, exist_ok=True)
    if (len(store) if quads is None else quads) * _LINE_BYTES <= (MEMORY_BYTES if memory is None else memory):
        return _exports_in_memory(store, nq, trig, ttl, skip, large, work)
    return _exports_on_disk(store, nq, trig, ttl, skip, large, work, RUN_BYTES if memory is None else memory)


def write_exports_from_lines(
    lines: Iterable[bytes],
    nq: Path,
    trig: Path | None,
    ttl: Path | None,
    *,
    skip_graph: str,
    work: Path,
    memory: int | None = None,
    large_graphs: Iterable[str] = (),
) -> int:
    """The exports :func:`write_exports` writes, from N-Quads ``lines`` (each ending in a newline, in any
    order, repeats allowed: e.g. the text the mapping serialised) instead of a store; return the quads.

    The lines are sorted in runs of ``memory`` bytes (default ``RUN_BYTES``), on disk in ``work`` when
    there is more than one run; the TriG and Turtle are grouped in memory when ``graph.nq`` holds at
    most ``MEMORY_BYTES`` (or ``memory``), else on disk.
    """
    skip = f"<{skip_graph}>".encode()
    large = [f"<{graph}>".encode() for graph in large_graphs]
    work.mkdir(parents=True, exist_ok=True)
    runs = RUN_BYTES if memory is None else memory
    with open(nq, "wb", buffering=1 << 20) as out:
        count = external_sort(lines, out, work / "runs", run_bytes=runs)
    if nq.stat().st_size <= (MEMORY_BYTES if memory is None else memory):
        with open(nq, "rb") as handle:
            _trig_ttl_in_memory(handle.readlines(), trig, ttl, skip, large)
    else:
        _trig_ttl_on_disk(nq, trig, ttl, skip, large, work, runs)
    return count
