"""Scanning sources: the files of folders, duplicates by content or name, ``DocumentRef`` and reading again.

``load_documents`` keeps every text; ``scan_documents`` keeps only the identities (``DocumentRef``)
and ``iter_documents`` reads the texts again one at a time, so a streaming build never holds every
text at once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kg.errors import DocumentError, InputError, NoDocuments, SourceNotFound
from kg.ingest.documents import MAX_DOCUMENT_CHARS, IngestResult, Note, Skipped, load_document
from kg.ingest.textclean import (
    display_path,
)
from kg.model import Document


@dataclass(frozen=True)
class _Candidate:
    path: Path
    relative: str  # the path below its source folder (the file name for a file source)


def _walk(root: Path, skipped: list[Skipped]) -> list[_Candidate]:
    """``*.txt`` files below ``root`` (not hidden, symlinked folders not followed), sorted."""

    def unreadable(exc: OSError) -> None:
        where = display_path(exc.filename or root)
        skipped.append(Skipped(where, "unreadable", f"{where}: cannot read folder: {exc.strerror or exc}"))

    found: list[Path] = []
    for folder, dirnames, filenames in os.walk(root, onerror=unreadable):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found += [Path(folder) / n for n in filenames if not n.startswith(".") and n.lower().endswith(".txt")]
    return [_Candidate(p, p.relative_to(root).as_posix()) for p in sorted(found)]


def _candidates(sources: Sequence[str | Path]) -> tuple[list[_Candidate], list[Skipped], list[str]]:
    """Expand sources into files (deduplicated by real path), skipped entries and missing sources."""
    files: list[_Candidate] = []
    skipped: list[Skipped] = []
    missing: list[str] = []
    seen: set[Path] = set()
    for source in sources:
        path = Path(source)
        shown = display_path(source)
        if not path.exists() and not path.is_symlink():
            missing.append(shown)
            skipped.append(Skipped(shown, "not-found", f"{shown}: no such file or directory"))
            continue
        if path.is_dir():
            found = _walk(path, skipped)
            if not found:
                skipped.append(Skipped(shown, "no-documents", f"{shown}: folder has no .txt files"))
        else:
            found = [_Candidate(path, display_path(path.name))]
        for candidate in found:
            try:
                real = candidate.path.resolve()
            except (OSError, RuntimeError):  # symlink loops
                real = candidate.path.absolute()
            if real not in seen:
                seen.add(real)
                files.append(candidate)
    return files, skipped, missing


@dataclass(frozen=True)
class DocumentRef:
    """A loaded document without its text: enough to order, deduplicate and record it."""

    doc_id: str
    file_name: str
    path: str
    sha256: str
    chars: int
    max_chars: int
    date: date | None = None  # the date header (not part of ``sha256``, which is the body's)


@dataclass(frozen=True)
class ScanResult:
    """The documents under some sources (in ``doc_id`` order, text not kept), skipped files, notes."""

    documents: tuple[DocumentRef, ...]
    skipped: tuple[Skipped, ...]
    notes: tuple[Note, ...] = ()


def _select(sources: Sequence[str | Path], max_chars: int, keep_text: bool):  # noqa: ANN202
    """Load every candidate once, drop duplicates; (kept [(candidate, doc)], skipped, notes)."""
    if isinstance(sources, str | Path):
        sources = [sources]
    if max_chars < 1:
        raise InputError(f"the document size limit must be at least 1 character, got {max_chars}")
    files, skipped, missing = _candidates(sources)
    notes: list[Note] = []
    loaded: list[tuple[_Candidate, Document]] = []
    problems: dict[Path, Skipped] = {}
    chars: dict[Path, int] = {}
    for candidate in files:
        try:
            doc = load_document(candidate.path, max_chars=max_chars, notes=notes)
        except DocumentError as exc:
            problems[candidate.path] = Skipped(exc.path, exc.reason, str(exc))
            continue
        if not keep_text:  # the text is read again when it is extracted: memory stays flat
            chars[candidate.path] = len(doc.text)
            doc = Document(doc.doc_id, doc.file_name, doc.path, "", doc.date, doc.sha256)
        loaded.append((candidate, doc))
    # Duplicates: the winner must not depend on the order of the sources.
    losers: dict[Path, Skipped] = {}
    by_hash: dict[str, list[tuple[_Candidate, Document]]] = {}
    for item in loaded:
        by_hash.setdefault(item[1].sha256, []).append(item)
    for group in by_hash.values():
        winner = min(group, key=lambda item: (item[1].file_name, item[0].relative, item[1].path))
        for candidate, doc in group:
            if doc is not winner[1]:
                message = f"{display_path(doc.path)}: same content as {display_path(winner[1].path)}"
                losers[candidate.path] = Skipped(display_path(doc.path), "duplicate", message)
    by_name: dict[str, list[tuple[_Candidate, Document]]] = {}
    for item in loaded:
        if item[0].path not in losers:
            by_name.setdefault(item[1].doc_id, []).append(item)  # "a.txt" and "a.TXT" are both doc "a"
    for group in by_name.values():
        winner = min(group, key=lambda item: (item[0].relative, item[1].sha256, item[1].path))
        for candidate, doc in group:
            if doc is not winner[1]:
                first = display_path(winner[1].path)
                message = f"{display_path(doc.path)}: same file name as {first} (different content)"
                losers[candidate.path] = Skipped(display_path(doc.path), "duplicate-name", message)
    kept = [(candidate, doc) for candidate, doc in loaded if candidate.path not in losers]
    skipped += [problems.get(c.path) or losers[c.path] for c in files if c.path in problems or c.path in losers]
    shown = {display_path(doc.path) for _, doc in kept}
    notes = [note for note in notes if note.path in shown]
    if not kept:
        if missing:
            raise SourceNotFound(f"{missing[0]}: no such file or directory")
        names = ", ".join(display_path(s) for s in sources) or "(no sources given)"
        detail = f" ({len(skipped)} skipped: {skipped[0].message}{', ...' if len(skipped) > 1 else ''})"
        raise NoDocuments(f"no usable documents in {names}{detail if skipped else ''}", tuple(skipped))
    return kept, skipped, notes, chars


def load_documents(sources: Sequence[str | Path], *, max_chars: int = MAX_DOCUMENT_CHARS) -> IngestResult:
    """Load every document under ``sources`` (files and folders), skipping unusable ones.

    Missing sources are skipped ("not-found") like unusable files. Raises ``SourceNotFound`` when
    no document could be loaded and a source does not exist, else ``NoDocuments`` (an
    ``InputError`` carrying the skipped entries) when no document at all could be loaded.
    """
    kept, skipped, notes, _ = _select(sources, max_chars, keep_text=True)
    return IngestResult(documents=tuple(doc for _, doc in kept), skipped=tuple(skipped), notes=tuple(notes))


def scan_documents(sources: Sequence[str | Path], *, max_chars: int = MAX_DOCUMENT_CHARS) -> ScanResult:
    """Like :func:`load_documents`, but keep only each document's identity (no text), in ``doc_id`` order.

    Read the texts one at a time with :func:`iter_documents`.
    """
    kept, skipped, notes, chars = _select(sources, max_chars, keep_text=False)
    refs = [DocumentRef(d.doc_id, d.file_name, d.path, d.sha256, chars[c.path], max_chars, d.date) for c, d in kept]
    refs.sort(key=lambda ref: (ref.doc_id, ref.sha256))
    return ScanResult(documents=tuple(refs), skipped=tuple(skipped), notes=tuple(notes))


def read_document(ref: DocumentRef) -> Document:
    """The document ``ref`` names, read again; ``DocumentError`` if the file changed since it was scanned."""
    doc = load_document(ref.path, max_chars=ref.max_chars)
    if doc.sha256 != ref.sha256 or doc.date != ref.date:
        raise DocumentError(display_path(ref.path), "the file changed while kg was building", "changed")
    return doc


def iter_documents(refs: Iterable[DocumentRef]) -> Iterator[Document]:
    """The documents of ``refs``, decoded one at a time (in the order given)."""
    for ref in refs:
        yield read_document(ref)
