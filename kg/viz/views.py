"""The analyst's views by name, as ``kg viz --view NAME`` and ``kg serve``'s ``/viz?view=NAME`` give them.

* ``graph``: the graph page (its overview above ``kg.viz.overview.OVERVIEW_MIN_NODES`` nodes);
* ``meetings``: who met whom (``kg.viz.meetings``), for a region and a date range if given;
* ``roster``: organizations' rosters as of a date (``kg.viz.roster``, the named query ``roster``);
* ``initiatives``: the initiative map (``kg.viz.initiative_map``).

``view_html`` gives a page's HTML; ``write_views`` writes one view, or all four side by side
(``all``), their navigation and the person panel's link then pointing at each other's files.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError
from kg.viz.data import open_index
from kg.viz.index import GraphIndex
from kg.viz.page import write_page
from kg.viz.viewpage import VIEW_FILES, links, view_page

VIEWS = tuple(VIEW_FILES)


def check_view(view: str) -> str:
    """``view`` if it names a view (or ``all``), else a ``QueryError`` listing them."""
    if view not in (*VIEWS, "all"):
        raise QueryError(f"unknown view '{view}': use one of {', '.join(VIEWS)} or all")
    return view


def _page(
    view: str,
    index: GraphIndex,
    heading: str,
    *,
    region: str | None = None,
    start: str | None = None,
    end: str | None = None,
    written: bool = False,
) -> str:
    """The HTML of ``view`` (not ``graph``) of the store behind ``index``."""
    if view == "meetings":
        from kg.viz.meetings import co_attendance, meetings_data

        found = co_attendance(index, region=region, start=start, end=end)
        data = meetings_data(found, filters={"region": region, "from": start, "to": end})
        return view_page("meetings.js", {**data, "links": links(written)}, heading, network=True)
    if view == "roster":
        from kg.viz.roster import roster_data

        return view_page("roster.js", {**roster_data(index), "links": links(written)}, heading)
    from kg.viz.initiative_map import initiatives_data

    return view_page("initiatives.js", {**initiatives_data(index), "links": links(written)}, heading)


TITLES = {"meetings": "who met whom", "roster": "rosters", "initiatives": "initiative map", "graph": ""}


def view_html(view: str, source: ox.Store | GraphIndex, *, heading: str = "kg", **filters: str | None) -> str:
    """The HTML of ``view`` for ``source`` (kg serve's ``/viz?view=NAME``; ``graph`` is the whole graph page)."""
    check_view(view)
    index = open_index(source)
    if view == "graph":
        from kg.viz.fromstore import view_graph
        from kg.viz.page import graph_page, view_data

        graph, note = view_graph(index)
        return graph_page(view_data(graph, note=note), heading)
    return _page(view, index, f"{heading}: {TITLES[view]}", **filters)


def write_views(
    view: str,
    source: ox.Store | GraphIndex,
    folder: Path,
    *,
    out: Path | None = None,
    heading: str = "kg",
    region: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> list[Path]:
    """Write ``view`` (or ``all`` four views into ``folder``) and return the pages' paths.

    ``out`` names the page of a single view (default: its file in ``folder``). ``region``,
    ``start`` and ``end`` narrow the meetings view.
    """
    check_view(view)
    if (region or start or end) and view not in ("meetings", "all"):
        raise QueryError("--region, --from and --to go with --view meetings")
    index = open_index(source)
    written = view == "all"
    names = VIEWS if written else (view,)
    paths = []
    for name in names:
        path = out if out is not None and not written else folder / VIEW_FILES[name][0]
        if name == "graph":
            from kg.viz.fromstore import view_graph
            from kg.viz.page import render_graph

            graph, note = view_graph(index)
            render_graph(graph, path, heading=heading, note=note, links=links(written))
        else:
            page = _page(
                name, index, f"{heading}: {TITLES[name]}", region=region, start=start, end=end, written=written
            )
            write_page(path, page)
        paths.append(path)
    return paths


__all__ = ["VIEWS", "check_view", "view_html", "write_views"]
