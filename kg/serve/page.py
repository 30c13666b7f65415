"""Server-side HTML of ``kg serve``: entity pages, named-query pages, error pages (all text escaped).

Links to kg's own IRIs (``https://w3id.org/kg/id/...``) point to this server's ``/entity/...``
pages; other IRIs to ``/entity?iri=...``. ``root`` is the path prefix the server is mounted at
behind a reverse proxy ("" when at the root).
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote, urlencode

import pyoxigraph as ox

from kg.query import QueryInfo, QueryResult
from kg.rdf.namespace import ID, PREFIXES


def compact(iri: str) -> str:
    """``prefix:local`` for IRIs in kg's namespaces, else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)) and len(iri) > len(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)) :]}"
    return iri


def entity_href(iri: str, root: str = "") -> str:
    """This server's page for ``iri``."""
    if iri.startswith(str(ID)) and len(iri) > len(str(ID)):
        return f"{root}/entity/{quote(iri[len(str(ID)) :], safe='/:@-._~')}"
    return f"{root}/entity?{urlencode({'iri': iri})}"


def iri_html(iri: str, root: str = "", name: str | None = None) -> str:
    """A link to the entity page of ``iri`` (labelled with its name when known, else its short form)."""
    label = escape(name) if name else escape(compact(iri))
    return f'<a href="{escape(entity_href(iri, root))}" title="{escape(iri)}">{label}</a>'


def term_html(term: ox.NamedNode | ox.BlankNode | ox.Literal | None, root: str = "", name: str | None = None) -> str:
    """A result cell: IRIs as links to their entity page (with a name when known), literals as text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return iri_html(term.value, root, name)
    if isinstance(term, ox.BlankNode):
        return f"_:{escape(term.value)}"
    return escape(term.value)


def layout(title: str, body: str, root: str = "") -> str:
    """A whole page around ``body``."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="stylesheet" href="{escape(root)}/static/query.css">
<link rel="icon" href="{escape(root)}/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<header class="kg-top"><a href="{escape(root)}/">kg SPARQL</a> ·
<a href="{escape(root)}/queries">named queries</a></header>
<main class="kg-doc">
<h1>{escape(title)}</h1>
{body}
</main>
</body>
</html>
"""


def results_table(result: QueryResult, root: str = "", offset: int = 0) -> str:
    """A SELECT (or ASK) answer as an HTML table; ``offset``: the rows before this page."""
    if result.kind == "ask":
        return f"<p class='kg-ask'>{'true' if result.boolean else 'false'}</p>"
    head = "".join(f"<th>{escape(v)}</th>" for v in result.vars)
    rows = "".join("<tr>" + "".join(f"<td>{term_html(t, root)}</td>" for t in row) + "</tr>" for row in result.terms)
    n = len(result.terms)
    if offset or result.truncated:
        count = f"rows {offset + 1:,}–{offset + n:,}" if n else f"no rows after row {offset:,}"
        count += " (more follow)" if result.truncated else ""
    else:
        count = f"{n:,} row{'s' if n != 1 else ''}"
    table = f"<table class='kg-results'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    return f"<p class='kg-count'>{count}</p>{table}"


def pager(values: dict[str, str], limit: int, offset: int, more: bool) -> str:
    """Previous / Next links for a page of ``limit`` rows from ``offset`` (the parameters kept)."""

    def link(label: str, start: int, rel: str) -> str:
        query = urlencode({**values, "limit": limit, **({"offset": start} if start else {})})
        return f'<a class="kg-{rel}" rel="{rel}" href="?{escape(query)}">{label}</a>'

    previous = link("← Previous", max(0, offset - limit), "prev") if offset else "<span>← Previous</span>"
    following = link("Next →", offset + limit, "next") if more else "<span>Next →</span>"
    return f"<nav class='kg-pager'>{previous} · {following}</nav>"


def query_page(
    info: QueryInfo, values: dict[str, str], result: QueryResult, root: str = "", limit: int = 100, offset: int = 0
) -> str:
    """A named query: its description, a form for its parameters, and a page of its answer."""
    fields = "".join(
        f'<label>{escape(p.name)} <input name="{escape(p.name)}" value="{escape(values.get(p.name, p.default or ""))}">'
        "</label> "
        for p in info.params
    )
    fields += f'<label>rows per page <input name="limit" type="number" min="1" value="{limit}"></label> '
    form = f'<form method="get" class="kg-params">{fields}<button type="submit">Run</button></form>'
    page = {"limit": limit, **({"offset": offset} if offset else {})}
    links = " · ".join(
        f'<a href="?{escape(urlencode({**values, **page, "format": f}))}">{f.upper()}</a>'
        for f in ("json", "xml", "csv", "tsv")
    )
    whole = f'<a href="?{escape(urlencode({**values, "format": "csv"}))}">the whole answer as CSV</a>'
    body = f"<p>{escape(info.description)}</p>{form}<p class='kg-formats'>This page as {links}; {whole}</p>"
    more = result.truncated
    nav = pager(values, limit, offset, more) if offset or more else ""
    return layout(f"Query: {info.name}", body + nav + results_table(result, root, offset) + nav, root)


def query_list_page(infos: list[QueryInfo], root: str = "") -> str:
    """The named queries, each linked to its page."""
    items = "".join(
        f'<li><a href="{escape(root)}/queries/{escape(i.name)}">{escape(i.name)}</a> — {escape(i.description)}'
        + (f" <small>parameters: {escape(', '.join(p.name for p in i.params))}</small>" if i.params else "")
        + "</li>"
        for i in infos
    )
    return layout("Named queries", f"<ul class='kg-queries'>{items}</ul>", root)


def entity_page(entity: dict, root: str = "") -> str:
    """One entity: its types and names, its facts with their evidence, and its other statements."""
    iri = entity["iri"]
    types = ", ".join(iri_html(t, root) for t in entity["types"]) or "—"
    href = entity_href(iri, root)
    turtle = f"{href}{'&' if '?' in href else '?'}format=turtle"
    parts = [
        f"<p class='kg-iri'><code>{escape(iri)}</code></p>",
        f"<p>Type: {types}</p>",
        f'<p class="kg-formats">Also as <a href="{escape(turtle)}">Turtle</a></p>',
    ]
    facts = entity["facts"]
    if facts:
        rows = []
        for fact in facts:
            evidence = fact.get("evidence")
            if evidence:
                where = f"{evidence.get('doc_name') or compact(evidence.get('doc') or '')}"
                if evidence.get("start") is not None:
                    where += f", characters {evidence['start']}–{evidence['end']}"
                cell = f"<q>{escape(evidence['sentence'])}</q><br><small>{escape(where)}</small>"
            else:
                cell = ""
            subject = iri_html(fact["subject"], root, fact.get("subject_name")) if fact["subject"] else ""
            obj = fact["object"]
            obj_html = iri_html(obj["value"], root, obj.get("name")) if obj["type"] == "uri" else escape(obj["value"])
            rows.append(
                f"<tr><td>{escape(fact.get('kind') or '')}</td><td>{subject}</td>"
                f"<td>{iri_html(fact['predicate'], root)}</td><td>{obj_html}</td>"
                f"<td class='kg-evidence'>{cell}</td>"
                f"<td>{iri_html(fact['graph'], root) if fact.get('graph') else ''}</td></tr>"
            )
        parts.append(
            "<h2>Facts and their evidence</h2><table class='kg-results'><thead><tr><th>kind</th><th>subject</th>"
            "<th>predicate</th><th>object</th><th>evidence</th><th>assertion</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    other = entity["statements"]
    if other:
        rows = "".join(
            f"<tr><td>{'is ' if s['direction'] == 'in' else ''}{iri_html(s['predicate'], root)}"
            f"{' of' if s['direction'] == 'in' else ''}</td><td>"
            + (iri_html(s["value"], root, s.get("name")) if s["type"] == "uri" else escape(s["value"]))
            + "</td></tr>"
            for s in other
        )
        parts.append(f"<h2>Statements</h2><table class='kg-results'><tbody>{rows}</tbody></table>")
    if entity.get("truncated"):
        parts.append("<p class='kg-count'>Cut at the server's row cap.</p>")
    return layout(entity["name"], "".join(parts), root)


def error_page(status: int, message: str, root: str = "") -> str:
    """An HTML error page (for browsers; API clients get the JSON error)."""
    return layout(f"Error {status}", f"<p class='kg-error'>{escape(message)}</p>", root)
