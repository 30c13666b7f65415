"""Where and when a promotion counts: the region and date the region queries page by, found at mapping time.

A promotion (a ``promotes`` fact) is counted in the jurisdiction of its promoting meeting's
organizer when that is a described place, else in its document's region (``kg:region``), else in
no known region (``kg:UnknownRegion``); it is dated by its meeting's start date when known, else by
the day its assertion is stated as of (``kg:asOf``). The mapping writes both on the assertion, in
the provenance graph::

    id:assertion/ab12…  kg:promotionRegion id:place/liaoning ; kg:promotionDate "2023-02-17"^^xsd:date .

so ``initiatives_in_region`` and ``initiatives_by_region`` find a region's promotions in the
store's index and page by them, instead of following meeting -> organizer -> jurisdiction and
document -> region for every promotion. The rules are those the queries joined by: a meeting's
date and organizer are in the graph only when a ``reports`` fact names the meeting (they ride on
it), and a place has its ``schema:name`` only when the corpus describes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kg.model import Corpus, Fact


@dataclass(frozen=True)
class Promotion:
    """Where and when one promotion counts: a place key and a date (``YYYY-MM-DD`` or ``--MM-DD``), or None."""

    region: str | None
    date: str | None


def promotions(corpus: Corpus, chosen: Mapping[str, Fact]) -> dict[str, Promotion]:
    """The region and date of each ``promotes`` fact of ``chosen`` (facts by assertion key, as mapped)."""
    places = {place.key for place in corpus.places}
    jurisdictions = {org.key: org.jurisdiction for org in corpus.organizations if org.jurisdiction in places}
    regions = {doc.doc_id: doc.region for doc in corpus.documents if doc.region in places}
    published = {doc.doc_id: doc.date for doc in corpus.documents}
    meetings = {meeting.key: meeting for meeting in corpus.meetings}
    reported = {fact.object for fact in chosen.values() if fact.kind == "reports" and fact.object in meetings}
    found: dict[str, Promotion] = {}
    for key, fact in chosen.items():
        if fact.kind != "promotes":
            continue
        meeting = meetings[fact.subject] if fact.subject in reported else None
        doc_id = fact.evidence.doc_id
        region = jurisdictions.get(meeting.organizer) if meeting and meeting.organizer else None
        as_of = fact.as_of or published.get(doc_id)
        day = meeting.date if meeting and meeting.date else as_of.isoformat() if as_of else None
        found[key] = Promotion(region or regions.get(doc_id), day)
    return found
