"""The pieces of a title phrase (items, title hits, patterns) and how titles get their bodies."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kg.extract.lexicon import Lexicon, Title, load_lexicon, words_pattern
from kg.extract.orgs import OrgHit


@dataclass(frozen=True)
class Item:
    kind: str  # ORG REGION TITLE OF AND COMMA TO LEVEL PARTY CPC NAT HON THE
    start: int
    end: int
    value: object = None


@dataclass(frozen=True)
class TitleHit:
    """A title attached to a person: ``org`` is the canonical organization name."""

    title: str
    org: str | None
    org_kind: str | None
    org_region: str | None
    org_hit: OrgHit | None  # the organization as named in the text, if it is
    start: int
    end: int
    plural: bool = False
    status: str = "holds"
    inferred: bool = False  # the organization comes from the document's context, not the text


LEVEL = re.compile(
    r"(?:provincial|municipal|city|district|county|prefectural|autonomous\s+regional|regional)(?![\w-])", re.I
)
RELATIVE_REGION = re.compile(r"(?:the\s+)?(autonomous\s+region|province|municipality|city|region)(?![\w-])", re.I)
CAPITAL_OF = re.compile(r"(?:the\s+)?(?:provincial\s+)?capital(?:\s+city)?\s+of\s+", re.I)  # + a province
THE_CAPITAL = re.compile(r"(?:[Tt]he\s+)?capital(?![\w-])(?!\s+(?:city\s+)?of(?![\w-]))")  # China's: Beijing
SIMPLE = [
    ("OF", re.compile(r"of(?:\s+the)?(?![\w-])", re.I)),
    ("AND", re.compile(r"and(?![\w-])", re.I)),
    ("COMMA", re.compile(r",")),
    ("TO", re.compile(r"to(?![\w-])", re.I)),
    ("THE", re.compile(r"the(?![\w-])", re.I)),
    ("PARTY", re.compile(r"party(?![\w-])", re.I)),
    ("CPC", re.compile(r"(?:CPC|Communist\s+Party\s+of\s+China)(?![\w-])")),
]


def hon_nat_res(lex: Lexicon) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The honorific and national-adjective patterns (compiled once for the shipped lexicon)."""
    return _default_hon_nat_res() if lex is load_lexicon() else _compile_hon_nat(lex)


def _compile_hon_nat(lex: Lexicon) -> tuple[re.Pattern[str], re.Pattern[str]]:
    return (
        re.compile(words_pattern(list(lex.honorifics)), re.I),
        re.compile(words_pattern(list(lex.national_adjectives)), re.I),
    )


@cache
def _default_hon_nat_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return _compile_hon_nat(load_lexicon())


@cache
def descriptor_re() -> re.Pattern[str]:
    """Describing words before a title in an apposition ("the commended outstanding ..."), from titles.toml."""
    data = tomllib.loads(resources.files("kg.data").joinpath("titles.toml").read_text(encoding="utf-8"))
    return re.compile(r"(?:" + words_pattern(data["descriptors"]["forms"]) + r"\s+)+", re.I)


@cache
def ministry_res() -> tuple[re.Pattern[str], dict[str, str]]:
    """The fields that name a ministry ("Commerce", "Foreign Affairs") and the ministry of each."""
    by_field = {f: m["name"] for m in load_lexicon().bodies.get("ministry", []) for f in m["fields"]}
    return re.compile(words_pattern(list(by_field)), re.I), by_field


MINISTER_OF = re.compile(r"(?:minister|secretary)\s+of\s+(?:the\s+)?$", re.I)
MINISTER_NEXT = re.compile(r"\s+(?:vice\s+|deputy\s+)?minister(?![\w-])", re.I)
WHERE = (
    r"(?:(?:north|south|east|west|northeast|northwest|southeast|southwest|central|northern|southern|eastern|western|"
    r"northeastern|northwestern|southeastern|southwestern)\s+)"
)
POSSESSIVE = re.compile(r"['’]s\s+")
PLACE_TAIL = re.compile(r"\s+(?:Province|City|Municipality|Autonomous Region|State|Prefecture|Region)(?![\w-])")
ELECTED = re.compile(
    r"\s*,?\s+(?:(?:has|have|had)\s+been|was|were|is|are)\s+(?:elected|appointed|named|chosen|selected)\s+"
    r"(?:as\s+)?(?:the\s+)?",
    re.I,
)
CLASS_OF_BODIES = re.compile(
    r"(?P<level>county|city|prefecture|prefectural|district|township|municipal|provincial)(?:-level)?\s+"
    r"(?:CPC\s+|Party\s+|party\s+)?committees(?![\w-])",
    re.I,
)
OWN_BODY = re.compile(r"\s+of\s+(?:the\s*)?[A-Z]")  # a title followed by the name of its own body


def takes_no_other_body(hit: TitleHit, first: TitleHit, text: str) -> bool:
    """A title without a body read that must not take another title's: followed by its own body's name
    ("Chief of <a body not read>"), or plural after a singular first title ("X, vice governor of Y, and
    heads of relevant departments": a group of others)."""
    return hit.org is None and (bool(OWN_BODY.match(text, hit.end)) or (hit.plural and not first.plural))


ABBREVIATION = re.compile(r"\s*\([A-Z][A-Z.&]{1,9}\)")  # "... Organization (SCO) Secretary General X"


def abbreviated(text: str, end: int) -> int:
    """The end of a body or place named up to ``end``, with its abbreviation in brackets if one follows."""
    m = ABBREVIATION.match(text, end)
    return m.end() if m else end


NAME_AHEAD = re.compile(r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3}")
LOCAL_LEVELS = ("district", "county")


def home_committee(orgs: list[OrgHit]) -> OrgHit | None:
    """The local party committee an article names more often than any provincial-level one ("Deputy
    Party secretary X" in an article on a district plenary session is the district's deputy secretary)."""
    counts = Counter(o.name for o in orgs if o.kind == "party_committee" and o.region not in (None, "China"))
    if not counts:
        return None
    (top, n), *rest = counts.most_common()
    if rest and rest[0][1] == n:
        return None
    hit = next(o for o in orgs if o.name == top)
    return hit if hit.level in ("city", "district", "county", "new area", "prefecture") else None


def parent_for(title_item: Item, target: Item) -> Item:
    """ "Deputy Secretary and Head of the Organization Department of the CPC X Committee": a party
    committee's title before a department's is the committee's own (the department's parent)."""
    title: Title = title_item.value[0]  # type: ignore[index]
    o = target.value
    if target.kind != "ORG" or not isinstance(o, OrgHit) or o.parent is None or o.kind != "ministry":
        return target
    if title.body != "party_committee":
        return target
    parent = OrgHit(o.start, o.end, o.surface, o.parent, "party_committee", o.region, o.level)
    return Item("ORG", target.start, target.end, parent)


def default_kind(title: Title, level: str | None) -> str | None:
    if title.body in ("party_committee", "government"):
        return title.body
    if level == "autonomous region" and title.name in ("Chairman", "Vice Chairman"):
        return "government"
    if level in LOCAL_LEVELS and title.name in ("Head", "Deputy Head"):
        return "government"  # "the head of Mei County"
    return dict(title.level_body).get(level) if level else None


def national(title: Title) -> tuple[str | None, str | None, str | None, None]:
    if title.body == "central" or title.body == "party_committee":
        return "CPC Central Committee", "party_committee", "China", None
    if title.body == "state" or title.name in ("Premier", "Vice Premier"):
        return "State Council", "government", "China", None
    if title.name in ("President", "Vice President"):
        return "People's Republic of China", "central", "China", None
    return None, None, None, None


def share_orgs(hits: list[TitleHit], lex: Lexicon, text: str = "") -> list[TitleHit]:
    """Titles of one phrase without an organization take their neighbour's ("vice chairman and secretary general").

    A national neighbour makes a head-of-state title national ("general secretary of the CPC Central
    Committee, President, and ..."); a party or government title never takes another kind's body,
    and a title followed by its own body's name ("director of <a body not read>") takes none.
    """
    known = [h for h in hits if h.org]
    if not known:
        return hits
    by_name = {t.name: t for t in lex.titles}
    out = []
    for h in hits:
        title = by_name.get(h.title)
        if h.org is None and title is not None and any(k.org_region == "China" for k in known):
            org, kind, region, _ = national(title)
            if org:
                h = TitleHit(h.title, org, kind, region, None, h.start, h.end, h.plural, h.status, False)
        if takes_no_other_body(h, hits[0], text):
            out.append(h)  # "X, vice governor of Y, and heads of relevant departments": others, not X
            continue
        if h.org is None:
            ref = known[-1]
            same = ref.org_kind == (title.body if title else None) or (
                title is not None
                and title.body == "party_committee"
                and (ref.org or "").startswith("Standing Committee of the CPC")
            )
            if title is not None and title.body in ("party_committee", "government") and not same:
                out.append(h)
                continue
            h = TitleHit(
                h.title,
                ref.org,
                ref.org_kind,
                ref.org_region,
                ref.org_hit,
                h.start,
                h.end,
                h.plural,
                h.status,
                ref.inferred,
            )
        out.append(h)
    return out


def valid_pre(items: list[Item]) -> bool:
    titled_of = any(a.kind == "TITLE" and b.kind == "OF" for a, b in zip(items, items[1:], strict=False))
    if items[-1].kind not in ("TITLE", "HON") and not (items[-1].kind in ("REGION", "ORG") and titled_of):
        return False  # "Provincial party secretary X", "Prime Minister of Spain X"
    if items[0].kind in ("AND", "COMMA", "OF", "TO"):
        return False
    return all(
        i.kind in ("TITLE", "HON", "ORG", "REGION", "LEVEL", "PARTY", "CPC", "NAT", "AND", "THE", "OF") for i in items
    ) and not any(a.kind == "THE" and b.kind == "HON" for a, b in zip(items, items[1:], strict=False))


def leader_title(org: OrgHit) -> str:
    """The title of the person who leads ``org`` ("as the major leader", "at the core")."""
    if org.kind == "party_committee":
        return "General Secretary" if org.region == "China" else "Secretary"
    if org.kind == "government":
        return (
            "Premier" if org.region == "China" else ("Mayor" if org.level in ("city", "municipality") else "Governor")
        )
    if org.kind in ("cppcc", "congress", "standing_committee"):
        return "Chairman"
    return "Head"


def capital_at(text: str, pos: int, lex: Lexicon, region_at, home: str | None) -> Item | None:
    """ "the capital city of Fujian Province" (Fuzhou), or "the capital" in an article about Beijing.

    ``region_at(pos)`` reads a place item at ``pos``; ``home`` is the article's provincial-level region.
    """
    m = CAPITAL_OF.match(text, pos)
    if m:
        region = region_at(m.end())
        city = lex.capital_of(region.value.name) if region and region.value else None
        return Item("REGION", pos, region.end, city) if region and city else None
    m = THE_CAPITAL.match(text, pos)
    city = lex.capital_of("China") if m else None
    return Item("REGION", pos, m.end(), city) if m and city is not None and home == city.name else None
