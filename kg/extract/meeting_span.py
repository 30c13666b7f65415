"""``MeetingSpan``: a meeting as the rules find it in the text (used by ``meetings`` and ``meeting_dating``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class MeetingSpan:
    """A meeting as found in the text, before it becomes a ``MeetingMention``."""

    key: str
    start: int
    end: int
    label: str
    kind: str
    head: str
    anaphoric: bool = False
    part: bool = False
    reported: bool = True
    date: str | None = None
    place: str | None = None
    organizer: str | None = None
    part_of: str | None = None
    definite: bool = False  # "the preparatory meeting": may name an event told before
    refs: list[int] = field(default_factory=list)  # offsets where "the meeting" refers to it
