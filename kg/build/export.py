"""Export a built graph for other tools: GraphML and GEXF (Gephi, Cytoscape, yEd), JSON-LD, N-Quads.

GraphML and GEXF hold the drawn graph of ``kg.viz`` (people, organizations, posts, meetings,
initiatives and places; one edge per relation) with flat attributes: kind, name, regions,
dates and degree on nodes; relation, predicate, the number of statements, the sentences, the
documents and dates on edges. GEXF also carries colours and sizes (its ``viz`` module). JSON-LD
and N-Quads hold the whole RDF dataset, named graphs and provenance included, written by
Oxigraph's serializers: N-Quads one quad a line, the lines sorted; JSON-LD in expanded form (full
IRIs) grouped by named graph, with kg's prefixes as its ``@context``. The graph is read into an
in-memory Oxigraph store (``kg.store.oxstore.load_store``); every file is written atomically.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import networkx as nx
import pyoxigraph as ox

from kg.errors import ExportError
from kg.rdf.dump import external_sort, sorted_lines
from kg.rdf.namespace import PREFIXES
from kg.store.files import atomic_output, remove_folder, temp_folder

FORMATS = {"graphml": ".graphml", "gexf": ".gexf", "jsonld": ".jsonld", "nquads": ".nq"}
SEPARATOR = " | "


def default_out(graph_path: str | Path, fmt: str) -> Path:
    """``graph.<ext>`` beside the graph file."""
    return Path(graph_path).with_name("graph" + FORMATS[fmt])


def _join(values) -> str:  # noqa: ANN001
    return SEPARATOR.join(str(v) for v in values)


def flat_graph(store: ox.Store) -> nx.MultiDiGraph:
    """The drawn graph with only string/number attributes (what GraphML and GEXF can hold)."""
    from kg.viz.data import build_nx_graph

    graph = build_nx_graph(store)
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


def _write_graphml(store: ox.Store, path: Path, _work: Path) -> None:
    nx.write_graphml(
        flat_graph(store), path, encoding="utf-8", prettyprint=True, named_key_ids=True, edge_id_from_attribute="id"
    )


def _write_gexf(store: ox.Store, path: Path, _work: Path) -> None:
    graph = flat_graph(store)
    for _node, data in graph.nodes(data=True):
        data["viz"] = {"color": _rgb(data.pop("color")), "size": data["size"]}
    nx.write_gexf(graph, path, encoding="utf-8", prettyprint=True, version="1.2draft")


def _write_nquads(store: ox.Store, path: Path, work: Path) -> None:
    with open(path, "wb") as out:
        out.writelines(sorted_lines(store, work))


def _keyed_by_graph(store: ox.Store) -> Iterator[bytes]:
    """Every quad as an N-Quads line behind its graph's name and a tab (the default graph's key is empty)."""
    for quad in store:
        graph = quad.graph_name
        key = "" if isinstance(graph, ox.DefaultGraph) else str(graph)
        yield f"{key}\t{quad} .\n".encode()


def _grouped_quads(path: Path) -> Iterator[bytes]:
    with open(path, "rb", buffering=1 << 20) as handle:
        for line in handle:
            yield line.split(b"\t", 1)[1]


def _write_jsonld(store: ox.Store, path: Path, work: Path) -> None:
    keyed = work / "by-graph.keyed"
    with open(keyed, "wb", buffering=1 << 20) as out:
        external_sort(_keyed_by_graph(store), out, work / "runs")
    grouped = work / "by-graph.nq"
    with open(grouped, "wb", buffering=1 << 20) as out:
        out.writelines(_grouped_quads(keyed))
    keyed.unlink()
    context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    with open(path, "wb") as out:
        _jsonld_document(grouped, context, out)
    grouped.unlink()


def _jsonld_document(nquads: Path, context: dict[str, str], out: BinaryIO) -> None:
    """``{"@context": context, "@graph": [...]}`` around Oxigraph's JSON-LD of the N-Quads file."""
    out.write(b'{"@context":' + json.dumps(context, sort_keys=True).encode() + b',\n"@graph":')
    quads = ox.parse(path=os.fspath(nquads), format=ox.RdfFormat.N_QUADS)
    ox.serialize(quads, out, ox.RdfFormat.JSON_LD)
    out.write(b"}\n")


WRITERS = {"graphml": _write_graphml, "gexf": _write_gexf, "jsonld": _write_jsonld, "nquads": _write_nquads}


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format '{fmt}'; use one of {', '.join(FORMATS)}")


def export(graph_path: str | Path, fmt: str, out: str | Path | None = None) -> Path:
    """Write the graph file ``graph_path`` as ``fmt`` (graphml, gexf, jsonld, nquads) to ``out``; return the path.

    Raises ``ExportError`` for an unknown format or an unwritable output, ``GraphError`` when
    the graph file cannot be read.
    """
    from kg.store.oxstore import load_store

    _check_format(fmt)
    store = load_store(graph_path)
    return export_store(store, fmt, out if out is not None else default_out(graph_path, fmt))


def export_store(store: ox.Store, fmt: str, out: str | Path) -> Path:
    """Write the graph in the Oxigraph ``store`` as ``fmt`` to ``out`` atomically."""
    _check_format(fmt)
    out = Path(out)
    if out.is_dir():
        raise ExportError(f"{out}: is a folder; give a file name such as {out / ('graph' + FORMATS[fmt])}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out.parent}: cannot create the folder: {exc.strerror or exc}") from None
    work = temp_folder(out)  # beside the output: sort runs of big graphs stay on its disk
    try:
        with atomic_output(out) as temp:
            WRITERS[fmt](store, temp, work)
    finally:
        remove_folder(work)
    return out
