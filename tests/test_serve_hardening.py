"""kg serve against one client that tries to stall or trick it: a huge query racing a small one, bodies,
URLs and queries past the caps (413/414 in kg's JSON error shape), Host headers of other names (DNS
rebinding: 421), the security headers and the favicon, SPARQLWrapper's default and common formats for
every query form, and a store replaced by a build while it is served (all workers reload it together).
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from kg.serve import create_app
from kg.serve.backend import graph_backend
from kg.serve.guard import Limits, allowed_hosts, page_policy
from kg.serve.server import background_server
from kg.store import replace_folder, temp_folder
from kg.store.oxstore import open_store
from tests.fixtures.golden_corpus import GOLDEN_TRIG
from tests.test_serve import (
    CONSTRUCT_NAMES,
    ERROR_KEYS,
    NAMES,
    PEOPLE,
    SCHEMA,
    SLOW,
    bindings,
    golden_graph,
    kg_serve_command,
)

__all__ = ["golden_graph"]  # a fixture of tests/test_serve.py, used here too
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(golden_graph) -> str:
    """``kg serve`` with a 10-second limit, queries up to 300,000 characters and one more host name."""
    options = ["--timeout", "10", "--max-query-length", "300000", "--allow-host", "kg.example.org"]
    with kg_serve_command("--graph", str(golden_graph), *options) as url:
        yield url


def assert_error(response: httpx.Response | http.client.HTTPResponse, status: int, code: str) -> dict:
    """kg's JSON error shape (not uvicorn's plain text)."""
    if isinstance(response, http.client.HTTPResponse):
        got, body = response.status, response.read()
    else:
        got, body = response.status_code, response.content
    assert got == status, body[:300]
    assert response.headers["content-type"].startswith("application/json"), body[:300]
    error = json.loads(body)
    assert ERROR_KEYS <= set(error) and error["status"] == status and error["error"] == code
    return error


def raw_get(url: str, target: str, host: str | None = None) -> http.client.HTTPResponse:
    """GET ``target`` with http.client (httpx refuses URLs this long before sending them)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request("GET", target, headers={"Host": host} if host else {})
    return connection.getresponse()


# ---------------------------------------------------------------- one client cannot stall the others


def test_a_huge_query_does_not_hold_up_a_small_one(server):
    """A 250 KB query that takes Oxigraph long to parse (13 s for 4,000 branches), and small queries sent
    while it runs: they are answered at once, and the huge one is stopped at the time limit."""
    huge = "SELECT * WHERE { " + " UNION ".join(f'{{ ?s ?p "value number {i}" }}' for i in range(7000)) + " }"
    assert len(huge) > 250_000
    with ThreadPoolExecutor(2) as pool, httpx.Client(base_url=server, timeout=120) as client:
        started = time.monotonic()
        big = pool.submit(lambda: (client.post("/sparql", data={"query": huge}), time.monotonic() - started))
        time.sleep(0.5)  # the huge query is being parsed
        waits = []
        for _ in range(3):
            sent = time.monotonic()
            small = httpx.get(f"{server}/sparql", params={"query": NAMES}, timeout=60)
            waits.append(time.monotonic() - sent)
            assert small.status_code == 200 and bindings(small.json(), "name") == PEOPLE
            assert not big.done(), "the huge query should still be running"
        response, took = big.result()
    # answered while the huge query is parsed, not after it: under a second (a few ms on a quiet
    # machine; the slowest of three may meet a loaded one's hiccup)
    assert sorted(waits)[1] < 1.0 and max(waits) < 3.0, waits
    assert_error(response, 503, "timeout")  # parsing counts against the time limit (10 s here)
    assert took < 60


def test_a_deeply_nested_query_is_answered_and_does_not_end_the_worker(server):
    """Oxigraph's parser recurses: 45,000 nested groups (90,000 characters, under the default cap)
    overflowed a usual 8 MiB thread stack and ended the worker with every request in it."""
    depth = 45_000
    nested = "SELECT (COUNT(*) AS ?n) WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
    filtered = "SELECT ?s WHERE { ?s schema:name ?o FILTER(" + "(" * depth + "?o" + ")" * depth + ") }"
    with httpx.Client(base_url=server, timeout=60) as client:
        total = client.post("/sparql", data={"query": COUNT}, headers={"Accept": "text/csv"}).text.split()[-1]
        answer = client.post("/sparql", data={"query": nested}, headers={"Accept": "text/csv"})
        assert answer.status_code == 200 and answer.text.split()[-1] == total
        answer = client.post("/sparql", data={"query": filtered}, headers={"Accept": "text/csv"})
        assert answer.status_code == 200 and len(answer.text.splitlines()) > 1


# ---------------------------------------------------------------- caps on bodies, URLs and queries


def test_bodies_urls_and_queries_past_the_caps_get_413_and_414():
    backend = graph_backend(GOLDEN_TRIG, workers=1)
    limits = Limits(max_body=20_000, max_query=2_000)
    try:
        with background_server(create_app(backend=backend, limits=limits)) as url:
            long_query = NAMES + " #" + "x" * 2_500
            direct = {"Content-Type": "application/sparql-query"}
            assert_error(httpx.post(f"{url}/sparql", content=long_query, headers=direct), 413, "payload-too-large")
            assert_error(httpx.post(f"{url}/sparql", data={"query": long_query}), 413, "payload-too-large")
            body = assert_error(httpx.get(f"{url}/sparql", params={"query": long_query}), 414, "uri-too-long")
            assert "2,000" in body["message"]
            big = NAMES + " #" + "x" * 30_000
            body = assert_error(httpx.post(f"{url}/sparql", content=big, headers=direct), 413, "payload-too-large")
            assert "20,000" in body["message"]
            chunks = (part.encode() for part in [big[:10_000], big[10_000:]])  # no Content-Length: counted
            assert_error(httpx.post(f"{url}/sparql", content=chunks, headers=direct), 413, "payload-too-large")
            assert_error(raw_get(url, "/sparql?" + urlencode({"query": big})), 414, "uri-too-long")
            assert_error(raw_get(url, "/entity?" + urlencode({"iri": "x" * 30_000})), 414, "uri-too-long")
            ok = httpx.post(f"{url}/sparql", data={"query": NAMES + " #" + "x" * 1_500})  # under the caps
            assert ok.status_code == 200 and bindings(ok.json(), "name") == PEOPLE
    finally:
        backend.close()


def test_the_default_caps_are_a_mebibyte_and_100000_characters(server):
    query = NAMES + " #" + "x" * 299_000  # under this server's --max-query-length 300000
    assert httpx.post(f"{server}/sparql", content=query, headers={"Content-Type": "application/sparql-query"},
                      timeout=60).status_code == 200  # fmt: skip
    huge = "x" * 1_100_000
    response = httpx.post(f"{server}/sparql", data={"query": huge}, timeout=60)
    assert "1,048,576" in assert_error(response, 413, "payload-too-large")["message"]
    assert_error(raw_get(server, "/sparql?query=" + huge), 414, "uri-too-long")
    help_text = subprocess.run([str(Path(sys.executable).parent / "kg"), "serve", "--help"], capture_output=True,
                               text=True, check=True).stdout  # fmt: skip
    assert "--max-body BYTES" in help_text and "1048576" in help_text
    assert "--max-query-length CHARS" in help_text and "100000" in help_text


# ---------------------------------------------------------------- Host checking, headers, favicon


def test_other_host_names_get_421(server):
    port = urlsplit(server).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "kg.example.org"):
        response = httpx.get(f"{server}/sparql", params={"query": "ASK {}"}, headers={"Host": host})
        assert response.status_code == 200, host
    for host in ("attacker.example", f"attacker.example:{port}", "kg.example.org.attacker.example"):
        response = httpx.get(f"{server}/sparql", params={"query": "ASK {}"}, headers={"Host": host})
        assert "kg serve --allow-host" in assert_error(response, 421, "misdirected-request")["message"]
    assert_error(httpx.get(f"{server}/", headers={"Host": "attacker.example"}), 421, "misdirected-request")
    assert allowed_hosts("0.0.0.0") is None and allowed_hosts("127.0.0.1", ["*"]) is None
    assert allowed_hosts("192.168.1.5", ["Kg.Example.org"]) == {"localhost", "127.0.0.1", "::1", "192.168.1.5",
                                                                "kg.example.org"}  # fmt: skip


def test_security_headers_and_favicon(server):
    with httpx.Client(base_url=server, timeout=60) as client:
        for path in ("/sparql?query=ASK%7B%7D", "/static/query.js", "/entity/person/gao-ming", "/healthz"):
            assert client.get(path).headers["x-content-type-options"] == "nosniff", path
        for path in ("/", "/entity/person/gao-ming", "/queries", "/queries/presided_meetings"):
            response = client.get(path, headers={"Accept": "text/html"})
            assert response.headers["content-type"].startswith("text/html")
            policy = response.headers["content-security-policy"]
            assert "default-src 'self'" in policy and "script-src 'self';" in policy and "style-src 'self';" in policy
            assert "<script>" not in response.text and "style=" not in response.text  # nothing inline on kg's pages
        drawn = client.post("/viz", data={"query": CONSTRUCT_NAMES})
        policy = drawn.headers["content-security-policy"]
        hashes = re.findall(r"'sha256-[^']+'", policy)
        assert len(hashes) == 2 and policy == page_policy(drawn.text)  # its two inline scripts, by hash
        assert "unsafe-eval" not in policy and "script-src 'self' 'sha256-" in policy
        icon = client.get("/favicon.ico")
        assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
        assert icon.text.startswith("<svg")
        assert 'rel="icon"' in client.get("/").text


# ---------------------------------------------------------------- SPARQLWrapper, every query form


def _wrapper(url: str, query: str, fmt: str | None) -> SPARQLWrapper:
    sparql = SPARQLWrapper(f"{url}/sparql")
    sparql.setQuery(query)
    if fmt is not None:
        sparql.setReturnFormat(fmt)
    return sparql


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside SPARQLWrapper
@pytest.mark.filterwarnings("ignore:Sending Accept header:RuntimeWarning")  # JSON for CONSTRUCT: Accept */*
def test_sparqlwrapper_every_query_form_with_its_default_and_common_formats(server):
    for fmt in (None, XML, JSON, CSV, TSV):  # None: SPARQLWrapper's default (XML)
        answer = _wrapper(server, NAMES, fmt).query()
        text = answer.response.read().decode("utf-8")
        assert all(name in text for name in PEOPLE), (fmt, text[:200])
    for fmt in (None, XML, JSON):
        converted = _wrapper(server, "ASK { ?m kg:presidedBy ?p }", fmt).queryAndConvert()
        value = converted["boolean"] if isinstance(converted, dict) else converted.getElementsByTagName("boolean")
        assert value is True or value[0].firstChild.data == "true", fmt
    name = URIRef(SCHEMA + "name")
    describe = "DESCRIBE ?p WHERE { ?p a schema:Person }"
    for query in (CONSTRUCT_NAMES, describe):
        for fmt, syntax in ((None, "xml"), (XML, "xml"), (RDFXML, "xml"), (TURTLE, "turtle"), (N3, "turtle"),
                            (JSONLD, None), (JSON, None)):  # fmt: skip
            answer = _wrapper(server, query, fmt).query()
            if syntax is None:
                graph = answer.convert()  # SPARQLWrapper parses JSON-LD into an rdflib graph itself
            else:
                graph = Graph().parse(data=answer.response.read(), format=syntax)
            assert sorted(str(o) for o in graph.objects(None, name)) == PEOPLE, (query, fmt)


# ---------------------------------------------------------------- one snapshot while a build replaces the store


def _store(folder: Path, graph: Path, extra: int) -> int:
    """An Oxigraph store of ``graph`` plus ``extra`` triples in ``folder``; its quad count."""
    store = open_store(folder)
    store.bulk_load(path=str(graph), format=ox.RdfFormat.TRIG)
    for i in range(extra):
        store.add(ox.Quad(ox.NamedNode(f"https://example.org/extra/{i}"), ox.NamedNode(SCHEMA + "name"),
                          ox.Literal(f"extra {i}")))  # fmt: skip
    store.flush()
    count = len(store)
    del store
    return count


def _count(url: str) -> int:
    """The number of triples the endpoint at ``url`` answers."""
    response = httpx.get(f"{url}/sparql", params={"query": COUNT}, headers={"Accept": "text/csv"}, timeout=60)
    assert response.status_code == 200, response.text
    return int(response.text.split()[-1])


def _swap_and_wait(url: str, target: Path, golden_graph: Path) -> tuple[list[int], int]:
    """Swap a store of 3 more triples into ``target`` as ``kg build --store`` does (a new folder, swapped
    in whole); count through ``url`` until the new store answers (30 s at most). (counts seen, new count)"""
    temp = temp_folder(target)
    after = _store(temp / "data", golden_graph, 3)
    replace_folder(temp / "data", target)
    temp.rmdir()
    seen = [_count(url)]
    deadline = time.monotonic() + 30
    while seen[-1] != after and time.monotonic() < deadline:
        time.sleep(0.05)
        seen.append(_count(url))
    return seen, after


def test_a_store_replaced_by_a_build_is_reloaded_by_all_workers_together(golden_graph, tmp_path):
    target = tmp_path / "store"
    before = _store(target, golden_graph, 0)
    with kg_serve_command("--store", f"oxigraph:{target}", "--timeout", "2") as url:
        assert {_count(url) for _ in range(8)} == {before}
        seen, after = _swap_and_wait(url, target, golden_graph)
        assert seen[-1] == after, "the workers did not reload the new store"
        seen += [_count(url) for _ in range(8)]
        assert seen == sorted(seen, key=lambda n: n == after), seen  # the old snapshot, then only the new one
        slow = httpx.get(f"{url}/sparql", params={"query": SLOW}, timeout=60)
        assert slow.status_code == 503  # a worker is replaced after the time-out...
        assert {_count(url) for _ in range(12)} == {after}  # ...and serves the same snapshot as the others


def test_the_library_app_over_a_store_serves_the_store_a_build_swaps_in(golden_graph, tmp_path):
    """create_app(store=...) (the endpoint without kg serve's supervisor) follows a swapped store too."""
    target = tmp_path / "store"
    before = _store(target, golden_graph, 0)
    app = create_app(store=target, timeout=10)
    backend = app.state.kg.backend
    workers = backend.workers
    try:
        with background_server(app) as url:
            assert {_count(url) for _ in range(4)} == {before}
            seen, after = _swap_and_wait(url, target, golden_graph)
            assert seen[-1] == after, "the endpoint kept serving the replaced store"
            assert seen == sorted(seen, key=lambda n: n == after), seen  # the old store, then only the new one
            assert {_count(url) for _ in range(6)} == {after}
            assert backend.workers == workers  # a whole new pool
    finally:
        backend.close()
