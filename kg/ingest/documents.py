"""Load source articles into ``kg.model.Document`` values.

A source is a file or a folder (searched recursively for ``*.txt``, case-insensitively, in sorted
order; hidden files and folders and symbolic links to folders are not followed). A document is a
text file that may start with a header `` date YYYY-MM-DD`` followed by one space and the body.

The stored text (``Document.text``) is the cleaned body, and every offset kg produces points into
it. Cleaning, in this order:

1. decoding (:func:`decode_bytes`): a byte-order mark decides (UTF-8/16/32); else strict UTF-8;
   else a charset declared in the file (``<meta charset=...>``, ``<?xml encoding=...?>``); else
   UTF-8 with a few bad bytes replaced by U+FFFD when the rest is clearly UTF-8; else GB18030 when
   it decodes and the text is Chinese (GB2312 characters); else cp1252; else Latin-1. Files with
   NUL bytes or many control characters are binary and skipped;
2. a leading BOM is dropped, CRLF and lone CR become LF, U+2028/U+2029 become LF, and other
   control characters (except tab and LF) become spaces;
3. the date header is split off;
4. a body that is HTML (:func:`looks_like_html`) becomes plain text (:func:`html_to_text`: tags
   dropped, entities decoded, script/style/title dropped, paragraph breaks kept as blank lines);
5. a body longer than ``max_chars`` (default :data:`MAX_DOCUMENT_CHARS`) is cut at the last
   paragraph, line or sentence break before the limit. At most :data:`MAX_FILE_BYTES` of a file
   are read.

Steps 1, 2 and 4 live in ``kg.ingest.textclean`` (re-exported here). Steps 1 (other than UTF-8), 2
(control characters), 4 and 5 are reported as ``Note`` entries.
Unusable files do not stop the run: they are reported as ``Skipped`` entries with a short
``reason``: "empty", "binary", "bad-date", "bad-header", "duplicate", "duplicate-name",
"unreadable", "not-a-file", "not-found", "no-documents" (and "changed": a file that changed
between :func:`scan_documents` and :func:`read_document`).

:func:`load_documents` returns the documents with their texts; :func:`scan_documents` keeps only
their identities (``DocumentRef``) and :func:`iter_documents` reads the texts again one at a time,
so a streaming build never holds every text at once.

Which of two files with the same content (or the same name) is kept does not depend on the order
of the sources: the one with the smaller file name (or relative path, then content hash) wins.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kg.errors import DocumentError
from kg.ingest.textclean import (
    check_not_binary,
    clean_text,
    decode_bytes,
    decode_text,
    display_path,
    html_to_text,
    looks_like_html,
)
from kg.model import Document

MAX_DOCUMENT_CHARS = 100_000
"""Longest stored text (characters). Extraction takes about 14 s and 450 MB for 100,000 characters of
news prose; a long news article is 5,000-30,000 characters. Longer bodies are truncated, with a note."""
MAX_FILE_BYTES = 16 * 1024 * 1024
"""At most this many bytes of a file are read (more than enough for MAX_DOCUMENT_CHARS of text)."""

# " date 2023-02-17 body..." — a header is "date" followed by something that starts with a digit.
_HEADER = re.compile(r"[ \t]*date[ \t]+(?P<token>\d\S*)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Skipped:
    """A file (or folder) that was not loaded, with a short ``reason`` and a one-line message."""

    path: str
    reason: str
    message: str


@dataclass(frozen=True)
class Note:
    """Something done to a loaded document: ``kind`` is "decoded", "controls", "html" or "truncated"."""

    path: str
    kind: str
    message: str


@dataclass(frozen=True)
class IngestResult:
    """The loaded documents (in source order), the files that were skipped, and cleaning notes."""

    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...]
    notes: tuple[Note, ...] = ()


# ---------------------------------------------------------------- header, size


def split_header(text: str, path: str | Path) -> tuple[date | None, str]:
    """Split the optional `` date YYYY-MM-DD `` header off ``text``; return (date, body).

    The body starts right after the date and the one whitespace character that follows it.
    Raises ``DocumentError`` ("bad-header" or "bad-date") when the header is malformed.
    """
    match = _HEADER.match(text)
    if match is None:
        return None, text
    token = match.group("token")
    shown = display_path(path)
    if not _ISO_DATE.fullmatch(token):
        token = token[:40] + ("..." if len(token) > 40 else "")
        raise DocumentError(shown, f"malformed date header 'date {token}' (expected ' date YYYY-MM-DD')", "bad-header")
    try:
        parsed = date.fromisoformat(token)
    except ValueError:
        raise DocumentError(shown, f"impossible date '{token}' in the date header", "bad-date") from None
    end = match.end()
    if end < len(text) and text[end] in " \t\n":
        end += 1
    return parsed, text[end:]


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at the last paragraph, line, sentence or word break."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    floor = limit * 3 // 4  # do not give up more than a quarter of the allowance for a nicer break
    for pattern in (r"\n\s*\n", r"\n", r"[.!?。！？][\"'”’)]*\s", r"\s"):
        ends = [m.end() for m in re.finditer(pattern, head[floor:])]
        if ends:
            return head[: floor + ends[-1]].rstrip()
    return head


def _read(path: Path) -> tuple[bytes, int]:
    """Up to MAX_FILE_BYTES of a regular file, and the file's size. Raises ``DocumentError``."""
    shown = display_path(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "a special file (FIFO, socket or device)"
            raise DocumentError(shown, f"not a regular file: {what}", "not-a-file")
        with open(path, "rb") as handle:
            return handle.read(MAX_FILE_BYTES), info.st_size
    except FileNotFoundError:
        problem = "broken symbolic link" if os.path.islink(path) else "file disappeared while reading"
        raise DocumentError(shown, f"cannot read: {problem}", "unreadable") from None
    except OSError as exc:
        raise DocumentError(shown, f"cannot read: {exc.strerror or exc}", "unreadable") from None


def _name(path: Path) -> str:
    """The file name as text (undecodable bytes as U+FFFD, controls escaped), so identifiers are valid Unicode."""
    return display_path(path.name)


def load_document(
    path: str | Path, *, max_chars: int = MAX_DOCUMENT_CHARS, notes: list[Note] | None = None
) -> Document:
    """Read, decode and clean one document file. Raises ``DocumentError`` when it is unusable.

    What cleaning did (legacy encoding, HTML, control characters, truncation) is appended to ``notes``.
    """
    path = Path(path)
    shown = display_path(path)
    found: list[Note] = []
    raw, size = _read(path)
    partial = size > len(raw)
    text, how = decode_bytes(raw, path, partial=partial)
    check_not_binary(text, path)
    if how:
        found.append(Note(shown, "decoded", f"{shown}: {how}"))
    text, controls = clean_text(text)
    if controls:
        found.append(Note(shown, "controls", f"{shown}: {controls} control character(s) replaced by spaces"))
    if not text.strip():
        raise DocumentError(shown, "empty document", "empty")
    doc_date, body = split_header(text, path)
    if not body.strip():
        raise DocumentError(shown, "empty document (only a date header)", "empty")
    if looks_like_html(body):
        body = html_to_text(body)
        if not body:
            raise DocumentError(shown, "empty document (no text outside the HTML markup)", "empty")
        found.append(Note(shown, "html", f"{shown}: HTML markup converted to plain text"))
    if partial or len(body) > max_chars:
        length = f"{size:,} bytes long" if partial else f"{len(body):,} characters long"
        body = truncate(body, max_chars)
        message = f"{shown}: document is {length}; kept the first {len(body):,} characters (limit {max_chars:,})"
        found.append(Note(shown, "truncated", message))
    name = _name(path)
    doc = Document(
        doc_id=name[:-4] if name.lower().endswith(".txt") else name,
        file_name=name,
        path=str(path),
        text=body,
        date=doc_date,
        sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
    )
    if notes is not None:
        notes.extend(found)
    return doc


# ---------------------------------------------------------------- sources


def count_reasons(skipped: Sequence[Skipped]) -> dict[str, int]:
    """Number of skipped entries per reason, most frequent first (ties by name)."""
    counts = Counter(item.reason for item in skipped)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


__all__ = [
    "MAX_DOCUMENT_CHARS",
    "MAX_FILE_BYTES",
    "IngestResult",
    "Note",
    "Skipped",
    "clean_text",
    "count_reasons",
    "decode_bytes",
    "decode_text",
    "display_path",
    "html_to_text",
    "load_document",
    "looks_like_html",
    "split_header",
    "truncate",
]
