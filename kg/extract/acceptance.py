"""Which candidate names really are people: the evidence a name needs to enter the graph.

spaCy's PERSON label alone is not enough in this genre (it tags places, slogans and headline
words), and a Chinese name shape alone is not either ("Hong Kong"): a name is kept with a title,
an honorific, a role, a credit line, a title right after it, a clean model name, or a place in a
list of accepted names. One-word mentions are kept as short forms of accepted names.
"""

from __future__ import annotations

import re

from kg.extract.careers import TitledPerson
from kg.extract.lexicon import load_lexicon
from kg.extract.people import (
    PersonCandidate,
    blocked_by_preposition,
    canonical_person_name,
    one_letter_apart,
    split_chinese_name,
)
from kg.extract.roles import RoleHit


def accept_people(people: list[TitledPerson], roles: list[RoleHit], text: str) -> set[int]:
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
            if len(other.surface.split()) >= 2 and (
                other.chinese or other.from_model or _clean_name(other.surface, lex)
            ):
                accept(other)
    surnames = {n.split()[0] for n in full}
    # a foreign name's lone mention is its last word ("Santoso said" after "Budi Santoso")
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
