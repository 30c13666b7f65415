"""The documented example of every named query with parameters (its header's default) finds rows on the seeds."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kg.cli import main
from kg.query.named import read_header

QUERIES = Path(__file__).resolve().parents[1] / "kg" / "queries"

WITH_PARAMS = sorted(p.stem for p in QUERIES.glob("*.rq") if read_header(p.read_text(encoding="utf-8")).params)


def test_there_are_queries_with_parameters() -> None:
    assert {"person_meetings", "initiatives_in_region", "post_holders_as_of"} <= set(WITH_PARAMS)


@pytest.mark.parametrize("name", WITH_PARAMS)
def test_the_default_parameters_find_rows_on_the_seeds(seeds_build, capsys, name: str) -> None:
    assert main(["query", name, "--graph", str(seeds_build[1] / "graph.trig"), "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) >= 2, f"{name}: the example in its header finds nothing on the seeds"


def test_list_shows_the_person_meetings_example(capsys) -> None:
    assert main(["query", "--list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("person_meetings"))
    assert line.endswith('[person_name="Zhou Bo"]')
