"""A post or a role stated again: kg keeps one record per fact, with the evidence of its first statement.

"Feng Ming, secretary of X" twice in an article is one ``PostMention``; the second title lies in
no record's phrase, yet nothing is missing from the graph. These rules find the person a title
or role verb belongs to from the text right around it and the document's ``PersonMention``
phrases, and say whether kg has that very fact (same person, same title or role).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.audit.mentions import Hit
from kg.extract.lexicon import Lexicon
from kg.extract.people import canonical_person_name
from kg.model import DocumentExtraction

Named = tuple[int, int, str]  # start, end, canonical name
BEFORE_TITLE = re.compile(
    r"(?:['’]s)?\s*[,(]?\s*(?:(?:the|a|an|former|formerly|also|now|then|currently|concurrently|as|"
    r"who\s+(?:is|was|also\s+serves\s+as|serves\s+as)|serving\s+as)\s+)*"
)
AFTER_TITLE = re.compile(r"[^,;:()\".“”]{0,120}")
ADVERBS = r"(?:(?:\w+ly|also|then|has|have|had|was|were|is|once|further|again|later)\s+)*"
BEFORE_VERB = re.compile(rf"(?:['’]s)?\s*(?:,[^;]{{0,250}}?,)?\s*{ADVERBS}")
PRONOUN_BEFORE = re.compile(rf"(?<![\w-])(?:he|she)\s+{ADVERBS}$", re.I)
AFTER_PASSIVE = re.compile(r"[^,;:()\".“”]{0,60}")


@dataclass(frozen=True)
class Facts:
    """Who kg names where, and which posts and roles it has for whom."""

    people: tuple[Named, ...]  # in offset order
    orgs: tuple[Named, ...]  # explicit organization phrases with their names
    posts: frozenset[tuple[str, str, str]]  # (person, title, organization)
    roles: frozenset[tuple[str, str]]  # (person, role)


def facts(ex: DocumentExtraction, lex: Lexicon) -> Facts:
    """The restatement view of a ``DocumentExtraction``."""

    def name(surface: str) -> str:
        return canonical_person_name(surface, lex)

    return Facts(
        people=tuple(sorted({(p.evidence.start, p.evidence.end, name(p.surface)) for p in ex.people})),
        orgs=tuple(sorted({(o.evidence.start, o.evidence.end, o.name) for o in ex.organizations if o.explicit})),
        posts=frozenset((name(p.person), p.title, p.org) for p in ex.posts),
        roles=frozenset((name(p.person), p.role) for p in ex.participations),
    )


def same_person(a: str, b: str) -> bool:
    """The same name, or a lone surname and a full name that starts with it ("Wang", "Wang Lin")."""
    if a == b:
        return True
    short, full = sorted((a, b), key=lambda s: len(s.split()))
    return len(short.split()) == 1 and len(full.split()) > 1 and full.split()[0] == short


def _before(h: Hit, sent: tuple[int, int], f: Facts) -> Named | None:
    return next((p for p in reversed(f.people) if sent[0] <= p[0] and p[1] <= h.start), None)


def _after(h: Hit, sent: tuple[int, int], f: Facts) -> Named | None:
    return next((p for p in f.people if h.end <= p[0] and p[1] <= sent[1]), None)


def title_restated(h: Hit, text: str, sent: tuple[int, int], f: Facts, lex: Lexicon) -> bool:
    """kg has this post for the person the title is written next to ("X, former secretary of", "Mayor X")."""
    title = lex.title_by_form.get(re.sub(r"\s+", " ", text[h.start : h.end].lower()).replace("’", "'"))
    if title is None:
        return False
    holder = None
    before = _before(h, sent, f)
    if before is not None and BEFORE_TITLE.fullmatch(text, before[1], h.start):
        holder = before
    else:
        after = _after(h, sent, f)
        if after is not None and AFTER_TITLE.fullmatch(text, h.end, after[0]):
            holder = after
    if holder is None:
        return False
    org = next(
        (n for s, _, n in f.orgs if h.end < s and re.fullmatch(r"\s+(?:of|at|in)\s+(?:the\s+)?", text[h.end : s])),
        None,
    )
    return any(
        same_person(holder[2], person)
        and (t == title.name or t.startswith(title.name + " "))
        and (org is None or org == o)
        for person, t, o in f.posts
    )


def role_restated(h: Hit, role: str, text: str, sent: tuple[int, int], f: Facts) -> bool:
    """kg has this role for the verb's subject: the person right before it (past an apposition), right
    after it ("said X", "led by X"), or for "he"/"she" the last person named before."""
    subjects = []
    if text[h.start : h.end].lower().endswith(" by"):
        after = _after(h, sent, f)
        if after is not None and AFTER_PASSIVE.fullmatch(text, h.end, after[0]):
            subjects.append(after)
    else:
        before = _before(h, sent, f)
        if before is not None and BEFORE_VERB.fullmatch(text, before[1], h.start):
            subjects.append(before)
        after = _after(h, sent, f)
        if after is not None and re.fullmatch(r"\s+", text[h.end : after[0]]):
            subjects.append(after)
        if PRONOUN_BEFORE.search(text, sent[0], h.start):
            last = next((p for p in reversed(f.people) if p[1] <= h.start and h.start - p[1] < 1000), None)
            subjects += [last] if last is not None else []
    return any(same_person(s[2], person) and r == role for s in subjects for person, r in f.roles)
