"""kg serve against a real server on localhost: SPARQLWrapper, raw HTTP per content type, forms, named graphs,
Update refused, time limit, row cap, pages, malformed queries, 24 concurrent clients, named queries and entities.

Every protocol test runs three times, on the golden fixture (tests/fixtures/golden.trig: invented
people in invented articles): the command `kg serve --graph FILE` (pre-forked HTTP workers, the
graph loaded once in memory), and the app of ``create_app`` with its pool of query workers over
the graph file in memory and over an Oxigraph store folder (spawned workers open it read-only).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.dom import minidom

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from SPARQLWrapper import JSON, JSONLD, POST, TURTLE, XML, SPARQLWrapper

from kg.errors import KgError
from kg.serve import create_app, serve
from kg.serve.backend import Backend, graph_backend, store_backend
from kg.serve.load import run as load_run
from kg.serve.server import background_server
from kg.store.oxstore import load_store, open_store
from tests.fixtures.golden_corpus import GOLDEN_TRIG
from tests.fixtures.lookup_keys import add_keys

ID = "https://w3id.org/kg/id/"
SCHEMA = "https://schema.org/"
PEOPLE = ["Gao Ming", "Huang Mingkai", "Tian Yu", "Wang Wei"]
NAMES = "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name"
CONSTRUCT_NAMES = "CONSTRUCT { ?p schema:name ?name } WHERE { ?p a schema:Person ; schema:name ?name }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ERROR_KEYS = {"error", "status", "message"}


@pytest.fixture(scope="module")
def golden_graph(tmp_path_factory) -> Path:
    """The golden graph as a TriG file, with the lookup keys a build writes beside names and titles."""
    path = tmp_path_factory.mktemp("serve") / "graph.trig"
    store = add_keys(load_store(GOLDEN_TRIG))
    store.dump(output=str(path), format=ox.RdfFormat.TRIG)
    return path


@pytest.fixture(scope="module")
def golden_store(tmp_path_factory, golden_graph) -> Path:
    folder = tmp_path_factory.mktemp("serve") / "store"
    store = open_store(folder)
    store.bulk_load(path=str(golden_graph), format=ox.RdfFormat.TRIG)
    store.flush()
    del store
    return folder


@pytest.fixture(scope="module")
def sources(golden_graph, golden_store) -> dict[str, Path]:
    return {"graph": golden_graph, "store": golden_store}


def _backend(kind: str, sources: dict[str, Path]):  # noqa: ANN202
    """``--graph`` (loaded in memory by a fork server) or ``--store`` (spawned workers), two workers each."""
    if kind == "graph":
        return graph_backend(sources["graph"], workers=2)
    return store_backend(sources["store"], workers=2)


@contextlib.contextmanager
def kg_serve_command(*options: str):  # noqa: ANN201
    """``kg serve OPTIONS`` as a user runs it, on a free port; yields its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kg = Path(sys.executable).parent / "kg"
    process = subprocess.Popen([str(kg), "serve", "--port", str(port), *options], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).text == "ok":
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(60)


@contextlib.contextmanager
def kg_serve(graph: Path, *options: str):  # noqa: ANN201
    """``kg serve --graph GRAPH OPTIONS`` as a user runs it, on a free port; yields its URL."""
    with kg_serve_command("--graph", str(graph), *options) as url:
        yield url


@contextlib.contextmanager
def serving(kind: str, sources: dict[str, Path], timeout: float, max_rows: int):  # noqa: ANN201
    """A server of ``kind`` ("cli", "graph", "store"); yields (URL, the app's backend or None for the command)."""
    if kind == "cli":
        with kg_serve(sources["graph"], "--timeout", str(timeout), "--max-rows", str(max_rows)) as url:
            yield url, None
        return
    backend = _backend(kind, sources)
    try:
        with background_server(create_app(backend=backend, timeout=timeout, max_rows=max_rows)) as url:
            yield url, backend
    finally:
        backend.close()


@pytest.fixture(scope="module", params=["cli", "graph", "store"])
def server(request, sources) -> str:
    with serving(request.param, sources, timeout=60, max_rows=1000) as (url, _):
        yield url


@pytest.fixture(scope="module", params=["cli", "graph", "store"])
def strict_server(request, sources):  # noqa: ANN201
    """A server with a 2-second time limit and a 5-row cap: (its URL, the app's backend or None)."""
    with serving(request.param, sources, timeout=2, max_rows=5) as served:
        yield served


@pytest.fixture
def client(server) -> httpx.Client:
    with httpx.Client(base_url=server, timeout=60) as c:
        yield c


def wrapper(url: str, query: str, fmt: str, method: str | None = None) -> SPARQLWrapper:
    sparql = SPARQLWrapper(f"{url}/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    if method:
        sparql.setMethod(method)
    return sparql


def bindings(body: dict, var: str) -> list[str]:
    return [row[var]["value"] for row in body["results"]["bindings"] if var in row]


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert ERROR_KEYS <= set(body) and body["status"] == status and body["error"] == code
    return body


# ---------------------------------------------------------------- real clients


def test_sparqlwrapper_json_get_and_post(server):
    for method in (None, POST):
        body = wrapper(server, NAMES, JSON, method).queryAndConvert()
        assert body["head"]["vars"] == ["name"]
        assert bindings(body, "name") == PEOPLE


def test_sparqlwrapper_xml(server):
    document = wrapper(server, NAMES, XML).queryAndConvert()
    assert isinstance(document, minidom.Document)
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert literals == PEOPLE
    assert [v.getAttribute("name") for v in document.getElementsByTagName("variable")] == ["name"]


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside SPARQLWrapper
def test_sparqlwrapper_ask_and_construct(server):
    ask = wrapper(server, "ASK { ?m kg:presidedBy ?p }", JSON).queryAndConvert()
    assert ask == {"head": {}, "boolean": True}
    turtle = wrapper(server, CONSTRUCT_NAMES, TURTLE).queryAndConvert()
    graph = Graph().parse(data=turtle, format="turtle")
    assert sorted(str(o) for o in graph.objects(None, URIRef(SCHEMA + "name"))) == PEOPLE
    jsonld = wrapper(server, CONSTRUCT_NAMES, JSONLD).queryAndConvert()  # SPARQLWrapper parses it into a Graph
    assert set(jsonld) == set(graph)


# ---------------------------------------------------------------- formats and negotiation


def test_each_result_set_type(client):
    answers = {}
    for accept in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                   "text/tab-separated-values"):  # fmt: skip
        response = client.get("/sparql", params={"query": NAMES}, headers={"Accept": accept})
        assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
        answers[accept] = response.text
    assert bindings(json.loads(answers["application/sparql-results+json"]), "name") == PEOPLE
    xml = minidom.parseString(answers["application/sparql-results+xml"])
    assert [n.firstChild.data for n in xml.getElementsByTagName("literal")] == PEOPLE
    assert list(csv.reader(io.StringIO(answers["text/csv"]))) == [["name"], *[[p] for p in PEOPLE]]
    assert answers["text/csv"].endswith("\r\n")
    assert answers["text/tab-separated-values"].splitlines() == ["?name", *[f'"{p}"' for p in PEOPLE]]


def test_each_graph_type_gives_the_same_triples(client):
    graphs = []
    for accept, parser in (
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/n-quads", "nquads"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ):
        response = client.post("/sparql", data={"query": CONSTRUCT_NAMES}, headers={"Accept": accept})
        assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
        graphs.append(set(Graph().parse(data=response.text, format=parser)))
    assert all(graph == graphs[0] for graph in graphs)
    assert len(graphs[0]) == len(PEOPLE)
    assert sorted(str(o) for _, _, o in graphs[0]) == PEOPLE


def test_q_values_format_parameter_and_406(client):
    accept = "text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1"
    response = client.get("/sparql", params={"query": NAMES}, headers={"Accept": accept})
    assert response.headers["content-type"].startswith("application/sparql-results+xml")
    response = client.get("/sparql", params={"query": NAMES, "format": "tsv"}, headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    response = client.get("/sparql", params={"query": CONSTRUCT_NAMES}, headers={"Accept": "*/*"})
    assert response.headers["content-type"].startswith("text/turtle")
    assert_error(
        client.get("/sparql", params={"query": NAMES}, headers={"Accept": "text/turtle"}), 406, "not-acceptable"
    )
    assert_error(client.get("/sparql", params={"query": CONSTRUCT_NAMES, "format": "csv"}), 406, "not-acceptable")


def test_get_form_post_and_direct_post_agree(client):
    headers = {"Accept": "application/sparql-results+json"}
    via_get = client.get("/sparql", params={"query": NAMES}, headers=headers).json()
    via_form = client.post("/sparql", data={"query": NAMES}, headers=headers).json()
    direct = client.post(
        "/sparql", content=NAMES.encode(), headers={**headers, "Content-Type": "application/sparql-query"}
    ).json()
    assert via_get == via_form == direct
    assert_error(client.post("/sparql", content=NAMES, headers={"Content-Type": "text/plain"}), 415,
                 "unsupported-media-type")  # fmt: skip
    assert_error(client.get("/sparql"), 400, "bad-request")


def test_named_graphs(client, golden_graph):
    entities = ID + "graph/entities"
    in_entities = str(len(list(load_store(golden_graph).quads_for_pattern(None, None, None, ox.NamedNode(entities)))))
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"

    def ask(query: str, **params) -> list[str]:  # noqa: ANN003
        response = client.get("/sparql", params={"query": query, **params})
        assert response.status_code == 200, response.text
        return bindings(response.json(), response.json()["head"]["vars"][0])

    assert int(in_entities) > 100
    assert ask(count, **{"default-graph-uri": entities}) == [in_entities]
    assert ask(f"SELECT (COUNT(*) AS ?n) FROM <{entities}> WHERE {{ ?s ?p ?o }}") == [in_entities]
    assert ask(graphs, **{"named-graph-uri": entities}) == [entities]
    assert ask(count, **{"named-graph-uri": entities}) == ["0"]  # the default graph is then empty
    all_graphs = ask(graphs)
    assert entities in all_graphs and len(all_graphs) == 31
    via_form = client.post("/sparql", data={"query": count, "default-graph-uri": entities}).json()
    assert bindings(via_form, "n") == [in_entities]
    query = "SELECT ?name WHERE { GRAPH ?a { ?m kg:presidedBy ?p } ?p schema:name ?name } ORDER BY ?name"
    assert ask(query) == ["Gao Ming", "Huang Mingkai"]


# ---------------------------------------------------------------- refusals and limits


def test_update_is_refused_and_nothing_changes(client):
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = client.get("/sparql", params={"query": count}).json()
    update = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    responses = [
        client.get("/sparql", params={"update": update}),
        client.post("/sparql", data={"update": update}),
        client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"}),
        client.post("/sparql", content="DROP ALL", headers={"Content-Type": "application/sparql-query"}),
        client.get("/sparql", params={"query": "DELETE WHERE { ?s ?p ?o }"}),
    ]
    for response in responses:
        body = assert_error(response, 403, "update-refused")
        assert "read-only" in body["message"]
    assert client.get("/sparql", params={"query": count}).json() == before


def test_malformed_query_gives_the_position(client):
    query = "PREFIX ex: <http://example.org/>\nSELECT ?x\nWHRE {\n  ?x ex:p ?y\n}"  # WHERE misspelt on line 3
    body = assert_error(client.get("/sparql", params={"query": query}), 400, "malformed-query")
    assert body["line"] == 3 and body["column"] >= 1
    assert "line 3" in body["message"]
    body = assert_error(client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x nope:p ?y }"}), 400,
                        "malformed-query")  # fmt: skip
    assert "unknown prefix 'nope:'" in body["message"] and body["column"] == 22
    service = "SELECT * WHERE { SERVICE <http://x.org/s> { ?s ?p ?o } }"
    body = assert_error(client.get("/sparql", params={"query": service}), 400, "bad-query")
    assert "SERVICE" in body["message"]


def test_time_limit(strict_server):
    """A query past the limit gets 503; requests running beside it, and the ones after it, are answered."""
    url, backend = strict_server
    with httpx.Client(base_url=url, timeout=60) as client, ThreadPoolExecutor(4) as pool:
        slow = pool.submit(client.get, "/sparql", params={"query": SLOW})
        time.sleep(0.3)

        def names(_: int) -> list[str]:
            with httpx.Client(base_url=url, timeout=60) as other:
                response = other.get("/sparql", params={"query": NAMES})
                assert response.status_code == 200, response.text
                return bindings(response.json(), "name")

        assert list(pool.map(names, range(6))) == [PEOPLE] * 6
        body = assert_error(slow.result(), 503, "timeout")
        assert "time limit" in body["message"]
        assert list(pool.map(names, range(6))) == [PEOPLE] * 6  # and afterwards
    if backend is not None:
        for _ in range(200):  # the killed worker is replaced in the background
            if backend.workers == 2:
                break
            time.sleep(0.05)
        assert backend.workers == 2


def test_row_cap(strict_server):
    url, _ = strict_server
    with httpx.Client(base_url=url, timeout=60) as client:
        response = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o }"})
        assert response.status_code == 200
        assert response.headers["x-kg-truncated"] == "true" and response.headers["x-kg-row-cap"] == "5"
        assert len(response.json()["results"]["bindings"]) == 5
        response = client.get(
            "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "application/n-triples"}
        )
        assert response.headers["x-kg-truncated"] == "true" and len(response.text.splitlines()) == 5
        response = client.get("/sparql", params={"query": NAMES})
        assert "x-kg-truncated" not in response.headers
        # a page larger than the cap is cut at the cap, and the next page starts after it
        response = client.get("/sparql", params={"query": NAMES, "limit": 50}, headers={"Accept": "text/csv"})
        assert response.text.splitlines()[1:] == PEOPLE  # 4 rows: under the cap
        everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
        response = client.get("/sparql", params={"query": everything, "limit": 50, "format": "csv"})
        assert len(response.text.splitlines()) == 6 and response.headers["x-kg-row-cap"] == "5"
        assert 'offset=5>; rel="next"' in response.headers["link"]


# ---------------------------------------------------------------- pages


def _csv_rows(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.text)))[1:]


def test_pages_of_a_named_query_add_up_to_the_whole_answer(client):
    whole = _csv_rows(client.get("/queries/person_meetings", params={"person_name": "Gao Ming", "format": "csv"}))
    assert len(whole) >= 3
    pages, offset, links = [], 0, []
    while True:
        params = {"person_name": "Gao Ming", "format": "csv", "limit": 2, "offset": offset}
        response = client.get("/queries/person_meetings", params=params)
        rows = _csv_rows(response)
        pages.append(rows)
        links.append(response.headers.get("link", ""))
        if response.headers.get("x-kg-truncated") != "true":
            break
        assert len(rows) == 2 and "x-kg-row-cap" not in response.headers
        offset += 2
    assert [row for page in pages for row in page] == whole
    assert len(pages) == (len(whole) + 1) // 2
    assert 'rel="next"' in links[0] and 'rel="prev"' not in links[0]
    assert "offset=2>" in links[0] and "person_name=Gao+Ming" in links[0]
    assert 'rel="prev"' in links[-1] and 'rel="next"' not in links[-1]
    past_the_end = client.get("/queries/person_meetings", params={"person_name": "Gao Ming", "format": "csv",
                                                                  "offset": 1000})  # fmt: skip
    assert _csv_rows(past_the_end) == []


def test_pages_of_a_query_with_a_page_key_keep_its_order(client):
    """presided_meetings declares a page key (windows of meetings by date): one row per page, in order."""
    headers = {"Accept": "application/sparql-results+json"}
    whole = client.get("/queries/presided_meetings", headers=headers).json()["results"]["bindings"]
    pages = [
        client.get("/queries/presided_meetings", params={"limit": 1, "offset": k}, headers=headers).json()
        for k in range(len(whole) + 1)
    ]
    assert [row for page in pages for row in page["results"]["bindings"]] == whole
    assert pages[-1]["head"]["vars"] == ["name", "meeting", "label", "date", "doc", "sentence"]


def test_pages_on_the_protocol_endpoint(client):
    csv_accept = {"Accept": "text/csv"}
    first = client.post("/sparql", params={"limit": 3}, data={"query": NAMES}, headers=csv_accept)
    assert _csv_rows(first) == [[p] for p in PEOPLE[:3]] and first.headers["x-kg-truncated"] == "true"
    second = client.post("/sparql", data={"query": NAMES, "limit": "3", "offset": "3"}, headers=csv_accept)
    assert _csv_rows(second) == [[PEOPLE[3]]] and "x-kg-truncated" not in second.headers
    direct = client.post("/sparql?limit=2&offset=1", content=NAMES.encode(), headers={
        "Content-Type": "application/sparql-query", "Accept": "text/csv"})  # fmt: skip
    assert _csv_rows(direct) == [[p] for p in PEOPLE[1:3]]
    triples = client.get("/sparql", params={"query": CONSTRUCT_NAMES, "limit": 3, "format": "nt"})
    assert len(triples.text.splitlines()) == 3 and triples.headers["x-kg-truncated"] == "true"
    for bad in ({"limit": "0"}, {"limit": "ten"}, {"offset": "-1"}):
        body = assert_error(client.get("/sparql", params={"query": NAMES, **bad}), 400, "bad-request")
        assert next(iter(bad)) in body["message"]


def test_the_html_page_of_a_named_query_has_previous_and_next(client):
    html = {"Accept": "text/html"}
    first = client.get("/queries/presided_meetings", params={"limit": 1}, headers=html)
    assert first.status_code == 200 and "rows 1–1 (more follow)" in first.text
    assert 'rel="next" href="?limit=1&amp;offset=1"' in first.text and 'rel="prev"' not in first.text
    second = client.get("/queries/presided_meetings", params={"limit": 1, "offset": 1}, headers=html)
    assert "rows 2–2" in second.text and "more follow" not in second.text
    assert 'rel="prev" href="?limit=1"' in second.text and 'rel="next"' not in second.text
    names = {page.text.count("Gao Ming") > 0 for page in (first, second)}
    assert names == {True, False}  # one presiding person per page
    default = client.get("/queries/presided_meetings", headers=html)  # 100 rows per page: both rows, no pager
    assert "2 rows" in default.text and "kg-pager" not in default.text


def test_twenty_four_concurrent_clients(server):
    requests = []
    for i in range(24):
        person = PEOPLE[i % len(PEOPLE)]
        query = f'SELECT ?p WHERE {{ ?p schema:name "{person}" }}'
        fmt = ["application/sparql-results+json", "text/csv", "application/sparql-results+xml"][i % 3]
        requests.append((person, query, fmt))
    barrier = threading.Barrier(len(requests))

    def one(item: tuple[str, str, str]) -> tuple[str, str]:
        person, query, accept = item
        with httpx.Client(base_url=server, timeout=120) as c:
            barrier.wait()
            response = c.post("/sparql", data={"query": query}, headers={"Accept": accept})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(accept)
        return person, response.text

    with ThreadPoolExecutor(len(requests)) as pool:
        answers = list(pool.map(one, requests))
    for person, text in answers:
        assert ID + "person/" + person.lower().replace(" ", "-") in text


# ---------------------------------------------------------------- named queries and entities


def test_named_queries(client):
    listed = client.get("/queries").json()
    assert "presided_meetings" in [q["name"] for q in listed]
    response = client.get("/queries/person_meetings", params={"person_name": "Gao Ming", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and {row["name"] for row in rows} == {"Gao Ming"}
    assert {row["role"] for row in rows} == {"presided", "spoke", "attended"}
    response = client.get("/queries/presided_meetings", headers={"Accept": "application/sparql-results+json"})
    assert sorted(bindings(response.json(), "name")) == ["Gao Ming", "Huang Mingkai"]
    page = client.get("/queries/person_meetings", params={"person_name": "Tian Yu"}, headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html") and "Tian Yu" in page.text
    assert_error(client.get("/queries/nope"), 404, "unknown-query")
    assert_error(client.get("/queries/presided_meetings", params={"nope": "1"}), 400, "bad-query")


def test_entity_pages_negotiate(client):
    html = client.get("/entity/person/gao-ming", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert html.headers["content-type"].startswith("text/html")
    assert "presided over a meeting of the Standing Committee" in html.text and "<h1>Gao Ming</h1>" in html.text
    turtle = client.get("/entity/person/gao-ming", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert (URIRef(ID + "person/gao-ming"), URIRef(SCHEMA + "name"), Literal("Gao Ming")) in graph
    assert client.get("/entity/person/gao-ming").headers["content-type"].startswith("text/turtle")
    facts = client.get("/entity/person/gao-ming", params={"format": "json"}).json()
    presided = [f for f in facts["facts"] if f["kind"] == "presided"]
    assert presided and presided[0]["evidence"]["sentence"].startswith("Shenyang, February 17")
    assert presided[0]["evidence"]["start"] is not None
    assertion = client.get(presided[0]["graph"].replace(ID, "/entity/"), params={"format": "json"}).json()
    assert assertion["facts"][0]["evidence"] == presided[0]["evidence"]
    other = client.get(
        "/entity", params={"iri": "https://w3id.org/kg/ontology#Assertion"}, headers={"Accept": "text/html"}
    )
    assert other.status_code == 200
    assert_error(client.get("/entity/person/nobody-at-all"), 404, "not-found")


def test_query_page_and_assets_are_offline(client):
    page = client.get("/")
    assert page.status_code == 200 and 'id="kg-editor"' in page.text
    for path in ("/", "/static/query.js", "/static/query.css"):
        text = client.get(path).text
        assert "//" not in "".join(line for line in text.splitlines() if "src=" in line or "href=" in line)
    viz = client.post("/viz", data={"query": "CONSTRUCT { ?m kg:presidedBy ?p } WHERE { ?m kg:presidedBy ?p }"})
    assert viz.status_code == 200 and "vis-network" in viz.text and "Gao Ming" in viz.text
    info = client.get("/api/info").json()
    assert info["prefixes"]["kg"] == "https://w3id.org/kg/ontology#" and info["queries"]
    assert client.get("/healthz").text == "ok"


def test_both_backends_answer_alike(sources):
    queries = ["presided_meetings", "person_meetings", "post_holders_as_of", "fact_evidence"]
    answers = {}
    for kind in ("graph", "store"):
        backend = _backend(kind, sources)
        with background_server(create_app(backend=backend)) as url, httpx.Client(base_url=url, timeout=60) as c:
            answers[kind] = [
                sorted(c.get(f"/queries/{name}", params={"format": "csv"}).text.splitlines()) for name in queries
            ]
            answers[kind].append(c.get("/entity/person/gao-ming", params={"format": "json"}).json())
        backend.close()
    assert answers["graph"] == answers["store"]


def test_the_load_generator_checks_every_answer(server):
    report = load_run(server, clients=3, seconds=0.5, query="person_meetings", params={"person_name": "Gao Ming"})
    assert report.requests >= 3 and report.errors == 0 and report.clients == 3
    sparql = load_run(server + "/sparql", clients=2, seconds=0.3, query="presided_meetings")
    assert sparql.requests >= 2 and sparql.errors == 0


class _StubBackend(Backend):
    description = "stub"

    async def run(self, job, timeout):  # noqa: ANN001, ANN201, D102
        return "json", b'{"head":{},"boolean":true}', False


def test_cors_is_opt_in():
    headers = {"Origin": "https://example.org"}
    with background_server(create_app(backend=_StubBackend(), cors=True)) as url:
        response = httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, headers=headers)
        assert response.json() == {"head": {}, "boolean": True}
        assert response.headers["access-control-allow-origin"] == "*"
    with background_server(create_app(backend=_StubBackend())) as url:
        assert "access-control-allow-origin" not in httpx.get(f"{url}/healthz", headers=headers).headers


def test_serve_runs_until_interrupted_and_reports_a_taken_port(golden_graph):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(KgError, match="cannot listen on 127.0.0.1"):
            serve(graph=golden_graph, store=None, port=taken.getsockname()[1])
        port = taken.getsockname()[1]
    kg = Path(sys.executable).parent / "kg"  # the installed command, as a user runs it
    command = [str(kg), "serve", "--graph", str(golden_graph), "--port", str(port)]
    process = subprocess.Popen(
        command,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a background shell job ignores Ctrl-C
    )
    try:
        for _ in range(600):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).text == "ok":
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        response = httpx.get(f"http://127.0.0.1:{port}/queries/presided_meetings", params={"format": "csv"})
        assert response.status_code == 200 and "Gao Ming" in response.text
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    # a graceful shutdown: the answers in progress are finished, then exit code 130 without a traceback
    assert process.returncode == 130, stderr
    assert "kg serve:" in stderr and "(in memory, " in stderr and "Finished server process" in stderr
    assert "Traceback" not in stderr and stderr.rstrip().endswith("kg: interrupted")


def test_a_graph_or_store_that_cannot_be_served_is_one_clear_error(tmp_path):
    bad = tmp_path / "bad.trig"
    bad.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n<http://x> oops .\n")
    with pytest.raises(KgError, match=r"bad\.trig: line 2"):
        create_app(graph=bad)
    with pytest.raises(KgError, match="missing.trig: no such file"):
        create_app(graph=tmp_path / "missing.trig")
    (tmp_path / "folder").mkdir()
    with pytest.raises(KgError, match="folder: not an Oxigraph store"):
        create_app(store=tmp_path / "folder")
