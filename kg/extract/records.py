"""Assemble one article's typed records (``DocumentExtraction``) from the pipeline's findings.

This is where the findings meet: titles are read around each candidate person, a candidate is
kept only with evidence that it names a person, roles are tied to meetings, and every record
gets its ``Evidence`` (document, sentence, character offsets).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.tokens import Doc

from kg.extract import dates
from kg.extract.acceptance import accept_people
from kg.extract.careers import TitledPerson, read_titles, share_plural_appositions
from kg.extract.initiatives import InitiativeHit
from kg.extract.lexicon import load_lexicon
from kg.extract.meetings import MeetingSpan, find_meetings
from kg.extract.orgs import OrgHit
from kg.extract.people import canonical_person_name
from kg.extract.roles import PersonSpan, RoleHit, find_roles
from kg.extract.titleparts import OWN_BODY, takes_no_other_body
from kg.extract.titles import TitleHit, TitleScanner
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


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """spaCy's sentences, also split at line breaks (headlines have no full stop)."""
    from kg.extract.doctext import doc_text

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


def build_extraction(doc: Doc, document: Document, evidence_text: str | None = None) -> DocumentExtraction:
    """All records of one document, each with its evidence.

    The rules read ``document.text`` (soft line breaks unwrapped to spaces, one for one); evidence
    quotes ``evidence_text`` (default: the same), the stored text every offset points into.
    """
    text = document.text
    quoted = text if evidence_text is None else evidence_text
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
        return Evidence(document.doc_id, s[0], s[1], quoted[s[0] : s[1]], start, end, quoted[start:end])

    def sent_of(pos: int) -> tuple[int, int]:
        return sentence_at(pos) or (pos, pos)

    scanner = TitleScanner(text, orgs, ctx)
    people = [read_titles(c, scanner, text, sent_of(c.start), orgs) for c in doc._.kg_people]
    dateline = dates.find_dateline(text)
    headline_end = _headline_end(text)
    meetings = find_meetings(text, doc, orgs, sentences, document.date, dateline, headline_end)
    share_plural_appositions(people, text)
    spans = [_span(p) for p in people]
    titled = [(t.title.lower(), span) for p, span in zip(people, spans, strict=True) for t in p.titles]
    roles = find_roles(text, sentences, spans, meetings, doc, titled)
    accepted = accept_people(people, roles, text)
    credited = _credited(people, text)
    # people named only by a credit line (reporters) take no part in the meeting they report on
    roles = [r for r in roles if r.person.name_start in accepted and r.person.name_start not in credited]
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


def _credited(people: list[TitledPerson], text: str) -> set[int]:
    """Candidates named only by a credit line or a person noun ("reporters A and B"), and those listed with them."""
    out: set[int] = set()
    ordered = sorted(people, key=lambda p: p.cand.start)
    for i, p in enumerate(ordered):
        if p.titles:
            continue
        listed = (
            i
            and ordered[i - 1].cand.start in out
            and re.fullmatch(r"\s*(?:,|,?\s*and)\s*", text[ordered[i - 1].end : p.start])
        )
        if p.cand.marked or listed:
            out.add(p.cand.start)
    return out


def _span(p: TitledPerson) -> PersonSpan:
    return PersonSpan(p.cand.surface, p.cand.start, p.cand.end, p.start, p.end, p.cand.possessive)


def _fits(t: TitleHit, earlier: tuple[str, str | None] | None, bodies: dict[str, str]) -> str | None:
    """The body of the same title named just before, when it is of the kind this title belongs to."""
    if earlier is None:
        return None
    body = bodies.get(t.title, "none")
    return earlier[0] if body in ("none", earlier[1]) or earlier[1] is None else None


def _deputy_of(title: str, head: str) -> bool:
    """ "Vice Chairman" after "Chairman", "Secretary-General" after anything of the same body's leaders."""
    return bool(head) and (title != head and head in title or title.startswith("Secretary-General"))


def _same_paragraph(p: TitledPerson, at: int, text: str) -> bool:
    return "\n" not in text[at : p.start]


def _posts(people: list[TitledPerson], ev, text: str) -> list[PostMention]:
    out: list[PostMention] = []
    last_org: dict[str, tuple[str, str | None]] = {}
    list_title: TitleHit | None = None
    prev_end = -10
    last_any: str | None = None
    last_any_at = 0
    last_title = ""
    bodies = {t.name: t.body for t in load_lexicon().titles}
    for p in sorted(people, key=lambda p: p.cand.start):
        titles = list(p.titles)
        listed = p.start - prev_end < 6 and not re.search(r"[.!?;:\n]", text[max(0, prev_end) : p.start])
        if not titles and list_title is not None and listed:
            titles = [list_title]
        list_title = next((t for t in titles if t.plural), None) if titles else list_title if listed else None
        prev_end = p.end
        # A title that names no body: the body of the same title just before, or of the post just
        # before in the same paragraph ("Chairman X presided. Vice chairmen A and B attended.")
        recent = last_any if last_any and _same_paragraph(p, last_any_at, text) else None
        orgs = [
            t.org
            or (None if OWN_BODY.match(text, t.end) else _fits(t, last_org.get(t.title), bodies))
            or (recent if _deputy_of(t.title, last_title) else None)
            for t in titles
        ]
        kinds = [t.org_kind or (last_org.get(t.title) or (None, None))[1] for t in titles]
        for t, org in zip(titles, orgs, strict=True):
            # "vice chairman and secretary general X" share one body (titles of one phrase, one status)
            org = org or next(
                (
                    o
                    for u, o, k in zip(titles, orgs, kinds, strict=True)
                    if o and u.status == t.status and bodies.get(t.title, "none") in ("none", k)
                ),
                None,
            )
            if org is None or takes_no_other_body(t, titles[0], text):
                continue  # "Chief of <a body not read>", "X, title, and heads of relevant ...": not another's body
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
