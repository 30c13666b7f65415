"""The recall audit (``kg audit``): spans that look like facts, and whether an extracted record covers them.

    report = audit_sources(["articles/"])
    for doc in report.documents: ...          # findings per document, in offset order
    report.count("person").unexplained        # per-class counts

kg's pipeline runs once per document (one ``nlp.pipe`` pass); the audit reads the same spaCy
``Doc`` (entities, tags, sentences) and the ``DocumentExtraction`` built from it. Mentions are
found by the audit's own rules from kg's word lists (``kg.audit.mentions``), never by the
extraction rules they check.

Mentions, per class (overlapping mentions of one class are merged into one):

- ``person``: spaCy PERSON entities (title words and honorifics trimmed off); capitalised Chinese
  names, a surname of ``chinese_names.toml`` and a pinyin given name of one or two words, that are
  not gazetteer places; and 2-4 capitalised words right after a title word or honorific
  ("Governor Ahmad Sulaiman") or before a comma and a title ("Tenzin Norbu, vice chairman of"),
  cut at the words of ``audit.toml``'s ``not_name_words``.
- ``title``: title forms of ``titles.toml`` (whole words, any case) tagged as nouns.
- ``role``: role phrases of ``roles.toml`` (presided, spoke, attended, active and passive) whose
  first word is tagged as a verb.
- ``date``: what ``kg.extract.dates.find_dates`` finds (month-day, day-only, "on <weekday>"), and
  the dateline's date.
- ``place``: capitalised venues headed by a venue word of ``audit.toml`` ("the Great Hall of the
  People"), and "in <gazetteer place>" within a few words after an event word of ``meetings.toml``
  or an event verb ("held on Monday in Changsha").
- ``initiative``: quoted phrases of 2 to ``max_quoted_words`` words without sentence punctuation;
  capitalised names headed by a plan word of ``audit.toml`` ("Three-Year Action Plan", "X Free
  Trade Zone", "Initiative on Y"); the strategies of ``initiatives.toml`` in any of their forms.

Explained: a mention is explained only by a record of the same document whose evidence phrase
(``Evidence.start``..``end``) or value covers it; sharing a sentence with a fact explains nothing.

- ``person``: overlaps a ``PersonMention`` phrase; or lies inside the name phrase of an explicit
  organization (media names included) or of an initiative, which kg recognised as not a person; or
  is, as a whole, a gazetteer place name.
- ``title``: lies inside a ``PostMention`` phrase (the person and the title that gives the post), or
  inside an explicit organization's name phrase; or states a post again (``kg.audit.restated``:
  kg keeps one record per fact, with its first evidence): the ``PersonMention`` written right
  before the title ("X, former secretary of") or right after it ("Mayor X") has a post with this
  title, and with the organization named right after the title when kg recognised one there.
- ``role``: lies inside a ``ParticipationMention`` phrase (the person and the role verb); or states
  a role again: its subject has a participation with this role, the subject being the
  ``PersonMention`` right before the verb (past one apposition), right after it ("said X", "led by
  X"), or for "he"/"she" the last person named before.
- ``date``: resolves (``dates.resolve`` with the document date and the dateline) to the date of a
  ``MeetingMention`` of the document, or lies inside a meeting's phrase.
- ``place``: names the place of a meeting of the document: the same normalised name (gazetteer
  names compared canonically), or one name contained in the other word by word.
- ``initiative``: overlaps an ``InitiativeMention`` phrase or an explicit organization's name.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.audit.explain import explained_by, records
from kg.audit.mentions import find_hits
from kg.audit.words import words
from kg.ingest import MAX_DOCUMENT_CHARS, Note, Skipped, iter_documents, scan_documents
from kg.model import Document

CLASSES = ("person", "title", "role", "date", "place", "initiative")


@dataclass(frozen=True)
class Finding:
    """One mention: its class, span and sentence, and whether a record explains it (and which kind)."""

    cls: str
    start: int
    end: int
    text: str
    sentence_start: int
    sentence_end: int
    sentence: str
    explained: bool
    explained_by: str = ""  # "person", "post", "meeting date"... ("" when unexplained)


@dataclass(frozen=True)
class DocumentAudit:
    doc_id: str
    file_name: str
    findings: tuple[Finding, ...]  # in offset order


@dataclass(frozen=True)
class ClassCount:
    cls: str
    mentions: int
    unexplained: int

    @property
    def percent(self) -> float:
        """Unexplained mentions as a percentage of all (0.0 when there are none)."""
        return 100.0 * self.unexplained / self.mentions if self.mentions else 0.0


@dataclass(frozen=True)
class AuditReport:
    documents: tuple[DocumentAudit, ...]  # in doc_id order
    classes: tuple[ClassCount, ...]  # one per class of CLASSES, in that order
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[Note, ...] = ()

    def count(self, cls: str) -> ClassCount:
        """The counts of one class."""
        return next(c for c in self.classes if c.cls == cls)


def audit_documents(documents: Iterable[Document]) -> Iterator[DocumentAudit]:
    """The audit of each document, in the order given (streaming)."""
    from kg.extract import dates
    from kg.extract.records import sentence_spans

    w = words()
    from kg.extract.pipeline import pipe_documents

    for document, sdoc, extraction in pipe_documents(documents):
        text = document.text
        dateline = dates.find_dateline(text)
        recs = records(extraction, dateline, w.lex)
        sentences = sentence_spans(sdoc)
        starts = [a for a, _ in sentences]
        out = []
        for h in find_hits(text, sdoc, dateline):
            i = bisect_right(starts, h.start) - 1
            a, b = sentences[i] if i >= 0 and h.start < sentences[i][1] else (h.start, h.end)
            b = max(b, h.end)
            reason = explained_by(h, text, recs, w, (a, b))
            out.append(Finding(h.cls, h.start, h.end, text[h.start : h.end], a, b, text[a:b], bool(reason), reason))
        out.sort(key=lambda f: (f.start, f.end, CLASSES.index(f.cls)))
        yield DocumentAudit(document.doc_id, document.file_name, tuple(out))


def summarize(documents: Sequence[DocumentAudit]) -> tuple[ClassCount, ...]:
    """Mentions and unexplained mentions per class, over all documents."""
    counts = {c: [0, 0] for c in CLASSES}
    for d in documents:
        for f in d.findings:
            counts[f.cls][0] += 1
            counts[f.cls][1] += not f.explained
    return tuple(ClassCount(c, m, u) for c, (m, u) in counts.items())


def audit_sources(
    sources: Sequence[str | Path],
    *,
    max_chars: int = MAX_DOCUMENT_CHARS,
    progress: Callable[[int, int], None] | None = None,
) -> AuditReport:
    """Audit the documents under ``sources`` (files and folders, read as ``kg build`` reads them).

    Unusable files are skipped and listed in the report; ``SourceNotFound`` / ``NoDocuments``
    (``kg.errors.InputError``) when no document at all can be loaded. ``progress(done, total)`` is
    called after each document.
    """
    scan = scan_documents(sources, max_chars=max_chars)
    audits = []
    total = len(scan.documents)
    for done, audit in enumerate(audit_documents(iter_documents(scan.documents)), 1):
        audits.append(audit)
        if progress is not None:
            progress(done, total)
    return AuditReport(tuple(audits), summarize(audits), scan.skipped, scan.notes)


__all__ = [
    "CLASSES",
    "AuditReport",
    "ClassCount",
    "DocumentAudit",
    "Finding",
    "audit_documents",
    "audit_sources",
    "summarize",
]
