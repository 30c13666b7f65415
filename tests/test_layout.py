"""The layout (README "Architecture"): import-linter's contracts hold, no import cycle, modules <= 400 lines."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400


LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def lint_imports(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``lint-imports`` (import-linter's command) run in ``cwd``: pyproject.toml's contracts, or ``--config``'s."""
    return subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, *args], cwd=cwd, capture_output=True, text=True, timeout=300,
        check=False, env=env,
    )  # fmt: skip


def test_the_contracts_of_pyproject_hold():
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout and "Stages point down" in run.stdout


def test_a_wrong_way_import_fails_naming_both_modules(tmp_path):
    """The layers contract, pointed at a package whose lower layer imports its upper one, names both modules."""
    pkg = tmp_path / "house"
    (pkg / "store").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "store" / "__init__.py").write_text("")
    (pkg / "store" / "files.py").write_text("from house import pages\n")  # storage knowing a page
    (pkg / "pages.py").write_text("from house.store import files\n")
    config = tmp_path / "contracts.toml"
    config.write_text(
        textwrap.dedent(
            """
            [tool.importlinter]
            root_package = "house"

            [[tool.importlinter.contracts]]
            name = "pages above storage"
            type = "layers"
            layers = ["house.pages", "house.store"]
            """
        )
    )
    run = lint_imports(tmp_path, "--config", str(config), env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 1
    assert "BROKEN" in run.stdout and "house.store.files -> house.pages" in run.stdout


def _cycles(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    found = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                found.append((module, *back))
    return found


def test_no_import_cycle_among_kg_modules():
    """Every import, at module level, in a function or under TYPE_CHECKING, points one way."""
    assert _cycles(grimp.build_graph("kg")) == []


def test_the_cycle_finder_finds_a_cycle(tmp_path, monkeypatch):
    (tmp_path / "loop").mkdir()
    (tmp_path / "loop" / "__init__.py").write_text("")
    (tmp_path / "loop" / "a.py").write_text("def f():\n    from loop import b\n")
    (tmp_path / "loop" / "b.py").write_text("from loop import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert ("loop.a", "loop.b", "loop.a") in _cycles(grimp.build_graph("loop", cache_dir=None))


def test_no_module_over_400_lines():
    sizes = {
        str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in (ROOT / "kg").rglob("*.py")
    }
    assert len(sizes) > 100  # the whole package was read
    assert {path: n for path, n in sizes.items() if n > MAX_LINES} == {}
