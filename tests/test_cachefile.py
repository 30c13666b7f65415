"""The extraction cache is data (kg.build.cachefile): records round-trip exactly, bad entries are ignored, nothing runs.

A copied build folder may hold crafted cache entries: a pickle (the format of earlier versions) that
runs code when loaded, garbage, or a JSON entry edited by hand. A build ignores them all, extracts
those documents again, and writes the graph a cold build writes, byte for byte.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
import shutil
import types
import typing
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.build import build
from kg.build.cachefile import CacheEntryError, _fields, dump_entry, from_data, load_entry, to_data
from kg.build.incremental import CACHE_FOLDER, cache_key
from kg.extract import extract_documents
from kg.ingest import load_documents, scan_documents
from kg.model import DocumentExtraction, Evidence, PersonMention
from kg.synthetic import generate
from tests.test_incremental import extracted  # noqa: F401 - the fixture: the doc_ids kg extracts

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))
KEY = "0" * 64

# any code point, lone surrogates included (a document decoded with errors kept them)
TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=()), max_size=12)


def strategy(hint: typing.Any) -> st.SearchStrategy:
    """Values of any field type of kg.model's records, by the dataclasses' own type hints."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(st.none() if a is type(None) else strategy(a) for a in typing.get_args(hint)))
    if origin is tuple:
        return st.lists(strategy(typing.get_args(hint)[0]), max_size=3).map(tuple)
    if dataclasses.is_dataclass(hint):
        return st.builds(hint, **{name: strategy(h) for name, h in _fields(hint)})
    return {
        str: TEXT,
        int: st.integers(min_value=-(2**70), max_value=2**70),
        float: st.floats(allow_nan=False, allow_infinity=False) | st.integers(-5, 5),
        bool: st.booleans(),
        date: st.dates(),
    }[hint]


@settings(max_examples=150, deadline=None)
@given(strategy(DocumentExtraction))
def test_every_record_round_trips_exactly(extraction: DocumentExtraction) -> None:
    data = dump_entry(KEY, extraction)
    back = load_entry(KEY, data)
    assert back == extraction
    assert dump_entry(KEY, back) == data  # the same types too (an int stays an int, a float a float)
    assert data.isascii() and data.endswith(b"\n") and data.count(b"\n") == 1


def test_real_extractions_round_trip() -> None:
    documents = [*load_documents([SEEDS]).documents, *generate(3, seed=11)]
    extractions = list(extract_documents(documents))
    assert sum(len(ex.posts) + len(ex.meetings) + len(ex.initiatives) for ex in extractions) > 20
    for ex in extractions:
        assert load_entry(KEY, dump_entry(KEY, ex)) == ex


class Boom:
    """A pickle that writes a file when it is loaded (what a crafted cache entry could do)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # noqa: ANN204
        return (exec, (f"open({str(self.marker)!r}, 'w').write('ran')",))


def _entry(extraction: DocumentExtraction) -> dict:
    return json.loads(dump_entry(KEY, extraction))


def _rehash(entry: dict) -> bytes:
    """The entry with its hash made right again (so that only the field check can reject it)."""
    payload = json.dumps(entry["extraction"], sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    entry["sha256"] = hashlib.sha256(payload.encode()).hexdigest()
    return json.dumps(entry).encode()


def test_entries_that_do_not_validate_are_refused(tmp_path: Path) -> None:
    ev = Evidence("d", 0, 5, "Hello", 0, 5, "Hello")
    ex = DocumentExtraction("d", "d.txt", date(2023, 2, 17), None, "ab" * 32, people=(PersonMention("Li", ev),))
    marker = tmp_path / "ran"
    good = dump_entry(KEY, ex)
    assert load_entry(KEY, good) == ex

    def bad(data: bytes, match: str) -> None:
        with pytest.raises(CacheEntryError, match=match):
            load_entry(KEY, data)

    bad(pickle.dumps(Boom(marker)), "not JSON")
    bad(b"\x00garbage", "not JSON")
    bad(good[: len(good) // 2], "not JSON")
    bad(b"[" * 100000, "not JSON")
    bad(good.replace(b'"version":1', b'"version":2'), "version")
    with pytest.raises(CacheEntryError, match="another document"):
        load_entry("1" * 64, good)
    bad(good.replace(b'"surface":"Li"', b'"surface":"Wu"'), "hash does not match")
    entry = _entry(ex)
    entry["extraction"]["people"][0]["surface"] = 7
    bad(_rehash(entry), r"people\[0\]\.surface: expected str")
    entry = _entry(ex)
    entry["extraction"]["date"] = "2023-02-30"
    bad(_rehash(entry), "date: expected a date")
    entry = _entry(ex)
    entry["extraction"]["people"][0]["evidence"]["start"] = True
    bad(_rehash(entry), "start: expected int")
    entry = _entry(ex)
    entry["extraction"]["people"][0]["extra"] = 1
    bad(_rehash(entry), "expected the fields of PersonMention")
    entry = _entry(ex)
    del entry["extraction"]["posts"]
    bad(_rehash(entry), "expected the fields of DocumentExtraction")
    assert not marker.exists()
    assert from_data(to_data(ex)) == ex


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("graph.*"))}


def test_crafted_and_tampered_entries_are_ignored_and_nothing_runs(tmp_path: Path, extracted: list[str]) -> None:  # noqa: F811
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in NAMES[:3]:
        shutil.copy(SEEDS / name, docs / name)
    out = tmp_path / "out"
    build([docs], out, cache=True)
    cold = _outputs(out)
    assert set(cold) >= {"graph.trig", "graph.ttl", "graph.nq"}
    refs = scan_documents([docs]).documents
    keys = [cache_key(ref) for ref in refs]
    folder = out / CACHE_FOLDER
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{k}.json" for k in keys)

    marker = tmp_path / "ran"
    crafted = pickle.dumps(Boom(marker))
    (folder / f"{keys[0]}.pickle").write_bytes(crafted)  # where earlier versions looked
    (folder / f"{keys[0]}.json").write_bytes(crafted)
    tampered = (folder / f"{keys[1]}.json").read_bytes().replace(b'"surface":"', b'"surface":"X', 1)
    (folder / f"{keys[1]}.json").write_bytes(tampered)
    (folder / f"{keys[2]}.json").write_bytes((folder / f"{keys[1]}.json").read_bytes())  # another document's entry

    extracted.clear()
    build([docs], out, cache=True)
    assert not marker.exists()
    assert sorted(extracted) == sorted(ref.doc_id for ref in refs)  # all three were extracted again
    assert _outputs(out) == cold
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{k}.json" for k in keys)  # the pickle is gone

    extracted.clear()
    build([docs], out, cache=True)  # warm: the rewritten entries are good
    assert extracted == []
    assert _outputs(out) == cold


def test_a_warm_build_writes_what_a_cold_build_writes(tmp_path: Path, extracted: list[str]) -> None:  # noqa: F811
    cold = build([SEEDS], tmp_path / "cold", cache=False)
    assert not (tmp_path / "cold" / CACHE_FOLDER).exists()
    build([SEEDS], tmp_path / "warm", cache=True)
    extracted.clear()
    warm = build([SEEDS], tmp_path / "warm", cache=True)
    assert extracted == []
    assert warm.outputs.keys() == cold.outputs.keys()
    for kind, path in cold.outputs.items():
        assert warm.outputs[kind].read_bytes() == path.read_bytes(), kind
