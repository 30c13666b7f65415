"""The benchmark parts: build (child process), extraction, export, named queries."""

from __future__ import annotations

import functools
import json
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kg.bench.measure import percentile, run_command, timed
from kg.bench.report import MB, Report, mb, ms, num

ENGINES = ("rdflib", "oxigraph")
BATCH_SIZE = 32  # kg.extract.extract_documents' default, used for raw nlp.pipe too
CHUNK = 64  # documents per alternation of raw and kg in the extraction part
Log = Callable[[str], None]


# ---------------------------------------------------------------- build (the real CLI, in a child process)


def kg_command() -> list[str]:
    """How to run the ``kg`` command with this interpreter."""
    script = Path(sys.executable).with_name("kg")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from kg.cli import main; sys.exit(main())"]


def bench_build(report: Report, articles: Path, work: Path, workers: int, validate: str, log: Log) -> Path | None:
    """``kg build`` with an Oxigraph store; returns the store's folder when the build succeeded."""
    out, store = work / "build", work / "build-store"
    for folder in (out, store):
        shutil.rmtree(folder, ignore_errors=True)
    args = ["build", str(articles), "-o", str(out), "--store", f"oxigraph:{store}", "--workers", str(workers)]
    args += ["--validate", validate]
    log(f"build: kg {' '.join(args)}")
    child = run_command([*kg_command(), *args])
    command = f"`kg {' '.join(args[:1] + ['ARTICLES', '-o', 'OUT', '--store', 'oxigraph:STORE'] + args[6:])}`"
    if child.returncode != 0:
        report.table("Build: time and peak memory", ["command", "result"],
                     [[command, f"failed (exit {child.returncode}): {' '.join(child.tail(3).split())}"]])  # fmt: skip
        log(f"build failed:\n{child.tail()}")
        return None
    record = _build_record(out)
    size = sum(f.stat().st_size for f in store.rglob("*") if f.is_file()) if store.is_dir() else 0
    report.table(
        "Build: time and peak memory",
        ["command", "workers", "seconds", "documents/s", "peak RSS MB (tree, sampled)", "sum of process peaks MB",
         "largest process MB", "triples", "store MB"],
        [[command, str(workers), num(child.seconds), num(report.n / child.seconds, 2), mb(child.tree_rss),
          mb(child.tree_hwm), mb(child.max_rss), f"{record.get('triples', 0):,}", mb(size)]],
        f"The whole command in a child process (validation `{validate}`; exports and store included). Peak RSS "
        f"of its process tree ({child.processes} processes seen): the sum of the processes' resident memory "
        "sampled every 0.2 s with psutil, and the sum of each process's own peak (VmHWM), an upper bound; the "
        "largest single process is ru_maxrss from wait4. Target: 10,000 articles <= 2 GB.",
    )  # fmt: skip
    return store


def _build_record(out: Path) -> dict:
    try:
        return json.loads((out / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


# ---------------------------------------------------------------- extraction


def raw_pipeline():  # noqa: ANN201 - a spacy Language
    """The spaCy model as kg loads it (``load_pipeline``), without kg's own components."""
    import spacy

    from kg.extract.pipeline import UNUSED_COMPONENTS, model_package

    return spacy.load(model_package(), exclude=list(UNUSED_COMPONENTS))


def bench_extraction(report: Report, documents: list, log: Log) -> list:
    """Throughput of kg's extraction against raw ``nlp.pipe``; returns kg's extractions."""
    from kg.extract import extract_documents
    from kg.extract.pipeline import load_pipeline

    raw = raw_pipeline()
    kg_names = [n for n in load_pipeline().pipe_names if n not in raw.pipe_names]
    warm = documents[:4]
    list(raw.pipe([d.text for d in warm], batch_size=BATCH_SIZE))
    list(extract_documents(warm, batch_size=BATCH_SIZE))
    wall = {"raw": 0.0, "kg": 0.0}
    cpu = {"raw": 0.0, "kg": 0.0}
    extractions: list = []

    def run_raw(chunk: list) -> None:
        for _ in raw.pipe([d.text for d in chunk], batch_size=BATCH_SIZE):
            pass

    def run_kg(chunk: list) -> None:
        extractions.extend(extract_documents(chunk, batch_size=BATCH_SIZE))

    log(f"extraction: raw nlp.pipe and kg, alternating over {len(documents)} documents")
    for i in range(0, len(documents), CHUNK):
        chunk = documents[i : i + CHUNK]
        order = (("raw", run_raw), ("kg", run_kg)) if (i // CHUNK) % 2 == 0 else (("kg", run_kg), ("raw", run_raw))
        for name, fn in order:
            c0, w0 = time.process_time(), time.perf_counter()
            fn(chunk)
            wall[name] += time.perf_counter() - w0
            cpu[name] += time.process_time() - c0
    n, words = len(documents), report.words
    rows = []
    for name, label in (("raw", f"raw `nlp.pipe` ({', '.join(raw.pipe_names)})"),
                        ("kg", f"kg `extract_documents` (+ {', '.join(kg_names)}, records)")):  # fmt: skip
        rows.append([label, num(wall[name]), num(cpu[name]), num(n / wall[name], 2), num(words / wall[name], 0),
                     num(wall["raw"] / wall[name], 2), num(cpu["raw"] / cpu[name], 2)])  # fmt: skip
    report.table(
        "Extraction throughput",
        ["pipeline", "wall s", "CPU s", "documents/s", "words/s", "x raw (wall)", "x raw (CPU)"],
        rows,
        f"One process, batch size {BATCH_SIZE}; raw and kg alternate over chunks of {CHUNK} documents. The raw "
        "pipeline is the model as kg's `load_pipeline` loads it (lemmatizer and attribute ruler excluded, as kg "
        "uses neither) without kg's components. Target: kg >= 0.8 x raw.",
    )
    return extractions


def bench_recall(report: Report, planted: list, corpus) -> None:  # noqa: ANN001
    from kg.synthetic import recall

    found = recall(planted, corpus)
    rows = [[kind, str(total), str(hit), num(100 * hit / total, 1)] for kind, (hit, total) in found.items()]
    report.table(
        "Planted facts found (sanity check on generated text)",
        ["fact kind", "planted", "found", "recall %"],
        rows,
        "Synthetic texts are easy on purpose: this checks that nothing broke, not kg's accuracy on real news.",
    )


# ---------------------------------------------------------------- export


def bench_export(report: Report, ds, store, log: Log) -> None:  # noqa: ANN001
    import pyoxigraph as ox

    exporters: list[tuple[str, Callable[[], bytes]]] = []
    if ds is not None:
        from kg.store import serialize_trig, sorted_nquads

        exporters += [("TriG, rdflib (`kg.store.serialize_trig`)", lambda: serialize_trig(ds)),
                      ("N-Quads, rdflib, sorted (`kg.store.sorted_nquads`)", lambda: sorted_nquads(ds))]  # fmt: skip
    if store is not None:
        exporters += [
            ("TriG, Oxigraph (`Store.dump`)", lambda: store.dump(format=ox.RdfFormat.TRIG)),
            ("N-Quads, Oxigraph (`Store.dump`)", lambda: store.dump(format=ox.RdfFormat.N_QUADS)),
        ]
    triples = len(store) if store is not None else sum(1 for _ in ds.quads((None, None, None, None)))
    rows = []
    for name, fn in exporters:
        log(f"export: {name}")
        seconds, data = timed(fn)
        rows.append([name, num(seconds, 2), num(len(data) / MB, 1), num(triples / seconds, 0)])
    report.table("Export throughput", ["format", "seconds", "MB", "triples/s"], rows,
                 f"{triples:,} triples (quads), serialized in memory.")  # fmt: skip


# ---------------------------------------------------------------- queries

# (name, parameters, interactive): the six competency queries return every row of their kind by design;
# the analyst queries answer one question (a date, a person) or summarise.
COMPETENCY = ("people", "organizations", "posts", "participants", "meetings", "initiatives")
ANALYST = ("presided_meetings", "post_holders_as_of", "person_meetings", "initiatives_by_region", "fact_evidence")
QUERIES = COMPETENCY + ANALYST


def query_params(name: str, seed: int) -> dict[str, str]:
    """Parameters for the analyst queries that take one: a person of the synthetic world."""
    if name == "person_meetings":
        from kg.synthetic import world

        return {"person_name": f'"{world(seed)[0].secretary.name}"'}
    return {}


def _rdflib_call(ds, text: str, params: dict, timeout: float | None = None) -> tuple:  # noqa: ANN001
    from kg.query import run_query

    return run_query(ds, text, params or None, timeout=timeout).rows


def _oxigraph_call(store, text: str, params: dict) -> tuple:  # noqa: ANN001
    from kg.oxstore import query_store

    return query_store(store, text, params or None)[1]


def _measure(call: Callable[[], tuple], first: Callable[[], tuple], runs: int, budget: float):  # noqa: ANN202
    """(rows, samples) of a query: one warm-up run, then up to ``runs`` timed runs within ``budget`` seconds."""
    spent, rows = timed(first)
    samples: list[float] = []
    while len(samples) < runs and (spent < budget or not samples):
        seconds, _ = timed(call)
        samples.append(seconds)
        spent += seconds
    return rows, samples


def bench_queries(report: Report, ds, store, runs: int, budget: float, log: Log) -> None:  # noqa: ANN001
    from kg.errors import QueryTimeout
    from kg.query import resolve_query

    engines = {"rdflib": ds, "oxigraph": store}
    rows = []
    for name in QUERIES:
        text, params = resolve_query(name), query_params(name, report.seed)
        samples: dict[str, list[float]] = {}
        answers: dict[str, list] = {}
        timeouts: set[str] = set()
        for engine, target in engines.items():
            if target is None:
                continue
            log(f"queries: {name} on {engine}")
            if engine == "rdflib":
                call = functools.partial(_rdflib_call, ds, text, params)
                first = functools.partial(_rdflib_call, ds, text, params, budget)
            else:
                call = first = functools.partial(_oxigraph_call, store, text, params)
            try:
                answers[engine], samples[engine] = _measure(call, first, runs, budget)
            except QueryTimeout:
                timeouts.add(engine)
        counts = {len(a) for a in answers.values()}
        row = [f"`{name}`", "analyst" if name in ANALYST else "competency", "/".join(map(str, sorted(counts))) or "n/a"]
        for engine in ENGINES:
            if engine in samples:
                row += [ms(percentile(samples[engine], 50)), ms(percentile(samples[engine], 95))]
            else:
                row += [f"> {budget * 1000:,.0f}" if engine in timeouts else "n/a"] * 2
        p50 = {e: percentile(s, 50) for e, s in samples.items()}
        if "oxigraph" in p50 and ("rdflib" in p50 or "rdflib" in timeouts):
            ratio = p50.get("rdflib", budget) / p50["oxigraph"]
            row.append(("> " if "rdflib" in timeouts else "") + num(ratio, 0 if ratio >= 10 else 1))
        else:
            row.append("n/a")
        if len(answers) == 2:
            same = sorted(answers["rdflib"], key=repr) == sorted(answers["oxigraph"], key=repr)
            row.append("yes" if same else "**no**")
        else:
            row.append("n/a")
        row.append("/".join(str(len(samples[e])) for e in ENGINES if e in samples) or "0")
        rows.append(row)
    report.table(
        "Named queries: latency",
        ["query", "kind", "rows", "rdflib p50 ms", "rdflib p95 ms", "Oxigraph p50 ms", "Oxigraph p95 ms",
         "rdflib / Oxigraph (p50)", "same rows", "runs"],
        rows,
        "rdflib: `kg.query.run_query` on the in-memory Dataset (the default store; parsing included); Oxigraph: "
        "`kg.oxstore.query_store` on a store on disk. One warm-up run first (rdflib's stopped after the budget: "
        f"'>' cells), then up to the given runs while the query has used less than {budget:g} s; p95 is "
        "nearest-rank, so with fewer than 20 runs it is the slowest run. `person_meetings` asks for "
        "the first province's party secretary; `post_holders_as_of` uses its defaults. Target: p50 <= 100 ms on "
        "Oxigraph for 10,000 articles.",
    )  # fmt: skip
