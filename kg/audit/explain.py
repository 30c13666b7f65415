"""Whether an extracted record of the document covers a mention (the rules are in ``kg.audit``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kg.audit.mentions import Hit
from kg.audit.restated import Facts, facts, role_restated, title_restated
from kg.audit.words import Words
from kg.extract import dates
from kg.extract.lexicon import Lexicon
from kg.model import DocumentExtraction

Span = tuple[int, int]


@dataclass(frozen=True)
class Records:
    """The phrases, dates and places of one document's records, as the rules compare them."""

    people: tuple[Span, ...]
    orgs: tuple[Span, ...]  # explicit organization names (media included)
    initiatives: tuple[Span, ...]
    posts: tuple[Span, ...]
    participations: tuple[Span, ...]
    meetings: tuple[Span, ...]
    meeting_dates: frozenset[str]
    meeting_places: tuple[str, ...]  # normalised
    doc_date: date | None
    dateline: dates.DateHit | None
    facts: Facts


def records(ex: DocumentExtraction, dateline: dates.DateHit | None, lex: Lexicon) -> Records:
    """The comparable parts of a ``DocumentExtraction``."""

    def spans(items) -> tuple[Span, ...]:
        return tuple(sorted({(x.evidence.start, x.evidence.end) for x in items}))

    return Records(
        people=spans(ex.people),
        orgs=spans(o for o in ex.organizations if o.explicit),
        initiatives=spans(ex.initiatives),
        posts=spans(ex.posts),
        participations=spans(ex.participations),
        meetings=spans(ex.meetings),
        meeting_dates=frozenset(m.date for m in ex.meetings if m.date),
        meeting_places=tuple(normalise(m.place) for m in ex.meetings if m.place),
        doc_date=ex.date,
        dateline=dateline,
        facts=facts(ex, lex),
    )


def normalise(name: str) -> str:
    """Lower case, no leading "the", words joined by single spaces, no punctuation."""
    s = re.sub(r"[^\w'’]+", " ", name.lower()).strip()
    return re.sub(r"^the\s+", "", s)


def _inside(h: Hit, spans: tuple[Span, ...]) -> bool:
    return any(a <= h.start and h.end <= b for a, b in spans)


def _overlaps(h: Hit, spans: tuple[Span, ...]) -> bool:
    return any(a < h.end and h.start < b for a, b in spans)


def explained_by(h: Hit, text: str, r: Records, w: Words, sentence: tuple[int, int]) -> str:
    """What explains the mention ("person", "post", "meeting date"...), or "" when nothing does."""
    lex = w.lex
    if h.cls == "person":
        if _overlaps(h, r.people):
            return "person"
        if _inside(h, r.orgs):
            return "organization"
        if _inside(h, r.initiatives):
            return "initiative"
        return "place" if lex.place(text[h.start : h.end]) is not None else ""
    if h.cls == "title":
        if _inside(h, r.posts):
            return "post"
        if title_restated(h, text, sentence, r.facts, lex):
            return "post, restated"
        return "organization" if _inside(h, r.orgs) else ""
    if h.cls == "role":
        if _inside(h, r.participations):
            return "participation"
        role = w.role_of.get(re.sub(r"\s+", " ", text[h.start : h.end].lower()))
        return "participation, restated" if role and role_restated(h, role, text, sentence, r.facts) else ""
    if h.cls == "date":
        resolved = dates.resolve(h.date, r.doc_date, r.dateline) if h.date is not None else None
        if resolved is not None and resolved in r.meeting_dates:
            return "meeting date"
        return "meeting" if _inside(h, r.meetings) else ""
    if h.cls == "place":
        return "meeting place" if _same_place(text[h.start : h.end], r.meeting_places, lex) else ""
    if h.cls == "initiative":
        if _overlaps(h, r.initiatives):
            return "initiative"
        return "organization" if _overlaps(h, r.orgs) else ""
    raise ValueError(f"unknown audit class {h.cls!r}")  # pragma: no cover - a programming error


def _same_place(surface: str, places: tuple[str, ...], lex: Lexicon) -> bool:
    """The mention names a meeting's place: the same gazetteer place, or one text contains the other."""
    entry = lex.place(surface)
    forms = {normalise(surface)} | ({normalise(entry.name)} if entry is not None else set())
    for place in places:
        words = f" {place} "
        if any(f == place or f" {f} " in words or f" {place} " in f" {f} " for f in forms if f):
            return True
    return False
