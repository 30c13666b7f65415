"""Assemble one article's typed records (``DocumentExtraction``) from the pipeline's findings.

This is where the findings meet: titles are read around each candidate person, a candidate is
kept only with evidence that it names a person, roles are tied to meetings, and every record
gets its ``Evidence`` (document, sentence, character offsets).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Doc

from kg.extract import dates
from kg.extract.initiatives import InitiativeHit
from kg.extract.lexicon import load_lexicon
from kg.extract.meetings import MeetingSpan, find_meetings
from kg.extract.orgs import OrgHit
from kg.extract.people import (
    PersonCandidate,
    blocked_by_preposition,
    canonical_person_name,
    one_letter_apart,
    split_chinese_name,
)
from kg.extract.roles import PersonSpan, RoleHit, find_roles
from kg.extract.titles import LOOK_BACK, TitleHit, TitleScanner, leader_title
from kg.model import (
    Document,
    DocumentExtraction,
    Evidence,
    InitiativeMention,
    MeetingMention,
    OrgMention,
    ParticipationMention,
    PersonMention,
    PostMention,
)

APPOINT_BEFORE = re.compile(r"(?:appoint|appointed|appointing|name|named|elect|elected|nominate|nominated)\s+$", re.I)
APPOINT_AFTER = r"\s+(?:was\s+|has\s+been\s+|is\s+)?(?:appointed\s+|elected\s+|named\s+)?as\s+(?:the\s+)?"
RESIGN_AFTER = (
    r"(?:['’]s?\s+(?:request|application|resignation)\s+to\s+resign|\s+(?:resigned|stepped\s+down|"
    r"was\s+removed|was\s+relieved))\s+(?:as|from)\s+(?:the\s+post\s+of\s+|his\s+post\s+as\s+|her\s+post\s+as\s+)?(?:the\s+)?"
)
REMOVE_BEFORE = re.compile(r"(?:remove|removed|relieve|relieved|dismiss|dismissed)\s+$", re.I)
LEADER = re.compile(r"\s+(?:as\s+the\s+(?:major|main|top)?\s*leader|at\s+the\s+core)\b", re.I)
WITH_BEFORE = re.compile(r"\bwith\s+(?:Comrade\s+)?$")
SUBJECT_DEPS = ("nsubj", "nsubjpass", "poss")


@dataclass
class _Person:
    cand: PersonCandidate
    titles: list[TitleHit] = field(default_factory=list)
    start: int = 0
    end: int = 0
    honorific: bool = False
    pattern: bool = False  # appointment, resignation or leader phrase


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """spaCy's sentences, also split at line breaks (headlines have no full stop)."""
    from kg.extract.pipeline import doc_text

    out = []
    text = doc_text(doc)
    for s in doc.sents:
        a, b = s.start_char, s.end_char
        for m in re.finditer(r"[^\n]+", text[a:b]):
            seg = m.group()
            lead = len(seg) - len(seg.lstrip())
            if seg.strip():
                out.append((a + m.start() + lead, a + m.start() + len(seg.rstrip())))
    return out


def build_extraction(doc: Doc, document: Document) -> DocumentExtraction:
    """All records of one document, each with its evidence."""
    text = document.text
    ctx = doc._.kg_context
    orgs: list[OrgHit] = doc._.kg_orgs
    sentences = sentence_spans(doc)

    starts = [a for a, _ in sentences]  # sorted, the sentences do not overlap

    def sentence_at(pos: int) -> tuple[int, int] | None:
        i = bisect_right(starts, pos) - 1
        return sentences[i] if i >= 0 and pos < sentences[i][1] else None

    def ev(start: int, end: int) -> Evidence:
        s = sentence_at(start) or (start, max(end, start))
        if end > s[1]:  # a phrase across a (mis)split sentence: the evidence runs to the end of its last sentence
            last = sentence_at(end - 1)
            s = (s[0], max(end, last[1] if last else end))
        return Evidence(document.doc_id, s[0], s[1], text[s[0] : s[1]], start, end, text[start:end])

    def sent_of(pos: int) -> tuple[int, int]:
        return sentence_at(pos) or (pos, pos)

    scanner = TitleScanner(text, orgs, ctx)
    people = [_read_titles(c, scanner, text, sent_of(c.start), orgs) for c in doc._.kg_people]
    dateline = dates.find_dateline(text)
    headline_end = _headline_end(text)
    meetings = find_meetings(text, doc, orgs, sentences, document.date, dateline, headline_end)
    _share_plural_appositions(people, text)
    spans = [_span(p) for p in people]
    roles = find_roles(text, sentences, spans, meetings, doc)
    accepted = _accept(people, roles, text)
    roles = [r for r in roles if r.person.name_start in accepted]
    kept = [p for p in people if p.cand.start in accepted]
    if roles and not meetings:
        meetings = [_implicit_meeting(roles[0], document, dateline)]
        roles = [RoleHit(r.person, r.role, "m0", r.verb_start, r.verb_end) for r in roles]
    posts = _posts(kept, ev, text)
    return DocumentExtraction(
        doc_id=document.doc_id,
        file_name=document.file_name,
        date=document.date,
        region=ctx.region if ctx else None,
        sha256=document.sha256,
        people=tuple(PersonMention(p.cand.surface, ev(p.cand.start, p.cand.end)) for p in kept),
        organizations=tuple(_organizations(orgs, posts, doc._.kg_initiatives, ev)),
        posts=tuple(posts),
        meetings=tuple(_meeting_records(meetings, ev)),
        participations=tuple(
            _dedupe(
                ParticipationMention(
                    r.person.surface,
                    r.meeting or "m0",
                    r.role,
                    ev(min(r.person.name_start, r.verb_start), max(r.verb_end, r.person.name_end)),
                )
                for r in roles
            )
        ),
        initiatives=tuple(_initiatives(doc._.kg_initiatives, roles, meetings, text, ev)),
    )


def _read_titles(
    c: PersonCandidate, scanner: TitleScanner, text: str, sent: tuple[int, int], orgs: list[OrgHit]
) -> _Person:
    sent = (max(sent[0], c.start - LOOK_BACK), min(sent[1], c.end + 4 * LOOK_BACK))
    p = _Person(c, start=c.start, end=c.end)
    pre, pre_start = scanner.before(c.start, sent[0])
    if pre_start < c.start:
        p.start = pre_start
        p.honorific = bool(re.match(r"\s*(?:comrade|mr|ms|mrs|dr|madam)\b", text[pre_start : c.start], re.I))
        p.titles += pre
    status = "holds"
    lead = r"\s*,\s*(?:the\s+|a\s+|an\s+)?"
    if re.match(RESIGN_AFTER, text[c.end : sent[1]], re.I) or REMOVE_BEFORE.search(text[sent[0] : c.start]):
        status, lead = (
            "resigned",
            RESIGN_AFTER
            if re.match(RESIGN_AFTER, text[c.end : sent[1]], re.I)
            else r"\s+(?:from|of)\s+(?:the\s+post\s+of\s+|his\s+post\s+as\s+|her\s+post\s+as\s+)?(?:the\s+)?",
        )
        p.pattern = True
    elif APPOINT_BEFORE.search(text[sent[0] : c.start]) or re.match(
        r"\s+was\s+(?:appointed|elected|named)\b", text[c.end : sent[1]]
    ):
        status, lead, p.pattern = "appointed", APPOINT_AFTER, True
    post, post_end = scanner.after(c.end, sent[1], status=status, lead=re.compile(lead, re.I).pattern)
    if status != "holds" and not post:
        post, post_end = scanner.after(c.end, sent[1])
    p.titles += post
    p.end = max(p.end, post_end)
    before = text[sent[0] : p.start]
    if WITH_BEFORE.search(before) and LEADER.match(text, c.end):
        org = next(
            (o for o in reversed(orgs) if o.end <= p.start and p.start - o.end < 30 and o.kind != "media"),
            None,
        )
        if org is not None:
            p.titles.append(TitleHit(leader_title(org), org.name, org.kind, org.region, org, org.start, org.end))
            p.pattern = True
    return p


def _span(p: _Person) -> PersonSpan:
    return PersonSpan(p.cand.surface, p.cand.start, p.cand.end, p.start, p.end, p.cand.possessive)


def _accept(people: list[_Person], roles: list[RoleHit], text: str) -> set[int]:
    """Start offsets of candidates that really are people.

    A name of two or more words is a person's with evidence: a title or honorific, an appointment
    phrase, a credit line or person noun, a role, a title right after it (", vice chairman of ..."),
    or spaCy's PERSON label on a clean name. Then the names listed with an accepted one ("A, B and C")
    are people too, and one-word mentions are kept when they are the short form of an accepted name
    or stand before a title themselves ("Savina, Chief of ...").
    """
    lex = load_lexicon()
    role_starts = {r.person.name_start for r in roles}
    full: set[str] = set()
    accepted: set[int] = set()

    def accept(c: PersonCandidate) -> None:
        accepted.add(c.start)
        if len(c.surface.split()) >= 2:
            full.add(canonical_person_name(c.surface).lower())

    for p in people:
        c = p.cand
        if len(c.surface.split()) < 2:
            continue
        evidence = bool(p.titles) or p.honorific or p.pattern or c.marked or c.start in role_starts
        evidence = evidence or _titled_after(text, c.end, lex)
        if not evidence and c.from_model and (c.chinese or _clean_name(c.surface, lex)):
            evidence = not blocked_by_preposition(text, c)
        if evidence:
            accept(c)
    ordered = sorted(people, key=lambda p: p.cand.start)
    for _ in range(2):  # names listed beside accepted ones: "A, B and C, vice chairmen of ..."
        for a, b in zip(ordered, ordered[1:], strict=False):
            same = (a.cand.start in accepted) == (b.cand.start in accepted)
            if same or not LIST_GAP.fullmatch(text[a.end : b.start]):
                continue
            other = b.cand if a.cand.start in accepted else a.cand
            if len(other.surface.split()) >= 2 and (other.chinese or other.from_model):
                accept(other)
    surnames = {n.split()[0] for n in full}
    # a foreign name's lone mention is its last word ("Luthfi said" after "Ahmad Luthfi")
    surnames |= {n.split()[-1] for n in full if split_chinese_name(n.title(), lex) is None}
    for p in people:
        c = p.cand
        name = canonical_person_name(c.surface).lower()
        if c.start in accepted:
            continue
        one_word = len(c.surface.split()) == 1
        if name in full:
            accepted.add(c.start)
        elif one_word and c.surface.lower() in surnames and (c.from_model or c.start in role_starts):
            accepted.add(c.start)
        elif c.chinese and any(one_letter_apart(name, f) for f in full) and (c.from_model or c.start in role_starts):
            accepted.add(c.start)
        elif (
            one_word
            and c.surface not in lex.surnames
            and _clean_name(c.surface, lex)
            and c.surface.lower() not in lex.people.get("sentence_adverbs", ())
            and _titled_after(text, c.end, lex, direct=True)
        ):
            accepted.add(c.start)  # a person named by one word before a title: "Savina, Chief of ..."
    singles = {p.cand.surface for p in people if p.cand.start in accepted and len(p.cand.surface.split()) == 1}
    for p in people:
        if p.cand.surface in singles and p.cand.surface not in lex.surnames:
            accepted.add(p.cand.start)  # "Savina expressed ..." after "Savina, Chief of ..."
    return accepted


LIST_GAP = re.compile(r"\s*(?:[,;]\s*and\s*,?|,|;|and)\s*")
TITLED_LEAD = re.compile(r"\s*,\s*(?:(?:the|a|an|former|then|also|now)\s+)*(?:[A-Z][\w'’.-]*\s+){0,6}")


def _titled_after(text: str, end: int, lex, direct: bool = False) -> bool:
    """True when a title follows the name in an apposition: ", vice chairman of ...", ", CPC X secretary".

    ``direct``: only a title right after the comma (and an article) counts.
    """
    if direct:
        m = re.compile(r"\s*,\s*(?:(?:the|a|an)\s+)?").match(text, end)
        return bool(m) and lex.title_re.match(text, m.end()) is not None
    m = TITLED_LEAD.match(text, end)
    if not m:
        return False
    for at in sorted({m.end(), *(w.start() + m.start() for w in re.finditer(r"\S+", m.group()) if w.start())}):
        if lex.title_re.match(text, at):
            return True
    return False


def _clean_name(surface: str, lex) -> bool:
    """A name the model proposes that looks like one: capitalised words, none a title, place or headline word."""
    words = surface.split()
    if not 1 <= len(words) <= 4:
        return False
    blocked = _name_stop_words(lex)
    for w in words:
        if not re.fullmatch(r"[A-Z][a-z'’]+(?:-[A-Za-z][a-z'’]+)?", w) or w.lower() in blocked:
            return False
    return lex.place(surface) is None and not any(lex.place(w) is not None for w in words)


_STOP_WORDS: dict[int, frozenset[str]] = {}


def _name_stop_words(lex) -> frozenset[str]:
    found = _STOP_WORDS.get(id(lex))
    if found is None:
        words = {w for form in lex.title_by_form for w in form.split()}
        words |= set(lex.people.get("headline_verbs", ())) | set(lex.people.get("not_name_words", ()))
        found = _STOP_WORDS[id(lex)] = frozenset(words)
    return found


def _share_plural_appositions(people: list[_Person], text: str) -> None:
    """ "A, B and C, members of the Standing Committee of ...": the plural title is each one's."""
    run: list[_Person] = []
    for p in sorted(people, key=lambda p: p.cand.start):
        plural = [t for t in p.titles if t.plural and t.start >= p.cand.end]
        if plural:
            for q in run:
                q.titles.extend(plural)
            run = []
        elif not p.titles and (not run or re.fullmatch(r"\s*(?:,|,?\s*and)\s*", text[run[-1].end : p.start])):
            run.append(p)
        else:
            run = []


def _deputy_of(title: str, head: str) -> bool:
    """ "Vice Chairman" after "Chairman", "Secretary-General" after anything of the same body's leaders."""
    return bool(head) and (title != head and head in title or title.startswith("Secretary-General"))


def _same_paragraph(p: _Person, at: int, text: str) -> bool:
    return "\n" not in text[at : p.start]


def _posts(people: list[_Person], ev, text: str) -> list[PostMention]:
    out: list[PostMention] = []
    last_org: dict[str, tuple[str, str | None]] = {}
    list_title: TitleHit | None = None
    prev_end = -10
    last_any: str | None = None
    last_any_at = 0
    last_title = ""
    for p in sorted(people, key=lambda p: p.cand.start):
        titles = list(p.titles)
        if not titles and list_title is not None and p.start - prev_end < 6:
            titles = [list_title]
        list_title = (
            next((t for t in titles if t.plural), None) if titles else list_title if p.start - prev_end < 6 else None
        )
        prev_end = p.end
        # A title that names no body: the body of the same title just before, or of the post just
        # before in the same paragraph ("Chairman X presided. Vice chairmen A and B attended.")
        recent = last_any if last_any and _same_paragraph(p, last_any_at, text) else None
        orgs = [
            t.org or (last_org.get(t.title) or (None,))[0] or (recent if _deputy_of(t.title, last_title) else None)
            for t in titles
        ]
        shared = next((o for o in orgs if o), None)  # "vice chairman and secretary general X" share one body
        for t, org in zip(titles, orgs, strict=True):
            org = org or shared
            if org is None:
                continue
            last_org[t.title] = (org, t.org_kind)
            last_any, last_any_at, last_title = org, p.end, t.title
            start = min(p.cand.start, t.start)
            end = max(p.cand.end, t.end)
            out.append(
                PostMention(p.cand.surface, t.title, org, t.status, ev(start, end), INFERRED if t.inferred else STATED)
            )
    return _drop_inferred(_dedupe(out))


STATED, INFERRED = 0.9, 0.75


def _drop_inferred(posts: list[PostMention]) -> list[PostMention]:
    """A bare "Premier X" after "X, Premier of Y" is the same post, not a second one."""
    stated = {(canonical_person_name(p.person), p.title) for p in posts if p.confidence >= STATED}
    return [p for p in posts if p.confidence >= STATED or (canonical_person_name(p.person), p.title) not in stated]


def _organizations(
    orgs: list[OrgHit], posts: list[PostMention], initiatives: list[InitiativeHit], ev
) -> list[OrgMention]:
    out: list[OrgMention] = []
    for o in orgs:
        if o.kind in ("other", "ministry") and any(i.start <= o.start < i.end for i in initiatives):
            continue
        out.append(OrgMention(o.name, o.kind, o.region, o.parent, True, ev(o.start, o.end), o.level))
    named = {o.name for o in out}
    lex = load_lexicon()
    for p in posts:
        if p.org not in named:
            named.add(p.org)
            region = _region_in(p.org, lex)
            out.append(OrgMention(p.org, _kind_of(p.org), region, None, False, p.evidence))
    return out


def _kind_of(name: str) -> str:
    n = name.lower()
    for key, kind in (
        ("standing committee", "standing_committee"),
        ("cppcc", "cppcc"),
        ("people's congress", "congress"),
        ("people's government", "government"),
        ("state council", "government"),
        ("cpc", "party_committee"),
        ("embassy", "foreign"),
        (" government", "foreign"),
    ):
        if key in n:
            return kind
    return "central" if name == "People's Republic of China" else "other"


def _region_in(name: str, lex) -> str | None:
    for m in lex.place_re.finditer(name):
        e = lex.place(m.group())
        if e is not None:
            return e.name
    return "China" if name in ("CPC Central Committee", "State Council", "People's Republic of China") else None


def _headline_end(text: str) -> int:
    first = text.split("\n", 1)[0]
    if "\n" in text and 0 < len(first.strip()) < 200 and not first.rstrip().endswith((".", ":", "。", "?", "!")):
        return len(first)
    return 0


def _implicit_meeting(role: RoleHit, document: Document, dateline) -> MeetingSpan:
    date = document.date.isoformat() if document.date else (dates.resolve(dateline, None, None) if dateline else None)
    return MeetingSpan(
        "m0", role.verb_start, role.verb_end, "event reported in the article", "meeting", "meeting", date=date
    )


def _meeting_records(meetings: list[MeetingSpan], ev) -> list[MeetingMention]:
    return [
        MeetingMention(m.key, m.label, m.kind, m.date, m.place, m.organizer, ev(m.start, m.end), m.reported, m.part_of)
        for m in meetings
    ]


def _initiatives(
    hits: list[InitiativeHit], roles: list[RoleHit], meetings: list[MeetingSpan], text: str, ev
) -> list[InitiativeMention]:
    main = next((m.key for m in meetings if m.reported), None)
    speakers = sorted((r.verb_start, r.person.surface) for r in roles if r.role == "spoke")
    out = []
    for h in hits:
        promoter = None
        for at, who in speakers:
            if at <= h.start and "\n" not in text[at : h.start]:
                promoter = who
        out.append(InitiativeMention(h.name, h.kind, h.surface, ev(h.start, h.end), promoter, main))
    return out


def _dedupe(items):
    seen, out = set(), []
    for it in items:
        key = tuple(v for k, v in it.__dict__.items() if k != "evidence")
        if key not in seen:
            seen.add(key)
            out.append(it)
    return out
