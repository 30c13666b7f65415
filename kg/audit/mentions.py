"""Spans that look like facts, per class: found without kg's extraction rules, from kg's word lists.

Every finder takes the document text (and, where it needs tags or entities, the spaCy ``Doc`` of
kg's pipeline) and returns ``Hit`` values; overlapping hits of one class are merged into one.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from spacy.tokens import Doc

from kg.errors import OntologyError
from kg.extract import dates
from kg.extract.lexicon import Lexicon, alternation, load_lexicon, words_pattern
from kg.extract.people import split_chinese_name

NAME_WORD = r"[A-Z][a-z]+(?:[-'’][A-Za-z][a-z]+)?"
VERB_TAGS = ("VB", "MD")
NOUN_TAGS = ("NN",)
SUBJECT_DEPS = ("nsubj", "nsubjpass", "expl")
NOT_PERSON_ENTITIES = ("ORG", "GPE", "NORP", "FAC", "LAW", "WORK_OF_ART", "EVENT")
QUOTED = re.compile(r"[“\"]([^“”\"\n]{3,160})[”\"]|(?<![\w’'])‘([^‘’\n]{3,160})’(?![\w’'])")
PLAN_LINK = r"(?:of|for|on|and|the|in|to|with|a)"
PLAN_WORD = r"(?:[A-Z0-9][\w'’-]*)"


@dataclass(frozen=True)
class Hit:
    """One span of one class; ``date`` is set for dates (the hit kg.extract.dates found)."""

    cls: str
    start: int
    end: int
    date: dates.DateHit | None = None


@dataclass(frozen=True)
class Words:
    """The compiled word lists of ``audit.toml`` and the lexicon."""

    lex: Lexicon
    surname_re: re.Pattern[str]
    not_name: frozenset[str]  # function words, headline verbs, title words, months, body words
    body: frozenset[str]
    place_nouns: str  # alternation of the nouns after a place name ("District", "County")
    titles: frozenset[str]  # the words of title forms, capitalised ("Vice", "Secretary")
    honorific_re: re.Pattern[str]
    honorific_before: re.Pattern[str]
    titled_before: re.Pattern[str]
    titled_after: re.Pattern[str]
    role_re: re.Pattern[str]
    role_of: dict[str, str]  # lowercase role phrase -> presided | spoke | attended
    not_person_subjects: frozenset[str]  # lowercase subject words of role verbs that name no person
    venue_re: re.Pattern[str]
    event_in_re: re.Pattern[str]
    plan_res: tuple[re.Pattern[str], re.Pattern[str]]  # "X Y Plan"; "Plan for X Y"
    plan_heads: frozenset[str]
    strategy_re: re.Pattern[str]
    max_quoted_words: int


def _audit_data() -> dict:
    try:
        return tomllib.loads(resources.files("kg.data").joinpath("audit.toml").read_text(encoding="utf-8"))
    except FileNotFoundError as exc:  # pragma: no cover - packaging error
        raise OntologyError("kg/data/audit.toml: missing data file") from exc


@cache
def words() -> Words:
    """Compile the audit's patterns once per process."""
    lex = load_lexicon()
    data = _audit_data()
    title_words = {w.capitalize() for form in lex.title_by_form for w in re.split(r"[\s-]+", form)}
    months = {m.capitalize() for m in dates.MONTHS} | {d.capitalize() for d in dates.WEEKDAYS}
    body = frozenset(data["person"]["body_words"])
    not_name = frozenset(data["person"]["not_name_words"]) | title_words | months | body
    honorifics = [*lex.honorifics, *(h.lower() for h in data["person"]["honorifics"])]
    title = lex.title_re.pattern
    name_run = rf"(?-i:{NAME_WORD}(?:[ \t]+{NAME_WORD}){{1,3}})"
    roles = lex.roles
    role_of = {f: r for r in ("presided", "spoke", "attended") for k in ("active", "passive") for f in roles[r][k]}
    role_of |= {f: "presided" for f in roles["presided"].get("nouns", [])}
    role_forms = list(role_of)
    event_words = [n for k in lex.meetings["kind"] for n in k.get("nouns", [])] + lex.meetings["verbs"]["held"]
    heads = data["initiative"]["heads"]
    strategies = [f for s in lex.initiatives["strategy"] for f in s["forms"]]
    head_alt = alternation(heads, ignore_case=False)
    return Words(
        lex=lex,
        surname_re=re.compile(
            rf"(?<![\w-])(?:{alternation(lex.surnames, ignore_case=False)})"
            rf"[ \t]{NAME_WORD}(?:[ \t]{NAME_WORD})?(?![\w-])"
        ),
        not_name=not_name,
        body=body,
        place_nouns=alternation(data["person"]["place_nouns"], ignore_case=False),
        titles=frozenset(title_words),
        honorific_re=re.compile(words_pattern(honorifics), re.I),
        honorific_before=re.compile(words_pattern(honorifics) + rf"[ \t]*(?P<name>{name_run})(?![\w-])", re.I),
        titled_before=re.compile(rf"(?:{title})[ \t]+(?P<name>{name_run})(?![\w-])", re.I),
        titled_after=re.compile(
            rf"(?<![\w-])(?P<name>{name_run}),[ \t]*(?:(?:the|a|an)[ \t]+)?(?:[\w'’-]+[ \t]+){{0,2}}?(?:{title})", re.I
        ),
        role_re=re.compile(words_pattern(role_forms), re.I),
        role_of=role_of,
        not_person_subjects=frozenset(data["role"]["not_person_subjects"])
        | {n.split()[-1] for k in lex.meetings["kind"] for n in k.get("nouns", [])},
        venue_re=re.compile(
            rf"(?<![\w-])(?:{NAME_WORD}[ \t]+(?:(?:and|of|the|for)[ \t]+)?){{1,6}}"
            rf"(?:{alternation(data['place']['venues'], ignore_case=False)})"
            rf"(?:[ \t]+of[ \t]+the[ \t]+{NAME_WORD}(?:[ \t]+{NAME_WORD})?)?(?![\w-])"
        ),
        event_in_re=re.compile(
            words_pattern([*event_words, *data["place"]["event_verbs"]])
            + r"(?:[ \t]+[\w,'’-]+){0,5}?[ \t]+in[ \t]+(?:the[ \t]+)?$",
            re.I,
        ),
        plan_res=(
            re.compile(rf"(?<![\w-])(?:{PLAN_WORD}[ \t]+(?:{PLAN_LINK}[ \t]+){{0,2}}){{1,8}}(?:{head_alt})(?![\w-])"),
            re.compile(
                rf"(?<![\w-])(?:{head_alt})[ \t]+(?:of|for|on)[ \t]+(?:the[ \t]+)?"
                rf"(?:{PLAN_WORD}[ \t]+(?:(?:and|of|the)[ \t]+)?){{0,6}}"
                rf"{PLAN_WORD}(?![\w-])"
            ),
        ),
        plan_heads=frozenset(heads),
        strategy_re=re.compile(words_pattern(strategies), re.I),
        max_quoted_words=int(data["initiative"]["max_quoted_words"]),
    )


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
