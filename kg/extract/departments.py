"""Departments of a body found in the text ("the Publicity Department of the ... Party Committee")."""

from __future__ import annotations

import re
from functools import cache

from kg.extract.bodies import DocContext, OrgHit, _relative_region, canonical_name
from kg.extract.lexicon import Lexicon, alternation, load_lexicon


@cache
def _department_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    lex = load_lexicon()
    names = alternation(lex.bodies["departments"]["names"], ignore_case=True)
    levels = alternation(list(lex.level_words), ignore_case=True)
    return (
        re.compile(r"(?<![\w-])(?P<dept>" + names + r")\s+of\s+(?:the\s+)?$", re.I),
        re.compile(r"\s+(?P<dept>" + names + r")(?![\w-])", re.I),
        re.compile(
            r"(?<![\w-])(?:the\s+)?(?P<level>"
            + levels
            + r")\s+(?:Party\s+Committee\s+)?(?P<dept>"
            + names
            + r")(?![\w-])",
            re.I,
        ),
    )


def departments(text: str, hits: list[OrgHit], ctx: DocContext, lex: Lexicon) -> list[OrgHit]:
    """Departments of a party committee: "Organization Department of the CPC X Committee", "X Committee
    Organization Department", "the Provincial Political and Legal Committee"."""
    if "depart" not in text.lower() and "commission" not in text.lower() and "committee" not in text.lower():
        return []
    before_re, after_re, level_re = _department_res()
    merged: list[OrgHit] = []
    for h in hits:
        if h.kind != "party_committee":
            continue
        m = before_re.search(text, max(0, h.start - 80), h.start)
        if m:
            merged.append(_department(m.group("dept"), h, m.start(), h.end, text))
            continue
        m = after_re.match(text, h.end)
        if m:
            merged.append(_department(m.group("dept"), h, h.start, m.end(), text))
    for m in level_re.finditer(text):
        region = _relative_region(m.group("level"), ctx, lex)
        if region is None or any(m.start() < x.end and x.start < m.end() for x in merged):
            continue
        entry = lex.place(region)
        parent = canonical_name("party_committee", region, entry.level if entry else None, lex)
        if parent:
            ph = OrgHit(m.start(), m.start(), "", parent, "party_committee", region, entry.level if entry else None)
            s = m.start() + (4 if m.group().lower().startswith("the ") else 0)
            merged.append(_department(m.group("dept"), ph, s, m.end(), text))
    return merged


def _department(dept: str, parent: OrgHit, start: int, end: int, text: str) -> OrgHit:
    name = " ".join(w if w in ("and", "for", "of") else w[:1].upper() + w[1:] for w in dept.split())
    return OrgHit(
        start,
        end,
        text[start:end],
        f"{name} of the {parent.name}",
        "ministry",
        parent.region,
        parent.level,
        parent.name,
    )
