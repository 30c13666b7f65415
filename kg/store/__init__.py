"""Storage: the Oxigraph store, atomic files and folders, graph files, validation of a stored graph.

Modules: ``files`` (atomic writes of files and folders, stale temporaries, build.json's name),
``graphfile`` (graph files read with rdflib, byte-stable N-Quads and TriG), ``oxstore`` (opening,
loading and dumping Oxigraph stores), ``validate`` (the SHACL shapes run on a store). Storage knows
nothing of builds, queries or pages. The names of ``files`` and ``graphfile`` are importable from
``kg.store``.
"""

from __future__ import annotations

from kg.store.files import (
    BUILD_RECORD,
    EXPORT_NAMES,
    atomic_output,
    atomic_outputs,
    atomic_write_bytes,
    atomic_write_text,
    remove_folder,
    remove_stale_temps,
    replace_folder,
    temp_folder,
)
from kg.store.graphfile import GRAPH_FORMATS, load_graph, serialize_trig, sorted_nquads

__all__ = [
    "BUILD_RECORD",
    "EXPORT_NAMES",
    "GRAPH_FORMATS",
    "atomic_output",
    "atomic_outputs",
    "atomic_write_bytes",
    "atomic_write_text",
    "load_graph",
    "remove_folder",
    "remove_stale_temps",
    "replace_folder",
    "serialize_trig",
    "sorted_nquads",
    "temp_folder",
]
