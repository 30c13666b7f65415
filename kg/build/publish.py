"""The last stage of a build: corpus -> Oxigraph store -> validation -> exports, all or nothing.

The corpus is mapped part by part (``kg.rdf.mapping.corpus_parts``, pyoxigraph quads) and
bulk-loaded into a new store: in memory for a corpus of up to ``MEMORY_STORE_FACTS`` facts without
``--store``, else on disk in a temporary folder beside its final place. The whole graph is
validated (``kg.store.validate.validate_store``); the exports are written from the store (``kg.rdf.dump``:
sorted N-Quads, TriG and Turtle) and graph.html drawn from it, to temporary files; only then are
the exports renamed into place and the new store swapped in for the old one
(``kg.store.replace_folder``). A failure or Ctrl-C at any point before leaves the previous
exports and store as they were. (Writing the exports in a thread beside validation and graph.html
was tried: Python's lock made it slower, not faster.)
"""

from __future__ import annotations

import gc
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from kg.build.validation import validate_build
from kg.errors import ExportError
from kg.model import Corpus
from kg.rdf.dump import write_exports
from kg.rdf.mapping import ENTITIES, PROVENANCE, corpus_parts
from kg.store.files import BUILD_RECORD, EXPORT_NAMES, _file_info, atomic_outputs, replace_folder, temp_folder

STORE_FOLDER = "store"  # the temporary store's name inside the output folder
MEMORY_STORE_FACTS = 60_000  # up to this many facts (about 1.8 M quads, 700 MB) the store is in memory
LOAD_BATCH = 200_000  # quads handed to Oxigraph's bulk loader at once


def load_corpus(store: ox.Store, corpus: Corpus, *, version: str | None = None, on_disk: bool = False) -> int:
    """Map ``corpus`` part by part into ``store``; return the quads added.

    An in-memory store takes each part as it comes; a store ``on_disk`` gets bulk loads of about
    ``LOAD_BATCH`` quads. Python's cyclic garbage collector is paused meanwhile: the mapping makes
    millions of objects and no cycles, and each collection would walk the whole heap (the corpus).
    """
    count = 0
    batch: list[ox.Quad] = []
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _, quads in corpus_parts(corpus, version=version):
            if not on_disk:
                store.extend(quads)
                count += len(quads)
                continue
            batch += quads
            if len(batch) >= LOAD_BATCH:
                store.bulk_extend(batch)
                count += len(batch)
                batch = []
        if batch:
            store.bulk_extend(batch)
    finally:
        if enabled:
            gc.enable()
    store.flush()
    return count + len(batch)


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
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out}: cannot create the output folder: {exc.strerror or exc}") from None
    on_disk = store_path is not None or len(corpus.facts) > MEMORY_STORE_FACTS
    folder = temp_folder(store_path if store_path is not None else out / STORE_FOLDER, temps) if on_disk else None
    store = ox.Store(str(folder / "data")) if folder is not None else ox.Store()
    try:
        quads = load_corpus(store, corpus, on_disk=on_disk)
        keys = [key for key in EXPORT_NAMES if html or key != "html"]
        targets = {key: out / EXPORT_NAMES[key] for key in keys}
        validation = validate_build(store, mode)
        with atomic_outputs({**targets, "build": out / BUILD_RECORD}) as files:
            triples = write_exports(
                store, files["nq"], files["trig"], files["ttl"], skip_graph=PROVENANCE.value,
                work=temp_folder(out / "work", temps), quads=quads, large_graphs=(ENTITIES.value,),
            )  # fmt: skip
            if html:
                from kg.viz.fromstore import render_store

                render_store(store, files["html"])
            outputs = {key: _file_info(files[key], EXPORT_NAMES[key]) for key in keys}
            finished = datetime.now(UTC).isoformat(timespec="seconds")
            full = {**record, "finished": finished, "triples": triples, "validation": validation, "outputs": outputs}
            text = json.dumps(full, indent=2, ensure_ascii=False, default=str)
            files["build"].write_text(text + "\n", encoding="utf-8", errors="backslashreplace")
            store = None  # closes the store's files before its folder is moved
    finally:
        store = None  # (a traceback keeps this frame: drop the store so its folder can be removed)
        if on_disk:
            gc.collect()
    if store_path is not None and folder is not None:
        replace_folder(folder / "data", store_path)
    return targets, triples, validation
