"""A first interactive view of the graph: one self-contained HTML page made with pyvis.

Nodes are the people, organizations, posts, meetings, initiatives and places of the graph,
labelled by ``schema:name`` (or ``rdfs:label``) and coloured by kind; edges are the relations
between them. The page carries its JavaScript and CSS inline, so it works offline.

Names are never interpreted as HTML: node and edge data are embedded as JSON with ``<``, ``>``,
``&`` and ``'`` written as ``\\u003c``-style escapes, vis-network draws labels on a canvas and
shows tooltips as plain text, and the page heading is HTML-escaped.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
from rdflib import RDF, RDFS, Dataset, Graph, URIRef

from kg.errors import ExportError
from kg.rdf.namespace import KG, ORG, SCHEMA
from kg.store import atomic_write_text, load_graph

# kind -> (types that make a node of that kind, colour); earlier kinds win.
KINDS: dict[str, tuple[tuple[URIRef, ...], str]] = {
    "person": ((SCHEMA["Person"],), "#e4572e"),
    "post": ((ORG["Post"],), "#f3a712"),
    "meeting": ((KG["Meeting"], SCHEMA["Event"]), "#4c9f70"),
    "initiative": ((KG["Initiative"], KG["Plan"], KG["Strategy"]), "#a06cd5"),
    "place": ((SCHEMA["Place"],), "#8d6a4f"),
    "organization": ((ORG["Organization"],), "#2e86ab"),
}
# predicate -> edge label (direction as in the graph: subject -> object)
EDGES: dict[URIRef, str] = {
    ORG["holds"]: "holds",
    KG["appointedTo"]: "appointed to",
    KG["resignedFrom"]: "resigned from",
    ORG["postIn"]: "post in",
    KG["presidedBy"]: "presided",
    KG["speaker"]: "spoke",
    SCHEMA["attendee"]: "attended",
    KG["promotes"]: "promotes",
    SCHEMA["location"]: "location",
    SCHEMA["organizer"]: "organizer",
    ORG["subOrganizationOf"]: "part of",
    KG["jurisdiction"]: "jurisdiction",
}
_REMOTE_TAG = re.compile(
    r"<!--\s*<link\b.*?-->"  # pyvis's commented-out references to node_modules
    r"|<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>"
    r"|<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script\s*>",
    re.IGNORECASE | re.DOTALL,
)
_STYLE = """<style>
 body { font-family: system-ui, sans-serif; margin: 0.5em; }
 #kg-header h1 { font-size: 1.2em; margin: 0.2em 0; }
 .kg-legend span { display: inline-block; margin-right: 1em; font-size: 0.9em; }
 .kg-legend i { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 50%;
               margin-right: 0.3em; vertical-align: middle; }
 .card { border: none; }
</style>"""
_OPTIONS = {
    "physics": {"solver": "forceAtlas2Based", "stabilization": {"iterations": 250}},
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "font": {"size": 10, "align": "middle"},
        "color": {"inherit": False, "color": "#9aa5b1"},
        "smooth": {"type": "continuous"},
    },
    "nodes": {"shape": "dot", "font": {"size": 14}},
    "interaction": {"hover": True, "tooltipDelay": 100},
}
MAX_LABEL = 60


def _kind(types: set[URIRef]) -> str | None:
    for kind, (classes, _colour) in KINDS.items():
        if types.intersection(classes):
            return kind
    return None


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def _quads(graph: Graph) -> Iterator[tuple]:
    if isinstance(graph, Dataset):
        yield from graph.quads((None, None, None, None))
    else:
        for s, p, o in graph:
            yield s, p, o, graph.identifier


def build_nx_graph(ds: Dataset | Graph) -> nx.MultiDiGraph:
    """The people/organizations/posts/meetings/initiatives/places of ``ds`` as a networkx graph.

    Node ids are IRIs; node attributes: kind, label, title, color, size. Edge attributes:
    label, title (with the number of assertion graphs stating the edge).
    """
    types: dict[URIRef, set[URIRef]] = defaultdict(set)
    names: dict[URIRef, set[str]] = defaultdict(set)
    labels: dict[URIRef, set[str]] = defaultdict(set)
    edge_sources: dict[tuple[URIRef, str, URIRef], set[str]] = defaultdict(set)
    for s, p, o, g in _quads(ds):
        if p == RDF.type and isinstance(o, URIRef):
            types[s].add(o)
        elif p == SCHEMA["name"]:
            names[s].add(str(o))
        elif p == RDFS.label:
            labels[s].add(str(o))
        elif p in EDGES and isinstance(o, URIRef):
            edge_sources[(s, EDGES[p], o)].add(str(g))
    graph = nx.MultiDiGraph()
    for node in sorted(types):
        kind = _kind(types[node])
        if kind is None or not isinstance(node, URIRef):
            continue
        label = min(names[node] or labels[node] or {str(node).rsplit("/", 1)[-1]})
        graph.add_node(
            str(node),
            kind=kind,
            label=_short(label),
            title=f"{label}\n{kind}\n{node}",
            color=KINDS[kind][1],
        )
    for (s, label, o), sources in sorted(edge_sources.items()):
        if str(s) in graph and str(o) in graph:
            count = len(sources)
            title = f"{label} ({count} statement{'s' if count != 1 else ''})"
            graph.add_edge(str(s), str(o), key=label, label=label, title=title)
    for node in graph.nodes:
        graph.nodes[node]["size"] = min(10 + 2 * graph.degree(node), 40)
    return graph


def _page(graph: nx.MultiDiGraph, heading: str) -> str:
    """Render ``graph`` with pyvis into a self-contained HTML page."""
    from pyvis.network import Network  # lazily: pyvis and jinja take a while to import

    net = Network(height="85vh", width="100%", directed=True, cdn_resources="in_line")
    for node, data in graph.nodes(data=True):
        net.add_node(node, **{k: data[k] for k in ("label", "title", "color", "size")})
    for source, target, data in graph.edges(data=True):
        net.add_edge(source, target, label=data["label"], title=data["title"])
    net.options = _OPTIONS
    nodes, edges, _heading, height, width, options = net.get_network_data()
    # Render the template ourselves so pyvis never switches to its innerHTML tooltip mode
    # (it does so when a tooltip contains "href").
    page = net.templateEnv.get_template(net.path).render(
        height=height,
        width=width,
        nodes=nodes,
        edges=edges,
        heading="",
        options=options,
        physics_enabled=True,
        use_DOT=False,
        dot_lang="",
        widget=False,
        bgcolor=net.bgcolor,
        conf=False,
        tooltip_link=False,
        neighborhood_highlight=False,
        select_menu=False,
        filter_menu=False,
        notebook=False,
        cdn_resources="in_line",
    )
    page = _REMOTE_TAG.sub("", page)
    if re.search(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", page, re.I):
        raise ExportError("graph.html: the page still references remote scripts or styles")
    counts = defaultdict(int)
    for _node, kind in graph.nodes(data="kind"):
        counts[kind] += 1
    legend = "".join(
        f'<span><i style="background:{colour}"></i>{html.escape(kind)} ({counts[kind]})</span>'
        for kind, (_types, colour) in KINDS.items()
    )
    header = f'<div id="kg-header"><h1>{html.escape(heading)}</h1><div class="kg-legend">{legend}</div></div>'
    head = f'<meta charset="utf-8">\n<title>{html.escape(heading)}</title>\n{_STYLE}'
    page = page.replace('<meta charset="utf-8">', head, 1)
    return page.replace("<body>", f"<body>\n{header}", 1)


def render_html(ds: Dataset | Graph, path: str | Path, *, heading: str = "kg knowledge graph") -> Path:
    """Write an interactive, offline HTML view of ``ds`` to ``path`` (atomically)."""
    path = Path(path)
    graph = build_nx_graph(ds)
    atomic_write_text(path, _page(graph, heading))
    return path


def render_file(graph_path: str | Path, out_path: str | Path) -> Path:
    """Load the graph file ``graph_path`` and write its HTML view to ``out_path``."""
    ds = load_graph(graph_path)
    out = Path(out_path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out.parent}: cannot create the folder: {exc.strerror or exc}") from None
    return render_html(ds, out, heading=f"kg: {Path(graph_path).name}")
