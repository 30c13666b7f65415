"""The page of the analyst's views (who met whom, rosters, initiative map): one self-contained HTML file.

Like the graph page (``kg.viz.page``) it embeds its data as JSON in ``<script type="application/json">``
(escaped by ``script_json``), its style and scripts (``kg/viz/static``: views.css, common.js, the
view's own script, and vis-network for the views that draw a network), so it opens offline from
disk and makes no request. Document text reaches the page only through ``textContent``.
"""

from __future__ import annotations

import html

from kg.errors import ExportError
from kg.viz.page import _REMOTE, PAGE_HEAD, asset, fill_template, script_json, vis_network_js

# view name -> (file written by kg viz, title in the page's navigation)
VIEW_FILES = {
    "graph": ("graph-view.html", "graph"),  # never over a build's graph.html
    "meetings": ("meetings.html", "who met whom"),
    "roster": ("roster.html", "rosters"),
    "initiatives": ("initiatives.html", "initiative map"),
}

_PAGE = (
    PAGE_HEAD
    + """<header>
  <h1>@TITLE@</h1> <p id="kg-summary"></p>
  <nav id="kg-views" class="kg-views" hidden></nav>
  <div id="kg-toolbar"></div>
</header>
<main id="kg-main"></main>
<script type="application/json" id="kg-data">@DATA@</script>
@SCRIPTS@
</body>
</html>
"""
)


def view_page(script: str, data: dict, heading: str, *, network: bool = False) -> str:
    """The HTML page of a view: ``data`` drawn by ``static/<script>`` (with vis-network when ``network``)."""
    scripts = [asset("common.js") + asset("viewnav.js")]
    if network:
        scripts.append(vis_network_js())
    scripts.append(asset(script))
    parts = {
        "@TITLE@": html.escape(heading),
        "@CSS@": asset("graph.css") + asset("views.css"),
        "@DATA@": script_json(data),
        "@SCRIPTS@": "\n".join(f"<script>\n{s}\n</script>" for s in scripts),
    }
    page = fill_template(_PAGE, parts)
    if _REMOTE.search(page):  # pragma: no cover - a guard against future edits
        raise ExportError("the page would reference a remote script or style")
    return page


def links(written: bool) -> dict[str, str] | None:
    """The other views' files, for the pages' navigation when ``kg viz --view all`` writes them side by side."""
    return {name: file for name, (file, _title) in VIEW_FILES.items()} if written else None
