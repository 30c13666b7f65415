"""The pages in headless Chromium, opened from disk: drawing, search, filters, evidence, the timeline.

Chromium is Debian's (``apt-get install chromium``; .ci/run installs it), driven by playwright
without ``playwright install``. These tests fail, not skip, when it is missing. They also take the
screenshots graph.png and timeline.png: into a temporary folder, or over docs/screenshots (the
README's pictures) when the environment variable ``KG_UPDATE_SCREENSHOTS`` is 1.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from kg.viz import render_html, render_timeline
from tests.viz_helpers import as_store

DOCS_SCREENSHOTS = Path(__file__).parents[1] / "docs" / "screenshots"
VIEWPORT = {"width": 1200, "height": 800}
EVIL = "<script>alert(1)</script>"


@pytest.fixture
def screenshots(tmp_path) -> Path:
    """Where the screenshots go: docs/screenshots only when KG_UPDATE_SCREENSHOTS=1 asks for it."""
    folder = DOCS_SCREENSHOTS if os.environ.get("KG_UPDATE_SCREENSHOTS") == "1" else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def open_page(browser):
    """Open a file in a new page; fail on page errors, on dialogs and on any request off the disk."""
    pages, problems = [], []

    def opener(path: Path, *, ready: bool = True):
        page = browser.new_page(viewport=VIEWPORT)
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        page.on("request", lambda req: None if req.url.startswith(("file:", "data:")) else problems.append(req.url))
        page.goto(path.as_uri())
        if ready:
            page.wait_for_function("window.kgTimings && window.kgTimings.stabilized !== undefined", timeout=20_000)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()
    assert problems == []


def click_at(page, canvas_point: dict) -> None:
    """Click the graph canvas at a point given in the network's coordinates."""
    page.evaluate("p => kg.network.moveTo({position: p, scale: 1.5})", canvas_point)
    box = page.locator("#kg-graph canvas").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def visible_ids(page) -> set[str]:
    return set(page.evaluate("kg.nodes.get({filter: n => !n.hidden}).map(n => n.id)"))


@pytest.fixture(scope="module")
def seeds_page_path(seeds_build):
    _summary, out = seeds_build
    return out / "graph.html"


def test_the_built_page_has_no_remote_references(seeds_page_path):
    page = seeds_page_path.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"\b(src|href)\s*=\s*[\"']?https?:", page, re.I)


def test_seeds_graph_renders_searches_filters_and_shows_evidence(open_page, seeds_page_path, screenshots):
    page = open_page(seeds_page_path)
    data = page.evaluate("kg.data")
    n_nodes, n_edges = len(data["nodes"]), len(data["edges"])
    assert n_nodes > 20 and n_edges > 20
    assert page.evaluate("kg.nodes.length") == n_nodes
    assert page.evaluate("Object.keys(kg.network.body.nodes).length") >= n_nodes  # drawn by vis-network
    # the canvas is painted: not a blank image
    painted = page.evaluate(
        """() => { const c = document.querySelector('#kg-graph canvas'); const d = c.getContext('2d')
                 .getImageData(0, 0, c.width, c.height).data; let n = 0;
                 for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++;
                 return n; }"""
    )
    assert painted > 2000
    assert page.locator("#kg-kinds label").count() == 6
    assert f"Showing {n_nodes} of {n_nodes} nodes" in page.inner_text("#kg-status")

    # search: type a person's name (the most connected one), press Enter -> selected, centred, shown
    people = sorted((n for n in data["nodes"] if n["kind"] == "person"), key=lambda n: (-n["degree"], n["name"]))
    person = people[0]
    page.fill("#kg-search", person["name"].lower()[: max(4, len(person["name"]) - 2)])
    page.press("#kg-search", "Enter")
    assert page.evaluate("kg.network.getSelectedNodes()") == [person["id"]]
    page.wait_for_function(  # the view glides to the node and centres it
        """id => { const c = kg.network.getViewPosition(), p = kg.network.getPosition(id);
                   return Math.abs(c.x - p.x) < 2 && Math.abs(c.y - p.y) < 2; }""",
        arg=person["id"],
        timeout=5_000,
    )
    assert page.inner_text("#kg-panel h2") == person["name"]

    # filter by kind: hide people
    page.uncheck("#kg-kind-person")
    person_ids = {n["id"] for n in data["nodes"] if n["kind"] == "person"}
    assert visible_ids(page) == {n["id"] for n in data["nodes"]} - person_ids
    assert page.evaluate("kg.edges.get({filter: e => !e.hidden}).length") == sum(
        1 for e in data["edges"] if e["from"] not in person_ids and e["to"] not in person_ids
    )
    # and by region, on top of it
    region = data["regions"][0]
    page.select_option("#kg-region", region)
    assert visible_ids(page) == {n["id"] for n in data["nodes"] if region in n["regions"]} - person_ids
    page.click("#kg-reset")
    assert len(visible_ids(page)) == n_nodes
    # by date: only what was reported on the first date (plus undated places/organizations next to it)
    first = data["dateRange"][0]
    page.fill("#kg-from", first)
    page.fill("#kg-to", first)
    page.dispatch_event("#kg-to", "change")
    shown = visible_ids(page)
    assert 0 < len(shown) < n_nodes
    assert all(first in n["dates"] for n in data["nodes"] if n["id"] in shown and n["dates"])
    assert all(n["id"] not in shown for n in data["nodes"] if n["dates"] and first not in n["dates"])
    page.click("#kg-reset")
    assert len(visible_ids(page)) == n_nodes

    # evidence: clicking a node shows its sentences with document and date
    click_at(page, page.evaluate("id => kg.network.getPosition(id)", person["id"]))
    assert page.evaluate("kg.network.getSelectedNodes()") == [person["id"]]
    panel = page.inner_text("#kg-panel")
    stated = [e for e in data["edges"] if person["id"] in (e["from"], e["to"]) and e["evidence"]]
    assert stated and stated[0]["evidence"][0]["sentence"] in panel
    assert stated[0]["evidence"][0]["doc"] in panel

    # clicking an edge shows every sentence that states it
    candidates = sorted((e for e in data["edges"] if e["evidence"]), key=lambda e: (-len(e["evidence"]), e["id"]))
    for edge in candidates[:10]:  # the first whose middle is not covered by a node
        middle = page.evaluate("id => kg.network.body.edges[id].edgeType.getPoint(0.5)", edge["id"])
        click_at(page, middle)
        if page.evaluate("kg.network.getSelectedEdges()") == [edge["id"]]:
            break
    assert page.evaluate("kg.network.getSelectedEdges()") == [edge["id"]]
    assert page.get_attribute("#kg-panel", "data-shows") == "edge"
    panel = page.inner_text("#kg-panel")
    for ev in edge["evidence"]:
        assert ev["sentence"] in panel and ev["doc"] in panel
        if ev["date"]:
            assert ev["date"] in panel

    # the screenshot for docs/: the graph with a person's evidence open
    page.evaluate("id => kg.focusNode(id)", person["id"])
    page.evaluate("kg.network.fit()")
    page.wait_for_timeout(500)
    page.screenshot(path=str(screenshots / "graph.png"))
    assert (screenshots / "graph.png").stat().st_size > 10_000


def test_names_with_markup_render_as_text(open_page, tmp_path, make_ds):
    path = render_html(as_store(make_ds(person_name=EVIL)), tmp_path / "evil.html", heading=EVIL)
    page = open_page(path)  # a dialog (alert) would fail the test
    assert page.title() == EVIL
    assert page.locator("#kg-panel script").count() == 0
    node = page.evaluate("kg.data.nodes.find(n => n.kind === 'person').id")
    page.evaluate("id => kg.focusNode(id)", node)
    assert page.inner_text("#kg-panel h2") == EVIL
    assert page.evaluate("document.querySelectorAll('script').length") == 3  # data, vis-network, the page's


def test_timeline_renders_and_shows_evidence(open_page, seeds_build, tmp_path, screenshots):
    from kg.store.oxstore import load_store

    _summary, out = seeds_build
    path = render_timeline(load_store(out / "graph.trig"), tmp_path / "timeline.html", heading="kg timeline: seeds")
    page = open_page(path, ready=False)
    items = page.evaluate("kgTimeline.items")
    assert items and page.locator("g.tl-item").count() > 0
    assert page.locator(".tl-section").count() >= 2
    first = page.locator("g.tl-item").first
    first.click()
    indexes = [int(i) for i in page.get_attribute("#tl-panel", "data-shows").split()]
    panel = page.inner_text("#tl-panel")
    for ev in items[indexes[0]]["evidence"]:
        assert ev["sentence"] in panel
    page.fill("#tl-filter", items[indexes[0]]["person"])
    rows = page.locator(".tl-row[data-search]")
    shown = [rows.nth(i).is_visible() for i in range(rows.count())]
    assert any(shown) and not all(shown)
    page.fill("#tl-filter", "")
    page.click("#tl-panel .tl-close")
    page.screenshot(path=str(screenshots / "timeline.png"))
    assert (screenshots / "timeline.png").stat().st_size > 10_000


def test_a_cut_down_graph_says_what_was_left_out(open_page, tmp_path):
    from kg.viz.bench import synthetic_graph
    from kg.viz.page import render_graph

    graph = synthetic_graph(60)
    path = render_graph(graph, tmp_path / "big.html", heading="big", max_nodes=20)
    page = open_page(path)
    assert page.evaluate("kg.nodes.length") == 20
    note = page.inner_text("#kg-note")
    assert "shows the 20 most connected of 60 nodes" in note and "--focus" in note
    assert page.is_visible("#kg-omitted")
    left_out = page.evaluate("kg.data.omitted.names")
    assert len(left_out) == 40
    page.fill("#kg-search", left_out[0]["name"])
    page.press("#kg-search", "Enter")
    assert "was left out of this view" in page.inner_text("#kg-message")
