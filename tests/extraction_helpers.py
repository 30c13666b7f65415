"""Run the real extraction (spaCy model + rules) and resolution on a short text, for tests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from kg.extract import extract_document
from kg.model import Corpus, Document, DocumentExtraction
from kg.resolve import resolve


@dataclass
class Result:
    extraction: DocumentExtraction
    corpus: Corpus

    def names(self, key: str) -> str:
        table = {
            e.key: getattr(e, "name", getattr(e, "label", ""))
            for kind in (
                self.corpus.people,
                self.corpus.organizations,
                self.corpus.initiatives,
                self.corpus.meetings,
                self.corpus.places,
            )
            for e in kind
        }
        return table[key]

    @property
    def people(self) -> set[str]:
        return {p.name for p in self.corpus.people}

    @property
    def posts(self) -> set[tuple[str, str, str, str]]:
        """(person, title, organization, status) for every post fact."""
        posts = {p.key: p for p in self.corpus.posts}
        orgs = {o.key: o.name for o in self.corpus.organizations}
        out = set()
        for f in self.corpus.facts:
            if f.kind in ("holds", "appointed", "resigned", "former"):
                post = posts[f.object]
                out.add((self.names(f.subject), post.title, orgs[post.org], f.kind))
        return out

    @property
    def roles(self) -> set[tuple[str, str]]:
        """(person, role) for every participation fact."""
        return {
            (self.names(f.object), f.kind) for f in self.corpus.facts if f.kind in ("presided", "spoke", "attended")
        }

    def roles_at(self, label_part: str) -> set[tuple[str, str]]:
        meetings = {m.key for m in self.corpus.meetings if label_part.lower() in m.label.lower()}
        return {
            (self.names(f.object), f.kind)
            for f in self.corpus.facts
            if f.kind in ("presided", "spoke", "attended") and f.subject in meetings
        }

    @property
    def organizations(self) -> set[str]:
        """Organizations named explicitly in the text."""
        return {self.names(f.object) for f in self.corpus.facts if f.kind == "mentions" and f.object.startswith("org/")}

    @property
    def initiatives(self) -> set[str]:
        return {i.name for i in self.corpus.initiatives}

    @property
    def meetings(self) -> list[tuple[str, str | None, str | None]]:
        places = {p.key: p.name for p in self.corpus.places}
        return [(m.label, m.date, places.get(m.place)) for m in self.corpus.meetings]


def run(text: str, doc_date: date | None = None, doc_id: str = "t") -> Result:
    """Extract and resolve one document made of ``text``."""
    document = Document(
        doc_id, f"{doc_id}.txt", f"{doc_id}.txt", text, doc_date, hashlib.sha256(text.encode()).hexdigest()
    )
    extraction = extract_document(document)
    return Result(extraction, resolve([extraction]))
