"""Typed hand-offs between the stages: ingest -> extract -> resolve -> RDF mapping.

Everything here is a frozen dataclass of plain Python values, so each stage can be built and
tested alone: extraction produces ``DocumentExtraction`` (doc-local mentions and facts, every
one with its ``Evidence``), resolution turns a sequence of them into a ``Corpus`` of entities
with stable keys and facts between those keys, and the RDF mapping turns a ``Corpus`` into
triples without needing spaCy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

ROLES = ("presided", "spoke", "attended")
POST_STATUSES = ("holds", "appointed", "resigned", "former")
INITIATIVE_KINDS = ("plan", "strategy")


# ---------------------------------------------------------------- ingest


@dataclass(frozen=True)
class Document:
    """One source article. ``text`` is the stored text; every offset in kg points into it."""

    doc_id: str  # the file name without ".txt": the document's identity
    file_name: str
    path: str
    text: str
    date: date | None  # from the " date YYYY-MM-DD" header, if any
    sha256: str  # of the stored text


# ---------------------------------------------------------------- evidence


@dataclass(frozen=True)
class Evidence:
    """Where a fact is stated: the sentence and the exact phrase, as character offsets."""

    doc_id: str
    sentence_start: int
    sentence_end: int
    sentence: str
    start: int  # the phrase that carries the fact, within the document text
    end: int
    text: str


# ---------------------------------------------------------------- extraction (doc-local)


@dataclass(frozen=True)
class PersonMention:
    """A person named in the text, as written ("Qin hao", "Qin", "Fang Zhiwai")."""

    surface: str
    evidence: Evidence


@dataclass(frozen=True)
class OrgMention:
    """An organization: ``name`` canonical with jurisdiction ("CPC Liaoning Provincial Committee").

    ``explicit`` is False when the organization is only implied by a title ("Governor X").
    """

    name: str
    # party_committee, standing_committee, government, congress, cppcc, central, ministry, media, foreign, other
    kind: str
    region: str | None
    parent: str | None
    explicit: bool
    evidence: Evidence
    level: str | None = None  # national | province | city | district | county | foreign


@dataclass(frozen=True)
class PostMention:
    """A named person stated to hold (or be appointed to / resign from) an office."""

    person: str  # surface form of the person, resolved later
    title: str  # canonical title, e.g. "Deputy Secretary", "Acting Governor"
    org: str  # canonical organization name (an OrgMention.name of the same document)
    status: str  # one of POST_STATUSES
    evidence: Evidence
    confidence: float = 0.9


@dataclass(frozen=True)
class MeetingMention:
    """A meeting or event the article reports or refers to; ``key`` is unique in the document."""

    key: str
    label: str
    kind: str  # e.g. "standing committee meeting", "symposium", "conference"
    date: str | None  # "YYYY-MM-DD", or "--MM-DD" when the year is unknown
    place: str | None
    organizer: str | None  # canonical organization name
    evidence: Evidence
    reported: bool = True  # False for earlier events the article only refers to
    part_of: str | None = None  # key of the meeting this one is a session/ceremony of


@dataclass(frozen=True)
class ParticipationMention:
    person: str  # surface form
    meeting: str  # MeetingMention.key
    role: str  # one of ROLES
    evidence: Evidence
    confidence: float = 0.9


@dataclass(frozen=True)
class InitiativeMention:
    name: str  # canonical name
    kind: str  # one of INITIATIVE_KINDS
    surface: str
    evidence: Evidence
    promoter: str | None = None  # person surface form, when a person pushes it
    meeting: str | None = None  # MeetingMention.key, when pushed at a meeting
    confidence: float = 0.8


@dataclass(frozen=True)
class DocumentExtraction:
    """Everything extraction found in one document."""

    doc_id: str
    file_name: str
    date: date | None
    region: str | None  # the document's jurisdiction, inferred from the text ("Liaoning")
    sha256: str
    people: tuple[PersonMention, ...] = ()
    organizations: tuple[OrgMention, ...] = ()
    posts: tuple[PostMention, ...] = ()
    meetings: tuple[MeetingMention, ...] = ()
    participations: tuple[ParticipationMention, ...] = ()
    initiatives: tuple[InitiativeMention, ...] = ()


# ---------------------------------------------------------------- resolved corpus


@dataclass(frozen=True)
class Place:
    key: str  # "place/liaoning"
    name: str
    level: str | None  # country | province | city | ...
    parent: str | None  # key of the containing place


@dataclass(frozen=True)
class Person:
    key: str  # "person/zhou-bo"
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Organization:
    key: str  # "org/cpc-liaoning-provincial-committee"
    name: str
    kind: str
    jurisdiction: str | None  # place key
    parent: str | None  # organization key
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Post:
    key: str  # "post/secretary/cpc-liaoning-provincial-committee"
    title: str
    role: str  # role key, "role/secretary"
    org: str  # organization key
    label: str  # "Secretary of the CPC Liaoning Provincial Committee"


@dataclass(frozen=True)
class Meeting:
    key: str  # "meeting/2023-02-17/standing-committee-meeting-cpc-liaoning-provincial-committee"
    label: str
    kind: str
    date: str | None
    place: str | None  # place key
    organizer: str | None  # organization key
    part_of: str | None = None  # key of the enclosing meeting (schema:superEvent)


@dataclass(frozen=True)
class Initiative:
    key: str  # "initiative/new-industrialization"
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceDocument:
    key: str  # "doc/000_cfff46b446438275"
    doc_id: str
    file_name: str
    date: date | None
    region: str | None  # place key
    sha256: str


@dataclass(frozen=True)
class Fact:
    """One statement with its evidence. ``kind`` decides what subject/object mean:

    - ``mentions``: subject = document key, object = any entity key named explicitly in the text
    - ``holds`` / ``appointed`` / ``resigned`` / ``former``: subject = person key, object = post key
    - ``presided`` / ``spoke`` / ``attended``: subject = meeting key, object = person key
    - ``reports``: subject = document key, object = meeting key (date, place, organizer ride along)
    - ``promotes``: subject = meeting or person key, object = initiative key
    """

    kind: str
    subject: str
    object: str
    evidence: Evidence
    confidence: float
    as_of: date | None = None


FACT_KINDS = (
    "mentions",
    "holds",
    "appointed",
    "resigned",
    "former",
    "presided",
    "spoke",
    "attended",
    "reports",
    "promotes",
)


@dataclass(frozen=True)
class Corpus:
    """The resolved graph content, ready for RDF mapping. All tuples are sorted by key."""

    documents: tuple[SourceDocument, ...] = ()
    places: tuple[Place, ...] = ()
    people: tuple[Person, ...] = ()
    organizations: tuple[Organization, ...] = ()
    posts: tuple[Post, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    initiatives: tuple[Initiative, ...] = ()
    facts: tuple[Fact, ...] = field(default=())
