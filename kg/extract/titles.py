"""Titles of office around a person's name, and the organization each title belongs to.

Handles the genre's shapes: "Provincial party secretary X", "Guangdong Governor X",
"X, Deputy Secretary of the CPC Y Committee and Governor of Y", "X, Vice Chairman and Party
Secretary of the Standing Committee of ...", "Vice chairmen A, B and C", "the Provincial Party
Committee with Comrade X as the major leader", "appoint X as the vice governor and acting
governor of Y", "X's request to resign as the governor of Y".
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kg.extract.lexicon import Lexicon, Title, load_lexicon, words_pattern
from kg.extract.orgs import DocContext, OrgHit, canonical_name

MAX_PRE_WORDS = 10
LOOK_BACK = 300  # characters before a name searched for its title or role phrase


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


_LEVEL = re.compile(
    r"(?:provincial|municipal|city|district|county|prefectural|autonomous\s+regional|regional)(?![\w-])", re.I
)
_RELATIVE_REGION = re.compile(r"(?:the\s+)?(autonomous\s+region|province|municipality|city|region)(?![\w-])", re.I)
_SIMPLE = [
    ("OF", re.compile(r"of(?:\s+the)?(?![\w-])", re.I)),
    ("AND", re.compile(r"and(?![\w-])", re.I)),
    ("COMMA", re.compile(r",")),
    ("TO", re.compile(r"to(?![\w-])", re.I)),
    ("THE", re.compile(r"the(?![\w-])", re.I)),
    ("PARTY", re.compile(r"party(?![\w-])", re.I)),
    ("CPC", re.compile(r"(?:CPC|Communist\s+Party\s+of\s+China)(?![\w-])")),
]


def _hon_nat_res(lex: Lexicon) -> tuple[re.Pattern[str], re.Pattern[str]]:
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
def _descriptor_re() -> re.Pattern[str]:
    """Describing words before a title in an apposition ("the commended outstanding ..."), from titles.toml."""
    data = tomllib.loads(resources.files("kg.data").joinpath("titles.toml").read_text(encoding="utf-8"))
    return re.compile(r"(?:" + words_pattern(data["descriptors"]["forms"]) + r"\s+)+", re.I)


@cache
def _ministry_res() -> tuple[re.Pattern[str], dict[str, str]]:
    """The fields that name a ministry ("Commerce", "Foreign Affairs") and the ministry of each."""
    by_field = {f: m["name"] for m in load_lexicon().bodies.get("ministry", []) for f in m["fields"]}
    return re.compile(words_pattern(list(by_field)), re.I), by_field


_MINISTER_OF = re.compile(r"minister\s+of\s+(?:the\s+)?$", re.I)
_MINISTER_NEXT = re.compile(r"\s+(?:vice\s+|deputy\s+)?minister(?![\w-])", re.I)
_WHERE = (
    r"(?:(?:north|south|east|west|northeast|northwest|southeast|southwest|central|northern|southern|eastern|western|"
    r"northeastern|northwestern|southeastern|southwestern)\s+)"
)
_POSSESSIVE = re.compile(r"['’]s\s+")
_PLACE_TAIL = re.compile(r"\s+(?:Province|City|Municipality|Autonomous Region|State|Prefecture|Region)(?![\w-])")
_ELECTED = re.compile(
    r"\s*,?\s+(?:(?:has|have|had)\s+been|was|were|is|are)\s+(?:elected|appointed|named|chosen|selected)\s+"
    r"(?:as\s+)?(?:the\s+)?",
    re.I,
)
_CLASS_OF_BODIES = re.compile(
    r"(?P<level>county|city|prefecture|prefectural|district|township|municipal|provincial)(?:-level)?\s+"
    r"(?:CPC\s+|Party\s+|party\s+)?committees(?![\w-])",
    re.I,
)
_NAME_AHEAD = re.compile(r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3}")
LOCAL_LEVELS = ("district", "county")


class TitleScanner:
    """Turns the text around a name into items (titles, organizations, places, linking words)."""

    def __init__(self, text: str, orgs: list[OrgHit], ctx: DocContext, lex: Lexicon | None = None) -> None:
        self.text = text
        self.ctx = ctx
        self.lex = lex or load_lexicon()
        self.orgs = orgs
        self.orgs_at = {o.start: o for o in orgs}
        self.home = _home_committee(orgs)
        self._title_re = self.lex.title_re
        self._hon_re, self._nat_re = _hon_nat_res(self.lex)

    def item_at(self, pos: int) -> Item | None:
        """The item starting at ``pos`` (after spaces), or None when the title phrase ends there."""
        text = self.text
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos >= len(text):
            return None
        org = self.orgs_at.get(pos)
        if org is not None and org.kind != "media":
            return Item("ORG", pos, org.end, org)
        ministry = self._ministry(pos)
        if ministry is not None:
            return ministry
        m = self._title_re.match(text, pos)
        if m:
            form = re.sub(r"\s+", " ", m.group().lower()).replace("’", "'")
            title = self.lex.title_by_form.get(form)
            if title:
                return Item("TITLE", pos, m.end(), (title, form))
        region = self._region(pos)
        if region is not None:
            return region
        m = _CLASS_OF_BODIES.match(text, pos)
        if m:  # "secretaries of county-level CPC committees": a class of bodies, not one
            level = m.group("level").lower().replace("prefectural", "prefecture")
            level = {"municipal": "city", "provincial": "province"}.get(level, level)
            return Item(
                "ORG",
                pos,
                m.end(),
                OrgHit(pos, m.end(), m.group(), f"{level}-level CPC committee", "party_committee", None, level),
            )
        m = _RELATIVE_REGION.match(text, pos)
        if m:
            name = self.ctx.city if m.group(1).lower() == "city" else self.ctx.region
            place = self.lex.place(name) if name and name != "China" else None
            if place is not None:
                return Item("REGION", pos, m.end(), place)
        m = _LEVEL.match(text, pos)
        if m:
            return Item("LEVEL", pos, m.end(), m.group())
        m = self._nat_re.match(text, pos)
        if m:
            return Item("NAT", pos, m.end(), m.group())
        m = self._hon_re.match(text, pos)
        if m:
            return Item("HON", pos, m.end(), m.group())
        for kind, rx in _SIMPLE:
            m = rx.match(text, pos)
            if m:
                return Item(kind, pos, m.end(), m.group())
        return None

    def _region(self, pos: int) -> Item | None:
        """A place: "Hebei Province", "north China's Hebei Province", "Indonesia's Central Java Province"."""
        text = self.text
        m = self.lex.place_re.match(text, pos)
        direction = None
        if not m or not m.group()[0].isupper():
            direction = re.match(_WHERE, text[pos : pos + 16], re.I)  # "north China's ..."
            m = self.lex.place_re.match(text, pos + direction.end()) if direction else None
            if not m or not m.group()[0].isupper() or m.group() != "China":
                return None
        place, end = self.lex.place(m.group()), m.end()
        poss = _POSSESSIVE.match(text, end)
        inner = self.lex.place_re.match(text, poss.end()) if poss else None
        if inner and inner.group()[0].isupper() and self.lex.place(inner.group()) is not None:
            place, end = self.lex.place(inner.group()), inner.end()
        elif direction:
            return None
        tail = _PLACE_TAIL.match(text, end)
        if tail:
            end = tail.end()
        return Item("REGION", pos, end, place)

    def _ministry(self, pos: int) -> Item | None:
        """ "Commerce" in "Commerce Minister", "Minister of Commerce": the ministry, as an organization."""
        field_re, by_field = _ministry_res()
        m = field_re.match(self.text, pos)
        if not m or not m.group()[0].isupper():
            return None
        if not (_MINISTER_NEXT.match(self.text, m.end()) or _MINISTER_OF.search(self.text[max(0, pos - 30) : pos])):
            return None
        name = by_field[re.sub(r"\s+", " ", m.group().lower())]
        return Item("ORG", pos, m.end(), OrgHit(pos, m.end(), m.group(), name, "ministry", "China", "national"))

    def items(self, start: int, end: int) -> list[Item] | None:
        """Items covering exactly ``text[start:end]``, or None if something else is in the way."""
        out, pos = [], start
        while True:
            while pos < end and self.text[pos].isspace():
                pos += 1
            if pos >= end:
                return out
            it = self.item_at(pos)
            if it is None or it.end > end:
                return None
            out.append(it)
            pos = it.end

    # ------------------------------------------------------------ the two positions of a title

    def before(self, name_start: int, sent_start: int) -> tuple[list[TitleHit], int]:
        """Titles written before a name ("Provincial party secretary"); and where they start."""
        text = self.text
        sent_start = max(sent_start, name_start - LOOK_BACK)
        words = [m.start() for m in re.finditer(r"\S+", text[sent_start:name_start])]
        best: list[Item] | None = None
        best_start = name_start
        for ws in words[-MAX_PRE_WORDS:]:
            s = sent_start + ws
            if text[s] in "(“\"'‘":
                s += 1  # a quotation that opens on the title: "Vice Premier ... X will visit ..."
            items = self.items(s, name_start) if s < name_start else None
            if items and _valid_pre(items):
                best, best_start = items, s
                break
        if not best:
            return [], name_start
        if not any(i.kind in ("ORG", "REGION", "NAT") for i in best):
            best = best + self._of_after_name(name_start)  # "Governor Ahmad Luthfi of Central Java Province"
        hits = self._assign(best, pre=True)
        return [self._head_of_state(h, name_start) for h in hits], best_start

    def _of_after_name(self, name_start: int) -> list[Item]:
        """ "of <place or body>" right after the name that follows a title: the title's organization."""
        name = _NAME_AHEAD.match(self.text, name_start)
        if name is None:
            return []
        of = self.item_at(name.end())
        if of is None or of.kind != "OF" or not self.text[name.end() : of.start].strip() == "":
            return []
        target = self.item_at(of.end)
        if target is None or target.kind not in ("ORG", "REGION") or target.value is None:
            return []
        return [of, target]

    def _head_of_state(self, hit: TitleHit, name_start: int) -> TitleHit:
        """ "President Xi Jinping" in a Chinese article: the President of the People's Republic of China."""
        if hit.org is not None or hit.title not in ("President", "Vice President") or self.ctx.region is None:
            return hit
        first = self.text[name_start:].split(maxsplit=1)
        if not first or first[0] not in self.lex.surnames or len(first) < 2 or not first[1][:1].isupper():
            return hit
        return TitleHit(
            hit.title,
            "People's Republic of China",
            "central",
            "China",
            None,
            hit.start,
            hit.end,
            hit.plural,
            hit.status,
            True,
        )

    def after(
        self, name_end: int, limit: int, status: str = "holds", lead: str = r"\s*,\s*"
    ) -> tuple[list[TitleHit], int]:
        """Titles in an apposition after a name (", Secretary of ..."); and where it ends.

        The apposition may go on with an election ("..., has been elected as the head of ...").
        """
        m = re.compile(lead).match(self.text, name_end)
        if not m:
            return [], name_end
        items = self._apposition(m.end(), limit)
        if items is None:
            return [], name_end
        hits = [TitleHit(**{**h.__dict__, "status": status}) for h in self._assign(items, pre=False)]
        end = items[-1].end
        m = _ELECTED.match(self.text, end)
        more = self._apposition(m.end(), limit) if m else None
        if more is not None:  # (the apposition still ends at the first phrase: the election is the verb's)
            hits += [TitleHit(**{**h.__dict__, "status": "appointed"}) for h in self._assign(more, pre=False)]
        return [self._with_delegation(h, name_end) for h in hits], end

    def _apposition(self, pos: int, limit: int) -> list[Item] | None:
        """The items of a title phrase starting at ``pos`` (describing words skipped), or None."""
        d = _descriptor_re().match(self.text, pos)
        if d and _title_follows(self, d.end(), limit):
            pos = d.end()
        items: list[Item] = []
        while pos < limit:
            it = self.item_at(pos)
            if it is None or it.end > limit:
                break
            if it.kind == "COMMA" and items and items[-1].kind == "REGION":
                # "Mayor of Jeju, the Republic of Korea": a place that locates the last one
                loc = self.item_at(it.end)
                if loc is not None and loc.kind == "THE":
                    loc = self.item_at(loc.end)
                if loc is not None and loc.kind == "REGION" and loc.end <= limit:
                    items.append(loc)
                    pos = loc.end
                    continue
            if it.kind == "COMMA":
                nxt = self.item_at(it.end)
                if (
                    nxt is None
                    or nxt.kind not in ("TITLE", "LEVEL", "PARTY", "CPC", "AND", "NAT")
                    or not _title_follows(self, it.end, limit)
                ):
                    break
            items.append(it)
            pos = it.end
        if items and re.match(r"[ \t]+[A-Z][a-z]", self.text[items[-1].end : items[-1].end + 3]):
            # "..., and Provincial Governor Wang Kai": the last titles are the next name's
            cut = max((i for i, it in enumerate(items) if it.kind in ("AND", "COMMA")), default=0)
            items = items[:cut]
        while items and items[-1].kind in ("AND", "COMMA", "OF", "THE", "TO"):
            items.pop()
        if not any(i.kind == "TITLE" for i in items) or items[0].kind in ("AND", "COMMA", "OF", "TO"):
            return None
        return items

    def _with_delegation(self, hit: TitleHit, name_end: int) -> TitleHit:
        """ "..., have been chosen as deputy heads": of the delegation named just before, in the paragraph."""
        if hit.org is not None or hit.title not in ("Head", "Deputy Head"):
            return hit
        start = self.text.rfind("\n", 0, name_end) + 1
        near = [o for o in self.orgs if start <= o.start < name_end and "delegation" in o.name.lower()]
        if not near:
            return hit
        o = near[-1]
        return TitleHit(hit.title, o.name, o.kind, o.region, o, hit.start, hit.end, hit.plural, hit.status, True)

    # ------------------------------------------------------------ giving each title its organization

    def _assign(self, items: list[Item], pre: bool) -> list[TitleHit]:
        hits: list[TitleHit] = []
        pending: list[tuple[Item, list[Item]]] = []  # titles waiting for "of ORG"
        mods: list[Item] = []
        i = 0
        while i < len(items):
            it = items[i]
            if it.kind == "TITLE":
                pending.append((it, mods))
                mods = []
            elif it.kind == "OF" and pending and i + 1 < len(items) and items[i + 1].kind in ("ORG", "REGION"):
                target = items[i + 1]
                j = i + 2
                while j + 1 < len(items) and items[j].kind in ("OF", "TO") and items[j + 1].kind == "REGION":
                    j += 2
                for n, (t, m) in enumerate(pending):
                    hits.append(self._hit(t, m, _parent_for(t, target) if n < len(pending) - 1 else target))
                pending = []
                i = j
                continue
            elif it.kind in ("ORG", "REGION", "LEVEL", "PARTY", "CPC", "NAT", "HON", "THE"):
                mods.append(it)
            elif it.kind in ("AND", "COMMA") and pending and not pre:
                # "deputy secretary of X and acting governor": titles after an org stand alone,
                # titles before one share it; decide when the next title arrives. A title with its
                # own place or country ("Chinese president and chairman of ...") stands alone too.
                nxt = items[i + 1] if i + 1 < len(items) else None
                alone = [(t, m) for t, m in pending if any(x.kind in ("NAT", "ORG", "REGION") for x in m)]
                done = pending if nxt is not None and nxt.kind != "TITLE" else alone
                hits += [self._hit(t, m, None) for t, m in done]
                pending = [p for p in pending if p not in done]
            i += 1
        for t, m in pending:
            hits.append(self._hit(t, m, None))
        return _share_orgs(hits, self.lex)

    def _hit(self, title_item: Item, mods: list[Item], target: Item | None) -> TitleHit:
        title, form = title_item.value  # type: ignore[misc]
        plural = form.endswith("s") or form.endswith("men")
        start = mods[0].start if mods else title_item.start
        end = target.end if target else title_item.end
        org_item = target or next((m for m in reversed(mods) if m.kind in ("ORG", "REGION")), None)
        nat = any(m.kind == "NAT" for m in mods)
        level = next((str(m.value) for m in reversed(mods) if m.kind == "LEVEL"), None)
        org, kind, region, hit = self._org_for(title, org_item, nat, level)
        country = next((m.value for m in mods if m.kind == "REGION" and m.value is not None), None)
        if kind == "ministry" and region == "China" and country is not None and not country.is_chinese:
            org, kind, region, hit = (
                f"{org} of {country.name}",
                "foreign",
                country.name,
                None,
            )  # "Russian Foreign Minister"
        return TitleHit(title.name, org, kind, region, hit, start, end, plural, inferred=org_item is None)

    def _org_for(
        self, title: Title, item: Item | None, nat: bool, level: str | None = None
    ) -> tuple[str | None, str | None, str | None, OrgHit | None]:
        lex = self.lex
        if item is not None and item.kind == "ORG":
            o: OrgHit = item.value  # type: ignore[assignment]
            return o.name, o.kind, o.region, o
        if item is not None and item.kind == "REGION" and item.value is not None:
            place = item.value
            if place.is_chinese and place.name != "China":
                kind = _default_kind(title, place.level)
                name = canonical_name(kind, place.name, place.level, lex) if kind else None
                return name, kind, place.name, None
            if title.name == "Ambassador":
                return f"Embassy of {place.name}", "foreign", place.name, None
            if place.name == "China":
                return _national(title)
            return f"{place.name} Government", "foreign", place.name, None
        if nat or title.level == "national":
            return _national(title)
        kind = _default_kind(title, None)
        if kind is None:
            return None, None, None, None
        stated = lex.level_words.get(re.sub(r"\s+", " ", level.lower())) if level else None
        lvl = stated or title.level
        if kind == "party_committee" and lvl is None and self.home is not None:
            return self.home.name, self.home.kind, self.home.region, None  # the committee the article is about
        region = self.ctx.region
        if lvl == "city":
            entry = lex.place(self.ctx.region) if self.ctx.region else None
            region = self.ctx.city or (self.ctx.region if entry and entry.level == "municipality" else None)
        elif lvl in LOCAL_LEVELS:
            region = self.ctx.local
        if region in (None, "China"):
            return None, None, None, None
        return canonical_name(kind, region, None, lex, None, lvl), kind, region, None


def _home_committee(orgs: list[OrgHit]) -> OrgHit | None:
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


def _parent_for(title_item: Item, target: Item) -> Item:
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


def _default_kind(title: Title, level: str | None) -> str | None:
    if title.body in ("party_committee", "government"):
        return title.body
    if level == "autonomous region" and title.name in ("Chairman", "Vice Chairman"):
        return "government"
    if level in LOCAL_LEVELS and title.name in ("Head", "Deputy Head"):
        return "government"  # "the head of Mei County"
    return None


def _national(title: Title) -> tuple[str | None, str | None, str | None, None]:
    if title.body == "central" or title.body == "party_committee":
        return "CPC Central Committee", "party_committee", "China", None
    if title.body == "state" or title.name in ("Premier", "Vice Premier"):
        return "State Council", "government", "China", None
    if title.name in ("President", "Vice President"):
        return "People's Republic of China", "central", "China", None
    return None, None, None, None


def _share_orgs(hits: list[TitleHit], lex: Lexicon) -> list[TitleHit]:
    """Titles of one phrase without an organization take their neighbour's ("vice chairman and secretary general").

    A national neighbour makes a head-of-state title national ("general secretary of the CPC Central
    Committee, President, and ..."); a party or government title never takes another kind's body.
    """
    known = [h for h in hits if h.org]
    if not known:
        return hits
    by_name = {t.name: t for t in lex.titles}
    out = []
    for h in hits:
        title = by_name.get(h.title)
        if h.org is None and title is not None and any(k.org_region == "China" for k in known):
            org, kind, region, _ = _national(title)
            if org:
                h = TitleHit(h.title, org, kind, region, None, h.start, h.end, h.plural, h.status, False)
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


def _valid_pre(items: list[Item]) -> bool:
    titled_of = any(a.kind == "TITLE" and b.kind == "OF" for a, b in zip(items, items[1:], strict=False))
    if items[-1].kind not in ("TITLE", "HON") and not (items[-1].kind in ("REGION", "ORG") and titled_of):
        return False  # "Provincial party secretary X", "Prime Minister of Spain X"
    if items[0].kind in ("AND", "COMMA", "OF", "TO"):
        return False
    return all(
        i.kind in ("TITLE", "HON", "ORG", "REGION", "LEVEL", "PARTY", "CPC", "NAT", "AND", "THE", "OF") for i in items
    ) and not any(a.kind == "THE" and b.kind == "HON" for a, b in zip(items, items[1:], strict=False))


def _title_follows(scanner: TitleScanner, pos: int, limit: int) -> bool:
    for _ in range(6):
        it = scanner.item_at(pos)
        if it is None or it.end > limit:
            return False
        if it.kind == "TITLE":
            return True
        if it.kind not in ("LEVEL", "PARTY", "CPC", "AND", "REGION", "ORG", "THE", "NAT"):
            return False
        pos = it.end
    return False


LEADER_AFTER = None


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
