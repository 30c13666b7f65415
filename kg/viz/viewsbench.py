"""How long the views take to write, and to become readable in headless Chromium.

    python -m kg.viz.viewsbench [--build exports/] [--sizes 2000,5000] [--repeat 3] [--no-browser]

* writing: the graph page (with its overview) of a synthetic kg-like graph of each size
  (``kg.viz.bench.synthetic_graph``), and, given ``--build`` (a ``kg build`` output folder), that
  build's graph page written the way ``kg build`` writes it (from an rdflib Dataset, as
  ``kg.store.write_exports`` does) and its three other views (``kg.viz.views``). CPU and wall
  seconds, best of ``--repeat``;
* in the browser, for each synthetic size: the time from navigation to the first drawing and to
  the overview being ready (communities folded, view fitted), whether the labels of the ten most
  connected entities are drawn (font size x zoom >= vis-network's draw threshold), and the
  console errors. Numbers go to BENCHMARKS.md by hand; no test asserts a time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_SIZES = (2000, 5000)


def _timed(fn, repeat: int) -> tuple[float, float]:  # noqa: ANN001
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def writing(sizes: list[int], build: Path | None, repeat: int, folder: Path, out=sys.stdout) -> dict[int, Path]:  # noqa: ANN001
    """Time the page writing; returns the synthetic pages written (size -> path) for the browser part."""
    from kg.viz.bench import synthetic_graph
    from kg.viz.page import graph_page, view_data, write_page

    pages = {}
    print(f"{'page':<34} {'nodes':>6} {'wall s':>7} {'cpu s':>7}", file=out)
    for n in sizes:
        graph = synthetic_graph(n)
        path = folder / f"synthetic-{n}.html"
        wall, cpu = _timed(lambda: write_page(path, graph_page(view_data(graph), f"bench {n}")), repeat)  # noqa: B023
        print(f"{'graph page (synthetic)':<34} {n:>6} {wall:>7.2f} {cpu:>7.2f}", file=out, flush=True)
        pages[n] = path
    if build is not None:
        from kg.store.oxstore import load_store
        from kg.viz.fromstore import render_store
        from kg.viz.views import VIEW_FILES, write_views

        store = load_store(build / "graph.trig")  # the build draws graph.html from its store (kg.build.publish)
        wall, cpu = _timed(lambda: render_store(store, folder / "graph.html"), repeat)
        print(f"{'graph.html as kg build writes it':<34} {'':>6} {wall:>7.2f} {cpu:>7.2f}", file=out, flush=True)
        for view in VIEW_FILES:
            if view == "graph":
                continue
            wall, cpu = _timed(lambda: write_views(view, store, folder), repeat)  # noqa: B023
            print(
                f"{VIEW_FILES[view][0] + ' (kg viz --view)':<34} {'':>6} {wall:>7.2f} {cpu:>7.2f}", file=out, flush=True
            )
    return pages


LABELS_DRAWN = """() => {
  const scale = kg.network.getScale();
  const top = kg.data.nodes.slice().sort((a, b) => b.degree - a.degree).slice(0, 10);
  return top.filter(n => kg.network.findNode(n.id).length === 1 && n.fontSize * scale >= 3).length;
}"""


def browser(pages: dict[int, Path], out=sys.stdout) -> list[dict]:  # noqa: ANN001
    """Open each page in headless Chromium and read its timings."""
    from playwright.sync_api import sync_playwright

    from kg.viz.browser import launch

    rows = []
    print(
        f"\n{'entities':>8} {'drawn':>6} {'first draw s':>12} {'overview ready s':>16} {'top-10 labels':>13} errors",
        file=out,
    )
    with sync_playwright() as pw:
        chromium = launch(pw)
        try:
            for n, path in pages.items():
                page = chromium.new_page(viewport={"width": 1200, "height": 800})
                errors: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))  # noqa: B023
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)  # noqa: B023
                page.goto(path.as_uri())
                page.wait_for_function("window.kgTimings && window.kgTimings.overview !== undefined", timeout=60_000)
                page.wait_for_function("window.kgTimings.firstDraw !== undefined", timeout=60_000)
                t = page.evaluate("window.kgTimings")
                row = {
                    "entities": n,
                    "drawn": page.evaluate("kg.network.body.nodeIndices.length"),
                    "first_draw": (t["start"] + t["firstDraw"]) / 1000,
                    "ready": (t["start"] + max(t["overview"], t["firstDraw"])) / 1000,
                    "labels": page.evaluate(LABELS_DRAWN),
                    "errors": len(errors),
                }
                page.close()
                rows.append(row)
                print(
                    f"{n:>8} {row['drawn']:>6} {row['first_draw']:>12.2f} {row['ready']:>16.2f} {row['labels']:>10}/10 "
                    f"{row['errors']}",
                    file=out,
                    flush=True,
                )
        finally:
            chromium.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.viz.viewsbench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, help="a kg build output folder (graph.trig): time its pages too")
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="synthetic node counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per page (the best is shown)")
    parser.add_argument("--no-browser", action="store_true", help="only time the writing")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="kg-viewsbench-") as tmp:
        pages = writing(sizes, args.build, max(1, args.repeat), Path(tmp))
        if not args.no_browser:
            try:
                browser(pages)
            except RuntimeError as exc:
                print(f"kg.viz.viewsbench: {exc}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
