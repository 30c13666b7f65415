"""In-process query latencies on an Oxigraph store through kg's library, run by the store part in a child.

    python -m kg.bench.probe STORE [--runs 20] [--limit 100] [--timeout 600] [--budget 60]

Prints JSON lines as it goes (``collect`` gathers them): for every named query the first page
(``run_query(source, text, limit=100)``, p50 and p95 after one warm-up), parameter lookups (a
person, a title, a region: values picked from the store), and the whole table of each query
serialized to CSV (rows/s). What the installed kg cannot do yet (no ``kg.query.open_source``, no
``limit=``) is reported as a reason, not a crash. ``--timeout`` is kg's time limit on the untimed
warm-up call of each query (a runaway query stops there); the timed calls run without one.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import date

PREFIXES = """PREFIX schema: <https://schema.org/>
PREFIX kg: <https://w3id.org/kg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
"""
# Values that exist in the store: the busiest person, the most held title, the most reported region.
PICKS = {
    "person": "SELECT ?v (COUNT(*) AS ?n) WHERE { ?m schema:attendee ?p . ?p schema:name ?v } "
    "GROUP BY ?v ORDER BY DESC(?n) ?v LIMIT 1",
    "title": "SELECT ?v (COUNT(*) AS ?n) WHERE { ?who org:holds ?post . ?post kg:title ?v } "
    "GROUP BY ?v ORDER BY DESC(?n) ?v LIMIT 1",
    "region": "SELECT ?v (COUNT(*) AS ?n) WHERE { ?doc kg:region ?r . ?r schema:name ?v } "
    "GROUP BY ?v ORDER BY DESC(?n) ?v LIMIT 1",
    "date": "SELECT (MAX(?d) AS ?v) WHERE { ?a kg:asOf ?i . ?i time:inXSDDate ?d }",
}
LOOKUP_KINDS = ("person", "title", "region")


def param_kind(name: str, default: str | None) -> str | None:
    """What a query parameter names: person, title, region or date (from its name and default)."""
    lowered = name.lower()
    for kind, words in (("person", ("person",)), ("title", ("title",)), ("region", ("region", "province", "place"))):
        if any(w in lowered for w in words):
            return kind
    if default and ("xsd:date" in default or "XMLSchema#date" in default):
        return "date"
    return None


def _source(store: str):  # noqa: ANN202
    import kg.query as q

    if not hasattr(q, "open_source"):
        raise LookupError("kg.query.open_source is not there yet (the new query API)")
    return q.open_source(store=store)


def _timed(fn) -> tuple[float, object]:  # noqa: ANN001
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def _p(samples: list[float], q: float) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[max(1, -(-int(q * len(ordered)) // 100)) - 1]


def _series(guarded, call, runs: int, budget: float) -> dict:  # noqa: ANN001
    """A warm-up ``guarded()`` call (with kg's time limit, not timed), then up to ``runs`` timed ``call()``s,
    fewer once they have used ``budget`` seconds (at least one).

    The timed calls pass no ``timeout=``: kg runs a query with a time limit in a child process, which
    costs tens of milliseconds that a call without one does not pay.
    """
    rows = len(guarded().rows)
    samples: list[float] = []
    while len(samples) < runs and (not samples or sum(samples) < budget):
        samples.append(_timed(call)[0])
    return {"rows": rows, "p50": _p(samples, 50), "p95": _p(samples, 95), "runs": len(samples)}


def pick_values(run, source, timeout: float) -> dict[str, str]:  # noqa: ANN001
    """A value of each kind that occurs in the store (plain text, as ``--param NAME=VALUE`` takes it)."""
    picked = {}
    for kind, sparql in PICKS.items():
        try:
            rows = run(source, PREFIXES + sparql, timeout=timeout).rows
        except Exception:  # noqa: BLE001 - no value: the query's default is used
            continue
        if rows and rows[0][0] is not None:
            picked[kind] = str(rows[0][0])
    return picked


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def iter_probe(
    store: str, runs: int = 20, limit: int = 100, timeout: float = 600.0, budget: float = 60.0
) -> Iterator[dict]:
    """The figures as records, one at a time (see the module docstring): printed as they come, so that
    what was measured before a time-out is kept."""
    import kg.query as q

    yield {"kind": "info", "limit": limit, "runs": runs, "budget": budget}
    try:
        source = _source(store)
    except Exception as exc:  # noqa: BLE001
        yield {"kind": "reason", "key": "all", "text": str(exc) if isinstance(exc, LookupError) else _error(exc)}
        return
    has_limit = "limit" in inspect.signature(q.run_query).parameters
    if not has_limit:
        yield {"kind": "reason", "key": "page", "text": "kg.query.run_query has no limit= parameter yet"}
    picked = pick_values(q.run_query, source, timeout)
    picked.setdefault("date", date.today().isoformat())
    yield {"kind": "picked", "values": picked}
    infos = q.list_queries()

    def call(text: str, params: dict | None = None, **options: object):  # noqa: ANN202
        return lambda: len(q.run_query(source, text, params, **options).rows)

    def guarded(text: str, params: dict | None = None, **options: object):  # noqa: ANN202
        return lambda: q.run_query(source, text, params, timeout=timeout, **options)

    for info in infos:
        text = q.resolve_query(info.name)
        if has_limit:
            entry = {"kind": "query", "name": info.name}
            try:
                entry |= _series(guarded(text, limit=limit), call(text, limit=limit), runs, budget)
            except Exception as exc:  # noqa: BLE001
                entry["error"] = _error(exc)
            yield entry
        kinds = {p.name: param_kind(p.name, p.default) for p in info.params}
        if any(k in LOOKUP_KINDS for k in kinds.values()):
            params = {name: picked[k] for name, k in kinds.items() if k in picked}
            entry = {"kind": "lookup", "name": info.name, "params": params}
            try:
                if has_limit:
                    page = _series(guarded(text, params, limit=limit), call(text, params, limit=limit), runs, budget)
                    entry |= {f"page_{k}": v for k, v in page.items()}
                whole = _series(guarded(text, params), call(text, params), runs, budget)
                entry |= {f"all_{k}": v for k, v in whole.items()}
            except Exception as exc:  # noqa: BLE001
                entry["error"] = _error(exc)
            yield entry
    for info in infos:  # whole tables last: the longest, and the least needed if time runs out
        entry = {"kind": "stream", "name": info.name}
        try:
            entry |= _whole_csv(q, source, q.resolve_query(info.name))
        except Exception as exc:  # noqa: BLE001
            entry["error"] = _error(exc)
        yield entry


def _whole_csv(q, source, text: str) -> dict:  # noqa: ANN001
    """The whole answer as CSV bytes, timed (query and serialisation); its rows counted afterwards."""
    started = time.perf_counter()
    result = q.run_query(source, text)
    data = result.serialize("csv") if hasattr(result, "serialize") else q.format_result(result, "csv").encode()
    seconds = time.perf_counter() - started
    return {"rows": len(result.rows), "bytes": len(data), "seconds": seconds}


def collect(records: Iterable[dict]) -> dict:
    """The records of ``iter_probe`` gathered into one dict (queries, lookups, stream, picked, reasons)."""
    out: dict = {"queries": [], "lookups": [], "stream": [], "reasons": {}, "picked": {}}
    lists = {"query": "queries", "lookup": "lookups", "stream": "stream"}
    for record in records:
        record = dict(record)
        kind = record.pop("kind", None)
        if kind == "info":
            out |= record
        elif kind == "reason":
            out["reasons"][record["key"]] = record["text"]
        elif kind == "picked":
            out["picked"] = record["values"]
        elif kind in lists:
            out[lists[kind]].append(record)
    return out


def probe(store: str, runs: int = 20, limit: int = 100, timeout: float = 600.0, budget: float = 60.0) -> dict:
    """All the figures at once (``collect(iter_probe(...))``)."""
    return collect(iter_probe(store, runs, limit, timeout, budget))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.bench.probe", description=__doc__.splitlines()[0])
    parser.add_argument("store", help="an Oxigraph store folder (kg build --store oxigraph:STORE)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=600.0, help="kg's time limit on each warm-up call")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds of timed calls per query, at most")
    args = parser.parse_args(argv)
    for record in iter_probe(args.store, args.runs, args.limit, args.timeout, args.budget):
        print(json.dumps(record), flush=True)
        if "name" in record:  # progress, for whoever watches a long probe
            print(f"[kg.bench.probe {time.strftime('%H:%M:%S')}] {record['kind']} {record['name']}", file=sys.stderr,
                  flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
