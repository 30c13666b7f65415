"""In-process query latencies on an Oxigraph store through kg's library, run by the store part in a child.

    python -m kg.bench.probe STORE [--runs 20] [--limit 100] [--timeout 600]

Prints one JSON object: for every named query the first page (``run_query(source, text, limit=100)``,
p50 and p95 after one warm-up), parameter lookups (a person, a title, a region: values picked from
the store), and the whole table of each query serialized to CSV (rows/s). What the installed kg
cannot do yet (no ``kg.query.open_source``, no ``limit=``) is reported as a reason, not a crash.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
import time
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


def _series(call, runs: int) -> dict:  # noqa: ANN001
    """One warm-up call, then ``runs`` timed calls: p50, p95, rows, first (the warm-up's seconds)."""
    first, result = _timed(call)
    samples = [_timed(call)[0] for _ in range(runs)]
    return {"rows": len(result.rows), "first": first, "p50": _p(samples, 50), "p95": _p(samples, 95), "runs": runs}


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


def probe(store: str, runs: int = 20, limit: int = 100, timeout: float = 600.0) -> dict:
    """The figures (see the module docstring); errors per query, reasons for whole missing features."""
    import kg.query as q

    out: dict = {"limit": limit, "runs": runs, "queries": [], "lookups": [], "stream": [], "reasons": {}}
    try:
        source = _source(store)
    except Exception as exc:  # noqa: BLE001
        out["reasons"]["all"] = f"{type(exc).__name__}: {exc}" if not isinstance(exc, LookupError) else str(exc)
        return out
    has_limit = "limit" in inspect.signature(q.run_query).parameters
    if not has_limit:
        out["reasons"]["page"] = "kg.query.run_query has no limit= parameter yet"
    infos = q.list_queries()
    picked = pick_values(q.run_query, source, timeout)
    picked.setdefault("date", date.today().isoformat())
    out["picked"] = picked
    for info in infos:
        text = q.resolve_query(info.name)
        if has_limit:
            entry = {"name": info.name}
            try:
                entry |= _series(lambda t=text: q.run_query(source, t, limit=limit, timeout=timeout), runs)
            except Exception as exc:  # noqa: BLE001
                entry["error"] = f"{type(exc).__name__}: {exc}"
            out["queries"].append(entry)
        kinds = {p.name: param_kind(p.name, p.default) for p in info.params}
        if any(k in LOOKUP_KINDS for k in kinds.values()):
            params = {name: picked[k] for name, k in kinds.items() if k in picked}
            entry = {"name": info.name, "params": params}
            try:
                if has_limit:
                    page = _series(
                        lambda t=text, p=params: q.run_query(source, t, p, limit=limit, timeout=timeout), runs
                    )
                    entry |= {f"page_{k}": v for k, v in page.items()}
                whole = _series(lambda t=text, p=params: q.run_query(source, t, p, timeout=timeout), runs)
                entry |= {f"all_{k}": v for k, v in whole.items()}
            except Exception as exc:  # noqa: BLE001
                entry["error"] = f"{type(exc).__name__}: {exc}"
            out["lookups"].append(entry)
        entry = {"name": info.name}
        try:
            seconds, (rows, size) = _timed(lambda t=text: _csv(q, source, t, timeout))
            entry |= {"rows": rows, "bytes": size, "seconds": seconds}
        except Exception as exc:  # noqa: BLE001
            entry["error"] = f"{type(exc).__name__}: {exc}"
        out["stream"].append(entry)
    return out


def _csv(q, source, text: str, timeout: float) -> tuple[int, int]:  # noqa: ANN001
    """The whole answer as CSV bytes: (rows, bytes)."""
    result = q.run_query(source, text, timeout=timeout)
    data = result.serialize("csv") if hasattr(result, "serialize") else q.format_result(result, "csv").encode()
    return len(result.rows), len(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.bench.probe", description=__doc__.splitlines()[0])
    parser.add_argument("store", help="an Oxigraph store folder (kg build --store oxigraph:STORE)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args(argv)
    print(json.dumps(probe(args.store, args.runs, args.limit, args.timeout)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
