"""kg.bench: the harness runs each part on a few articles and writes well-formed sections (no figures asserted)."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

import pytest

from kg import __version__
from kg.bench import (
    BenchError,
    Options,
    Report,
    bare_model,
    median,
    percentile,
    probe,
    render,
    run,
    run_command,
    write_report,
)
from kg.bench.driver import Bench
from kg.bench.measure import ChildRun, kg_command, oxigraph_binary
from kg.bench.report import Section, marks

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
QUIET = {"log": lambda _: None}


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
    """Every table has a header, a separator, at least one row, and the same number of cells on each line."""
    tables = _tables(text)
    for table in tables:
        width = len(_cells(table[0]))
        assert all(re.fullmatch(r"-{3,}", c) for c in _cells(table[1])), table[1]
        assert all(len(_cells(line)) == width for line in table), table
        assert len(table) >= 3
    return len(tables)


def _table(section, title: str) -> tuple[list[str], list[list[str]]]:
    found = [(header, rows) for t, header, rows in section.tables() if t.startswith(title)]
    assert found, [t for t, *_ in section.tables()]
    return found[0]


def _text(section) -> str:
    return "\n".join(block[1] for block in section.blocks if block[0] == "text")


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory) -> Path:
    """Two synthetic articles built by the real ``kg build``: the folder holding graph.trig."""
    from kg.synthetic import write_corpus

    root = tmp_path_factory.mktemp("bench")
    write_corpus(root / "articles", 2, seed=3)
    child = run_command([*kg_command(), "build", str(root / "articles"), "-o", str(root / "out")], timeout=600)
    assert child.ok, child.failure()
    return root


# ---------------------------------------------------------------- the report


def test_each_part_has_its_own_section_and_a_rerun_replaces_it(tmp_path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nNotes written by hand.\n", encoding="utf-8")
    machine = {"cores": 2, "memory_bytes": 2**30, "kg": __version__, "load": (1.0, 0.5, 0.25)}

    def report(value: str, *parts: str) -> Report:
        r = Report(machine, "today", "python -m kg.bench")
        for part in parts:
            section = r.section(f"{part} figures", N=150, seed=7, part=part)
            section.table("T", ["a", "b|c"], [[value, "x|y"]], "note")
            section.text(f"{part} said {value}")
        return r

    write_report(out, report("first", "build", "queries"))
    write_report(out, report("second", "queries"))
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nNotes written by hand.\n")
    assert "build said first" in text and "queries said second" in text and "queries said first" not in text
    assert text.index("build figures") < text.index("queries figures")  # replaced in place
    assert text.count("<!-- kg.bench N=150 seed=7 part=queries begin -->") == 1
    assert "machine: 2 cores, 1.0 GiB memory, load average 1.0 / 0.5 / 0.2" in text
    assert assert_well_formed(text) == 2
    assert marks({"part": "build", "workers": 2, "seed": 7, "N": 150})[0] == (
        "<!-- kg.bench N=150 seed=7 part=build workers=2 begin -->"
    )
    assert render(report("z", "serve")).startswith("<!-- kg.bench N=150 seed=7 part=serve begin -->")


def test_unknown_parts_and_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown parts: stream"):
        run(Options(parts=("build", "stream")), out=None, **QUIET)
    with pytest.raises(ValueError, match="--runs"):
        run(Options(parts=("build",), runs=0), out=None, **QUIET)


def test_median_and_percentile() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0 and median([1.0, 2.0, 3.0, 4.0]) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0], 95) == 4.0
    assert percentile(list(map(float, range(1, 101))), 95) == 95.0


# ---------------------------------------------------------------- child processes


def test_a_child_process_tree_is_measured() -> None:
    grandchild = "x = bytearray(50_000_000); import time; time.sleep(0.6)"
    code = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])"
    child = run_command([sys.executable, "-c", code], sample_every=0.05)
    assert child.ok
    assert child.processes >= 2
    assert child.tree_rss >= 50_000_000 and child.max_rss >= 50_000_000


def test_a_command_past_its_timeout_is_killed_with_its_children() -> None:
    code = (
        "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
        "time.sleep(60)"
    )
    child = run_command([sys.executable, "-c", code], timeout=1.0, sample_every=0.05)
    assert child.timed_out and not child.ok
    assert child.seconds < 30
    assert "timed out after" in child.failure()


def test_a_failing_command_says_why() -> None:
    child = run_command([sys.executable, "-c", "import sys; sys.exit('kg: error: the folder is empty')"])
    assert child.returncode == 1
    assert child.failure().endswith("failed (exit 1): kg: error: the folder is empty")
    missing = run_command(["/nonexistent/kg-bench-command"])
    assert missing.returncode == 127 and "cannot run" in missing.failure()


# ---------------------------------------------------------------- the bare model


def test_the_bare_model_script_runs_alone_on_shares_of_the_files(tmp_path) -> None:
    texts = {
        "a.txt": " date 2024-03-05 Mira Solano chaired the harbour council meeting in Port Elvar on Monday.",
        "b.txt": "The orchard cooperative of Velmont elected Tobin Hale as its treasurer.",
        "c.txt": "Officials from Dunmarsh visited the new ferry terminal. " * 20,
        ".hidden.txt": "never read",
        "notes.md": "never read either",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert bare_model.read_text(str(tmp_path / "a.txt")).startswith("Mira Solano chaired")
    shares = bare_model.shares(bare_model.text_files(str(tmp_path)), 2)
    assert sorted(Path(p).name for share in shares for p in share) == ["a.txt", "b.txt", "c.txt"]
    assert [Path(p).name for p in shares[0]] == ["c.txt"]  # the largest file alone balances the others
    child = run_command(
        [sys.executable, str(Path(bare_model.__file__)), str(tmp_path), "--processes", "2"], timeout=300
    )
    assert child.ok, child.failure()
    figures = json.loads(child.stdout)
    assert figures["documents"] == 3 and figures["processes"] == 2
    assert figures["exclude"] == ["lemmatizer", "attribute_ruler"]  # kg's own exclusions, read from kg


# ---------------------------------------------------------------- parts


def test_the_build_part_pairs_kg_build_with_the_bare_model(tmp_path, tiny_build) -> None:
    options = Options(
        n=2, parts=("build",), workers=(1,), runs=1, warmup_docs=0, corpus=tiny_build / "articles", workdir=tmp_path
    )
    out = tmp_path / "BENCHMARKS.md"
    report = run(options, out, **QUIET)
    (section,) = report.sections
    assert section.key == {"N": 2, "seed": 7, "part": "build", "workers": 1}
    header, rows = _table(section, "Paired runs")
    assert [row[0] for row in rows] == ["1"]
    assert re.fullmatch(r"\d+\.\d\d", rows[0][header.index("bare / kg")])
    _, summary = _table(section, "Summary")
    assert [row[0] for row in summary] == ["bare model", "kg build"]
    assert [row[-1] for row in summary] == ["2", "2"]  # both sides read the two documents
    assert re.search(r"Throughput ratio kg / bare = \d+\.\d\d x", _text(section))
    assert "validation auto, whole graph: yes" in _text(section)  # the default mode checks the whole graph
    assert (tmp_path / "build-w1" / "graph.trig").is_file()
    assert assert_well_formed(out.read_text(encoding="utf-8")) == 2


def test_the_sides_alternate_after_a_warm_up_and_the_ratio_is_the_median_of_the_pairs(
    tmp_path, tiny_build, monkeypatch
) -> None:
    import kg.bench.parts as parts

    seconds = iter([9.0, 9.0, 10.0, 40.0, 12.0, 20.0, 11.0, 11.0])  # warm-up pair, then bare/kg pairs
    order: list[str] = []

    def fake_run(command, **kwargs) -> ChildRun:  # noqa: ANN001
        side = "bare" if "bare_model.py" in command[1] else "kg"
        folder = Path(command[2] if side == "bare" else command[command.index("build") + 1])
        order.append(f"{side} {'warm-up' if folder.name.startswith('warmup') else 'corpus'}")
        stdout = json.dumps({"documents": 2}) if side == "bare" else ""
        return ChildRun(list(command), 0, next(seconds), stdout, "", 100 * 2**20, 90 * 2**20, 2)

    monkeypatch.setattr(parts, "run_command", fake_run)
    options = Options(
        n=2, parts=("build",), workers=(2,), runs=3, warmup_docs=1, corpus=tiny_build / "articles", workdir=tmp_path
    )
    (section,) = run(options, None, **QUIET).sections
    assert order == ["bare warm-up", "kg warm-up"] + ["bare corpus", "kg corpus"] * 3
    _, rows = _table(section, "Paired runs")
    assert [row[3] for row in rows] == ["0.25", "0.60", "1.00"]
    assert "Throughput ratio kg / bare = 0.60 x** (pairs 0.25-1.00)" in _text(section)
    assert "ratio of the medians 0.55" in _text(section)  # 11 s / 20 s
    assert "2 processes on 2 shares of the files" in _text(section)


def test_a_failing_build_is_reported_not_raised(tmp_path, tiny_build, monkeypatch) -> None:
    import kg.bench.parts as parts

    failing = [sys.executable, "-c", "import sys; sys.exit('kg: error: the shapes cannot be read')"]
    monkeypatch.setattr(parts, "kg_command", lambda: failing)
    options = Options(
        n=2, parts=("build",), workers=(1,), runs=1, warmup_docs=0, corpus=tiny_build / "articles", workdir=tmp_path
    )
    (section,) = run(options, None, **QUIET).sections
    assert "A run failed" in _text(section) and "the shapes cannot be read" in _text(section)
    assert "No complete pair: no ratio." in _text(section)


def test_a_part_that_cannot_start_says_why_and_the_others_run(tmp_path, tiny_build, monkeypatch) -> None:
    import kg.bench.parts as parts

    monkeypatch.setattr(parts, "query_names", lambda: ["meetings"])
    options = Options(
        n=2,
        parts=("build", "queries"),
        corpus=tmp_path / "missing",
        graph=tiny_build / "out" / "graph.trig",
        query_runs=1,
        workdir=tmp_path,
    )
    build, queries = run(options, None, **QUIET).sections
    assert "The build part stopped: --corpus" in _text(build) and "not a folder" in _text(build)
    _, rows = _table(queries, "`kg query")
    assert rows[0][0] == "`meetings`" and rows[0][1] == "2"  # one meeting per synthetic article


def test_the_queries_part_runs_each_named_query_as_a_process(tmp_path, tiny_build, monkeypatch) -> None:
    import kg.bench.parts as parts

    monkeypatch.setattr(parts, "query_names", lambda: ["people", "no_such_query"])
    options = Options(n=2, parts=("queries",), graph=tiny_build / "out" / "graph.trig", query_runs=2, workdir=tmp_path)
    (section,) = run(options, None, **QUIET).sections
    header, rows = _table(section, "`kg query")
    people, missing = rows
    expected = csv_rows_of(
        [*kg_command(), "query", "people", "--graph", str(tiny_build / "out" / "graph.trig"), "--format", "csv"]
    )
    assert people[header.index("rows")] == f"{expected:,}" and expected > 0
    assert people[-1] in {"met", "**not met**"}
    assert "failed (exit" in missing[-1] and "no_such_query" in missing[-1]
    assert "1 of 2 named queries" in _text(section) or "0 of 2 named queries" in _text(section)


def csv_rows_of(command: list[str]) -> int:
    child = run_command(command, timeout=300)
    assert child.ok, child.failure()
    return len(list(csv.reader(io.StringIO(child.stdout)))) - 1


def test_the_serve_part_loads_both_servers_in_turn(tmp_path, tiny_build) -> None:
    options = Options(
        n=2,
        parts=("serve",),
        graph=tiny_build / "out" / "graph.trig",
        serve_clients=2,
        serve_seconds=0.5,
        serve_rounds=2,
        workdir=tmp_path,
    )
    (section,) = run(options, None, **QUIET).sections
    header, rows = _table(section, "Alternating load runs")
    assert [row[0] for row in rows] == ["1", "2"]
    assert all(float(row[header.index("kg q/s")].replace(",", "")) > 0 for row in rows)
    assert all(row[header.index("kg errors")] == "0" for row in rows)
    if oxigraph_binary() is None:
        assert "oxigraph serve: n/a" in _text(section)
    else:
        assert all(row[header.index("oxigraph errors")] == "0" for row in rows)
        assert re.search(r"kg serve / oxigraph serve = \d+\.\d\d x", _text(section))


# ---------------------------------------------------------------- the store part and its probe


def fake_api(monkeypatch, graph: Path) -> list:
    """kg.query's real engine over ``graph`` (loaded into memory), standing in for a store folder "STORE";
    the calls made to run_query are recorded."""
    import kg.query

    source = kg.query.open_source(graph=graph)
    real_run = kg.query.run_query
    calls: list = []

    def run_query(given, sparql, params=None, *, timeout=None, max_rows=None, limit=None, offset=None):  # noqa: ANN001, ANN202
        assert given is source
        calls.append((sparql, params, limit))
        return real_run(given, sparql, params, timeout=timeout, max_rows=max_rows, limit=limit, offset=offset)

    def store_of(folder: str):  # noqa: ANN202
        assert folder == "STORE"
        return source

    monkeypatch.setattr(kg.query, "open_source", lambda *, store: store_of(store))
    monkeypatch.setattr(kg.query, "run_query", run_query)
    return calls


def test_the_probe_picks_values_from_the_store_and_times_every_query(monkeypatch, tiny_build) -> None:
    from kg.query import list_queries

    calls = fake_api(monkeypatch, tiny_build / "out" / "graph.trig")
    found = probe.probe("STORE", runs=2, limit=3, timeout=60)
    names = [info.name for info in list_queries()]
    assert found["reasons"] == {}
    assert [e["name"] for e in found["queries"]] == names
    assert all(e["rows"] <= 3 and e["p50"] is not None for e in found["queries"])
    assert {"person", "title", "region", "date"} <= set(found["picked"])
    lookups = {e["name"]: e for e in found["lookups"]}
    assert {"person_meetings", "post_holders_as_of"} <= set(lookups)
    assert lookups["person_meetings"]["params"] == {"person_name": found["picked"]["person"]}
    assert lookups["post_holders_as_of"]["params"] == {
        "post_title": found["picked"]["title"],
        "as_of": found["picked"]["date"],
    }
    assert lookups["person_meetings"]["all_rows"] >= 1  # the picked person attended a meeting
    assert any(p == lookups["person_meetings"]["params"] and limit == 3 for _, p, limit in calls)
    streamed = {e["name"]: e for e in found["stream"]}
    assert streamed["meetings"]["rows"] == 2 and streamed["meetings"]["bytes"] > 0


def test_the_probe_reports_a_missing_api_as_a_reason(monkeypatch) -> None:
    import kg.query

    monkeypatch.delattr(kg.query, "open_source", raising=False)
    found = probe.probe("STORE", runs=1)
    assert "open_source is not there yet" in found["reasons"]["all"]
    assert found["queries"] == [] and found["stream"] == []


def test_param_kinds() -> None:
    assert probe.param_kind("person_name", '"Someone"') == "person"
    assert probe.param_kind("post_title", '"Secretary"') == "title"
    assert probe.param_kind("region", None) == "region"
    assert probe.param_kind("as_of", '"2023-12-31"^^xsd:date') == "date"
    assert probe.param_kind("limit_hint", "10") is None


def test_the_store_part_reuses_a_store_and_renders_the_probe(tmp_path, monkeypatch, tiny_build) -> None:
    import kg.bench.store as store_part

    fake_api(monkeypatch, tiny_build / "out" / "graph.trig")
    commands: list[list[str]] = []

    def fake_run(command, **kwargs) -> ChildRun:  # noqa: ANN001
        commands.append(command)
        if command[1:3] == ["-m", "kg.bench.probe"]:  # the probe, in this process with the fake API
            stdout = "\n".join(json.dumps(r) for r in probe.iter_probe("STORE", runs=2, limit=100, timeout=60))
        else:  # `kg query ...`
            stdout = "usage: kg query [--limit N] ..." if "--help" in command else ""
        return ChildRun(list(command), 0, 0.25, stdout, "", 0, 0, 1)

    monkeypatch.setattr(store_part, "run_command", fake_run)
    folder = tmp_path / "a-store"
    folder.mkdir()
    options = Options(parts=("store",), store_path=folder, store_docs=2, query_runs=1, workdir=tmp_path)
    (section,) = run(options, tmp_path / "B.md", **QUIET).sections
    assert section.key == {"N": 2, "seed": 7, "part": "store"}
    assert "n/a (the store was built elsewhere)" in _text(section)
    header, pages = _table(section, "First page")
    assert len(pages) == len(probe_names()) and all(row[header.index("rows")] != "n/a" for row in pages)
    assert all(row[-1] == "0.25" for row in pages)  # the `kg query --limit 100` processes (mocked)
    _, lookups = _table(section, "Parameter lookups")
    assert {row[0] for row in lookups} >= {"`person_meetings`", "`post_holders_as_of`"}
    _, tables = _table(section, "Whole tables")
    assert re.search(r"Largest table: `\w+`, [\d,]+ rows/s in-process", _text(section))
    assert any(c[-2:] == ["--format", "csv"] and "--limit" not in c for c in commands)  # the largest, whole
    assert assert_well_formed((tmp_path / "B.md").read_text(encoding="utf-8")) == 3


def test_a_probe_past_its_time_keeps_what_it_measured(tmp_path, monkeypatch, tiny_build) -> None:
    import kg.bench.store as store_part

    fake_api(monkeypatch, tiny_build / "out" / "graph.trig")
    records = [json.dumps(r) for r in probe.iter_probe("STORE", runs=1, limit=100, timeout=60)]
    first_pages = [r for r in records if '"kind": "query"' in r][:2]
    cut = records.index(first_pages[-1]) + 1

    def fake_run(command, **kwargs) -> ChildRun:  # noqa: ANN001
        if command[1:3] == ["-m", "kg.bench.probe"]:
            stdout = "\n".join(records[:cut]) + '\n{"kind": "que'  # killed while writing a line
            return ChildRun(list(command), -9, 5.0, stdout, "", 0, 0, 1, timed_out=True)
        return ChildRun(list(command), 2, 0.1, "", "kg query: error: unrecognized arguments: --limit", 0, 0, 1)

    monkeypatch.setattr(store_part, "run_command", fake_run)
    folder = tmp_path / "a-store"
    folder.mkdir()
    options = Options(parts=("store",), store_path=folder, store_docs=2, workdir=tmp_path)
    (section,) = run(options, None, **QUIET).sections
    assert "The in-process probe stopped**: `python -m kg.bench.probe" in _text(section)
    assert "timed out after 5 s" in _text(section)
    header, pages = _table(section, "First page")
    assert [row[0] for row in pages] == [f"`{json.loads(r)['name']}`" for r in first_pages]
    assert all(row[header.index("p50 ms")] != "n/a" for row in pages)
    assert "Largest table: n/a" in _text(section)


def probe_names() -> list[str]:
    from kg.query import list_queries

    return [info.name for info in list_queries()]


def test_a_missing_store_path_stops_the_part(tmp_path) -> None:
    options = Options(parts=("store",), store_path=tmp_path / "nowhere", workdir=tmp_path)
    (section,) = run(options, None, **QUIET).sections
    assert "The store part stopped: --store-path" in _text(section)
    with pytest.raises(BenchError):
        from kg.bench.store import large_build

        large_build(type("B", (), {"options": options, "work": tmp_path, "log": print})(), section)


def test_the_store_part_builds_a_store_and_records_both_sides(tmp_path, monkeypatch) -> None:
    """A first run builds the store: the bare model's run (saved for reuse) and kg's build are both
    recorded, and a second run reuses the store with those figures."""
    import kg.bench.store as store_part

    def fake_run(command, **kwargs) -> ChildRun:  # noqa: ANN001
        if "build" in command:  # kg build DIR -o OUT --workers N --store oxigraph:STORE
            out = Path(command[command.index("-o") + 1])
            out.mkdir(parents=True)
            record = {"triples": 12, "validation": {"mode": "full", "whole_graph": True}}
            (out / "build.json").write_text(json.dumps(record), encoding="utf-8")
            Path(command[-1].removeprefix("oxigraph:")).mkdir()
            return ChildRun(list(command), 0, 5.0, "", "", 900 * 2**20, 600 * 2**20, 4)
        return ChildRun(list(command), 0, 4.0, json.dumps({"documents": 3}), "", 700 * 2**20, 400 * 2**20, 3)

    monkeypatch.setattr(store_part, "run_command", fake_run)
    options = Options(parts=("store",), store_dir=tmp_path / "big", store_docs=3, workdir=tmp_path)
    section = Section(key={"N": 3}, title="t")
    bench = Bench(options, tmp_path / "work", Report("machine", "today", "python -m kg.bench"), QUIET["log"])
    store, measured = store_part.large_build(bench, section)
    assert store.is_dir() and measured["bare"]["seconds"] == 4.0 and measured["kg"]["seconds"] == 5.0
    assert measured["bare_documents"] == 3 and measured["triples"] == 12
    assert json.loads((tmp_path / "big" / "bare.json").read_text(encoding="utf-8"))["documents"] == 3
    again, remeasured = store_part.large_build(bench, section)
    assert again == store and remeasured == measured
