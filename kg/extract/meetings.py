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
from dataclasses import replace
from datetime import date
from functools import cache

from kg.extract import dates
from kg.extract import meeting_dating as dating
from kg.extract.lexicon import load_lexicon, words_pattern
from kg.extract.meeting_dating import LIST_GAP  # noqa: F401 - re-exported for roles
from kg.extract.meeting_events import FullSentences, dated_visit, find_talks, visit_sentence
from kg.extract.meeting_places import place_at, venue_at, visit_place
from kg.extract.meeting_span import MeetingSpan
from kg.extract.orgs import OrgHit

ANAPHORA_DETS = {"the", "this", "that", "said", "this year's"}
THIS_YEARS = re.compile(r"\b(?:[Tt]his\s+year|[Tt]he\s+(?:event|meeting|session|conference|forum))['’]s\s+$")
EVENT_ANAPHORA = re.compile(r"(?<![\w-])the\s+(?:event|occasion|gathering)(?![\w-])", re.I)
PARTY_CONGRESS = re.compile(
    r"(?<![\w-])(?:the\s+)?(?:\d+(?:st|nd|rd|th)|[A-Z][a-z]+(?:teenth|tieth|th|st|nd|rd))\s+(?:National\s+|Provincial\s+)?"
    r"(?:Party\s+)?Congress\s+of\s+the\s+(?:CPC|Communist\s+Party\s+of\s+China)(?![\w-])"
    r"|(?<![\w-])(?:the\s+)?\d+(?:st|nd|rd|th)\s+(?:CPC|Party)\s+National\s+Congress(?![\w-])"
)
# "the event's opening ceremony", "this year's expo": the determiner of a meeting noun phrase
DETERMINER = re.compile(
    r"(?:the|this|that|a|an|its|their|his|her)\s+(?:(?:event|meeting|session|conference|forum|summit|expo|year)['’]s\s+)?",
    re.I,
)


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
    headline_end = dating.headline_block_end(text, headline_end)
    doc_date = doc_date or dates.stated_date(text, 1000)  # no header: "From June 11 to 12, 2020, ..."
    full = FullSentences(text, sentences)
    spans = _noun_meetings(text, doc, orgs)
    for m in EVENT_ANAPHORA.finditer(text):  # "The event was held at ...": the main meeting again
        if not any(s.start <= m.start() < s.end for s in spans):
            spans.append(MeetingSpan("e", m.start(), m.end(), "event", "meeting", "event", anaphoric=True))
    for i, (start, end, place) in enumerate(find_talks(full, [s.start for s in spans])):
        obj = re.sub(r"\s+", " ", text[start:end]).strip()
        spans.append(MeetingSpan(f"t{i + 1}", start, end, f"meeting with {obj}", "talks", "meeting", place=place))
    spans.sort(key=lambda s: s.start)
    spans = _drop_overlapping(spans, text)
    dating.mark_referred(spans, text, sentences)
    for s in spans:
        s.organizer = _organizer(text, s, orgs, _sentence(sentences, s.start))
        if s.kind == "meeting" and s.organizer and "Standing Committee" in s.organizer:
            s.kind = "standing committee meeting"
        if s.organizer and s.label.lower().strip("() ") in (s.head, f"enlarged) {s.head}") and not s.anaphoric:
            s.label = f"{s.label} of the {s.organizer}"  # "a meeting" held by a body: name it by the body
    new = [s for s in spans if not s.anaphoric and not s.part]
    main = dating.main_meeting(new, text, sentences, max(headline_end, dateline.start if dateline else 0))
    for s in spans:
        if s.part and main is not None and not _belongs(s, main):
            s.part = False  # "the opening ceremony of the study session": a part of another event
    if main is None:  # "On April 14, X led a team to inspect ...": the visit, which "the inspection" refers to
        main = _visit_meeting(text, sentences, headline_end, dateline)
        if main is not None:
            spans.insert(0, main)
    elif (lead := _lead_visit(text, sentences, spans, headline_end, dateline)) is not None:
        spans.append(lead)  # "From July 9 to 10, the delegation inspected X. ... a symposium was held"
    if main is None and any(s.anaphoric for s in spans):
        first = next(s for s in spans if s.anaphoric)
        main = MeetingSpan("m0", first.start, first.end, "meeting", first.kind, first.head)
        spans.insert(0, main)
    dating.date_all(spans, main, full, headline_end, doc_date, dateline)
    return _assemble(spans, main, text, headline_end)


def _noun_meetings(text: str, doc, orgs: list[OrgHit]) -> list[MeetingSpan]:
    """Noun phrases headed by a meeting word (and party congresses), with their determiners read."""
    rx, noun_kind, parts, proper_rx = _kinds()
    rules = dating.rules()
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
        if not congress and re.match(r"['’]s\s", text[m.end() : m.end() + 3]):
            continue  # "the session's first plenary meeting": a determiner of the next meeting
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
                definite=det_word in ANAPHORA_DETS and _bare(core, noun),
            )
        )
    return spans


def _bare(core: str, noun: str) -> bool:
    """ "preparatory meeting", "plenary meeting": a common noun phrase with no name or complement."""
    return core.lower().endswith(noun) and re.fullmatch(r"[a-z][a-z-]*(?:\s+[a-z][a-z-]*){0,2}", core) is not None


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


def _lead_visit(
    text: str,
    sentences: list[tuple[int, int]],
    spans: list[MeetingSpan],
    headline_end: int,
    dateline: dates.DateHit | None,
) -> MeetingSpan | None:
    """A dated visit told by the body's first sentence, before the main meeting: an event of its own."""
    s0, s1 = next(((a, b) for a, b in sentences if a >= headline_end), (0, 0))
    if s1 <= s0 or any(s0 <= s.start < s1 and not s.anaphoric for s in spans):
        return None
    if dated_visit(text, s0, s1, dateline) is None:
        return None
    place = visit_place(text, s0, s1)
    return MeetingSpan(
        "v2", s0, s1, f"inspection tour to {place}" if place else "inspection tour", "inspection tour", "tour"
    )


def _told_before(s: MeetingSpan, spans: list[MeetingSpan], headline_end: int) -> MeetingSpan | None:
    """The event a bare "the plenary meeting" names again: the latest one before it with that head."""
    if not s.definite or s.anaphoric or s.start < headline_end:
        return None
    said = s.label.lower()
    earlier = [
        t
        for t in spans
        if t.start < s.start
        and t.head == s.head
        and not t.anaphoric
        and t.start >= headline_end
        and re.search(rf"(?<![\w-]){re.escape(said)}(?![\w-])", t.label.lower())
    ]
    return earlier[-1] if earlier else None


def _assemble(spans: list[MeetingSpan], main: MeetingSpan | None, text: str, headline_end: int) -> list[MeetingSpan]:
    out = []
    for s in spans:
        if (before := _told_before(s, out, headline_end)) is not None:
            before.refs.append(s.start)  # "A preparatory meeting was held ... X presided over the preparatory meeting"
            continue
        if s.anaphoric:
            if main is not None:
                main.refs.append(s.start)
            continue
        if s.part and main is not None and s is not main:
            s.part_of, s.label = main.key, _part_label(s.label, main.label)
        if s.start < headline_end and main is not None and s is not main:
            continue  # the headline's meeting is the body's main meeting
        out.append(s)
    if main is not None:
        out.remove(main)
        out.insert(0, main)
    return _merge_same(out)


def _part_label(part: str, main: str) -> str:
    """ "opening ceremony of the Forum"; "plenary meeting of the session" of "opening ceremony of the
    Third Session of X" is "plenary meeting of the Third Session of X"."""
    if main.lower() in part.lower():
        return part
    own = re.fullmatch(r"(.+?)\s+of\s+the\s+(\w+)", part)
    whole = re.search(r"\s(?:of|for)\s+(?:the\s+)?(.+)$", main)
    if own and whole and re.search(rf"\b{re.escape(own.group(2))}\b", whole.group(1).split(" of ")[0], re.I):
        return f"{own.group(1)} of the {whole.group(1)}"
    return f"{part} of the {main}"


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
