"""How long writing the graph page takes: ``kg.viz.render_store`` as ``kg build`` calls it.

    python -m kg.viz.writebench out/store            # a build's Oxigraph store (opened read-only)
    python -m kg.viz.writebench exports/graph.nq     # a graph file, loaded into memory first (not timed)
    python -m kg.viz.writebench out/store --repeat 5 --profile

Writes the page ``--repeat`` times into a temporary folder and prints the store's size, the page's
nodes, edges and bytes, and the wall-clock and CPU seconds of each run (best and median), and
checks that every run wrote the same bytes. ``--profile`` adds cProfile's top functions of one
more run. CPU time is the figure to compare on a busy machine.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kg.errors import KgError
from kg.viz.fromstore import render_store
from kg.viz.page import DEFAULT_MAX_NODES


def _open(path: Path):  # noqa: ANN202
    from kg.store.oxstore import load_store, open_store

    return open_store(path, read_only=True) if path.is_dir() else load_store(path)


def measure(source: Path, repeat: int = 3, *, max_nodes: int | None = DEFAULT_MAX_NODES) -> dict:
    """Write the page of ``source`` ``repeat`` times; the timings (seconds), the page's size, its counts."""
    store = _open(source)
    walls, cpus, pages = [], [], set()
    with tempfile.TemporaryDirectory(prefix="kg-writebench-") as tmp:
        for run in range(repeat):
            path = Path(tmp) / f"graph-{run}.html"
            wall, cpu = time.perf_counter(), time.process_time()
            render_store(store, path, max_nodes=max_nodes)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            pages.add(path.read_bytes())
    page = next(iter(pages))
    data = json.loads(re.search(rb'id="kg-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    return {
        "quads": len(store),
        "nodes": len(data["nodes"]),
        "edges": len(data["edges"]),
        "bytes": len(page),
        "same_bytes": len(pages) == 1,
        "wall": walls,
        "cpu": cpus,
    }


def profile(source: Path, top: int = 20, *, max_nodes: int | None = DEFAULT_MAX_NODES) -> str:
    """cProfile's ``top`` functions by cumulative time for one page of ``source``."""
    store = _open(source)
    with tempfile.TemporaryDirectory(prefix="kg-writebench-") as tmp:
        profiler = cProfile.Profile()
        profiler.runcall(render_store, store, Path(tmp) / "graph.html", max_nodes=max_nodes)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(top)
    return text.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.viz.writebench", description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="an Oxigraph store folder or a graph file")
    parser.add_argument("--repeat", type=int, default=3, help="pages to write (default 3)")
    parser.add_argument("--max-nodes", type=int, default=DEFAULT_MAX_NODES, help="as kg viz --max-nodes")
    parser.add_argument("--profile", action="store_true", help="also print cProfile's top functions")
    args = parser.parse_args(argv)
    try:
        found = measure(args.source, max(1, args.repeat), max_nodes=args.max_nodes or None)
        print(
            f"{args.source}: {found['quads']:,} quads -> {found['nodes']:,} nodes, {found['edges']:,} edges, "
            f"{found['bytes']:,} bytes of HTML"
        )
        for name in ("wall", "cpu"):
            values = found[name]
            print(f"  {name:>4} s: best {min(values):.2f}, median {statistics.median(values):.2f} ({len(values)} runs)")
        print(f"  every run wrote the same bytes: {'yes' if found['same_bytes'] else 'NO'}")
        if args.profile:
            print(profile(args.source, max_nodes=args.max_nodes or None))
    except KgError as exc:
        print(f"kg.viz.writebench: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
