"""``kg query --store``, ``--workers``/``--validate`` and the progress bar, as a user runs them.

(``kg viz --store`` and the view of a large store: tests/test_viz_store.py.)"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from kg.cli import main
from kg.query import resolve_query, run_query
from kg.store import load_graph

SEEDS = Path(__file__).parents[1] / "seeds"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    """The seeds built through the CLI with a store: (output folder, store option)."""
    root = tmp_path_factory.mktemp("cli-store")
    store = f"oxigraph:{root / 'st'}"
    assert main(["build", str(SEEDS), "-o", str(root / "out"), "--store", store, "--validate", "full"]) == 0
    return root / "out", store


def test_build_records_the_options(built):
    out, store = built
    record = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert record["options"]["store"] == store and record["options"]["workers"] == 1
    assert record["validation"]["mode"] == "full" and record["validation"]["whole_graph"] is True
    assert sorted(p.name for p in out.iterdir()) == [
        "build.json",
        "cache",
        "graph.html",
        "graph.nq",
        "graph.trig",
        "graph.ttl",
    ]


def test_query_reads_the_store(built, capsys):
    out, store = built
    assert main(["query", "presided_meetings", "--store", store, "--format", "csv"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    expected = run_query(load_graph(out / "graph.trig"), resolve_query("presided_meetings")).rows
    assert rows[0] == "name,meeting,label,date,doc,sentence"
    assert len(rows) == len(expected) + 1 and len(expected) >= 3


def test_query_store_errors_are_one_line(built, tmp_path, capsys):
    _, store = built
    assert main(["query", "people", "--store", "sqlite:x"]) == 2
    assert capsys.readouterr().err.strip() == "kg: error: sqlite:x: unknown store; use oxigraph:PATH (a folder)"
    assert main(["query", "people", "--store", f"oxigraph:{tmp_path / 'none'}"]) == 2
    assert capsys.readouterr().err.strip() == f"kg: error: {tmp_path / 'none'}: no such store"
    assert main(["query", "people", "--store", store, "--timeout", "30", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("doc,name,person,sentence\r\n")  # --timeout works with --store


def test_progress_bar_only_on_a_terminal(tmp_path, monkeypatch, capsys):
    args = ["build", str(SEEDS / "002_528626af35be6906.txt"), "-o", str(tmp_path / "a"), "--no-validate"]
    assert main(args) == 0
    assert capsys.readouterr().err == ""  # not a terminal: no bar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main([*args[:3], str(tmp_path / "b"), "--no-validate"]) == 0
    assert "extracting" in terminal.getvalue() and "1/1" in terminal.getvalue()
