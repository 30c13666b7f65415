"""The audit as text (marked sentences and a summary table) or as one JSON object."""

from __future__ import annotations

import json
import re
from collections.abc import Collection

from kg.audit import CLASSES, AuditReport, Finding
from kg.errors import InputError

CONTEXT = 70  # characters of the sentence shown on each side of the span


def parse_classes(spec: str | None) -> tuple[str, ...]:
    """ "person,title" -> ("person", "title"); InputError naming the valid classes for a bad name."""
    if not spec:
        return CLASSES
    names = tuple(dict.fromkeys(s.strip() for s in spec.split(",") if s.strip()))
    bad = [n for n in names if n not in CLASSES]
    if bad or not names:
        raise InputError(f"unknown audit class {', '.join(bad) or repr(spec)}; use some of {', '.join(CLASSES)}")
    return names


def _listed(f: Finding, classes: Collection[str], show_all: bool) -> bool:
    return f.cls in classes and (show_all or not f.explained)


def marked(f: Finding, context: int = CONTEXT) -> str:
    """The finding's sentence on one line with the span in «», cut to ``context`` characters a side."""
    a, b = f.start - f.sentence_start, f.end - f.sentence_start
    left, span, right = f.sentence[:a], f.sentence[a:b], f.sentence[b:]
    if len(left) > context:
        cut = left[-context:]
        left = "… " + cut[cut.find(" ") + 1 :] if " " in cut else "… " + cut
    if len(right) > context:
        cut = right[:context]
        right = (cut[: cut.rfind(" ")] if " " in cut else cut) + " …"
    return re.sub(r"\s+", " ", f"{left}«{span}»{right}").strip()


def format_text(report: AuditReport, classes: Collection[str] = CLASSES, show_all: bool = False) -> str:
    """Per document the listed findings (class, offset, marked sentence), then the summary table."""
    width = max(len(c) for c in CLASSES)
    lines: list[str] = []
    for doc in report.documents:
        listed = [f for f in doc.findings if _listed(f, classes, show_all)]
        if not listed:
            continue
        unexplained = sum(not f.explained for f in doc.findings)
        lines.append(f"== {doc.doc_id} ({unexplained} of {len(doc.findings)} mentions unexplained)")
        for f in listed:
            tag = f"  [{f.explained_by}]" if f.explained else ""
            lines.append(f"{f.cls.ljust(width)} {f.start:>6}  {marked(f)}{tag}")
        lines.append("")
    lines.append(f"{'class'.ljust(width)}  {'mentions':>8}  {'unexplained':>11}  {'%':>6}")
    total_m = total_u = 0
    for c in report.classes:
        total_m, total_u = total_m + c.mentions, total_u + c.unexplained
        lines.append(f"{c.cls.ljust(width)}  {c.mentions:>8}  {c.unexplained:>11}  {c.percent:>6.1f}")
    pct = 100.0 * total_u / total_m if total_m else 0.0
    lines.append(f"{'total'.ljust(width)}  {total_m:>8}  {total_u:>11}  {pct:>6.1f}")
    lines.append(f"({len(report.documents)} documents)")
    return "\n".join(lines)


def as_json(report: AuditReport, classes: Collection[str] = CLASSES, show_all: bool = False) -> dict:
    """One object: ``classes`` (each class's mentions and unexplained counts) and the listed ``documents``."""
    return {
        "classes": {c.cls: {"mentions": c.mentions, "unexplained": c.unexplained} for c in report.classes},
        "documents": [
            {
                "doc_id": doc.doc_id,
                "file_name": doc.file_name,
                "findings": [
                    {
                        "class": f.cls,
                        "start": f.start,
                        "end": f.end,
                        "text": f.text,
                        "sentence_start": f.sentence_start,
                        "sentence_end": f.sentence_end,
                        "sentence": f.sentence,
                        "explained": f.explained,
                        "explained_by": f.explained_by or None,
                    }
                    for f in doc.findings
                    if _listed(f, classes, show_all)
                ],
            }
            for doc in report.documents
        ],
        "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
    }


def format_json(report: AuditReport, classes: Collection[str] = CLASSES, show_all: bool = False) -> str:
    """``as_json`` as indented JSON text."""
    return json.dumps(as_json(report, classes, show_all), ensure_ascii=False, indent=2)
