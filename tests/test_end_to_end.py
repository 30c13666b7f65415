"""The real pipeline over the repository's seeds/: build once, then check what a user would."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import BuildSummary, build
from kg.query import load_graph, resolve_query, run_query

SEEDS = Path(__file__).parents[1] / "seeds"
ID = "https://w3id.org/kg/id/"


@pytest.fixture(scope="module")
def built(seeds_build) -> tuple[BuildSummary, Path]:
    return seeds_build


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
    from kg.store.validate import validate_file

    validate_file(built[1] / "graph.trig")


def test_people_query_finds_the_people_named_in_each_document(built):
    rows = records(resolve_query("people"), built[1] / "graph.trig")
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        names = {row["name"] for row in rows if row["doc"] == f"{ID}doc/{path.stem}"}
        for name in names:  # every person found is written in the document (capitalisation aside)
            assert name.split()[0] in text and name.split()[-1].lower() in text.lower(), (path.name, name)
    assert len({row["name"] for row in rows}) >= 5


def test_presided_query_quotes_the_sentence(built):
    rows = records(resolve_query("presided_meetings"), built[1] / "graph.trig")
    assert rows
    for row in rows:
        assert "presided" in row["sentence"] or "chaired" in row["sentence"] or "hosted" in row["sentence"].lower()
        assert row["name"].split()[-1] in row["sentence"]


def test_html_shows_people(built):
    page = (built[1] / "graph.html").read_text(encoding="utf-8")
    people = {row["name"] for row in records(resolve_query("people"), built[1] / "graph.trig")}
    assert people and all(name in page for name in people)


def test_second_build_gives_identical_nquads(built, tmp_path):
    again = build([SEEDS], tmp_path / "again", validate=False)
    assert again.outputs["nq"].read_bytes() == (built[1] / "graph.nq").read_bytes()
