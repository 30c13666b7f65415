"""`kg viz` never overwrites the build's own graph.html, and `--out DIR` writes into the folder DIR."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from kg.cli import main
from kg.query import open_source, run_query


def _people(graph: Path) -> list[str]:
    """The names of the people of the built graph, whoever the documents name."""
    return sorted({row[1] for row in run_query(open_source(graph=graph), "people").rows})


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_viz_leaves_the_builds_page_as_its_record_says(seeds_build, tmp_path: Path, capsys) -> None:
    build = tmp_path / "build"
    shutil.copytree(seeds_build[1], build)
    recorded = json.loads((build / "build.json").read_text(encoding="utf-8"))["outputs"]["html"]
    assert recorded["file"] == "graph.html" and _sha(build / "graph.html") == recorded["sha256"]
    assert main(["viz", "--graph", str(build / "graph.trig")]) == 0
    assert capsys.readouterr().out.strip() == f"Wrote {build / 'graph-view.html'}"
    assert _sha(build / "graph.html") == recorded["sha256"]  # the build's page, untouched
    page = (build / "graph-view.html").read_text(encoding="utf-8")
    assert _people(build / "graph.trig") and all(name in page for name in _people(build / "graph.trig"))


def test_viz_out_folder_gets_the_views_default_name(seeds_build, tmp_path: Path, capsys) -> None:
    graph = str(seeds_build[1] / "graph.trig")
    folder = tmp_path / "views"
    folder.mkdir()
    assert main(["viz", "--graph", graph, "--out", str(folder)]) == 0
    assert main(["viz", "--graph", graph, "--out", str(folder), "--timeline"]) == 0
    person = _people(Path(graph))[0]
    assert main(["viz", "--graph", graph, "--out", str(folder), "--focus", person]) == 0
    focus = "focus-" + re.sub(r"[^a-z0-9]+", "-", person.lower()).strip("-") + ".html"
    assert sorted(p.name for p in folder.iterdir()) == sorted([focus, "graph-view.html", "timeline.html"])
    assert capsys.readouterr().err == ""
