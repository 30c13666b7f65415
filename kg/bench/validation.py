"""SHACL validation of a whole graph: kg's SPARQL checks on Oxigraph against the other validators.

    python -m kg.bench.validation out/graph.nq [--store STORE_FOLDER] [--validators kg,pyshacl,...]

Each validator runs in a child process of its own (so that its peak memory is its own), on the
same graph file, with ontology/shapes.ttl: the time to read the graph, the time to validate it
(wall and CPU seconds), whether it conforms and how many results it reports, and the peak RSS
of the child. Validators:

- ``kg``: ``kg.store.oxstore.load_store`` (bulk load into memory) + ``kg.store.validate.validate_store``;
- ``kg-disk``: ``kg.store.validate.validate_store`` on the on-disk store ``--store`` (opened read-only);
- ``pyshacl``: rdflib parses the file, the union of its graphs goes to ``pyshacl.validate``;
- ``pyshacl-turbo``: ``pyshacl_turbo.validate`` on the N-Quads text (its pyoxigraph-store input
  reports every ``sh:in`` value as a violation in 0.6.5, so the text is given instead);
- ``pyrudof``: ``Rudof.read_data`` of the file + ``validate_shacl`` (native mode).

The last two are not dependencies of kg; missing ones are reported as such. The table is printed
as Markdown; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

VALIDATORS = ("kg", "kg-disk", "pyshacl", "pyshacl-turbo", "pyrudof")


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _clock()
    return round(wall - start[0], 2), round(cpu - start[1], 2)


def run_one(validator: str, graph: Path, store: Path | None) -> dict[str, object]:
    """Read ``graph`` (or open ``store``) and validate it with ``validator``, in this process."""
    from kg.rdf.namespace import ontology_path

    shapes = ontology_path("shapes.ttl")
    start = _clock()
    if validator in ("kg", "kg-disk"):
        from kg.store.oxstore import load_store, open_store
        from kg.store.validate import find_violations

        data = open_store(store, read_only=True) if validator == "kg-disk" else load_store(graph)
        read = _since(start)
        start = _clock()
        results = len(find_violations(data))
        conforms, size = results == 0, len(data)
    elif validator == "pyshacl":
        import pyshacl
        from rdflib import Graph

        from kg.rdf.namespace import load_ontology_graph

        dataset = _rdflib_dataset(graph)
        union = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        del dataset
        read = _since(start)
        start = _clock()
        conforms, report, _ = pyshacl.validate(union, shacl_graph=load_ontology_graph("shapes.ttl"), inference="none")
        results, size = _count(report), len(union)
    elif validator == "pyshacl-turbo":
        import pyshacl_turbo

        text = graph.read_text(encoding="utf-8")
        read = _since(start)
        start = _clock()
        conforms, report, _ = pyshacl_turbo.validate(
            text, data_graph_format="nquads", shacl_graph=shapes.read_text(encoding="utf-8"), inference="none"
        )
        results, size = _count(report), text.count("\n")
    elif validator == "pyrudof":
        import pyrudof

        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        rudof.read_data(str(graph), format=pyrudof.RDFFormat.NQuads)
        rudof.read_shacl(str(shapes))
        read = _since(start)
        start = _clock()
        report = rudof.validate_shacl()
        conforms, results, size = report.conforms, len(report), None
    else:
        raise ValueError(f"unknown validator {validator!r}; use one of {', '.join(VALIDATORS)}")
    validate = _since(start)
    return {
        "validator": validator,
        "quads": size,
        "read_s": read[0],
        "validate_s": validate[0],
        "validate_cpu_s": validate[1],
        "conforms": bool(conforms),
        "results": results,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _rdflib_dataset(graph: Path):  # noqa: ANN202
    import warnings

    from rdflib import Dataset

    dataset = Dataset(default_union=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(graph, format="nquads" if graph.suffix == ".nq" else None)
    return dataset


def _count(report: object) -> int:
    from rdflib.namespace import SH

    return sum(1 for _ in report.objects(None, SH.result))


def run_child(validator: str, graph: Path, store: Path | None, timeout: float) -> dict[str, object]:
    """``run_one`` in a child process (its peak RSS is the child's own)."""
    command = [sys.executable, "-m", "kg.bench.validation", str(graph), "--one", validator]
    if store is not None:
        command += ["--store", str(store)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"validator": validator, "error": f"stopped after {timeout:.0f} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        return {"validator": validator, "error": last[:200]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(rows: list[dict[str, object]]) -> str:
    head = "| validator | quads | read s | validate s (wall) | validate s (CPU) | conforms | results | peak RSS MB |"
    lines = [head, "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['validator']} | {r['error']} | | | | | | |")
            continue
        cells = [r.get(k) for k in ("quads", "read_s", "validate_s", "validate_cpu_s", "conforms", "results")]
        lines.append(f"| {r['validator']} | " + " | ".join(str(c) for c in cells) + f" | {r.get('peak_rss_mb')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.bench.validation", description=__doc__.splitlines()[0])
    parser.add_argument("graph", type=Path, help="a graph file (.nq best: every validator reads it)")
    parser.add_argument("--store", type=Path, help="an on-disk Oxigraph store of the same graph (for kg-disk)")
    parser.add_argument("--validators", default=",".join(VALIDATORS), help="comma-separated, in this order")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per validator")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # run one validator here and print JSON
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.graph, args.store)))
        return 0
    rows = []
    for validator in args.validators.split(","):
        if validator == "kg-disk" and args.store is None:
            continue
        rows.append(run_child(validator, args.graph, args.store, args.timeout))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(f"{args.graph} ({os.cpu_count()} cores)\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
