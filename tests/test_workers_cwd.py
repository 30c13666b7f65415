"""`kg build --workers N` imports the installed kg in its worker processes, whatever the current folder.

The build runs in a fresh process (the fork server is started once per process) from a folder that
holds a `kg/` directory: an empty one (the parent of a clone) or a package of the same name; also an
on-disk build (`--store`), whose exports are written by a second process (`kg.build.exportproc`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

# Like the `kg` console script: the script's own folder, not the current one, is first on sys.path.
RUNNER = "import sys\nfrom kg.cli import main\nif __name__ == '__main__':\n    sys.exit(main())\n"


@pytest.mark.parametrize(
    ("shadow", "where"),
    [("empty", "memory"), ("package", "memory"), ("package", "store")],  # store: on disk, with the export process
)
def test_build_with_workers_from_a_folder_holding_kg(tmp_path: Path, shadow: str, where: str) -> None:
    script = tmp_path / "bin" / "kg_runner.py"
    script.parent.mkdir()
    script.write_text(RUNNER, encoding="utf-8")
    here = tmp_path / "here"
    (here / "kg").mkdir(parents=True)
    if shadow == "package":
        (here / "kg" / "__init__.py").write_text("", encoding="utf-8")  # a kg that is not this one
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in sorted(p.name for p in SEEDS.glob("*.txt"))[:2]:
        (docs / name).write_bytes((SEEDS / name).read_bytes())
    out = tmp_path / "out"
    store = ["--store", f"oxigraph:{tmp_path / 'store'}"] if where == "store" else []
    done = subprocess.run(
        [sys.executable, str(script), "build", str(docs), "--out", str(out), "--workers", "2", "--no-validate", *store],
        cwd=here,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ImportError" not in done.stderr
    assert (out / "graph.trig").stat().st_size > 0 and (out / "graph.nq").stat().st_size > 0
    assert "Entities:" in done.stdout
