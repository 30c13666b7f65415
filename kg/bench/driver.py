"""``run()`` and the command line of ``python -m kg.bench``: options, the work folder, the corpus and graph."""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

from kg.bench.measure import BenchError, kg_command, machine, run_command, write_articles  # noqa: F401 - re-exported
from kg.bench.report import Report, render, write_report

DESCRIPTION = "Benchmarks of issue 13's targets, measured as ratios in one run, through kg's public commands."
PARTS = ("build", "queries", "store", "serve")
DEFAULT_PARTS = ("build", "queries", "serve")  # the store part builds 10,000 articles (~1 hour): ask for it


@dataclass
class Options:
    """What to measure and how; see ``python -m kg.bench --help``."""

    n: int = 150
    seed: int = 7
    parts: tuple[str, ...] = DEFAULT_PARTS
    workers: tuple[int, ...] = (1, 2)
    runs: int = 3  # timed runs per side of the build part (pairs)
    warmup_docs: int = 20  # the warm-up build and bare run use this many of the files
    query_runs: int = 5  # timed runs of each `kg query` process
    corpus: Path | None = None  # an existing folder of N articles (else written to the work folder)
    graph: Path | None = None  # an existing graph file for the queries and serve parts
    workdir: Path | None = None  # kept when given (else a temporary folder, removed at the end)
    store_docs: int = 10_000
    store_dir: Path | None = None  # the store part's folder: articles/, build/, store/, measured.json (reused)
    store_corpus: Path | None = None  # an existing corpus for the store part
    store_path: Path | None = None  # an existing Oxigraph store folder (skips the large build)
    store_workers: int = 2
    probe_runs: int = 20  # in-process runs per query in the store part (after one warm-up)
    probe_budget: float = 60.0  # seconds of timed calls per query and kind in the probe, at most
    probe_timeout: float = 3 * 3600.0  # the whole in-process probe of the store part
    serve_query: str = "presided_meetings"
    serve_clients: int = 20
    serve_seconds: float = 10.0
    serve_rounds: int = 3
    timeout: float = 4 * 3600.0  # per build or bare-model process
    query_timeout: float = 600.0  # per query process or probe


Log = Callable[[str], None]


def _default_log(message: str) -> None:
    print(f"[kg.bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Bench:
    """A run in progress: its options, work folder, report and log; the corpus and graph, made once."""

    options: Options
    work: Path
    report: Report
    log: Log
    built_graph: Path | None = None  # the graph of the last successful `kg build` of the build part
    _corpus: Path | None = field(default=None, repr=False)

    def corpus(self) -> Path:
        """The folder of N articles: --corpus, else ``kg.synthetic.write_corpus(N, seed)`` in the work folder."""
        if self._corpus is None:
            given = self.options.corpus
            if given is not None:
                if not Path(given).is_dir():
                    raise BenchError(f"--corpus {given}: not a folder")
                self._corpus = Path(given)
            else:
                self._corpus = write_articles(
                    self.work / f"articles-{self.options.n}-seed{self.options.seed}",
                    self.options.n,
                    self.options.seed,
                    self.log,
                )
        return self._corpus

    def graph(self) -> Path:
        """The graph file the queries and serve parts read: --graph, the build part's, else an untimed build."""
        if self.options.graph is not None:
            if not Path(self.options.graph).is_file():
                raise BenchError(f"--graph {self.options.graph}: no such file")
            return Path(self.options.graph)
        if self.built_graph is None:
            out = self.work / "build-for-queries"
            shutil.rmtree(out, ignore_errors=True)
            self.log(f"building {self.corpus()} (untimed) for the graph file")
            child = run_command(
                [*kg_command(), "build", str(self.corpus()), "-o", str(out)], timeout=self.options.timeout
            )
            if not child.ok:
                raise BenchError(child.failure())
            self.built_graph = out / "graph.trig"
        return self.built_graph

    @property
    def key(self) -> dict[str, object]:
        return {"N": self.options.n, "seed": self.options.seed}


def run(
    options: Options | None = None,
    out: str | Path | None = "BENCHMARKS.md",
    *,
    log: Log | None = None,
    command: str = "python -m kg.bench",
) -> Report:
    """Run the chosen parts; write their sections to ``out`` (unless None); return the report."""
    from kg.bench.endpoint import bench_serve
    from kg.bench.parts import bench_build, bench_queries
    from kg.bench.store import bench_store

    options = options or Options()
    log = log or _default_log
    unknown = set(options.parts) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown parts: {', '.join(sorted(unknown))} (choose among {', '.join(PARTS)})")
    if options.n < 1 or options.runs < 1 or options.query_runs < 1 or not options.workers:
        raise ValueError("--docs, --runs and --query-runs must be at least 1, and --workers not empty")
    if any(w < 1 for w in options.workers):
        raise ValueError("--workers must be positive")
    report = Report(machine(), datetime.now(UTC).isoformat(timespec="seconds"), command)
    own_temp = options.workdir is None
    work = Path(tempfile.mkdtemp(prefix="kg-bench-")) if own_temp else Path(options.workdir)
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(options, work, report, log)
    steps = {"build": bench_build, "queries": bench_queries, "store": bench_store, "serve": bench_serve}
    try:
        for part in PARTS:
            if part not in options.parts:
                continue
            log(f"part {part}")
            before = len(report.sections)
            try:
                steps[part](bench)
            except (BenchError, Exception) as exc:  # noqa: BLE001 - a part that cannot run reports why
                reason = str(exc) if isinstance(exc, BenchError) else f"{type(exc).__name__}: {exc}"
                log(f"part {part} stopped: {reason}")
                section = (
                    report.sections[-1]
                    if len(report.sections) > before
                    else report.section(f"{part}: N = {options.n:,}", **bench.key, part=part)
                )
                section.text(f"**The {part} part stopped: {reason}** (n/a for what follows).")
            if out is not None and len(report.sections) > before:  # written part by part: nothing is lost
                write_report(out, report)
                log(f"wrote the {part} part to {out}")
    finally:
        if own_temp:
            shutil.rmtree(work, ignore_errors=True)
    return report


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(",") if x.strip())


def parser() -> argparse.ArgumentParser:
    d = Options()
    p = argparse.ArgumentParser(
        prog="python -m kg.bench",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--parts",
        default=",".join(DEFAULT_PARTS),
        help=f"comma-separated, of {','.join(PARTS)} (default {','.join(DEFAULT_PARTS)})",
    )
    p.add_argument("--docs", type=int, default=d.n, help=f"N synthetic articles (default {d.n})")
    p.add_argument("--seed", type=int, default=d.seed, help=f"kg.synthetic seed (default {d.seed})")
    p.add_argument("--workers", default="1,2", help="build part: kg build --workers, each (default 1,2)")
    p.add_argument("--runs", type=int, default=d.runs, help=f"build part: timed runs per side (default {d.runs})")
    p.add_argument("--warmup-docs", type=int, default=d.warmup_docs, help="build part: files in the warm-up run")
    p.add_argument("--query-runs", type=int, default=d.query_runs, help="queries part: timed runs per query")
    p.add_argument("--corpus", type=Path, help="an existing folder of the N articles (not written to)")
    p.add_argument("--graph", type=Path, help="an existing graph file for the queries and serve parts")
    p.add_argument("--workdir", type=Path, help="keep corpora, builds and stores here (default: a temp folder)")
    p.add_argument("--store-docs", type=int, default=d.store_docs, help="store part: articles (default 10000)")
    p.add_argument("--store-dir", type=Path, help="store part: folder of its corpus, build, store (reused)")
    p.add_argument("--store-corpus", type=Path, help="store part: an existing corpus folder")
    p.add_argument("--store-path", type=Path, help="store part: an existing Oxigraph store (no build)")
    p.add_argument("--store-workers", type=int, default=d.store_workers, help="store part: build workers")
    p.add_argument("--probe-runs", type=int, default=d.probe_runs, help="store part: in-process runs per query")
    p.add_argument(
        "--probe-budget",
        type=float,
        default=d.probe_budget,
        help="store part: seconds of timed calls per query, at most (at least one call)",
    )
    p.add_argument("--probe-timeout", type=float, default=d.probe_timeout, help="store part: seconds for the probe")
    p.add_argument(
        "--serve-query", default=d.serve_query, help=f"serve part: the named query (default {d.serve_query})"
    )
    p.add_argument("--serve-clients", type=int, default=d.serve_clients)
    p.add_argument("--serve-seconds", type=float, default=d.serve_seconds, help="serve part: seconds per load run")
    p.add_argument("--serve-rounds", type=int, default=d.serve_rounds, help="serve part: load runs per server")
    p.add_argument("--timeout", type=float, default=d.timeout, help="seconds allowed per build or bare run")
    p.add_argument("--query-timeout", type=float, default=d.query_timeout, help="seconds per query process")
    p.add_argument("--out", default="BENCHMARKS.md", help="Markdown file to update (default BENCHMARKS.md)")
    return p


def options_from(args: argparse.Namespace) -> Options:
    values = {
        "n": args.docs,
        "seed": args.seed,
        "workers": _ints(args.workers),
        "parts": tuple(p.strip() for p in args.parts.split(",") if p.strip()),
    }
    names = {f.name for f in fields(Options)}
    for name, value in vars(args).items():
        if name in names and name not in values:
            values[name] = value
    return Options(**values)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    p = parser()
    args = p.parse_args(argv)
    try:
        options = options_from(args)
        report = run(options, args.out, command=shlex.join(["python", "-m", "kg.bench", *argv]))
    except ValueError as exc:
        p.error(str(exc))
    except KeyboardInterrupt:
        print("kg.bench: interrupted; nothing written", file=sys.stderr)
        return 130
    print(render(report))
    return 0
