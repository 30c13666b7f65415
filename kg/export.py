"""Export a built graph for other tools: GraphML and GEXF (Gephi, Cytoscape, yEd), JSON-LD, N-Quads.

GraphML and GEXF hold the drawn graph of ``kg.viz`` (people, organizations, posts, meetings,
initiatives and places; one edge per relation) with flat attributes: kind, name, regions,
dates and degree on nodes; relation, predicate, the number of statements, the sentences, the
documents and dates on edges. GEXF also carries colours and sizes (its ``viz`` module). JSON-LD
and N-Quads hold the whole RDF dataset, named graphs and provenance included. Every file is
written atomically (``kg.store``).
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
from rdflib import Dataset

from kg.errors import ExportError
from kg.rdf.namespace import PREFIXES
from kg.store import atomic_output, atomic_write_bytes, load_graph, sorted_nquads

FORMATS = {"graphml": ".graphml", "gexf": ".gexf", "jsonld": ".jsonld", "nquads": ".nq"}
SEPARATOR = " | "


def default_out(graph_path: str | Path, fmt: str) -> Path:
    """``graph.<ext>`` beside the graph file."""
    return Path(graph_path).with_name("graph" + FORMATS[fmt])


def _join(values) -> str:
    return SEPARATOR.join(str(v) for v in values)


def flat_graph(ds: Dataset) -> nx.MultiDiGraph:
    """The drawn graph with only string/number attributes (what GraphML and GEXF can hold)."""
    from kg.viz.data import build_nx_graph

    graph = build_nx_graph(ds)
    flat = nx.MultiDiGraph(name="kg")
    for node, data in graph.nodes(data=True):
        flat.add_node(
            node,
            label=data["name"],
            kind=data["kind"],
            iri=node,
            alt_names=_join(data["alt_names"]),
            regions=_join(data["regions"]),
            dates=_join(data["dates"]),
            degree=int(data["degree"]),
            mentions=len(data["mentions"]),
            color=data["color"],
            size=float(data["size"]),
        )
    for i, (source, target, key, data) in enumerate(graph.edges(keys=True, data=True)):
        evidence = data["evidence"]
        flat.add_edge(
            source,
            target,
            key=key,
            id=f"e{i}",
            label=data["label"],
            relation=data["label"],
            predicate=data["predicate"],
            statements=len(evidence),
            derived=bool(data["derived"]),
            sentences=_join(e["sentence"] for e in evidence),
            documents=_join(sorted({e["doc"] for e in evidence})),
            dates=_join(data["dates"]),
            weight=float(max(1, len(evidence))),
        )
    return flat


def _rgb(colour: str) -> dict[str, int]:
    colour = colour.lstrip("#")
    return {"r": int(colour[0:2], 16), "g": int(colour[2:4], 16), "b": int(colour[4:6], 16), "a": 1.0}


def _write_graphml(ds: Dataset, path: Path) -> None:
    nx.write_graphml(
        flat_graph(ds), path, encoding="utf-8", prettyprint=True, named_key_ids=True, edge_id_from_attribute="id"
    )


def _write_gexf(ds: Dataset, path: Path) -> None:
    graph = flat_graph(ds)
    for _node, data in graph.nodes(data=True):
        data["viz"] = {"color": _rgb(data.pop("color")), "size": data["size"]}
    nx.write_gexf(graph, path, encoding="utf-8", prettyprint=True, version="1.2draft")


def _jsonld(ds: Dataset) -> bytes:
    context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    return ds.serialize(format="json-ld", context=context, auto_compact=True, indent=1, encoding="utf-8")


def export(graph_path: str | Path, fmt: str, out: str | Path | None = None) -> Path:
    """Write ``graph_path`` as ``fmt`` (graphml, gexf, jsonld, nquads) to ``out``; return the path.

    Raises ``ExportError`` for an unknown format or an unwritable output, ``GraphError`` when
    the graph file cannot be read.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format '{fmt}'; use one of {', '.join(FORMATS)}")
    ds = load_graph(graph_path)
    return export_dataset(ds, fmt, out if out is not None else default_out(graph_path, fmt))


def export_dataset(ds: Dataset, fmt: str, out: str | Path) -> Path:
    """Write the dataset ``ds`` as ``fmt`` to ``out`` atomically."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format '{fmt}'; use one of {', '.join(FORMATS)}")
    out = Path(out)
    if out.is_dir():
        raise ExportError(f"{out}: is a folder; give a file name such as {out / ('graph' + FORMATS[fmt])}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out.parent}: cannot create the folder: {exc.strerror or exc}") from None
    if fmt == "nquads":
        atomic_write_bytes(out, sorted_nquads(ds))
    elif fmt == "jsonld":
        atomic_write_bytes(out, _jsonld(ds))
    else:
        writer = _write_graphml if fmt == "graphml" else _write_gexf
        with atomic_output(out) as temp:
            writer(ds, temp)
    return out
