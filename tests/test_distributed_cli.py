"""The distributed path as a user runs it: ``kg build --scheduler local`` writes N-Quads shards,
``oxigraph load`` bulk-loads them, ``oxigraph serve`` answers, ``kg query --endpoint`` asks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.build.distributed import load_shards, oxigraph_server
from kg.cli import main
from kg.synthetic import write_corpus

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def dask_build(tmp_path_factory) -> Path:
    """Six synthetic articles (invented officials) built on a local Dask cluster."""
    root = tmp_path_factory.mktemp("dask-cli")
    write_corpus(root / "articles", 6, seed=3)
    assert main(["build", str(root / "articles"), "-o", str(root / "out"), "--scheduler", "local"]) == 0
    return root / "out"


def _lines(path: Path) -> set[str]:
    return {line for line in path.read_text(encoding="utf-8").splitlines() if line}


def test_shards_hold_exactly_the_graph(dask_build):
    shards = sorted((dask_build / "shards").glob("part-*.nq"))
    assert len(shards) >= 2  # entity descriptions, then facts
    union = set().union(*(_lines(shard) for shard in shards))
    assert union == _lines(dask_build / "graph.nq")
    record = json.loads((dask_build / "build.json").read_text(encoding="utf-8"))
    assert record["options"]["scheduler"] == "local" and len(record["documents"]) == 6


@pytest.mark.parametrize("name", ["presided_meetings", "people", "participants"])
def test_endpoint_answers_like_the_graph_file(dask_build, tmp_path, capsys, name):
    load_shards(tmp_path / "db", sorted((dask_build / "shards").glob("part-*.nq")))
    with oxigraph_server(tmp_path / "db") as url:
        assert main(["query", "--endpoint", url, name, "--format", "csv"]) == 0
        remote = capsys.readouterr().out
    assert main(["query", "--graph", str(dask_build / "graph.trig"), name, "--format", "csv"]) == 0
    local = capsys.readouterr().out
    header, *rows = remote.splitlines()
    assert header == local.splitlines()[0]
    assert len(rows) > 0 and sorted(rows) == sorted(local.splitlines()[1:])


def test_endpoint_errors_are_one_line(dask_build, capsys):
    from kg.build.distributed import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    assert main(["query", "--endpoint", url, "people"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("kg: error: ") and url in err and "\n" not in err
    assert main(["query", "--endpoint", url, "--store", "oxigraph:x", "people"]) == 2  # argparse: not both
