"""`kg build --out DIR` never replaces files of a folder that is not a kg build, unless --force."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cli import main
from kg.errors import InputError
from kg.store.outfolder import check_out_folder

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
ONE = str(sorted(SEEDS.glob("*.txt"))[0])


def test_a_users_graph_is_not_replaced_without_force(tmp_path: Path, capsys) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "graph.ttl").write_text("# my own graph\n", encoding="utf-8")
    (mine / "notes.txt").write_text("notes\n", encoding="utf-8")
    assert main(["build", ONE, "--out", str(mine), "--no-validate"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"kg: error: {mine}: not a kg build folder (no build.json) and it holds graph.ttl, ")
    assert "which a build would replace" in err and "--force" in err
    assert (mine / "graph.ttl").read_text(encoding="utf-8") == "# my own graph\n"
    assert sorted(p.name for p in mine.iterdir()) == ["graph.ttl", "notes.txt"]

    assert main(["build", ONE, "--out", str(mine), "--no-validate", "--force"]) == 0
    assert (mine / "graph.ttl").read_text(encoding="utf-8").startswith("@prefix")
    assert (mine / "build.json").is_file() and (mine / "notes.txt").is_file()
    capsys.readouterr()
    assert main(["build", ONE, "--out", str(mine), "--no-validate"]) == 0  # now a kg build: rebuilt in place


def test_which_folders_are_refused(tmp_path: Path) -> None:
    check_out_folder(tmp_path / "new")  # a new folder
    (tmp_path / "empty").mkdir()
    check_out_folder(tmp_path / "empty")
    exports = tmp_path / "exports"
    (exports / "cache").mkdir(parents=True)  # an interrupted first build left its cache
    (exports / ".gitkeep").write_text("", encoding="utf-8")
    check_out_folder(exports)
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(7):
        (docs / f"{i}.txt").write_text("text\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"docs: not a kg build folder .* holds 0.txt, 1.txt, 2.txt, 3.txt, 4.txt and 2 more;"
    ):
        check_out_folder(docs)
    check_out_folder(docs, force=True)
    (docs / "build.json").write_text("{}", encoding="utf-8")
    check_out_folder(docs)  # a previous build's folder
