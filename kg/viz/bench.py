"""How long vis-network takes to lay out graphs of 100 to 2,000 nodes in headless Chromium.

    python -m kg.viz.bench [--sizes 100,500,1000,2000] [--profiles kg,defaults] [--timeout 300]

For each size it writes a synthetic graph page (a scale-free graph shaped like kg's: about 1.4
edges per node, the six kinds, an evidence sentence per edge) with the same page code as
``kg viz``, opens it from disk and reads the timestamps the page records: when the layout's
stabilisation iterations are done (the ``stabilizationIterationsDone`` event) and how long one
redraw of the laid-out graph takes. Profiles: ``kg`` is the options ``kg viz`` uses for that
size (``kg.viz.page.physics_options``); ``defaults`` is vis-network's defaults (Barnes-Hut, up
to 1,000 stabilisation iterations, improved layout, dynamic curved edges). The figures are in
docs/viz.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

import networkx as nx

from kg.viz.data import KIND_STYLE, KINDS
from kg.viz.page import graph_page, physics_options, view_data

DEFAULT_SIZES = (100, 500, 1000, 2000)
EDGE_LABELS = ("holds post", "presided", "spoke", "attended", "promotes", "post in", "part of", "jurisdiction")
VIS_DEFAULTS = {
    "physics": {"enabled": True, "stabilization": {"enabled": True, "iterations": 1000}},
    "edges": {"arrows": {"to": {"enabled": True}}, "smooth": {"enabled": True, "type": "dynamic"}},
    "layout": {"improvedLayout": True},
    "interaction": {"hover": True},
}


def synthetic_graph(n: int, seed: int = 1) -> nx.MultiDiGraph:
    """A kg-like graph of ``n`` nodes: scale-free, about 1.4 edges per node, evidence on edges."""
    rng = random.Random(seed)
    base = nx.barabasi_albert_graph(n, 1, seed=seed)
    extra = int(0.4 * n)
    nodes = list(base.nodes)
    while extra:
        a, b = rng.sample(nodes, 2)
        if not base.has_edge(a, b):
            base.add_edge(a, b)
            extra -= 1
    graph = nx.MultiDiGraph()
    for node in base.nodes:
        kind = rng.choice(KINDS)
        name = f"{kind.title()} {node:04d}"
        graph.add_node(
            f"urn:bench:{node}",
            kind=kind,
            name=name,
            label=name,
            title=name,
            color=KIND_STYLE[kind][0],
            regions=[rng.choice(("Liaoning", "Guangdong", "Sichuan"))],
            dates=[f"2023-{rng.randint(1, 12):02d}-15"],
            mentions=[],
        )
    for a, b in base.edges:
        label = rng.choice(EDGE_LABELS)
        evidence = [
            {
                "sentence": f"Sentence saying that {a} and {b} are related, as a news article would put it.",
                "doc": f"{a % 50:03d}_bench.txt",
                "date": "2023-06-15",
                "fact": "holds",
                "confidence": 0.9,
                "assertion": f"urn:bench:assertion/{a}-{b}",
            }
        ]
        graph.add_edge(
            f"urn:bench:{a}",
            f"urn:bench:{b}",
            key=label,
            label=label,
            title=label,
            evidence=evidence,
            derived=False,
            dates=["2023-06-15"],
            predicate="urn:bench:relation",
        )
    for node in graph.nodes:
        degree = graph.degree(node)
        graph.nodes[node].update(degree=degree, size=round(10 + 6 * degree**0.5, 1))
    return graph


def write_page(graph: nx.MultiDiGraph, path: Path, profile: str) -> dict:
    data = view_data(graph, max_nodes=None, overview=False)
    if profile == "defaults":
        data["options"] = VIS_DEFAULTS
    else:
        data["options"] = physics_options(len(data["nodes"]), len(data["edges"]))
    path.write_text(graph_page(data, f"bench {profile} {len(data['nodes'])}"), encoding="utf-8")
    return data


def measure(page, path: Path, timeout_s: float) -> dict:
    page.goto(path.as_uri())
    page.wait_for_function(
        "window.kgTimings && window.kgTimings.iterationsDone !== undefined", timeout=timeout_s * 1000, polling=100
    )
    page.wait_for_function("window.kgTimings.firstDraw !== undefined", timeout=timeout_s * 1000, polling=100)
    timings = page.evaluate("window.kgTimings")
    redraw = page.evaluate(
        """() => { const r = kg.network.renderer; const t0 = performance.now();
                   for (let i = 0; i < 5; i++) r._redraw(); return (performance.now() - t0) / 5; }"""
    )
    return {
        "load_ms": timings["start"],
        "layout_ms": timings["iterationsDone"],
        "iterations": timings.get("iterations") or timings.get("progress"),
        "ready_ms": timings["start"] + max(timings["iterationsDone"], timings["firstDraw"]),
        "redraw_ms": redraw,
    }


def run(sizes: list[int], profiles: list[str], timeout_s: float, out=sys.stdout) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from kg.viz.browser import launch

    rows = []
    header = (
        f"{'nodes':>6} {'edges':>6}  {'options':<9} {'iterations':>10} {'layout s':>9} {'ready s':>8} {'redraw ms':>9}"
    )
    print(header, file=out)
    print("-" * len(header), file=out, flush=True)
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp, sync_playwright() as pw:
        browser = launch(pw)
        try:
            for n in sizes:
                graph = synthetic_graph(n)
                for profile in profiles:
                    path = Path(tmp) / f"bench-{profile}-{n}.html"
                    data = write_page(graph, path, profile)
                    page = browser.new_page(viewport={"width": 1200, "height": 800})
                    try:
                        result = measure(page, path, timeout_s)
                    finally:
                        page.close()
                    row = {"nodes": n, "edges": len(data["edges"]), "profile": profile, **result}
                    rows.append(row)
                    print(
                        f"{n:>6} {row['edges']:>6}  {profile:<9} {row['iterations'] or '-':>10} "
                        f"{row['layout_ms'] / 1000:>9.2f} {row['ready_ms'] / 1000:>8.2f} {row['redraw_ms']:>9.1f}",
                        file=out,
                        flush=True,
                    )
        finally:
            browser.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.viz.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="node counts, comma-separated")
    parser.add_argument("--profiles", default="kg,defaults", help="kg and/or defaults, comma-separated")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for one layout (default 300)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    profiles = [p.strip() for p in args.profiles.split(",") if p.strip()]
    unknown = set(profiles) - {"kg", "defaults"}
    if unknown:
        parser.error(f"unknown profile(s): {', '.join(sorted(unknown))}; use kg and/or defaults")
    try:
        run(sizes, profiles, args.timeout)
    except RuntimeError as exc:
        print(f"kg.viz.bench: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
