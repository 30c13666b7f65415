"""kg.query.remote: kg's queries on a real ``oxigraph serve`` give the rows kg's own engine gives on the same graph."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest

from kg.build.distributed import free_port, load_shards, oxigraph_server, write_shards
from kg.errors import EndpointError, QueryError, QueryTimeout, UnknownQuery, UpdateRefused
from kg.extract import extract_documents
from kg.query import format_result, list_queries, resolve_query, run_query
from kg.query.remote import prepare_remote, query_endpoint, query_remote
from kg.rdf.dataset import corpus_to_dataset
from kg.resolve import resolve
from kg.store.oxstore import load_dataset, open_store
from kg.synthetic import generate
from tests.fixtures.lookup_keys import add_keys

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NAMES = [info.name for info in list_queries()]


@pytest.fixture(scope="module")
def corpus():
    return resolve(extract_documents(generate(4, seed=11)))  # invented people


@pytest.fixture(scope="module")
def dataset(corpus):
    """The corpus in an in-memory Oxigraph store (kg's engine), with its lookup keys."""
    store = ox.Store()
    load_dataset(store, corpus_to_dataset(corpus))
    return add_keys(store)


@pytest.fixture(scope="module")
def endpoint(corpus, tmp_path_factory):
    """The corpus as shards, bulk-loaded into an Oxigraph store, served on a free local port."""
    folder = tmp_path_factory.mktemp("oxigraph")
    load_shards(folder / "store", write_shards(corpus, folder / "shards", facts_per_shard=60))
    store = add_keys(open_store(folder / "store"))
    store.flush()
    del store  # (closed: the server opens the folder)
    with oxigraph_server(folder / "store") as url:
        yield url


def _cases(corpus) -> list[tuple[str, dict[str, str] | None]]:
    person = corpus.people[0].name
    title = corpus.posts[0].title
    return [(name, None) for name in NAMES] + [
        ("person_meetings", {"person_name": person.lower()}),
        ("post_holders_as_of", {"post_title": title, "as_of": "2030-01-01"}),
        ("SELECT ?p WHERE { ?p schema:name ?who }", {"who": f'"{person}"'}),
    ]


def test_named_queries_give_rdflib_rows(endpoint, corpus, dataset) -> None:
    nonempty = 0
    for spec, params in _cases(corpus):
        remote = query_endpoint(endpoint, spec, params=params)
        local = run_query(dataset, resolve_query(spec), params)
        assert remote.kind == "select"
        assert remote.vars == local.vars, spec
        assert sorted(remote.rows, key=repr) == sorted(local.rows, key=repr), (spec, params)
        if params:  # the text sent, run by a kg endpoint (kg's rules again), answers alike
            sent, _ = prepare_remote(spec, params)
            assert sorted(run_query(dataset, sent).rows, key=repr) == sorted(local.rows, key=repr), (spec, params)
        nonempty += bool(remote.rows)
    assert nonempty >= len(NAMES) - 1


@pytest.mark.parametrize("name", ["people", "presided_meetings"])
def test_query_remote_formats_like_query(endpoint, dataset, name: str) -> None:
    local = run_query(dataset, resolve_query(name))
    assert local.rows
    for fmt in ("csv", "tsv"):
        remote_text = query_remote(name, endpoint, fmt=fmt)
        local_text = format_result(local, fmt)
        assert remote_text.splitlines()[0] == local_text.splitlines()[0]
        assert sorted(remote_text.splitlines()[1:]) == sorted(local_text.splitlines()[1:])
    rows = list(csv.reader(io.StringIO(query_remote(name, endpoint, fmt="csv"))))
    assert len(rows) == len(local.rows) + 1
    answer = json.loads(query_remote(name, endpoint, fmt="json"))
    assert answer["head"]["vars"] == list(local.vars)
    assert len(answer["results"]["bindings"]) == len(local.rows)
    assert query_remote(name, endpoint).splitlines()[0].split() == list(local.vars)


def test_ask_and_construct(endpoint, dataset) -> None:
    assert query_endpoint(endpoint, "ASK { ?p a schema:Person }").boolean is True
    assert query_remote("ASK { ?p a kg:NoSuchClass }", endpoint, fmt="json") == '{"head":{},"boolean":false}'
    construct = "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }"
    remote = query_endpoint(endpoint, construct)
    assert remote.kind == "graph" and remote.triples
    assert set(remote.triples) == set(run_query(dataset, construct).triples)


def test_kg_rules_apply_before_anything_is_sent() -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(UpdateRefused):
        query_endpoint(nowhere, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(UnknownQuery, match="valid names"):
        query_endpoint(nowhere, "no_such_query")
    with pytest.raises(QueryError, match="refusing SERVICE"):
        query_endpoint(nowhere, "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="unknown parameter"):
        query_endpoint(nowhere, "people", params={"nope": "1"})


def test_parameters_are_sent_in_the_text() -> None:
    text, kind = prepare_remote("post_holders_as_of", {"as_of": "2024-06-30"})
    assert kind == "select"
    assert 'VALUES ?as_of { "2024-06-30"^^<http://www.w3.org/2001/XMLSchema#date> }' in text
    assert 'VALUES ?post_title { "secretary" }' in text  # the title's lookup key (# normalise: ... name_key)
    assert "# param:" not in text
    text, _ = prepare_remote('SELECT ?p WHERE { # a { brace in a comment\n ?p schema:name "{" , ?who }', {"who": "X"})
    assert 'WHERE {\n  VALUES (?who) { ("X") } # a {' in text
    assert text.startswith("PREFIX kg: <https://w3id.org/kg/ontology#>")


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/slow":
            time.sleep(2)
        status, body = {
            "/fail": (500, b"Storage error: the disk is on fire\n"),
            "/bad": (400, b"Parser error at 1:8: expected a variable\n"),
            "/junk": (200, b"hello"),
        }.get(self.path, (404, b""))
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (the timeout test)
            pass

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture(scope="module")
def broken_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_endpoint_errors_name_the_url_and_the_server_message(endpoint, broken_server) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointError, match=rf"^{nowhere}: cannot connect: .*refused"):
        query_remote("people", nowhere)
    with pytest.raises(EndpointError, match=rf"^{broken_server}/fail: HTTP 500 .*: Storage error: the disk is on fire"):
        query_endpoint(f"{broken_server}/fail", "people")
    with pytest.raises(EndpointError, match="not SPARQL JSON results"):
        query_endpoint(f"{broken_server}/junk", "people")
    with pytest.raises(QueryTimeout, match=rf"^{broken_server}/slow: no answer within 0.5 s"):
        query_endpoint(f"{broken_server}/slow", "people", timeout=0.5)
    with pytest.raises(EndpointError, match="HTTP 404"):
        query_endpoint(endpoint.replace("/query", "/nothing-here"), "people")
    with pytest.raises(
        EndpointError, match=r"HTTP 500 .*: The custom function <urn:no-such-function> is not supported"
    ):
        query_endpoint(endpoint, "SELECT ?x WHERE { BIND(<urn:no-such-function>(1) AS ?x) }")  # fine for kg
    with pytest.raises(QueryError, match=r"rejected the query \(HTTP 400\): Parser error at 1:8: expected a variable"):
        query_endpoint(f"{broken_server}/bad", "people")
    with pytest.raises(EndpointError, match="not an HTTP"):
        query_endpoint("ftp://example.org/query", "people")
