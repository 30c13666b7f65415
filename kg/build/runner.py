"""The whole pipeline: ingest -> extract -> resolve -> RDF mapping -> store -> validate -> exports.

A build streams: ``kg.ingest.scan_documents`` lists the documents without keeping their texts,
which are read again one at a time in ``doc_id`` order and extracted (``kg.build.parallel`` with several
workers or a Dask scheduler, else ``kg.extract`` in this process; ``kg.build.cache`` serves cached
extractions); the resolved corpus goes to ``kg.build.publish``, which maps it part by part into an
Oxigraph store, validates the whole graph (``kg.store.validate.validate_store``) and writes the exports
from the store.

The graph depends only on the set of documents: they are extracted in ``doc_id`` order, whatever
the order of the sources, and nothing in the graph records when or where it was built. That goes
to ``build.json`` (time, kg version, options, documents, counts, skipped files, notes, what was
validated, outputs' SHA-256), written atomically with the exports. Its paths (documents, store,
aliases) are absolute, so ``kg build --add`` and ``kg remove`` work from any folder.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kg import __version__
from kg.build.validation import VALIDATION_MODES, validation_mode
from kg.errors import BuildInterrupted, InputError, StrictFailure
from kg.ingest import (
    MAX_DOCUMENT_CHARS,
    Note,
    ScanResult,
    Skipped,
    count_reasons,
    display_path,
    iter_documents,
    scan_documents,
)
from kg.model import FACT_KINDS, Document, DocumentExtraction
from kg.store.files import BUILD_RECORD, remove_folder

__all__ = ["VALIDATION_MODES", "BuildSummary", "build", "build_documents", "format_summary"]

ENTITY_KINDS = ("people", "organizations", "posts", "meetings", "initiatives", "places")


@dataclass(frozen=True)
class BuildSummary:
    """What a build did: counts, timing and the files written."""

    documents: int
    skipped: tuple[Skipped, ...]
    facts: dict[str, int]  # fact kind -> number of facts
    entities: dict[str, int]  # "people", "organizations", ... -> number
    triples: int
    seconds: float
    outputs: dict[str, Path]  # "trig", "ttl", "nq", "html" -> path
    notes: tuple[Note, ...] = ()  # what cleaning did (legacy encodings, HTML, truncation)
    record: Path | None = None  # build.json
    validation: dict[str, object] | None = None  # what was validated (``kg.store.validate.validate_store``'s summary)


def _strict_check(skipped: Sequence[Skipped], notes: Sequence[Note]) -> None:
    truncated = tuple(note for note in notes if note.kind == "truncated")
    if not skipped and not truncated:
        return
    parts = []
    if skipped:
        reasons = ", ".join(f"{n} {reason}" for reason, n in count_reasons(skipped).items())
        parts.append(f"{len(skipped)} skipped ({reasons})")
    if truncated:
        parts.append(f"{len(truncated)} truncated")
    raise StrictFailure(f"--strict: {' and '.join(parts)}; nothing was written", tuple(skipped), truncated)


ProgressCallback = Callable[[int, int], None]  # (documents extracted so far, documents in all)
STORE_SCHEME = "oxigraph:"


def parse_store(spec: str | Path | None) -> Path | None:
    """The folder of a ``--store oxigraph:PATH`` option (None stays None); InputError for other stores."""
    if spec is None:
        return None
    text = str(spec)
    if not text.startswith(STORE_SCHEME) or not text[len(STORE_SCHEME) :]:
        raise InputError(f"{text}: unknown store; use oxigraph:PATH (a folder)")
    return Path(text[len(STORE_SCHEME) :])


def absolute_path(path: str | Path) -> str:
    """``path`` made absolute (against the current folder), as build.json records it: a later
    ``kg build --add`` or ``kg remove`` finds the files from whatever folder it runs in."""
    return display_path(os.path.abspath(path))


def check_store_folder(path: Path) -> None:
    """InputError unless ``path`` is free for a new store: missing, an empty folder, or an Oxigraph store.

    (A build replaces the whole folder: it must never be a folder of other files.)
    """
    if not path.exists() and not path.is_symlink():
        return
    if not path.is_dir() or path.is_symlink():
        raise InputError(f"{display_path(path)}: not a folder; the store needs a folder of its own")
    names = {entry.name for entry in path.iterdir()}
    if names and not {"CURRENT", "IDENTITY"} <= names:
        raise InputError(f"{display_path(path)}: not an Oxigraph store (and not empty); choose another folder")


def _extractor(documents: Iterable[Document], workers: int, scheduler: str | None, max_chars: int, total: int):  # noqa: ANN202
    """One process: kg.extract.extract_documents (the model holding at most ``max_chars`` characters
    at once); more workers or a scheduler: kg.build.parallel.extract_parallel (``total`` documents)."""
    if workers > 1 or scheduler is not None:
        from kg.build.parallel import extract_parallel

        return extract_parallel(documents, workers=workers, scheduler=scheduler, batch_size=32, total=total)
    from kg.extract import extract_documents  # lazily: loads spaCy

    return extract_documents(documents, max_chars=max_chars)


def _counted(items: Iterable[DocumentExtraction], total: int, progress: ProgressCallback | None):  # noqa: ANN202
    done = 0
    if progress is not None:
        progress(0, total)
    for item in items:
        done += 1
        if progress is not None:
            progress(done, total)
        yield item


def build(
    sources: Sequence[str | Path],
    out_dir: str | Path,
    *,
    validate: bool | str = True,
    html: bool = True,
    aliases: str | Path | None = None,
    strict: bool = False,
    max_chars: int = MAX_DOCUMENT_CHARS,
    store: str | Path | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    cache: bool = False,
    force: bool = False,
) -> BuildSummary:
    """Build the graph of the documents under ``sources`` and write its exports to ``out_dir``.

    Documents are read one at a time in ``doc_id`` order and extracted (``workers`` processes, or
    a Dask ``scheduler``); the resolved corpus is mapped part by part into an Oxigraph store, and
    the exports are written from the store. ``store`` (``"oxigraph:PATH"``) keeps the store in
    folder PATH (replaced as a whole, atomically); without it the store lives in memory, or for a
    large corpus in a temporary folder of ``out_dir``, and is dropped afterwards. ``validate`` is one
    of ``VALIDATION_MODES``: "off" (or False) checks nothing, any other (True means "auto") the
    whole graph. ``progress(done, total)`` is called as
    documents are extracted. ``cache`` keeps each document's extraction in ``out_dir/cache`` (see
    ``kg.build.cache``), so a later build (or ``--add``) does not extract it again.

    Unusable files are skipped (see ``kg.ingest``); with ``strict`` a skipped file or a truncated
    document raises ``StrictFailure`` before anything is written. Raises ``ValidationError``
    (before writing anything) when the graph violates the shapes, and ``BuildInterrupted`` on
    Ctrl-C; in all these cases previous exports (and the previous store) stay as they were.
    ``out_dir`` must be new, empty or a previous build (``kg.store.outfolder``) unless ``force``.
    """
    started = time.perf_counter()
    from kg.store.outfolder import check_out_folder

    check_out_folder(out_dir, force=force)
    if isinstance(sources, str | Path):
        sources = [sources]
    if workers > 1 and scheduler is None and not (cache and (Path(out_dir) / "cache").is_dir()):
        from kg.build.parallel import prestart

        prestart()  # the workers' fork server imports spaCy while the files are scanned
    try:
        scan = scan_documents(sources, max_chars=max_chars)
        if strict:
            _strict_check(scan.skipped, scan.notes)
    except KeyboardInterrupt:
        raise BuildInterrupted(f"build interrupted; nothing was written to {display_path(out_dir)}") from None
    options = {"strict": strict, "max_chars": max_chars}
    return build_documents(
        scan,
        [display_path(s) for s in sources],
        out_dir,
        validate=validate,
        html=html,
        aliases=aliases,
        store=store,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        cache=cache,
        options=options,
        started=started,
    )


def build_documents(
    scan: ScanResult,
    sources: Sequence[str],
    out_dir: str | Path,
    *,
    validate: bool | str = True,
    html: bool = True,
    aliases: str | Path | None = None,
    store: str | Path | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    cache: bool = False,
    options: dict[str, object] | None = None,
    started: float | None = None,
) -> BuildSummary:
    """Build the graph of the documents ``scan`` lists (see :func:`build`); ``sources`` go to build.json.

    ``options`` are recorded in build.json; ``started`` (a ``time.perf_counter()``) is when the build began.
    """
    started = time.perf_counter() if started is None else started
    started_at = datetime.now(UTC)
    mode = validation_mode(validate)
    store_path = parse_store(store)
    if store_path is not None:
        check_store_folder(store_path)
    out = Path(out_dir)
    temps: list[Path] = []
    refs = scan.documents
    try:
        from kg.resolve import load_aliases, resolve

        alias_table = load_aliases(aliases)
        max_chars = max((ref.max_chars for ref in refs), default=MAX_DOCUMENT_CHARS)
        if cache:
            from kg.build.cache import ExtractionCache, cached_extractions

            extracted = cached_extractions(
                refs, ExtractionCache(out), lambda docs, n: _extractor(docs, workers, scheduler, max_chars, n)
            )
        else:
            extracted = _extractor(iter_documents(refs), workers, scheduler, max_chars, len(refs))
        corpus = resolve(_counted(extracted, len(refs), progress), alias_table)
        if scheduler is not None:
            from kg.build.distributed import write_shards

            write_shards(corpus, out / "shards", scheduler)
        entities = {kind: len(getattr(corpus, kind)) for kind in ENTITY_KINDS}
        facts = dict(sorted(Counter(f.kind for f in corpus.facts).items(), key=lambda kv: _kind_order(kv[0])))
        record = {
            "kg_version": __version__,
            "started": started_at.isoformat(timespec="seconds"),
            "sources": list(sources),
            "options": {
                "validate": mode,
                "html": html,
                **(options or {}),
                "aliases": absolute_path(aliases) if aliases else None,
                "store": f"{STORE_SCHEME}{absolute_path(store_path)}" if store_path else None,
                "workers": workers,
                "scheduler": scheduler,
                "cache": cache,
            },
            "documents": [
                {
                    "doc_id": d.doc_id,
                    "path": absolute_path(d.path),
                    "sha256": d.sha256,
                    "chars": d.chars,
                    "date": d.date.isoformat() if d.date else None,
                    "file_name": d.file_name,
                }
                for d in refs
            ],
            "skipped": [{"path": s.path, "reason": s.reason, "message": s.message} for s in scan.skipped],
            "skipped_by_reason": count_reasons(scan.skipped),
            "notes": [{"path": n.path, "kind": n.kind, "message": n.message} for n in scan.notes],
            "entities": entities,
            "facts": facts,
        }
        from kg.build.publish import write_store_and_exports

        outputs, triples, validation = write_store_and_exports(corpus, out, store_path, mode, html, record, temps)
        if cache:
            ExtractionCache(out).prune(refs)
    except KeyboardInterrupt:
        raise BuildInterrupted(f"build interrupted; nothing was written to {display_path(out_dir)}") from None
    finally:
        for temp in temps:
            remove_folder(temp)
    return BuildSummary(
        documents=len(refs),
        skipped=scan.skipped,
        facts=facts,
        entities=entities,
        triples=triples,
        seconds=time.perf_counter() - started,
        outputs=outputs,
        notes=scan.notes,
        record=out / BUILD_RECORD,
        validation=validation,
    )


def _kind_order(kind: str) -> tuple[int, str]:
    return (FACT_KINDS.index(kind) if kind in FACT_KINDS else len(FACT_KINDS), kind)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "none"


def format_summary(summary: BuildSummary) -> str:
    """A few human-readable lines describing ``summary``."""
    skipped = f", {len(summary.skipped)} skipped" if summary.skipped else ""
    lines = [
        f"Built {summary.documents} document{'s' if summary.documents != 1 else ''}{skipped} "
        f"in {summary.seconds:.1f}s: {summary.triples} triples",
    ]
    if summary.skipped:
        lines.append(f"Skipped: {_counts(count_reasons(summary.skipped))}")
    if summary.notes:
        kinds = dict(sorted(Counter(n.kind for n in summary.notes).items()))
        cleaned = len({n.path for n in summary.notes})
        lines.append(f"Cleaned: {_counts(kinds)} ({cleaned} document{'s' if cleaned != 1 else ''})")
    lines += [
        f"Entities: {_counts(summary.entities)}",
        f"Facts: {_counts(summary.facts)} ({sum(summary.facts.values())} in all)",
        f"Wrote: {', '.join(str(path) for path in summary.outputs.values())}"
        + (f" (record: {summary.record})" if summary.record else ""),
    ]
    return "\n".join(lines)


def format_skipped(skipped: Sequence[Skipped]) -> list[str]:
    """One line per skipped file: ``skipped (reason): message``."""
    return [f"skipped ({item.reason}): {item.message}" for item in skipped]


def format_notes(notes: Sequence[Note]) -> list[str]:
    """One line per cleaning note: ``note (kind): message``."""
    return [f"note ({note.kind}): {note.message}" for note in notes]
