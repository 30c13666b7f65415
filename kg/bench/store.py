"""The store part: a large build into an Oxigraph store (reused when it exists), then queries on it."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

from kg.bench.measure import BenchError, ChildRun, folder_bytes, kg_command, median, run_command, write_articles
from kg.bench.parts import bare_command, bare_documents, build_command, build_record, count, validation_text
from kg.bench.probe import collect
from kg.bench.report import MB, NA, Section, mb, ms, num, verdict

TIME_TARGET = 1.25  # kg build <= 1.25 x the bare model's time at 10,000 articles
RSS_TARGET = 2 * 1024**3  # peak RSS <= 2 GB
PAGE_TARGET = 0.100  # first page of 100 rows, p50
LOOKUP_TARGET = 0.050  # a person, title or region lookup, p50
STREAM_TARGET = 100_000  # rows/s of a whole table to CSV


def _side(run: ChildRun) -> dict:
    return {"seconds": run.seconds, "tree_rss": run.tree_rss, "max_rss": run.max_rss, "processes": run.processes}


def _bare_run(bench, saved: Path, corpus: Path, workers: int) -> dict:  # noqa: ANN001
    """The bare model's run over ``corpus`` (kept in ``saved``, reused if a later step fails and is rerun)."""
    if saved.is_file():
        found = json.loads(saved.read_text(encoding="utf-8"))
        if found.get("corpus") == str(corpus) and found.get("workers") == workers:
            return found
    bench.log(f"store: bare model on {workers} process(es) over {corpus}")
    run = run_command(bare_command(corpus, workers), timeout=bench.options.timeout)
    if not run.ok:
        raise BenchError(run.failure())
    found = _side(run) | {"corpus": str(corpus), "workers": workers, "documents": bare_documents(run)}
    saved.write_text(json.dumps(found, indent=1), encoding="utf-8")
    return found


def large_build(bench, section: Section) -> tuple[Path, dict | None]:  # noqa: ANN001
    """The store (and the measurements of its build, when this harness made it): reused, or built now."""
    o = bench.options
    folder = Path(o.store_dir) if o.store_dir else bench.work / f"store-{o.store_docs}-seed{o.seed}"
    measured_file = folder / "measured.json"
    if o.store_path is not None:
        if not Path(o.store_path).is_dir():
            raise BenchError(f"--store-path {o.store_path}: not a folder")
        section.facts.append(f"store: reused `{o.store_path}` (built elsewhere: no build figures)")
        return Path(o.store_path), None
    store, out = folder / "store", folder / "build"
    if store.is_dir() and measured_file.is_file():
        measured = json.loads(measured_file.read_text(encoding="utf-8"))
        section.facts.append(f"store: reused `{store}`, built and measured by kg.bench on {measured.get('date')}")
        return store, measured
    if store.is_dir() and (out / "build.json").is_file():
        section.facts.append(f"store: reused `{store}` (not built by kg.bench: no build figures)")
        return store, None
    for stale in (store, out):  # an earlier build that did not finish
        shutil.rmtree(stale, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    if o.store_corpus is not None:
        if not Path(o.store_corpus).is_dir():
            raise BenchError(f"--store-corpus {o.store_corpus}: not a folder")
        corpus = Path(o.store_corpus)
    else:
        corpus = write_articles(folder / "articles", o.store_docs, o.seed, bench.log)
    w = o.store_workers
    bare = _bare_run(bench, folder / "bare.json", corpus, w)
    bench.log(f"store: kg build --store --workers {w} ({bare['seconds']:.0f} s for the bare model)")
    kg = run_command(build_command(corpus, out, w, "--store", f"oxigraph:{store}"), timeout=o.timeout)
    if not kg.ok:
        raise BenchError(kg.failure())
    record = build_record(out)
    measured = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "corpus": str(corpus),
        "workers": w,
        "bare": {key: bare[key] for key in ("seconds", "tree_rss", "max_rss", "processes")},
        "kg": _side(kg),
        "bare_documents": bare.get("documents"),
        "triples": record.get("triples"),
        "validation": validation_text(record),
        "store_bytes": folder_bytes(store),
    }
    measured_file.write_text(json.dumps(measured, indent=1), encoding="utf-8")
    section.facts.append(f"store: built now in `{store}` (kept for reuse)")
    return store, measured


def _build_table(section: Section, m: dict | None) -> None:
    if m is None:
        section.text("Build figures: n/a (the store was built elsewhere).")
        return
    bare, kg = m["bare"], m["kg"]
    ratio = kg["seconds"] / bare["seconds"]
    rows = [
        [
            "bare model",
            f"{m['workers']} processes",
            num(bare["seconds"]),
            mb(bare["tree_rss"]),
            mb(bare["max_rss"]),
            str(bare["processes"]),
            "",
            "",
        ],
        [
            "kg build --store --workers",
            str(m["workers"]),
            num(kg["seconds"]),
            mb(kg["tree_rss"]),
            mb(kg["max_rss"]),
            str(kg["processes"]),
            f"{num(ratio, 2)} x: {verdict(ratio, TIME_TARGET, at_most=True)}",
            f"{num(kg['tree_rss'] / MB, 0)} MB: {verdict(kg['tree_rss'], RSS_TARGET, at_most=True)}",
        ],
    ]
    section.table(
        "Build vs the bare model (one pair)",
        [
            "side",
            "workers",
            "seconds",
            "peak RSS MB (tree)",
            "ru_maxrss MB",
            "processes",
            f"kg / bare <= {TIME_TARGET}",
            "peak RSS <= 2 GB",
        ],
        rows,
    )
    section.text(
        f"Measured {m['date']}: the bare model (`bare_model.py --processes {m['workers']}`), then `kg build DIR -o OUT "
        f"--store oxigraph:STORE --workers {m['workers']}` (default options otherwise), whole processes. kg: "
        f"{count(m.get('triples'))} triples, validation {m.get('validation', NA)}, store {mb(m.get('store_bytes'))} "
        "MB. Peak RSS (tree): the largest sampled sum of the process tree's resident memory (pages shared after "
        "fork count once per process, so it overstates); ru_maxrss: the largest single process."
    )


def _cli_pages(bench, store: Path, names: list[str]) -> dict[str, float | str]:  # noqa: ANN001
    """Median seconds of ``kg query NAME --store oxigraph:STORE --limit 100 --format csv`` processes."""
    o = bench.options
    medians: dict[str, float | str] = {}
    for name in names:
        bench.log(f"store: kg query {name} --store --limit 100")
        samples, failure = [], None
        for _ in range(1 + o.query_runs):
            child = run_command(
                [*kg_command(), "query", name, "--store", f"oxigraph:{store}", "--limit", "100", "--format", "csv"],
                timeout=o.query_timeout,
                capture=False,
            )
            if not child.ok:
                failure = child.failure()
                break
            samples.append(child.seconds)
        medians[name] = failure or median(samples[1:] or samples)
    return medians


def cli_has(option: str) -> bool:
    """Whether ``kg query --help`` offers ``option``."""
    child = run_command([*kg_command(), "query", "--help"], timeout=120)
    return child.ok and option in child.stdout


def bench_store(bench) -> None:  # noqa: ANN001
    """The large build (or a reused store), first pages, lookups and whole-table streaming on its store."""
    o = bench.options
    section = bench.report.section(f"Large store: {o.store_docs:,} articles", N=o.store_docs, seed=o.seed, part="store")
    store, measured = large_build(bench, section)
    _build_table(section, measured)
    bench.log(f"store: in-process probe of {store}")
    command = [sys.executable, "-m", "kg.bench.probe", str(store), "--runs", str(o.probe_runs), "--timeout",
               str(o.query_timeout), "--budget", str(o.probe_budget)]  # fmt: skip
    child = run_command(command, timeout=o.probe_timeout, show_stderr=True)
    found = collect(_json_lines(child.stdout))
    if not child.ok:  # what it measured before is kept
        section.text(f"**The in-process probe stopped**: {child.failure()}; what it had not measured is n/a.")
    reasons = found.get("reasons", {})
    if "all" in reasons:
        section.text(f"In-process figures: n/a ({reasons['all']}).")
    names = [e["name"] for e in found.get("stream", [])] or _names()
    cli = _cli_pages(bench, store, names) if cli_has("--limit") else {}
    _pages_table(section, found, cli, reasons)
    _lookups_table(section, found)
    _stream_table(bench, section, found, store)


def _json_lines(text: str) -> list[dict]:
    records = []
    for line in text.splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue  # a line cut by a kill
    return records


def _names() -> list[str]:
    from kg.bench.parts import query_names

    return query_names()


def _pages_table(section: Section, found: dict, cli: dict, reasons: dict) -> None:
    rows = []
    by_name = {e["name"]: e for e in found.get("queries", [])}
    for name in list(dict.fromkeys([*by_name, *cli])):
        e = by_name.get(name, {})
        c = cli.get(name, NA)
        rows.append(
            [
                f"`{name}`",
                count(e.get("rows")),
                ms(e.get("p50")),
                ms(e.get("p95")),
                str(e.get("runs", NA)),
                e.get("error") or verdict(e.get("p50"), PAGE_TARGET, at_most=True),
                c if isinstance(c, str) else num(c, 2),
            ]
        )
    why = reasons.get("page") or reasons.get("all")
    section.table(
        "First page of every named query (`limit=100`)",
        [
            "query",
            "rows",
            "p50 ms",
            "p95 ms",
            "runs",
            "p50 <= 100 ms",
            "`kg query --limit 100` process, median s",
        ],
        rows,
        f"In-process: `kg.query.run_query(open_source(store=STORE), text, limit=100)` with the query's default "
        f"parameters: one untimed warm-up call (with kg's time limit), then up to {found.get('runs')} timed calls "
        f"without a time limit, fewer once they have taken {num(found.get('budget'), 0)} s (p95 nearest rank; "
        "each call reads the result's rows). The process "
        "column is the whole `kg query NAME --store oxigraph:STORE --limit 100 --format csv` command (start-up "
        "included), median after one untimed run, for reference."
        + (f" In-process n/a: {why}." if why else "")
        + ("" if cli else " Process column n/a: `kg query` has no --limit yet."),
    )


def _lookups_table(section: Section, found: dict) -> None:
    picked = found.get("picked", {})
    rows = []
    for e in found.get("lookups", []):
        params = ", ".join(f"{k}={v}" for k, v in e.get("params", {}).items()) or "defaults"
        rows.append(
            [
                f"`{e['name']}`",
                params,
                count(e.get("page_rows")),
                ms(e.get("page_p50")),
                str(e.get("page_runs", NA)),
                e.get("error") or verdict(e.get("page_p50"), LOOKUP_TARGET, at_most=True),
                count(e.get("all_rows")),
                ms(e.get("all_p50")),
            ]
        )
    section.table(
        "Parameter lookups",
        ["query", "parameters", "rows (page)", "page p50 ms", "runs", "p50 <= 50 ms", "rows (all)", "all rows p50 ms"],
        rows,
        "Queries with a person, title or region parameter (found by parameter name in `list_queries()`), "
        "given values that occur in the store: the person with the most meetings attended, the title "
        "held most, the region of the most documents, and dates set to the latest kg:asOf "
        f"({', '.join(f'{k}: {v}' for k, v in picked.items()) or 'none found'}). Page: `limit=100`; all: "
        "the whole answer. Timed as the first pages above.",
    )


def _stream_table(bench, section: Section, found: dict, store: Path) -> None:  # noqa: ANN001
    entries = [e for e in found.get("stream", []) if "rows" in e]
    rows = []
    for e in sorted(found.get("stream", []), key=lambda e: -e.get("rows", -1)):
        rate = e["rows"] / e["seconds"] if e.get("seconds") else None
        rows.append(
            [
                f"`{e['name']}`",
                f"{e['rows']:,}" if "rows" in e else NA,
                num(e.get("seconds"), 2),
                num((e.get("bytes") or 0) / MB, 1),
                e.get("error") or num(rate, 0),
            ]
        )
    largest = max(entries, key=lambda e: e["rows"], default=None)
    process = NA
    if largest is not None:
        child = run_command(
            [*kg_command(), "query", largest["name"], "--store", f"oxigraph:{store}", "--format", "csv"],
            timeout=bench.options.query_timeout,
            capture=False,
        )
        process = (
            f"{num(largest['rows'] / child.seconds, 0)} rows/s ({num(child.seconds, 2)} s)"
            if child.ok
            else (child.failure())
        )
    in_process = largest["rows"] / largest["seconds"] if largest else None
    section.table(
        "Whole tables to CSV",
        ["query", "rows", "seconds", "CSV MB", "rows/s"],
        rows,
        "In-process: `run_query(source, text)` of the whole answer (no time limit), then "
        "`result.serialize('csv')`, one run each, query and serialisation timed together.",
    )
    name = f"`{largest['name']}`" if largest else NA
    section.text(
        f"Largest table: {name}, {num(in_process, 0)} rows/s in-process (target >= {STREAM_TARGET:,}: "
        f"{verdict(in_process, STREAM_TARGET)}); as a whole `kg query NAME --store oxigraph:STORE --format csv > "
        f"/dev/null` process, start-up included: {process}."
    )
