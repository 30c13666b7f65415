"""Spans that look like facts, per class: found without kg's extraction rules, from kg's word lists.

Every finder takes the document text (and, where it needs tags or entities, the spaCy ``Doc`` of
kg's pipeline) and returns ``Hit`` values; overlapping hits of one class are merged into one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from kg.audit.words import Words, words
from kg.extract import dates
from kg.extract.people import split_chinese_name

VERB_TAGS = ("VB", "MD")
NOUN_TAGS = ("NN",)
SUBJECT_DEPS = ("nsubj", "nsubjpass", "expl")
NOT_PERSON_ENTITIES = ("ORG", "GPE", "NORP", "FAC", "LAW", "WORK_OF_ART", "EVENT")
QUOTED = re.compile(r"[“\"]([^“”\"\n]{3,160})[”\"]|(?<![\w’'])‘([^‘’\n]{3,160})’(?![\w’'])")


@dataclass(frozen=True)
class Hit:
    """One span of one class; ``date`` is set for dates (the hit kg.extract.dates found)."""

    cls: str
    start: int
    end: int
    date: dates.DateHit | None = None


def _token(doc: Doc, start: int, end: int):  # noqa: ANN202 - a spaCy Token or None
    span = doc.char_span(start, end, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _tag(doc: Doc, start: int, end: int) -> str:
    tok = _token(doc, start, end)
    return tok.tag_ if tok is not None else ""


def merge(hits: list[Hit]) -> list[Hit]:
    """Overlapping hits of one class become one hit (their union; the first date kept)."""
    out: list[Hit] = []
    for h in sorted(hits, key=lambda h: (h.cls, h.start, -h.end)):
        last = out[-1] if out else None
        if last is not None and last.cls == h.cls and h.start < last.end:
            out[-1] = Hit(h.cls, last.start, max(last.end, h.end), last.date or h.date)
        else:
            out.append(h)
    return out


# ---------------------------------------------------------------- person


def _trim_name(text: str, start: int, end: int, w: Words) -> tuple[int, int]:
    """Drop title words, honorifics, possessives and punctuation around a name."""
    while True:
        m = w.lex.title_re.match(text, start, end) or w.honorific_re.match(text, start, end)
        if not m or not text[m.end() : m.end() + 1].isspace():
            break
        start = m.end() + 1
        while start < end and text[start].isspace():
            start += 1
    while start < end and not text[start].isalnum():
        start += 1
    m = re.search(r"['’]s?$", text[start:end])
    if m:
        end = start + m.start()
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def _entity_name(text: str, start: int, end: int, w: Words) -> tuple[int, int] | None:
    """A model PERSON entity without title words and headline verbs around it; None for bodies and places."""
    start, end = _trim_name(text, start, end, w)
    found = list(re.finditer(r"\S+", text[start:end]))
    if any(m.group() in w.body for m in found) or all(m.group().isupper() for m in found):
        return None  # "Gubin District", "Xinhua News Agency", acronyms

    def trimmed(word: str) -> bool:
        return word in w.not_name or (word not in w.lex.surnames and w.lex.place(word) is not None)

    while found and trimmed(found[0].group()):
        found.pop(0)
    while found and trimmed(found[-1].group()):
        found.pop()
    if not found or not found[0].group()[0].isupper():
        return None
    return start + found[0].start(), start + found[-1].end()


def _named_otherwise(text: str, start: int, end: int, w: Words) -> bool:
    """A one-word entity the document itself names as a place ("Xihu" of "Xihu District"), or a word of a
    strategy of ``initiatives.toml`` ("Belt" of "Belt and Road")."""
    word = text[start:end]
    if " " in word:
        return False
    if re.search(rf"(?<![\w-]){re.escape(word)}[ \t]+(?:{w.place_nouns})(?![\w-])", text):
        return True
    return any(
        m.start() <= start and end <= m.end() for m in w.strategy_re.finditer(text, max(0, start - 60), end + 60)
    )


def _name_words(text: str, start: int, end: int, w: Words, *, keep: str) -> tuple[int, int] | None:
    """The run of name words in ``start..end`` after cutting at words of ``not_name_words``.

    ``keep`` is "first" (the run next to a title before it) or "last" (next to a title after it).
    """
    runs: list[list[re.Match[str]]] = [[]]
    for m in re.finditer(r"\S+", text[start:end]):
        if m.group() in w.not_name or w.lex.place(m.group()) is not None:
            runs.append([])
        else:
            runs[-1].append(m)
    run = next((r for r in runs if r), None) if keep == "first" else next((r for r in reversed(runs) if r), None)
    if not run or len(run) < 2 or (keep == "first" and run is not runs[0]) or (keep == "last" and run is not runs[-1]):
        return None
    return start + run[0].start(), start + run[-1].end()


def person_hits(text: str, doc: Doc, w: Words) -> list[Hit]:
    """spaCy PERSON entities, capitalised pinyin names, and non-Han names next to a title or honorific."""
    hits = []
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        for piece in re.finditer(r"[^\n]+", ent.text):
            span = _entity_name(text, ent.start_char + piece.start(), ent.start_char + piece.end(), w)
            if span is not None and not _named_otherwise(text, *span, w):
                hits.append(Hit("person", *span))
    for m in w.surname_re.finditer(text):
        three = m.group()
        two = " ".join(three.split()[:2])
        if split_chinese_name(three, w.lex) and w.lex.place(three) is None:
            hits.append(Hit("person", m.start(), m.end()))
        elif split_chinese_name(two, w.lex) and w.lex.place(two) is None:
            hits.append(Hit("person", m.start(), m.start() + len(two)))
    for rx, keep in ((w.titled_before, "first"), (w.titled_after, "last"), (w.honorific_before, "first")):
        for m in rx.finditer(text):
            if not m.group("name")[0].isupper():
                continue
            span = _name_words(text, m.start("name"), m.end("name"), w, keep=keep)
            if span is not None:
                hits.append(Hit("person", *span))
    return hits


# ---------------------------------------------------------------- title, role


def title_hits(text: str, doc: Doc, w: Words) -> list[Hit]:
    """Title words of ``titles.toml`` used as nouns ("head" as a verb is not a title)."""
    return [
        Hit("title", m.start(), m.end())
        for m in w.lex.title_re.finditer(text)
        if _tag(doc, m.end() - 1, m.end()).startswith(NOUN_TAGS)
    ]


def role_hits(text: str, doc: Doc, w: Words) -> list[Hit]:
    """Role verbs of ``roles.toml`` used as verbs, not as modifiers ("a noted engineer" is no role), whose
    subject is not plainly something other than a person ("The meeting stressed", "It was noted")."""
    out = []
    for m in w.role_re.finditer(text):
        first = re.match(r"\S+", m.group())
        tok = _token(doc, m.start(), m.start() + first.end()) if first else None
        if tok is None or not tok.tag_.startswith(VERB_TAGS) or tok.dep_ in ("amod", "compound"):
            continue
        subject = next((c for c in tok.children if c.dep_ in SUBJECT_DEPS), None)
        if subject is not None and (
            subject.lower_ in w.not_person_subjects or subject.ent_type_ in NOT_PERSON_ENTITIES
        ):
            continue
        out.append(Hit("role", m.start(), m.end()))
    return out


# ---------------------------------------------------------------- date, place, initiative


def date_hits(text: str, dateline: dates.DateHit | None) -> list[Hit]:
    """The dates kg.extract.dates finds, and the dateline's."""
    hits = [Hit("date", h.start, h.end, h) for h in dates.find_dates(text)]
    if dateline is not None and not any(h.start == dateline.start for h in hits):
        hits.append(Hit("date", dateline.start, dateline.end, dateline))
    return hits


def place_hits(text: str, w: Words) -> list[Hit]:
    """Capitalised venues, and "in <gazetteer place>" after an event word or verb."""
    hits = []
    for m in w.venue_re.finditer(text):
        start = _strip_lead(text, m.start(), m.end())
        if re.search(r"[ \t]", text[start : m.end()]):
            hits.append(Hit("place", start, m.end()))
    for m in re.finditer(r"(?<![\w-])in[ \t]+(?:the[ \t]+)?", text):
        p = w.lex.place_re.match(text, m.end())
        if p is None or not p.group()[0].isupper():
            continue
        entry = w.lex.place(p.group())
        if entry is None or entry.level == "country":
            continue
        before = text[max(text.rfind("\n", 0, m.start()) + 1, m.start() - 80) : m.end()]
        if w.event_in_re.search(before):
            hits.append(Hit("place", p.start(), p.end()))
    return hits


LEAD_WORDS = re.compile(r"(?:(?:The|A|An|In|At|On|To|For|And|Of)[ \t]+)+")


def _strip_lead(text: str, start: int, end: int) -> int:
    """Where a capitalised phrase starts once its leading articles and prepositions are dropped."""
    lead = LEAD_WORDS.match(text, start, end)
    return lead.end() if lead else start


def _plan_name(text: str, start: int, end: int, w: Words) -> tuple[int, int] | None:
    """A plan name without the body or title words the match ran into ("Secretary of the X Zone": "X Zone")."""
    found = list(re.finditer(r"[\w'’-]+", text[start:end]))
    heads = [i for i, x in enumerate(found) if x.group() in w.plan_heads]
    if not heads:
        return None
    first, last = heads[0], heads[-1]
    stops = [i for i, x in enumerate(found) if x.group() in w.body or x.group() in w.titles]
    left = max((i + 1 for i in stops if i < first), default=0)
    right = min((i for i in stops if i > last), default=len(found))
    while left < first and found[left].group() in LINK_WORDS:
        left += 1
    while right - 1 > last and found[right - 1].group() in LINK_WORDS:
        right -= 1
    kept = found[left:right]
    core = [x.group() for x in kept if x.group()[0].isupper() or x.group()[0].isdigit()]
    if len(core) < 2 or all(x in w.plan_heads for x in core):
        return None
    a, b = start + kept[0].start(), start + kept[-1].end()
    return None if w.lex.place(text[a:b]) is not None else (a, b)  # "Binhai New Area" is a place


LINK_WORDS = frozenset(
    {
        "The",
        "A",
        "An",
        "In",
        "At",
        "On",
        "To",
        "For",
        "And",
        "Of",
        "the",
        "a",
        "an",
        "in",
        "at",
        "on",
        "to",
        "for",
        "and",
        "of",
        "with",
    }
)


def initiative_hits(text: str, w: Words) -> list[Hit]:
    """Quoted phrases of 2+ words, capitalised names headed by a plan word, gazetteer strategies."""
    hits = []
    for m in QUOTED.finditer(text):
        g = 1 if m.group(1) is not None else 2
        inner = m.group(g)
        n = len(inner.split())
        if 2 <= n <= w.max_quoted_words and not re.search(r"[.!?;:]", inner):
            hits.append(Hit("initiative", m.start(g), m.end(g)))
    for rx in w.plan_res:
        for m in rx.finditer(text):
            span = _plan_name(text, m.start(), m.end(), w)
            if span is not None:
                hits.append(Hit("initiative", *span))
    for m in w.strategy_re.finditer(text):
        hits.append(Hit("initiative", m.start(), m.end()))
    return hits


def find_hits(text: str, doc: Doc, dateline: dates.DateHit | None) -> list[Hit]:
    """Every mention of every class in one document, merged per class, in (class, offset) order."""
    w = words()
    hits = person_hits(text, doc, w) + title_hits(text, doc, w) + role_hits(text, doc, w)
    hits += date_hits(text, dateline) + place_hits(text, w) + initiative_hits(text, w)
    return merge([h for h in hits if h.end > h.start])
