"""The extraction cache's file format: one line of JSON per document, validated before it is trusted.

    data = dump_entry(key, extraction)     # bytes (ASCII JSON and a newline)
    extraction = load_entry(key, data)     # the same DocumentExtraction, or CacheEntryError

An entry is ``{"format": "kg-extraction-cache", "version": 1, "key": KEY, "sha256": HASH,
"extraction": {...}}``: ``KEY`` is the entry's name (``kg.build.cache.cache_key``), ``HASH`` the
SHA-256 of the canonical JSON of the ``extraction`` value, which holds the records of
``kg.model.DocumentExtraction`` field by field (dates as ISO strings, tuples as lists). Reading an
entry only parses JSON (it runs no code, unlike the pickles of earlier versions) and rebuilds the
records checking every field against the dataclasses' types: another format or version, another
key, a wrong hash, a missing, extra or mistyped field all raise ``CacheEntryError`` (the caller
then extracts the document again).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from datetime import date
from functools import cache
from typing import Any

from kg.model import DocumentExtraction

__all__ = ["FORMAT", "SUFFIX", "VERSION", "CacheEntryError", "dump_entry", "from_data", "load_entry", "to_data"]

FORMAT = "kg-extraction-cache"
VERSION = 1
SUFFIX = ".json"  # entry file names: KEY + SUFFIX


class CacheEntryError(ValueError):
    """A cache entry that is not a valid entry of this format (read as a cache miss, never shown)."""


def to_data(value: Any) -> Any:
    """A record (a frozen dataclass of kg.model) as JSON values: objects, lists, strings, numbers."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: to_data(getattr(value, name)) for name, _ in _fields(type(value))}
    if isinstance(value, tuple):
        return [to_data(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_data(data: Any, kind: Any = DocumentExtraction, where: str = "extraction") -> Any:
    """The value of type ``kind`` that ``to_data`` gave ``data`` for; CacheEntryError when it does not fit."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(kind)
        if data is None and type(None) in options:
            return None
        inner = [option for option in options if option is not type(None)]
        if len(inner) != 1:
            raise CacheEntryError(f"{where}: unsupported type {kind}")
        return from_data(data, inner[0], where)
    if origin is tuple:
        item, *rest = typing.get_args(kind)
        if rest != [Ellipsis] or not isinstance(data, list):
            raise CacheEntryError(f"{where}: expected a list")
        return tuple(from_data(value, item, f"{where}[{i}]") for i, value in enumerate(data))
    if dataclasses.is_dataclass(kind):
        fields = _fields(kind)
        if not isinstance(data, dict) or set(data) != {name for name, _ in fields}:
            raise CacheEntryError(f"{where}: expected the fields of {kind.__name__}")
        return kind(**{name: from_data(data[name], hint, f"{where}.{name}") for name, hint in fields})
    if kind is date:
        if isinstance(data, str):
            try:
                day = date.fromisoformat(data)
            except ValueError:
                day = None
            if day is not None and day.isoformat() == data:
                return day
        raise CacheEntryError(f"{where}: expected a date")
    if kind is float:
        if type(data) in (int, float):
            return data
        raise CacheEntryError(f"{where}: expected a number")
    if kind in (str, int, bool):
        if type(data) is kind:
            return data
        raise CacheEntryError(f"{where}: expected {kind.__name__}")
    raise CacheEntryError(f"{where}: unsupported type {kind}")


@cache
def _fields(cls: type) -> tuple[tuple[str, Any], ...]:
    """(name, type) of each field of dataclass ``cls``, the types resolved."""
    hints = typing.get_type_hints(cls)
    return tuple((field.name, hints[field.name]) for field in dataclasses.fields(cls))


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode()


def dump_entry(key: str, extraction: DocumentExtraction) -> bytes:
    """The bytes of the cache entry ``key`` holding ``extraction``."""
    payload = to_data(extraction)
    digest = hashlib.sha256(_canonical(payload)).hexdigest()
    entry = {"format": FORMAT, "version": VERSION, "key": key, "sha256": digest, "extraction": payload}
    return _canonical(entry) + b"\n"


def load_entry(key: str, data: bytes) -> DocumentExtraction:
    """The extraction held by the bytes ``data`` of entry ``key``; CacheEntryError unless it validates."""
    try:
        entry = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise CacheEntryError(f"not JSON: {exc}") from None
    if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("version") != VERSION:
        raise CacheEntryError(f"not a {FORMAT} entry of version {VERSION}")
    if entry.get("key") != key:
        raise CacheEntryError("the entry of another document")
    payload = entry.get("extraction")
    try:
        digest = hashlib.sha256(_canonical(payload)).hexdigest()
    except (ValueError, RecursionError) as exc:
        raise CacheEntryError(f"cannot hash the extraction: {exc}") from None
    if entry.get("sha256") != digest:
        raise CacheEntryError("the content hash does not match")
    return from_data(payload)
