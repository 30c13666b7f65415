"""The exports of an rdflib Dataset (graph.trig, graph.ttl, graph.nq and graph.html), written all or nothing.

A build writes its exports from the Oxigraph store (``kg.build.publish``); this is the same for a
Dataset in memory (small graphs, tests). It lives in ``build`` because it renders the page (``kg.viz``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import ExportError
from kg.store.files import BUILD_RECORD, EXPORT_NAMES, _file_info, atomic_outputs
from kg.store.graphfile import serialize_trig, sorted_nquads

if TYPE_CHECKING:
    from rdflib import Dataset, Graph


def _facts_graph(ds: Dataset) -> Graph:
    from kg.rdf.dataset import facts_graph
    from kg.rdf.namespace import bind_prefixes

    graph = facts_graph(ds)
    bind_prefixes(graph)
    return graph


def _renderers(ds: Dataset) -> dict[str, Callable[[Path], None]]:
    def trig(path: Path) -> None:
        path.write_bytes(serialize_trig(ds))

    def ttl(path: Path) -> None:
        path.write_bytes(_facts_graph(ds).serialize(format="turtle", encoding="utf-8"))

    def nq(path: Path) -> None:
        path.write_bytes(sorted_nquads(ds))

    def html(path: Path) -> None:
        from kg import viz

        viz.render_html(ds, path)

    return {"trig": trig, "ttl": ttl, "nq": nq, "html": html}


def write_exports(
    ds: Dataset, out_dir: str | Path, *, html: bool = True, record: Mapping[str, object] | None = None
) -> dict[str, Path]:
    """Write graph.trig, graph.ttl, graph.nq (and graph.html) into ``out_dir``, all or nothing.

    With ``record``, also write ``build.json``: ``record`` plus ``"outputs"`` (file name, size and
    SHA-256 of each export), renamed into place after the exports. Returns the written export
    paths by key ("trig", "ttl", "nq", "html"; not the record). If any export fails, no file in
    ``out_dir`` is changed and the error propagates (``ExportError`` for I/O problems).
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out}: cannot create the output folder: {exc.strerror or exc}") from None
    from kg.rdf.namespace import bind_prefixes

    bind_prefixes(ds)
    renderers = _renderers(ds)
    keys = [key for key in EXPORT_NAMES if html or key != "html"]
    targets = {key: out / EXPORT_NAMES[key] for key in keys}
    with atomic_outputs({**targets, **({"build": out / BUILD_RECORD} if record is not None else {})}) as temps:
        for key in keys:
            renderers[key](temps[key])
        if record is not None:
            outputs = {key: _file_info(temps[key], EXPORT_NAMES[key]) for key in keys}
            text = json.dumps({**record, "outputs": outputs}, indent=2, ensure_ascii=False, default=str)
            temps["build"].write_text(text + "\n", encoding="utf-8", errors="backslashreplace")
    return targets
