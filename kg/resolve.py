"""Resolution: one node per real entity, within and across documents.

Takes the doc-local records of extraction and returns a ``Corpus`` with stable, readable keys
(``person/zhou-bo``, ``org/cpc-liaoning-provincial-committee``) and the facts between them.
Within a document, a surname alone ("Qin") is the last full name with that surname before it
(or the first after), and a name one letter off ("Fang Zhiwai") is the name written first;
across documents, the same canonical name is the same node. ``aliases`` (from an editable
TOML file) settles what rules cannot: ``"Xi Jin-ping" = "Xi Jinping"``.
No spaCy here: this stage works on plain records.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from kg.errors import InputError
from kg.extract.lexicon import load_lexicon
from kg.extract.people import canonical_person_name, one_letter_apart, split_chinese_name
from kg.model import (
    Corpus,
    DocumentExtraction,
    Evidence,
    Fact,
    Initiative,
    Meeting,
    Organization,
    Person,
    Place,
    Post,
    SourceDocument,
)

CONFIDENCE = {"mentions": 0.9, "reports": 0.85, "promotes": 0.7}


@lru_cache(maxsize=1 << 16)  # (the same names come back in every document)
def slug(text: str, limit: int = 80) -> str:
    """Lowercase ASCII words joined by "-" ("Qin Haoran" -> "qin-haoran")."""
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"['’]", "", s)
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    if len(s) > limit:
        s = s[:limit].rsplit("-", 1)[0]
    return s or "x"


def load_aliases(path: str | Path | None) -> dict[str, str]:
    """Read a user alias file: tables (``[people]``, ``[organizations]``...) of "variant" = "canonical"."""
    if path is None:
        return {}
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{p}: alias file not found") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: not a valid TOML alias file ({exc})") from exc
    out: dict[str, str] = {}
    for table in data.values():
        if isinstance(table, dict):
            out.update({str(k).casefold(): str(v) for k, v in table.items()})
    return out


class _Builder:
    def __init__(self, aliases: Mapping[str, str]) -> None:
        self.aliases = aliases
        self.lex = load_lexicon()
        self.documents: dict[str, SourceDocument] = {}
        self.places: dict[str, Place] = {}
        self.people: dict[str, Person] = {}
        self.person_aliases: dict[str, set[str]] = {}
        self.orgs: dict[str, Organization] = {}
        self.posts: dict[str, Post] = {}
        self.meetings: dict[str, Meeting] = {}
        self.initiatives: dict[str, Initiative] = {}
        self.initiative_aliases: dict[str, set[str]] = {}
        self.facts: dict[tuple, Fact] = {}

    # ------------------------------------------------------------ entities
    def place(self, name: str | None) -> str | None:
        if not name:
            return None
        entry = self.lex.place(name)
        canonical = entry.name if entry else name
        key = f"place/{slug(canonical)}"
        if key not in self.places:
            parent = self.place(entry.parent) if entry and entry.parent and entry.parent != canonical else None
            self.places[key] = Place(key, canonical, entry.level if entry else None, parent)
        return key

    def person(self, name: str, surface: str) -> str:
        name = self.aliases.get(name.casefold(), name)
        key = f"person/{slug(name)}"
        self.people.setdefault(key, Person(key, name))
        if surface != name:
            self.person_aliases.setdefault(key, set()).add(surface)
        return key

    def org(self, name: str, kind: str, region: str | None, parent: str | None) -> str:
        name = self.aliases.get(name.casefold(), name)
        key = f"org/{slug(name)}"
        if key not in self.orgs or (self.orgs[key].jurisdiction is None and region):
            parent_key = self.org(parent, _parent_kind(parent), region, None) if parent else None
            self.orgs[key] = Organization(key, name, kind, self.place(region), parent_key)
        return key

    def post(self, title: str, org_key: str) -> str:
        key = f"post/{slug(title)}/{org_key.split('/', 1)[1]}"
        if key not in self.posts:
            org_name = self.orgs[org_key].name
            self.posts[key] = Post(key, title, f"role/{slug(title)}", org_key, f"{title} of the {org_name}")
        return key

    def initiative(self, name: str, kind: str, surface: str) -> str:
        name = self.aliases.get(name.casefold(), name)
        key = f"initiative/{_singular(slug(name))}"
        self.initiatives.setdefault(key, Initiative(key, name, kind))
        if surface.strip() and surface.strip() != name:
            self.initiative_aliases.setdefault(key, set()).add(re.sub(r"\s+", " ", surface.strip()))
        return key

    def fact(
        self,
        kind: str,
        subject: str,
        obj: str,
        evidence: Evidence,
        confidence: float,
        doc: DocumentExtraction,
        distinct: str = "",
    ) -> None:
        """Record a fact once per document (and per ``distinct`` wording), keeping its first evidence."""
        k = (kind, subject, obj, doc.doc_id, distinct)
        old = self.facts.get(k)
        if old is None or evidence.start < old.evidence.start:
            self.facts[k] = Fact(kind, subject, obj, evidence, round(confidence, 3), doc.date)

    # ------------------------------------------------------------ one document
    def add(self, ex: DocumentExtraction) -> None:
        doc_key = f"doc/{quote(ex.doc_id, safe='-_.~')}"
        self.documents[doc_key] = SourceDocument(
            doc_key, ex.doc_id, ex.file_name, ex.date, self.place(ex.region), ex.sha256
        )
        names = person_names(ex)
        for pm in ex.people:
            key = self.person(names[(pm.surface, pm.evidence.start)], pm.surface)
            self.fact("mentions", doc_key, key, pm.evidence, CONFIDENCE["mentions"], ex)
        org_keys = {}
        for om in ex.organizations:
            key = self.org(om.name, om.kind, om.region, om.parent)
            org_keys[om.name] = key
            if om.explicit:
                self.fact("mentions", doc_key, key, om.evidence, 0.95, ex)
        for po in ex.posts:
            person = self.person(_name_for(names, po.person, po.evidence), po.person)
            org_key = org_keys.get(po.org) or self.org(po.org, "other", None, None)
            self.fact(po.status, person, self.post(po.title, org_key), po.evidence, po.confidence, ex)
        meeting_keys = self.add_meetings(ex, org_keys)
        for pa in ex.participations:
            if pa.meeting in meeting_keys:
                person = self.person(_name_for(names, pa.person, pa.evidence), pa.person)
                self.fact(pa.role, meeting_keys[pa.meeting], person, pa.evidence, pa.confidence, ex)
        for im in ex.initiatives:
            key = self.initiative(im.name, im.kind, im.surface)
            self.fact("mentions", doc_key, key, im.evidence, im.confidence, ex, distinct=_wording(im.surface))
            if im.meeting in meeting_keys:
                self.fact("promotes", meeting_keys[im.meeting], key, im.evidence, CONFIDENCE["promotes"], ex)
            if im.promoter:
                person = self.person(_name_for(names, im.promoter, im.evidence), im.promoter)
                self.fact("promotes", person, key, im.evidence, CONFIDENCE["promotes"], ex)

    def add_meetings(self, ex: DocumentExtraction, org_keys: dict[str, str]) -> dict[str, str]:
        keys: dict[str, str] = {}
        for mm in sorted(ex.meetings, key=lambda m: m.part_of is not None):
            organizer = org_keys.get(mm.organizer) if mm.organizer else None
            if mm.date and len(mm.date) == 10 and organizer and mm.part_of is None:
                key = f"meeting/{mm.date}/{organizer.split('/', 1)[1]}/{slug(mm.kind)}"
            else:
                key = f"meeting/{quote(ex.doc_id, safe='-_.~')}/{slug(mm.label, 60)}"
            keys[mm.key] = key
            part_of = keys.get(mm.part_of) if mm.part_of else None
            if key not in self.meetings:
                self.meetings[key] = Meeting(key, mm.label, mm.kind, mm.date, self.place(mm.place), organizer, part_of)
            self.fact("reports", f"doc/{quote(ex.doc_id, safe='-_.~')}", key, mm.evidence, CONFIDENCE["reports"], ex)
        return keys

    def corpus(self) -> Corpus:
        people = [
            Person(p.key, p.name, tuple(sorted(self.person_aliases.get(p.key, ())))) for p in self.people.values()
        ]
        inits = [
            Initiative(i.key, i.name, i.kind, tuple(sorted(self.initiative_aliases.get(i.key, ()))))
            for i in self.initiatives.values()
        ]
        return Corpus(
            documents=_sorted(self.documents.values()),
            places=_sorted(self.places.values()),
            people=_sorted(people),
            organizations=_sorted(self.orgs.values()),
            posts=_sorted(self.posts.values()),
            meetings=_sorted(self.meetings.values()),
            initiatives=_sorted(inits),
            facts=tuple(
                sorted(
                    self.facts.values(),
                    key=lambda f: (f.kind, f.subject, f.object, f.evidence.doc_id, f.evidence.start),
                )
            ),
        )


def _wording(surface: str) -> str:
    """One mention per distinct wording, so a query can show each form a document uses."""
    return re.sub(r"\W+", " ", surface.casefold()).strip()


def _sorted(items: Iterable) -> tuple:
    return tuple(sorted(items, key=lambda x: x.key))


def _singular(s: str) -> str:
    return s[:-1] if s.endswith("s") and not s.endswith("ss") and len(s.rsplit("-", 1)[-1]) > 4 else s


def _parent_kind(name: str | None) -> str:
    n = (name or "").lower()
    for key, kind in (("cppcc", "cppcc"), ("people's congress", "congress"), ("cpc", "party_committee")):
        if key in n:
            return kind
    return "central"


def person_names(ex: DocumentExtraction) -> dict[tuple[str, int], str]:
    """Canonical full name for every person mention of one document, keyed by (surface, offset)."""
    lex = load_lexicon()
    mentions = sorted(ex.people, key=lambda p: p.evidence.start)
    full: list[tuple[int, str]] = []
    counts: dict[str, int] = {}
    for pm in mentions:
        name = canonical_person_name(pm.surface, lex)
        if len(name.split()) >= 2:
            full.append((pm.evidence.start, name))
            counts[name] = counts.get(name, 0) + 1
    merged: dict[str, str] = {}
    for _, name in full:
        if name in merged:
            continue
        earlier = next(
            (
                n
                for _, n in full
                if n in counts
                and n != name
                and one_letter_apart(n, name)
                and (counts[n], -_first(full, n)) > (counts[name], -_first(full, name))
            ),
            None,
        )
        merged[name] = earlier or name
    out: dict[tuple[str, int], str] = {}
    for pm in mentions:
        name = canonical_person_name(pm.surface, lex)
        if len(name.split()) >= 2:
            out[(pm.surface, pm.evidence.start)] = merged.get(name, name)
            continue
        before = [n for at, n in full if at < pm.evidence.start and _short_form(n, lex) == name]
        after = [n for at, n in full if at > pm.evidence.start and _short_form(n, lex) == name]
        target = before[-1] if before else after[0] if after else name
        out[(pm.surface, pm.evidence.start)] = merged.get(target, target)
    return out


def _short_form(full_name: str, lex) -> str:
    """How an article names a person by one word: a Chinese surname comes first, other surnames last."""
    words = full_name.split()
    return words[0] if split_chinese_name(full_name, lex) is not None else words[-1]


def _first(full: list[tuple[int, str]], name: str) -> int:
    return next(at for at, n in full if n == name)


def _name_for(names: dict[tuple[str, int], str], surface: str, evidence: Evidence) -> str:
    """The canonical name of the person written ``surface`` in a record's sentence."""
    candidates = [(abs(at - evidence.start), n) for (s, at), n in names.items() if s == surface]
    if candidates:
        return min(candidates)[1]
    return canonical_person_name(surface)


def resolve(extractions: Iterable[DocumentExtraction], aliases: Mapping[str, str] | None = None) -> Corpus:
    """Merge documents' records into one corpus of entities with stable keys, and facts."""
    builder = _Builder(aliases or {})
    for ex in extractions:
        builder.add(ex)
    return builder.corpus()
