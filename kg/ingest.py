"""Load source articles into ``kg.model.Document`` values.

A source is a file or a folder (searched recursively for ``*.txt``, in sorted order). A document
is a UTF-8 text file that may start with a header `` date YYYY-MM-DD`` followed by one space and
the body. The stored text is the file's text without that header, decoded, with a leading BOM
removed and CRLF turned into LF; every offset kg produces points into it.

Unusable files do not stop the run: they are reported as ``Skipped`` entries with a short
``reason`` ("empty", "not-utf8", "binary", "bad-date", "bad-header", "duplicate",
"duplicate-name", "unreadable", "no-documents").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kg.errors import DocumentError, InputError, SourceNotFound
from kg.model import Document

# " date 2023-02-17 body..." — a header is "date" followed by something that starts with a digit.
_HEADER = re.compile(r"[ \t]*date[ \t]+(?P<token>\d\S*)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BOM = "\ufeff"


@dataclass(frozen=True)
class Skipped:
    """A file (or folder) that was not loaded, with a short ``reason`` and a one-line message."""

    path: str
    reason: str
    message: str


@dataclass(frozen=True)
class IngestResult:
    """The loaded documents (in source order) and the files that were skipped."""

    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...]


def decode_text(raw: bytes, path: str | Path) -> str:
    """Decode a document's bytes: reject binary data, strip a UTF-8 BOM, turn CRLF into LF.

    Raises ``DocumentError`` with reason "binary" or "not-utf8".
    """
    if b"\x00" in raw:
        raise DocumentError(str(path), "binary file (contains NUL bytes), not a text document", "binary")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            str(path), f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})", "not-utf8"
        ) from None
    if text.startswith(_BOM):
        text = text[len(_BOM) :]
    return text.replace("\r\n", "\n")


def split_header(text: str, path: str | Path) -> tuple[date | None, str]:
    """Split the optional `` date YYYY-MM-DD `` header off ``text``; return (date, body).

    The body starts right after the date and the one whitespace character that follows it.
    Raises ``DocumentError`` ("bad-header" or "bad-date") when the header is malformed.
    """
    match = _HEADER.match(text)
    if match is None:
        return None, text
    token = match.group("token")
    if not _ISO_DATE.fullmatch(token):
        raise DocumentError(
            str(path), f"malformed date header 'date {token}' (expected ' date YYYY-MM-DD')", "bad-header"
        )
    try:
        parsed = date.fromisoformat(token)
    except ValueError:
        raise DocumentError(str(path), f"impossible date '{token}' in the date header", "bad-date") from None
    end = match.end()
    if end < len(text) and text[end] in " \t\n":
        end += 1
    return parsed, text[end:]


def load_document(path: str | Path) -> Document:
    """Read one document file. Raises ``DocumentError`` when it is unusable."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(str(path), f"cannot read: {exc.strerror or exc}", "unreadable") from None
    text = decode_text(raw, path)
    if not text.strip():
        raise DocumentError(str(path), "empty document", "empty")
    doc_date, body = split_header(text, path)
    if not body.strip():
        raise DocumentError(str(path), "empty document (only a date header)", "empty")
    return Document(
        doc_id=path.name.removesuffix(".txt"),
        file_name=path.name,
        path=str(path),
        text=body,
        date=doc_date,
        sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
    )


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _candidates(sources: Sequence[str | Path]) -> tuple[list[Path], list[Skipped]]:
    """Expand sources into document files (deduplicated by real path) and empty-folder entries."""
    files: list[Path] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    for source in sources:
        path = Path(source)
        if not path.exists():
            raise SourceNotFound(f"{source}: no such file or directory")
        if path.is_dir():
            found = [p for p in sorted(path.rglob("*.txt")) if p.is_file() and not _is_hidden(p, path)]
            if not found:
                skipped.append(Skipped(str(source), "no-documents", f"{source}: folder has no .txt files"))
        else:
            found = [path]
        for file in found:
            real = file.resolve()
            if real not in seen:
                seen.add(real)
                files.append(file)
    return files, skipped


def load_documents(sources: Sequence[str | Path]) -> IngestResult:
    """Load every document under ``sources`` (files and folders), skipping unusable ones.

    Raises ``SourceNotFound`` for a path that does not exist and ``InputError`` when no
    document at all could be loaded.
    """
    if isinstance(sources, str | Path):
        sources = [sources]
    files, skipped = _candidates(sources)
    documents: list[Document] = []
    by_hash: dict[str, Document] = {}
    by_name: dict[str, Document] = {}
    for file in files:
        try:
            doc = load_document(file)
        except DocumentError as exc:
            skipped.append(Skipped(exc.path, exc.reason, str(exc)))
            continue
        if doc.sha256 in by_hash:
            first = by_hash[doc.sha256].path
            skipped.append(Skipped(doc.path, "duplicate", f"{doc.path}: same content as {first}"))
            continue
        if doc.file_name in by_name:
            first = by_name[doc.file_name].path
            message = f"{doc.path}: same file name as {first} (different content)"
            skipped.append(Skipped(doc.path, "duplicate-name", message))
            continue
        by_hash[doc.sha256] = doc
        by_name[doc.file_name] = doc
        documents.append(doc)
    if not documents:
        names = ", ".join(str(s) for s in sources) or "(no sources given)"
        detail = f" ({len(skipped)} skipped: {skipped[0].message}{', ...' if len(skipped) > 1 else ''})"
        raise InputError(f"no usable documents in {names}{detail if skipped else ''}")
    return IngestResult(documents=tuple(documents), skipped=tuple(skipped))
