"""Who presided over, spoke at or attended a meeting.

A role verb of ``roles.toml`` takes as subjects the people written right before it: one person,
or a list of people each with their titles ("A, Director of ...; B, Chairman of ...; and C,
..., attended"). A verb joined by "and" to an earlier one shares its subjects ("presided over
the meeting and made a speech"); "He"/"She" is the last subject named; "presided over by X" and
"According to X," name theirs after; "X's speech at <meeting>" says X spoke at that meeting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from kg.extract.lexicon import load_lexicon, words_pattern
from kg.extract.meetings import LIST_GAP, MeetingSpan
from kg.extract.role_verbs import _Patterns, _role_of, _verbs

ADVERBS = (
    r"(?:also|then|later|subsequently|respectively|further|each|both|all|successively|separately|jointly|"
    r"first|finally|briefly|specifically|again|personally|has|have|had|was|were|is|once|fully|earnestly|"
    r"warmly|positively|particularly|especially|repeatedly)"
)
TIME_ADVERBIAL = (
    r"(?:on|in|at)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|the\s+morning|the\s+afternoon|"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?)"
)
SKIP_BACK = re.compile(rf"(?:[\s,]|\b{ADVERBS}\b|\b{TIME_ADVERBIAL}\b)*$", re.I)
SPEECH_BY = re.compile(r"(?:speech|speeches|remarks|report|address)\s+(?:delivered|made|given)\s+by\s+$", re.I)
MET_BEFORE = re.compile(r"(?<![\w-])met\s+(?:(?:in|at|on)\s+[^,.;]{1,40}?\s+)?(?:with\s+)?$", re.I)
PRONOUN = re.compile(rf"(?<![\w-])(?:he|she)(?:\s+(?:{ADVERBS}|\w+ly))*\s*$", re.I)
APPOSITION_GAP = re.compile(r"(?:\s*,\s*[^,;.()]{0,100}|[^,;.()]{0,100})?")
WHO_AFTER_NAME = re.compile(r"\s*,\s*who\s+(?:also\s+|then\s+|later\s+|further\s+)?$", re.I)


@dataclass(frozen=True)
class PersonSpan:
    """An accepted person mention with the reach of its titles: ``start``..``end`` covers them."""

    surface: str
    name_start: int
    name_end: int
    start: int
    end: int
    possessive: bool


@dataclass(frozen=True)
class RoleHit:
    person: PersonSpan
    role: str
    meeting: str | None  # MeetingSpan key
    verb_start: int
    verb_end: int


def find_roles(
    text: str,
    sentences: list[tuple[int, int]],
    people: list[PersonSpan],
    meetings: list[MeetingSpan],
    doc=None,
    titled: Sequence[tuple[str, PersonSpan]] = (),
) -> list[RoleHit]:
    """Every (person, role, meeting) the text states.

    ``doc`` is the parse, for subjects far from their verb; ``titled`` pairs each person with the
    titles read around them (lowercase), for subjects named by their title ("the mayor said").
    """
    pats = _verbs()
    main = meetings[0].key if meetings else None
    hits: list[RoleHit] = []
    last_subjects: list[PersonSpan] = []
    for s0, s1 in sentences:
        in_sent = [p for p in people if s0 <= p.name_start < s1]
        opener = next((p for p in in_sent if p.start - s0 <= 2 and not p.possessive), None)
        found_subject = False
        prev: tuple[list[PersonSpan], str | None, int] | None = None
        for m in pats.active.finditer(text, s0, s1):
            if any(p.name_start <= m.start() < p.name_end for p in in_sent) or _passive_here(text, m):
                continue
            role = _role_of(m.group(), pats)
            subjects = _subjects_before(text, s0, m.start(), in_sent, pats)
            if not subjects and PRONOUN.search(text[max(s0, m.start() - 40) : m.start()]) and last_subjects:
                subjects = last_subjects[:1]
            if not subjects:
                subjects = _named_by_title_or_relative(text, s0, m.start(), in_sent, titled)
            meeting = (
                _meeting_after(text, m.end(), s1, meetings) or (prev[1] if prev and not subjects else None) or main
            )
            if (
                not subjects
                and prev
                and re.search(r"(?:\band|,)\s*(?:\b" + ADVERBS + r"\s+)?$", text[prev[2] : m.start()])
                and not any(prev[2] <= p.name_start < m.start() for p in in_sent)
            ):
                subjects = prev[0]
            if not subjects and doc is not None:
                subjects = _dep_subjects(doc, text, m.start(), in_sent, (s0, s1))
            if not subjects and opener is not None and OPENER_APPOSITION.fullmatch(text, opener.end, m.start()):
                subjects = _list_from(opener, in_sent, text)  # "X, <titles the rules cannot read>, presided over"
            if subjects:
                for p in subjects:
                    hits.append(RoleHit(p, role, meeting, m.start(), m.end()))
                prev = (subjects, meeting, m.end())
                last_subjects = subjects
                found_subject = True
            hits += _listed_after(text, m, role, meeting, in_sent, s1)
        for p in in_sent:
            hits += _roles_around(p, in_sent, text, s0, s1, meetings, main, pats)
        if not found_subject and opener is not None:
            last_subjects = [opener]  # "X conducted an inspection tour. He stressed ..."
    return hits


def _named_by_title_or_relative(
    text: str, s0: int, verb_start: int, people: list[PersonSpan], titled: Sequence[tuple[str, PersonSpan]]
) -> list[PersonSpan]:
    """The subject of "the mayor said" (the last person named with that title), or of "X, who said"."""
    before = text[max(s0, verb_start - 300) : verb_start]
    who = WHO_AFTER_NAME.search(before)
    if who is not None:
        at = verb_start - len(before) + who.start()
        earlier = [p for p in people if p.name_end <= at and not p.possessive]
        named = max(earlier, key=lambda p: p.name_start) if earlier else None
        if named is not None and APPOSITION_GAP.fullmatch(text, min(named.end, at), at):
            return [named]  # "X, president of a company, who said ..."
        return []
    ref = _title_ref().search(before)
    if ref is None or not titled:
        return []
    title = load_lexicon().title_by_form.get(re.sub(r"\s+", " ", ref.group("title").lower()).replace("’", "'"))
    if title is None:
        return []
    holders = [p for name, p in titled if name == title.name.lower()]
    earlier = [p for p in holders if p.name_end <= verb_start]
    if earlier:
        return [max(earlier, key=lambda p: p.name_start)]
    if len({p.surface for p in holders}) == 1:
        return holders[:1]
    return []


@cache
def _title_ref() -> re.Pattern[str]:
    """ "the mayor", "The vice-premier", "the Party Secretary" right before a verb (and its adverbs)."""
    forms = [f for f in load_lexicon().title_by_form if not f.endswith("s")]
    return re.compile(
        rf"(?:^|[.;:]\s+|,\s+|\band\s+|\n)(?:the|The)\s+(?:(?:provincial|municipal|city|county|district|"
        rf"visiting|chinese|foreign)\s+)?(?P<title>{words_pattern(forms)})(?:\s+(?:{ADVERBS}|\w+ly))*\s*$",
        re.I,
    )


def _roles_around(
    p: PersonSpan,
    in_sent: list[PersonSpan],
    text: str,
    s0: int,
    s1: int,
    meetings: list[MeetingSpan],
    main: str | None,
    pats: _Patterns,
) -> list[RoleHit]:
    """Roles stated by the words around one person: passives, inverted lists, "met with", speeches."""
    hits: list[RoleHit] = []
    before = text[max(s0, p.start - 300) : p.start]
    pm = pats.passive.search(before)
    if pm and pm.end() == len(before):  # "presided over by A", "accompanied by A, title, and B"
        role = pats.passive_role[re.sub(r"\s+", " ", pm.group().strip().lower())]
        meeting = _meeting_before(s0 + pm.start(), meetings, s0) or main
        listed = _list_from(p, in_sent, text) if role == "attended" else [p]
        hits += [RoleHit(q, role, meeting, s0 + pm.start(), q.start if q is p else q.end) for q in listed]
    if pats.inverted.search(before):  # "Also present were A, B and C."
        for q in _list_from(p, in_sent, text):
            hits.append(RoleHit(q, "attended", _meeting_before(p.start, meetings, s0) or main, p.start, q.end))
    if MET_BEFORE.search(before):  # "X met with Y", "X met in Z with A, B and C": they took part too
        # the talks named by the one met ("met with Governor Y": the meeting starts at the title)
        met = next((mt.key for mt in meetings if p.start <= mt.start <= p.name_start), None)
        meeting = _meeting_after(text, p.name_start, s1, meetings) or met or main
        for q in _list_from(p, in_sent, text):
            hits.append(RoleHit(q, "attended", meeting, q.name_start, q.name_end))
    lm = pats.lead.search(before)
    if lm and lm.end() == len(before) and re.match(r"\s*,", text[p.end : p.end + 3]):
        hits.append(RoleHit(p, "spoke", main, s0 + lm.start(), p.end))
    link = re.match(r"\s+(?:at|during|on)\s+", text[p.end : s1])
    if SPEECH_BY.search(before) and link:
        for key in _meetings_listed(text, p.end + link.end(), s1, meetings):
            hits.append(RoleHit(p, "spoke", key, p.start, p.end))
    made = SPEECH_MADE_AFTER.match(text, p.end, s1)
    if made and SPEECH_NOUN_BEFORE.search(before):  # "the speech (that) X delivered at the meeting"
        for key in _meetings_listed(text, made.end(), s1, meetings) or [main]:
            hits.append(RoleHit(p, "spoke", key, p.start, made.end()))
    if p.possessive:
        sm = pats.speech.match(text, p.name_end, s1)
        if sm:
            for key in _meetings_listed(text, sm.end(), s1, meetings):
                hits.append(RoleHit(p, "spoke", key, p.name_end, sm.end()))
    return hits


COLON_LIST = re.compile(r"(?:\s+(?:at|in|on|during)\s+the\s+\w+(?:\s+\w+)?)?(?:\s+\w+ly)?\s*:\s*", re.I)
ALONG_WITH = re.compile(r"[^,.;:()]{0,80}?\s(?:along|together)\s+with\s+", re.I)  # "attended X along with A"
GUESTS_FOR = re.compile(
    r"\s+(?:a|an)\s+(?:\w+\s+){0,2}?(?:banquet|dinner|luncheon|reception|welcome\s+ceremony)\s+"
    r"(?:for|in\s+honou?r\s+of)\s+(?:the\s+)?",
    re.I,
)


def _listed_after(
    text: str, m: re.Match[str], role: str, meeting: str | None, in_sent: list[PersonSpan], s1: int
) -> list[RoleHit]:
    """People the verb introduces after it: "spoke successively: A, ...; B, ...", "hosted a banquet for A",
    "attended the ceremony along with A and B"."""
    colon = COLON_LIST.match(text, m.end(), s1)
    guests = GUESTS_FOR.match(text, m.end(), s1) if role == "presided" else None
    along = ALONG_WITH.match(text, m.end(), s1) if role == "attended" else None
    lead = colon or guests or along
    if lead is None:
        return []
    first = next((p for p in in_sent if p.start == lead.end()), None)
    if first is None:
        return []
    listed_role = "attended" if guests else role
    return [RoleHit(q, listed_role, meeting, m.start(), q.end) for q in _list_from(first, in_sent, text)]


SPEECH_MADE_AFTER = re.compile(r"\s+(?:delivered|made|gave)\s+(?:at|during|on|to)\s+(?:the\s+)?", re.I)
SPEECH_NOUN_BEFORE = re.compile(
    r"(?<![\w-])(?:speech|speeches|remarks|report|address|instructions)\s+(?:that\s+|which\s+)?"
    r"(?:[A-Z][\w-]*\s+){0,4}$"
)
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


OPENER_APPOSITION = re.compile(rf"(?:\s*,|\s+of\s)[^.;:()]{{0,250}}?,\s*(?:{ADVERBS}\s+)*", re.I)


def _dep_subjects(
    doc, text: str, verb_start: int, people: list[PersonSpan], sentence: tuple[int, int]
) -> list[PersonSpan]:
    """The people the parse makes the subject of the verb at ``verb_start`` (or of the verb it is joined to).

    For subjects that the words between them and the verb hide from ``_subjects_before``: a long
    apposition ("X, secretary of Y in Z, the capital of W, delivered a report"), or a verb joined to
    an earlier one ("A and B extended a welcome ... and expressed gratitude").
    """
    span = doc.char_span(verb_start, verb_start + 1, alignment_mode="expand")
    if span is None or not len(span):
        return []
    verb = span[0]
    for _ in range(3):
        subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
        if subject is not None:
            break
        if verb.dep_ not in ("conj", "xcomp") or verb.head is verb or not sentence[0] <= verb.head.idx < sentence[1]:
            return []
        verb = verb.head
    else:
        return []
    tokens = [subject, *subject.conjuncts]
    out: list[PersonSpan] = []
    for tok in tokens:
        person = next((p for p in people if p.name_start <= tok.idx < p.name_end and not p.possessive), None)
        if person is not None and person not in out:
            out += [q for q in _list_from(person, people, text) if q not in out]
    return sorted(out, key=lambda p: p.start)


def _passive_here(text: str, m: re.Match[str]) -> bool:
    return bool(re.match(r"\s*by\b", text[m.end() : m.end() + 6])) or bool(
        re.search(r"\b(?:was|were|be|been|being)\s+$", text[max(0, m.start() - 12) : m.start()])
    )


def _subjects_before(
    text: str, s0: int, verb_start: int, people: list[PersonSpan], pats: _Patterns
) -> list[PersonSpan]:
    s0 = max(s0, verb_start - 2000)
    list_sep = pats.list_sep
    pos = s0 + SKIP_BACK.search(text[s0:verb_start]).start()
    tail = pats.list_tail.search(text, max(s0, pos - 120), pos)
    if tail is not None and tail.end() == pos:  # "A, B, C etc. were present", "A and relevant officials attended"
        pos = tail.start()
    out: list[PersonSpan] = []
    while True:
        p = next((p for p in people if p.end == pos and not p.possessive), None)
        if p is None:
            p = next((p for p in people if p.name_end == pos and not p.possessive), None)
        if p is None:
            break
        out.append(p)
        sep = list_sep.search(text[s0 : p.start])
        if not sep:
            break
        pos = s0 + sep.start()
    if (
        len(out) > 1
        and re.search(r":\s*$", text[s0 : out[-1].start])
        and re.fullmatch(r"\s*;\s*", text[out[1].end : out[0].start])
    ):
        return out[:1]  # "... participated: A, ...; B, ...; Vice Mayor C presided": the colon's list is not C's
    return list(reversed(out))


def _meeting_after(text: str, pos: int, s1: int, meetings: list[MeetingSpan]) -> str | None:
    window = text[pos : min(s1, pos + 60)]
    cut = re.search(r"[,;.]|\band\b", window)
    limit = pos + (cut.start() if cut else len(window))
    for mt in meetings:
        for at in [mt.start, *mt.refs]:
            if pos <= at < limit + 20 and at <= limit and not SINCE.search(text, pos, at):
                return mt.key
    return None


SINCE = re.compile(r"(?<![\w-])since\s+(?:the\s+)?$", re.I)  # "stressed that since the 18th Party Congress": when


def _meeting_before(pos: int, meetings: list[MeetingSpan], s0: int) -> str | None:
    best = None
    for mt in meetings:
        for at in [mt.start, *mt.refs]:
            if s0 <= at < pos and (best is None or at > best[0]):
                best = (at, mt.key)
    return best[1] if best else None


def _meetings_listed(text: str, pos: int, s1: int, meetings: list[MeetingSpan]) -> list[str]:
    """The meetings of "at the symposium of X, the symposium of Y and the symposium on Z"."""
    found = sorted(((mt.start, mt) for mt in meetings if pos <= mt.start < s1), key=lambda t: t[0])
    out, cursor = [], pos
    for start, mt in found:
        gap = text[cursor:start]
        if not (re.fullmatch(r"\s*(?:the|a|an)?\s*", gap) if not out else LIST_GAP.fullmatch(gap)):
            break
        out.append(mt.key)
        cursor = mt.end
    return out


# between two people of a list: a separator, or a short description and a separator
# ("A, winner of the medal, and B")
LIST_GAP_PEOPLE = re.compile(
    r"\s*(?:[,;]\s*and\s*,?|and\s*,?|[,;])\s*|\s*,\s*(?:(?:the|a|an)\s+)?[a-z][^,;.()]{0,80}?[,;]\s*(?:and\s+)?"
    r"|[^;.!?:]{0,150};\s*(?:and\s*,?\s*)?",  # "A, chairman of a company; B, ..." (a semicolon list)
    re.I,
)


def _list_from(first: PersonSpan, people: list[PersonSpan], text: str) -> list[PersonSpan]:
    """``first`` and the people listed after it ("A, Title of X, B and C")."""
    out = [first]
    for p in sorted(people, key=lambda p: p.start):
        if p.start <= out[-1].start:
            continue
        if LIST_GAP_PEOPLE.fullmatch(text[out[-1].end : p.start]):
            out.append(p)
        else:
            break
    return out
