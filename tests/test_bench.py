"""kg.bench: the harness runs on a few articles and writes well-formed Markdown tables (no figures asserted)."""

from __future__ import annotations

import re

import pytest

from kg import __version__
from kg.bench import QUERIES, Report, percentile, render, run, write_report
from kg.bench.measure import run_command

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _tables(text: str) -> list[list[str]]:
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def _cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def assert_well_formed(text: str) -> int:
    tables = _tables(text)
    for table in tables:
        width = len(_cells(table[0]))
        assert width >= 2
        assert all(re.fullmatch(r"-{3,}", c) for c in _cells(table[1])), table[1]
        for line in table:
            assert len(_cells(line)) == width, line
        assert len(table) >= 3  # a header, the separator and at least one row
    return len(tables)


def test_the_harness_runs_every_part_and_writes_a_section(tmp_path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nAnalysis written by hand.\n", encoding="utf-8")
    report = run(6, seed=1, out=out, runs=1, budget=5, validate="off", workdir=tmp_path / "work", log=lambda _: None)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nAnalysis written by hand.\n")
    assert "## N = 6 articles (seed 1)" in text
    assert re.search(r"machine: \d+ cores, [\d.]+ GiB memory", text)
    assert f"kg {__version__}" in text
    titles = [title for title, *_ in report.sections]
    assert titles == [
        "Build: time and peak memory",
        "Extraction throughput",
        "Planted facts found (sanity check on generated text)",
        "Export throughput",
        "Named queries: latency",
    ]
    assert assert_well_formed(text) == len(titles)
    build, extraction, _, export, queries = _tables(text)
    assert _cells(build[0])[0] == "command" and len(build) == 3, build  # the build ran (no failure row)
    assert re.fullmatch(r"[\d,]+", _cells(build[2])[4])  # a peak RSS of the process tree was measured
    assert [_cells(line)[0].split(" (")[0] for line in extraction[2:]] == ["raw `nlp.pipe`", "kg `extract_documents`"]
    assert len(export) == 2 + 4  # TriG and N-Quads from rdflib and Oxigraph
    assert [_cells(line)[0] for line in queries[2:]] == [f"`{q}`" for q in QUERIES]
    same = [_cells(line)[8] for line in queries[2:]]
    assert set(same) <= {"yes", "n/a"} and "yes" in same  # n/a: rdflib stopped at the budget


def test_the_oxigraph_engine_alone_skips_rdflib(tmp_path) -> None:
    report = run(3, seed=2, out=None, parts=("queries",), engines=("oxigraph",), runs=1, budget=5,
                 workdir=tmp_path, log=lambda _: None)  # fmt: skip
    ((title, header, rows, _),) = report.sections
    assert title == "Named queries: latency"
    rdflib_p50 = header.index("rdflib p50 ms")
    assert all(row[rdflib_p50] == "n/a" and row[rdflib_p50 + 2] != "n/a" for row in rows)


def test_unknown_parts_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown parts"):
        run(2, out=None, parts=("extraction", "stream"))


def test_a_rerun_replaces_its_own_section(tmp_path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nNotes written by hand.\n", encoding="utf-8")

    def report(n: int, value: str) -> Report:
        r = Report(n, 0, 1000, {"cores": 2, "memory_bytes": 2**30, "kg": __version__}, "today", ("queries",))
        r.table("T", ["a", "b|c"], [[value, "x|y"]], "note")
        return r

    write_report(out, report(5, "first"))
    write_report(out, report(7, "other"))
    write_report(out, report(5, "second"))
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nNotes written by hand.\n")
    assert "second" in text and "first" not in text and "other" in text
    assert text.count("## N = 5 articles") == 1
    assert text.index("## N = 5 articles") < text.index("## N = 7 articles")  # replaced in place
    assert assert_well_formed(text) == 2
    assert render(report(5, "z")).startswith("<!-- kg.bench N=5 seed=0 begin -->")


def test_a_child_process_tree_is_measured() -> None:
    import sys

    grandchild = "x = bytearray(50_000_000); import time; time.sleep(0.6)"
    code = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])"
    child = run_command([sys.executable, "-c", code], sample_every=0.05)
    assert child.returncode == 0
    assert child.processes >= 2
    assert child.tree_hwm >= 50_000_000 and child.max_rss >= 50_000_000


def test_percentile() -> None:
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 95) == 4.0
    assert percentile(list(map(float, range(1, 101))), 95) == 95.0
