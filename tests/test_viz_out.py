"""`kg viz` never overwrites the build's own graph.html, and `--out DIR` writes into the folder DIR."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from kg.cli import main


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
    assert "Zhou Bo" in (build / "graph-view.html").read_text(encoding="utf-8")


def test_viz_out_folder_gets_the_views_default_name(seeds_build, tmp_path: Path, capsys) -> None:
    graph = str(seeds_build[1] / "graph.trig")
    folder = tmp_path / "views"
    folder.mkdir()
    assert main(["viz", "--graph", graph, "--out", str(folder)]) == 0
    assert main(["viz", "--graph", graph, "--out", str(folder), "--timeline"]) == 0
    assert main(["viz", "--graph", graph, "--out", str(folder), "--focus", "Zhou Bo"]) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["focus-zhou-bo.html", "graph-view.html", "timeline.html"]
    assert capsys.readouterr().err == ""
