"""Dates in news text: "On September 15", "Feb. 6, 2025", "6 July", "on the 15th", "on Monday",
"yesterday", datelines.

A date without a year takes the year of the document's header; when that would put it more than
a week after the article's own date, it is last year's. With no year at all it stays "--MM-DD".
Weekdays and "yesterday" count back from the article's own date: its dateline when it has one
("BEIJING, Nov. 20 (Xinhua) --"), else the header. A range ("May 19-20", "from May 19 to 20",
"between Aug. 22 and 24") is found by its first day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_MONTH_ALT = "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True))
DATE_RE = re.compile(  # "Feb. 6, 2025", "September 15th", "June 11 to 12, 2020" (the first day, the range's year)
    rf"(?<![\w-])(?P<month>{_MONTH_ALT})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?![\d])"
    r"(?:(?:\s*[-–]\s*|\s+(?:to|and)\s+)\d{1,2}(?:st|nd|rd|th)?(?=,?\s+(?:19|20)\d\d))?"
    r"(?:,?\s+(?P<year>(?:19|20)\d\d)(?!\d))?"
)
DMY_RE = re.compile(  # "6 July", "23 June 2016"
    rf"(?<![\w.,-])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH_ALT})\b\.?(?:,?\s+(?P<year>(?:19|20)\d\d)(?!\d))?"
)
DAY_ONLY_RE = re.compile(  # "on the 15th,", "On the afternoon of the 15th", "from the 19th to the 20th"
    r"(?<![\w-])(?:[Oo]n|[Ff]rom|[Bb]etween)\s+the\s+(?:(?:morning|afternoon|evening|night)\s+of\s+the\s+)?"
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)"
    r"(?=\s*[,.;]|\s+of\s+(?:this|the)\s+month|\s+(?:and|to)\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)|\s*-\s*\d)"
)
NOT_DATELINE = frozenset(
    {
        "On",
        "In",
        "At",
        "By",
        "From",
        "Since",
        "Last",
        "This",
        "Next",
        "Early",
        "Late",
        "Before",
        "After",
        "Until",
        "During",
        "Today",
        "Yesterday",
    }
)
ISO_RE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)(?!\d)")


WEEKDAYS = {d: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
WEEKDAY_RE = re.compile(  # "on Monday", "met Wednesday with", "Friday afternoon"
    rf"(?<![\w-])(?:[Oo]n\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?![\w-])"
    rf"(?!,?\s+(?:{_MONTH_ALT})\.?\s+\d)"
)
RELATIVE_RE = re.compile(  # days before the article's own date
    r"(?<![\w-])(?:(?P<two>the\s+day\s+before\s+yesterday)|(?P<one>[Yy]esterday|last\s+night))(?![\w-])"
)


@dataclass(frozen=True)
class DateHit:
    start: int
    end: int
    month: int | None
    day: int
    year: int | None
    weekday: int | None = None  # "on Monday": the last such day on or before the article's date
    days_before: int | None = None  # "yesterday": that many days before the article's date


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateHit]:
    """Month-day dates (with year when written), day-only dates ("the 15th"), weekdays and
    "yesterday" in a slice, in text order."""
    end = len(text) if end is None else end
    hits = []
    for rx in (DATE_RE, DMY_RE):
        for m in rx.finditer(text, start, end):
            if not any(h.start <= m.start() < h.end for h in hits):
                hits.append(_hit(m))
    for m in DAY_ONLY_RE.finditer(text, start, end):
        if not any(h.start <= m.start() < h.end for h in hits):
            hits.append(DateHit(m.start(), m.end(), None, int(m.group("day")), None))
    for m in WEEKDAY_RE.finditer(text, start, end):
        hits.append(DateHit(m.start(), m.end(), None, 0, None, WEEKDAYS[m.group("wd").lower()]))
    for m in RELATIVE_RE.finditer(text, start, end):
        hits.append(DateHit(m.start(), m.end(), None, 0, None, days_before=2 if m.group("two") else 1))
    return sorted(hits, key=lambda h: h.start)


def _hit(m: re.Match[str]) -> DateHit:
    return DateHit(
        m.start(),
        m.end(),
        MONTHS[m.group("month").lower()],
        int(m.group("day")),
        int(m.group("year")) if m.group("year") else None,
    )


def find_dateline(text: str) -> DateHit | None:
    """The date of a dateline at the top ("GUANGZHOU, China, Feb. 6, 2025 /PRNewswire/ --")."""
    for line in re.finditer(r"[^\n]+", text[:800]):
        m = DATE_RE.search(text, line.start(), min(line.end(), line.start() + 100))
        if not m:
            continue
        prefix = text[line.start() : m.start()]
        words = re.findall(r"[A-Za-z]+", re.sub(r"/[^/]*/", " ", prefix))
        if (
            words
            and not any(w[0].islower() for w in words)
            and words[0] not in NOT_DATELINE
            and re.search(r"[,/]\s*$", prefix)
        ):
            return _hit(m)
    return None


def stated_date(text: str, within: int) -> date | None:
    """The first full date (with its year) written in the first ``within`` characters."""
    for m in DATE_RE.finditer(text, 0, within):
        if m.group("year"):
            try:
                return date(int(m.group("year")), MONTHS[m.group("month").lower()], int(m.group("day")))
            except ValueError:
                continue
    return None


def reference_date(doc_date: date | None, dateline: DateHit | None) -> date | None:
    """The article's own date: its dateline (year from the dateline or the header), else the header."""
    if dateline is not None and dateline.month:
        year = dateline.year or (doc_date.year if doc_date else None)
        if year is not None:
            try:
                ref = date(year, dateline.month, dateline.day)
            except ValueError:
                return doc_date
            if dateline.year is None and doc_date is not None and ref > doc_date + timedelta(days=7):
                ref = ref.replace(year=year - 1) if not (ref.month == 2 and ref.day == 29) else ref
            return ref
    return doc_date


def resolve(hit: DateHit, doc_date: date | None, dateline: DateHit | None) -> str | None:
    """ "YYYY-MM-DD" when a year is known, "--MM-DD" otherwise; None for impossible dates."""
    if hit.weekday is not None or hit.days_before is not None:
        ref = reference_date(doc_date, dateline)
        if ref is None:
            return None
        if hit.days_before is not None:
            return (ref - timedelta(days=hit.days_before)).isoformat()
        return (ref - timedelta(days=(ref.weekday() - hit.weekday) % 7)).isoformat()
    month = hit.month or (dateline.month if dateline else None) or (doc_date.month if doc_date else None)
    if month is None:
        return None
    year = hit.year
    if year is None:
        ref = doc_date or (
            date(dateline.year, dateline.month or 1, dateline.day) if dateline and dateline.year else None
        )
        if ref is not None:
            year = ref.year
            try:
                if date(year, month, hit.day) > ref + timedelta(days=7):
                    year -= 1
            except ValueError:
                return None
    try:
        if year is None:
            date(2000, month, hit.day)  # validates (2000 is a leap year)
            return f"--{month:02d}-{hit.day:02d}"
        return date(year, month, hit.day).isoformat()
    except ValueError:
        return None
