"""The analyst's views in headless Chromium, on the build of 150 synthetic articles: the overview's
labels, a community folding and unfolding, who met whom, a roster, the initiative map.

Same browser as tests/test_browser.py (Debian's chromium through playwright; the tests fail when it
is missing); every page is opened from disk and must make no request and raise no error. The
screenshots go to docs/screenshots only when KG_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.test_browser import open_page, screenshots  # noqa: F401 - fixtures

SYN_SEED = 7


@pytest.fixture(scope="module")
def syn_views(tmp_path_factory):
    """150 synthetic articles built, their four views written side by side: (folder, planted facts)."""
    from kg.build import build
    from kg.synthetic import generate_corpus, write_corpus
    from kg.viz import write_view

    docs = tmp_path_factory.mktemp("syn150-docs")
    write_corpus(docs, 150, seed=SYN_SEED)
    out = tmp_path_factory.mktemp("syn150-out")
    build([docs], out)
    write_view(graph=out / "graph.trig", view="all")
    return out, generate_corpus(150, seed=SYN_SEED).facts


def _ready(page) -> None:
    page.wait_for_function("window.kgTimings && window.kgTimings.overview !== undefined", timeout=20_000)


def test_overview_labels_the_most_connected_entities(open_page, syn_views, screenshots):  # noqa: F811
    out, _facts = syn_views
    page = open_page(out / "graph.html")
    _ready(page)
    data = page.evaluate("kg.data")
    entities = len(data["nodes"])
    assert entities > 300 and data["overview"]["top"] == 150
    assert page.inner_text("#kg-banner").startswith(f"Showing the 150 most connected of {entities:,} entities")
    top = sorted(data["nodes"], key=lambda n: -n["degree"])[:10]
    scale = page.evaluate("kg.network.getScale()")
    for node in top:
        assert node["top"]
        assert page.evaluate("id => kg.network.findNode(id).length", node["id"]) == 1  # drawn, not folded
        assert node["fontSize"] * scale >= 3  # vis-network draws labels from 3 px (drawThreshold)
    drawn = page.evaluate("kg.network.body.nodeIndices.length")
    assert drawn < entities  # the rest is folded
    page.screenshot(path=str(screenshots / "overview.png"))


def test_a_community_folds_and_unfolds(open_page, syn_views):  # noqa: F811
    out, _facts = syn_views
    page = open_page(out / "graph.html")
    _ready(page)
    member = page.evaluate("kg.data.overview.communities[0].members[0]")
    rest = page.evaluate("kg.data.overview.communities[0].members.find(id => !kg.byId[id].top)")
    assert page.evaluate("id => kg.network.findNode(id)", rest)[0] == "kg-rest-0"
    page.click('.kg-community[data-community="0"]')
    assert page.evaluate("kg.network.isCluster('kg-all-0')")
    assert page.evaluate("id => kg.network.findNode(id)", member)[0] == "kg-all-0"
    assert page.get_attribute('.kg-community[data-community="0"]', "data-state") == "folded"
    # click the folded community on the canvas: it unfolds
    point = page.evaluate("kg.network.canvasToDOM(kg.network.getPosition('kg-all-0'))")
    box = page.locator("#kg-graph canvas").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    assert not page.evaluate("kg.network.isCluster('kg-all-0')")
    assert page.evaluate("id => kg.network.findNode(id).length", member) == 1
    # the rest of it is one node again, and searching one of its members unfolds it
    assert page.evaluate("kg.network.isCluster('kg-rest-0')")
    page.fill("#kg-search", page.evaluate("id => kg.byId[id].name", rest))
    page.press("#kg-search", "Enter")
    assert page.evaluate("id => kg.network.findNode(id).length", rest) == 1
    assert page.get_attribute("#kg-panel", "data-id") == rest


def test_who_met_whom_lists_a_pair_the_text_states(open_page, syn_views, screenshots):  # noqa: F811
    out, facts = syn_views
    doc = next(f.doc_id for f in facts if f.kind == "presided")  # the first article naming who presided
    presided = next(f.object for f in facts if f.doc_id == doc and f.kind == "presided")
    attended = next(f.object for f in facts if f.doc_id == doc and f.kind == "attended")
    page = open_page(out / "meetings.html", ready=False)
    page.wait_for_function("window.kgTimings && window.kgTimings.ready !== undefined")
    page.fill("#kg-filter", presided)
    rows = page.locator("tr.kg-pair:visible")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    pair = next(t for t in texts if attended in t)
    assert presided in pair
    index = next(i for i in range(rows.count()) if attended in texts[i])
    rows.nth(index).click()
    panel = page.inner_text("#kg-pair-panel")
    assert presided in panel and attended in panel and "presided" in panel
    assert f"{presided}, " in panel or f" {presided} " in panel  # a sentence naming them
    page.fill("#kg-filter", "")
    page.screenshot(path=str(screenshots / "meetings.png"))


def test_the_person_panel_links_to_who_met_whom(open_page, syn_views):  # noqa: F811
    out, _facts = syn_views
    page = open_page(out / "graph-view.html")  # kg viz --view all: linked to the other views
    _ready(page)
    person = page.evaluate("kg.data.nodes.find(n => n.kind === 'person' && n.top).id")
    page.evaluate("id => kg.focusNode(id)", person)
    assert page.text_content("#kg-panel h3.kg-met").startswith("Met at meetings")
    assert page.locator("#kg-panel .kg-met-list li").count() > 0
    href = page.get_attribute("#kg-panel a.kg-view-link", "href")
    assert href.startswith("meetings.html#person=")
    page.click("#kg-panel a.kg-view-link")
    page.wait_for_function("window.kgTimings && window.kgTimings.ready !== undefined")
    name = page.evaluate("id => kg.data.people.find(p => p.id === id).name", person)
    assert page.input_value("#kg-filter") == name


def test_the_roster_shows_an_appointment_in_order(open_page, syn_views, screenshots):  # noqa: F811
    out, facts = syn_views
    appointed = next(f for f in facts if f.kind == "appointed")  # object: "Vice Governor of the X ... Government"
    org = appointed.object.split(" of the ", 1)[1]
    page = open_page(out / "roster.html", ready=False)
    names = page.evaluate("kg.data.orgs.map(o => o.name)")
    page.select_option("#kg-org", value=str(names.index(org)))

    def events() -> list[tuple[str, str, str]]:
        rows = page.locator("#kg-events tr.kg-event")
        return [
            (rows.nth(i).locator("td").first.inner_text()[:10], rows.nth(i).get_attribute("data-status"),
             rows.nth(i).inner_text())
            for i in range(rows.count())
        ]  # fmt: skip

    listed = events()
    assert [d for d, _s, _t in listed] == sorted(d for d, _s, _t in listed)
    day = next(d for d, status, text in listed if status == "appointed" and appointed.subject in text)
    assert appointed.subject in page.inner_text("#kg-holders")
    before = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
    page.fill("#kg-as-of", before)
    page.dispatch_event("#kg-as-of", "change")
    assert f"as of {before}" in page.inner_text("#kg-main")
    assert not [t for _d, status, t in events() if status == "appointed" and appointed.subject in t]
    assert all(d <= before for d, _s, _t in events())
    page.fill("#kg-as-of", day)
    page.dispatch_event("#kg-as-of", "change")
    page.screenshot(path=str(screenshots / "roster.png"))


def test_the_initiative_map_shows_where_and_when(open_page, syn_views, screenshots):  # noqa: F811
    out, _facts = syn_views
    page = open_page(out / "initiatives.html", ready=False)
    top = page.evaluate("kg.data.initiatives[0]")
    page.select_option("#kg-initiative", value="0")
    cell = page.locator("#kg-heat td.kg-cell:not(:empty)").first
    region, period, count = cell.get_attribute("data-region"), cell.get_attribute("data-period"), cell.inner_text()
    items = top["cells"][region][period]
    assert int(count) == len({i["doc"] for i in items})
    cell.click()
    panel = page.inner_text("#kg-panel")
    assert items[0]["sentence"] in panel
    page.select_option("#kg-initiative", value="all")
    page.screenshot(path=str(screenshots / "initiatives.png"))
