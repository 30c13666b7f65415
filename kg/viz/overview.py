"""The overview of a large graph page: the most connected entities, communities, a fixed layout.

Above ``OVERVIEW_MIN_NODES`` nodes the graph page opens on an overview instead of every node at
once: the ``TOP_LABELLED`` entities of highest degree (networkx) are drawn with large labels;
communities found by networkx's Louvain method (seeded, so the page is the same every time) give
the colours, named in a legend by their most common region; the other members of each community
start folded into one node that unfolds on click (``static/overview.js``). Positions are
computed here (communities placed by a spring layout of the community graph, members on a
sunflower spiral around their community's centre, most connected first), so the page draws at
once with physics off. Search, focus and the filters still reach every node.
"""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx

OVERVIEW_MIN_NODES = 300  # pages with more nodes than this open on the overview
TOP_LABELLED = 150  # entities drawn with a label at first
SEED = 7  # Louvain and the spring layout: the same page every time
LABEL_MAX = 28  # characters of a label in the overview (the panel and tooltip have the full name)
MIN_COMMUNITY = 4  # smaller communities join the grey "other" group
# Colour-blind-friendlier qualitative palette (Tableau 20 reordered); communities beyond it are "other".
PALETTE = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f",
    "#ff9da7", "#86bcb6", "#a0cbe8", "#ffbe7d", "#8cd17d", "#f1ce63", "#d4a6c8", "#d37295",
    "#499894", "#79706e", "#b6992d", "#fabfd2",
)  # fmt: skip
OTHER_COLOUR = "#bab0ac"
TOP_STEP = 60.0  # spiral step of the labelled nodes (layout units; about their distance apart)
REST_STEP = 16.0  # the smallest spiral step of the others
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def communities(graph: nx.Graph | nx.MultiDiGraph, seed: int = SEED) -> list[list[str]]:
    """Louvain communities of ``graph`` (edges undirected, weighted by how many relations join two nodes).

    Largest first (ties by their first node); members sorted by degree (highest first), then id.
    """
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    for u, v, data in graph.edges(data=True):
        if u == v:
            continue
        weight = data.get("weight", 1)
        if simple.has_edge(u, v):
            simple[u][v]["weight"] += weight
        else:
            simple.add_edge(u, v, weight=weight)
    found = nx.community.louvain_communities(simple, weight="weight", seed=seed)
    degree = dict(graph.degree(weight="weight"))
    groups = [sorted(c, key=lambda n: (-degree[n], n)) for c in found]
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def _spread(centres: list[list[float]], radii: list[float], gap: float) -> None:
    """Push overlapping circles apart (in place) until none overlap."""
    for _round in range(200):
        moved = False
        for i in range(len(centres)):
            for j in range(i + 1, len(centres)):
                dx, dy = centres[j][0] - centres[i][0], centres[j][1] - centres[i][1]
                distance = math.hypot(dx, dy) or 1e-6
                need = radii[i] + radii[j] + gap
                if distance < need:
                    push = (need - distance) / 2
                    ux, uy = (dx / distance, dy / distance) if distance > 1e-6 else (1.0, 0.0)
                    centres[i][0] -= ux * push
                    centres[i][1] -= uy * push
                    centres[j][0] += ux * push
                    centres[j][1] += uy * push
                    moved = True
        if not moved:
            return


def _spiral(k: int, step: float, turn: float = 0.0) -> tuple[float, float]:
    """The ``k``-th point of a sunflower spiral (Vogel's): even density, ``step`` apart."""
    r = step * math.sqrt(k + 1.5)  # the centre stays free for the folded node
    return r * math.cos(k * GOLDEN_ANGLE + turn), r * math.sin(k * GOLDEN_ANGLE + turn)


def layout(
    graph: nx.Graph | nx.MultiDiGraph, groups: list[list[str]], labelled: set[str]
) -> tuple[dict[str, tuple], list[tuple]]:
    """Positions, and each group's centre.

    A group's labelled members sit on a sunflower spiral ``TOP_STEP`` apart round its centre, the
    others on a denser spiral over the same disc (they start folded, and are small unlabelled dots
    once unfolded); the centres come from a spring layout of the graph of groups, pushed apart
    until no two discs overlap.
    """
    where = {node: i for i, group in enumerate(groups) for node in group}
    plans = []
    for group in groups:
        top = [n for n in group if n in labelled]
        rest = [n for n in group if n not in labelled]
        rest_step = max(REST_STEP, TOP_STEP * math.sqrt((len(top) + 1.5) / (len(rest) + 1.5))) if top else REST_STEP
        radius = max(TOP_STEP * math.sqrt(len(top) + 1.5) if top else 0, rest_step * math.sqrt(len(rest) + 1.5))
        plans.append((top, rest, rest_step, radius + REST_STEP))
    between = nx.Graph()
    between.add_nodes_from(range(len(groups)))
    for u, v in graph.edges():
        a, b = where.get(u), where.get(v)
        if a is not None and b is not None and a != b:
            between.add_edge(a, b, weight=between.get_edge_data(a, b, {"weight": 0})["weight"] + 1)
    radii = [plan[3] for plan in plans]
    if len(groups) > 1:
        spring = nx.spring_layout(between, seed=SEED, weight="weight", iterations=80)
        scale = sum(radii) / math.sqrt(len(groups))
        centres = [[float(spring[i][0]) * scale, float(spring[i][1]) * scale] for i in range(len(groups))]
        _spread(centres, radii, gap=TOP_STEP / 2)
    else:
        centres = [[0.0, 0.0]] * len(groups)
    positions: dict[str, tuple] = {}
    for (cx, cy), (top, rest, rest_step, _radius) in zip(centres, plans, strict=True):
        for members, step, turn in ((top, TOP_STEP, 0.0), (rest, rest_step, GOLDEN_ANGLE / 2)):
            for k, node in enumerate(members):
                dx, dy = _spiral(k, step, turn)
                positions[node] = (round(cx + dx, 1), round(cy + dy, 1))
    return positions, [(round(cx, 1), round(cy, 1)) for cx, cy in centres]


def _group_name(members: list[str], nodes: dict[str, dict]) -> str:
    """A community's name: its most common region when a third of the members share it, and its most
    connected person (else member)."""
    people = [n for n in members if nodes[n]["kind"] == "person"]
    who = nodes[(people or members)[0]]["name"]
    counts = Counter(r for n in members for r in nodes[n]["regions"])
    if counts:
        region, n = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if 3 * n >= len(members):
            return f"{region} · {who}"
    return who


def overview(graph: nx.MultiDiGraph, nodes: list[dict], total: int, top: int = TOP_LABELLED) -> dict:
    """Colour, position and label the page's ``nodes`` (dicts of ``view_data``, changed in place).

    ``graph`` holds the drawn nodes and their edges; ``total`` is how many entities the whole graph
    has. Returns what the page's script needs: the communities (name, colour, members, whether
    the labelled members stay out of the folded node) and the banner.
    """
    found = communities(graph)
    big = [g for g in found if len(g) >= MIN_COMMUNITY][: len(PALETTE)]
    rest = [n for g in found if g not in big for n in g]
    degree = dict(graph.degree())
    rest.sort(key=lambda n: (-degree[n], n))
    groups = big + ([rest] if rest else [])
    ranked = sorted(graph.nodes, key=lambda n: (-degree[n], graph.nodes[n]["name"], n))
    labelled = set(ranked[:top])
    positions, centres = layout(graph, groups, labelled)
    by_id = {n["id"]: n for n in nodes}
    listed = []
    for i, group in enumerate(groups):
        other = bool(rest) and i == len(groups) - 1
        colour = OTHER_COLOUR if other else PALETTE[i]
        name = "Small groups and unconnected entities" if other else _group_name(group, by_id)
        x, y = centres[i]
        listed.append({"name": name, "color": colour, "members": group, "other": other, "x": x, "y": y})
    community_of = {n: i for i, group in enumerate(groups) for n in group}
    rank = {n: i for i, n in enumerate(ranked)}
    for node in nodes:
        node_id = node["id"]
        node["x"], node["y"] = positions[node_id]
        node["community"] = community_of[node_id]
        node["color"] = listed[community_of[node_id]]["color"]
        node["top"] = node_id in labelled
        if len(node["label"]) > LABEL_MAX:  # long meeting names would cover their neighbours
            node["label"] = node["label"][: LABEL_MAX - 1].rstrip() + "…"
        node["fontSize"] = round(40 - 20 * rank[node_id] / max(top, 1)) if node_id in labelled else 12
    shown = min(top, len(ranked))
    banner = (
        f"Showing the {shown:,} most connected of {total:,} entities, coloured by community "
        f"(networkx Louvain). The other {len(ranked) - shown:,} drawn here are folded, one node per "
        "community: click it to unfold; click a community below to fold it whole. Search, focus and filters "
        "reach every entity."
    )
    return {"communities": listed, "banner": banner, "top": shown, "total": total}


def overview_options(options: dict) -> dict:
    """The page's vis-network options for the overview: fixed positions, physics off, small labels kept."""
    stabilization = {**options["physics"]["stabilization"], "fit": False}  # overview.js fits the folded view
    options = {**options, "physics": {**options["physics"], "enabled": False, "stabilization": stabilization}}
    options["layout"] = {**options["layout"], "improvedLayout": False}
    nodes = dict(options["nodes"])
    nodes["scaling"] = {"label": {"enabled": False, "drawThreshold": 3, "maxVisible": 60}}
    options["nodes"] = nodes
    options["edges"] = {**options["edges"], "smooth": {"enabled": False}, "color": {"opacity": 0.45}}
    return options
