"""kg serve's query page in headless Chromium: run an example query, read the table, see a fact's evidence,
draw a CONSTRUCT result as a graph, and show a malformed query's error; nothing is fetched off the server.

Chromium is Debian's (see tests/test_browser.py); these tests fail, not skip, when it is missing.
"""

from __future__ import annotations

import pytest

from kg.serve import create_app
from kg.serve.backend import RdflibBackend
from kg.serve.server import background_server
from tests.fixtures.golden_corpus import GOLDEN_TRIG

CONSTRUCT = """CONSTRUCT { ?meeting kg:presidedBy ?person . ?person org:holds ?post }
WHERE { ?meeting kg:presidedBy ?person . OPTIONAL { ?person org:holds ?post } }"""


@pytest.fixture(scope="module")
def server() -> str:
    backend = RdflibBackend.from_file(GOLDEN_TRIG)
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
    tab.goto(server + "/")
    tab.wait_for_function("window.kgPage && window.kgPage.ready === true", timeout=20_000)
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
    frame.wait_for_function("window.kgTimings && window.kgTimings.stabilized !== undefined", timeout=30_000)
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
