"""kg serve against a real server on localhost: SPARQLWrapper, raw HTTP per content type, forms, named graphs,
Update refused, time limit, row cap, malformed queries, 24 concurrent clients, named queries and entity pages.

Every protocol test runs twice: on the in-memory rdflib backend and on an Oxigraph store, both built
from the golden fixture (tests/fixtures/golden.trig: invented people in invented articles).
"""

from __future__ import annotations

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
import pytest
from rdflib import Graph, Literal, URIRef
from SPARQLWrapper import JSON, JSONLD, POST, TURTLE, XML, SPARQLWrapper

from kg.errors import KgError
from kg.oxstore import load_dataset, open_store
from kg.query import QueryResult
from kg.serve import create_app, serve
from kg.serve.backend import Backend, RdflibBackend
from kg.serve.load import run as load_run
from kg.serve.oxbackend import OxigraphBackend
from kg.serve.server import background_server
from kg.store import load_graph
from tests.fixtures.golden_corpus import GOLDEN_TRIG

ID = "https://w3id.org/kg/id/"
SCHEMA = "https://schema.org/"
PEOPLE = ["Gao Ming", "Huang Mingkai", "Tian Yu", "Wang Wei"]
NAMES = "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name"
CONSTRUCT_NAMES = "CONSTRUCT { ?p schema:name ?name } WHERE { ?p a schema:Person ; schema:name ?name }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ERROR_KEYS = {"error", "status", "message"}


@pytest.fixture(scope="module")
def golden_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("serve") / "store"
    store = open_store(folder)
    load_dataset(store, load_graph(GOLDEN_TRIG))
    store.flush()
    del store
    return folder


def _backend(kind: str, store: Path):  # noqa: ANN202
    return RdflibBackend.from_file(GOLDEN_TRIG) if kind == "rdflib" else OxigraphBackend(store, workers=2)


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def server(request, golden_store) -> str:
    backend = _backend(request.param, golden_store)
    with background_server(create_app(backend=backend, timeout=60, max_rows=1000)) as url:
        yield url
    backend.close()


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def strict_server(request, golden_store) -> str:
    """A server with a 2-second time limit and a 5-row cap."""
    backend = _backend(request.param, golden_store)
    with background_server(create_app(backend=backend, timeout=2, max_rows=5)) as url:
        yield url
    backend.close()


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
        ("application/ld+json", "json-ld"),
    ):
        response = client.post("/sparql", data={"query": CONSTRUCT_NAMES}, headers={"Accept": accept})
        assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
        graphs.append(set(Graph().parse(data=response.text, format=parser)))
    assert graphs[0] == graphs[1] == graphs[2]
    assert len(graphs[0]) == len(PEOPLE)


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


def test_named_graphs(client):
    entities = ID + "graph/entities"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"

    def ask(query: str, **params) -> list[str]:  # noqa: ANN003
        response = client.get("/sparql", params={"query": query, **params})
        assert response.status_code == 200, response.text
        return bindings(response.json(), response.json()["head"]["vars"][0])

    assert ask(count, **{"default-graph-uri": entities}) == ["132"]
    assert ask(f"SELECT (COUNT(*) AS ?n) FROM <{entities}> WHERE {{ ?s ?p ?o }}") == ["132"]
    assert ask(graphs, **{"named-graph-uri": entities}) == [entities]
    assert ask(count, **{"named-graph-uri": entities}) == ["0"]  # the default graph is then empty
    all_graphs = ask(graphs)
    assert entities in all_graphs and len(all_graphs) == 31
    via_form = client.post("/sparql", data={"query": count, "default-graph-uri": entities}).json()
    assert bindings(via_form, "n") == ["132"]
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
    query = "PREFIX ex: <http://example.org/>\nSELECT ?x WHERE {\n  ?x ex:p ?y ?z\n}"
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
    with httpx.Client(base_url=strict_server, timeout=60) as client:
        body = assert_error(client.get("/sparql", params={"query": SLOW}), 503, "timeout")
        assert "time limit" in body["message"]
        response = client.get("/sparql", params={"query": NAMES})  # the server still answers afterwards
        assert response.status_code == 200


def test_row_cap(strict_server):
    with httpx.Client(base_url=strict_server, timeout=60) as client:
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


def test_both_backends_answer_alike(golden_store):
    queries = ["presided_meetings", "person_meetings", "post_holders_as_of", "fact_evidence"]
    answers = {}
    for kind in ("rdflib", "oxigraph"):
        backend = _backend(kind, golden_store)
        with background_server(create_app(backend=backend)) as url, httpx.Client(base_url=url, timeout=60) as c:
            answers[kind] = [
                sorted(c.get(f"/queries/{name}", params={"format": "csv"}).text.splitlines()) for name in queries
            ]
            answers[kind].append(c.get("/entity/person/gao-ming", params={"format": "json"}).json())
        backend.close()
    assert answers["rdflib"] == answers["oxigraph"]


def test_the_load_generator_checks_every_answer(server):
    report = load_run(server, clients=3, seconds=0.5, query="person_meetings", params={"person_name": "Gao Ming"})
    assert report.requests >= 3 and report.errors == 0 and report.clients == 3
    sparql = load_run(server + "/sparql", clients=2, seconds=0.3, query="presided_meetings")
    assert sparql.requests >= 2 and sparql.errors == 0


class _StubBackend(Backend):
    description = "stub"

    def query(self, sparql, **options):  # noqa: ANN001, ANN003, D102
        return QueryResult("ask", boolean=True)


def test_cors_is_opt_in():
    headers = {"Origin": "https://example.org"}
    with background_server(create_app(backend=_StubBackend(), cors=True)) as url:
        response = httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, headers=headers)
        assert response.json() == {"head": {}, "boolean": True}
        assert response.headers["access-control-allow-origin"] == "*"
    with background_server(create_app(backend=_StubBackend())) as url:
        assert "access-control-allow-origin" not in httpx.get(f"{url}/healthz", headers=headers).headers


def test_serve_runs_until_interrupted_and_reports_a_taken_port(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(KgError, match="cannot listen on 127.0.0.1"):
            serve(graph=GOLDEN_TRIG, store=None, port=taken.getsockname()[1])
        port = taken.getsockname()[1]
    kg = Path(sys.executable).parent / "kg"  # the installed command, as a user runs it
    command = [str(kg), "serve", "--graph", str(GOLDEN_TRIG), "--port", str(port)]
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
    assert "kg serve:" in stderr and "(rdflib, " in stderr and "Finished server process" in stderr
    assert "Traceback" not in stderr and stderr.rstrip().endswith("kg: interrupted")
