"""``kg eval`` scores like the gold set's own scorer (../shared/gold/score.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kg.cli import main
from kg.evaluate import evaluate_graph, format_scores, norm, similar, title_head
from tests.shared_gold import GOLD, SCORER, needs_shared

QUERIES = Path(__file__).resolve().parents[1] / "kg" / "queries"


def reference_table(graph: Path, gold: Path, show_errors: bool) -> str:
    args = [sys.executable, str(SCORER), "--graph", str(graph), "--queries", str(QUERIES), "--gold", str(gold)]
    out = subprocess.run(args + (["--show-errors"] if show_errors else []), capture_output=True, text=True, check=True)
    return out.stdout.strip()


@needs_shared
def test_kg_eval_prints_the_reference_scorers_table(seeds_build):
    graph = seeds_build[1] / "graph.trig"
    gold = GOLD
    for show_errors in (False, True):
        assert format_scores(evaluate_graph(graph, gold), show_errors) == reference_table(graph, gold, show_errors)


@needs_shared
def test_kg_eval_counts_misses_and_false_hits(seeds_build, tmp_path):
    """A gold file with one person the graph lacks and none it has: recall and precision both drop."""
    gold = tmp_path / "gold"
    gold.mkdir()
    real = sorted(GOLD.glob("*.json"))[0]
    text = real.read_text(encoding="utf-8").replace('"people": [', '"people": ["Nobody Here", ', 1)
    (gold / real.name).write_text(text, encoding="utf-8")
    graph = seeds_build[1] / "graph.trig"
    mine = format_scores(evaluate_graph(graph, gold), True)
    assert mine == reference_table(graph, gold, True)
    assert "missed nobody here" in mine


def test_matching_rules():
    assert norm("The “Belt and Road”") == "belt and road"
    assert similar("Action Plan for Green Development in Hubei", ["Action Plan for Green Development"]) == 0.95
    assert similar("modern industrial systems with Hubei characteristics", ["modern industrial system"]) < 0.6
    assert similar("CPC Hubei Provincial Committee", ["CPC Hubei Provincial Committee"]) == 1.0
    assert title_head("Executive Vice Governor") == "vice governor"
    assert title_head("Party Secretary") == "secretary"


def test_eval_command_reports_a_bad_gold_folder(tmp_path, capsys):
    assert main(["eval", "--gold", str(tmp_path), str(tmp_path)]) == 2
    assert "no gold *.json files" in capsys.readouterr().err
