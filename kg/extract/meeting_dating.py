"""Which event is an article's own, which ones it only refers to, and when and where each took place.

The article's own (main) event is the first one the body says was held ("X held a plenary
meeting", "the 23rd meeting ... was held in Hangzhou"), else the first told with a verb of holding
or a date; the headline block, photo captions and the dateline's lead-in come last. An event
named after "the spirit of", "a speech at", in a sentence about the future, or inside another
event's name is one the article refers to. Each event takes the date and place its own sentence
states; the main event falls back on the sentences that refer back to it, a dated visit (for a
tour), then the article's own date; a part, an event told as before or after another, and talks
fall back on the main event (talks first on the last date told before them).
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from kg.extract import dates
from kg.extract.lexicon import load_lexicon, words_pattern
from kg.extract.meeting_events import FullSentences, visit_sentence
from kg.extract.meeting_places import dateline_city, meeting_place, visit_place

if TYPE_CHECKING:
    from kg.extract.meeting_span import MeetingSpan

LIST_GAP = re.compile(r"[^.;:]{0,60}?(?:,|\band|\s&)\s*(?:the\s+)?")
SUBHEADLINE = re.compile(r"\n\s*\n[ \t]*(?:[^\n.?!]|[.?!](?!\s)){0,199}[^\s.:?!。\"”](?=[ \t]*\n[ \t]*\n)")
CAPTION = re.compile(r"[(\[](?:Photo|Photograph|Image|Xinhua)\b[^()\[\]\n]{0,80}[)\]]|\bPhoto\s+by\b")
RELATIVE = re.compile(r"\b(?:who|which|that)\s+(?:\w+\s+)?$")
LINKED = re.compile(r"\s*(?:Before|After|During|Following|Prior\s+to|On\s+the\s+sidelines\s+of|Ahead\s+of)\b")


@cache
def rules() -> dict[str, re.Pattern[str]]:
    """The patterns of meetings.toml's [verbs], [references] and [not_meetings], compiled once."""
    m = load_lexicon().meetings
    ref = m["references"]
    speech = "|".join(ref["speech_nouns"])
    links = "|".join(ref["speech_links"])
    return {
        "held": re.compile(words_pattern(m["verbs"]["held"] + ["met", "Holds", "presented", "participated in"])),
        "future": re.compile(words_pattern(m["verbs"]["future"])),
        "reference": re.compile(
            rf"(?:(?:{speech})\s+(?:{links})|{words_pattern(ref['before'])})\s+(?:the\s+)?$",
            re.I,
        ),
        "modifier": re.compile(words_pattern(ref["modifiers"]) + r"\s", re.I),
        "own_speech": re.compile(r"\b(?:deliver(?:s|ed)|makes|made|gives|gave)\s+(?:a|an)\s+(?:\w+\s+)?$", re.I),
        "held_before": re.compile(words_pattern(m["verbs"]["held"]) + r"\s+(?:a|an|the|its|their)?\s*$"),
        "held_after": re.compile(
            r"\s*(?:\([^()]{0,80}\)\s*)?,?\s*(?:was|were|is|has\s+been|have\s+been)\s+(?:\w+\s+)?"
            + words_pattern(m["verbs"]["passive"])
        ),
        "not_before": re.compile(words_pattern(m["not_meetings"]["before"]) + r"\s+$", re.I),
    }


def headline_block_end(text: str, headline_end: int) -> int:
    """The end of the headline block: the headline and the short unpunctuated lines set apart after it
    ("The first session ... concluded", a subtitle naming who spoke)."""
    if headline_end == 0:
        return 0
    end = headline_end
    for m in SUBHEADLINE.finditer(text, headline_end):
        if m.start() != end:
            break
        end = m.end()
    return end


def mark_referred(spans: list[MeetingSpan], text: str, sentences: list[tuple[int, int]]) -> None:
    """Events the article refers to rather than reports: "the spirit of the plenary session", "a speech
    at the symposium" (not "delivered a speech at"), planned ones, ones inside another's name or listed
    after a referred one."""
    r = rules()
    prev: MeetingSpan | None = None
    for s in spans:
        sent = _sentence(sentences, s.start)
        before = text[max(sent[0], s.start - 40) : s.start]
        listed = prev is not None and not prev.reported and LIST_GAP.fullmatch(text[prev.end : s.start]) is not None
        nested = any(o.start < s.start < o.end for o in spans if o is not s and o.kind != "talks")
        ref = r["reference"].search(before)
        own = ref and r["own_speech"].search(text, max(sent[0], s.start - 80), s.start - len(before) + ref.start())
        future = r["future"].search(text, sent[0], sent[1]) or r["modifier"].match(s.label)
        if (ref and not own) or future or listed or nested:
            s.reported = False
        prev = s


def main_meeting(
    new: list[MeetingSpan], text: str, sentences: list[tuple[int, int]], body_start: int
) -> MeetingSpan | None:
    """The article's own event: the first one held ("X held a plenary meeting"), else the first told
    with a verb of holding or a date, in the body (after the headline, captions and dateline)."""
    r = rules()
    body = [s for s in new if s.start >= body_start and s.reported]
    captions = [s for s in body if CAPTION.search(text, s.start, _paragraph_end(text, s.start))]
    for group in ([s for s in body if s not in captions], captions):
        for s in group:  # "X held a plenary meeting", "the 23rd meeting of ... was held in Hangzhou"
            held_before = r["held_before"].search(text, max(0, s.start - 40), s.start)
            relative = held_before and RELATIVE.search(text, max(0, held_before.start() - 20), held_before.start())
            if (held_before and not relative) or r["held_after"].match(text, s.end):
                return s
        for s in group:  # the first event told with a verb of holding or a date
            sent = _sentence(sentences, s.start)
            if r["held"].search(text, sent[0], sent[1]) or dates.find_dates(text, sent[0], sent[1]):
                return s
    return body[0] if body else next((s for s in new if s.reported), None)


def _paragraph_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def date_all(
    spans: list[MeetingSpan],
    main: MeetingSpan | None,
    full: FullSentences,
    headline_end: int,
    doc_date: date | None,
    dateline: dates.DateHit | None,
) -> None:
    """The date and place of the main event, then of every other event the article reports."""
    text, sentences = full.text, full.sentences
    if main is not None:
        refs = [sp for sp in spans if sp.anaphoric and sp is not main]
        _date_and_place(main, full, doc_date, dateline, refs)
        if main.date is None and main.kind == "inspection tour":
            _visit_date(main, text, sentences, headline_end, doc_date, dateline)
        if main.date is None:  # "On the morning of May 15, the signing was held. X met with Y."
            para = text.rfind("\n", 0, main.start) + 1
            main.date = _earlier_date(
                text, _sentence(sentences, main.start)[0], max(para, headline_end), doc_date, dateline
            )
        if main.date is None:
            ref = dates.reference_date(doc_date, dateline)
            main.date = ref.isoformat() if ref else dates.resolve(dateline, None, None) if dateline else None
        if main.place is None and dateline is not None and main.start >= dateline.start:
            main.place = dateline_city(text, dateline)  # "BEIJING, Nov. 20 (Xinhua) -- X met Y"
    for s in spans:
        if s is main or s.anaphoric:
            continue
        if not (s.reported or s.part):  # "the spirit of the meeting of the Political Bureau on December 8"
            after = re.match(r",?\s+(?:held\s+)?(?:on|from)\s+", text[s.end : s.end + 20])
            hits = dates.find_dates(text, s.end + after.end(), s.end + after.end() + 30) if after else []
            if hits and hits[0].start == s.end + after.end():
                s.date = dates.resolve(hits[0], doc_date, dateline)
            continue
        _date_and_place(s, full, doc_date, dateline)
        linked = LINKED.match(text, _sentence(sentences, s.start)[0]) is not None
        if s.date is None and main is not None and (s.part or linked or s.kind == "talks"):
            s.date = _earlier_date(text, s.start, headline_end, doc_date, dateline) if s.kind == "talks" else None
            s.date = s.date or main.date


def _sentence(sentences: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for s, e in sentences:
        if s <= pos < e:
            return s, e
    return (pos, pos + 1)


def _date_and_place(
    span: MeetingSpan,
    full: FullSentences,
    doc_date: date | None,
    dateline: dates.DateHit | None,
    refs: list[MeetingSpan] = (),
) -> None:
    """Date and place from the sentence that introduces a meeting, else from those that refer back to it."""
    text = full.text
    for at in [span, *refs]:
        sent = full.at(at.start)
        lo = dateline.end if dateline and sent[0] <= dateline.start < sent[1] else sent[0]
        hits = dates.find_dates(text, lo, sent[1])
        if at is not span:  # "The meeting, held in Hangzhou on July 18, ...": a date near the reference
            hits = [h for h in hits if h.start < at.start or h.start < at.end + 80]
        if hits and span.date is None:
            span.date = dates.resolve(hits[0], doc_date, dateline)
        if span.place is None:
            span.place = meeting_place(text, sent, at.start, at.end, intro=at is span)


def _visit_date(
    span: MeetingSpan,
    text: str,
    sentences: list[tuple[int, int]],
    headline_end: int,
    doc_date: date | None,
    dateline: dates.DateHit | None,
) -> None:
    """A tour the article names without a date takes the date of the first dated visit it tells."""
    found = visit_sentence(text, sentences, headline_end, dateline)
    if found is None:
        return
    sent, hit = found
    span.date = dates.resolve(hit, doc_date, dateline)
    span.place = visit_place(text, *sent) or span.place


def _earlier_date(
    text: str, pos: int, headline_end: int, doc_date: date | None, dateline: dates.DateHit | None
) -> str | None:
    """The last date the article states before ``pos`` ("X arrived on Friday ... Before the ceremony, X met ...")."""
    lo = max(headline_end, dateline.end if dateline else 0)
    hits = dates.find_dates(text, lo, pos) if lo < pos else []
    return dates.resolve(hits[-1], doc_date, dateline) if hits else None
