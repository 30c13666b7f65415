"""Find the people an article names, as written, and decide which candidates really are people.

Candidates come from spaCy's PERSON entities, from the shape of Chinese names (a surname of
``chinese_names.toml`` followed by a pinyin given name, in any case: "Qin hao"), and from a
title next to a capitalised name ("Premier Alan Winde", "Paulette Bethel, Ambassador of ...").
A candidate is kept only with evidence that it is a person; see ``accept``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.lexicon import Lexicon, load_lexicon
from kg.extract.orgs import OrgHit

ENGLISH_WORD_SURNAMES = frozenset(
    "He An Long Sun Fan Man Ban Bo Pan Hang Song Tang Tan Le Ping Yu Mi Di Hu Bai Gan Lin Hong Kong Jiang".split()
)
POSSESSIVE = re.compile(r"['’]s?$")
NAME_TOKEN = re.compile(r"[A-Z][a-z]+(?:-[a-z]+)?|[a-z]+")
BLOCK_BEFORE = re.compile(r"(?:\b(?:of|in|to|at|from|into|near|across|than)\s+|\[[^\]]*\]\s*)$", re.I)


@dataclass(frozen=True)
class PersonCandidate:
    start: int
    end: int
    surface: str  # as written, without possessive
    possessive: bool
    chinese: bool  # has the shape of a Chinese name
    from_model: bool  # spaCy tagged it PERSON
    dep: str = ""  # dependency label of its last token


def split_chinese_name(surface: str, lex: Lexicon) -> tuple[str, str] | None:
    """("Qin", "hao") for "Qin hao"; None when the words are not surname + pinyin given name."""
    parts = surface.split()
    if len(parts) == 2 and parts[0] in lex.surnames and lex.is_pinyin_given_name(parts[1]):
        return parts[0], parts[1]
    if (
        len(parts) == 3
        and parts[0] in lex.surnames
        and all(lex.is_pinyin_given_name(p) for p in parts[1:])
        and len(parts[1]) + len(parts[2]) <= 7
    ):
        return parts[0], parts[1] + parts[2].lower()
    return None


def canonical_person_name(surface: str, lex: Lexicon | None = None) -> str:
    """Capitalisation fixed, possessive and extra spaces removed ("Qin hao" -> "Qin Hao")."""
    lex = lex or load_lexicon()
    s = POSSESSIVE.sub("", surface.strip()).strip()
    s = re.sub(r"\s+", " ", s)
    return " ".join(w.capitalize() if w.isupper() and len(w) > 1 else w[:1].upper() + w[1:] for w in s.split(" "))


def find_candidates(text: str, doc, orgs: list[OrgHit]) -> list[PersonCandidate]:
    """Every span of ``text`` that may name a person (spaCy doc for PERSON entities and deps)."""
    lex = load_lexicon()
    found: dict[tuple[int, int], PersonCandidate] = {}

    def add(start: int, end: int, from_model: bool, dep: str = "") -> None:
        while start < end and not text[start].isalpha():  # "-- Chen Jining" from a dateline
            start += 1
        surface = text[start:end]
        poss = False
        m = re.search(r"['’]s?$", surface)
        if m:
            poss = True
            end = start + m.start()
            surface = text[start:end]
        surface = surface.strip()
        if not surface or any(o.start <= start < o.end or start <= o.start < end for o in orgs if o.kind != "media"):
            return
        if "\n" in surface:
            return
        if lex.place(surface) is not None:
            return
        chinese = split_chinese_name(surface, lex) is not None
        key = (start, end)
        prev = found.get(key)
        found[key] = PersonCandidate(
            start,
            end,
            surface,
            poss or (prev.possessive if prev else False),
            chinese,
            from_model or (prev.from_model if prev else False),
            dep or (prev.dep if prev else ""),
        )

    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        start, end = _trim_entity(text, ent.start_char, ent.end_char, lex)
        if end > start:
            dep = doc[ent.end - 1].dep_ if ent.end > ent.start else ""
            if text[end : end + 2] in ("'s", "’s"):
                end += 2
            add(start, end, True, dep)
    surname_alt = "|".join(sorted(lex.surnames, key=len, reverse=True))
    for m in re.finditer(rf"(?<![\w-])(?:{surname_alt})\s[A-Za-z][a-z]+(?:-[a-z]+)?(?:['’]s)?(?![\w-])", text):
        name = POSSESSIVE.sub("", m.group()) if m.group().endswith(("'s", "’s")) else m.group()
        if split_chinese_name(name, lex):
            add(m.start(), m.end(), False)
    for m in re.finditer(rf"(?<![\w-])(?:{surname_alt})(?![\w'’-])(?!\s+[A-Z])", text):
        if m.group() in ENGLISH_WORD_SURNAMES or re.search(r"[A-Z][a-z]*\s$", text[max(0, m.start() - 20) : m.start()]):
            continue
        if not _inside(m.start(), found):
            add(m.start(), m.end(), False)  # "Wang urged ...": kept only if a full name has this surname
    return sorted(_drop_nested(found.values()), key=lambda c: c.start)


def _inside(pos: int, found: dict) -> bool:
    return any(s <= pos < e for s, e in found)


def _trim_entity(text: str, start: int, end: int, lex: Lexicon) -> tuple[int, int]:
    """Drop title words and trailing verbs that the model glued to a name ("Qin Haoran Hosted")."""
    span = text[start:end]
    words = list(re.finditer(r"\S+", span))
    while words and re.sub(r"\W", "", words[0].group()).lower() in _title_words(lex):
        words.pop(0)
    if len(words) >= 3:
        first_two = " ".join(w.group() for w in words[:2])
        if split_chinese_name(first_two, lex):
            words = words[:2]
    if not words:
        return start, start
    return start + words[0].start(), start + words[-1].end()


def _title_words(lex: Lexicon) -> set[str]:
    out = set()
    for form in lex.title_by_form:
        out.update(form.split())
    return out | {h.strip(".") for h in lex.honorifics} | {"chinese", "provincial", "party", "vice", "deputy"}


def _drop_nested(cands) -> list[PersonCandidate]:
    cands = sorted(cands, key=lambda c: (c.start, -(c.end - c.start)))
    out: list[PersonCandidate] = []
    for c in cands:
        if out and c.start < out[-1].end:
            continue
        out.append(c)
    return out


def blocked_by_preposition(text: str, cand: PersonCandidate) -> bool:
    """True for "Mayor of Jeju", "in Lecheng": a preposition right before marks a place."""
    return bool(BLOCK_BEFORE.search(text[max(0, cand.start - 30) : cand.start]))


def one_letter_apart(a: str, b: str) -> bool:
    """Same surname, given names one edit apart ("Fang Zhiwai" ~ "Fang Zhiwei"): a misspelling."""
    sa, sb = a.lower().split(), b.lower().split()
    if len(sa) != len(sb) or len(sa) < 2 or sa[0] != sb[0] or sa == sb:
        return False
    x, y = "".join(sa[1:]), "".join(sb[1:])
    if abs(len(x) - len(y)) > 1:
        return False
    prev = list(range(len(y) + 1))
    for i, cx in enumerate(x, 1):
        cur = [i]
        for j, cy in enumerate(y, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (cx != cy)))
        prev = cur
    return prev[-1] <= 1
