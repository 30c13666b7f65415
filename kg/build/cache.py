"""The extraction cache of incremental builds (``kg build --cache``, ``--add``, ``kg remove``).

The cache is the folder ``cache/`` of a build's output folder: one JSON entry per document
(kg.build.cachefile: a format version and a content hash, checked field by field on reading), named by
the SHA-256 of (kg version, a hash of kg's extraction code and data, doc_id, file name, date
header, SHA-256 of the text), so a changed document, a renamed one, a new kg version or edited
extraction rules miss the cache and the document is extracted again. Entries are written
atomically (temp file and rename); an entry that cannot be read (corrupted, written by another
Python, or not the document it claims to be) is extracted again, never trusted. After a
successful build the entries of documents no longer in the build are removed."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from kg import __version__
from kg.build.cachefile import SUFFIX, dump_entry, load_entry
from kg.ingest import DocumentRef, read_document
from kg.model import Document, DocumentExtraction
from kg.store.files import remove_stale_temps

CACHE_FOLDER = "cache"


@lru_cache(maxsize=1)
def extractor_fingerprint() -> str:
    """SHA-256 of kg's extraction code and data (kg/extract, kg/data, kg/model.py): edited rules miss the cache."""
    root = Path(__file__).parents[1]  # the kg package
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
        return self.folder / f"{key}{SUFFIX}"

    def has(self, ref: DocumentRef) -> bool:
        return self.path(cache_key(ref)).is_file()

    def get(self, ref: DocumentRef) -> DocumentExtraction | None:
        """The cached extraction of ``ref``, or None when there is none or it cannot be trusted."""
        key = cache_key(ref)
        try:
            found = load_entry(key, self.path(key).read_bytes())  # JSON, validated: never runs code
        except Exception:  # noqa: BLE001 - a bad entry of any kind is a cache miss
            return None
        if not isinstance(found, DocumentExtraction) or found.doc_id != ref.doc_id or found.date != ref.date:
            return None
        return found

    def put(self, ref: DocumentRef | Document, extraction: DocumentExtraction) -> None:
        """Store ``extraction`` for ``ref`` (atomically; a cache that cannot be written is not an error)."""
        key = cache_key(ref)
        target = self.path(key)
        temp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(dump_entry(key, extraction))
            os.replace(temp, target)  # (no fsync: a torn entry fails to load and is extracted again)
        except Exception:  # noqa: BLE001 - the cache only saves time
            with contextlib.suppress(OSError):
                temp.unlink()

    def prune(self, keep: Iterable[DocumentRef]) -> None:
        """Remove the entries (and stale temp files, and pickles of earlier versions) of documents not in ``keep``."""
        wanted = {f"{cache_key(ref)}{SUFFIX}" for ref in keep}
        remove_stale_temps(self.folder)
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if name.endswith((SUFFIX, ".pickle")) and name not in wanted:
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
