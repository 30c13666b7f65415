"""Titles of office around a person's name, and the organization each title belongs to.

Handles the genre's shapes: "Provincial party secretary X", "Guangdong Governor X",
"X, Deputy Secretary of the CPC Y Committee and Governor of Y", "X, Vice Chairman and Party
Secretary of the Standing Committee of ...", "Vice chairmen A, B and C", "the Provincial Party
Committee with Comrade X as the major leader", "appoint X as the vice governor and acting
governor of Y", "X's request to resign as the governor of Y".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

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


class TitleScanner:
    """Turns the text around a name into items (titles, organizations, places, linking words)."""

    def __init__(self, text: str, orgs: list[OrgHit], ctx: DocContext, lex: Lexicon | None = None) -> None:
        self.text = text
        self.ctx = ctx
        self.lex = lex or load_lexicon()
        self.orgs_at = {o.start: o for o in orgs}
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
        m = self._title_re.match(text, pos)
        if m:
            form = re.sub(r"\s+", " ", m.group().lower()).replace("’", "'")
            title = self.lex.title_by_form.get(form)
            if title:
                return Item("TITLE", pos, m.end(), (title, form))
        m = self.lex.place_re.match(text, pos)
        if m and m.group()[0].isupper():
            end = m.end()
            tail = re.match(r"\s+(?:Province|City|Municipality|Autonomous Region)(?![\w-])", text[end:])
            if tail:
                end += tail.end()
            return Item("REGION", pos, end, self.lex.place(m.group()))
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
                continue
            items = self.items(s, name_start)
            if items and _valid_pre(items):
                best, best_start = items, s
                break
        if not best:
            return [], name_start
        return self._assign(best, pre=True), best_start

    def after(
        self, name_end: int, limit: int, status: str = "holds", lead: str = r"\s*,\s*"
    ) -> tuple[list[TitleHit], int]:
        """Titles in an apposition after a name (", Secretary of ..."); and where it ends."""
        m = re.compile(lead).match(self.text, name_end)
        if not m:
            return [], name_end
        pos = m.end()
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
                    or nxt.kind not in ("TITLE", "LEVEL", "PARTY", "CPC", "AND")
                    or not _title_follows(self, it.end, limit)
                ):
                    break
            items.append(it)
            pos = it.end
        while items and items[-1].kind in ("AND", "COMMA", "OF", "THE", "TO"):
            items.pop()
        if not any(i.kind == "TITLE" for i in items) or items[0].kind in ("AND", "COMMA", "OF", "TO"):
            return [], name_end
        if re.match(r"[ \t]+[A-Z][a-z]", self.text[items[-1].end : items[-1].end + 3]):
            return [], name_end  # "..., and vice chairman Zhang Yazhong": the title of the next name
        hits = self._assign(items, pre=False)
        return [TitleHit(**{**h.__dict__, "status": status}) for h in hits], items[-1].end

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
                for t, m in pending:
                    hits.append(self._hit(t, m, target))
                pending = []
                i = j
                continue
            elif it.kind in ("ORG", "REGION", "LEVEL", "PARTY", "CPC", "NAT", "HON", "THE"):
                mods.append(it)
            elif it.kind in ("AND", "COMMA") and pending and not pre:
                # "deputy secretary of X and acting governor": titles after an org stand alone,
                # titles before one share it; decide when the next title arrives.
                nxt = items[i + 1] if i + 1 < len(items) else None
                if nxt is not None and nxt.kind != "TITLE":
                    for t, m in pending:
                        hits.append(self._hit(t, m, None))
                    pending = []
            i += 1
        for t, m in pending:
            hits.append(self._hit(t, m, None))
        return _share_orgs(hits)

    def _hit(self, title_item: Item, mods: list[Item], target: Item | None) -> TitleHit:
        title, form = title_item.value  # type: ignore[misc]
        plural = form.endswith("s") or form.endswith("men")
        start = mods[0].start if mods else title_item.start
        end = target.end if target else title_item.end
        org_item = target or next((m for m in reversed(mods) if m.kind in ("ORG", "REGION")), None)
        nat = any(m.kind == "NAT" for m in mods)
        org, kind, region, hit = self._org_for(title, org_item, nat)
        return TitleHit(title.name, org, kind, region, hit, start, end, plural, inferred=org_item is None)

    def _org_for(
        self, title: Title, item: Item | None, nat: bool
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
        region = self.ctx.region
        if title.level == "city":
            entry = lex.place(self.ctx.region) if self.ctx.region else None
            region = self.ctx.city or (self.ctx.region if entry and entry.level == "municipality" else None)
        if region in (None, "China"):
            return None, None, None, None
        return canonical_name(kind, region, None, lex), kind, region, None


def _default_kind(title: Title, level: str | None) -> str | None:
    if title.body in ("party_committee", "government"):
        return title.body
    if level == "autonomous region" and title.name in ("Chairman", "Vice Chairman"):
        return "government"
    return None


def _national(title: Title) -> tuple[str | None, str | None, str | None, None]:
    if title.body == "central" or title.body == "party_committee":
        return "CPC Central Committee", "party_committee", "China", None
    if title.body == "state" or title.name in ("Premier", "Vice Premier"):
        return "State Council", "government", "China", None
    if title.name in ("President", "Vice President"):
        return "People's Republic of China", "central", "China", None
    return None, None, None, None


def _share_orgs(hits: list[TitleHit]) -> list[TitleHit]:
    """Titles of one phrase without an organization take their neighbour's ("vice chairman and secretary general")."""
    known = [h for h in hits if h.org]
    if not known:
        return hits
    out = []
    for h in hits:
        if h.org is None:
            ref = known[-1]
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
        if it.kind not in ("LEVEL", "PARTY", "CPC", "AND", "REGION", "ORG", "THE"):
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
