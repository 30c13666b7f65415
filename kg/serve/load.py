"""A small load generator for ``kg serve`` (or any SPARQL endpoint): queries/s and latency percentiles.

    python -m kg.serve.load http://127.0.0.1:8000 --clients 20 --seconds 10
    python -m kg.serve.load http://127.0.0.1:8000 --query person_meetings --param person_name="Hao Peng"
    python -m kg.serve.load http://127.0.0.1:7878/query --query presided_meetings   # e.g. oxigraph serve

Each client is a thread with its own keep-alive connection that sends the next request as soon as
the last one is answered, for ``--seconds``. With a kg serve base URL the named query is fetched
from ``/queries/NAME``; with a URL ending in ``/sparql`` or ``/query`` its SPARQL text is POSTed
(``application/sparql-query``). Answers are asked for as SPARQL JSON; any status other than 200, or an
answer that differs from the first one, counts as an error. The client shares the machine's cores
with the server when both run on one host: the figures are a lower bound.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

ACCEPT = "application/sparql-results+json"


@dataclass(frozen=True)
class LoadReport:
    """What a run measured (latencies in milliseconds)."""

    url: str
    query: str
    clients: int
    seconds: float
    requests: int
    errors: int
    queries_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))  # nearest rank
    return ordered[index]


def _request(url: str, query: str, params: dict[str, str]) -> dict:
    base = url.rstrip("/")
    if base.endswith(("/sparql", "/query")):
        from kg.query import resolve_query

        return {
            "method": "POST",
            "url": base,
            "content": resolve_query(query).encode("utf-8"),
            "headers": {"Accept": ACCEPT, "Content-Type": "application/sparql-query"},
        }
    return {"method": "GET", "url": f"{base}/queries/{query}", "params": params, "headers": {"Accept": ACCEPT}}


def _normalised(body: bytes) -> object:
    """The rows of a JSON answer, in order-insensitive form (engines may order ties differently)."""
    try:
        doc = json.loads(body)
    except ValueError:
        return body
    rows = doc.get("results", {}).get("bindings", [])
    return sorted(json.dumps(row, sort_keys=True) for row in rows)


def run(
    url: str, *, clients: int = 20, seconds: float = 10.0, query: str = "presided_meetings", params=None
) -> LoadReport:  # noqa: ANN001
    """Load ``url`` with ``clients`` concurrent clients for ``seconds``; return the figures."""
    spec = _request(url, query, dict(params or {}))
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    reference: list[object] = []
    start_line = threading.Barrier(clients + 1)
    lock = threading.Lock()
    stop_at = [0.0]

    def client(i: int) -> None:
        with httpx.Client(timeout=120) as http:
            http.request(**spec)  # warm the connection and the server's caches
            start_line.wait()
            while time.perf_counter() < stop_at[0]:
                began = time.perf_counter()
                try:
                    response = http.request(**spec)
                    ok = response.status_code == 200
                    body = response.content
                except httpx.HTTPError:
                    ok, body = False, b""
                latencies[i].append((time.perf_counter() - began) * 1000)
                if ok:
                    rows = _normalised(body)
                    with lock:
                        if not reference:
                            reference.append(rows)
                    ok = rows == reference[0]
                errors[i] += 0 if ok else 1

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + 3600  # set properly once everyone is at the start line
    start_line.wait()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    flat = [value for values in latencies for value in values]
    return LoadReport(
        url=url,
        query=query,
        clients=clients,
        seconds=round(elapsed, 2),
        requests=len(flat),
        errors=sum(errors),
        queries_per_second=round(len(flat) / elapsed, 1),
        p50_ms=round(statistics.median(flat), 1) if flat else float("nan"),
        p95_ms=round(_percentile(flat, 95), 1),
        p99_ms=round(_percentile(flat, 99), 1),
        max_ms=round(max(flat), 1) if flat else float("nan"),
    )


def main(argv: list[str] | None = None) -> int:
    """Command line: print the figures (a table, or JSON with --json)."""
    parser = argparse.ArgumentParser(prog="python -m kg.serve.load", description=__doc__.splitlines()[0])
    parser.add_argument("url", help="kg serve's base URL, or a SPARQL endpoint URL ending in /sparql or /query")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--query", default="presided_meetings", help="a named query (or .rq file for endpoints)")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="named-query parameter")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    params = dict(p.split("=", 1) for p in args.param)
    if args.clients < 1 or args.seconds <= 0:
        parser.error("--clients and --seconds must be positive")
    report = run(args.url, clients=args.clients, seconds=args.seconds, query=args.query, params=params)
    if args.json:
        print(json.dumps(asdict(report), indent=2))
    else:
        print(f"{Path(report.query).name} at {report.url}: {report.clients} clients for {report.seconds} s")
        print(f"  {report.requests} requests, {report.errors} errors, {report.queries_per_second} queries/s")
        print(f"  latency ms: p50 {report.p50_ms}, p95 {report.p95_ms}, p99 {report.p99_ms}, max {report.max_ms}")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
