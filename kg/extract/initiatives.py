"""Initiatives: national strategies and slogans, named plans, and quoted programmes.

Three generic rules, all driven by ``initiatives.toml``:
1. strategies of the gazetteer in any of their phrasings ("structural reform on the supply side");
2. capitalised names headed by a plan word ("Three-Year Action Plan for ... (2023-2025)",
   "Initiative on Green and Low-Carbon Urban-Rural Development", "14th Five-Year Plan");
3. a quoted name of two or more words right after a verb or noun that promotes it
   ("accelerate the creation of an 'important window'").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg.extract.lexicon import alternation, load_lexicon, words_pattern

QUOTE_OPEN = '“"‘'
PLAN_KINDS = {
    "Plan",
    "Plans",
    "Program",
    "Programme",
    "Project",
    "Outline",
    "Blueprint",
    "Scheme",
    "Guideline",
    "Guidelines",
    "Opinions",
    "Measures",
}
YEARS = re.compile(r"\s*\((?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d\)")
FIVE_YEAR = re.compile(
    r"(?<![\w-])(?:(?P<owner>[A-Z][a-z]+)['’]s\s+)?[“\"]?(?P<name>\d+(?:st|nd|rd|th)\s+Five-Year\s+Plan)(?![\w-])"
)
CAP = r"(?:[A-Z0-9][\w'’-]*|A)"
LINK = r"(?:of|for|on|to|and|the|in|a|with|by|from|about)"


POSSESSOR = re.compile(r"[A-Z][a-z]+['’]s\s+$")
FOLLOWERS = frozenset(
    "and or of in to for with as is are was were be by on at from into through that which will would should must "
    "has have had can could while so than across".split()
)


def _modifier(text: str, end: int) -> bool:
    """True when a lowercase noun follows, so the phrase only modifies it."""
    m = re.match(r"\s+([a-z][a-z-]*)", text[end : end + 30])
    return bool(m) and m.group(1) not in FOLLOWERS


@dataclass(frozen=True)
class InitiativeHit:
    start: int
    end: int
    surface: str
    name: str
    kind: str  # plan | strategy


@cache
def _gazetteer() -> tuple[re.Pattern[str], dict[str, tuple[str, bool]]]:
    data = load_lexicon().initiatives
    by_form = {}
    for s in data["strategy"]:
        for f in s["forms"]:
            by_form[f.lower()] = (s["name"], s.get("regional", False))
    return re.compile(words_pattern(list(by_form)), re.I), by_form


@cache
def _regional_patterns() -> tuple[re.Pattern[str], ...]:
    lex = load_lexicon()
    chinese = {n for n, es in lex.places.items() if any(x.is_chinese for x in es)}
    regions = alternation(chinese, ignore_case=True, space=r"\ ", apostrophes=False)
    out = []
    for p in lex.initiatives["patterns"]["regional"]:
        p = p.replace("{region}", f"(?:{regions}|northeast china|the northeast)").replace("{number}", r"\d+")
        out.append(re.compile(r"(?<![\w-])" + p + r"(?![\w-])", re.I))
    return tuple(out)


def find_initiatives(text: str, region: str | None) -> list[InitiativeHit]:
    """Every initiative named in ``text``; overlapping finds keep the longest."""
    hits: list[InitiativeHit] = []
    rx, by_form = _gazetteer()
    for m in rx.finditer(text):
        name, regional = by_form[re.sub(r"\s+", " ", m.group().lower())]
        if _modifier(text, m.end()) or (not regional and POSSESSOR.search(text[max(0, m.start() - 30) : m.start()])):
            continue  # "high-quality development projects", "Liaoning's high-quality development"
        if regional:
            name = _regional_name(text, m, region)
            if name is None:
                continue
        hits.append(InitiativeHit(m.start(), m.end(), m.group(), name, "strategy"))
    for p in _regional_patterns():
        for m in p.finditer(text):
            surface = m.group()
            hits.append(InitiativeHit(m.start(), m.end(), surface, _tidy(surface), "strategy"))
    for m in FIVE_YEAR.finditer(text):
        hits.append(InitiativeHit(m.start("name"), m.end("name"), m.group("name"), m.group("name"), "plan"))
    hits += _named_plans(text)
    hits += _quoted(text)
    return _longest(hits)


def _regional_name(text: str, m: re.Match[str], region: str | None) -> str | None:
    """ "free trade port" is a regional programme: "Hainan Free Trade Port"."""
    before = text[max(0, m.start() - 40) : m.start()]
    lex = load_lexicon()
    owner = None
    pm = re.search(r"([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)(?:['’]s)?\s+(?:\(\w+\)\s+)?(?:pilot\s+)?$", before)
    if pm and lex.place(pm.group(1)) is not None:
        owner = lex.place(pm.group(1)).name
    owner = owner or (region if region and region != "China" else None)
    if owner is None:
        return None
    return f"{owner} {' '.join(w.capitalize() for w in m.group().lower().split())}".rstrip("s")


def _named_plans(text: str) -> list[InitiativeHit]:
    heads = set(load_lexicon().initiatives["plans"]["heads"])
    out = []
    for m in re.finditer(r"[A-Z][\w-]*", text):
        word = m.group()
        if word not in heads:
            continue
        start = _extend_left(text, m.start())
        end = _extend_right(text, m.end())
        ym = YEARS.match(text, end)
        if ym:
            end = ym.end()
        surface = text[start:end].strip(" ,;:")
        surface = surface.strip('“”"')
        core_words = [
            w for w in re.findall(r"[\w'-]+", surface) if (w[0].isupper() or w[0].isdigit()) and w not in heads
        ]
        if len(core_words) < 2:
            continue
        kind = "plan" if any(h in surface.split() for h in PLAN_KINDS) else "strategy"
        s = text.find(surface, start)
        out.append(InitiativeHit(s, s + len(surface), surface, _tidy(surface), kind))
    return out


def _extend_left(text: str, pos: int) -> int:
    start = pos
    while True:
        m = re.search(rf"({CAP})[ \t]+$", text[max(0, start - 60) : start])
        if not m or m.group(1) in ("The", "A", "In", "At", "On") or _is_sentence_initial(text, start - len(m.group())):
            break
        start -= len(m.group())
    return start


def _is_sentence_initial(text: str, pos: int) -> bool:
    return pos == 0 or text[max(0, pos - 2) : pos].strip() in (".", "") and text[max(0, pos - 1) : pos] in ("\n", "")


def _extend_right(text: str, pos: int) -> int:
    end = pos
    pattern = re.compile(rf"(?:[ \t]+(?:{LINK}[ \t]+)*[“\"]?{CAP}[”\"]?)")
    while True:
        m = pattern.match(text, end)
        if not m:
            break
        end = m.end()
    return end


def _quoted(text: str) -> list[InitiativeHit]:
    promoters = load_lexicon().initiatives["plans"]["promoters"]
    before_re = re.compile(
        r"(?:"
        + "|".join(re.escape(p) for p in sorted(promoters, key=len, reverse=True))
        + r")\s+(?:(?:the|a|an|our|its|this)\s+)?(?:\w+\s+){0,2}$",
        re.I,
    )
    out = []
    for m in re.finditer(r"[“\"]([^“”\"\n]{3,120})[”\"]", text):
        inner = m.group(1).strip()
        words = inner.split()
        if len(words) < 2 or len(words) > 14:
            continue
        after = text[m.end() : m.end() + 15]
        if re.match(r"\s*[a-z]", after) and not re.match(
            r"\s*(?:and|of|in|to|for|as|with|initiative|strategy|plan|program|programme|campaign|project|action)\b",
            after,
        ):
            continue  # a quoted modifier: "stuck neck" problems
        if not before_re.search(text[max(0, m.start() - 60) : m.start()]):
            continue
        kind = "plan" if any(h in words for h in PLAN_KINDS) else "strategy"
        out.append(InitiativeHit(m.start(1), m.start(1) + len(m.group(1)), inner, _tidy(inner), kind))
    return out


def _tidy(surface: str) -> str:
    s = re.sub(r"\s+", " ", surface.replace("“", "").replace("”", "").replace('"', "")).strip(" ,.;:")
    return re.sub(r"^(?:the|a|an)\s+", "", s, flags=re.I)


def _longest(hits: list[InitiativeHit]) -> list[InitiativeHit]:
    out: list[InitiativeHit] = []
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if all(h.end <= o.start or h.start >= o.end for o in out):
            out.append(h)
    return sorted(out, key=lambda h: h.start)
