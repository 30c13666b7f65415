"""The real pipeline over the repository's seeds/: build once, then check what a user would."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import BuildSummary, build
from kg.query import load_graph, resolve_query, run_query

SEEDS = Path(__file__).parents[1] / "seeds"
ID = "https://w3id.org/kg/id/"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[BuildSummary, Path]:
    out = tmp_path_factory.mktemp("exports")
    return build([SEEDS], out), out


def records(sparql: str, graph: Path) -> list[dict[str, str | None]]:
    result = run_query(load_graph(graph), sparql)
    return [dict(zip(result.vars, row, strict=True)) for row in result.rows]


def test_exports_exist(built):
    summary, out = built
    for name in ("graph.trig", "graph.ttl", "graph.html", "graph.nq"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert summary.documents == len(list(SEEDS.glob("*.txt")))
    assert summary.skipped == ()
    assert summary.facts.get("presided", 0) >= 1


def test_built_graph_validates(built):
    from kg.validate import validate_file

    validate_file(built[1] / "graph.trig")


def test_people_query_finds_a_person_of_a_document(built):
    rows = records(resolve_query("people"), built[1] / "graph.trig")
    people_of_002 = {row["name"] for row in rows if row["doc"] == f"{ID}doc/002_528626af35be6906"}
    assert "Hao Peng" in people_of_002


def test_presided_query_quotes_the_sentence(built):
    rows = records(resolve_query("presided_meetings"), built[1] / "graph.trig")
    assert any("presided" in (row["sentence"] or "") for row in rows)
    assert any(row["name"] == "Hao Peng" for row in rows)


def test_html_shows_people(built):
    page = (built[1] / "graph.html").read_text(encoding="utf-8")
    assert "Hao Peng" in page


def test_second_build_gives_identical_nquads(built, tmp_path):
    again = build([SEEDS], tmp_path / "again", validate=False)
    assert again.outputs["nq"].read_bytes() == (built[1] / "graph.nq").read_bytes()
