"""The last stage of a build: corpus -> Oxigraph store -> validation -> exports, all or nothing.

The corpus is mapped part by part (``kg.rdf.mapping.corpus_parts``, pyoxigraph quads) and
bulk-loaded into a new store: in memory for a corpus of up to ``MEMORY_STORE_FACTS`` facts without
``--store``, else on disk in a temporary folder beside its final place. The whole graph is
validated (``kg.store.validate.validate_store``); the exports are written (``kg.rdf.dump``: sorted
N-Quads, TriG and Turtle) and graph.html drawn from the store, to temporary files; only then are
the exports renamed into place and the new store swapped in for the old one
(``kg.store.replace_folder``). A failure or Ctrl-C at any point before leaves the previous
exports and store as they were.

In memory, the exports and graph.html are written by a forked child process while this one
validates (on POSIX, when no other thread runs): the child sees the store as it was at the fork,
and the two use both cores. (Writing the exports in a thread beside validation and graph.html was
tried: Python's lock made it slower, not faster.) On disk, the mapping also writes the graph as
N-Quads text while it loads the store, and an export process (``kg.build.exportproc``, a new
interpreter sharing neither memory nor the store) sorts that text into the exports while this one
loads and validates; graph.html is drawn from the store after validation. Without fork or that
process, the steps run one after the other.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.build.exportproc import MEMORY, ExportProcess
from kg.build.validation import validate_build
from kg.errors import ExportError, KgError
from kg.model import Corpus
from kg.rdf.dump import write_exports, write_exports_from_lines
from kg.rdf.mapping import ENTITIES, PROVENANCE, corpus_parts
from kg.signals import hold, release
from kg.store.files import (
    BUILD_RECORD,
    EXPORT_NAMES,
    _file_info,
    atomic_outputs,
    fsync_file,
    replace_folder,
    temp_folder,
)

STORE_FOLDER = "store"  # the temporary store's name inside the output folder
MEMORY_STORE_FACTS = 60_000  # up to this many facts (about 1.8 M quads, 700 MB) the store is in memory
LOAD_BATCH = 200_000  # quads handed to Oxigraph's bulk loader at once


def load_corpus(
    store: ox.Store,
    corpus: Corpus,
    *,
    version: str | None = None,
    on_disk: bool = False,
    text: BinaryIO | None = None,
    written: Callable[[int], None] | None = None,
) -> int:
    """Map ``corpus`` part by part into ``store``; return the quads added.

    An in-memory store takes each part as it comes; a store ``on_disk`` gets bulk loads of about
    ``LOAD_BATCH`` quads. With ``text`` (a binary file) every part is also written there as N-Quads,
    and ``written(offset)`` is called each time the file is complete up to ``offset`` (before the
    bulk load of those quads). Python's cyclic garbage collector is paused meanwhile: the mapping
    makes millions of objects and no cycles, and each collection would walk the whole heap (the corpus).
    """
    count = 0
    batch: list[ox.Quad] = []
    enabled = gc.isenabled()
    gc.disable()

    def load(quads: list[ox.Quad]) -> None:
        if text is not None:
            text.flush()
            if written is not None:
                written(text.tell())
        store.bulk_extend(quads) if on_disk else store.extend(quads)

    try:
        for _, quads in corpus_parts(corpus, version=version):
            if text is not None:
                ox.serialize(quads, text, ox.RdfFormat.N_QUADS)
            if not on_disk and text is None:
                store.extend(quads)
                count += len(quads)
                continue
            batch += quads
            if len(batch) >= LOAD_BATCH:
                load(batch)
                count += len(batch)
                batch = []
        if batch or text is not None:
            load(batch)
    finally:
        if enabled:
            gc.enable()
    store.flush()
    return count + len(batch)


class _Child:
    """``work()`` run in a forked child process; ``result()`` waits for it and returns its value.

    An exception in the child is raised again here (as ``ExportError`` when it cannot travel);
    ``stop()`` kills the child if it still runs. The child never returns to the caller's code: it
    leaves by ``os._exit``, without running exit handlers or flushing this process's buffers.
    """

    def __init__(self, work: Callable[[], object]) -> None:
        read, write = os.pipe()
        gc.freeze()  # the child's and this process's collections leave the shared pages alone
        # Ctrl-C and SIGTERM wait until the fork is done: arriving inside os.fork's at-fork handlers
        # (logging's lock release), the handler's KeyboardInterrupt would be lost, and the build go on.
        held = hold()
        try:
            self.pid = os.fork()
        except OSError:
            release(held)
            gc.unfreeze()
            os.close(read)
            os.close(write)
            raise
        if self.pid == 0:  # pragma: no cover - runs in the child (its coverage is not collected)
            os.close(read)
            gc.disable()
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child; the parent reports it
            release(held)
            code = 0
            try:
                payload = pickle.dumps((True, work()))
            except BaseException as exc:  # noqa: BLE001 - sent to the parent
                code = 1
                try:
                    payload = pickle.dumps((False, exc))
                except Exception:  # noqa: BLE001 - an exception that cannot be pickled
                    payload = pickle.dumps((False, ExportError(f"{type(exc).__name__}: {exc}")))
            try:
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(payload)
            finally:
                os._exit(code)
        os.close(write)
        self._read = read
        self._done = False
        try:
            release(held)  # a signal held during the fork is raised here
        except BaseException:
            self.stop()
            raise

    def result(self) -> object:
        with os.fdopen(self._read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self._done = True
        gc.unfreeze()
        if not data:
            raise ExportError(f"the process writing the exports died (wait status {status})")
        ok, value = pickle.loads(data)  # noqa: S301 - our own child's answer
        if ok:
            return value
        if isinstance(value, KgError | OSError | KeyboardInterrupt):
            raise value
        raise ExportError(f"writing the exports failed: {type(value).__name__}: {value}")

    def stop(self) -> None:
        if self._done:
            return
        self._done = True
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        finally:
            try:
                os.close(self._read)
            except OSError:
                pass
            gc.unfreeze()


def _can_fork(on_disk: bool) -> bool:
    """Fork only an in-memory store, on POSIX, with no other Python thread running (nothing locked)."""
    return not on_disk and hasattr(os, "fork") and threading.active_count() == 1


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
    keys = [key for key in EXPORT_NAMES if html or key != "html"]
    targets = {key: out / EXPORT_NAMES[key] for key in keys}
    try:
        work = temp_folder(out / "work", temps)
        with atomic_outputs({**targets, "build": out / BUILD_RECORD}) as files:
            if on_disk:
                triples, validation, outputs = _on_disk(store, corpus, files, keys, mode, html, work)
            else:
                triples, validation, outputs = _in_memory(store, corpus, files, keys, mode, html, work)
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


def _lines(path: Path) -> Iterator[bytes]:
    with open(path, "rb", buffering=1 << 20) as handle:
        yield from handle


def _html(store: ox.Store, path: Path) -> None:
    from kg.viz.fromstore import render_store

    render_store(store, path)


def _in_memory(
    store: ox.Store, corpus: Corpus, files: dict[str, Path], keys: list[str], mode: str, html: bool, work: Path
) -> tuple[int, dict[str, object], dict[str, object]]:
    """Load an in-memory store; validate it while a forked child writes the exports and graph.html."""
    quads = load_corpus(store, corpus)

    def exports() -> tuple[int, dict[str, object]]:
        triples = write_exports(
            store, files["nq"], files["trig"], files["ttl"], skip_graph=PROVENANCE.value,
            work=work, quads=quads, large_graphs=(ENTITIES.value,),
        )  # fmt: skip
        if html:
            _html(store, files["html"])
        for key in keys:
            fsync_file(files[key])
        return triples, {key: _file_info(files[key], EXPORT_NAMES[key]) for key in keys}

    child = None
    if _can_fork(False):
        try:
            child = _Child(exports)
        except OSError:  # (no memory for a fork: write them here, after validation)
            child = None
    try:
        validation = validate_build(store, mode)
        triples, outputs = child.result() if child is not None else exports()  # type: ignore[misc]
    finally:
        if child is not None:
            child.stop()
    return triples, validation, outputs


def _on_disk(
    store: ox.Store, corpus: Corpus, files: dict[str, Path], keys: list[str], mode: str, html: bool, work: Path
) -> tuple[int, dict[str, object], dict[str, object]]:
    """Load an on-disk store, writing the graph's N-Quads text as it goes, which an ``ExportProcess``
    sorts into the exports meanwhile; validate the store, then draw graph.html from it."""
    raw = work / "raw.nq"
    exported = {key: files[key] for key in ("nq", "trig", "ttl")}
    options = {"skip_graph": PROVENANCE.value, "large_graphs": (ENTITIES.value,)}
    process: ExportProcess | None = None
    try:
        try:
            process = ExportProcess(raw, exported, work / "export", **options)
        except OSError:  # (no process to be had: the exports are written here, after validation)
            process = None
        with open(raw, "wb", buffering=1 << 20) as text:
            load_corpus(store, corpus, on_disk=True, text=text, written=process.written if process else None)
        if process is not None:
            process.finish()  # (it sorts and writes the exports while this process validates)
        validation = validate_build(store, mode)
        if html:
            _html(store, files["html"])
            fsync_file(files["html"])
        if process is not None:
            triples, outputs = process.result()
        else:
            triples = write_exports_from_lines(_lines(raw), **exported, work=work / "export", memory=MEMORY, **options)  # type: ignore[arg-type]
            outputs = {key: _file_info(path, EXPORT_NAMES[key]) for key, path in exported.items()}
    finally:
        if process is not None:
            process.stop()
    if html:
        outputs["html"] = _file_info(files["html"], EXPORT_NAMES["html"])
    return triples, validation, {key: outputs[key] for key in keys}
