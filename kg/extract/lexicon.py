"""Domain knowledge loaded from the data files in ``kg/data`` (titles, bodies, places, roles...).

Rules elsewhere are generic; everything that names a title, a body, a place or a verb comes
from here. Loaded once per process (``load_lexicon()`` is cached).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from kg.errors import OntologyError

APOS = "['’]"


def _data(name: str) -> str:
    try:
        return resources.files("kg.data").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:  # pragma: no cover - packaging error
        raise OntologyError(f"kg/data/{name}: missing data file") from exc


def apos(pattern: str) -> str:
    """Let straight and curly apostrophes match each other."""
    return "".join(APOS if ch in "'’" else ch for ch in pattern)


def alternation(forms, *, ignore_case: bool, space: str = r"\s+", apostrophes: bool = True) -> str:
    """A regex matching any of ``forms``, trying longer forms first, written as a prefix trie.

    The same matches as a flat alternation sorted longest first, in far fewer steps: Python's
    ``re`` tries a flat alternation of 1,000+ place names one by one at every position, a trie
    (``(?:s(?:hen(?:yang|zhen)|...)``) fails at the first letter. Where a form ends and a longer one
    continues, the continuation is tried first (a greedy optional group), so backtracking visits
    the forms in the same order. Spaces match ``space``; straight and curly apostrophes match each
    other when ``apostrophes``; with ``ignore_case`` (for patterns compiled with ``re.I``) letters are keyed in lower
    case, so that no two branches can match the same character.
    """
    trie: dict = {}
    for form in set(forms):
        node = trie
        for ch in form:
            if ch in "'’":
                ch = "'"
            elif ignore_case and len(ch.lower()) == 1:
                ch = ch.lower()
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = []
        for unit in sorted(k for k in node if k):
            head = space if unit == " " else APOS if unit == "'" and apostrophes else re.escape(unit)
            alts.append(head + emit(node[unit]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + emit(trie) + ")"


def words_pattern(forms: list[str] | tuple[str, ...], *, ignore_case: bool = True) -> str:
    """A regex matching any of ``forms`` as whole words, longest first (see ``alternation``).

    ``ignore_case`` must match the flags the pattern is compiled with (``re.I`` or not).
    """
    return r"(?<![\w-])" + alternation(forms, ignore_case=ignore_case) + r"(?![\w-])"


@dataclass(frozen=True)
class Title:
    name: str
    forms: tuple[str, ...]
    body: str
    level: str | None
    standing: bool = False
    level_body: tuple[tuple[str, str], ...] = ()  # (place level, body kind): "sar" -> "government"


@dataclass(frozen=True)
class PlaceEntry:
    name: str
    level: str
    parent: str | None
    capital: str | None = None  # the seat of a province or autonomous region ("Fujian" -> "Fuzhou")

    @property
    def is_chinese(self) -> bool:
        return self.level in PROVINCE_LEVELS or self.level in LOCAL_LEVELS or self.name == "China"


PROVINCE_LEVELS = ("province", "autonomous region", "municipality", "sar")
LOCAL_LEVELS = ("city", "prefecture", "county", "district", "new area", "zone", "town")


@dataclass
class Lexicon:
    titles: list[Title]
    title_by_form: dict[str, Title]
    title_re: re.Pattern[str]
    national_adjectives: tuple[str, ...]
    honorifics: tuple[str, ...]
    leader_phrases: tuple[str, ...]
    places: dict[str, list[PlaceEntry]]  # lowercase name or alias -> entries
    place_re: re.Pattern[str]
    surnames: frozenset[str]
    syllables: frozenset[str]
    bodies: dict
    roles: dict
    meetings: dict
    initiatives: dict
    people: dict = field(default_factory=dict)
    careers: dict = field(default_factory=dict)
    level_words: dict[str, str] = field(default_factory=dict)
    level_adjectives: dict[str, str] = field(default_factory=dict)

    # ------------------------------------------------------------ places
    def place(self, name: str) -> PlaceEntry | None:
        """The best gazetteer entry for a place name (province-level before cities)."""
        entries = self.places.get(_place_key(name))
        if not entries:
            return None
        order = {
            lvl: i
            for i, lvl in enumerate(
                (
                    "country",
                    *PROVINCE_LEVELS,
                    "city",
                    "prefecture",
                    "foreign region",
                    "county",
                    "district",
                    "new area",
                    "zone",
                    "town",
                    "foreign city",
                )
            )
        }
        return sorted(entries, key=lambda e: order.get(e.level, 99))[0]

    def capital_of(self, name: str) -> PlaceEntry | None:
        """The capital city of a province or autonomous region ("Fujian" -> Fuzhou, Fujian's city)."""
        region = self.place(name)
        if region is None or region.capital is None:
            return None
        cities = self.places.get(_place_key(region.capital), [])
        return next((e for e in cities if e.parent == region.name), None)

    def province_of(self, name: str) -> str | None:
        """The provincial-level region containing a Chinese place, or the place itself."""
        entry = self.place(name)
        seen = 0
        while entry is not None and seen < 5:
            if entry.level in PROVINCE_LEVELS:
                return entry.name
            if entry.parent is None:
                return None
            entry = self.place(entry.parent)
            seen += 1
        return None

    # ------------------------------------------------------------ names
    def is_pinyin_given_name(self, word: str) -> bool:
        """True when ``word`` splits into one to three pinyin syllables ("Guoqing", "bo")."""
        w = word.lower().replace("'", "").replace("’", "").replace("-", "")
        return _splits(w, self.syllables, 3)


def _place_key(name: str) -> str:
    s = re.sub(r"^the\s+", "", name.strip(), flags=re.I).lower().replace("’", "'")
    return re.sub(r"\s+", " ", s)


def _splits(w: str, syl: frozenset[str], max_parts: int) -> bool:
    if not w:
        return False
    if max_parts == 0:
        return False
    if w in syl:
        return True
    return any(w[:i] in syl and _splits(w[i:], syl, max_parts - 1) for i in range(1, min(6, len(w))))


def _hyphenated(forms: list[str]) -> tuple[str, ...]:
    """The forms, and each "vice ..." form also written "vice-..." ("vice-chairmen", "vice-governors")."""
    out = list(forms)
    out += [f.replace("vice ", "vice-", 1) for f in forms if f.startswith("vice ")]
    return tuple(dict.fromkeys(out))


@cache
def load_lexicon() -> Lexicon:
    """Read every data file once and compile the patterns the rules use."""
    t = tomllib.loads(_data("titles.toml"))
    titles = [
        Title(
            x["name"],
            _hyphenated(x["forms"]),
            x.get("body", "none"),
            x.get("level"),
            x.get("standing", False),
            tuple(x.get("level_body", {}).items()),
        )
        for x in t["title"]
    ]
    by_form = {f: ti for ti in titles for f in ti.forms}
    places: dict[str, list[PlaceEntry]] = {}
    for line in _data("places.jsonl").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        entry = PlaceEntry(row["name"], row["level"], row.get("parent"), row.get("capital"))
        for n in [row["name"], *row.get("aliases", [])]:
            places.setdefault(_place_key(n), []).append(entry)
    names = tomllib.loads(_data("chinese_names.toml"))
    bodies = tomllib.loads(_data("bodies.toml"))
    place_forms = [k for k in places if len(k) > 1]
    return Lexicon(
        titles=titles,
        title_by_form=by_form,
        title_re=re.compile(words_pattern(list(by_form)), re.I),
        national_adjectives=tuple(t["national_adjectives"]["forms"]),
        honorifics=tuple(t["honorifics"]["forms"]),
        leader_phrases=tuple(t["leader_phrases"]["forms"]),
        places=places,
        place_re=re.compile(words_pattern(place_forms), re.I),
        surnames=frozenset(names["surnames"]),
        syllables=frozenset(names["syllables"]),
        bodies=bodies,
        roles=tomllib.loads(_data("roles.toml")),
        meetings=tomllib.loads(_data("meetings.toml")),
        initiatives=tomllib.loads(_data("initiatives.toml")),
        people=tomllib.loads(_data("people.toml")),
        careers=tomllib.loads(_data("careers.toml")),
        level_words=dict(bodies["levels"]),
        level_adjectives=dict(bodies["level_adjectives"]),
    )
