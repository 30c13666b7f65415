"""``run()`` and the command line of ``python -m kg.bench``."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from kg.bench.measure import machine
from kg.bench.parts import (
    ENGINES,
    Log,
    bench_build,
    bench_export,
    bench_extraction,
    bench_queries,
    bench_recall,
)
from kg.bench.report import Report, render, write_report

PARTS = ("build", "extraction", "export", "queries")
DEFAULT_DOCS = 500
VALIDATE_MODES = ("auto", "full", "sample", "off")


def _default_log(message: str) -> None:
    print(f"[kg.bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(
    n: int = DEFAULT_DOCS,
    seed: int = 0,
    out: str | Path | None = "BENCHMARKS.md",
    *,
    parts: Sequence[str] = PARTS,
    engines: Sequence[str] = ENGINES,
    runs: int = 5,
    budget: float = 30.0,
    workers: int = 1,
    validate: str = "auto",
    workdir: str | Path | None = None,
    log: Callable[[str], None] | None = None,
) -> Report:
    """Run the benchmark parts on ``n`` synthetic articles; write the section to ``out`` (unless None)."""
    from kg.synthetic import generate_corpus, write_corpus

    log = log or _default_log
    unknown = (set(parts) - set(PARTS)) | (set(engines) - set(ENGINES))
    if unknown:
        raise ValueError(f"unknown parts or engines: {', '.join(sorted(unknown))}")
    if validate not in VALIDATE_MODES:
        raise ValueError(f"unknown validation mode {validate!r}: one of {', '.join(VALIDATE_MODES)}")
    if n < 1:
        raise ValueError("the benchmark needs at least one article")
    synthetic = generate_corpus(n, seed)
    documents = list(synthetic.documents)
    report = Report(
        n=n,
        seed=seed,
        words=sum(len(d.text.split()) for d in documents),
        machine=machine(),
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        parts=tuple(p for p in PARTS if p in parts),
    )
    own_temp = workdir is None
    work = Path(tempfile.mkdtemp(prefix="kg-bench-")) if own_temp else Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    try:
        built = None
        if "build" in parts:  # first, while this process is small: the child starts from a fork of it
            articles = work / "articles"
            shutil.rmtree(articles, ignore_errors=True)
            write_corpus(articles, n, seed)
            built = bench_build(report, articles, work, workers, validate, log)
        corpus = None
        if "extraction" in parts:
            from kg.resolve import resolve

            corpus = resolve(bench_extraction(report, documents, log))
            bench_recall(report, list(synthetic.facts), corpus)
        if "export" in parts or "queries" in parts:
            ds, store = _graphs(corpus, built, documents, work, engines, "export" in parts, log)
            if "export" in parts:
                bench_export(report, ds, store, log)
            if "queries" in parts:
                bench_queries(report, ds if "rdflib" in engines else None,
                              store if "oxigraph" in engines else None, runs, budget, log)  # fmt: skip
    finally:
        if own_temp:
            shutil.rmtree(work, ignore_errors=True)
    if out is not None:
        write_report(out, report)
        log(f"wrote {out}")
    return report


def _graphs(corpus, built: Path | None, documents: list, work: Path, engines: Sequence[str], export: bool,
            log: Log):  # noqa: ANN001, ANN202  # fmt: skip
    """The rdflib Dataset (when an rdflib figure is asked for) and an Oxigraph store on disk, of one graph.

    From the extraction part's corpus when there is one, else from the build's store and N-Quads
    export, else from an untimed extraction.
    """
    from kg import oxstore

    want_rdflib, want_store = "rdflib" in engines, "oxigraph" in engines or export
    if corpus is None and built is not None:
        log(f"using the build's store {built}")
        store = oxstore.open_store(built, read_only=True) if want_store else None
        ds = None
        if want_rdflib:
            from kg.store import load_graph

            ds = load_graph(work / "build" / "graph.nq")
        return ds, store
    if corpus is None:
        from kg.extract import extract_documents
        from kg.resolve import resolve

        log("extracting (untimed) for the export and query parts")
        corpus = resolve(extract_documents(documents))
    ds = store = None
    if want_rdflib:
        from kg.rdf.mapping import corpus_to_dataset

        log("mapping the corpus to an rdflib Dataset")
        ds = corpus_to_dataset(corpus)
    if want_store:
        folder = work / "oxigraph"
        shutil.rmtree(folder, ignore_errors=True)
        log("loading the corpus into an Oxigraph store on disk")
        store = oxstore.open_store(folder)
        oxstore.load_corpus(store, corpus)
    return ds, store


def main(argv: Sequence[str] | None = None) -> int:
    from kg.bench import __doc__ as doc

    parser = argparse.ArgumentParser(prog="python -m kg.bench", description=(doc or "").split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=DEFAULT_DOCS, help=f"articles (default {DEFAULT_DOCS})")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="BENCHMARKS.md", help="Markdown file to update (default BENCHMARKS.md)")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)}")
    parser.add_argument("--engines", default=",".join(ENGINES), help="query engines: rdflib,oxigraph")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query and engine (default 5)")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per query and engine (default 30)")
    parser.add_argument("--workers", type=int, default=1, help="kg build --workers (default 1)")
    parser.add_argument("--validate", default="auto", choices=VALIDATE_MODES, help="kg build --validate")
    parser.add_argument("--workdir", help="keep articles, exports and stores here (default: a temp folder)")
    args = parser.parse_args(argv)
    try:
        report = run(
            args.docs,
            args.seed,
            args.out,
            parts=[p.strip() for p in args.parts.split(",") if p.strip()],
            engines=[e.strip() for e in args.engines.split(",") if e.strip()],
            runs=args.runs,
            budget=args.budget,
            workers=args.workers,
            validate=args.validate,
            workdir=args.workdir,
        )
    except ValueError as exc:
        parser.error(str(exc))
    except KeyboardInterrupt:
        print("kg.bench: interrupted; nothing written", file=sys.stderr)
        return 130
    print(render(report))
    return 0
