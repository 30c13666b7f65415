"""The verbs of the role rules (kg/data/roles.toml) compiled once: which verb gives which role."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg.extract.lexicon import alternation, load_lexicon, words_pattern

INVERTED = re.compile(
    r"(?:(?:also\s+)?present(?:\s+at\s+the\s+\w+)?|attending(?:\s+the\s+\w+(?:\s+\w+)?)?)\s+(?:was|were)\s+$", re.I
)


@dataclass(frozen=True)
class _Patterns:
    active: re.Pattern[str]  # active role verbs and speech phrases
    active_role: dict[str, str]
    passive: re.Pattern[str]
    passive_role: dict[str, str]
    lead: re.Pattern[str]
    speech: re.Pattern[str]  # "X's speech at"
    list_sep: re.Pattern[str]  # what separates the people of a list of subjects
    inverted: re.Pattern[str]  # "Also present were", "Those in attendance included" (before a list)
    list_tail: re.Pattern[str]  # "etc", "and other officials" between a list of subjects and its verb


@cache
def _verbs() -> _Patterns:
    r = load_lexicon().roles
    active = {f: role for role in ("presided", "spoke", "attended") for f in r[role]["active"]}
    passive = {f: role for role in ("presided", "spoke", "attended") for f in r[role].get("passive", [])}
    lead = re.compile(words_pattern(r["spoke"]["lead_ins"]) + r"\s+$", re.I)
    speech = re.compile(
        r"['’]s?\s+(?:\w+\s+){0,2}?(?:"
        + "|".join(r["spoke"]["speech_nouns"])
        + r")\s+(?:"
        + "|".join(r["spoke"]["speech_links"])
        + r")\s+",
        re.I,
    )
    made_speech = (
        words_pattern(r["spoke"].get("speech_verbs", ["delivered"]))
        + r"\s+(?:(?:a|an|the|his|her|their|its)\s+)?(?:[a-z][\w-]*\s+){0,3}?"
        + words_pattern(r["spoke"].get("speech_objects", ["speech"]))
    )
    companions = alternation(r["attended"].get("companions", []), ignore_case=True)
    list_sep = re.compile(
        rf"\s*(?:[,;]?\s*(?:together|along)?\s*(?:{companions})\s*|[,;]\s*and\s*,?|and\s*,?|,|;)\s*$", re.I
    )
    inverted = alternation(r["attended"].get("inverted", []), ignore_case=True)
    tails = alternation(r["attended"].get("list_tails", []), ignore_case=True)
    return _Patterns(
        re.compile(f"(?:{words_pattern(list(active))}|{made_speech})", re.I),
        active,
        re.compile(words_pattern(list(passive)) + r"\s+$", re.I),
        passive,
        lead,
        speech,
        list_sep,
        re.compile(rf"(?:{INVERTED.pattern}|(?<![\w-]){inverted}\s+(?:[^,.;:]{{0,60}}?\s)?)$", re.I),
        re.compile(
            rf"[\s,]*(?<![\w-]){tails}(?:\s+[^,.;:]{{0,60}}?(?:comrades|officials|leaders|people|persons|"
            rf"heads|representatives|members|cadres|guests))?[\s,.]*$",
            re.I,
        ),
    )


def _role_of(verb: str, pats: _Patterns) -> str:
    return pats.active_role.get(re.sub(r"\s+", " ", verb.lower()), "spoke")  # a speech phrase: spoke
