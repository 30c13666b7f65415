"""Titles of office around a person's name, and the organization each title belongs to.

Handles the genre's shapes: "Provincial party secretary X", "Guangdong Governor X",
"X, Deputy Secretary of the CPC Y Committee and Governor of Y", "X, Vice Chairman and Party
Secretary of the Standing Committee of ...", "Vice chairmen A, B and C", "the Provincial Party
Committee with Comrade X as the major leader", "appoint X as the vice governor and acting
governor of Y", "X's request to resign as the governor of Y".
"""

from __future__ import annotations

import re

from kg.extract.lexicon import Lexicon, Title, load_lexicon
from kg.extract.orgs import DocContext, OrgHit, canonical_name
from kg.extract.titleparts import (
    CLASS_OF_BODIES,
    ELECTED,
    LEVEL,
    LOCAL_LEVELS,
    MINISTER_NEXT,
    MINISTER_OF,
    NAME_AHEAD,
    PLACE_TAIL,
    POSSESSIVE,
    RELATIVE_REGION,
    SIMPLE,
    WHERE,
    Item,
    TitleHit,
    abbreviated,
    capital_at,
    default_kind,
    descriptor_re,
    home_committee,
    hon_nat_res,
    leader_title,
    ministry_res,
    national,
    parent_for,
    share_orgs,
    valid_pre,
)

__all__ = ["LOOK_BACK", "Item", "TitleHit", "TitleScanner", "leader_title"]

MAX_PRE_WORDS = 16
LOOK_BACK = 300  # characters before a name searched for its title or role phrase


class TitleScanner:
    """Turns the text around a name into items (titles, organizations, places, linking words)."""

    def __init__(self, text: str, orgs: list[OrgHit], ctx: DocContext, lex: Lexicon | None = None) -> None:
        self.text = text
        self.ctx = ctx
        self.lex = lex or load_lexicon()
        self.orgs = orgs
        self.orgs_at = {o.start: o for o in orgs}
        self.home = home_committee(orgs)
        self._title_re = self.lex.title_re
        self._hon_re, self._nat_re = hon_nat_res(self.lex)

    def item_at(self, pos: int) -> Item | None:
        """The item starting at ``pos`` (after spaces), or None when the title phrase ends there."""
        text = self.text
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos >= len(text):
            return None
        org = self.orgs_at.get(pos)
        if org is not None and org.kind != "media":
            return Item("ORG", pos, abbreviated(text, org.end), org)
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
            return Item("REGION", pos, abbreviated(text, region.end), region.value)
        m = CLASS_OF_BODIES.match(text, pos)
        if m:  # "secretaries of county-level CPC committees": a class of bodies, not one
            level = m.group("level").lower().replace("prefectural", "prefecture")
            level = {"municipal": "city", "provincial": "province"}.get(level, level)
            return Item(
                "ORG",
                pos,
                m.end(),
                OrgHit(pos, m.end(), m.group(), f"{level}-level CPC committee", "party_committee", None, level),
            )
        m = RELATIVE_REGION.match(text, pos)
        if m:
            name = self.ctx.city if m.group(1).lower() == "city" else self.ctx.region
            place = self.lex.place(name) if name and name != "China" else None
            if place is not None:
                return Item("REGION", pos, m.end(), place)
        m = LEVEL.match(text, pos)
        if m:
            return Item("LEVEL", pos, m.end(), m.group())
        m = self._nat_re.match(text, pos)
        if m:
            return Item("NAT", pos, m.end(), m.group())
        m = self._hon_re.match(text, pos)
        if m:
            return Item("HON", pos, m.end(), m.group())
        for kind, rx in SIMPLE:
            m = rx.match(text, pos)
            if m:
                return Item(kind, pos, m.end(), m.group())
        return None

    def _region(self, pos: int) -> Item | None:
        """A place: "Hebei Province", "north China's Hebei Province", "Indonesia's Central Java Province"."""
        text = self.text
        if (capital := capital_at(text, pos, self.lex, self._region, self.ctx.region)) is not None:
            return capital  # "the capital city of Fujian Province": its capital, Fuzhou
        m = self.lex.place_re.match(text, pos)
        direction = None
        if not m or not m.group()[0].isupper():
            direction = re.match(WHERE, text[pos : pos + 16], re.I)  # "north China's ..."
            m = self.lex.place_re.match(text, pos + direction.end()) if direction else None
            if not m or not m.group()[0].isupper() or m.group() != "China":
                return None
        place, end = self.lex.place(m.group()), m.end()
        poss = POSSESSIVE.match(text, end)
        inner = self.lex.place_re.match(text, poss.end()) if poss else None
        if inner and inner.group()[0].isupper() and self.lex.place(inner.group()) is not None:
            place, end = self.lex.place(inner.group()), inner.end()
        elif direction:
            return None
        tail = PLACE_TAIL.match(text, end)
        if tail:
            end = tail.end()
        return Item("REGION", pos, end, place)

    def _ministry(self, pos: int) -> Item | None:
        """ "Commerce" in "Commerce Minister", "Minister of Commerce": the ministry, as an organization."""
        field_re, by_field = ministry_res()
        m = field_re.match(self.text, pos)
        if not m or not m.group()[0].isupper():
            return None
        if not (MINISTER_NEXT.match(self.text, m.end()) or MINISTER_OF.search(self.text[max(0, pos - 30) : pos])):
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
            if items and valid_pre(items):
                best, best_start = items, s
                break
        if not best:
            return [], name_start
        if not any(i.kind in ("ORG", "REGION", "NAT") for i in best):
            best = best + self._of_after_name(name_start)  # "Governor Budi Santoso of Central Java Province"
        hits = self._assign(best, pre=True)
        return [self._head_of_state(h, name_start) for h in hits], best_start

    def _of_after_name(self, name_start: int) -> list[Item]:
        """ "of <place or body>" right after the name that follows a title: the title's organization."""
        name = NAME_AHEAD.match(self.text, name_start)
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
        m = ELECTED.match(self.text, end)
        more = self._apposition(m.end(), limit) if m else None
        if more is not None:  # (the apposition still ends at the first phrase: the election is the verb's)
            hits += [TitleHit(**{**h.__dict__, "status": "appointed"}) for h in self._assign(more, pre=False)]
        return [self._with_delegation(h, name_end) for h in hits], end

    def _apposition(self, pos: int, limit: int) -> list[Item] | None:
        """The items of a title phrase starting at ``pos`` (describing words skipped), or None."""
        d = descriptor_re().match(self.text, pos)
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
        while items and items[-1].kind in ("AND", "COMMA", "OF", "THE", "TO"):
            items.pop()
        if items and re.match(r"[ \t]+[A-Z][a-z]", self.text[items[-1].end : items[-1].end + 3]):
            # "..., and Provincial Governor Zheng Hao": the last titles are the next name's
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
                    hits.append(self._hit(t, m, parent_for(t, target) if n < len(pending) - 1 else target))
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
        return share_orgs(hits, self.lex, self.text)

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
            # "Russian Foreign Minister": the ministry of that country
            org, kind, region, hit = f"{org} of {country.name}", "foreign", country.name, None
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
                kind = default_kind(title, place.level)
                name = canonical_name(kind, place.name, place.level, lex) if kind else None
                return name, kind, place.name, None
            if title.name == "Ambassador":
                return f"Embassy of {place.name}", "foreign", place.name, None
            if place.name == "China":
                return national(title)
            return f"{place.name} Government", "foreign", place.name, None
        if nat or title.level == "national":
            return national(title)
        kind = default_kind(title, None)
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
