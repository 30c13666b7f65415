"""Reading and cleaning source files into ``kg.model.Document`` values (the first stage of a build).

Modules: ``documents`` (one file: decoding, header, HTML, truncation -> ``Document``),
``sources`` (scanning files and folders, duplicates, ``DocumentRef``, reading again) and
``textclean`` (decoding bytes, control characters, HTML to text). Every public name is
importable from ``kg.ingest``.
"""

from __future__ import annotations

from kg.ingest.documents import (
    MAX_DOCUMENT_CHARS,
    MAX_FILE_BYTES,
    IngestResult,
    Note,
    Skipped,
    clean_text,
    count_reasons,
    decode_bytes,
    decode_text,
    display_path,
    html_to_text,
    load_document,
    looks_like_html,
    split_header,
    truncate,
)
from kg.ingest.sources import DocumentRef, ScanResult, iter_documents, load_documents, read_document, scan_documents

__all__ = [
    "MAX_DOCUMENT_CHARS",
    "MAX_FILE_BYTES",
    "DocumentRef",
    "IngestResult",
    "Note",
    "ScanResult",
    "Skipped",
    "clean_text",
    "count_reasons",
    "decode_bytes",
    "decode_text",
    "display_path",
    "html_to_text",
    "iter_documents",
    "load_document",
    "load_documents",
    "looks_like_html",
    "read_document",
    "scan_documents",
    "split_header",
    "truncate",
]
