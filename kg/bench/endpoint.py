"""The serve part: ``kg.serve.load`` (20 clients) against ``kg serve --graph`` and ``oxigraph serve``."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from kg.bench.measure import BenchError, free_port, kg_command, kill_tree, median, oxigraph_binary, run_command
from kg.bench.report import NA, Section, num, verdict

SERVE_TARGET = 0.8  # kg serve --graph >= 0.8 x oxigraph serve's queries/s


def _answers(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with opener.open(request, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def server(command: list[str], ready_url: str, timeout: float) -> Iterator[None]:
    """Run a server ``command`` until ``ready_url`` answers 200; stop it (and its children) on exit."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while not _answers(ready_url):
                if process.poll() is not None:
                    log.seek(0)
                    lines = [ln for ln in log.read().decode("utf-8", "replace").splitlines() if ln.strip()]
                    raise BenchError(
                        f"`{Path(command[0]).name} {' '.join(command[1:3])}` "
                        f"stopped (exit {process.returncode}): {lines[-1] if lines else 'no output'}"
                    )
                if time.monotonic() > deadline:
                    raise BenchError(f"{ready_url} did not answer within {timeout:g} s")
                time.sleep(0.2)
            yield
        finally:
            if process.poll() is None:
                kill_tree(process.pid)
            process.wait()


def load_run(bench, url: str) -> dict:  # noqa: ANN001
    """One run of ``python -m kg.serve.load URL --json``: its figures, or {"error": why}."""
    o = bench.options
    command = [
        sys.executable,
        "-m",
        "kg.serve.load",
        url,
        "--clients",
        str(o.serve_clients),
        "--seconds",
        str(o.serve_seconds),
        "--query",
        o.serve_query,
        "--json",
    ]
    child = run_command(command, timeout=o.serve_seconds * 10 + 300)
    try:
        return json.loads(child.stdout)
    except ValueError:
        return {"error": child.failure()}


def bench_serve(bench) -> None:  # noqa: ANN001
    """Queries/s of ``kg serve --graph FILE`` and of ``oxigraph serve`` on the same graph, alternating runs."""
    o = bench.options
    section = bench.report.section(f"Endpoint load test: N = {o.n:,}", **bench.key, part="serve")
    graph = bench.graph()
    section.facts.append(
        f"graph: {graph.name}, {graph.stat().st_size / 1e6:,.1f} MB; query `{o.serve_query}`; "
        f"{o.serve_clients} clients, {o.serve_seconds:g} s per run"
    )
    binary = oxigraph_binary()
    database = bench.work / "oxigraph-serve-db"
    if binary is not None:
        shutil.rmtree(database, ignore_errors=True)
        bench.log("serve: oxigraph load")
        loaded = run_command([binary, "load", "--location", str(database), "--file", str(graph)], timeout=o.timeout)
        if not loaded.ok:
            raise BenchError(loaded.failure())
    kg_port, ox_port = free_port(), free_port()
    kg_url, ox_url = f"http://127.0.0.1:{kg_port}", f"http://127.0.0.1:{ox_port}/query"
    kg_cmd = [*kg_command(), "serve", "--graph", str(graph), "--port", str(kg_port)]
    runs: dict[str, list[dict]] = {"kg": [], "oxigraph": []}
    with contextlib.ExitStack() as stack:
        bench.log("serve: starting kg serve")
        stack.enter_context(server(kg_cmd, f"{kg_url}/healthz", o.query_timeout))
        if binary is not None:
            ox_cmd = [
                binary,
                "serve",
                "--location",
                str(database),
                "--union-default-graph",
                "--bind",
                f"127.0.0.1:{ox_port}",
            ]
            stack.enter_context(server(ox_cmd, f"{ox_url}?query=ASK%7B%7D", o.query_timeout))
        for r in range(o.serve_rounds):
            for name, url in (("kg", kg_url), ("oxigraph", ox_url)):
                if name == "oxigraph" and binary is None:
                    continue
                bench.log(f"serve: round {r + 1}/{o.serve_rounds}, {name}")
                runs[name].append(load_run(bench, url))
    _tables(section, runs, binary is not None)


def _qps(run: dict) -> float | None:
    return None if "error" in run or run.get("errors") else run.get("queries_per_second")


def _tables(section: Section, runs: dict[str, list[dict]], with_oxigraph: bool) -> None:
    rows = []
    for i, (kg, ox) in enumerate(zip(runs["kg"], runs["oxigraph"] or [{}] * len(runs["kg"]), strict=False)):
        ratio = _qps(kg) / _qps(ox) if _qps(kg) and _qps(ox) else None
        cells = [str(i + 1)]
        for run in (kg, ox):
            if "error" in run:
                cells += [run["error"], NA, NA, NA]
            else:
                cells += [
                    num(run.get("queries_per_second")),
                    num(run.get("p50_ms")),
                    num(run.get("p95_ms")),
                    str(run.get("errors", NA)),
                ]
        rows.append([*cells, num(ratio, 2)])
    section.table(
        "Alternating load runs (kg serve, then oxigraph serve)",
        [
            "round",
            "kg q/s",
            "kg p50 ms",
            "kg p95 ms",
            "kg errors",
            "oxigraph q/s",
            "oxigraph p50 ms",
            "oxigraph p95 ms",
            "oxigraph errors",
            "kg / oxigraph",
        ],
        rows,
    )
    kg_q = median([q for q in map(_qps, runs["kg"]) if q])
    ox_q = median([q for q in map(_qps, runs["oxigraph"]) if q])
    ratios = [_qps(a) / _qps(b) for a, b in zip(runs["kg"], runs["oxigraph"], strict=False) if _qps(a) and _qps(b)]
    ratio = median(ratios)
    section.text(
        f"**kg serve / oxigraph serve = {num(ratio, 2)} x** (median of the rounds' ratios; medians {num(kg_q)} and "
        f"{num(ox_q)} queries/s); target >= {SERVE_TARGET}: {verdict(ratio, SERVE_TARGET)}."
        if with_oxigraph
        else "oxigraph serve: n/a (the `oxigraph` command is not installed: `pip install "
        "oxigraph`, in kg's test extra); no ratio."
    )
    section.text(
        "`python -m kg.serve.load URL --clients 20 --seconds S --query Q --json` (kg/serve/load.py) in its own "
        "process: 20 client threads with keep-alive connections, each sending the next request as soon as the "
        "last is answered, SPARQL JSON; an answer other than 200 or differing from the first counts as an error "
        "(a run with errors gets no ratio). kg: `kg serve --graph FILE` with its defaults, the named query at "
        "`/queries/Q`; Oxigraph: `oxigraph load` of the same file into a fresh store, `oxigraph serve --location "
        "DB --union-default-graph`, the query's text POSTed to `/query`. Both servers run throughout; the load "
        "runs alternate. Client and servers share the machine's cores."
    )
