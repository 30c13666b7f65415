"""Meetings and events: which ones an article reports or refers to, their kind, date, place, organizer.

A meeting is a noun phrase headed by a meeting word of ``meetings.toml`` ("a symposium of experts
and entrepreneurs", "the 23rd meeting of the Standing Committee of ..."). A bare "the meeting"
refers back to the article's main meeting; "the opening ceremony" or "the first plenary meeting"
is a part of it. An article that only says "the meeting" gets one implicit main meeting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache

from kg.extract import dates
from kg.extract.lexicon import load_lexicon, words_pattern
from kg.extract.orgs import OrgHit

ANAPHORA_DETS = {"the", "this", "that", "said"}
EVENT_ANAPHORA = re.compile(r"(?<![\w-])the\s+(?:event|occasion|gathering)(?![\w-])", re.I)
PARTY_CONGRESS = re.compile(
    r"(?<![\w-])(?:the\s+)?(?:\d+(?:st|nd|rd|th)|[A-Z][a-z]+(?:teenth|tieth|th|st|nd|rd))\s+(?:National\s+|Provincial\s+)?"
    r"(?:Party\s+)?Congress\s+of\s+the\s+(?:CPC|Communist\s+Party\s+of\s+China)(?![\w-])"
    r"|(?<![\w-])(?:the\s+)?\d+(?:st|nd|rd|th)\s+(?:CPC|Party)\s+National\s+Congress(?![\w-])"
)
LIST_GAP = re.compile(r"[^.;:]{0,60}?(?:,|\band)\s*(?:the\s+)?")
FUTURE = re.compile(
    r"\b(?:will\s+be\s+held|will\s+hold|to\s+be\s+held|is\s+to\s+be\s+held|will\s+convene|will\s+open)\b",
    re.I,
)
REFERENCE = re.compile(
    r"(?:(?:speech|speeches|remarks|instructions|address|report)\s+(?:at|during|on)|spirit\s+of)\s+(?:the\s+)?$",
    re.I,
)
VENUE = re.compile(
    r"(?:[A-Z][\w'’-]+\s+){1,5}(?:Hall|Hotel|Center|Centre|Guesthouse|Guest\s+House|Building|Stadium|Square|Auditorium|Palace|Park)(?![\w-])"
)


@dataclass
class MeetingSpan:
    """A meeting as found in the text, before it becomes a ``MeetingMention``."""

    key: str
    start: int
    end: int
    label: str
    kind: str
    head: str
    anaphoric: bool = False
    part: bool = False
    reported: bool = True
    date: str | None = None
    place: str | None = None
    organizer: str | None = None
    part_of: str | None = None
    refs: list[int] = field(default_factory=list)  # offsets where "the meeting" refers to it


NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})  # the tags spaCy's attribute ruler maps to NOUN or PROPN


@cache
def _kinds() -> tuple[re.Pattern[str], dict[str, str], frozenset[str]]:
    lex = load_lexicon()
    noun_kind = {n: k["kind"] for k in lex.meetings["kind"] for n in k["nouns"]}
    rx = re.compile(words_pattern(list(noun_kind)), re.I)
    return rx, noun_kind, frozenset(lex.meetings["parts"]["nouns"])


def find_meetings(
    text: str,
    doc,
    orgs: list[OrgHit],
    sentences: list[tuple[int, int]],
    doc_date: date | None,
    dateline: dates.DateHit | None,
    headline_end: int,
) -> list[MeetingSpan]:
    """Meetings of one article, main meeting first when there is one."""
    rx, noun_kind, parts = _kinds()
    spans: list[MeetingSpan] = []
    quoted = [(m.start(), m.end()) for m in re.finditer(r"[“\"][^”\"\n]{1,200}[”\"]", text)]
    for m in list(rx.finditer(text)) + list(PARTY_CONGRESS.finditer(text)):
        if any(o.start <= m.start() < o.end and o.kind != "media" for o in orgs) and not PARTY_CONGRESS.fullmatch(
            m.group()
        ):
            continue
        if any(a < m.start() < b for a, b in quoted):
            continue
        noun = re.sub(r"\s+", " ", m.group().lower())
        kind = noun_kind.get(noun, "party congress")
        tok = _token_at(doc, m.end() - 1)
        if tok is not None and tok.tag_ not in NOUN_TAGS and noun not in ("talks",):
            continue
        start, end = _phrase(doc, text, m.start(), m.end(), orgs)
        label = text[start:end].strip()
        det = re.match(r"(?:the|this|that|a|an|its|their)\s+", label, re.I)
        core = label[det.end() :] if det else label
        anaphoric = bool(det) and det.group().strip().lower() in ANAPHORA_DETS and core.lower() == noun
        is_part = core.lower() in parts or noun in parts
        spans.append(
            MeetingSpan(
                f"m{len(spans) + 1}",
                start + (det.end() if det else 0),
                end,
                core,
                kind,
                noun,
                anaphoric=anaphoric and not is_part,
                part=is_part and bool(det),
            )
        )
    spans += _talks(text, sentences, spans)
    spans.sort(key=lambda s: s.start)
    spans = _drop_overlapping(spans, text)
    prev: MeetingSpan | None = None
    for s in spans:
        sent = _sentence(sentences, s.start)
        before = text[max(sent[0], s.start - 40) : s.start]
        listed = prev is not None and not prev.reported and LIST_GAP.fullmatch(text[prev.end : s.start]) is not None
        if REFERENCE.search(before) or FUTURE.search(text[sent[0] : sent[1]]) or listed:
            s.reported = False
        prev = s
        s.organizer = _organizer(text, s, orgs, sent)
        if s.kind == "meeting" and s.organizer and "Standing Committee" in s.organizer:
            s.kind = "standing committee meeting"
        if s.organizer and s.label.lower().strip("() ") in (s.head, f"enlarged) {s.head}") and not s.anaphoric:
            s.label = f"{s.label} of the {s.organizer}"  # "a meeting" held by a body: name it by the body
    new = [s for s in spans if not s.anaphoric and not s.part]
    main = _main(new, text, sentences, headline_end)
    if main is None and any(s.anaphoric for s in spans):
        first = next(s for s in spans if s.anaphoric)
        main = MeetingSpan("m0", first.start, first.end, "meeting", first.kind, first.head)
        main.anaphoric = False
        spans.insert(0, main)
        new.insert(0, main)
    if main is not None:
        refs = [sp for sp in spans if sp.anaphoric and sp is not main]
        _date_and_place(main, text, sentences, doc_date, dateline, main_meeting=True, refs=refs)
    for s in new:
        if s is not main and s.reported:
            _date_and_place(s, text, sentences, doc_date, dateline, main_meeting=False)
    out = []
    for s in spans:
        if s.anaphoric:
            if main is not None:
                main.refs.append(s.start)
            continue
        if s.part and main is not None and s is not main:
            s.part_of, s.date, s.label = main.key, main.date, _part_label(s.label, main.label)
        if s.start < headline_end and main is not None and s is not main:
            continue  # the headline's meeting is the body's main meeting
        out.append(s)
    for m in EVENT_ANAPHORA.finditer(text):
        if main is not None:
            main.refs.append(m.start())
    if main is not None:
        out.remove(main)
        out.insert(0, main)
    return _merge_same(out)


MET = re.compile(r"(?<![\w-])met\s+(?:with\s+)?")
GUESTS = re.compile(r"\b(?:delegation|delegates|guests|visitors|visiting|ambassador|envoy|consul)s?\b", re.I)


def _talks(text: str, sentences: list[tuple[int, int]], spans: list[MeetingSpan]) -> list[MeetingSpan]:
    """ "X met with a delegation led by Y": a meeting between officials, named by whom they met."""
    out = []
    for m in MET.finditer(text):
        start = m.end()
        if any(start <= s.start < start + 60 for s in spans):
            continue
        sent = _sentence(sentences, m.start())
        stop = re.search(r"[,.;]|\s+(?:in|on|at)\s+|\s+and\s+(?:made|delivered|said|held)\b", text[start : sent[1]])
        end = start + (stop.start() if stop else min(80, max(0, sent[1] - start)))
        obj = text[start:end].strip()
        if not obj or not (GUESTS.search(obj) or re.match(r"[A-Z][a-z]+\s+[A-Z][a-z]+", obj)):
            continue
        out.append(MeetingSpan(f"t{len(out) + 1}", start, end, f"meeting with {obj}", "talks", "meeting"))
    return out


def _token_at(doc, char: int):
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _phrase(doc, text: str, start: int, end: int, orgs: list[OrgHit]) -> tuple[int, int]:
    """Extend a meeting noun to its noun phrase: modifiers on the left, "of/on ..." on the right."""
    tok = _token_at(doc, end - 1)
    if tok is None:
        return start, end
    left = start
    for child in tok.lefts:
        if (
            child.dep_ in ("det", "amod", "compound", "nummod", "nmod", "poss", "punct", "quantmod", "npadvmod")
            and child.idx < left
            and text[child.idx : left].count("\n") == 0
        ):
            left = min(left, min(t.idx for t in child.subtree))
    right = end
    for child in tok.rights:
        if (
            child.dep_ == "prep"
            and child.lower_ in ("of", "on", "for", "with", "between")
            or child.dep_ == "appos"
            and False
        ):
            last = max(t.idx + len(t) for t in child.subtree)
            if "\n" not in text[right:last]:
                right = max(right, last)
    for o in orgs:
        if o.start < right < o.end:
            right = o.end
    label = text[left:right]
    if len(label) > 220:
        right = left + label[:220].rfind(" ")
    while right > left and text[right - 1] in " ,;(":
        right -= 1
    return left, right


def _drop_overlapping(spans: list[MeetingSpan], text: str) -> list[MeetingSpan]:
    out: list[MeetingSpan] = []
    for s in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if (
            out
            and s.start < out[-1].end
            and not (s.head != out[-1].head and s.start > out[-1].start + len(out[-1].head) + 40)
        ):
            continue
        if out and text[out[-1].end : s.start] == " and " and not out[-1].label[:1].islower() and s.label[:1].isupper():
            prev = out[-1]  # "the 2023 World Cities Forum and Regional Leaders' Summit" is one event
            prev.end, prev.label = s.end, text[prev.start : s.end]
            continue
        out.append(s)
    return out


def _sentence(sentences: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for s, e in sentences:
        if s <= pos < e:
            return s, e
    return (pos, pos + 1)


def _organizer(text: str, span: MeetingSpan, orgs: list[OrgHit], sent: tuple[int, int]) -> str | None:
    inside = [o for o in orgs if span.start <= o.start < span.end and o.kind != "media"]
    if inside:
        return inside[0].name
    held = re.search(
        r"(?:held|convened|hosted|organized|organised|launched)\s+(?:a|an|the)?\s*$",
        text[sent[0] : span.start],
    )
    if held:
        verb_at = sent[0] + held.start()
        subj = [o for o in orgs if sent[0] <= o.end <= verb_at and o.kind != "media" and verb_at - o.end < 30]
        if subj:
            return subj[-1].name
    return None


_HELD = re.compile(
    r"\b(?:met|held|convened|hosted|opened|kicked\s+off|took\s+place|presided\s+over|chaired|attended|"
    r"presented|Holds|Hosted|was\s+held|were\s+held|participated\s+in)\b",
    re.I,
)


def _main(new: list[MeetingSpan], text: str, sentences: list[tuple[int, int]], headline_end: int) -> MeetingSpan | None:
    body = [s for s in new if s.start >= headline_end and s.reported]
    for s in body:
        sent = _sentence(sentences, s.start)
        if _HELD.search(text[sent[0] : sent[1]]):
            return s
    return body[0] if body else next((s for s in new if s.reported), None)


def _date_and_place(
    span: MeetingSpan,
    text: str,
    sentences: list[tuple[int, int]],
    doc_date: date | None,
    dateline: dates.DateHit | None,
    main_meeting: bool,
    refs: list[MeetingSpan] = (),
) -> None:
    """Date and place from the sentence that introduces a meeting, else from those that refer back to it."""
    for at in [span, *refs]:
        sent = _sentence(sentences, at.start)
        lo = max(sent[0], dateline.end if dateline else 0)
        hits = dates.find_dates(text, lo, sent[1])
        if hits and span.date is None:
            span.date = dates.resolve(hits[0], doc_date, dateline)
        if span.place is None:
            span.place = _place(text, sent, at)
    if span.date is None and main_meeting:
        if doc_date is not None:
            span.date = doc_date.isoformat()
        elif dateline is not None:
            span.date = dates.resolve(dateline, None, None)


PLACE_LEAD = re.compile(
    r"(?:\b(?:held|convened|opened|took\s+place|hosted|kicked\s+off)\s+(?:\w+\s+){0,4}?in|^[^,.;]{0,25}?\bin)"
    r"\s+(?:the\s+)?"
)


PLACE_AFTER_COMMA = re.compile(r",\s*in\s+(?:the\s+)?")


def _place(text: str, sent: tuple[int, int], span: MeetingSpan) -> str | None:
    """Where the sentence that introduces a meeting says it took place ("held in Harbin")."""
    lex = load_lexicon()
    leads = [m.end() + span.end for m in PLACE_LEAD.finditer(text[span.end : sent[1]])]
    leads += [m.end() + span.end for m in PLACE_AFTER_COMMA.finditer(text[span.end : sent[1]])]
    leads += [
        m.end() + sent[0]
        for m in re.finditer(r"\b(?:held|convened)\s+(?:\w+\s+){0,6}?in\s+(?:the\s+)?", text[sent[0] : span.start])
    ]
    venue = re.search(
        r"\bat\s+(?:the\s+)?(" + VENUE.pattern + r"(?:\s+of\s+the\s+[A-Z][\w'’-]+)?)", text[span.end : sent[1]]
    )
    if venue:
        city = re.match(
            r",?\s+in\s+(?:the\s+)?([A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?)", text[span.end + venue.end() : sent[1]]
        )
        return venue.group(1) + (f", {city.group(1)}" if city else "")
    for at in sorted(leads):
        v = VENUE.match(text, at)
        p = lex.place_re.match(text, at)
        if p and p.group()[0].isupper():
            entry = lex.place(p.group())
            if entry and entry.level != "country":
                return entry.name
        if v:
            return v.group().strip()
    return None


def _part_label(part: str, main: str) -> str:
    return f"{part} of the {main}" if not part.lower().endswith(main.lower()) else part


def _merge_same(spans: list[MeetingSpan]) -> list[MeetingSpan]:
    """Two mentions with the same label are one meeting; keep the first, with any date found."""
    out: list[MeetingSpan] = []
    by_label: dict[str, MeetingSpan] = {}
    for s in spans:
        k = re.sub(r"\W+", " ", s.label.lower()).strip()
        if k in by_label:
            first = by_label[k]
            if first.date is None and s.date:
                by_label[k] = replace(first, date=s.date)
                out[out.index(first)] = by_label[k]
            first.refs.append(s.start)
            continue
        by_label[k] = s
        out.append(s)
    return out
