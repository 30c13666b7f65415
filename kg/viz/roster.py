"""Rosters: for an organization, who held which post as of a date, appointments and resignations in order.

The rows come from the named query ``roster`` (``kg/queries/roster.rq``, also ``kg query roster
--param org_name=... --param as_of=...``): one row per post, person and kind of statement (holds,
appointed, resigned, formerly held) with the first and latest dates stated. ``roster_rows`` runs
it for one organization or for all at once (the same query with every organization's name key in
its ``VALUES`` line); ``holders_as_of`` reads the rows as the page does (``static/roster.js``).
"""

from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox

from kg.query import resolve_query, run_query
from kg.viz.index import GraphIndex

QUERY = "roster"
FOREVER = '"9999-12-31"^^xsd:date'
KEYS = """
PREFIX kg: <https://w3id.org/kg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?key WHERE { ?post org:postIn ?organization . ?organization kg:nameKey ?key }
"""
HOLDING = ("holds", "appointed")
_HEADER = re.compile(r"^\s*#\s*(?:param|normali[sz]e):.*$", re.M)
LEAVING = ("resigned", "formerly held")


def _store(source: ox.Store | GraphIndex) -> ox.Store:
    return source.store if isinstance(source, GraphIndex) else source


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def roster_rows(source: ox.Store | GraphIndex, org: str | None = None, as_of: str | None = None) -> list[dict]:
    """The rows of the ``roster`` query for the organization named ``org`` (every organization when
    None), as of the ISO date ``as_of`` (no limit when None), as dicts keyed by the query's variables."""
    store = _store(source)
    if org is not None:
        params = {"org_name": org} | ({"as_of": as_of} if as_of else {})  # the query's default: no limit
        result = run_query(store, QUERY, params)
    else:
        keys = sorted(str(row[0].value) for row in store.query(KEYS, use_default_graph_as_union=True))
        if not keys:
            return []
        text = _HEADER.sub("", resolve_query(QUERY))  # the VALUES lines are set here, not by parameters
        text = re.sub(
            r"VALUES \?org_name \{[^}]*\}", "VALUES ?org_name { " + " ".join(map(_literal, keys)) + " }", text
        )
        date = f'"{as_of}"^^xsd:date' if as_of else FOREVER
        text = re.sub(r"VALUES \?as_of \{[^}]*\}", "VALUES ?as_of { " + date + " }", text)
        result = run_query(store, text)
    return [dict(zip(result.vars, row, strict=True)) for row in result.rows]


def holders_as_of(rows: list[dict], date: str) -> dict[str, list[str]]:
    """Per post title, the people holding it on ``date`` (names in order of their first statement).

    A person holds a post on ``date`` when a holding or an appointment is stated on or before it
    and no resignation (or "formerly held") is stated after the last such statement and on or
    before ``date``. Rows give first and latest dates only: a statement's latest date counts when
    it is on or before ``date``, else its first.
    """
    by_key: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        by_key[(row["post"], row["person"])].append(row)
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for group in by_key.values():
        holds = [r for r in group if r["status"] in HOLDING and r["since"] <= date]
        if not holds:
            continue
        last = max(r["latest"] if r["latest"] <= date else r["since"] for r in holds)
        left = [d for r in group if r["status"] in LEAVING for d in (r["since"], r["latest"]) if last < d <= date]
        if not left:
            found[holds[0]["title"]].append((min(r["since"] for r in holds), holds[0]["name"]))
    return {title: [name for _since, name in sorted(people)] for title, people in sorted(found.items())}


def events(rows: list[dict]) -> list[dict]:
    """Every statement, in date order: what the page lists as appointments and resignations in order."""
    return sorted(rows, key=lambda r: (r["since"], r["title"], r["name"], r["status"]))


def roster_data(source: ox.Store | GraphIndex) -> dict:
    """What the roster page shows: per organization its rows (compact), and the date range."""
    rows = roster_rows(source)
    orgs: dict[str, list] = defaultdict(list)
    for row in events(rows):
        orgs[row["org"]].append(
            [
                row["title"],
                row["name"],
                row["status"],
                row["since"],
                row["latest"],
                int(row["docs"]),
                row["doc"].rsplit("/", 1)[-1],
                row["sentence"],
                row["post"],
                row["person"],
            ]  # fmt: skip
        )
    dates = sorted({r["since"] for r in rows} | {r["latest"] for r in rows})
    return {
        "columns": ["title", "name", "status", "since", "latest", "docs", "doc", "sentence", "post", "person"],
        "orgs": [{"name": name, "rows": orgs[name]} for name in sorted(orgs, key=lambda n: (-len(orgs[n]), n))],
        "dateRange": [dates[0], dates[-1]] if dates else None,
        "summary": f"{len(orgs):,} organizations, {len(rows):,} statements of who held, took or left a post",
    }
