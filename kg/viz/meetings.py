"""Who met whom: people linked by the meetings they took part in together (presided, spoke, attended).

``co_attendance(source, region=..., start=..., end=...)`` reads the meetings of a store (or
``GraphIndex``) with their participants, date, regions and the sentences stating each part, and
counts for every pair of people the meetings they shared. ``meetings_data`` adds what the page
draws (``static/meetings.js``): the people placed by ``kg.viz.overview``'s layout (physics off),
and for every pair the meetings with dates and evidence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx
import pyoxigraph as ox

from kg.rdf.namespace import SCHEMA
from kg.viz.data import open_index
from kg.viz.index import EDGES, MEETING_ROLES, GraphIndex, iso_date
from kg.viz.overview import communities, layout

LOCATION = f"{SCHEMA}location"
EVIDENCE_PER_PART = 2  # sentences kept per person and meeting
LABELLED = 60  # people labelled at first (the most connected)


@dataclass
class Meeting:
    """A meeting, its date and regions, and per participant their roles and the sentences stating them."""

    id: str
    name: str
    date: str | None
    regions: list[str]
    parts: dict[str, dict] = field(default_factory=dict)  # person -> {"roles": [...], "evidence": [...]}


@dataclass
class CoAttendance:
    """The meetings kept and, per pair of people (sorted IRIs), the indexes of the meetings they shared."""

    meetings: list[Meeting]
    pairs: dict[tuple[str, str], list[int]]
    names: dict[str, str]

    def count(self, a: str, b: str) -> int:
        """How many meetings the people ``a`` and ``b`` shared."""
        return len(self.pairs.get((min(a, b), max(a, b)), ()))


def _meeting_regions(index: GraphIndex, meeting: str, location: dict[str, str], docs: set[str]) -> list[str]:
    """The region of the meeting's place when stated, else the regions of the documents reporting it."""
    if meeting in location:
        return [index.name(index.region(location[meeting]))]
    return sorted({index.name(index.region(r)) for d in docs for r in index.doc_region.get(d, ())})


def co_attendance(
    source: ox.Store | GraphIndex, *, region: str | None = None, start: str | None = None, end: str | None = None
) -> CoAttendance:
    """The meetings of ``source`` (in ``region``, dated from ``start`` to ``end`` when given) and who shared them.

    ``region`` is a province-level place's name (case-insensitive); ``start``/``end`` ISO dates
    (a meeting without a known date is left out when either is given).
    """
    index = open_index(source)
    parts: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    location: dict[str, str] = {}
    for (s, p, o), graphs in sorted(index.edge_graphs.items()):
        if p in MEETING_ROLES and index.kind(s) == "meeting" and index.kind(o) == "person":
            parts[s][o].append((EDGES[p].label, sorted(graphs)))
        elif p == LOCATION and index.kind(o) == "place":
            location.setdefault(s, o)
    index.load_evidence([g for people in parts.values() for roles in people.values() for _r, gs in roles for g in gs])
    wanted = region.casefold() if region else None
    meetings: list[Meeting] = []
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    names: dict[str, str] = {}
    for meeting in sorted(parts):
        graphs = [g for roles in parts[meeting].values() for _r, gs in roles for g in gs]
        evidence = index.evidence_of(graphs)
        date = iso_date(index.start_date.get(meeting)) or min((e.date for e in evidence if e.date), default=None)
        regions = _meeting_regions(index, meeting, location, index.docs_of(graphs))
        if wanted and wanted not in {r.casefold() for r in regions}:
            continue
        if (start or end) and (date is None or (start and date < start) or (end and date > end)):
            continue
        kept = Meeting(meeting, index.name(meeting), date, regions)
        for person, roles in sorted(parts[meeting].items()):
            names[person] = index.name(person)
            sentences = index.evidence_of(g for _r, gs in roles for g in gs)[:EVIDENCE_PER_PART]
            kept.parts[person] = {
                "roles": sorted({r for r, _gs in roles}),
                "evidence": [{"sentence": e.sentence, "doc": e.doc, "date": e.date} for e in sentences],
            }
        for a, b in combinations(sorted(kept.parts), 2):
            pairs[(a, b)].append(len(meetings))
        meetings.append(kept)
    return CoAttendance(meetings, dict(pairs), names)


def meetings_data(found: CoAttendance, *, filters: dict | None = None) -> dict:
    """What the who-met-whom page draws: people (placed, sized, labelled), pairs, meetings, a summary."""
    graph = nx.Graph()
    for (a, b), shared in found.pairs.items():
        graph.add_edge(a, b, weight=len(shared))
    strength = dict(graph.degree(weight="weight"))
    ranked = sorted(graph.nodes, key=lambda n: (-strength[n], found.names[n], n))
    labelled = set(ranked[:LABELLED])
    groups = communities(graph) if graph.number_of_nodes() else []
    positions, _centres = layout(graph, groups, labelled)
    attended = defaultdict(int)
    for meeting in found.meetings:
        for person in meeting.parts:
            attended[person] += 1
    people = [
        {
            "id": n,
            "name": found.names[n],
            "meetings": attended[n],
            "partners": graph.degree(n),
            "x": positions[n][0],
            "y": positions[n][1],
            "top": n in labelled,
        }
        for n in sorted(graph.nodes)
    ]
    pairs = sorted(
        ({"a": a, "b": b, "meetings": shared} for (a, b), shared in found.pairs.items()),
        key=lambda p: (-len(p["meetings"]), found.names[p["a"]], found.names[p["b"]]),
    )
    meetings = [
        {"id": m.id, "name": m.name, "date": m.date, "regions": m.regions, "parts": m.parts} for m in found.meetings
    ]
    where = ", ".join(f"{k} {v}" for k, v in (filters or {}).items() if v)
    summary = f"{len(people):,} people, {len(pairs):,} pairs who shared at least one of {len(meetings):,} meetings"
    return {
        "people": people,
        "pairs": pairs,
        "meetings": meetings,
        "summary": summary + (f" ({where})" if where else ""),
    }
