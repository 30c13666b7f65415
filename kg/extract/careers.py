"""The titles written around a person's name, and what the sentence says of each: held now, before, given, left.

"X, Secretary of Y" holds; "X, former mayor of Y" and "X previously served as mayor of Y" held it
before; "appointed X vice governor", "X, secretary of Y, has been elected head of Z" are given it;
"accepted the resignation of X as governor" and "succeeding X as chairman" left it. The phrases
come from ``kg/data/careers.toml``; the titles themselves are read by ``kg.extract.titles``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from kg.extract.lexicon import alternation, load_lexicon
from kg.extract.orgs import OrgHit
from kg.extract.people import PersonCandidate
from kg.extract.titles import LOOK_BACK, TitleHit, TitleScanner, leader_title

ARTICLE = r"(?:(?:the|a|an)\s+)?"
RESIGN_AFTER = (
    r"(?:['’]s?\s+(?:request|application|resignation)\s+to\s+resign|\s+(?:resigned|stepped\s+down|"
    r"was\s+removed|was\s+relieved))\s+(?:as|from)\s+(?:the\s+post\s+of\s+|his\s+post\s+as\s+|her\s+post\s+as\s+)?(?:the\s+)?"
)
LEAVES_AFTER = r"\s+(?:as|from|of)\s+(?:the\s+post\s+of\s+|his\s+post\s+as\s+|her\s+post\s+as\s+|the\s+)?"
LEADER = re.compile(r"\s+(?:as\s+the\s+(?:major|main|top)?\s*leader|at\s+the\s+core)\b", re.I)
WITH_BEFORE = re.compile(r"\bwith\s+(?:Comrade\s+)?$")
HONORIFIC_BEFORE = re.compile(r"\s*(?:comrade|mr|ms|mrs|dr|madam|h\.e\.)(?![\w-])", re.I)
AGE = r"(?:\s*,\s*(?:aged\s+)?\d{2}\s*(?=,))?"  # "Liu, 61, has been governor"
PAREN_LEAD = re.compile(r"\s*\(\s*(?:who\s+is\s+(?:also\s+)?)?(?:the\s+|a\s+|an\s+)?", re.I)
OTHERS_LEAD = re.compile(r"\s*,?\s+and\s+(?:the\s+)?other\s+", re.I)


@dataclass
class TitledPerson:
    """A candidate person with the titles read around it; ``start``..``end`` covers them."""

    cand: PersonCandidate
    titles: list[TitleHit] = field(default_factory=list)
    start: int = 0
    end: int = 0
    honorific: bool = False
    pattern: bool = False  # appointment, resignation, career or leader phrase


@dataclass(frozen=True)
class _Phrases:
    former: re.Pattern[str]  # ", former mayor of ..." (after the name)
    former_before: re.Pattern[str]  # "former Hebei governor X" (before a title written before the name)
    links: tuple[tuple[re.Pattern[str], str], ...]  # (lead after a name or apposition, status)
    appoint_before: re.Pattern[str]
    resign_before: re.Pattern[str]
    succeed_before: re.Pattern[str]


def _any(words, *, prefix: str = r"(?<![\w-])") -> str:
    return prefix + alternation(list(words), ignore_case=True)


@cache
def _phrases() -> _Phrases:
    data = load_lexicon().careers
    former = re.compile(rf"{AGE}\s*,\s*{ARTICLE}{_any(data['former_modifiers'], prefix='')}\s*", re.I)
    links = []
    for key, status in (("appointment_links", "appointed"), ("past_links", "former"), ("current_links", "holds")):
        lead = rf"{AGE}\s*,?\s+{_any(data[key], prefix='')}(?![\w-])\s*(?:as\s+)?{ARTICLE}"
        links.append((re.compile(lead, re.I), status))
    return _Phrases(
        former,
        re.compile(_any(data["former_before"]) + r"\s+$", re.I),
        tuple(links),
        re.compile(_any(data["appointment_verbs"]) + r"\s+$", re.I),
        re.compile(_any(data["resignation_before"]) + r"\s+$", re.I),
        re.compile(_any(data["succession_before"]) + r"\s+$", re.I),
    )


def read_titles(
    c: PersonCandidate, scanner: TitleScanner, text: str, sent: tuple[int, int], orgs: list[OrgHit]
) -> TitledPerson:
    """The titles before and after candidate ``c`` within its sentence, each with its status."""
    ph = _phrases()
    sent = (max(sent[0], c.start - LOOK_BACK), min(sent[1], c.end + 4 * LOOK_BACK))
    p = TitledPerson(c, start=c.start, end=c.end)
    pre, pre_start = scanner.before(c.start, sent[0])
    if pre_start < c.start:
        p.start = pre_start
        p.honorific = bool(HONORIFIC_BEFORE.match(text[pre_start : c.start]))
        former = ph.former_before.search(text, sent[0], pre_start)
        if former:  # "former Japanese Prime Minister X": the span takes "former" too (lists of such)
            pre = [TitleHit(**{**t.__dict__, "status": "former"}) for t in pre]
            p.start = former.start()
        p.titles += pre
    before = text[sent[0] : c.start]
    after = text[c.end : sent[1]]
    status, lead = "holds", rf"{AGE}\s*,\s*(?:the\s+|a\s+|an\s+)?"
    paren = PAREN_LEAD.match(text, c.end)
    if paren:  # "X (Secretary of the District Committee) made a speech"
        lead = PAREN_LEAD.pattern
    elif OTHERS_LEAD.match(text, c.end):  # "A, B and other members of the Standing Committee"
        lead = OTHERS_LEAD.pattern
    if re.match(RESIGN_AFTER, after, re.I):
        status, lead = "resigned", RESIGN_AFTER
    elif ph.resign_before.search(before):
        status, lead = "resigned", LEAVES_AFTER
    elif ph.succeed_before.search(before):
        status, lead = "former", r"\s+as\s+(?:the\s+)?"  # "succeeding X as chairman": X held it
    elif ph.appoint_before.search(before):
        status, lead = "appointed", r"\s+(?:as\s+|to\s+the\s+post\s+of\s+)?(?:the\s+)?"
    elif ph.former.match(text, c.end):
        status, lead = "former", ph.former.pattern
    p.pattern = status != "holds"
    post, post_end = scanner.after(c.end, sent[1], status=status, lead=f"(?i:{lead})")
    if status != "holds" and not post:
        post, post_end = scanner.after(c.end, sent[1])
    p.titles += post
    p.end = max(p.end, post_end)
    if paren and post:
        close = re.compile(r"[^()\n]{0,200}?\)").match(text, p.end)
        p.end = close.end() if close else p.end
    # a career phrase after the name or its apposition: "X, secretary of Y, has been elected head of Z"
    for rx, link_status in ph.links:
        if rx.match(text, p.end):
            more, more_end = scanner.after(p.end, sent[1], status=link_status, lead=f"(?i:{rx.pattern})")
            if more:
                p.titles += more
                p.end = max(p.end, more_end)
                p.pattern = True
                break
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


def share_plural_appositions(people: list[TitledPerson], text: str) -> None:
    """ "A, B and C, members of the Standing Committee of ...": the plural title is each one's.

    An appointment stated in the plural after a list ("A, title, and B, title, have been chosen
    as deputy heads") is each one's too, whatever other titles they carry.
    """
    run: list[TitledPerson] = []
    listed: list[TitledPerson] = []
    for p in sorted(people, key=lambda p: p.cand.start):
        plural = [t for t in p.titles if t.plural and t.start >= p.cand.end]
        joined = bool(listed) and LIST_JOIN.fullmatch(text[listed[-1].end : p.start]) is not None
        listed = [*listed, p] if joined else [p]
        if plural:
            for q in run:
                q.titles.extend(plural)
            for q in listed[:-1]:
                q.titles.extend(t for t in plural if t.status == "appointed" and t not in q.titles)
            run, listed = [], []
        elif not p.titles:
            run = [*run, p] if run and LIST_JOIN.fullmatch(text[run[-1].end : p.start]) else [p]
        else:
            run = []


LIST_JOIN = re.compile(r"\s*(?:,|,?\s*and)\s*")
