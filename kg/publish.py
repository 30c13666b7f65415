"""The last stage of a build: corpus -> Oxigraph store -> validation -> exports, all or nothing.

The corpus is mapped part by part (``kg.rdf.mapping.corpus_parts``) into a new store in a
temporary folder beside its final place; the whole store is validated against the shapes
(``kg.validate_parts.validate_build``, unless the mode is ``off``); the exports are rendered
from the store (``kg.rdf.dump``: sorted N-Quads, TriG and Turtle, in bounded memory) to temporary
files; only then are the exports renamed into place and
the new store swapped in for the old one (``kg.store.replace_folder``). A failure or Ctrl-C at any
point before leaves the previous exports and store as they were. Without a store path the store
lives in a temporary folder of the output folder and is removed at the end.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from kg.model import Corpus
from kg.oxstore import to_oxigraph
from kg.rdf.dump import write_sorted_nquads, write_trig_and_turtle
from kg.rdf.mapping import PROVENANCE_GRAPH, corpus_parts
from kg.store import (
    BUILD_RECORD,
    EXPORT_NAMES,
    _file_info,
    atomic_outputs,
    replace_folder,
    temp_folder,
)
from kg.validate_parts import validate_build

STORE_FOLDER = "store"  # the temporary store's name inside the output folder
_TERM_CACHE = 200_000


def load_parts(store: ox.Store, corpus: Corpus) -> int:
    """Map ``corpus`` part by part into ``store``; return quads added."""
    cache: dict[object, object] = {}

    def term(node: object) -> object:
        found = cache.get(node)
        if found is None:
            found = to_oxigraph(node)
            if len(cache) < _TERM_CACHE:
                cache[node] = found
        return found

    count = 0
    for _, quads in corpus_parts(corpus):
        store.bulk_extend([ox.Quad(term(s), term(p), term(o), term(g)) for s, p, o, g in quads])
        count += len(quads)
    store.flush()
    return count


def write_store_and_exports(
    corpus: Corpus,
    out: Path,
    store_path: Path | None,
    mode: str,
    html: bool,
    record: Mapping[str, object],
    temps: list[Path],
) -> tuple[dict[str, Path], int, dict[str, object]]:
    """Store, validate and export ``corpus``; return (export paths, number of quads, what was validated).

    Temporary folders are appended to ``temps`` as they are created; the caller removes them.
    """
    from datetime import UTC, datetime

    folder = temp_folder(store_path if store_path is not None else out / STORE_FOLDER, temps)
    work = temp_folder(out / "work", temps)
    store = ox.Store(str(folder / "data"))
    try:
        load_parts(store, corpus)
        validation = validate_build(store, mode)
        keys = [key for key in EXPORT_NAMES if html or key != "html"]
        targets = {key: out / EXPORT_NAMES[key] for key in keys}
        with atomic_outputs({**targets, "build": out / BUILD_RECORD}) as files:
            triples = write_sorted_nquads(store, files["nq"], work)
            write_trig_and_turtle(files["nq"], files["trig"], files["ttl"], work, str(PROVENANCE_GRAPH))
            if html:
                from kg.viz.fromstore import render_store

                render_store(store, files["html"])
            outputs = {key: _file_info(files[key], EXPORT_NAMES[key]) for key in keys}
            full = {
                **record,
                "finished": datetime.now(UTC).isoformat(timespec="seconds"),
                "triples": triples,
                "validation": validation,
                "outputs": outputs,
            }
            text = json.dumps(full, indent=2, ensure_ascii=False, default=str)
            files["build"].write_text(text + "\n", encoding="utf-8", errors="backslashreplace")
            store = None
            gc.collect()  # closes the store's files before its folder is moved
    finally:
        store = None  # (a traceback keeps this frame: drop the store so its folder can be removed)
        gc.collect()
    if store_path is not None:
        replace_folder(folder / "data", store_path)
    return targets, triples, validation
