"""Bodies of the party-state named by their forms in ``kg/data/bodies.toml``, with canonical names.

"CPC Shenzhen Committee" is the CPC Shenzhen Municipal Committee; "the Party Committee of the
Autonomous Region" in an Inner Mongolia article is the CPC Inner Mongolia Autonomous Regional
Committee; "NPC Standing Committee" is the Standing Committee of the National People's Congress;
"Organization Department of the CPC Hunan Provincial Committee" is a department of that committee.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from kg.extract.lexicon import Lexicon, apos, load_lexicon

ORDINAL = (
    r"(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    r"eleventh|twelfth|thirteenth|fourteenth|fifteenth|twentieth)"
)
FUNCTION_WORDS = {"of", "for", "and", "the", "on", "with", "in", "to"}
LOCAL_PAIR = ("county", "district")
_PARTY_WORD = re.compile(r"\b(?:party|cpc|communist|ccp)\b", re.I)
LOCAL_LEVELS_OWN = ("county", "district", "new area")


@dataclass(frozen=True)
class OrgHit:
    """An organization found at ``start:end`` of the text."""

    start: int
    end: int
    surface: str
    name: str  # canonical
    kind: str
    region: str | None
    level: str | None
    parent: str | None = None


@dataclass(frozen=True)
class DocContext:
    """What a document says about where it is: its province and, if any, its main city."""

    region: str | None  # provincial-level region, or "China" for national news
    city: str | None = None
    local: str | None = None  # the district or county the article is about, if any


@dataclass(frozen=True)
class _Form:
    kind: str
    regex: re.Pattern[str]
    national: bool
    canonical: str
    national_name: str
    standing: bool
    required: tuple[str, ...] = ()  # words every match contains (casefolded), to skip the form early
    template: str | None = None  # canonical name, when not the kind's ("... Committee of the Jiusan Society")
    parent_kind: str | None = None  # the body this one belongs to ("CPC Hunan Provincial Standing Committee")
    source: str = ""  # the form as written in bodies.toml


@cache
def _required_vocabulary() -> frozenset[str]:
    """Every word some form requires."""
    return frozenset(w for form in _forms() for w in form.required)


@cache
def _anchor_and_reach(form: _Form) -> tuple[str | None, int, int]:
    """The longest required word of a form, and how far before and after it a match can reach."""
    if not form.required:
        return None, 0, 0
    anchor = max(form.required, key=len)
    lex = load_lexicon()
    sizes = []
    for tok in form.source.split():
        t = tok.strip("[]")
        if t == "{region}":
            size = 3 * 30 + 2  # up to three capitalised words (of 30 letters at most)
        elif t == "{level}":
            size = max(len(w) for w in lex.level_words) + 4
        elif t == "{ord}":
            size = 15
        elif t == "{cpc}":
            size = max(len(n) for n in lex.bodies["party"]["names"]) + 4
        else:
            size = len(t)
        sizes.append((t.strip("{}=").replace("_", " ").casefold().replace("’", "'"), size + 4))
    i = next((k for k, (t, _) in enumerate(sizes) if anchor in t.split()), None)
    if i is None:
        return None, 0, 0
    return anchor, sum(z for _, z in sizes[:i]) + 8, sum(z for _, z in sizes[i:]) + 8


def _required_words(form: str) -> tuple[str, ...]:
    """The literal words of a form that are not optional (casefolded, apostrophes straightened)."""
    return tuple(t.casefold().replace("’", "'") for t in form.split() if t[0] not in "[{")


def _form_regex(form: str, lex: Lexicon) -> str:
    parts: list[str] = []
    required = False
    for tok in form.split():
        optional = tok.startswith("[") and tok.endswith("]")
        tok = tok.strip("[]")
        if tok == "{region}":
            body = f"(?P<region>{REGION_WORDS})"  # checked against the gazetteer after matching
        elif tok == "{level}":
            body = (
                "(?P<level>"
                + "|".join(re.escape(w).replace("\\ ", r"\s+") for w in sorted(lex.level_words, key=len, reverse=True))
                + ")"
            )
        elif tok == "{ord}":
            body = ORDINAL
        elif tok == "{cpc}":
            body = "(?:" + "|".join(re.escape(n).replace("\\ ", r"\s+") for n in lex.bodies["party"]["names"]) + ")"
        elif tok.startswith("{=") and tok.endswith("}"):  # a literal phrase (a party's name), spaces as "_"
            body = apos(re.escape(tok[2:-1].replace("_", " "))).replace("\\ ", r"\s+")
        else:
            body = apos(re.escape(tok))
        if not optional and required:
            parts.append(r"\s+")
        # optional words before the first required one carry their space after them, later ones before them
        parts.append(f"(?:\\s+{body})?" if optional and required else f"(?:{body}\\s+)?" if optional else body)
        required = required or not optional
    return r"(?<![\w-])" + "".join(parts) + r"(?![\w-])"


@cache
def _forms() -> tuple[_Form, ...]:
    lex = load_lexicon()
    out = []
    for b in lex.bodies["body"]:
        for nat, forms in ((False, b["forms"]), (True, b.get("national_forms", []))):
            for f in forms:
                out.append(
                    _Form(
                        b["kind"],
                        re.compile(_form_regex(f, lex), re.I),
                        nat,
                        b["canonical"],
                        b["national"],
                        b.get("standing", False),
                        _required_words(f),
                        parent_kind=b.get("parent_kind"),
                        source=f,
                    )
                )
    for p in lex.bodies.get("minor_party", []):
        for alias in p["aliases"]:
            a = "{=" + alias.replace(" ", "_") + "}"
            local = [
                "[the] [{region}] [{ord}] {level} Committee of [the] " + a,
                "[the] {region} Committee of [the] " + a,
            ]
            for f in local + ["[the] " + a + " {region} [{level}] Committee"]:
                template = "{Region} {Level} Committee of the " + p["name"]
                out.append(
                    _Form(
                        "other",
                        re.compile(_form_regex(f, lex), re.I),
                        False,
                        p["name"],
                        p["name"],
                        False,
                        _required_words(f) + tuple(alias.casefold().split()),
                        template,
                        source=f,
                    )
                )
            if len(alias.split()) > 1:  # a bare acronym or one word names no party by itself
                for f in ("[the] Central Committee of [the] " + a, "[the] " + a):
                    out.append(
                        _Form(
                            "other",
                            re.compile(_form_regex(f, lex), re.I),
                            True,
                            p["name"],
                            p["name"],
                            False,
                            tuple(alias.casefold().split()),
                            source=f,
                        )
                    )
    for c in lex.bodies["central"]:
        for f in c["forms"]:
            out.append(
                _Form(
                    "central",
                    re.compile(_form_regex(f, lex), re.I),
                    True,
                    c["name"],
                    c["name"],
                    c.get("standing", False),
                    _required_words(f),
                    source=f,
                )
            )
    return tuple(out)


REGION_WORDS = r"(?-i:[A-Z][\w'’]*(?:[ -][A-Z][\w'’]*){0,2}?)"
STANDING_PREFIX = re.compile(r"(?:the\s+)?Standing\s+Committee\s+of\s+(?:the\s+)?$", re.I)


def canonical_name(
    kind: str,
    region: str | None,
    level: str | None,
    lex: Lexicon | None = None,
    template: str | None = None,
    stated_level: str | None = None,
) -> str | None:
    """The graph's name for a body of ``kind`` in ``region`` ("CPC Liaoning Provincial Committee").

    ``stated_level`` is the level the text gives ("Conghua district"): it wins over the gazetteer's
    between county and district, the two names of one level that places change between.
    """
    lex = lex or load_lexicon()
    spec = next((b for b in lex.bodies["body"] if b["kind"] == kind), None)
    if spec is None and template is None:
        return None
    if region in (None, "China"):
        return (spec["national"] if spec else None) if region == "China" else None
    entry = lex.place(region)
    lvl = entry.level if entry else level or "province"
    if stated_level in LOCAL_PAIR and lvl in (*LOCAL_PAIR, "new area"):
        lvl = stated_level
    adj = lex.level_adjectives.get(lvl, "Provincial")
    canonical = spec.get("by_level", {}).get(lvl, spec["canonical"]) if spec else None
    return (template or canonical).format(Region=region, Level=adj)


def _relative_region(level_word: str | None, ctx: DocContext, lex: Lexicon) -> str | None:
    lvl = lex.level_words.get(re.sub(r"\s+", " ", level_word.lower())) if level_word else "province"
    if lvl == "city":
        if ctx.city:
            return ctx.city
        entry = lex.place(ctx.region) if ctx.region else None
        return ctx.region if entry and entry.level == "municipality" else None
    if lvl in ("province", "autonomous region"):
        return ctx.region if ctx.region and ctx.region != "China" else None
    if lvl in LOCAL_PAIR:
        return ctx.local
    return None


def body_hits(text: str, folded: str, ctx: DocContext, lex: Lexicon) -> list[OrgHit]:
    """Every match of a body form (overlapping), each extended by its abbreviation or "Standing Committee"."""
    hits: list[OrgHit] = []
    aligned = len(folded) == len(text)
    missing = {w for w in _required_vocabulary() if w not in folded}
    for form in _forms():
        if missing.intersection(form.required):
            continue  # a word of the form is missing: no match (most forms, in most articles)
        anchor, before, after = _anchor_and_reach(form) if aligned else (None, 0, 0)
        matches = (
            _finditer_near(form.regex, text, folded, anchor, before, after) if anchor else form.regex.finditer(text)
        )
        for m in matches:
            hit = _body_hit(m, form, text, ctx, lex)
            if hit:
                hits.append(_extended(hit, text))
    return hits


def _finditer_near(
    rx: re.Pattern[str], text: str, folded: str, anchor: str, before: int = 250, after: int = 250
) -> Iterator[re.Match[str]]:
    """``rx.finditer(text)``, searched only around the occurrences of ``anchor`` (a word every match holds).

    The same matches in the same order: from the end of the last match, the leftmost match holds
    the next occurrence of the anchor, and starts at most ``before`` characters before it (the
    form's words before its anchor, at their longest). A match that reaches the end of its window
    is matched again on the whole text.
    """
    n = len(text)
    cursor = 0
    at = folded.find(anchor)
    while at != -1:
        pos = max(cursor, at - before)
        end = min(n, at + after)
        while True:
            m = rx.search(text, pos, end)
            if m is None or m.start() > at:
                break
            if m.end() >= end and end < n:  # cut by the window's end: match it on the whole text
                full = rx.match(text, m.start())
                if full is None:
                    pos = m.start() + 1
                    continue
                m = full
            yield m
            cursor = pos = m.end() if m.end() > m.start() else m.end() + 1
            if cursor > at:
                break
        at = folded.find(anchor, max(at + 1, cursor))


def _body_hit(m: re.Match[str], form: _Form, text: str, ctx: DocContext, lex: Lexicon) -> OrgHit | None:
    surface = m.group()
    gd = m.groupdict()
    region_s = gd.get("region")
    if region_s:
        entry = lex.place(region_s)
        if entry is None or not entry.is_chinese or entry.name == "China":
            return None
    if form.kind == "party_committee" and not _PARTY_WORD.search(surface) and re.match(r"\s+of\b", text[m.end() :]):
        return None  # "the Municipal Committee of the Communist Youth League": another body's committee
    stated = lex.level_words.get(re.sub(r"\s+", " ", gd["level"].lower())) if gd.get("level") else None
    parent = None
    if form.national:
        name, region, level = form.national_name, "China", "national"
        if form.kind == "central":
            name = form.canonical
    else:
        if region_s:
            entry = lex.place(region_s)
            region = entry.name if entry else region_s
            level = entry.level if entry else None
            if "central committee" in surface.lower() and form.kind == "party_committee":
                level = entry.level if entry else "province"
        else:
            region = _relative_region(gd.get("level"), ctx, lex)
            if region is None:
                return None
            entry = lex.place(region)
            level = entry.level if entry else None
        name = canonical_name(form.kind, region, level, lex, form.template, stated)
        if name is None:
            return None
        if form.parent_kind:
            parent = canonical_name(form.parent_kind, region, level, lex, None, stated)
    start = m.start()
    kind = form.kind
    pre = STANDING_PREFIX.search(text[max(0, start - 40) : start])
    if pre and form.standing:
        parent, name, kind = name, f"Standing Committee of the {name}", "standing_committee"
        start = start - (len(pre.group()))
    if text[start : start + 4].lower() == "the ":
        start += 4
    return OrgHit(start, m.end(), text[start : m.end()], name, kind, region, level, parent)


NATIONAL_CONGRESS = re.compile(
    r"National\s+People['’]s\s+Congress|\bNPC\b|CPPCC\s+National|National\s+Congress\s+of\s+the"
)
_DELEGATION = re.compile(
    r"(?<![\w-])(?P<region>"
    + REGION_WORDS
    + r")(?:\s+(?:Province|Municipality|Zhuang|Hui|Uygur|Uyghur|Autonomous|Region))*"
    r"\s+[Dd]elegation(?:\s+to\s+the\s+(?:[\w'’]+\s+){0,6}?(?:National\s+People['’]s\s+Congress|NPC|CPPCC\s+National"
    r"\s+Committee|National\s+Committee\s+of\s+the\s+CPPCC))?(?![\w-])"
)
_ABBREVIATION = re.compile(r"\s*\((?:[A-Z][A-Za-z]{1,7})\)")
_STANDING_AFTER = re.compile(r"(?:\s*\((?:[A-Z][A-Za-z]{1,7})\))?\s+Standing\s+Committee(?![\w-])(?!\s+of\b)", re.I)
STANDING_KINDS = ("party_committee", "congress", "cppcc", "discipline", "federation")


def delegations(text: str, lex: Lexicon) -> list[OrgHit]:
    """ "the Guangxi delegation (to the 13th National People's Congress)" in an article on a national congress."""
    out = []
    for m in _DELEGATION.finditer(text):
        entry = lex.place(m.group("region"))
        if entry is None or not entry.is_chinese or entry.name == "China":
            continue
        name = f"{entry.name} delegation" + re.sub(r"\s+", " ", m.group()[m.group().lower().index("delegation") + 10 :])
        out.append(OrgHit(m.start(), m.end(), m.group(), name, "other", entry.name, entry.level))
    return out


def _extended(h: OrgHit, text: str) -> OrgHit:
    """A body followed by its abbreviation ("(CPPCC)") or by "Standing Committee" ("NPC Standing Committee")."""
    if h.kind in STANDING_KINDS:
        m = _STANDING_AFTER.match(text, h.end)
        if m:
            name = f"Standing Committee of the {h.name}"
            return OrgHit(
                h.start, m.end(), text[h.start : m.end()], name, "standing_committee", h.region, h.level, h.name
            )
    if h.kind != "media":
        m = _ABBREVIATION.match(text, h.end)
        if m:
            return OrgHit(h.start, m.end(), text[h.start : m.end()], h.name, h.kind, h.region, h.level, h.parent)
    return h
