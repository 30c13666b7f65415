"""Incremental builds: an extraction cache, ``kg build --add`` and ``kg remove``.

The cache is the folder ``cache/`` of a build's output folder: one pickle per document, named by
the SHA-256 of (kg version, a hash of kg's extraction code and data, doc_id, file name, date
header, SHA-256 of the text), so a changed document, a renamed one, a new kg version or edited
extraction rules miss the cache and the document is extracted again. Entries are written
atomically (temp file and rename); an entry that cannot be read (corrupted, written by another
Python, or not the document it claims to be) is extracted again, never trusted. After a
successful build the entries of documents no longer in the build are removed.

``add_documents`` and ``remove_documents`` start from the documents a build's ``build.json``
lists, take new documents in or drop some, and rebuild everything after extraction (resolution
across documents, the store, the exports) from cached and new extractions: the result is the
graph a build from scratch of the same documents gives, byte for byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path

from kg import __version__
from kg.errors import InputError
from kg.ingest import DocumentRef, ScanResult, display_path, read_document, scan_documents
from kg.model import Document, DocumentExtraction
from kg.store import BUILD_RECORD, remove_stale_temps

CACHE_FOLDER = "cache"
_LIST_LIMIT = 20  # an unknown document id lists the known ones up to this many, else counts them


@lru_cache(maxsize=1)
def extractor_fingerprint() -> str:
    """SHA-256 of kg's extraction code and data (kg/extract, kg/data, kg/model.py): edited rules miss the cache."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    files = [root / "model.py", *sorted((root / "extract").glob("*.py")), *sorted((root / "data").iterdir())]
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_key(ref: DocumentRef | Document) -> str:
    """The cache entry name of a document: changes with kg's version, its extraction code and data,
    and everything extraction reads of the document."""
    raw = "\0".join([__version__, extractor_fingerprint(), ref.doc_id, ref.file_name, str(ref.date), ref.sha256])
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class ExtractionCache:
    """The extraction cache of output folder ``out``."""

    def __init__(self, out: str | Path) -> None:
        self.folder = Path(out) / CACHE_FOLDER

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.pickle"

    def has(self, ref: DocumentRef) -> bool:
        return self.path(cache_key(ref)).is_file()

    def get(self, ref: DocumentRef) -> DocumentExtraction | None:
        """The cached extraction of ``ref``, or None when there is none or it cannot be trusted."""
        try:
            with open(self.path(cache_key(ref)), "rb") as handle:
                found = pickle.load(handle)  # noqa: S301 - kg's own cache, in the user's output folder
        except Exception:  # noqa: BLE001 - a bad entry of any kind is a cache miss
            return None
        if not isinstance(found, DocumentExtraction) or found.doc_id != ref.doc_id or found.date != ref.date:
            return None
        return found

    def put(self, ref: DocumentRef | Document, extraction: DocumentExtraction) -> None:
        """Store ``extraction`` for ``ref`` (atomically; a cache that cannot be written is not an error)."""
        target = self.path(cache_key(ref))
        temp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(pickle.dumps(extraction, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temp, target)  # (no fsync: a torn entry fails to load and is extracted again)
        except Exception:  # noqa: BLE001 - the cache only saves time
            with contextlib.suppress(OSError):
                temp.unlink()

    def prune(self, keep: Iterable[DocumentRef]) -> None:
        """Remove the entries (and stale temp files) of documents not in ``keep``."""
        wanted = {f"{cache_key(ref)}.pickle" for ref in keep}
        remove_stale_temps(self.folder)
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if name.endswith(".pickle") and name not in wanted:
                try:
                    (self.folder / name).unlink()
                except OSError:
                    pass


Extractor = Callable[[Iterable[Document], int], Iterator[DocumentExtraction]]  # (documents, how many)


def cached_extractions(
    refs: Sequence[DocumentRef], cache: ExtractionCache, extract: Extractor
) -> Iterator[DocumentExtraction]:
    """The extraction of every document of ``refs``, in order: from ``cache`` when it holds it, else by
    ``extract`` (which receives only the documents to extract, in order, and their number, and yields
    in that order)."""
    hits = [cache.has(ref) for ref in refs]
    fresh = extract((read_document(ref) for ref, hit in zip(refs, hits, strict=True) if not hit), hits.count(False))
    for ref, hit in zip(refs, hits, strict=True):
        found = cache.get(ref) if hit else None
        if found is None:
            if hit:  # a bad entry: extract this document alone
                found = next(iter(extract([read_document(ref)], 1)))
            else:
                found = next(fresh)
            cache.put(ref, found)
        yield found


# ---------------------------------------------------------------- --add and remove


def read_record(out: str | Path) -> dict:
    """The ``build.json`` of output folder ``out``; InputError when there is no usable one."""
    path = Path(out) / BUILD_RECORD
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{display_path(path)}: no build here to change (build it first with kg build)") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{display_path(path)}: cannot read the build record: {exc}") from None
    if not isinstance(record, dict) or not isinstance(record.get("documents"), list):
        raise InputError(f"{display_path(path)}: not a kg build record (no document list)")
    return record


def recorded_documents(record: dict, out: str | Path) -> list[DocumentRef]:
    """The documents a build record lists (as DocumentRef; their texts are read only when needed)."""
    max_chars = int(record.get("options", {}).get("max_chars") or 0)
    refs = []
    for entry in record["documents"]:
        try:
            day = date.fromisoformat(entry["date"]) if entry.get("date") else None
            name = entry.get("file_name") or f"{entry['doc_id']}.txt"
            refs.append(
                DocumentRef(entry["doc_id"], name, entry["path"], entry["sha256"], int(entry["chars"]), max_chars, day)
            )
        except (KeyError, TypeError, ValueError) as exc:
            where = display_path(Path(out) / BUILD_RECORD)
            raise InputError(f"{where}: a document entry is malformed ({exc!r})") from None
    return refs


def merge_documents(old: Sequence[DocumentRef], new: Sequence[DocumentRef]) -> list[DocumentRef]:
    """``old`` with ``new`` added: a new document replaces an old one with the same doc_id; of two with
    the same text the one with the smaller file name stays (as a build from scratch decides)."""
    by_id = {ref.doc_id: ref for ref in old}
    by_id.update({ref.doc_id: ref for ref in new})
    by_text: dict[str, DocumentRef] = {}
    for ref in sorted(by_id.values(), key=lambda r: (r.file_name, r.doc_id)):
        by_text.setdefault(ref.sha256, ref)
    return sorted(by_text.values(), key=lambda r: (r.doc_id, r.sha256))


def _options(record: dict) -> dict:
    """The options of the previous build that a changed build keeps (unless given again)."""
    options = record.get("options", {})
    kept = {key: options[key] for key in ("validate", "html", "aliases", "store") if options.get(key) is not None}
    if kept.get("validate") == "sample":  # a build of an earlier version: sampling is gone, the whole graph is checked
        kept["validate"] = "auto"
    return kept


def add_documents(sources: Sequence[str | Path], out_dir: str | Path, **kwargs: object):  # noqa: ANN201
    """Add the documents under ``sources`` to the build in ``out_dir`` (see the module docstring).

    ``kwargs`` go to ``kg.build.build_documents`` (store, workers, progress ...); options of the
    previous build (validation mode, html, aliases) are kept unless given. Returns a BuildSummary.
    """
    from kg.build import build_documents

    record = read_record(out_dir)
    old = recorded_documents(record, out_dir)
    max_chars = int(record.get("options", {}).get("max_chars") or 0) or None
    scan = scan_documents(sources, **({"max_chars": max_chars} if max_chars else {}))
    refs = merge_documents(old, scan.documents)
    merged = ScanResult(tuple(refs), scan.skipped, scan.notes)
    shown = list(dict.fromkeys([*record.get("sources", []), *(display_path(s) for s in sources)]))
    options = {**_options(record), **{k: v for k, v in kwargs.items() if v is not None}}
    extra = {"max_chars": max_chars, "strict": False} if max_chars else {"strict": False}
    return build_documents(merged, shown, out_dir, cache=True, options=extra, **options)


def _names(wanted: str, ref: DocumentRef) -> bool:
    """Whether ``wanted`` (a doc_id, file name, or path from the current folder) names the document ``ref``."""
    if wanted in (ref.doc_id, ref.file_name, display_path(ref.path)):
        return True
    if os.path.abspath(wanted) == os.path.abspath(ref.path):  # (also a file deleted since)
        return True
    try:
        return os.path.exists(wanted) and Path(wanted).resolve() == Path(ref.path).resolve()
    except OSError:
        return False


def remove_documents(documents: Sequence[str], out_dir: str | Path, **kwargs: object):  # noqa: ANN201
    """Drop documents (by doc_id, file name or path) from the build in ``out_dir`` and rebuild it.

    Raises ``InputError`` naming an unknown document (and listing the known ids, or counting them).
    """
    from kg.build import build_documents

    record = read_record(out_dir)
    old = recorded_documents(record, out_dir)
    drop: set[str] = set()
    for wanted in documents:
        matches = {ref.doc_id for ref in old if _names(wanted, ref)}
        if not matches:
            ids = sorted(ref.doc_id for ref in old)
            known = ", ".join(ids) if len(ids) <= _LIST_LIMIT else f"{len(ids)} documents (see {BUILD_RECORD})"
            raise InputError(f"{wanted}: no such document in {display_path(out_dir)}; known: {known}")
        drop |= matches
    refs = [ref for ref in old if ref.doc_id not in drop]
    if not refs:
        raise InputError(f"removing {len(drop)} document(s) would leave {display_path(out_dir)} empty")
    max_chars = int(record.get("options", {}).get("max_chars") or 0)
    extra = {"max_chars": max_chars, "strict": False} if max_chars else {"strict": False}
    options = {**_options(record), **{k: v for k, v in kwargs.items() if v is not None}}
    scan = ScanResult(tuple(refs), (), ())
    return build_documents(scan, record.get("sources", []), out_dir, cache=True, options=extra, **options)
