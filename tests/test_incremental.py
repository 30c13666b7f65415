"""Incremental builds: ``--add``, replaced and removed documents give the graph a build from scratch
gives, and cached documents are never extracted again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import kg.extract
from kg.build import build
from kg.build.incremental import CACHE_FOLDER, add_documents, remove_documents
from kg.cli import main
from kg.errors import InputError
from kg.store import oxstore

SEEDS = Path(__file__).parents[1] / "seeds"
NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))


@pytest.fixture
def extracted(monkeypatch) -> list[str]:
    """The doc_ids kg extracts (the real extractor, counted)."""
    seen: list[str] = []
    real = kg.extract.extract_documents

    def counting(documents, *args, **kwargs):
        for document in documents:
            seen.append(document.doc_id)
            yield from real([document], *args, **kwargs)

    monkeypatch.setattr(kg.extract, "extract_documents", counting)
    return seen


def folder(root: Path, name: str, files: list[str]) -> Path:
    target = root / name
    target.mkdir()
    for file in files:
        shutil.copy(SEEDS / file, target / file)
    return target


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> dict[str, bytes]:
    """graph.nq of from-scratch builds: all seeds, and all but the first."""
    root = tmp_path_factory.mktemp("scratch")
    whole = build([SEEDS], root / "all", html=False)
    rest = build([folder(root, "rest", NAMES[1:])], root / "rest-out", html=False)
    return {"all": whole.outputs["nq"].read_bytes(), "rest": rest.outputs["nq"].read_bytes()}


def test_add_gives_the_from_scratch_graph_and_extracts_only_new_documents(tmp_path, scratch, extracted):
    first = folder(tmp_path, "first", NAMES[:3])
    second = folder(tmp_path, "second", NAMES[3:])
    build([first], tmp_path / "out", html=False, cache=True)
    assert len(list((tmp_path / "out" / CACHE_FOLDER).glob("*.json"))) == 3
    extracted.clear()
    summary = add_documents([second], tmp_path / "out")
    assert sorted(extracted) == sorted(Path(n).stem for n in NAMES[3:])  # the cached three were not extracted
    assert summary.documents == 5
    assert (tmp_path / "out" / "graph.nq").read_bytes() == scratch["all"]
    record = json.loads((tmp_path / "out" / "build.json").read_text(encoding="utf-8"))
    assert [d["doc_id"] for d in record["documents"]] == [Path(n).stem for n in NAMES]


def test_remove_gives_the_from_scratch_graph_without_extracting(tmp_path, scratch, extracted):
    build([SEEDS], tmp_path / "out", html=False, cache=True)
    extracted.clear()
    summary = remove_documents([Path(NAMES[0]).stem], tmp_path / "out")
    assert extracted == [] and summary.documents == 4
    assert (tmp_path / "out" / "graph.nq").read_bytes() == scratch["rest"]
    assert len(list((tmp_path / "out" / CACHE_FOLDER).glob("*.json"))) == 4  # the removed entry is pruned


def test_a_changed_document_replaces_its_own_assertions(tmp_path, extracted):
    docs = folder(tmp_path, "docs", NAMES[:2])
    build([docs], tmp_path / "out", html=False, cache=True)
    changed = tmp_path / "changed"
    changed.mkdir()
    text = (SEEDS / NAMES[1]).read_text(encoding="utf-8")
    cut = text[: len(text) // 2].rsplit(".", 1)[0] + ".\n"  # the same document, shorter
    (changed / NAMES[1]).write_text(cut, encoding="utf-8")
    extracted.clear()
    add_documents([changed / NAMES[1]], tmp_path / "out")
    assert extracted == [Path(NAMES[1]).stem]
    (docs / NAMES[1]).write_text(cut, encoding="utf-8")
    scratch = build([docs], tmp_path / "scratch", html=False)
    assert (tmp_path / "out" / "graph.nq").read_bytes() == scratch.outputs["nq"].read_bytes()


def test_bad_and_stale_cache_entries_are_extracted_again(tmp_path, extracted, monkeypatch):
    docs = folder(tmp_path, "docs", NAMES[:2])
    first = build([docs], tmp_path / "out", html=False, cache=True).outputs["nq"].read_bytes()
    entries = sorted((tmp_path / "out" / CACHE_FOLDER).glob("*.json"))
    entries[0].write_bytes(b"not an entry")
    entries[1].write_bytes(entries[1].read_bytes()[:50])  # cut short
    extracted.clear()
    again = build([docs], tmp_path / "out", html=False, cache=True)
    assert sorted(extracted) == sorted(Path(n).stem for n in NAMES[:2])
    assert again.outputs["nq"].read_bytes() == first
    extracted.clear()
    build([docs], tmp_path / "out", html=False, cache=True)
    assert extracted == []  # the entries were rewritten
    monkeypatch.setattr("kg.build.cache.__version__", "999.0")  # a new kg version misses the cache
    build([docs], tmp_path / "out", html=False, cache=True)
    assert len(extracted) == 2


def test_unknown_document_and_missing_build_are_clear_errors(tmp_path):
    build([SEEDS / NAMES[0], SEEDS / NAMES[1]], tmp_path / "out", html=False, validate="off", cache=True)
    ids = ", ".join(Path(n).stem for n in NAMES[:2])
    with pytest.raises(InputError, match=rf"^nope: no such document in .*out; known: {ids}$"):
        remove_documents(["nope"], tmp_path / "out")
    with pytest.raises(InputError, match=r"build.json: no build here to change"):
        add_documents([SEEDS], tmp_path / "elsewhere")


def test_cli_add_and_remove_update_the_store(tmp_path, capsys):
    store = f"oxigraph:{tmp_path / 'st'}"
    first = folder(tmp_path, "first", NAMES[:2])
    assert main(["build", str(first), "-o", str(tmp_path / "out"), "--store", store]) == 0
    assert main(["build", "--add", str(SEEDS / NAMES[2]), "-o", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "Built 3 documents" in out
    ox = oxstore.open_store(tmp_path / "st", read_only=True)  # the recorded store was updated too
    assert len(ox) == len((tmp_path / "out" / "graph.nq").read_bytes().splitlines())
    del ox
    assert main(["remove", NAMES[0], "-o", str(tmp_path / "out")]) == 0
    assert "Built 2 documents" in capsys.readouterr().out
    assert main(["remove", "missing-doc", "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kg: error: missing-doc: no such document in ") and "known: " in err


def test_add_and_remove_work_from_another_folder_than_the_first_build(tmp_path, scratch, monkeypatch, extracted):
    first_home, second_home = tmp_path / "a", tmp_path / "b"
    first_home.mkdir()
    second_home.mkdir()
    folder(first_home, "first", NAMES[:3])
    folder(second_home, "second", NAMES[3:])
    store = second_home / "st"
    monkeypatch.chdir(first_home)  # the first build, with paths relative to a/
    assert main(["build", "first", "-o", "out", "--store", "oxigraph:../b/st", "--no-validate"]) == 0
    for entry in (first_home / "out" / CACHE_FOLDER).glob("*.json"):
        entry.unlink()  # the old documents must be read again: from their files
    monkeypatch.chdir(second_home)  # --add from b/, DOCS and -o relative to b/
    extracted.clear()
    assert main(["build", "--add", "second", "-o", "../a/out"]) == 0
    assert sorted(extracted) == sorted(Path(n).stem for n in NAMES)
    assert (first_home / "out" / "graph.nq").read_bytes() == scratch["all"]
    assert len(oxstore.open_store(store, read_only=True)) == len(scratch["all"].splitlines())  # the recorded store
    record = json.loads((first_home / "out" / "build.json").read_text(encoding="utf-8"))
    assert all(Path(d["path"]).is_absolute() and Path(d["path"]).is_file() for d in record["documents"])
    assert record["options"]["store"] == f"oxigraph:{store}"
    monkeypatch.chdir(tmp_path)  # remove by a path relative to yet another folder
    assert main(["remove", f"a/first/{NAMES[0]}", "-o", "a/out"]) == 0
    assert (first_home / "out" / "graph.nq").read_bytes() == scratch["rest"]
