"""Beyond one machine: a resolved corpus as N-Quads shards, bulk-loaded into an Oxigraph server.

    shards = write_shards(corpus, "out/shards")                        # mapped here
    shards = write_shards(corpus, "out/shards", "tcp://host:8786")     # mapped on the Dask workers
    load_shards("out/oxigraph", shards)                                # oxigraph load --location ... --file ...
    with oxigraph_server("out/oxigraph") as url:                       # oxigraph serve on a free local port
        print(kg.query.remote.query_remote("people", url, fmt="csv"))

Shards: ``part-00000.nq`` holds the entity descriptions (``id:graph/entities``) and the extraction
activity; ``part-00001.nq`` ... hold the assertion graphs and provenance of ``facts_per_shard``
facts each, in assertion-key order. Lines are sorted, so the same corpus always gives the same
bytes, and the union of the shards is exactly ``kg.rdf.mapping.corpus_nquads(corpus)`` (an
``id:date/...`` instant may appear in several shards; a store keeps it once). Each shard is
written atomically (temp file + ``os.replace``), and ``part-*.nq`` files of an earlier, larger
run are removed at the end (an interrupted run can leave complete shards of two runs: run it
again). With a scheduler the workers only map and return text: they need not share a file
system with this process.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kg import __version__
from kg.errors import EndpointError, ExportError, GraphError, KgError
from kg.model import Corpus, Fact, Meeting

if TYPE_CHECKING:
    from kg.rdf.promotions import Promotion

__all__ = ["free_port", "load_shards", "oxigraph_binary", "oxigraph_server", "shard_name", "write_shards"]

SHARD_GLOB = "part-*.nq"


def shard_name(index: int) -> str:
    """``part-00000.nq`` (entities), ``part-00001.nq`` ... (facts)."""
    return f"part-{index:05d}.nq"


# ---------------------------------------------------------------- mapping (runs on workers too)


def _sorted_nquads(quads: list) -> bytes:
    """N-Quads of ``quads`` (pyoxigraph), lines sorted and unique."""
    import pyoxigraph as ox

    lines = sorted(set(ox.serialize(quads, format=ox.RdfFormat.N_QUADS).splitlines()))
    return b"".join(line + b"\n" for line in lines)


def entities_nquads(corpus: Corpus, version: str) -> bytes:
    """The entity descriptions and the extraction activity, as sorted N-Quads."""
    from kg.rdf.mapping import PROVENANCE, entity_quads
    from kg.rdf.provenance import ProvenanceWriter

    return _sorted_nquads(ProvenanceWriter(version, PROVENANCE).activity_quads() + entity_quads(corpus))


def facts_nquads(
    items: Sequence[tuple[str, Fact]],
    meetings: dict[str, Meeting],
    documents: dict[str, tuple[str, object]],
    version: str,
    counted: dict[str, Promotion] | None = None,
) -> bytes:
    """Assertion graphs and provenance of ``items`` as sorted N-Quads.

    ``meetings`` holds the meetings the ``reports`` facts name; ``documents`` maps doc_id to
    (document key, date) for the documents the facts come from; ``counted`` the region and date
    of their promotions (``kg.rdf.promotions``), by assertion key.
    """
    from kg.rdf.mapping import PROVENANCE, fact_quads
    from kg.rdf.provenance import ProvenanceWriter

    writer = ProvenanceWriter(version, PROVENANCE)
    return _sorted_nquads(fact_quads(items, meetings, documents, writer, counted=counted))


def _fact_tasks(corpus: Corpus, per_shard: int, version: str) -> Iterator[tuple]:
    """Arguments of ``facts_nquads`` for each fact shard, carrying only what the shard needs."""
    meetings = {m.key: m for m in corpus.meetings}
    documents = {d.doc_id: (d.key, d.date) for d in corpus.documents}
    from kg.rdf.mapping import unique_facts
    from kg.rdf.promotions import promotions

    chosen = unique_facts(corpus.facts)
    counted = promotions(corpus, chosen)
    items = sorted(chosen.items())
    for start in range(0, len(items), per_shard):
        part = items[start : start + per_shard]
        used_meetings = {f.object: meetings[f.object] for _, f in part if f.kind == "reports" and f.object in meetings}
        used_docs = {f.evidence.doc_id: documents[f.evidence.doc_id] for _, f in part if f.evidence.doc_id in documents}
        used_counted = {key: counted[key] for key, _ in part if key in counted}
        yield part, used_meetings, used_docs, version, used_counted


# ---------------------------------------------------------------- writing


def _write_atomically(path: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _texts_local(corpus: Corpus, per_shard: int, version: str) -> Iterator[bytes]:
    yield entities_nquads(corpus, version)
    for task in _fact_tasks(corpus, per_shard, version):
        yield facts_nquads(*task)


def _texts_dask(corpus: Corpus, per_shard: int, version: str, scheduler: str) -> Iterator[bytes]:
    from kg.build.parallel import connect

    client, cluster = connect(scheduler)
    pending: deque = deque()
    try:
        window = 2 * max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))
        head = dataclasses.replace(corpus, facts=())  # the entities shard needs no facts
        pending.append(client.submit(entities_nquads, head, version, pure=False))
        for task in _fact_tasks(corpus, per_shard, version):
            pending.append(client.submit(facts_nquads, *task, pure=False))
            while len(pending) >= window:
                yield _result(pending.popleft(), scheduler)
        while pending:
            yield _result(pending.popleft(), scheduler)
    finally:
        try:
            if pending:
                client.cancel(list(pending))
            client.close()
        finally:
            if cluster is not None:
                cluster.close()


def _result(future, scheduler: str) -> bytes:  # noqa: ANN001
    try:
        text = future.result()
        future.release()
        return text
    except KgError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the task raised
        raise KgError(f"mapping a shard failed on {scheduler}: {type(exc).__name__}: {exc}") from None


def write_shards(
    corpus: Corpus,
    folder: str | Path,
    scheduler: str | None = None,
    *,
    facts_per_shard: int = 5000,
    version: str | None = None,
) -> list[Path]:
    """Write ``corpus`` as N-Quads shards into ``folder``; return their paths in order.

    ``scheduler`` ("local" or "tcp://HOST:PORT") maps the shards on Dask workers; None maps here.
    """
    if facts_per_shard < 1:
        raise ValueError(f"facts_per_shard must be at least 1, got {facts_per_shard}")
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out}: cannot create the shard folder: {exc}") from None
    version = version or __version__
    if scheduler is None:
        texts = _texts_local(corpus, facts_per_shard, version)
    else:
        texts = _texts_dask(corpus, facts_per_shard, version, scheduler)
    paths: list[Path] = []
    try:
        for index, text in enumerate(texts):
            path = out / shard_name(index)
            _write_atomically(path, text)
            paths.append(path)
    except OSError as exc:
        raise ExportError(f"{out}: cannot write a shard: {exc}") from None
    finally:
        texts.close()
    for stale in sorted(set(out.glob(SHARD_GLOB)) - set(paths)):
        stale.unlink()
    return paths


# ---------------------------------------------------------------- the Oxigraph server


def oxigraph_binary() -> str:
    """The ``oxigraph`` command: on PATH, or beside this Python (a virtual environment's bin/)."""
    found = shutil.which("oxigraph") or shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    if not found:
        raise KgError("the oxigraph command is not installed: pip install oxigraph")
    return found


def load_shards(location: str | Path, shards: Sequence[str | Path], *, binary: str | None = None) -> None:
    """Bulk-load N-Quads ``shards`` into the Oxigraph store folder ``location`` (``oxigraph load``).

    Each file loads atomically. The store must not be open in a server at the same time.
    """
    if not shards:
        return
    command = [binary or oxigraph_binary(), "load", "--location", os.fspath(location), "--file"]
    command += [os.fspath(s) for s in shards]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise KgError(f"cannot run {command[0]}: {exc}") from None
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        raise GraphError(f"{location}: oxigraph load failed: {lines[-1] if lines else f'exit {done.returncode}'}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    request = urllib.request.Request(url + "?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def oxigraph_server(
    location: str | Path,
    *,
    port: int | None = None,
    union_default_graph: bool = True,
    timeout: float = 30.0,
    binary: str | None = None,
) -> Iterator[str]:
    """Run ``oxigraph serve`` on ``location`` at 127.0.0.1; yield its query URL; stop it on exit.

    ``union_default_graph`` (the default) makes plain patterns match every graph, as kg's queries
    expect (kg keeps every fact in a named graph).
    """
    port = port or free_port()
    command = [binary or oxigraph_binary(), "serve", "--location", os.fspath(location), "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        command.append("--union-default-graph")
    url = f"http://127.0.0.1:{port}/query"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)  # noqa: S603
        try:
            deadline = time.monotonic() + timeout
            while not _answers(url):
                if process.poll() is not None:
                    log.seek(0)
                    lines = [ln for ln in log.read().decode("utf-8", "replace").splitlines() if ln.strip()]
                    why = lines[-1] if lines else f"exit {process.returncode}"
                    raise EndpointError(f"{url}: oxigraph serve stopped: {why}")
                if time.monotonic() > deadline:
                    raise EndpointError(f"{url}: oxigraph serve did not answer within {timeout:g} s")
                time.sleep(0.05)
            yield url
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
