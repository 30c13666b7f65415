"""The build part (``kg build`` against the bare model, paired whole processes) and the queries part."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path

from kg.bench.measure import ChildRun, kg_command, median, run_command
from kg.bench.report import NA, Section, mb, num, verdict

BARE_SCRIPT = Path(__file__).with_name("bare_model.py")
BUILD_TARGET = 0.8  # kg build >= 0.8 x the bare model's throughput
QUERY_TARGET = 2.0  # seconds per `kg query NAME` process at N=150


def model_and_exclusions() -> tuple[str, list[str]]:
    """The spaCy package and the components kg's extraction leaves out (``kg.extract.pipeline``)."""
    from kg.extract.pipeline import UNUSED_COMPONENTS, model_package

    return model_package(), list(UNUSED_COMPONENTS)


def bare_command(folder: Path, processes: int) -> list[str]:
    """The bare model over ``folder`` on ``processes`` processes, as a script that imports nothing from kg."""
    model, exclude = model_and_exclusions()
    return [
        sys.executable,
        str(BARE_SCRIPT),
        str(folder),
        "--model",
        model,
        "--exclude",
        ",".join(exclude),
        "--processes",
        str(processes),
    ]


def build_command(folder: Path, out: Path, workers: int, *extra: str) -> list[str]:
    """``kg build FOLDER -o OUT`` with default options (``--workers W`` when W > 1)."""
    return [
        *kg_command(),
        "build",
        str(folder),
        "-o",
        str(out),
        *(["--workers", str(workers)] if workers > 1 else []),
        *extra,
    ]


def text_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.txt") if not any(part.startswith(".") for part in p.parts))


def warmup_folder(bench, count: int) -> Path:  # noqa: ANN001
    """A folder with copies of the corpus's first ``count`` files, for the untimed warm-up runs."""
    folder = bench.work / f"warmup-{count}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for path in text_files(bench.corpus())[:count]:
        shutil.copyfile(path, folder / path.name)
    return folder


def build_record(out: Path) -> dict:
    """``OUT/build.json`` of a build (empty when missing or unreadable)."""
    try:
        return json.loads((out / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def count(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else NA


def validation_text(record: dict) -> str:
    v = record.get("validation") or {}
    if not v:
        return NA
    whole = v.get("whole_graph")
    return f"{v.get('mode', '?')}, whole graph: {'yes' if whole else 'no' if whole is not None else '?'}"


def paired_runs(bench, bare: list[str], kg: list[str], out: Path, runs: int) -> tuple[list, list, str | None]:  # noqa: ANN001
    """``runs`` pairs of whole processes, bare then kg (A B A B); the runs of each side and a failure, if any."""
    bares: list[ChildRun] = []
    kgs: list[ChildRun] = []
    for i in range(runs):
        bench.log(f"  pair {i + 1}/{runs}: bare model")
        b = run_command(bare, timeout=bench.options.timeout)
        if not b.ok:
            return bares, kgs, b.failure()
        bares.append(b)
        shutil.rmtree(out, ignore_errors=True)
        bench.log(f"  pair {i + 1}/{runs}: kg build ({b.seconds:.1f} s for the bare model)")
        k = run_command(kg, timeout=bench.options.timeout)
        if not k.ok:
            return bares, kgs, k.failure()
        kgs.append(k)
        bench.log(f"  pair {i + 1}/{runs}: kg build {k.seconds:.1f} s, ratio {b.seconds / k.seconds:.2f}")
    return bares, kgs, None


def bench_build(bench) -> None:  # noqa: ANN001
    """``kg build`` (default options) against the bare model over the same files, for each worker count."""
    o = bench.options
    corpus = bench.corpus()
    files = text_files(corpus)
    model, exclude = model_and_exclusions()
    warm = warmup_folder(bench, o.warmup_docs) if o.warmup_docs > 0 else None
    for workers in o.workers:
        section = bench.report.section(
            f"Build vs the bare model: N = {o.n:,}, {workers} worker(s)", **bench.key, part="build", workers=workers
        )
        out = bench.work / f"build-w{workers}"
        bare, kg = bare_command(corpus, workers), build_command(corpus, out, workers)
        section.facts += [
            f"corpus: {len(files):,} files, {sum(p.stat().st_size for p in files) / 1e6:,.1f} MB"
            + (f" (`{o.corpus}`)" if o.corpus else f" (`kg.synthetic.write_corpus(DIR, {o.n}, seed={o.seed})`)"),
            f"kg: `kg build DIR -o OUT{f' --workers {workers}' if workers > 1 else ''}` (default options)",
            f"bare: `python kg/bench/bare_model.py DIR --model {model} --exclude {','.join(exclude)} --processes "
            f"{workers}`",
        ]
        if warm is not None:
            bench.log(f"build, {workers} worker(s): warm-up on {o.warmup_docs} files")
            failed = _warm_up(bench, warm, workers)
            if failed:
                section.text(f"**The warm-up failed**: {failed}. No figures.")
                continue
        bench.log(f"build, {workers} worker(s): {o.runs} pairs on {len(files)} files")
        bares, kgs, failure = paired_runs(bench, bare, kg, out, o.runs)
        _build_tables(section, bares, kgs, build_record(out) if kgs else {}, len(files), workers)
        if failure:
            section.text(f"**A run failed**: {failure}. The figures above are of the runs before it.")
        if kgs and not failure and (bench.built_graph is None or workers == 1):
            bench.built_graph = out / "graph.trig"


def _warm_up(bench, folder: Path, workers: int) -> str | None:  # noqa: ANN001
    """One untimed run of each side on a few files; why it failed, if it did."""
    out = bench.work / "warmup-out"
    shutil.rmtree(out, ignore_errors=True)
    for command in (bare_command(folder, workers), build_command(folder, out, workers)):
        child = run_command(command, timeout=bench.options.timeout)
        if not child.ok:
            return child.failure()
    return None


def bare_documents(run: ChildRun) -> int | None:
    try:
        return int(json.loads(run.stdout.strip().splitlines()[-1])["documents"])
    except (ValueError, KeyError, IndexError):
        return None


def _build_tables(
    section: Section, bares: list[ChildRun], kgs: list[ChildRun], record: dict, files: int, workers: int
) -> None:
    rows = [
        [str(i + 1), num(b.seconds), num(k.seconds), num(b.seconds / k.seconds, 2), mb(b.tree_rss), mb(k.tree_rss)]
        for i, (b, k) in enumerate(zip(bares, kgs, strict=False))
    ]
    section.table(
        "Paired runs (bare model, then kg build)",
        ["pair", "bare s", "kg s", "bare / kg", "bare peak RSS MB", "kg peak RSS MB"],
        rows,
    )
    bare_s, kg_s = median([b.seconds for b in bares]), median([k.seconds for k in kgs])
    ratios = [b.seconds / k.seconds for b, k in zip(bares, kgs, strict=False)]
    ratio = median(ratios)
    documents = record.get("documents")
    kg_docs = len(documents) if isinstance(documents, list) else documents
    summary = []
    for label, side, s, docs in (
        ("bare model", bares, bare_s, bare_documents(bares[0]) if bares else None),
        ("kg build", kgs, kg_s, kg_docs),
    ):
        summary.append(
            [
                label,
                str(len(side)),
                num(s),
                num(files / s, 2) if side else NA,
                mb(max((r.tree_rss for r in side), default=0)),
                mb(max((r.max_rss for r in side), default=0)),
                str(max((r.processes for r in side), default=0)),
                str(docs) if docs is not None else NA,
            ]
        )
    section.table(
        "Summary",
        ["side", "runs", "median s", "files/s", "peak RSS MB (tree)", "ru_maxrss MB", "processes", "documents"],
        summary,
    )
    spread = f" (pairs {min(ratios):.2f}-{max(ratios):.2f})" if len(ratios) > 1 else ""
    section.text(
        f"**Throughput ratio kg / bare = {num(ratio, 2)} x**{spread}, the median of the pairs' bare s / kg s "
        f"(ratio of the medians {num(bare_s / kg_s, 2) if kgs else NA}); target >= {BUILD_TARGET} x: "
        f"{verdict(ratio, BUILD_TARGET)}. kg's build: {count(record.get('triples'))} triples, validation "
        f"{validation_text(record)}."
        if kgs
        else "No complete pair: no ratio."
    )
    how = (
        "Whole processes, timed from start to exit: each pair runs the bare model, then `kg build` into a fresh "
        "OUT (A B A B), after one untimed warm-up of each on the first files of the corpus. The bare model is "
        "`spacy.load(MODEL, exclude=UNUSED)` and `nlp.pipe(texts, batch_size=32)` over the same files, with "
        "kg's model and exclusions (`kg.extract.pipeline`). Peak RSS (tree): the largest sum of the resident "
        "memory of the process and its descendants, sampled every 0.2 s with psutil (pages shared after fork "
        "count once per process); ru_maxrss: the largest single process (wait4)."
    )
    if workers > 1:
        how += (
            f" With {workers} workers the bare side is {workers} processes on {workers} shares of the files of "
            "about equal size, each loading the model itself, as kg's worker processes do; not "
            f"`nlp.pipe(n_process={workers})`, which sends every parsed Doc back to the parent (pickled) and "
            "would slow the baseline with work kg does not do: the stricter baseline is the model alone on each core."
        )
    section.text(how)


# ---------------------------------------------------------------- queries: whole `kg query` processes


def csv_rows(text: str) -> int:
    """Data rows of a CSV answer (header excluded; quoted newlines kept inside their row)."""
    return max(0, sum(1 for _ in csv.reader(io.StringIO(text))) - 1)


def query_names() -> list[str]:
    """The named queries shipped with kg (``kg.query.list_queries``)."""
    from kg.query import list_queries

    return [info.name for info in list_queries()]


def bench_queries(bench) -> None:  # noqa: ANN001
    """Each named query as ``kg query NAME --graph FILE --format csv > /dev/null``: median of k processes."""
    o = bench.options
    section = bench.report.section(f"Named queries as `kg query` processes: N = {o.n:,}", **bench.key, part="queries")
    graph = bench.graph()
    record = build_record(graph.parent)
    section.facts.append(
        f"graph: {graph.name}, {graph.stat().st_size / 1e6:,.1f} MB"
        + (f", {record['triples']:,} triples" if "triples" in record else "")
    )
    rows, medians = [], []
    for name in query_names():
        command = [*kg_command(), "query", name, "--graph", str(graph), "--format", "csv"]
        bench.log(f"queries: {name}")
        first = run_command(command, timeout=o.query_timeout)
        if not first.ok:
            rows.append([f"`{name}`", NA, NA, NA, NA, first.failure()])
            continue
        samples = []
        for _ in range(o.query_runs):
            child = run_command(command, timeout=o.query_timeout, capture=False)
            if not child.ok:
                break
            samples.append(child.seconds)
        p50 = median(samples)
        medians.append(p50)
        note = "" if len(samples) == o.query_runs else f"stopped after {len(samples)} runs: {child.failure()}"
        rows.append(
            [
                f"`{name}`",
                f"{csv_rows(first.stdout):,}",
                num(p50, 2),
                num(min(samples, default=None), 2),
                num(max(samples, default=None), 2),
                note or verdict(p50, QUERY_TARGET, at_most=True),
            ]
        )
    section.table(
        "`kg query NAME --graph FILE --format csv`",
        ["query", "rows", "median s", "min s", "max s", f"<= {QUERY_TARGET:g} s"],
        rows,
    )
    met = sum(1 for m in medians if m <= QUERY_TARGET)
    section.text(
        f"{met} of {len(rows)} named queries answer within {QUERY_TARGET:g} s (median). Each is a whole process "
        f"as users run it, with its default parameters, output to /dev/null: one untimed run first (which also "
        f"counts the rows), then the median of {o.query_runs}. Target: <= {QUERY_TARGET:g} s each at N=150."
    )
