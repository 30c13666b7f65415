"""kg serve's query page in headless Chromium: run an example query, read the table, see a fact's evidence,
draw a CONSTRUCT result as a graph, page through an answer, and show a malformed query's error; nothing is
fetched off the server, nothing is missing (404), and the Content-Security-Policy blocks nothing.

Chromium is Debian's (see tests/test_browser.py); these tests fail, not skip, when it is missing.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Error as PlaywrightError

from kg.serve import create_app
from kg.serve.backend import graph_backend
from kg.serve.server import background_server
from tests.fixtures.golden_corpus import GOLDEN_TRIG

CONSTRUCT = """CONSTRUCT { ?meeting kg:presidedBy ?person . ?person org:holds ?post }
WHERE { ?meeting kg:presidedBy ?person . OPTIONAL { ?person org:holds ?post } }"""


def wait_until(frame, expression: str, timeout: float = 20.0) -> None:  # noqa: ANN001 - a page or a frame
    """Poll ``expression`` until true (not ``wait_for_function``: its polling evaluates strings, which the
    pages' Content-Security-Policy forbids)."""
    deadline = time.monotonic() + timeout
    while not _evaluate(frame, expression):
        assert time.monotonic() < deadline, f"still false after {timeout:g} s: {expression}"
        time.sleep(0.05)


def _evaluate(frame, expression: str) -> object:  # noqa: ANN001 - a page or a frame
    """``expression``'s value, or False while the frame is replacing its document (e.g. a graph being drawn into it)."""
    try:
        return frame.evaluate(expression)
    except PlaywrightError as exc:
        if "Execution context was destroyed" in str(exc):
            return False
        raise


@pytest.fixture(scope="module")
def server() -> str:
    backend = graph_backend(GOLDEN_TRIG, workers=2)
    with background_server(create_app(backend=backend, timeout=60)) as url:
        yield url
    backend.close()


@pytest.fixture
def page(browser, server):
    """The query page, loaded; fails the test on page errors, dialogs and requests off the server."""
    problems: list[str] = []
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    tab.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    tab.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    tab.on("request", lambda req: None if req.url.startswith((server, "data:", "about:")) else problems.append(req.url))
    tab.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status == 404 else None)
    tab.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    tab.goto(server + "/")
    wait_until(tab, "window.kgPage && window.kgPage.ready === true", 20)
    yield tab
    tab.close()
    assert problems == []


def test_run_an_example_and_see_the_table_and_evidence(page):
    assert page.locator("#kg-examples option").count() > 5
    page.select_option("#kg-examples", "presided_meetings")
    assert "presided" in page.locator("#kg-editor").input_value()
    page.click("#kg-run")
    page.wait_for_selector("#kg-table tbody tr")
    headers = page.locator("#kg-table th").all_inner_texts()
    assert headers[:2] == ["name", "meeting"]
    names = page.locator("#kg-table tbody tr td:first-child").all_inner_texts()
    assert sorted(names) == ["Gao Ming", "Huang Mingkai"]
    assert "2 rows" in page.locator("#kg-status").inner_text()
    link = page.locator("#kg-table tbody tr td:nth-child(2) a").first
    assert link.get_attribute("href").startswith("entity/meeting/")
    # the evidence panel: facts about the meeting with the sentences that state them
    page.locator("#kg-table tbody tr td:nth-child(2) .kg-info").first.click()
    page.wait_for_selector("#kg-evidence .kg-sentence")
    sentences = page.locator("#kg-evidence .kg-sentence").all_inner_texts()
    assert any("chaired a symposium" in s or "presided over a meeting" in s for s in sentences)
    # following the link opens the entity page, with its evidence
    link.click()
    page.wait_for_selector("h1")
    assert "Facts and their evidence" in page.content()


def test_construct_is_listed_and_drawn_as_a_graph(page):
    page.fill("#kg-editor", CONSTRUCT)
    page.click("#kg-run")
    page.wait_for_selector("#kg-table tbody tr")
    assert page.locator("#kg-table th").all_inner_texts() == ["subject", "predicate", "object"]
    assert page.locator("#kg-table tbody tr").count() == 4
    page.click("#kg-draw")
    frame = page.frame(name="kg-graph")
    wait_until(frame, "window.kgTimings && window.kgTimings.stabilized !== undefined", 30)
    names = sorted(frame.evaluate("kg.data.nodes.map(n => n.name)"))
    assert "Gao Ming" in names and "Huang Mingkai" in names and len(names) == 6
    assert frame.evaluate("kg.data.edges.filter(e => e.evidence.length > 0).length") == 4
    assert frame.evaluate("Object.keys(kg.network.body.nodes).length") >= 6  # drawn by vis-network


def test_a_malformed_query_shows_the_parser_message(page):
    page.fill("#kg-editor", "SELECT ?x WHERE {\n  ?x ?y\n}")
    page.click("#kg-run")
    page.wait_for_selector("#kg-error:not([hidden])")
    text = page.locator("#kg-error").inner_text()
    assert "line 3" in text or "line 2" in text
    assert "400" in page.locator("#kg-status").inner_text()


NAMES = "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name"


def test_previous_and_next_page_through_an_answer(page):
    page.fill("#kg-page-size", "3")
    page.fill("#kg-editor", NAMES)
    page.click("#kg-run")
    page.wait_for_selector("#kg-table tbody tr")
    first = page.locator("#kg-table tbody td").all_inner_texts()
    assert len(first) == 3 and "rows 1–3 (more follow)" in page.locator("#kg-status").inner_text()
    assert page.locator("#kg-prev").is_disabled() and page.locator("#kg-next").is_enabled()
    page.click("#kg-next")
    wait_until(page, "document.querySelector('#kg-status').textContent.includes('rows 4')")
    last = page.locator("#kg-table tbody td").all_inner_texts()
    assert len(last) == 1 and last[0] not in first
    assert page.locator("#kg-next").is_disabled() and page.locator("#kg-prev").is_enabled()
    page.click("#kg-prev")
    wait_until(page, "document.querySelector('#kg-status').textContent.includes('rows 1–3')")
    assert page.locator("#kg-table tbody td").all_inner_texts() == first
    assert sorted([*first, *last]) == [*first, *last]  # the pages keep the query's order
    page.fill("#kg-page-size", "")  # no page size: the whole answer
    page.click("#kg-run")
    wait_until(page, "document.querySelector('#kg-status').textContent.startsWith('4 rows')")
    assert page.locator("#kg-next").is_disabled()


def test_the_named_query_page_has_previous_and_next_links(browser, server):
    tab = browser.new_page()
    try:
        tab.goto(server + "/queries/presided_meetings?limit=1")
        assert "rows 1–1 (more follow)" in tab.locator(".kg-count").inner_text()
        first = tab.locator("table.kg-results tbody td").first.inner_text()
        tab.locator(".kg-pager a[rel=next]").first.click()
        tab.wait_for_url("**offset=1")
        assert "rows 2–2" in tab.locator(".kg-count").inner_text()
        second = tab.locator("table.kg-results tbody td").first.inner_text()
        assert {first, second} == {"Gao Ming", "Huang Mingkai"}
        assert tab.locator(".kg-pager a[rel=next]").count() == 0
        tab.locator(".kg-pager a[rel=prev]").first.click()
        tab.wait_for_url("**limit=1")
        assert tab.locator("table.kg-results tbody td").first.inner_text() == first
        tab.fill("input[name=limit]", "5")  # the form keeps the page size
        tab.click(".kg-params button")
        tab.wait_for_url("**limit=5")
        assert "2 rows" in tab.locator(".kg-count").inner_text()
    finally:
        tab.close()


@pytest.mark.parametrize("view", ["meetings", "roster", "initiatives", "graph"])
def test_a_served_view_runs_under_the_pages_policy_and_links_to_entity_pages(browser, server, view):
    """kg serve's /viz?view=NAME: the view's inline scripts run (the policy names them), nothing is blocked
    or fetched elsewhere, and the view's navigation and entity links point at the server's own pages."""
    problems: list[str] = []
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    tab.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    tab.on("request", lambda req: None if req.url.startswith((server, "data:", "about:")) else problems.append(req.url))
    tab.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    tab.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    try:
        tab.goto(f"{server}/viz?view={view}")
        if view == "graph":
            wait_until(tab, "window.kg !== undefined && kg.data.nodes.length > 0", 20)
        else:
            wait_until(tab, "document.querySelectorAll('a[href]').length > 0", 20)
            hrefs = tab.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
            assert any(href.startswith("viz?view=") for href in hrefs)
        if view == "roster":  # the golden graph's posts: each holder links to the server's entity page
            wait_until(tab, "document.querySelectorAll('a[href*=\"entity\"]').length > 0", 20)
    finally:
        tab.close()
    assert problems == []
