"""Find the people an article names, as written, and decide which candidates really are people.

Candidates come from spaCy's PERSON entities, from the shape of Chinese names (a surname of
``chinese_names.toml`` followed by a pinyin given name, in any case: "Qin hao"), and from a
title next to a capitalised name ("Premier Peter Walsh", "Maria Lindqvist, Ambassador of ...").
A candidate is kept only with evidence that it is a person; see ``accept``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.lexicon import Lexicon, alternation, load_lexicon, words_pattern
from kg.extract.orgs import OrgHit

ENGLISH_WORD_SURNAMES = frozenset(
    "He An Long Sun Fan Man Ban Bo Pan Hang Song Tang Tan Le Ping Yu Mi Di Hu Bai Gan Lin Hong Kong Jiang".split()
)
POSSESSIVE = re.compile(r"['’]s?$")
NAME_TOKEN = re.compile(r"[A-Z][a-z]+(?:-[a-z]+)?|[a-z]+")
_CAP_NAME = r"[A-Z][a-z'’]+(?:-[A-Za-z][a-z'’]+)?"
# a capitalised name of two to four words, each a capitalised word ("Ahmad Sulaiman", "Erkin Tursun")
_NAME_WORDS = rf"{_CAP_NAME}(?:[ \t]+{_CAP_NAME}){{1,3}}"
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
    marked: bool = False  # a credit line or a person noun says it is a person ("Photo by X", "X, a reporter")


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

    def add(start: int, end: int, from_model: bool, dep: str = "", marked: bool = False) -> None:
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
            marked or (prev.marked if prev else False),
        )

    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        for start, end in _trim_entity(text, ent.start_char, ent.end_char, lex):
            dep = doc[ent.end - 1].dep_ if ent.end > ent.start and end == ent.end_char else ""
            if text[end : end + 2] in ("'s", "’s"):
                end += 2
            add(start, end, True, dep)
    for start, end, marked in _shaped_names(text, lex):
        add(start, end, False, marked=marked)
    full_name_re, lone_surname_re = _surname_patterns(lex)
    for m in full_name_re.finditer(text):
        name = POSSESSIVE.sub("", m.group()) if m.group().endswith(("'s", "’s")) else m.group()
        if split_chinese_name(name, lex):
            add(m.start(), m.end(), False)
    for m in lone_surname_re.finditer(text):
        if m.group() in ENGLISH_WORD_SURNAMES or re.search(r"[A-Z][a-z]*\s$", text[max(0, m.start() - 20) : m.start()]):
            continue
        if not _inside(m.start(), found):
            add(m.start(), m.end(), False)  # "Wang urged ...": kept only if a full name has this surname
    for _ in range(3):  # "Tenzin Norbu, Li Hua and ...": capitalised names listed beside candidates
        for start, end in _list_neighbours(text, list(found.values()), lex):
            add(start, end, False)
    foreign = {c.surface.split()[-1] for c in found.values() if not c.chinese and c.surface not in lex.surnames}
    for word in sorted(w for w in foreign if len(w) > 2 and w[0].isupper() and lex.place(w) is None):
        for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])(?!\s+[A-Z])", text):
            if not _inside(m.start(), found):
                add(m.start(), m.end(), False)  # "Santoso said" after "Budi Santoso": kept if the full name is
    return sorted(_drop_nested(found.values()), key=lambda c: c.start)


_BEFORE_IN_LIST = re.compile(rf"(?<![\w-])(?P<name>{_NAME_WORDS})(?:[ \t]*,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+)$")
_AFTER_IN_LIST = re.compile(rf"(?:[ \t]*,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+)(?P<name>{_NAME_WORDS})(?![\w-])")


_ARTICLE_BEFORE = re.compile(r"(?<![\w-])(?:the|a|an|of|for|to|in|at|on|by|from|with)\s+$", re.I)


def _list_neighbours(text: str, cands: list[PersonCandidate], lex: Lexicon) -> list[tuple[int, int]]:
    """Capitalised names written in a list right before or after a candidate ("A, B and C")."""
    out = []
    for c in cands:
        if len(c.surface.split()) < 2:
            continue
        m = _BEFORE_IN_LIST.search(text, max(0, c.start - 60), c.start)
        if m and not _ARTICLE_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            out.append(_clip_name(text, *m.span("name"), lex))
        m = _AFTER_IN_LIST.match(text, c.end)
        if m:
            out.append(_clip_name(text, *m.span("name"), lex))
    return [(a, b) for a, b in out if b - a >= 3]


def _inside(pos: int, found: dict) -> bool:
    return any(s <= pos < e for s, e in found)


def _trim_entity(text: str, start: int, end: int, lex: Lexicon) -> list[tuple[int, int]]:
    """The name(s) in a model entity, without title words and headline verbs glued to them.

    "Qin Haoran Hosted" is "Qin Haoran"; "Zhang Wei Meets Lin Chen" is "Zhang Wei" and "Lin Chen".
    """
    span = text[start:end]
    if "/" in span:  # "Lin Chen/Xinhua" in a photo credit: the name, then the agency
        cut = span.index("/")
        return [*_trim_entity(text, start, start + cut, lex), *_trim_entity(text, start + cut + 1, end, lex)]
    words = list(re.finditer(r"\S+", span))
    verbs = _headline_verbs(lex)
    pieces: list[list[re.Match[str]]] = [[]]
    for w in words:
        if w.group().lower().strip(",.;:") in verbs and w.group()[:1].isupper():
            pieces.append([])
        elif POSSESSIVE.search(w.group()) and w.end() < len(span):
            pieces[-1].append(w)  # "Xi Jinping's Thought": the name ends at the possessive
            pieces.append([])
            break
        else:
            pieces[-1].append(w)
    out = []
    for piece in pieces:
        while piece and re.sub(r"\W", "", piece[0].group()).lower() in _title_words(lex):
            piece.pop(0)
        while len(piece) >= 3 and lex.place(piece[0].group()) is not None:
            piece.pop(0)  # "of Ningxia Shi Taifeng": the place before the name
        if len(piece) >= 3:
            first_two = " ".join(w.group() for w in piece[:2])
            if split_chinese_name(first_two, lex):
                piece = piece[:2]
        if piece:
            a, b = start + piece[0].start(), start + piece[-1].end()
            while b > a and text[b - 1] in ',;:()[]"“”/':
                b -= 1
            while a < b and text[a] in '()[]"“”':
                a += 1
            if b > a:
                out.append((a, b))
    return out


def _per_lexicon(build):
    """Cache ``build(lex)`` per lexicon object (a Lexicon is not hashable)."""
    memo: dict[int, tuple[Lexicon, object]] = {}

    def get(lex: Lexicon):
        hit = memo.get(id(lex))
        if hit is None or hit[0] is not lex:
            hit = memo[id(lex)] = (lex, build(lex))
        return hit[1]

    get.__doc__ = build.__doc__
    return get


@_per_lexicon
def _surname_patterns(lex: Lexicon) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(surname + given name, lone surname) patterns, the surnames written as a trie (case-sensitive)."""
    surnames = alternation(lex.surnames, ignore_case=False, space=" ", apostrophes=False)
    return (
        re.compile(rf"(?<![\w-]){surnames}\s[A-Za-z][a-z]+(?:-[a-z]+)?(?:['’]s)?(?![\w-])"),
        re.compile(rf"(?<![\w-]){surnames}(?![\w'’-])(?!\s+[A-Z])"),
    )


@_per_lexicon
def _headline_verbs(lex: Lexicon) -> frozenset[str]:
    return frozenset(lex.people.get("headline_verbs", ()))


@_per_lexicon
def _shape_patterns(lex: Lexicon) -> tuple[re.Pattern[str], ...]:
    """(titled, apposition, byline, person-noun, one-word apposition) patterns built from the data files."""
    titles = words_pattern([f for f in lex.title_by_form if not f.endswith("s")])
    honorifics = alternation(
        [h for h in (*lex.honorifics, *lex.people.get("honorifics", ())) if h not in ("comrades",)], ignore_case=True
    )
    titled = re.compile(rf"(?:{titles}|(?<![\w-]){honorifics}(?![\w-]))[ \t]+(?-i:(?P<name>{_NAME_WORDS}))", re.I)
    nouns = words_pattern(list(lex.people.get("person_nouns", ())))
    apposition = re.compile(
        rf"(?-i:(?P<name>{_NAME_WORDS}))[ \t]*,[ \t]+(?:(?:the|a|an|his|her)[ \t]+)?"
        rf"(?:[\w'’.-]+[ \t]+){{0,5}}?(?:{titles}|(?P<noun>{nouns}))",
        re.I,
    )
    leads = alternation(list(lex.people.get("byline_leads", ())), ignore_case=True)
    byline = re.compile(
        rf"(?<![\w-]){leads}[ \t]*(?:(?:{nouns})[ \t]+)?(?-i:(?P<name>{_NAME_WORDS}|[A-Z][a-z]+[ \t]+[a-z]+))", re.I
    )
    noun_before = re.compile(
        rf"(?:{nouns}[ \t]+|[(\[][^()\[\]/\n]{{2,40}}/[ \t]*)(?-i:(?P<name>{_NAME_WORDS}))(?=[ \t]*[)\],]|[ \t]+\w)",
        re.I,
    )  # "reporter Lin Chen", "(Xinhua/Lin Chen)"
    single = re.compile(
        rf"(?<![\w-])(?-i:(?P<name>[A-Z][a-z]{{2,}}))[ \t]*,[ \t]+(?:(?:the|a|an)[ \t]+)?(?:{titles})", re.I
    )
    return titled, apposition, byline, noun_before, single


def _shaped_names(text: str, lex: Lexicon) -> list[tuple[int, int, bool]]:
    """Names recognised by what stands next to them: a title, an honorific, a credit line, a person noun.

    Returns (start, end, marked): ``marked`` when a credit line or a person noun (not a title) is the
    evidence. Words of the gazetteer or of title forms end a name.
    """
    titled, apposition, byline, noun_before, single = _shape_patterns(lex)
    out = []
    adverbs = frozenset(lex.people.get("sentence_adverbs", ()))
    for m in single.finditer(text):  # "Petrova, Chief of ...": one word before a title
        word = m.group("name")
        if (
            word.lower() not in adverbs
            and word.lower() not in NOT_NAMES
            and word not in lex.bodies["heads"]["words"]
            and word.lower() not in lex.people.get("not_name_words", ())
            and word.lower() not in _title_words(lex)
            and lex.place(word) is None
        ):
            out.append((m.start("name"), m.end("name"), False))
    for rx, marked in ((titled, False), (apposition, False), (byline, True), (noun_before, True)):
        for m in rx.finditer(text):
            start, end = m.span("name")
            start, end = _clip_name(text, start, end, lex)
            if end - start < 3:
                continue
            is_marked = marked or bool(m.groupdict().get("noun"))
            out.append((start, end, is_marked))
    return out


def _clip_name(text: str, start: int, end: int, lex: Lexicon) -> tuple[int, int]:
    """Cut a run of capitalised words where a place, a title word or a headline verb begins."""
    words = list(re.finditer(r"\S+", text[start:end]))
    if len(words) >= 3 and words[0].group() in _fields(lex):
        words = words[1:]  # "Secretary of Commerce Lin Bo": the ministry's field before the name
    verbs = _headline_verbs(lex)
    titles = _title_words(lex)
    kept = []
    for i, w in enumerate(words):
        word = w.group().lower()
        rest = text[start + w.start() : end]
        if word in verbs or word in titles or word in NOT_NAMES or (i and lex.place_re.fullmatch(rest)):
            break
        if lex.place(w.group()) is not None and not (lex.surnames and w.group() in lex.surnames):
            break
        kept.append(w)
    if len(kept) < 2 and not (kept and kept[0].group() in lex.surnames):
        return start, start
    return start + kept[0].start(), start + kept[-1].end()


# Capitalised words that start sentences or headings, never names.
NOT_NAMES = frozenset(
    "the a an this that these those in on at of and or but with by from for to as after before during since "
    "when while meanwhile also then today yesterday photo editor source reporter xinhua".split()
)


@_per_lexicon
def _fields(lex: Lexicon) -> frozenset[str]:
    """The one-word fields that name a ministry ("Commerce", "Finance")."""
    return frozenset(f.title() for m in lex.bodies.get("ministry", []) for f in m["fields"] if " " not in f)


@_per_lexicon
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
