"""The word lists and compiled patterns of the audit: ``kg/data/audit.toml`` plus kg's lexicon."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kg.errors import OntologyError
from kg.extract import dates
from kg.extract.lexicon import Lexicon, alternation, load_lexicon, words_pattern

NAME_WORD = r"[A-Z][a-z]+(?:[-'’][A-Za-z][a-z]+)?"
PLAN_LINK = r"(?:of|for|on|and|the|in|to|with|a)"
PLAN_WORD = r"(?:[A-Z0-9][\w'’-]*)"


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
