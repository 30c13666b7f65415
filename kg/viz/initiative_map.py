"""The initiative map: for each initiative, the regions and dates that promote it, as a region x time table.

A promotion is a ``kg:promotes`` statement (a meeting, organization or person promoting an
initiative), dated by its assertion (else its document) and placed, as in the named query
``initiatives_by_region``, in the region of the jurisdiction of the promoting meeting's organizer
when known, else in the regions of the document. ``initiative_cells`` counts the documents per
initiative, region and period (years, or quarters when the dates span less than three years);
``static/initiatives.js`` draws the heat table and lists the sentences of a cell.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from kg.rdf.namespace import KG, SCHEMA
from kg.viz.data import open_index
from kg.viz.index import GraphIndex

PROMOTES = f"{KG}promotes"
ORGANIZER = f"{SCHEMA}organizer"
JURISDICTION = f"{KG}jurisdiction"
UNKNOWN = "(unknown)"
UNDATED = "undated"


def period_of(date: str | None, quarters: bool) -> str:
    """``2024`` or ``2024 Q3`` for an ISO date; ``undated`` for None."""
    if not date:
        return UNDATED
    return f"{date[:4]} Q{(int(date[5:7]) - 1) // 3 + 1}" if quarters else date[:4]


def _regions(index: GraphIndex, promoter: str, docs: set[str], organizers: dict, jurisdictions: dict) -> list[str]:
    places = {p for org in organizers.get(promoter, ()) for p in jurisdictions.get(org, ())}
    if not places:
        places = {r for d in docs for r in index.doc_region.get(d, ())}
    return sorted({index.name(index.region(p)) for p in places}) or [UNKNOWN]


def initiative_cells(source: ox.Store | GraphIndex) -> dict:
    """Per initiative, region and period, the promotions (promoter, document, date, sentence).

    Returns ``{"initiatives": [{"id", "name", "docs", "cells": {region: {period: [promotion...]}}}],
    "periods": [...], "quarters": bool}``; initiatives by number of documents, then name.
    """
    index = open_index(source)
    organizers: dict[str, set[str]] = defaultdict(set)
    jurisdictions: dict[str, set[str]] = defaultdict(set)
    promotions = []
    for (s, p, o), graphs in sorted(index.edge_graphs.items()):
        if p == PROMOTES and index.kind(o) == "initiative":
            promotions.append((s, o, sorted(graphs)))
        elif p == ORGANIZER:
            organizers[s].add(o)
        elif p == JURISDICTION:
            jurisdictions[s].add(o)
    index.load_evidence([g for _s, _o, graphs in promotions for g in graphs])
    found = []
    for promoter, initiative, graphs in promotions:
        for graph in graphs:
            regions = _regions(index, promoter, index.docs_of([graph]), organizers, jurisdictions)
            for ev in index.evidence_of([graph]):
                found.append((initiative, promoter, ev, regions))
    dates = sorted(ev.date for *_x, ev, _r in found if ev.date)
    quarters = bool(dates) and int(dates[-1][:4]) - int(dates[0][:4]) < 3
    cells: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for initiative, promoter, ev, regions in found:
        item = {"promoter": index.name(promoter), "doc": ev.doc, "date": ev.date, "sentence": ev.sentence}
        for region in regions:
            cells[initiative][region][period_of(ev.date, quarters)].append(item)
    periods = sorted(
        {period for by_region in cells.values() for by_period in by_region.values() for period in by_period}
    )
    initiatives = []
    for initiative, by_region in cells.items():
        docs = {item["doc"] for by_period in by_region.values() for items in by_period.values() for item in items}
        initiatives.append(
            {
                "id": initiative,
                "name": index.name(initiative),
                "docs": len(docs),
                "cells": {
                    region: {
                        period: sorted(items, key=lambda i: (i["date"] or "", i["doc"]))
                        for period, items in row.items()
                    }
                    for region, row in sorted(by_region.items())
                },
            }
        )
    initiatives.sort(key=lambda i: (-i["docs"], i["name"]))
    return {"initiatives": initiatives, "periods": periods, "quarters": quarters}


def cell_count(items: list[dict]) -> int:
    """What a cell shows: how many documents report the promotions in it."""
    return len({item["doc"] for item in items})


def initiatives_data(source: ox.Store | GraphIndex) -> dict:
    """What the initiative map page shows: ``initiative_cells`` plus a summary."""
    found = initiative_cells(source)
    regions = {r for i in found["initiatives"] for r in i["cells"]}
    found["summary"] = (
        f"{len(found['initiatives']):,} initiatives promoted in {len(regions):,} regions, "
        f"by {'quarter' if found['quarters'] else 'year'}; a cell counts the documents"
    )
    return found
