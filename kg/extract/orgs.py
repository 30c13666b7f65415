"""Recognise organizations in text and give them canonical names with their jurisdiction.

"the Provincial Party Committee" in a Liaoning article is the CPC Liaoning Provincial Committee;
"CPC Shenzhen Committee" is the CPC Shenzhen Municipal Committee; "Standing Committee of the
13th Provincial CPPCC" is the Standing Committee of the Heilongjiang Provincial Committee of the
CPPCC. Body forms come from ``kg/data/bodies.toml``; places from ``places.jsonl``.
"""

from __future__ import annotations

import re
from functools import cache

from kg.extract.bodies import (
    LOCAL_LEVELS_OWN,
    NATIONAL_CONGRESS,
    DocContext,
    OrgHit,
    body_hits,
    canonical_name,
    delegations,
)
from kg.extract.departments import departments
from kg.extract.lexicon import PROVINCE_LEVELS, Lexicon, load_lexicon, words_pattern

__all__ = ["DocContext", "OrgHit", "canonical_name", "find_orgs", "infer_context"]


@cache
def _media_re() -> re.Pattern[str]:
    return re.compile(words_pattern(load_lexicon().bodies["heads"]["media"], ignore_case=False))


BEIJING_BODY = re.compile(r"Beijing\s+Municipal|CPC\s+Beijing|Beijing\s+(?:Party|People's)|municipal", re.I)
LONE_HEADS = frozenset({"Ministry", "Embassy", "Consulate", "Bank", "University", "Academy"})
BARE_STANDING = re.compile(r"(?<![\w-])(?:the\s+)?Standing\s+Committee(?!\s+of\b)(?![\w-])", re.I)
WORD = re.compile(r"[\w][\w'’.&-]*|\(|\)")


def find_orgs(text: str, ctx: DocContext) -> list[OrgHit]:
    """Every organization named in ``text``, longest match first, without overlaps."""
    lex = load_lexicon()
    folded = text.casefold().replace("’", "'")
    hits = body_hits(text, folded, ctx, lex)
    hits += _generic_hits(text, lex, {h.start for h in hits})
    hits += [OrgHit(m.start(), m.end(), m.group(), m.group(), "media", None, None) for m in _media_re().finditer(text)]
    if "delegation" in folded and NATIONAL_CONGRESS.search(text):
        hits += delegations(text, lex)
    hits += departments(text, hits, ctx, lex)
    chosen = _without_overlaps(hits)
    return _bare_standing(text, chosen)


def _generic_hits(text: str, lex: Lexicon, body_starts: set[int]) -> list[OrgHit]:
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
            while True:
                # "... for the Promotion of ...": "the" may follow "for" inside a name
                skip = 1 if k + 3 < len(toks) and toks[k + 1][2] == "for" and toks[k + 2][2] == "the" else 0
                if not (
                    k + 2 + skip < len(toks)
                    and toks[k + 1][2] in ("of", "for", "on", "with")
                    and _cap(toks[k + 2 + skip][2])
                    and toks[k + 2 + skip][2].lower().rstrip(".") not in honorifics
                    and not _gap(text, toks[k][1], toks[k + 2 + skip][0])
                ):
                    break
                k += 2 + skip
                while (
                    k + 1 < len(toks)
                    and not _gap(text, toks[k][1], toks[k + 1][0])
                    and (
                        _cap(toks[k + 1][2])
                        or (
                            toks[k + 1][2] in ("and", "the")
                            and k + 2 < len(toks)
                            and _cap(toks[k + 2][2])
                            and (toks[k + 1][2] == "the" or toks[k + 2][0] not in body_starts)
                        )
                    )
                ):
                    k += 1
        if (j == i and (k == i or w not in LONE_HEADS)) or text[toks[j][0] : toks[k][1]] == "Standing Committee":
            continue  # "Committee of X" or a bare "Standing Committee" is not a name
        start, end = toks[j][0], toks[k][1]
        if w == "Co.":
            ltd = re.match(r",?\s*(?:Ltd|Limited)\b\.?", text[end:])
            end += ltd.end() if ltd else 0
        surface = text[start:end]
        if _descriptive(surface, lex):
            continue
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


def _descriptive(surface: str, lex: Lexicon) -> bool:
    """ "National County Party Committee" (a headline's words for a class of bodies) names no body."""
    words = [w.lower() for w in surface.split()[:-1]]
    levels = {w for w in words if w in lex.level_words or w == "national"}
    return len(levels) >= 2 and all(w in levels or w in ("party", "cpc") for w in words)


def _cap(w: str) -> bool:
    return bool(w) and (w[0].isupper() or w[0].isdigit() and re.fullmatch(r"\d+(?:st|nd|rd|th)", w) is not None)


def _gap(text: str, a: int, b: int) -> bool:
    return bool(re.search(r"[,;:.()\n\"“”]", text[a:b]))


def _line_break(text: str, a: int, b: int) -> bool:
    return _gap(text, a, b)


def _without_overlaps(hits: list[OrgHit]) -> list[OrgHit]:
    rank = {"standing_committee": 0, "central": 1}
    # a body with a canonical name before a generic one of the same extent
    ordered = sorted(hits, key=lambda h: (-(h.end - h.start), rank.get(h.kind, 1 if h.parent else 2), h.start))
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
    towns = {c: n for c, n in local.items() if (e := lex.place(c)) is not None and e.level in ("city", "prefecture")}
    if towns and re.search(r"\bmunicipal\b", text, re.I):
        city = max(towns, key=lambda c: (towns[c], c))
    # a district or county named at least twice, more than any other: the article's own jurisdiction
    lower = {c: n for c, n in local.items() if (e := lex.place(c)) is not None and e.level in LOCAL_LEVELS_OWN}
    ranked = sorted(lower.items(), key=lambda cn: (-cn[1], cn[0]))
    own = ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) else None
    return DocContext(region, city, own)
