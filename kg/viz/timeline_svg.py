"""The timeline's drawing: items and spans of a row, the date axis, and the SVG of rows and markers."""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from dataclasses import dataclass, field

from kg.viz.index import KIND_STYLE, short_label

LABEL_WIDTH = 240  # px: the row names
MIN_PLOT, MAX_PLOT, PX_PER_DAY = 560, 4000, 0.75
MIN_ROW = 34  # px: room for a two-line row name
LANE = 20  # px per lane of a row
CHAR_PX = 6.3  # rough width of a character at 11px
MARK = 5  # half-size of a marker


@dataclass
class Item:
    """One dated statement: a person held a post, or took part in a meeting, as of ``date``."""

    kind: str  # "holding" or "meeting"
    person: str
    person_name: str
    thing: str  # the post or meeting IRI
    thing_name: str
    relation: str  # holds post, appointed to, resigned from, presided, spoke, attended
    date: str | None
    date_text: str  # what is known of the date, for undated items
    evidence: list[dict] = field(default_factory=list)


@dataclass
class Span:
    """Items of one row that belong together (one holding seen on several dates)."""

    key: str
    label: str
    tooltip: str
    items: list[int]  # indexes into the page's item list
    first: dt.date
    last: dt.date
    colour: str
    shape: str


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Axis:
    """Dates to x positions, and the ticks to draw."""

    def __init__(self, dates: list[dt.date]) -> None:
        first, last = min(dates), max(dates)
        pad = max(20, (last - first).days // 20)
        self.start = dt.date(first.year, first.month, 1) - dt.timedelta(days=pad)
        self.end = last + dt.timedelta(days=pad + 30)
        days = (self.end - self.start).days
        self.width = int(min(MAX_PLOT, max(MIN_PLOT, days * PX_PER_DAY)))
        self.scale = self.width / days
        self.total = LABEL_WIDTH + self.width  # widened to fit the labels (see fit)

    def fit(self, spans: list[Span]) -> None:
        """Widen the drawing so that the labels of the last items are not cut off."""
        right = max((_label_end(self, span) for span in spans), default=0)
        self.total = int(max(self.total, right + 8))

    def x(self, day: dt.date) -> float:
        return round(LABEL_WIDTH + (day - self.start).days * self.scale, 1)

    def ticks(self) -> list[tuple[dt.date, str, bool]]:
        """(date, label, major) for month or year ticks, spaced to stay readable."""
        months_apart = next(m for m in (1, 2, 3, 6, 12, 24, 60) if 30 * m * self.scale >= 48)
        ticks = []
        year, month = self.start.year, self.start.month
        while True:
            day = dt.date(year, month, 1)
            if day > self.end:
                break
            if day >= self.start and ((year * 12 + month - 1) % months_apart == 0):
                major = month == 1
                text = str(year) if major or months_apart >= 12 else day.strftime("%b")
                if not major and months_apart < 12 and not ticks:
                    text = day.strftime("%b %Y")
                ticks.append((day, text, major))
            month += 1
            if month > 12:
                year, month = year + 1, 1
        return ticks


def _spans(row_items: list[tuple[int, Item]], by: str) -> list[Span]:
    """Group a row's items into spans: one per post held (or holder), one per meeting."""
    groups: dict[str, list[tuple[int, Item]]] = defaultdict(list)
    for i, item in row_items:
        other = item.person if by == "post" else item.thing
        groups[f"{item.kind}|{other}"].append((i, item))
    spans = []
    for key, members in groups.items():
        days = sorted(_day(item.date) for _i, item in members if item.date)
        first_item = members[0][1]
        if by == "post":
            label, colour, shape = first_item.person_name, KIND_STYLE["person"][0], "dot"
        elif first_item.kind == "holding":
            label, colour, shape = first_item.thing_name, KIND_STYLE["post"][0], "diamond"
        else:
            label, colour, shape = (
                f"{first_item.relation}: {first_item.thing_name}",
                KIND_STYLE["meeting"][0],
                "triangle",
            )
        dates = sorted({item.date for _i, item in members if item.date})
        relations = sorted({item.relation for _i, item in members})
        when = dates[0] if len(dates) == 1 else f"{dates[0]} … {dates[-1]} ({len(dates)} dates)"
        tooltip = f"{first_item.person_name} — {', '.join(relations)} — {first_item.thing_name}\n{when}"
        spans.append(
            Span(
                key,
                short_label(label),
                tooltip + "\nclick for the sentences",
                [i for i, _ in members],
                days[0],
                days[-1],
                colour,
                shape,
            )
        )
    return sorted(spans, key=lambda s: (s.first, s.label))


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "diamond":
        points = f"{x},{y - MARK - 1} {x + MARK + 1},{y} {x},{y + MARK + 1} {x - MARK - 1},{y}"
        return f'<polygon points="{points}" fill="{colour}" stroke="#333" stroke-width="0.7"/>'
    if shape == "triangle":
        points = f"{x},{y - MARK - 1} {x + MARK + 1},{y + MARK} {x - MARK - 1},{y + MARK}"
        return f'<polygon points="{points}" fill="{colour}" stroke="#333" stroke-width="0.7"/>'
    return f'<circle cx="{x}" cy="{y}" r="{MARK}" fill="{colour}" stroke="#333" stroke-width="0.7"/>'


def _label_end(axis: Axis, span: Span) -> float:
    return axis.x(span.last) + MARK + 4 + CHAR_PX * len(span.label)


def _row_svg(axis: Axis, spans: list[Span], items: list[Item], ticks: list[tuple[dt.date, str, bool]]) -> str:
    """One row: lanes of spans, each a bar from first to last date with a marker per date and a label."""
    lanes: list[float] = []
    placed = []
    for span in spans:
        x0, x1 = axis.x(span.first), axis.x(span.last)
        right = _label_end(axis, span)
        lane = next((i for i, end in enumerate(lanes) if end < x0 - MARK - 2), None)
        if lane is None:
            lanes.append(right)
            lane = len(lanes) - 1
        else:
            lanes[lane] = right
        placed.append((span, lane, x0, x1))
    height = max(MIN_ROW, max(1, len(lanes)) * LANE + 6)
    top = (height - max(1, len(lanes)) * LANE) / 2
    total = axis.total
    out = [f'<svg class="tl-svg" width="{total}" height="{height}" viewBox="0 0 {total} {height}">']
    for day, _text, major in ticks:
        x = axis.x(day)
        out.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{height}" class="{"tl-major" if major else "tl-grid"}"/>')
    for span, lane, x0, x1 in placed:
        y = top + lane * LANE + LANE / 2
        idx = " ".join(str(i) for i in span.items)
        out.append(f'<g class="tl-item" data-items="{idx}" tabindex="0">')
        out.append(f"<title>{html.escape(span.tooltip)}</title>")
        if x1 > x0:
            out.append(
                f'<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="{span.colour}" stroke-width="4" '
                'stroke-linecap="round" opacity="0.55"/>'
            )
        for day in sorted({_day(items[i].date) for i in span.items if items[i].date}):
            out.append(_marker(span.shape, axis.x(day), y, span.colour))
        out.append(f'<text x="{x1 + MARK + 4}" y="{y + 4}">{html.escape(span.label)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _axis_svg(axis: Axis, ticks: list[tuple[dt.date, str, bool]]) -> str:
    total = axis.total
    out = [f'<svg class="tl-axis" width="{total}" height="24" viewBox="0 0 {total} 24">']
    for day, text, major in ticks:
        x = axis.x(day)
        out.append(f'<line x1="{x}" y1="16" x2="{x}" y2="24" stroke="#52606d"/>')
        weight = ' font-weight="bold"' if major else ""
        out.append(f'<text x="{x + 2}" y="13"{weight}>{html.escape(text)}</text>')
    out.append("</svg>")
    return "".join(out)
