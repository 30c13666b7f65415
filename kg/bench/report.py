"""The benchmark report: Markdown tables in a marked section of BENCHMARKS.md."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024


@dataclass
class Report:
    """One run's figures: header facts, notes and titled tables."""

    n: int
    seed: int
    words: int
    machine: dict
    started: str
    parts: tuple[str, ...]
    notes: list[str] = field(default_factory=list)
    sections: list[tuple[str, list[str], list[list[str]], str]] = field(default_factory=list)

    def table(self, title: str, header: list[str], rows: list[list[str]], note: str = "") -> None:
        self.sections.append((title, header, rows, note))


def num(value: float | None, digits: int = 1) -> str:
    """``1,234.5``; "n/a" for None or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def ms(seconds: float) -> str:
    """Milliseconds, one decimal below 10 s."""
    return num(seconds * 1000, 1 if seconds < 10 else 0)


def mb(size: int) -> str:
    return num(size / MB, 0) if size else "n/a"


def section_marks(n: int, seed: int) -> tuple[str, str]:
    return f"<!-- kg.bench N={n} seed={seed} begin -->", f"<!-- kg.bench N={n} seed={seed} end -->"


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"


def render(report: Report) -> str:
    """The Markdown section of one run (between its markers)."""
    m = report.machine
    memory = m.get("memory_bytes")
    begin, end = section_marks(report.n, report.seed)
    lines = [
        begin,
        f"## N = {report.n:,} articles (seed {report.seed})",
        "",
        f"- date: {report.started}",
        f"- machine: {m.get('cores')} cores, {num(memory / 1024**3, 1) if memory else 'n/a'} GiB memory, "
        f"{m.get('platform')}, Python {m.get('python')}",
        f"- kg {m.get('kg')}; spaCy {m.get('spacy')} ({m.get('model')}); rdflib {m.get('rdflib')}; "
        f"pyoxigraph {m.get('pyoxigraph')}",
        f"- corpus: `kg.synthetic.generate({report.n}, seed={report.seed})`, {report.words:,} words "
        f"({report.words / max(report.n, 1):,.0f} per article)",
        f"- parts: {', '.join(report.parts)}",
        *[f"- {note}" for note in report.notes],
        "",
    ]
    for title, header, rows, note in report.sections:
        lines += [f"### {title}", "", _row(header), "|" + "|".join("---" for _ in header) + "|"]
        lines += [_row(row) for row in rows]
        lines += ["", note, ""] if note else [""]
    lines.append(end)
    return "\n".join(lines) + "\n"


PREAMBLE = """# Benchmarks

Figures written by `python -m kg.bench` (see `kg/bench/__init__.py`). Each section marked
`<!-- kg.bench N=... -->` is one run, marked with the number of synthetic articles and the seed;
re-running with the same N and seed replaces that section. Text outside the marked sections is
written by hand and kept.
"""


def write_report(path: str | Path, report: Report) -> Path:
    """Insert or replace this run's section in the Markdown file at ``path`` (atomically)."""
    from kg.store import atomic_write_text

    target = Path(path)
    section = render(report)
    text = target.read_text(encoding="utf-8") if target.exists() else PREAMBLE
    begin, end = section_marks(report.n, report.seed)
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    atomic_write_text(target, text)
    return target
