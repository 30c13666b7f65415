"""The interactive graph page: one self-contained HTML file drawn by vis-network.

The page embeds vis-network's script (taken from the pyvis package, which ships it), its own
script and style (``kg/viz/static``) and the graph as JSON, so it opens offline from disk. Text
from documents only ever reaches the page as JSON inside ``<script type="application/json">``
with ``<``, ``>``, ``&`` and ``'`` escaped, and the page's script puts it into the document with
``textContent``; the heading is HTML-escaped.

Physics and stabilisation follow the figures in docs/viz.md (``python -m kg.viz.bench``): graphs
above ``DEFAULT_MAX_NODES`` nodes are cut down to their most connected nodes, and the page says
what was left out.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
from collections import Counter
from functools import cache
from importlib.resources import files
from pathlib import Path

import networkx as nx

from kg.errors import ExportError
from kg.store.files import atomic_write_bytes
from kg.viz.index import KIND_STYLE
from kg.viz.overview import OVERVIEW_MIN_NODES, overview_options
from kg.viz.overview import overview as overview_of

# Above this many nodes a page shows only the most connected ones (see docs/viz.md).
DEFAULT_MAX_NODES = 1000
# Above this many nodes the layout starts without vis-network's "improved layout" (slow on big graphs).
IMPROVED_LAYOUT_MAX = 100
# Above this many nodes, nodes may overlap (avoiding it costs 40% more layout time).
AVOID_OVERLAP_MAX = 200
# Above this many edges, edges are drawn straight (curves cost drawing time).
SMOOTH_EDGES_MAX = 400
OMITTED_NAMES_MAX = 2000
_REMOTE = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I)


@cache
def asset(name: str) -> str:
    """A file of ``kg/viz/static``."""
    return (files("kg.viz") / "static" / name).read_text(encoding="utf-8")


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.name))


@cache
def vis_network_js() -> str:
    """vis-network's standalone script, as shipped in the pyvis package (newest version there)."""
    spec = importlib.util.find_spec("pyvis")
    locations = list(spec.submodule_search_locations or []) if spec else []
    candidates = [
        folder / "vis-network.min.js"
        for location in locations
        for folder in (Path(location) / "templates" / "lib").glob("vis-*")
        if (folder / "vis-network.min.js").is_file()
    ]
    if not candidates:
        raise ExportError("vis-network's script was not found in the pyvis package; reinstall pyvis")
    script = max(candidates, key=lambda p: _version_key(p.parent)).read_text(encoding="utf-8")
    return re.sub(r"</(script)", r"<\\/\1", script, flags=re.I)


def script_json(value: object) -> str:
    """JSON that is safe inside a ``<script>`` element and an HTML attribute."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escape)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def physics_options(n_nodes: int, n_edges: int) -> dict:
    """vis-network options for a graph of this size (the reasons are in docs/viz.md)."""
    iterations = 400 if n_nodes <= 100 else 250 if n_nodes <= 500 else 150
    return {
        "autoResize": True,
        "layout": {"improvedLayout": n_nodes <= IMPROVED_LAYOUT_MAX, "randomSeed": 7},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "centralGravity": 0.01,
                "springLength": 110,
                "springConstant": 0.08,
                "damping": 0.5,
                "avoidOverlap": 0.2 if n_nodes <= AVOID_OVERLAP_MAX else 0,
            },
            "minVelocity": 1.0,
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 25, "fit": True},
        },
        "nodes": {
            "font": {"size": 14, "strokeWidth": 3, "strokeColor": "#ffffff", "color": "#1f2933"},
            "widthConstraint": {"maximum": 170},
            "borderWidth": 1,
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "font": {"size": 10, "align": "middle", "color": "#52606d", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "smooth": {"enabled": True, "type": "continuous"} if n_edges <= SMOOTH_EDGES_MAX else {"enabled": False},
            "width": 1,
            "selectionWidth": 2,
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n_edges > SMOOTH_EDGES_MAX},
    }


def keep_most_connected(graph: nx.MultiDiGraph, max_nodes: int) -> set[str]:
    """The ``max_nodes`` nodes of highest degree (ties by name); a focused node always stays."""
    ranked = sorted(graph.nodes(data=True), key=lambda item: (-item[1].get("degree", 0), item[1]["name"], item[0]))
    keep = {node for node, _data in ranked[:max_nodes]}
    keep |= {node for node, data in graph.nodes(data=True) if data.get("focus")}
    return keep


def _subgraph(graph: nx.MultiDiGraph, keep: set[str]) -> nx.MultiDiGraph:
    """The nodes ``keep`` and the edges between them, as a graph of its own (a view's degrees are slow)."""
    sub = nx.MultiDiGraph()
    sub.add_nodes_from((node, graph.nodes[node]) for node in sorted(keep))
    for source, target, key, data in graph.out_edges(sorted(keep), keys=True, data=True):
        if target in keep:
            sub.add_edge(source, target, key, **data)
    return sub


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word if n == 1 else 'people' if word == 'person' else word + 's'}"


def view_data(
    graph: nx.MultiDiGraph, *, max_nodes: int | None = DEFAULT_MAX_NODES, note: str = "", overview: bool = True
) -> dict:
    """The JSON the page's script draws: nodes, edges, legend, filters, options, what was left out.

    Above ``OVERVIEW_MIN_NODES`` nodes (and with ``overview``) the page opens on the overview
    (``kg.viz.overview``): positions, community colours, folded communities, physics off.
    """
    total_nodes, total_edges = graph.number_of_nodes(), graph.number_of_edges()
    omitted = None
    if max_nodes is not None and total_nodes > max_nodes:
        keep = keep_most_connected(graph, max_nodes)
        left_out = sorted(
            (data for node, data in graph.nodes(data=True) if node not in keep),
            key=lambda d: (-d.get("degree", 0), d["name"]),
        )
        graph = _subgraph(graph, keep)
        by_kind = Counter(d["kind"] for d in left_out)
        kinds_text = ", ".join(_plural(n, kind) for kind, n in sorted(by_kind.items(), key=lambda kv: -kv[1]))
        text = (
            f"Large graph: this page shows the {graph.number_of_nodes():,} most connected of {total_nodes:,} nodes "
            f"and {graph.number_of_edges():,} of {total_edges:,} edges. Left out: {kinds_text} "
            f"(each with {max(d.get('degree', 0) for d in left_out)} or fewer connections). "
            "Use kg viz --focus NAME or --query FILE.rq to draw them."
        )
        omitted = {
            "count": len(left_out),
            "edges": total_edges - graph.number_of_edges(),
            "by_kind": dict(by_kind),
            "names": [{"name": d["name"], "kind": d["kind"]} for d in left_out[:OMITTED_NAMES_MAX]],
            "text": f"{_plural(len(left_out), 'node')} left out of this view (names)",
        }
        note = f"{note} {text}".strip()
    nodes, index = [], {}
    for i, (node, data) in enumerate(sorted(graph.nodes(data=True), key=lambda item: item[0])):
        index[node] = i
        nodes.append(
            {
                "id": node,
                "label": data["label"],
                "name": data["name"],
                "kind": data["kind"],
                "alt_names": data.get("alt_names", []),
                "title": data.get("title", data["name"]),
                "size": data.get("size", 12),
                "degree": graph.degree(node),
                "regions": data.get("regions", []),
                "dates": data.get("dates", []),
                "start_date": data.get("start_date"),
                "mentions": data.get("mentions", []),
                "focus": bool(data.get("focus")),
            }
        )
    edges = []
    for i, (source, target, data) in enumerate(
        sorted(graph.edges(data=True), key=lambda e: (e[0], e[2]["label"], e[1]))
    ):
        edges.append(
            {
                "id": f"e{i}",
                "from": source,
                "to": target,
                "label": data["label"],
                "predicate": data.get("predicate", ""),
                "title": data.get("title", data["label"]),
                "evidence": data.get("evidence", []),
                "derived": bool(data.get("derived")),
                "derived_from": data.get("derived_from", []),
                "dates": data.get("dates", []),
            }
        )
    counts = Counter(n["kind"] for n in nodes)
    kinds = {kind: {"color": c, "shape": s, "count": counts.get(kind, 0)} for kind, (c, s) in KIND_STYLE.items()}
    dates = sorted({d for item in nodes + edges for d in item["dates"]})
    summary = f"{_plural(len(nodes), 'node')}, {_plural(len(edges), 'edge')}"
    with_evidence = sum(1 for e in edges if e["evidence"])
    if edges:
        summary += f" ({with_evidence:,} stated in articles)"
    options = physics_options(len(nodes), len(edges))
    found = None
    if overview and len(nodes) > OVERVIEW_MIN_NODES:
        found = overview_of(graph, nodes, total_nodes)
        options = overview_options(options)
    return {
        "overview": found,
        "nodes": nodes,
        "edges": edges,
        "kinds": kinds,
        "kindOrder": list(KIND_STYLE),
        "regions": sorted({r for n in nodes for r in n["regions"]}),
        "dateRange": [dates[0], dates[-1]] if dates else None,
        "options": options,
        "freezeAfterLayout": True,
        "summary": summary,
        "note": note,
        "omitted": omitted,
    }


PAGE_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="kg">
<title>@TITLE@</title>
<style>
@CSS@
</style>
</head>
<body>
"""  # the start of every kg page: @TITLE@ and @CSS@ are filled by fill_template


def fill_template(template: str, parts: dict[str, str]) -> str:
    """``template`` with each of its placeholders (the keys of ``parts``) replaced, in one pass."""
    return re.sub("|".join(map(re.escape, parts)), lambda m: parts[m.group(0)], template)


_PAGE = (
    PAGE_HEAD
    + """<header>
  <h1>@TITLE@</h1> <p id="kg-summary"></p>
  <p id="kg-note" class="kg-note" hidden></p>
  <div id="kg-toolbar">
    <form id="kg-search-form" role="search">
      <input id="kg-search" type="search" list="kg-names" placeholder="Find a name…" aria-label="Find a name">
      <datalist id="kg-names"></datalist>
      <button type="submit">Find</button>
    </form>
    <fieldset id="kg-kinds"><legend hidden>Kinds</legend></fieldset>
    <label>Region <select id="kg-region"><option value="">all</option></select></label>
    <label>From <input type="date" id="kg-from"></label>
    <label>to <input type="date" id="kg-to"></label>
    <button id="kg-reset" type="button">Reset</button>
    <label title="let the layout move again"><input type="checkbox" id="kg-physics"> physics</label>
    <span id="kg-status"></span> <span id="kg-message" role="status"></span>
  </div>
</header>
<main>
  <div id="kg-graph"><div id="kg-progress"></div></div>
  <aside id="kg-panel" aria-live="polite"></aside>
</main>
<details id="kg-omitted" hidden><summary></summary></details>
<script type="application/json" id="kg-data">@DATA@</script>
<script>
@VIS@
</script>
<script>
@JS@
</script>
</body>
</html>
"""
)


def graph_page(data: dict, heading: str) -> str:
    """The HTML page for ``view_data`` output ``data``."""
    parts = {
        "@TITLE@": html.escape(heading),
        "@CSS@": asset("graph.css") + asset("views.css"),
        "@DATA@": script_json(data),
        "@VIS@": vis_network_js(),
        "@JS@": asset("common.js") + asset("graph.js") + asset("overview.js"),
    }
    page = fill_template(_PAGE, parts)
    if _REMOTE.search(page):  # pragma: no cover - a guard against future edits
        raise ExportError("the graph page would reference a remote script or style")
    return page


def write_page(path: Path, page: str) -> None:
    """Write a page atomically; text that is not valid Unicode is an ``ExportError``."""
    try:
        data = page.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ExportError(f"{path}: invalid Unicode in the graph ({exc.reason})") from None
    atomic_write_bytes(path, data)


def render_graph(
    graph: nx.MultiDiGraph,
    path: str | Path,
    *,
    heading: str,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    note: str = "",
    links: dict[str, str] | None = None,
) -> Path:
    """Write the page for ``graph`` to ``path`` atomically (``links``: the other views' files beside it)."""
    path = Path(path)
    data = view_data(graph, max_nodes=max_nodes, note=note)
    data["links"] = links
    write_page(path, graph_page(data, heading))
    return path
