"""The benchmark report: one generated Markdown section per part, between markers in BENCHMARKS.md."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024
NA = "n/a"


def num(value: float | None, digits: int = 1) -> str:
    """``1,234.5``; "n/a" for None or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NA
    return f"{value:,.{digits}f}"


def ms(seconds: float | None) -> str:
    """Milliseconds, one decimal below 10 s."""
    if seconds is None or math.isnan(seconds):
        return NA
    return num(seconds * 1000, 1 if seconds < 10 else 0)


def mb(size: int | None) -> str:
    return num(size / MB, 0) if size else NA


def verdict(value: float | None, target: float, *, at_most: bool = False) -> str:
    """ "met" / "not met" of ``value`` against ``target`` (>= unless ``at_most``); "n/a" without a value."""
    if value is None or math.isnan(value):
        return NA
    return "met" if (value <= target if at_most else value >= target) else "**not met**"


@dataclass
class Section:
    """One part's figures: a title, facts about the run, then tables and paragraphs in order."""

    key: dict[str, object]  # what the section is of: part, N, seed, workers...; a rerun replaces it
    title: str
    facts: list[str] = field(default_factory=list)
    blocks: list[tuple] = field(default_factory=list)

    def table(self, title: str, header: Sequence[str], rows: Sequence[Sequence[str]], note: str = "") -> None:
        self.blocks.append(("table", title, list(header), [list(r) for r in rows], note))

    def text(self, paragraph: str) -> None:
        self.blocks.append(("text", paragraph))

    def tables(self) -> list[tuple[str, list[str], list[list[str]]]]:
        """(title, header, rows) of each table."""
        return [(b[1], b[2], b[3]) for b in self.blocks if b[0] == "table"]


@dataclass
class Report:
    """One run of ``python -m kg.bench``: the machine, the command line and a section per part."""

    machine: dict
    started: str
    command: str
    sections: list[Section] = field(default_factory=list)

    def section(self, title: str, **key: object) -> Section:
        found = Section(key, title)
        self.sections.append(found)
        return found


def marks(key: dict[str, object]) -> tuple[str, str]:
    """The begin and end markers of a section: ``<!-- kg.bench N=150 seed=7 part=build workers=1 begin -->``."""
    order = ["N", "seed", "part", *sorted(k for k in key if k not in ("N", "seed", "part"))]
    label = " ".join(f"{k}={key[k]}" for k in order if k in key)
    return f"<!-- kg.bench {label} begin -->", f"<!-- kg.bench {label} end -->"


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(str(cell).replace("|", "\\|").replace("\n", " ") for cell in cells) + " |"


def machine_line(m: dict) -> str:
    memory = m.get("memory_bytes")
    load = m.get("load")
    loads = f", load average {' / '.join(f'{x:.1f}' for x in load)} at the start" if load else ""
    return (
        f"{m.get('cores')} cores, {num(memory / 1024**3, 1) if memory else NA} GiB memory{loads}; "
        f"{m.get('platform')}, Python {m.get('python')}; kg {m.get('kg')}, spaCy {m.get('spacy')} "
        f"({m.get('model')}), pyoxigraph {m.get('pyoxigraph')}, rdflib {m.get('rdflib')}, "
        f"pyshacl {m.get('pyshacl')}"
    )


def render_section(report: Report, section: Section) -> str:
    """The Markdown of one section, markers included."""
    begin, end = marks(section.key)
    lines = [
        begin,
        f"## {section.title}",
        "",
        f"- date: {report.started}",
        f"- machine: {machine_line(report.machine)}",
        f"- command: `{report.command}`",
        *[f"- {fact}" for fact in section.facts],
        "",
    ]
    for block in section.blocks:
        if block[0] == "text":
            lines += [block[1], ""]
            continue
        _, title, header, rows, note = block
        lines += [f"### {title}", "", _row(header), "|" + "|".join("---" for _ in header) + "|"]
        lines += [_row(row) for row in rows] or [_row([NA] * len(header))]
        lines += ["", note, ""] if note else [""]
    lines.append(end)
    return "\n".join(lines) + "\n"


def render(report: Report) -> str:
    """Every section of the run, one after the other."""
    return "\n".join(render_section(report, s) for s in report.sections)


PREAMBLE = """# Benchmarks

Figures written by `python -m kg.bench` (see `kg/bench/__init__.py`). Each section between
`<!-- kg.bench N=... -->` markers is generated; a rerun of the same part, N and seed replaces it.
Everything else in this file is written by hand and kept by the tool.
"""


def write_report(path: str | Path, report: Report) -> Path:
    """Insert or replace each of the run's sections in the Markdown file at ``path`` (atomically)."""
    target = Path(path)
    text = target.read_text(encoding="utf-8") if target.exists() else PREAMBLE
    for section in report.sections:
        rendered = render_section(report, section)
        begin, end = marks(section.key)
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.S)
        if pattern.search(text):
            text = pattern.sub(lambda _, r=rendered: r, text, count=1)
        else:
            text = text.rstrip("\n") + "\n\n" + rendered
    temp = target.with_name(f".{target.name}.kg-bench.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, target)  # atomic: readers see the old file or the new one
    return target
