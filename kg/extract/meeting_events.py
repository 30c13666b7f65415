"""Events told by their verb rather than a meeting noun: "X met with a delegation led by Y" (talks)
and "From May 19 to 20, X visited ..." (a visit or inspection tour). Their verbs and the words
that mark a guest are in ``meetings.toml`` ([talks], [visits]).
"""

from __future__ import annotations

import re
from functools import cache

from kg.extract import dates
from kg.extract.lexicon import load_lexicon, words_pattern
from kg.extract.meeting_places import place_at

PASSIVE_BEFORE = re.compile(r"\b(?:was|were|is|are|be|been|being)\s+$")
ABBREVIATION = re.compile(r"(?:\b[A-Z]|\bMr|\bMs|\bMrs|\bDr|\bSt|\bNo|\bCo|\bLtd|\bInc|\bJr)$")
OBJECT_STOP = re.compile(
    r"[,;:]|\.(?=\s|$)|\s+(?:in|on|at|who|which|that|to|for)\s+|\s+and\s+(?:made|delivered|said|held|extended|"
    r"exchanged|had|discussed|signed)\b|\s+(?:yesterday|today|here)\b"
)
MODIFIERS = re.compile(
    r"(?:here|separately|respectively|jointly|also|yesterday|today)(?:\s+(?:morning|afternoon|evening))?\s+", re.I
)


@cache
def _config() -> dict:
    lex = load_lexicon()
    talks, visits = lex.meetings["talks"], lex.meetings["visits"]
    return {
        "talk": re.compile(words_pattern(talks["verbs"]) + r"\s+", re.I),
        "guests": re.compile(words_pattern(talks["guests"]), re.I),
        "visit": re.compile(words_pattern(visits["verbs"])),
        "not_names": frozenset(
            [m.capitalize() for m in dates.MONTHS] + [d.capitalize() for d in dates.WEEKDAYS] + ["The", "A", "An"]
        ),
    }


class FullSentences:
    """Sentences for dates and places: a line that breaks off mid-sentence ("... met with Governor
    Budi" + newline + "Santoso of ...") runs on to the next line."""

    def __init__(self, text: str, sentences: list[tuple[int, int]]) -> None:
        self.text, self.sentences = text, sentences

    def basic(self, pos: int) -> tuple[int, int]:
        for s, e in self.sentences:
            if s <= pos < e:
                return s, e
        return (pos, pos + 1)

    def at(self, pos: int) -> tuple[int, int]:
        s0, s1 = self.basic(pos)
        for a, b in self.sentences:
            if a < s1:
                continue
            gap = self.text[s1:a]
            last = self.text[s1 - 1]
            if s1 - s0 > 600 or not (last.islower() or last == ",") or gap.count("\n") != 1 or gap.strip():
                break
            s1 = b
        return s0, s1


def find_talks(full: FullSentences, taken: list[int]) -> list[tuple[int, int, str | None]]:
    """(start, end, place) of the one met in each "X met (in Y) with Z": the meeting is named by Z."""
    cfg = _config()
    lex = load_lexicon()
    text = full.text
    out = []
    for m in cfg["talk"].finditer(text):
        s0, s1 = full.at(m.start())
        pos, place = m.end(), None
        for _ in range(3):
            inside = re.match(r"in\s+", text[pos:s1])
            hit = place_at(text, pos + inside.end(), s1, countries=True) if inside else None
            if hit:
                place, pos = hit[0], hit[1] + len(text[hit[1] :]) - len(text[hit[1] :].lstrip())
                continue
            when = re.match(r"(?:on\s+)?", text[pos:s1])
            found = dates.find_dates(text, pos + when.end(), min(s1, pos + 40))
            if found and found[0].start == pos + when.end():
                pos = found[0].end + len(text[found[0].end :]) - len(text[found[0].end :].lstrip())
                continue
            mod = MODIFIERS.match(text, pos)
            if mod and mod.end() <= s1:
                pos = mod.end()
                continue
            break
        with_ = re.match(r"with\s+", text[pos:s1])
        start = pos + (with_.end() if with_ else 0)
        end = _object_end(text, start, s1)
        if any(start <= t < end for t in taken):
            continue  # "met with the participants of the symposium": the symposium is the meeting
        obj = re.sub(r"\s+", " ", text[start:end]).strip()
        if not obj or not _guest(obj, cfg, lex):
            continue
        out.append((start, end, place))
    return out


def _object_end(text: str, start: int, s1: int) -> int:
    pos = start
    while True:
        stop = OBJECT_STOP.search(text, pos, s1)
        if stop is None:
            return min(s1, start + 120)
        if stop.group().startswith(".") and ABBREVIATION.search(text, start, stop.start()):
            pos = stop.end()
            continue
        return min(stop.start(), start + 120)


def _guest(obj: str, cfg: dict, lex) -> bool:
    """The one met is a delegation or guest, a name, or a title ("the deputy minister of ...")."""
    if cfg["guests"].search(obj):
        return True
    if re.search(r"['’]s?\s+[a-z]", obj):
        return False  # "met Governor X's expectations"
    first = obj.split()[0]
    if first[0].isupper() and first not in cfg["not_names"]:
        return True
    bare = re.sub(r"^(?:the|a|an)\s+", "", obj, flags=re.I)
    title = lex.title_re.match(bare)
    return title is not None and not title.group().endswith("s")  # "members of the committee" are no guests


def visit_sentence(
    text: str, sentences: list[tuple[int, int]], headline_end: int, dateline: dates.DateHit | None
) -> tuple[tuple[int, int], dates.DateHit] | None:
    """The first body sentence that tells a dated visit ("From May 19 to 20, X visited ..."), and its date."""
    for s0, s1 in sentences:
        if s0 < headline_end:
            continue
        hit = dated_visit(text, s0, s1, dateline)
        if hit is not None:
            return (s0, s1), hit
    return None


def dated_visit(text: str, s0: int, s1: int, dateline: dates.DateHit | None) -> dates.DateHit | None:
    """The date of a sentence that tells a visit in the active voice, if it states one."""
    rx = _config()["visit"]
    if next((v for v in rx.finditer(text, s0, s1) if not PASSIVE_BEFORE.search(text, s0, v.start())), None) is None:
        return None
    lo = dateline.end if dateline and s0 <= dateline.start < s1 else s0
    hits = dates.find_dates(text, lo, s1)
    return hits[0] if hits else None
