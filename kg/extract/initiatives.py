"""Initiatives: national strategies and slogans, named plans, zones and quoted programmes.

Generic rules, all driven by ``initiatives.toml``:
1. strategies of the gazetteer in any of their phrasings ("structural reform on the supply side"),
   narrowed to the canonical name where a phrasing wraps it ("deepen reform and opening up");
2. strategies named by pattern: regional revitalization, river-basin conservation, sector powers
   ("a province with strong trade", "strong cultural province");
3. named zones and pilot areas ("X Guangdong-Macao Comprehensive Cooperation Zone", "X-Y demonstration area");
4. lowercase "... strategy" names after a verb that carries them out ("implement the X strategy");
5. capitalised names headed by a plan word ("Three-Year Action Plan for ... (2023-2025)",
   "Initiative on Green and Low-Carbon Urban-Rural Development", "14th Five-Year Plan");
6. a quoted name of two or more words right after a verb or noun that promotes it
   ("accelerate the creation of an 'important window'").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg.extract.lexicon import alternation, load_lexicon

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
    r"(?<![\w-])(?:(?P<owner>[A-Z][a-z]+)['’]s\s+)?[“\"]?(?P<name>\d+(?:st|nd|rd|th)\s+(?i:five[-\s]year\s+plan))(?![\w-])"
)
CAP = r"(?:[A-Z0-9][\w'’-]*|A)"
LINK = r"(?:of|for|on|to|and|the|in|a|with|by|from|about)"


POSSESSOR = re.compile(r"(?<![\w-])(?!China['’]s)[A-Z][a-z]+['’]s\s+$")  # "China's reform" stays national
FOLLOWERS = frozenset(
    "and or nor but yet of in to for with as is are was were be been being by on at from into through that which "
    "will would should must shall may might has have had can could do does did while so than across along among amid "
    "around under over toward towards within between during via throughout after before since beyond upon against "
    "like including also not both this these those its their his her our the a an it we they he she there here "
    "when where who whose if because until unless though although whether remains remain need needs according "
    "based together first further now again still more better well all etc".split()
)
FUNCTION_WORDS = frozenset("and of the in for with a an on to by".split())
HEADLINE_SMALL = FUNCTION_WORDS | {"at", "as", "from", "into", "or"}


def _modifier(text: str, end: int) -> bool:
    """True when a lowercase noun follows, so the phrase only modifies it ("... development projects")."""
    m = re.match(r"\s+([a-z][a-z-]*)", text[end : end + 30])
    if not m:
        return False
    word = m.group(1)
    verb_or_adverb = len(word) > 4 and word.endswith(("ly", "ed"))  # "... steadily", "... changed the city"
    return word not in FOLLOWERS and word not in _keep() and not verb_or_adverb


@cache
def _keep() -> frozenset[str]:
    return frozenset(load_lexicon().initiatives["modifiers"]["keep"])


def _proper(surface: str) -> bool:
    """A capitalised name ("Belt and Road", "Greater Bay Area") names the initiative even as a modifier."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", surface) if w.lower() not in FUNCTION_WORDS]
    return len(words) >= 2 and all(w[0].isupper() for w in words)


@dataclass(frozen=True)
class InitiativeHit:
    start: int
    end: int
    surface: str
    name: str
    kind: str  # plan | strategy


def _key(form: str) -> str:
    return re.sub(r"[\s-]+", " ", form.lower().replace("’", "'")).strip()


@cache
def _gazetteer() -> tuple[re.Pattern[str], dict[str, tuple[str, bool]]]:
    data = load_lexicon().initiatives
    by_form = {}
    for s in data["strategy"]:
        for f in s["forms"]:
            by_form[_key(f)] = (s["name"], s.get("regional", False))
    body = alternation(list(by_form), ignore_case=True, space=r"[\s-]+")
    return re.compile(r"(?<![\w-])" + body + r"(?![\w-])", re.I), by_form


@cache
def _core(name: str) -> re.Pattern[str]:
    """The canonical name as a pattern, hyphens and spaces alike."""
    words = re.split(r"[\s-]+", name)
    return re.compile(r"(?<![\w-])" + r"[\s-]+".join(re.escape(w) for w in words) + r"(?![\w-])", re.I)


@cache
def _patterns() -> tuple[tuple[tuple[str, ...], re.Pattern[str]], ...]:
    """The [[pattern]] groups: (gates, one compiled alternation of the group's forms)."""
    lex = load_lexicon()
    words = lex.initiatives["words"]
    chinese = {n for n, es in lex.places.items() if any(x.is_chinese for x in es)}
    fills = {
        "{region}": "(?:"
        + alternation(chinese, ignore_case=True, space=r"\ ", apostrophes=False)
        + "|northeast china|the northeast)",
        "{number}": r"\d+",
    }
    for slot, key in (("{river}", "rivers"), ("{eco}", "eco"), ("{sector}", "sector"), ("{sector_adj}", "sector_adj")):
        fills[slot] = "(?:" + alternation(words[key], ignore_case=True, space=r"[\s-]+") + ")"
    out = []
    for group in lex.initiatives["pattern"]:
        forms = []
        for p in group["forms"]:
            p = p.replace(" ", r"\s+")
            for slot, fill in fills.items():
                p = p.replace(slot, fill)
            forms.append(f"(?:{p})")
        rx = re.compile(r"(?<![\w-])(?:" + "|".join(forms) + r")(?![\w-])", re.I)
        out.append((tuple(group["gates"]), rx))
    return tuple(out)


def find_initiatives(text: str, region: str | None) -> list[InitiativeHit]:
    """Every initiative named in ``text``; overlapping finds keep the longest."""
    found = _strategies(text, region)
    hits = [h for h, _ in found]
    national = [h for h, regional in found if not regional]
    low = text.lower()
    for gates, rx in _patterns():
        if not any(g in low for g in gates):
            continue
        for m in rx.finditer(text):
            surface = m.group()
            hits.append(InitiativeHit(m.start(), m.end(), surface, _tidy(surface), "strategy"))
    hits += [z for z in _zones(text) if not any(z.start < h.end and h.start < z.end for h in national)]
    hits += _strategy_phrases(text, hits)
    for m in FIVE_YEAR.finditer(text) if "five" in low else ():
        hits.append(InitiativeHit(m.start("name"), m.end("name"), m.group("name"), m.group("name"), "plan"))
    hits += _named_plans(text)
    hits += _quoted(text)
    return _longest(hits)


def _strategies(text: str, region: str | None) -> list[tuple[InitiativeHit, bool]]:
    """Gazetteer strategies and whether each is regional; a phrasing that wraps the canonical name is narrowed to it."""
    hits: list[tuple[InitiativeHit, bool]] = []
    rx, by_form = _gazetteer()
    for m in rx.finditer(text):
        if (entry := by_form.get(_key(m.group()))) is None:
            continue
        name, regional = entry
        start, end = m.span()
        core = _core(name).search(m.group())
        if core and not regional:
            start, end = m.start() + core.start(), m.start() + core.end()
        surface = text[start:end]
        plural = surface.endswith("s") and not surface.endswith("ss")  # "... forces" modifies nothing
        if not _proper(surface) and not plural and _modifier(text, m.end()):
            continue  # "high-quality development projects"
        if not regional and POSSESSOR.search(text[max(0, m.start() - 30) : m.start()]):
            continue  # "Liaoning's high-quality development"
        if regional:
            name = _regional_name(text, m, region)
            if name is None:
                continue
        hits.append((InitiativeHit(start, end, surface, name, "strategy"), regional))
    return hits


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


ZONE_NAME = re.compile(r"(?<![\w'’-])(?:(?:[A-Z][\w'’]*(?:-[\w'’]+)*|\([A-Z][\w ]*\))[ \t]+)+$")
ZONE_TAIL = re.compile(r"[ \t]+(?:of|for)[ \t]+(?:the[ \t]+)?[A-Z][\w'’-]*(?:[ \t]+(?:and[ \t]+)?[A-Z][\w'’-]*)*")
LEADING = frozenset("The A An This That Its In At On Our Each Every Of".split())


def _title_case_line(text: str, pos: int) -> bool:
    """True inside a headline-like line where most words are capitalised ("Governor Visits ... Zone")."""
    line = text[text.rfind("\n", 0, pos) + 1 : (text.find("\n", pos) + 1 or len(text) + 1) - 1]
    words = re.findall(r"[A-Za-z][\w'’-]*", line)
    return len(words) >= 4 and all(w[0].isupper() or w in HEADLINE_SMALL for w in words)


def _placelike(token: str) -> bool:
    lex = load_lexicon()
    return any(lex.place(part) is not None for part in token.strip("()").split("-") if part)


def _gerund(word: str) -> bool:
    return word.endswith("ing") and load_lexicon().place(word) is None  # "Building", not "Nanjing"


@cache
def _zone_data() -> tuple[re.Pattern[str], frozenset[str], frozenset[str]]:
    z = load_lexicon().initiatives["zones"]
    head = re.compile(r"(?<![\w-])" + alternation(z["heads"], ignore_case=True, space=r"[\s-]+") + r"(?![\w-])", re.I)
    return head, frozenset(z["generic"]), frozenset(z["org_words"])


def _zones(text: str) -> list[InitiativeHit]:
    """A capitalised name headed by a zone word ("X Cooperation Zone", "Changzhu-Tan demonstration area")."""
    head, generic, org_words = _zone_data()
    out = []
    for m in head.finditer(text):
        nm = ZONE_NAME.search(text[max(0, m.start() - 120) : m.start()])
        if not nm:
            continue
        base = m.start() - len(nm.group())
        tokens = list(re.finditer(r"\S+", nm.group()))
        while tokens and (tokens[0].group() in LEADING or _gerund(tokens[0].group())):
            tokens.pop(0)  # "The ...", "Building ..."
        if _title_case_line(text, m.start()):
            # in a headline every word is capitalised: the name starts at its first place
            while tokens and not _placelike(tokens[0].group()):
                tokens.pop(0)
        if not tokens:
            continue
        start, words = base + tokens[0].start(), [t.group() for t in tokens]
        if not any(w not in generic for w in words):
            continue  # "National Pilot Zone"
        end = m.end()
        tail = ZONE_TAIL.match(text, end)
        if tail:
            end = tail.end()
        after = re.match(r"[ \t]+([A-Z][\w'’]*)", text[end : end + 40])
        if after and after.group(1).replace("’", "'") in org_words:
            continue  # "... Demonstration Zone Party Working Committee" is an organization
        surface = text[start:end]
        out.append(InitiativeHit(start, end, surface, _tidy(surface), "strategy"))
    return out


@cache
def _phrase_data() -> tuple[re.Pattern[str], frozenset[str]]:
    sp = load_lexicon().initiatives["strategy_phrase"]
    leads = alternation(sp["leads"], ignore_case=True)
    rx = re.compile(
        rf"(?<![\w-])(?i:{leads})\s+(?:(?:the|a|an|our|its)\s+)?(?P<body>(?:[a-z][\w'’-]*\s+){{1,5}}?)"
        r"(?P<head>strateg(?:y|ies))(?![\w-])"
    )
    return rx, frozenset(sp["generic"])


def _strategy_phrases(text: str, found: list[InitiativeHit]) -> list[InitiativeHit]:
    """ "implement the county-seat-first urbanization strategy": a lowercase name ending in "strategy"."""
    if "strateg" not in text:
        return []
    rx, generic = _phrase_data()
    out = []
    for m in rx.finditer(text):
        words = m.group("body").split()
        if words[0] == "and" or any(w in FUNCTION_WORDS - {"and"} or w.endswith(("'s", "’s", "ly")) for w in words):
            continue  # "the company's global strategy", "a mutually beneficial strategy"
        if re.match(r"\s+of\s+[a-z]", text[m.end() : m.end() + 6]):
            continue  # "the ... strategy of opening up": a description of another strategy
        if all(w in generic for w in words):
            continue  # "the major national strategy"
        start, end = m.start("body"), m.end("head")
        if any(h.start < end and start < h.end for h in found):
            continue  # the gazetteer's name wins: "rural revitalization strategy"
        surface = text[start:end]
        out.append(InitiativeHit(start, end, surface, _tidy(surface), "strategy"))
    return out


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


@cache
def _promoted() -> re.Pattern[str]:
    """Text ending in a promoter of a quoted name: "implement the", "policy of", "strategy of X Y's"."""
    promoters = alternation(load_lexicon().initiatives["plans"]["promoters"], ignore_case=True)
    owner = r"(?:[A-Z][\w-]*\s+){0,4}[A-Z][\w-]*['’]s\s+"  # "General Secretary Xi Jinping's"
    return re.compile(rf"(?<![\w-])(?i:{promoters})\s+(?:(?i:the|a|an|our|its|this)\s+)?(?:\w+\s+){{0,2}}(?:{owner})?$")


QUOTE_FOLLOWERS = frozenset("plan plans program programme project projects".split())
# a quoted name followed by one of these is named by it, promoted or not: the "X" campaign
QUOTE_HEADS = QUOTE_FOLLOWERS | frozenset("initiative initiatives strategy strategies campaign policy action".split())


def _quoted(text: str) -> list[InitiativeHit]:
    out = []
    for m in re.finditer(r"[“\"]([^“”\"\n]{3,120})[”\"]", text):
        inner = m.group(1).strip().rstrip(".,;:")
        words = inner.split()
        if len(words) < 2 or len(words) > 14 or words[0].lower() in ("a", "an"):
            continue  # "build it into 'a new model'" describes, names nothing
        nxt = re.match(r"\s+([a-z][a-z-]*)", text[m.end() : m.end() + 30])
        if nxt and nxt.group(1) not in QUOTE_FOLLOWERS and _modifier(text, m.end()):
            continue  # a quoted modifier: "stuck neck" problems
        headed = bool(nxt) and nxt.group(1) in QUOTE_HEADS
        if not headed and not _promoted().search(text[max(0, m.start() - 80) : m.start()]):
            continue
        kind = "plan" if any(h in words for h in PLAN_KINDS) else "strategy"
        at = m.start(1) + m.group(1).index(inner)
        out.append(InitiativeHit(at, at + len(inner), inner, _tidy(inner), kind))
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
