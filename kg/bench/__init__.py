"""Benchmarks of issue 13's targets, measured as ratios in one run, through kg's public commands.

    python -m kg.bench                                   # N=150: build (1 and 2 workers), queries, serve
    python -m kg.bench --parts build --workers 1 --runs 3
    python -m kg.bench --docs 2000 --parts build --corpus /path/to/2000/articles
    python -m kg.bench --parts store --store-dir /big/disk/kg-store-10000     # 10,000 articles, reused later
    python -m kg.bench --parts store --store-path STORE  # an existing store: its queries only

Parts (``--parts``, comma-separated), each written as its own section of ``--out`` (BENCHMARKS.md)
between ``<!-- kg.bench N=... part=... -->`` markers, with the machine (cores, memory, load,
versions) and how each figure was measured; a rerun of the same part, N and seed replaces it:

- ``build``: ``kg build DIR -o OUT`` (default options: whole-graph validation and graph.html
  included) against the bare model (``kg/bench/bare_model.py``: ``spacy.load(MODEL, exclude=UNUSED)``
  + ``nlp.pipe``, kg's model and exclusions) over the same files, whole processes, paired runs
  (bare, kg, bare, kg...) after a warm-up; for each ``--workers`` (the bare side then runs that many
  processes on shares of the files). Throughput ratio bare s / kg s, target >= 0.8; peak RSS.
- ``queries``: each named query as ``kg query NAME --graph FILE --format csv > /dev/null``, a whole
  process, median of ``--query-runs``; target <= 2 s at N=150.
- ``store``: ``kg build DIR -o OUT --store oxigraph:STORE --workers 2`` of ``--store-docs`` (10,000)
  articles against the bare model on 2 processes (one pair; target <= 1.25 x its time, peak RSS
  <= 2 GB), kept in ``--store-dir`` and reused by later runs; then, in a child process through the
  library (``kg.bench.probe``), every named query's first page (``limit=100``, p50 <= 100 ms),
  person/title/region lookups (p50 <= 50 ms) and whole tables to CSV (>= 100k rows/s).
- ``serve``: ``kg.serve.load`` (20 clients) against ``kg serve --graph FILE`` and ``oxigraph serve
  --union-default-graph`` on the same graph and query, alternating; target >= 0.8 x.

A part that cannot run (a command that fails, an API not there yet) reports "n/a" and why; the
other parts still run. Nothing here asserts a figure: the numbers are recorded, not tested.
"""

from __future__ import annotations

from kg.bench.driver import DEFAULT_PARTS, PARTS, BenchError, Options, main, run
from kg.bench.measure import ChildRun, machine, median, percentile, run_command
from kg.bench.report import Report, Section, render, write_report

__all__ = [
    "DEFAULT_PARTS",
    "PARTS",
    "BenchError",
    "ChildRun",
    "Options",
    "Report",
    "Section",
    "machine",
    "main",
    "median",
    "percentile",
    "render",
    "run",
    "run_command",
    "write_report",
]
