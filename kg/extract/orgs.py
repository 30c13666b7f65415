"""Recognise organizations in text and give them canonical names with their jurisdiction.

"the Provincial Party Committee" in a Liaoning article is the CPC Liaoning Provincial Committee;
"CPC Shenzhen Committee" is the CPC Shenzhen Municipal Committee; "Standing Committee of the
13th Provincial CPPCC" is the Standing Committee of the Heilongjiang Provincial Committee of the
CPPCC. Body forms come from ``kg/data/bodies.toml``; places from ``places.jsonl``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg.extract.lexicon import PROVINCE_LEVELS, Lexicon, apos, load_lexicon, words_pattern

ORDINAL = (
    r"(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    r"eleventh|twelfth|thirteenth|fourteenth|fifteenth|twentieth)"
)
FUNCTION_WORDS = {"of", "for", "and", "the", "on", "with", "in", "to"}


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


@dataclass(frozen=True)
class _Form:
    kind: str
    regex: re.Pattern[str]
    national: bool
    canonical: str
    national_name: str
    standing: bool
    required: tuple[str, ...] = ()  # words every match contains (casefolded), to skip the form early


def _required_words(form: str) -> tuple[str, ...]:
    """The literal words of a form that are not optional (casefolded, apostrophes straightened)."""
    return tuple(t.casefold().replace("’", "'") for t in form.split() if t[0] not in "[{")


def _form_regex(form: str, lex: Lexicon) -> str:
    parts = []
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
        else:
            body = apos(re.escape(tok))
        parts.append(f"(?:{body}\\s+)?" if optional else f"{body}\\s+")
    return r"(?<![\w-])" + "".join(parts)[: -len("\\s+")] + r"(?![\w-])"


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
                )
            )
    return tuple(out)


@cache
def _media_re() -> re.Pattern[str]:
    return re.compile(words_pattern(load_lexicon().bodies["heads"]["media"], ignore_case=False))


BEIJING_BODY = re.compile(r"Beijing\s+Municipal|CPC\s+Beijing|Beijing\s+(?:Party|People's)|municipal", re.I)
# One to three capitalised words; the shortest that lets the form match is tried first.
REGION_WORDS = r"(?-i:[A-Z][\w'’]*(?:[ -][A-Z][\w'’]*){0,2}?)"
LONE_HEADS = frozenset({"Ministry", "Embassy", "Consulate", "Bank", "University", "Academy"})
STANDING_PREFIX = re.compile(r"(?:the\s+)?Standing\s+Committee\s+of\s+(?:the\s+)?$", re.I)
BARE_STANDING = re.compile(r"(?<![\w-])(?:the\s+)?Standing\s+Committee(?!\s+of\b)(?![\w-])", re.I)
WORD = re.compile(r"[\w][\w'’.&-]*|\(|\)")


def canonical_name(kind: str, region: str | None, level: str | None, lex: Lexicon | None = None) -> str | None:
    """The graph's name for a body of ``kind`` in ``region`` ("CPC Liaoning Provincial Committee")."""
    lex = lex or load_lexicon()
    spec = next((b for b in lex.bodies["body"] if b["kind"] == kind), None)
    if spec is None:
        return None
    if region in (None, "China"):
        return spec["national"] if region == "China" else None
    entry = lex.place(region)
    lvl = entry.level if entry else level or "province"
    adj = lex.level_adjectives.get(lvl, "Provincial")
    return spec["canonical"].format(Region=region, Level=adj)


def _relative_region(level_word: str | None, ctx: DocContext, lex: Lexicon) -> str | None:
    lvl = lex.level_words.get(re.sub(r"\s+", " ", level_word.lower())) if level_word else "province"
    if lvl == "city":
        if ctx.city:
            return ctx.city
        entry = lex.place(ctx.region) if ctx.region else None
        return ctx.region if entry and entry.level == "municipality" else None
    if lvl in ("province", "autonomous region"):
        return ctx.region if ctx.region and ctx.region != "China" else None
    return None


def find_orgs(text: str, ctx: DocContext) -> list[OrgHit]:
    """Every organization named in ``text``, longest match first, without overlaps."""
    lex = load_lexicon()
    hits: list[OrgHit] = []
    folded = text.casefold().replace("’", "'")
    for form in _forms():
        if not all(word in folded for word in form.required):
            continue  # a word of the form is missing: no match (most forms, in most articles)
        for m in form.regex.finditer(text):
            hit = _body_hit(m, form, text, ctx, lex)
            if hit:
                hits.append(hit)
    hits += _generic_hits(text, lex)
    hits += [OrgHit(m.start(), m.end(), m.group(), m.group(), "media", None, None) for m in _media_re().finditer(text)]
    chosen = _without_overlaps(hits)
    return _bare_standing(text, chosen)


def _body_hit(m: re.Match[str], form: _Form, text: str, ctx: DocContext, lex: Lexicon) -> OrgHit | None:
    surface = m.group()
    gd = m.groupdict()
    region_s = gd.get("region")
    if region_s:
        entry = lex.place(region_s)
        if entry is None or not entry.is_chinese or entry.name == "China":
            return None
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
        name = canonical_name(form.kind, region, level, lex)
        if name is None:
            return None
    start = m.start()
    parent = None
    kind = form.kind
    pre = STANDING_PREFIX.search(text[max(0, start - 40) : start])
    if pre and form.standing:
        parent, name, kind = name, f"Standing Committee of the {name}", "standing_committee"
        start = start - (len(pre.group()))
    if text[start : start + 4].lower() == "the ":
        start += 4
    return OrgHit(start, m.end(), text[start : m.end()], name, kind, region, level, parent)


def _generic_hits(text: str, lex: Lexicon) -> list[OrgHit]:
    heads = set(lex.bodies["heads"]["words"])
    media_heads = set(lex.bodies["heads"]["media_heads"])
    toks = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
    honorifics = {h.rstrip(".") for h in lex.honorifics}
    out = []
    for i, (_s, _e, w) in enumerate(toks):
        is_media = w in media_heads
        if w not in heads and not is_media:
            continue
        j = i
        while (
            j > 0
            and _cap(toks[j - 1][2])
            and not _line_break(text, toks[j - 1][1], toks[j][0])
            and toks[j - 1][2] not in ("The", "A", "An")
        ):
            j -= 1
        k = i
        if not is_media:
            while (
                k + 2 < len(toks)
                and toks[k + 1][2] in ("of", "for", "on", "with")
                and _cap(toks[k + 2][2])
                and toks[k + 2][2].lower().rstrip(".") not in honorifics
                and not _gap(text, toks[k][1], toks[k + 2][0])
            ):
                k += 2
                while (
                    k + 1 < len(toks)
                    and not _gap(text, toks[k][1], toks[k + 1][0])
                    and (
                        _cap(toks[k + 1][2])
                        or (toks[k + 1][2] in ("and", "the") and k + 2 < len(toks) and _cap(toks[k + 2][2]))
                    )
                ):
                    k += 1
        if (j == i and (k == i or w not in LONE_HEADS)) or text[toks[j][0] : toks[k][1]] == "Standing Committee":
            continue  # "Committee of X" or a bare "Standing Committee" is not a name
        start, end = toks[j][0], toks[k][1]
        surface = text[start:end]
        kind = (
            "media"
            if is_media
            else (
                "foreign"
                if w == "Embassy"
                else "ministry"
                if w
                in (
                    "Ministry",
                    "Office",
                    "Commission",
                    "Bureau",
                    "Administration",
                    "Department",
                    "Council",
                    "Agency",
                )
                else "other"
            )
        )
        out.append(OrgHit(start, end, surface, surface, kind, None, None))
    return out


def _cap(w: str) -> bool:
    return bool(w) and (w[0].isupper() or w[0].isdigit() and re.fullmatch(r"\d+(?:st|nd|rd|th)", w) is not None)


def _gap(text: str, a: int, b: int) -> bool:
    return bool(re.search(r"[,;:.()\n\"“”]", text[a:b]))


def _line_break(text: str, a: int, b: int) -> bool:
    return _gap(text, a, b)


def _without_overlaps(hits: list[OrgHit]) -> list[OrgHit]:
    rank = {"standing_committee": 0, "central": 1}
    ordered = sorted(hits, key=lambda h: (-(h.end - h.start), rank.get(h.kind, 2), h.start))
    taken: list[OrgHit] = []
    for h in ordered:
        if all(h.end <= t.start or h.start >= t.end for t in taken):
            taken.append(h)
    return sorted(taken, key=lambda h: h.start)


def _bare_standing(text: str, hits: list[OrgHit]) -> list[OrgHit]:
    """ "the Standing Committee" alone refers back to the last standing committee named."""
    out = list(hits)
    for m in BARE_STANDING.finditer(text):
        if any(h.start <= m.start() < h.end or m.start() <= h.start < m.end() for h in hits):
            continue
        before = [h for h in hits if h.kind == "standing_committee" and h.end <= m.start()]
        if before:
            ref = before[-1]
            s = m.start() + (4 if m.group().lower().startswith("the ") else 0)
            out.append(OrgHit(s, m.end(), text[s : m.end()], ref.name, ref.kind, ref.region, ref.level, ref.parent))
    return sorted(out, key=lambda h: h.start)


def infer_context(text: str) -> DocContext:
    """The document's jurisdiction: the province (or region) it names most, counting its cities."""
    lex = load_lexicon()
    provinces: dict[str, int] = {}
    cities: dict[str, int] = {}
    first: dict[str, int] = {}
    for m in lex.place_re.finditer(text):
        if not m.group()[0].isupper():
            continue
        entry = lex.place(m.group())
        if entry is None or not entry.is_chinese or entry.name == "China":
            continue
        prov = lex.province_of(entry.name)
        if prov is None:
            continue
        weight = 2 if entry.level in PROVINCE_LEVELS else 1
        provinces[prov] = provinces.get(prov, 0) + weight
        first.setdefault(prov, m.start())
        if entry.level not in PROVINCE_LEVELS:
            cities[entry.name] = cities.get(entry.name, 0) + 1
    if not provinces:
        return DocContext("China", None)
    if "Beijing" in provinces and not BEIJING_BODY.search(text):
        del provinces["Beijing"]  # the capital, where national bodies sit: not a jurisdiction by itself
    if not provinces:
        return DocContext("China", None)
    region = max(provinces, key=lambda p: (provinces[p], -first[p]))
    city = None
    local = {c: n for c, n in cities.items() if lex.province_of(c) == region and n >= 2}
    if local and re.search(r"\bmunicipal\b", text, re.I):
        city = max(local, key=lambda c: (local[c], c))
    return DocContext(region, city)
