"""The timeline page: who held which post, and who attended which meeting, along a date axis.

Two sections share one date axis. "Posts" has a row per post with its holders, so a post's
succession (the party secretaries of a province, say) reads left to right; "People" has a row
per person with the posts they held and the meetings they presided over, spoke at or
attended. A holding is dated by its assertion's ``kg:asOf`` (the document's date); a meeting by
its ``schema:startDate``. Items without a full date (no document date, or a meeting day without
its year) are listed apart in a table.

The page is plain HTML and SVG written here, with a small script for the evidence panel and the
row filter: no library, nothing fetched. All document text is HTML-escaped, and the evidence
travels as escaped JSON shown with ``textContent``.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from kg.viz.data import open_index
from kg.viz.index import EDGES, HOLDING, KIND_STYLE, MEETING_ROLES, GraphIndex, iso_date, short_label
from kg.viz.page import PAGE_HEAD, asset, fill_template, script_json, write_page
from kg.viz.timeline_svg import Axis, Item, Span, _axis_svg, _day, _marker, _row_svg, _spans


def _drawn(index: GraphIndex) -> list[tuple[str, str, str]]:
    """The edges the timeline draws: a person holding a post, a person's role at a meeting."""
    found = []
    for s, p, o in sorted(index.edge_graphs):
        if p in HOLDING and index.kind(s) == "person" and index.kind(o) == "post":
            found.append((s, p, o))
        elif p in MEETING_ROLES and index.kind(o) == "person" and index.kind(s) == "meeting":
            found.append((s, p, o))
    return found


def collect(index: GraphIndex) -> list[Item]:
    """The holdings and meeting roles of the graph, one item per assertion (per meeting role)."""
    drawn = _drawn(index)
    index.load_evidence(g for triple in drawn for g in index.edge_graphs[triple])
    items: list[Item] = []
    for s, p, o in drawn:
        if p in HOLDING:
            for assertion in index.assertions(s, p, o):
                ev = index.evidence[assertion]
                items.append(
                    Item(
                        "holding",
                        s,
                        index.name(s),
                        o,
                        index.name(o),
                        EDGES[p].label,
                        ev.date,
                        ev.date or "the document has no date",
                        [ev.as_dict()],
                    )
                )
        else:
            start = index.start_date.get(s)
            date = iso_date(start)
            known = date or _partial_date(start)
            evidence = [e.as_dict() for e in index.evidence_of(index.assertions(s, p, o))]
            items.append(Item("meeting", o, index.name(o), s, index.name(s), EDGES[p].label, date, known, evidence))
    return items


def _partial_date(start: str | None) -> str:
    """What is known of a meeting date that is not a full date: "15 Sep, year unknown"."""
    if start is None:
        return "the meeting's date is not given"
    match = re.fullmatch(r"--(\d{2})-(\d{2})", start)
    if match and 1 <= int(match.group(1)) <= 12:
        return f"{int(match.group(2))} {dt.date(2000, int(match.group(1)), 1):%b}, year unknown"
    return f"{start} (not a full date)"


def _section(
    title: str, explain: str, rows: list[tuple[str, str, str, list[Span]]], axis: Axis, items: list[Item], ticks
) -> str:
    if not rows:
        return ""
    parts = [
        f'<section class="tl-section"><h2>{html.escape(title)}</h2><p class="tl-explain">{html.escape(explain)}</p>'
    ]
    parts.append(f'<div class="tl-row tl-axis-row"><div class="tl-label"></div>{_axis_svg(axis, ticks)}</div>')
    for key, name, sub, spans in rows:
        search = " ".join([name, *(s.label for s in spans)]).casefold()
        parts.append(
            f'<div class="tl-row" data-key="{html.escape(key)}" data-search="{html.escape(search)}">'
            f'<div class="tl-label" title="{html.escape(name)}">{html.escape(short_label(name))}'
            f'<span class="tl-sub">{html.escape(sub)}</span></div>'
            f"{_row_svg(axis, spans, items, ticks)}</div>"
        )
    parts.append("</section>")
    return "".join(parts)


def _undated_table(items: list[Item], undated: list[int]) -> str:
    if not undated:
        return ""
    rows = []
    for i in sorted(undated, key=lambda i: (items[i].person_name, items[i].thing_name)):
        item = items[i]
        doc = item.evidence[0]["doc"] if item.evidence else ""
        rows.append(
            f'<tr class="tl-item" data-items="{i}" tabindex="0"><td>{html.escape(item.person_name)}</td>'
            f"<td>{html.escape(item.relation)}</td><td>{html.escape(item.thing_name)}</td>"
            f"<td>{html.escape(item.date_text)}</td><td>{html.escape(doc)}</td></tr>"
        )
    return (
        '<section class="tl-section" id="tl-undated"><h2>Without a full date</h2>'
        f'<p class="tl-explain">{len(undated)} item{"s" if len(undated) != 1 else ""} that cannot be placed on the '
        "axis: the document has no date, or the meeting's year is not known. Click a row for its sentence.</p>"
        "<table><thead><tr><th>Person</th><th>Relation</th><th>Post or meeting</th><th>Date known</th>"
        f"<th>Document</th></tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


_PAGE = (
    PAGE_HEAD
    + """<header>
  <h1>@TITLE@</h1> <span id="tl-summary">@SUMMARY@</span>
  <div id="tl-toolbar">
    <input id="tl-filter" type="search" placeholder="Filter rows by name…" aria-label="Filter rows by name">
    <label><input type="checkbox" id="tl-show-holding" checked> posts held</label>
    <label><input type="checkbox" id="tl-show-meeting" checked> meetings</label>
    <span class="tl-key">@KEY@</span>
    <span class="tl-hint">Hover an item for a summary; click it for the sentences behind it.</span>
  </div>
</header>
<main>
  <div id="tl-body">@BODY@</div>
  <aside id="tl-panel" aria-live="polite" hidden></aside>
</main>
<script type="application/json" id="tl-data">@DATA@</script>
<script>
@JS@
</script>
</body>
</html>
"""
)


def _key() -> str:
    parts = []
    for shape, colour, text in (
        ("diamond", KIND_STYLE["post"][0], "post held (a mark per document date)"),
        ("triangle", KIND_STYLE["meeting"][0], "meeting (its start date)"),
        ("dot", KIND_STYLE["person"][0], "holder of the post"),
    ):
        parts.append(f'<svg width="14" height="14" viewBox="0 0 14 14">{_marker(shape, 7, 7, colour)}</svg> {text}')
    return " &nbsp; ".join(parts)


def timeline_page(source: ox.Store | GraphIndex | str | Path, heading: str = "kg timeline") -> str:
    """The timeline page of the graph in ``source`` (a store or its index) as HTML."""
    index = open_index(source)
    items = collect(index)
    dated = [i for i, item in enumerate(items) if item.date]
    undated = [i for i, item in enumerate(items) if not item.date]
    body = []
    if dated:
        axis = Axis([_day(items[i].date) for i in dated])
        ticks = axis.ticks()
        by_post: dict[str, list[tuple[int, Item]]] = defaultdict(list)
        by_person: dict[str, list[tuple[int, Item]]] = defaultdict(list)
        for i in dated:
            item = items[i]
            if item.kind == "holding":
                by_post[item.thing].append((i, item))
            by_person[item.person].append((i, item))
        post_rows = []
        for post, row in by_post.items():
            holders = len({item.person for _i, item in row})
            sub = f"{holders} holder{'s' if holders != 1 else ''}"
            post_rows.append((post, row[0][1].thing_name, sub, _spans(row, "post")))
        post_rows.sort(key=lambda r: (_post_sort_key(r[1]), r[1]))
        person_rows = []
        for person, row in by_person.items():
            posts = len({item.thing for _i, item in row if item.kind == "holding"})
            meetings = len({item.thing for _i, item in row if item.kind == "meeting"})
            sub = f"{posts} post{'s' if posts != 1 else ''}, {meetings} meeting{'s' if meetings != 1 else ''}"
            person_rows.append((person, row[0][1].person_name, sub, _spans(row, "person")))
        person_rows.sort(key=lambda r: r[1].casefold())
        axis.fit([span for row in post_rows + person_rows for span in row[3]])
        body.append(
            _section(
                "Posts and their holders",
                "One row per post; each holder is marked at the dates of the documents that say they hold it, "
                "so a succession reads left to right.",
                post_rows,
                axis,
                items,
                ticks,
            )
        )
        body.append(
            _section(
                "People: posts held and meetings",
                "One row per person: the posts they hold (dated by the document) and the meetings they "
                "presided over, spoke at or attended (dated by the meeting).",
                person_rows,
                axis,
                items,
                ticks,
            )
        )
    else:
        body.append('<p class="tl-explain">No dated holdings or meetings in this graph.</p>')
    body.append(_undated_table(items, undated))
    people = len({item.person for item in items})
    summary = (
        f"{len(items)} item{'s' if len(items) != 1 else ''} for {people} "
        f"{'person' if people == 1 else 'people'}: {len(dated)} dated, {len(undated)} without a full date"
    )
    data = [
        {
            "kind": item.kind,
            "person": item.person_name,
            "thing": item.thing_name,
            "relation": item.relation,
            "date": item.date,
            "date_text": item.date_text,
            "evidence": item.evidence,
        }
        for item in items
    ]
    parts = {
        "@TITLE@": html.escape(heading),
        "@CSS@": asset("timeline.css"),
        "@SUMMARY@": html.escape(summary),
        "@KEY@": _key(),
        "@BODY@": "".join(body),
        "@DATA@": script_json(data),
        "@JS@": asset("timeline.js"),
    }
    return fill_template(_PAGE, parts)


def _post_sort_key(name: str) -> str:
    """Posts sort by their body, then title: "Secretary of the X Committee" sorts under X."""
    title, _sep, body = name.partition(" of ")
    return f"{body.removeprefix('the ')}|{title}" if body else name


def render_timeline(source: ox.Store | GraphIndex, path: str | Path, *, heading: str = "kg timeline") -> Path:
    """Write the timeline page of the graph in ``source`` to ``path`` atomically."""
    path = Path(path)
    write_page(path, timeline_page(source, heading))
    return path


__all__ = ["Item", "collect", "render_timeline", "timeline_page"]
