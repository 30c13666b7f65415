"""Where a meeting takes place: a venue ("at the Great Hall of the People in Beijing"), a city after
a verb ("was held in Harbin", "opened in the northwestern Chinese city of Urumqi", "met in
Changsha with"), a visit's destination ("a visit to Wuhan") or a city closing the clause ("... met
with the delegation in Changchun."). Venue head words, lead verbs and place aliases are in
``meetings.toml``; place names come from the gazetteer (``places.jsonl``).
"""

from __future__ import annotations

import re
from functools import cache

from kg.extract import dates
from kg.extract.lexicon import alternation, load_lexicon, words_pattern

CAP = r"[A-Z][\w'’-]*"
DATELINE_LEVELS = ("city", "municipality", "sar", "county", "district", "foreign city")
# "the northwestern Chinese city of", "central China's", "the capital city of", "east China's"
PLACE_PREFIX = re.compile(
    r"(?:the\s+)?(?:(?:[a-z]+ern|central|Chinese|China['’]s|[A-Z][a-z]+\s+China['’]s|[a-z]+\s+China['’]s|"
    r"coastal|border|provincial|capital|port|scenic|ancient|historic)\s+){0,3}"
    r"(?:(?:city|town|county|district|province|region|capital|capital\s+city)\s+of\s+)?"
)
# After the place: an apposition ("capital of China"), a date, then the sentence ends.
SENTENCE_END = re.compile(
    r"(?:,\s+(?:the\s+)?(?:provincial\s+)?capital\s+(?:city\s+)?of\s+[^,.;]{1,60})?"
    r"(?:,?\s+(?:on|from|between|yesterday|today|last|this)\b[^,;]{0,30}|,\s+[A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4}|"
    r"\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b[^,;]{0,20})?\s*(?:[.;]|$)"
)
NOT_THE_PLACE = re.compile(
    r"\b(?:based|located|headquartered|stationed|born|living|working|invested|implemented|carried\s+out)\s+in\s+$"
)


@cache
def _config() -> dict:
    lex = load_lexicon()
    cfg = lex.meetings["places"]
    heads = alternation(cfg["heads"], ignore_case=False)
    venue = rf"(?:{CAP}\s+(?:(?:and|&|for|of)\s+)?){{1,6}}{heads}(?![\w-])(?:\s+of\s+the\s+{CAP})?"
    verbs = lex.meetings["visits"]["verbs"]
    return {
        "venue": re.compile(venue),
        "venue_lead": re.compile(rf"(?<![\w-])(?:at|in|inside)\s+(?:the\s+)?({venue})"),
        "generic": re.compile(
            r"(?<![\w-])(?:at|in)\s+(?:a|an|the)\s+(?:\w+\s+){0,2}?" + words_pattern(cfg["generic"]) + r"\s+in\s+"
        ),
        "lead": re.compile(
            words_pattern(cfg["leads"]) + r"\s+(?:(?!in\b|at\b)[\w’'-]+\s+){0,6}?(?:in|at)\s+(?=(?:the\s+)?[\w'’-]+)",
        ),
        "lead_verb": re.compile(words_pattern(cfg["leads"] + lex.meetings["talks"]["verbs"])),
        "visit": re.compile(
            r"(?:\b(?:visit|visits|tour|trip)\s+(?:to|of|in)|"
            + words_pattern(verbs)
            + r"(?:\s+(?:to|in))?)\s+(?:the\s+(?:cities|city|provinces?|counties|county|districts?|towns?)\s+of\s+)?"
        ),
        "aliases": {k.lower(): v for k, v in cfg.get("aliases", {}).items()},
        "alias_re": re.compile(words_pattern(list(cfg.get("aliases", {}))), re.I) if cfg.get("aliases") else None,
    }


def venue_at(text: str, pos: int) -> re.Match[str] | None:
    """A venue's name starting at ``pos`` ("Bangchui Island Hotel")."""
    return _config()["venue"].match(text, pos)


def place_at(text: str, pos: int, end: int, *, countries: bool = False) -> tuple[str, int] | None:
    """A place named at ``pos`` ("Harbin", "the northwestern Chinese city of Urumqi", "the Chinese
    capital"): its canonical name and where the name ends. China itself is never a meeting's place."""
    cfg = _config()
    lex = load_lexicon()
    if cfg["alias_re"] is not None:
        a = cfg["alias_re"].match(text, pos, end)
        if a:
            return cfg["aliases"][re.sub(r"\s+", " ", a.group().lower())], a.end()
    pre = PLACE_PREFIX.match(text, pos, end)
    at = pre.end() if pre else pos
    p = lex.place_re.match(text, at, end)
    if not p or not p.group()[0].isupper():
        return None
    entry = lex.place(p.group())
    if entry is None or entry.name == "China" or (entry.level == "country" and not countries):
        return None
    stop = p.end()
    tail = re.match(r"\s+(?:Province|City|County|District|Municipality|Autonomous\s+Region)\b", text[stop:end])
    return entry.name, stop + (tail.end() if tail else 0)


def meeting_place(text: str, sent: tuple[int, int], start: int, end: int, *, intro: bool = True) -> str | None:
    """Where the sentence that introduces the meeting at ``start``..``end`` says it took place; in a
    sentence that only refers back to it (``intro`` false), a venue or "held in X" only."""
    cfg = _config()
    s0, s1 = sent
    venue = _venue(text, s0, s1, start)
    city = _lead_place(text, s0, s1, start, end)
    if venue is not None:
        name, vend = venue
        after = re.match(r",?\s+in\s+", text[vend:s1])
        near = place_at(text, vend + after.end(), s1) if after else None
        if near is None and re.match(r",\s+", text[vend:s1]):
            near = place_at(text, vend + re.match(r",\s+", text[vend:s1]).end(), s1)
        other = near[0] if near else city
        return name + (f", {other}" if other and other.lower() not in name.lower() else "")
    if not intro:
        return city
    g = cfg["generic"].search(text, start, s1) or cfg["generic"].search(text, s0, s1)
    hit = place_at(text, g.end(), s1) if g else None
    if hit:
        return hit[0]  # "at a hotel in Fuzhou"
    return city or _sentence_final(text, start, s1, s0)


def dateline_city(text: str, dateline: dates.DateHit) -> str | None:
    """The city a dateline names ("BEIJING, Nov. 20 (Xinhua) --", "HAIKOU /China/, March 10.")."""
    line = text.rfind("\n", 0, dateline.start) + 1
    m = re.match(r"\s*([A-Z][A-Za-z'’ -]{1,30}?)\s*(?:,|/)", text[line : dateline.start])
    entry = load_lexicon().place(m.group(1)) if m else None
    return entry.name if entry is not None and entry.level in DATELINE_LEVELS else None


def visit_place(text: str, s0: int, s1: int) -> str | None:
    """The first destination of a visit in a sentence ("paid a visit to Wuhan", "visited the cities
    of Luoyang and Zhengzhou", "an inspection tour to Qinghai")."""
    for m in _config()["visit"].finditer(text, s0, s1):
        hit = place_at(text, m.end(), s1, countries=True)
        inside = re.match(r"[^,.;]{0,80}?\bin\s+", text[m.end() : s1])  # "a visit to a youth base in Qianhai"
        hit = hit or (place_at(text, m.end() + inside.end(), s1) if inside else None)
        if hit:
            return hit[0]
    return None


def _venue(text: str, s0: int, s1: int, start: int) -> tuple[str, int] | None:
    rx = _config()["venue_lead"]
    m = rx.search(text, start, s1) or rx.search(text, s0, s1)
    if m is None:
        return None
    name = re.sub(r"\s+", " ", m.group(1)).strip()
    return name, m.end(1)


def _lead_place(text: str, s0: int, s1: int, start: int, end: int) -> str | None:
    """ "held in X" after the meeting, "X held a meeting in Y", "in X" right after the meeting, ", in X"."""
    cfg = _config()
    cands = []
    for m in cfg["lead"].finditer(text, s0, s1):
        cands.append(m.end())
    short = re.match(r"[^,.;]{0,25}?\bin\s+", text[end:s1])
    if short:
        cands.append(end + short.end())
    for m in re.finditer(r",\s*in\s+", text[end:s1]):
        cands.append(end + m.end())
    visit = visit_place(text, start, s1)
    for at in sorted(set(cands), key=lambda a: (a < start, a)):
        if NOT_THE_PLACE.search(text, max(s0, at - 30), at):
            continue  # "journalists based in Beijing"
        hit = place_at(text, at, s1, countries=True)
        if hit:
            return hit[0]
    return visit


def _sentence_final(text: str, lo: int, hi: int, s0: int) -> str | None:
    """ "... met with the delegation led by X, chairman of Y, in Changchun.": a place that ends a sentence
    told with a verb of meeting or holding."""
    verb = _config()["lead_verb"].search(text, s0, hi)
    if verb is None:
        return None
    for m in re.finditer(r"(?<![\w-])in\s+", text[max(lo, verb.end()) : hi]):
        at = max(lo, verb.end()) + m.end()
        hit = place_at(text, at, hi)
        if hit and not NOT_THE_PLACE.search(text, max(lo, at - 30), at) and SENTENCE_END.match(text, hit[1], hi + 1):
            return hit[0]
    return None
