"""kg.build.parallel on Dask and kg.build.distributed: a cluster extracts and maps exactly what one process does."""

from __future__ import annotations

import logging

import psutil
import pytest

from kg.build import distributed, parallel
from kg.build.distributed import load_shards, oxigraph_server, shard_name, write_shards
from kg.errors import ClusterError, EndpointError, GraphError, KgError
from kg.extract import extract_documents
from kg.rdf.mapping import corpus_nquads
from kg.resolve import resolve
from kg.synthetic import generate

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def documents():
    return generate(5, seed=7)  # invented people


@pytest.fixture(scope="module")
def sequential(documents):
    return list(extract_documents(documents))


@pytest.fixture(scope="module")
def corpus(sequential):
    return resolve(sequential)


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of two worker processes, shared by this module's tests: (address, client)."""
    from distributed import Client, LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR
    ) as local:
        with Client(local) as client:
            yield local.scheduler_address, client


def test_dask_extraction_equals_sequential_and_loads_the_model_once_per_worker(cluster, documents, sequential):
    address, client = cluster
    first = list(parallel.extract_parallel(iter(documents), scheduler=address, batch_size=1))
    assert [ex.doc_id for ex in first] == [d.doc_id for d in documents]
    assert first == sequential
    again = list(parallel.extract_parallel(documents, scheduler=address, batch_size=2))
    assert again == sequential
    loads = client.run(parallel.pipeline_loads)  # worker address -> (pid, loads in that process)
    assert len(loads) == 2
    assert len({pid for pid, _ in loads.values()}) == 2
    assert all(n <= 1 for _, n in loads.values())  # cached per worker process
    assert sum(n for _, n in loads.values()) >= 1


def test_unreachable_scheduler_names_the_address(documents, monkeypatch) -> None:
    monkeypatch.setattr(parallel, "CONNECT_TIMEOUT", 1.0)
    address = f"tcp://127.0.0.1:{distributed.free_port()}"
    with pytest.raises(ClusterError, match=f"{address}: cannot reach the Dask scheduler within 1 s"):
        list(parallel.extract_parallel(documents, scheduler=address))
    with pytest.raises(ClusterError, match="not a scheduler address"):
        list(parallel.extract_parallel(documents, scheduler="somewhere"))


def test_shards_are_the_corpus_graph_and_deterministic(corpus, tmp_path) -> None:
    shards = write_shards(corpus, tmp_path / "a", facts_per_shard=25)
    assert [p.name for p in shards] == [shard_name(i) for i in range(len(shards))]
    assert len(shards) == 1 + -(-len({f for f in _assertions(corpus)}) // 25)
    assert "id/graph/entities>" in shards[0].read_text() and "id/assertion/" not in shards[0].read_text()
    lines = set()
    for path in shards:
        text = path.read_text(encoding="utf-8")
        assert text.splitlines() == sorted(text.splitlines())
        lines |= set(text.splitlines())
    assert lines == set(corpus_nquads(corpus).decode("utf-8").splitlines())
    again = write_shards(corpus, tmp_path / "b", facts_per_shard=25)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in shards]
    fewer = write_shards(corpus, tmp_path / "a", facts_per_shard=10_000)  # stale shards go
    assert (
        sorted(p.name for p in (tmp_path / "a").iterdir()) == [p.name for p in fewer] == [shard_name(0), shard_name(1)]
    )


def _assertions(corpus):
    from kg.rdf.provenance import assertion_key

    return {assertion_key(f) for f in corpus.facts}


def test_shards_mapped_on_dask_are_the_same_bytes(cluster, corpus, tmp_path) -> None:
    address, _ = cluster
    local = write_shards(corpus, tmp_path / "here", facts_per_shard=30)
    remote = write_shards(corpus, tmp_path / "dask", address, facts_per_shard=30)
    assert [p.read_bytes() for p in remote] == [p.read_bytes() for p in local]


def test_a_local_cluster_is_started_and_closed(corpus, tmp_path) -> None:
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    shards = write_shards(corpus, tmp_path / "s", "local", facts_per_shard=50)
    assert [p.read_bytes() for p in shards] == [
        p.read_bytes() for p in write_shards(corpus, tmp_path / "t", None, facts_per_shard=50)
    ]
    started = [p for p in psutil.Process().children(recursive=True) if p.pid not in before]
    _, alive = psutil.wait_procs(started, timeout=10)
    assert not alive


def test_load_shards_and_serve(corpus, tmp_path) -> None:
    shards = write_shards(corpus, tmp_path / "shards", facts_per_shard=40)
    load_shards(tmp_path / "store", shards)
    from kg.query.remote import query_endpoint

    with oxigraph_server(tmp_path / "store") as url:
        result = query_endpoint(url, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert int(result.rows[0][0]) == len(set(corpus_nquads(corpus).decode("utf-8").splitlines()))
        with pytest.raises(EndpointError, match="oxigraph serve stopped"):  # the store is locked by the server
            with oxigraph_server(tmp_path / "store"):
                pass


def test_load_errors(tmp_path, monkeypatch) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(GraphError, match="oxigraph load failed"):
        load_shards(tmp_path / "store", [bad])
    monkeypatch.setattr(distributed.shutil, "which", lambda *args, **kwargs: None)
    with pytest.raises(KgError, match="pip install oxigraph"):
        load_shards(tmp_path / "store", [bad])
