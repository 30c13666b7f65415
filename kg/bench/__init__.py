"""Benchmarks of kg on synthetic articles: extraction, build memory, export, named queries.

    python -m kg.bench                          # N=500 articles, every part; updates BENCHMARKS.md
    python -m kg.bench --docs 2000 --parts extraction
    python -m kg.bench --docs 10000 --parts build,export,queries --engines oxigraph --workers 2

Every part runs on the same texts, ``kg.synthetic.generate(N, seed)`` (written to disk for the
build), in this process except the build:

- ``build``: the real command ``kg build ARTICLES -o OUT --store oxigraph:STORE --workers W`` in
  a child process: wall time, and peak resident memory of its process tree (the sum of the
  processes' RSS sampled every 0.2 s with psutil, and the sum of each process's own peak, VmHWM,
  which bounds it from above). Runs first, while this process is still small.
- ``extraction``: ``kg.extract.extract_documents`` against raw ``nlp.pipe`` of the same spaCy
  model as kg loads it (``load_pipeline`` without kg's components), same batch size. The two
  alternate over chunks of the documents, so that other load on the machine hits both alike;
  wall and CPU seconds, documents/s, words/s and the ratio kg / raw. Then the recall of the
  facts planted in the texts (a sanity check).
- ``export``: TriG and N-Quads of the graph: kg's exporters (``kg.store``) on the rdflib Dataset,
  and Oxigraph's dump of the store; triples/s.
- ``queries``: the six competency queries and the analyst queries (``QUERIES``) through
  ``kg.query.run_query`` on the rdflib Dataset (the default store) and ``kg.oxstore.query_store``
  on an Oxigraph store on disk: p50 and p95 over ``--runs`` runs after a warm-up, the ratio, and
  whether both engines return the same rows. A query stops being repeated once it has used
  ``--budget`` seconds on an engine (rdflib's warm-up is stopped there: "> budget" cells).

The figures go to a section of ``--out`` (BENCHMARKS.md) marked with N and the seed; a new run with
the same N and seed replaces its section, and text outside the sections is kept. Nothing here
asserts a figure: the numbers are recorded, not tested.
"""

from __future__ import annotations

from kg.bench.driver import DEFAULT_DOCS, PARTS, main, run
from kg.bench.measure import machine, percentile
from kg.bench.parts import ENGINES, QUERIES
from kg.bench.report import Report, render, write_report

__all__ = [
    "DEFAULT_DOCS",
    "ENGINES",
    "PARTS",
    "QUERIES",
    "Report",
    "machine",
    "main",
    "percentile",
    "render",
    "run",
    "write_report",
]
