"""Outside a kg checkout the defaults (seeds/, exports/graph.trig) are missing: the error says what to pass."""

from __future__ import annotations

import pytest

from kg.cli import main


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["build"], "no folder 'seeds' here (the default): pass the folder of your text files, e.g. kg build DOCS"),
        (["query", "people"], "no exports/graph.trig here (the default graph): build one with kg build DOCS"),
        (["viz"], "or pass --graph FILE (or --store oxigraph:PATH)"),
        (["validate"], "or pass the graph file: kg validate FILE"),
        (["export", "--format", "gexf"], "no exports/graph.trig here (the default graph)"),
    ],
)
def test_missing_defaults_say_what_to_pass(tmp_path, monkeypatch, capsys, argv, expected) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kg: error: ") and expected in err
    assert "no such file" not in err


def test_a_missing_source_that_was_named_is_reported_as_it_is(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["build", "seeds/"]) == 2
    assert capsys.readouterr().err == "kg: error: seeds/: no such file or directory\n"
