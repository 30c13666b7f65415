"""Meetings and events: which ones an article reports or refers to, their kind, date, place, organizer.

A meeting is a noun phrase headed by a meeting word of ``meetings.toml`` ("a symposium of experts
and entrepreneurs", "the 23rd meeting of the Standing Committee of ..."), a meeting between
officials ("X met with a delegation led by Y"), or a visit told by its verb ("From May 19 to 20, X
visited ..."). A bare "the meeting" refers back to the article's main meeting; "the opening
ceremony" or "the first plenary meeting" is a part of it. An article that only says "the meeting"
gets one implicit main meeting. Each event takes the date and place its own sentence states; a
part, or an event told as before or after another, takes the date of the event it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache

from kg.extract import dates
from kg.extract.lexicon import load_lexicon, words_pattern
from kg.extract.meeting_events import FullSentences, find_talks, visit_sentence
from kg.extract.meeting_places import meeting_place, place_at, venue_at, visit_place
from kg.extract.orgs import OrgHit

ANAPHORA_DETS = {"the", "this", "that", "said", "this year's"}
THIS_YEARS = re.compile(r"\b(?:[Tt]his\s+year|[Tt]he\s+(?:event|meeting|session|conference|forum))['’]s\s+$")
EVENT_ANAPHORA = re.compile(r"(?<![\w-])the\s+(?:event|occasion|gathering)(?![\w-])", re.I)
PARTY_CONGRESS = re.compile(
    r"(?<![\w-])(?:the\s+)?(?:\d+(?:st|nd|rd|th)|[A-Z][a-z]+(?:teenth|tieth|th|st|nd|rd))\s+(?:National\s+|Provincial\s+)?"
    r"(?:Party\s+)?Congress\s+of\s+the\s+(?:CPC|Communist\s+Party\s+of\s+China)(?![\w-])"
    r"|(?<![\w-])(?:the\s+)?\d+(?:st|nd|rd|th)\s+(?:CPC|Party)\s+National\s+Congress(?![\w-])"
)
LIST_GAP = re.compile(r"[^.;:]{0,60}?(?:,|\band|\s&)\s*(?:the\s+)?")
# "the event's opening ceremony", "this year's expo": the determiner of a meeting noun phrase
DETERMINER = re.compile(
    r"(?:the|this|that|a|an|its|their|his|her)\s+(?:(?:event|meeting|session|conference|forum|summit|expo|year)['’]s\s+)?",
    re.I,
)
SUBHEADLINE = re.compile(r"\n\s*\n[ \t]*(?:[^\n.?!]|[.?!](?!\s)){0,199}[^\s.:?!。\"”](?=[ \t]*\n[ \t]*\n)")
CAPTION = re.compile(r"[(\[](?:Photo|Photograph|Image|Xinhua)\b[^()\[\]\n]{0,80}[)\]]|\bPhoto\s+by\b")
RELATIVE = re.compile(r"\b(?:who|which|that)\s+(?:\w+\s+)?$")
LINKED = re.compile(r"\s*(?:Before|After|During|Following|Prior\s+to|On\s+the\s+sidelines\s+of|Ahead\s+of)\b")


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
def _kinds() -> tuple[re.Pattern[str], dict[str, str], frozenset[str], re.Pattern[str] | None]:
    lex = load_lexicon()
    noun_kind = {n: k["kind"] for k in lex.meetings["kind"] for n in k["nouns"]}
    proper = {n: k["kind"] for k in lex.meetings["kind"] for n in k.get("proper_nouns", [])}
    rx = re.compile(words_pattern(list(noun_kind)), re.I)
    proper_rx = re.compile(words_pattern(list(proper), ignore_case=False)) if proper else None
    noun_kind.update({n.lower(): k for n, k in proper.items()})
    parts = frozenset(_apostrophes(p) for p in lex.meetings["parts"]["nouns"])
    return rx, noun_kind, parts, proper_rx


def _apostrophes(s: str) -> str:
    return s.replace("’", "'")


@cache
def _rules() -> dict[str, re.Pattern[str]]:
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
    rules = _rules()
    headline_end = _subheadlines_end(text, headline_end)
    full = FullSentences(text, sentences)
    spans = _noun_meetings(text, doc, orgs)
    for i, (start, end, place) in enumerate(find_talks(full, [s.start for s in spans])):
        obj = re.sub(r"\s+", " ", text[start:end]).strip()
        spans.append(MeetingSpan(f"t{i + 1}", start, end, f"meeting with {obj}", "talks", "meeting", place=place))
    spans.sort(key=lambda s: s.start)
    spans = _drop_overlapping(spans, text)
    prev: MeetingSpan | None = None
    for s in spans:
        sent = _sentence(sentences, s.start)
        before = text[max(sent[0], s.start - 40) : s.start]
        listed = prev is not None and not prev.reported and LIST_GAP.fullmatch(text[prev.end : s.start]) is not None
        nested = any(o.start < s.start < o.end for o in spans if o is not s and o.kind != "talks")
        ref = rules["reference"].search(before)
        if (
            (
                ref
                and not rules["own_speech"].search(
                    text, max(sent[0], s.start - 80), s.start + ref.start() - len(before)
                )
            )
            or rules["future"].search(text, sent[0], sent[1])
            or rules["modifier"].match(s.label)
            or listed
            or nested
        ):
            s.reported = False
        prev = s
        s.organizer = _organizer(text, s, orgs, sent)
        if s.kind == "meeting" and s.organizer and "Standing Committee" in s.organizer:
            s.kind = "standing committee meeting"
        if s.organizer and s.label.lower().strip("() ") in (s.head, f"enlarged) {s.head}") and not s.anaphoric:
            s.label = f"{s.label} of the {s.organizer}"  # "a meeting" held by a body: name it by the body
    new = [s for s in spans if not s.anaphoric and not s.part]
    main = _main(new, text, sentences, max(headline_end, dateline.start if dateline else 0))
    for s in spans:
        if s.part and main is not None and not _belongs(s, main):
            s.part = False  # "the opening ceremony of the study session": a part of another event
    if main is None and any(s.anaphoric for s in spans):
        first = next(s for s in spans if s.anaphoric)
        main = MeetingSpan("m0", first.start, first.end, "meeting", first.kind, first.head)
        spans.insert(0, main)
        new.insert(0, main)
    if main is None:
        main = _visit_meeting(text, sentences, headline_end, dateline)
        if main is not None:
            spans.insert(0, main)
            new.insert(0, main)
    if main is not None:
        refs = [sp for sp in spans if sp.anaphoric and sp is not main]
        _date_and_place(main, full, doc_date, dateline, refs)
        if main.date is None and main.kind == "inspection tour":
            _visit_date(main, text, sentences, headline_end, doc_date, dateline)
        if main.date is None:
            ref = dates.reference_date(doc_date, dateline)
            main.date = ref.isoformat() if ref else dates.resolve(dateline, None, None) if dateline else None
    for s in spans:
        if s is main or s.anaphoric or not (s.reported or s.part):
            continue
        _date_and_place(s, full, doc_date, dateline)
        sent = _sentence(sentences, s.start)
        linked = LINKED.match(text, sent[0]) is not None
        if s.date is None and main is not None and (s.part or linked or s.kind == "talks"):
            s.date = _earlier_date(text, s.start, headline_end, doc_date, dateline) if s.kind == "talks" else None
            s.date = s.date or main.date
    return _assemble(spans, main, text, headline_end)


def _subheadlines_end(text: str, headline_end: int) -> int:
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


def _noun_meetings(text: str, doc, orgs: list[OrgHit]) -> list[MeetingSpan]:
    """Noun phrases headed by a meeting word (and party congresses), with their determiners read."""
    rx, noun_kind, parts, proper_rx = _kinds()
    rules = _rules()
    spans: list[MeetingSpan] = []
    quoted = [(m.start(), m.end()) for m in re.finditer(r"[“\"][^”\"\n]{1,200}[”\"]", text)]
    found = list(rx.finditer(text)) + list(PARTY_CONGRESS.finditer(text))
    if proper_rx is not None:  # a name's last word: "the ... Leaders Dialogue", not "Dialogue Relations"
        found += [m for m in proper_rx.finditer(text) if not re.match(r"\s+[A-Z]", text[m.end() : m.end() + 2])]
    for m in found:
        congress = PARTY_CONGRESS.fullmatch(m.group()) is not None
        if any(o.start <= m.start() < o.end and o.kind != "media" for o in orgs) and not congress:
            continue
        if any(a < m.start() < b for a, b in quoted):
            continue
        if not congress and (rules["not_before"].search(text, max(0, m.start() - 30), m.start()) or _in_venue(text, m)):
            continue
        noun = re.sub(r"\s+", " ", m.group().lower())
        kind = noun_kind.get(noun, "party congress")
        tok = _token_at(doc, m.end() - 1)
        if tok is not None and tok.tag_ not in NOUN_TAGS and noun not in ("talks",):
            continue
        start, end = _phrase(doc, text, m.start(), m.end(), orgs)
        label = re.sub(r"\s+", " ", text[start:end])
        det = DETERMINER.match(label)
        core = label[det.end() :] if det else label
        det_word = _apostrophes(re.sub(r"\s+", " ", det.group().strip().lower())) if det else ""
        if det is None and THIS_YEARS.search(text, max(0, start - 30), start):
            det_word = "this year's"  # "This year's expo and summit": spaCy leaves the determiner out
        # "the meeting", "the event's opening ceremony"; not a name ("held the Recital Concert")
        anaphoric = det_word in ANAPHORA_DETS or "'s" in det_word
        anaphoric = anaphoric and core.lower() == noun and (core[:1].islower() or " " not in core)
        own_body = any(start + (det.end() if det else 0) < o.start < end and o.kind != "media" for o in orgs)
        is_part = _apostrophes(core.lower()) in parts or (noun in parts and not own_body)
        spans.append(
            MeetingSpan(
                f"m{len(spans) + 1}",
                start + (det.end() if det else 0),
                end,
                core,
                kind,
                noun,
                anaphoric=anaphoric and not is_part,
                part=is_part and bool(det_word) and det_word not in ("a", "an"),
            )
        )
    return spans


def _in_venue(text: str, m: re.Match[str]) -> bool:
    """ "Qingdao International Conference Center": the meeting word is part of a building's name."""
    back = re.search(r"(?:[A-Z][\w'’-]*\s+){0,4}$", text[max(0, m.start() - 60) : m.start()])
    at = m.start() - (len(back.group()) if back else 0)
    v = venue_at(text, at)
    return v is not None and v.end() > m.end()


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
        if child.dep_ == "prep" and child.lower_ in ("of", "on", "for", "with", "between"):
            last = max(t.idx + len(t) for t in child.subtree)
            if "\n" not in text[right:last]:
                right = max(right, last)
    for o in orgs:
        if o.start < right < o.end:
            right = o.end
    right = min(right, _label_cut(text, end, right))
    label = text[left:right]
    if len(label) > 220:
        right = left + label[:220].rfind(" ")
    while right > left and text[right - 1] in " ,;(":
        right -= 1
    while left < right and text[left] in ' ,;:)”"':
        left += 1
    return left, right


def _label_cut(text: str, lo: int, hi: int) -> int:
    """Where a label runs into the meeting's date or place ("... on July 2", "... in Hefei", "... at the Hall")."""
    for m in re.finditer(r"\s+(?:on|in|at)\s+(?:the\s+)?", text[lo:hi]):
        at = lo + m.end()
        if dates.find_dates(text, at, min(hi, at + 30)) and dates.find_dates(text, at, at + 30)[0].start == at:
            return lo + m.start()
        if place_at(text, at, hi) or venue_at(text, at):
            return lo + m.start()
    return hi


def _drop_overlapping(spans: list[MeetingSpan], text: str) -> list[MeetingSpan]:
    out: list[MeetingSpan] = []
    for s in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if (
            out
            and s.start < out[-1].end
            and not (s.head != out[-1].head and s.start > out[-1].start + len(out[-1].head) + 40)
        ):
            continue
        joined = text[out[-1].end : s.start] in (" and ", " & ") if out else False
        if joined and not out[-1].label[:1].islower() and s.label[:1].isupper():
            prev = out[-1]  # "the 2023 World Cities Forum and Regional Leaders' Summit" is one event
            prev.end, prev.label = s.end, text[prev.start : s.end]
            continue
        if out and re.fullmatch(r"\s*(?:\([^()]{1,20}\)\s*)?,\s*an?\s+", text[out[-1].end : s.start]):
            out[-1].refs.append(s.start)  # "the fourth Expo (CEE), a six-day international fair, opened"
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


def _belongs(part: MeetingSpan, main: MeetingSpan) -> bool:
    """ "the opening ceremony" or "... of the conference" belong to the main meeting; "the opening
    ceremony of the study session" belongs to the study session."""
    m = re.search(rf"{re.escape(part.head)}\s+(?:of|for)\s+(?:the\s+)?(.+)", part.label, re.I)
    if m is None:
        return True
    comp, label = m.group(1).lower(), main.label.lower()
    return comp in _kinds()[1] or comp in label or label in comp


def _main(new: list[MeetingSpan], text: str, sentences: list[tuple[int, int]], body_start: int) -> MeetingSpan | None:
    """The article's own event: the first one held ("X held a plenary meeting"), else the first told
    with a verb of holding or a date, in the body (after the headline, captions and dateline)."""
    rules = _rules()
    body = [s for s in new if s.start >= body_start and s.reported]
    captions = [s for s in body if CAPTION.search(text, s.start, _paragraph_end(text, s.start))]
    for group in ([s for s in body if s not in captions], captions):
        for s in group:  # "X held a plenary meeting", "the 23rd meeting of ... was held in Hangzhou"
            held_before = rules["held_before"].search(text, max(0, s.start - 40), s.start)
            relative = held_before and RELATIVE.search(text, max(0, held_before.start() - 20), held_before.start())
            if (held_before and not relative) or rules["held_after"].match(text, s.end):
                return s
        for s in group:  # the first event told with a verb of holding or a date
            sent = _sentence(sentences, s.start)
            if rules["held"].search(text, sent[0], sent[1]) or dates.find_dates(text, sent[0], sent[1]):
                return s
    return body[0] if body else next((s for s in new if s.reported), None)


def _paragraph_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


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
        if hits and span.date is None:
            span.date = dates.resolve(hits[0], doc_date, dateline)
        if span.place is None:
            span.place = meeting_place(text, sent, at.start, at.end)


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


def _visit_meeting(
    text: str, sentences: list[tuple[int, int]], headline_end: int, dateline: dates.DateHit | None
) -> MeetingSpan | None:
    """An article with no meeting but a dated visit ("On April 14, X went to Y to inspect ..."): the visit."""
    found = visit_sentence(text, sentences, headline_end, dateline)
    if found is None:
        return None
    (s0, s1), _ = found
    place = visit_place(text, s0, s1)
    span = MeetingSpan(
        "v1", s0, s1, f"inspection tour to {place}" if place else "inspection tour", "inspection tour", "tour"
    )
    span.place = place
    return span


def _earlier_date(
    text: str, pos: int, headline_end: int, doc_date: date | None, dateline: dates.DateHit | None
) -> str | None:
    """The last date the article states before ``pos`` ("X arrived on Friday ... Before the ceremony, X met ...")."""
    lo = max(headline_end, dateline.end if dateline else 0)
    hits = dates.find_dates(text, lo, pos) if lo < pos else []
    return dates.resolve(hits[-1], doc_date, dateline) if hits else None


def _assemble(spans: list[MeetingSpan], main: MeetingSpan | None, text: str, headline_end: int) -> list[MeetingSpan]:
    out = []
    for s in spans:
        if s.anaphoric:
            if main is not None:
                main.refs.append(s.start)
            continue
        if s.part and main is not None and s is not main:
            s.part_of, s.label = main.key, _part_label(s.label, main.label)
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


def _part_label(part: str, main: str) -> str:
    return f"{part} of the {main}" if main.lower() not in part.lower() else part


def _merge_same(spans: list[MeetingSpan]) -> list[MeetingSpan]:
    """Two mentions with the same label are one meeting; keep the first, with any date found."""
    out: list[MeetingSpan] = []
    by_label: dict[str, MeetingSpan] = {}
    for s in spans:
        k = re.sub(r"\W+", " ", s.label.lower()).strip()
        if s.kind == "talks":
            k = "talks " + " ".join(k.split()[2:4])  # "meeting with U.S. delegates ...": one per guest
        if k in by_label:
            first = by_label[k]
            if (first.date is None and s.date) or (first.place is None and s.place):
                by_label[k] = replace(first, date=first.date or s.date, place=first.place or s.place)
                out[out.index(first)] = by_label[k]
            by_label[k].refs.append(s.start)
            continue
        by_label[k] = s
        out.append(s)
    return out
