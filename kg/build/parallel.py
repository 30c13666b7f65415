"""Extraction on several processes or on a Dask cluster, streaming, in input order.

    for ex in extract_parallel(docs, workers=2): ...                  # a local process pool
    for ex in extract_parallel(docs, scheduler="local"): ...          # a LocalCluster of 2 worker processes
    for ex in extract_parallel(docs, scheduler="tcp://host:8786"): ...# an existing dask.distributed scheduler

Documents travel in batches of at most ``batch_size``; at most ``4 * workers`` batches are in
flight, so memory stays bounded however long the input is (the input iterable is consumed
lazily). When the number of documents is known (the input has a length, or ``total`` is given),
the batches shrink towards the end (guided self-scheduling: a batch is about the remaining
documents / (2 * workers), at least ``MIN_CHUNK``), so the workers finish together instead of one
running the last full batch while the others idle. Each
worker process loads the spaCy pipeline once (``kg.extract.pipeline.load_pipeline`` is cached per
process). The extractions are the same, in the same order, as ``kg.extract.extract_documents``.

A failure in a worker raises ``ExtractionError`` naming the document; Ctrl-C raises
``KeyboardInterrupt`` after the workers are stopped (the pool's processes are terminated, a
LocalCluster is closed, the futures of a remote cluster are cancelled). Closing the generator
early does the same.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from kg.build.schedule import MIN_CHUNK, _schedule, batched, chunk_sizes  # noqa: F401 - re-exported
from kg.errors import ClusterError, ExtractionError, KgError
from kg.model import Document, DocumentExtraction
from kg.signals import hold, release

__all__ = [
    "batched",
    "chunk_sizes",
    "connect",
    "extract_batch",
    "extract_parallel",
    "pipe_parallel",
    "pipeline_loads",
    "start_method",
]

CONNECT_TIMEOUT = 5.0  # seconds to reach a Dask scheduler
LOCAL_WORKERS = 2  # worker processes of scheduler="local" (or ``workers`` when larger)
PRELOAD = ("kg.extract.pipeline", "kg.extract.records")  # imported once by the fork server


def start_method() -> str:
    """``forkserver`` where available (POSIX), else ``spawn``: never plain fork of a threaded parent."""
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


# ---------------------------------------------------------------- in the worker


def _init_worker() -> None:
    """Pool initializer: ignore Ctrl-C (the parent handles it and stops us), load spaCy once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from kg.extract.pipeline import load_pipeline

    load_pipeline()


def extract_batch(documents: list[Document], batch_size: int = 32) -> list[DocumentExtraction]:
    """Extract one batch in this process (the task run by pool workers and Dask workers)."""
    from kg.extract import extract_documents

    try:
        return list(extract_documents(documents, batch_size=batch_size))
    except Exception:  # noqa: BLE001 - find the document to blame, one at a time
        for document in documents:
            try:
                list(extract_documents([document]))
            except Exception as exc:  # noqa: BLE001
                raise _failure([document], exc, f"in process {os.getpid()}") from None
        raise


def pipeline_loads() -> tuple[int, int]:
    """(pid, times the pipeline was loaded in this process): shows the model loads once per worker."""
    from kg.extract.pipeline import load_pipeline

    return os.getpid(), load_pipeline.cache_info().misses


def _pipe_batch(texts: list[str], batch_size: int) -> int:
    from kg.extract.pipeline import load_pipeline

    return sum(1 for _ in load_pipeline().pipe(texts, batch_size=batch_size))


def _describe(batch: list[Document]) -> str:
    names = [d.doc_id for d in batch[:3]]
    more = f" and {len(batch) - 3} more" if len(batch) > 3 else ""
    return ", ".join(names) + more


def _failure(batch: list[Document], exc: BaseException, where: str) -> KgError:
    if isinstance(exc, KgError):
        return exc
    message = (str(exc) or type(exc).__name__).splitlines()[0]
    return ExtractionError(f"{_describe(batch)}: extraction failed {where}: {type(exc).__name__}: {message}")


# ---------------------------------------------------------------- a local process pool


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel pending batches and terminate the worker processes (no orphans, no waiting for spaCy)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())  # no public API before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    for proc in procs:
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join()


def _in_order(submit, batches: Iterator[list[Document]], window: int, wait, where: str) -> Iterator[DocumentExtraction]:
    """Keep up to ``window`` batches in flight; yield their results in submission order."""
    pending: deque[tuple[list[Document], object]] = deque()
    for batch in batches:
        pending.append((batch, submit(batch)))
        while len(pending) >= window:
            yield from _take(pending, wait, where)
    while pending:
        yield from _take(pending, wait, where)


def _take(pending: deque, wait, where: str) -> list[DocumentExtraction]:
    batch, future = pending.popleft()
    try:
        return wait(future)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - whatever the worker raised, named for the user
        raise _failure(batch, exc, where) from None


def _pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes that load the pipeline as they start.

    With forkserver, the fork server imports spaCy and kg's extraction modules once (it lives as
    long as this process), so the workers of later pools start without importing them again.
    """
    context = multiprocessing.get_context(start_method())
    prestart()
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker)


def prestart() -> None:
    """Start the fork server now, so that it imports spaCy while this process does other work.

    (A pool started later forks its workers from it at once.) Does nothing without forkserver.
    """
    context = multiprocessing.get_context(start_method())
    if context.get_start_method() == "forkserver":
        from kg.build.forkserver import start_forkserver  # never with a kg/ of the current folder

        start_forkserver(list(PRELOAD))


def _extract_pool(
    docs: Iterable[Document], workers: int, batch_size: int, total: int | None
) -> Iterator[DocumentExtraction]:
    pool = _pool(workers)
    clean = False
    try:

        def wait(future: Future) -> list[DocumentExtraction]:
            try:
                return future.result()
            except BrokenProcessPool:
                raise ExtractionError("a worker process died (killed, or out of memory)") from None

        yield from _in_order(
            lambda batch: pool.submit(extract_batch, batch, batch_size),
            _schedule(docs, workers, batch_size, total),
            4 * workers,
            wait,
            "in a worker process",
        )
        clean = True
    finally:
        if clean:
            pool.shutdown(wait=True)
        else:  # an error, Ctrl-C, or the caller closed the generator early
            _stop_pool(pool)


# ---------------------------------------------------------------- Dask


def connect(scheduler: str, workers: int = LOCAL_WORKERS, *, timeout: float | None = None):  # noqa: ANN201
    """A ``distributed.Client`` for ``scheduler`` ("local" or "tcp://HOST:PORT"), and the cluster to close.

    Returns ``(client, cluster)``; ``cluster`` is None for a remote scheduler. Raises
    ``ClusterError`` naming the address when the scheduler cannot be reached within ``timeout``.
    """
    from distributed import Client

    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    if scheduler == "local":
        return _local_cluster(workers, timeout)
    if "://" not in scheduler:
        raise ClusterError(f"{scheduler}: not a scheduler address; use tcp://HOST:PORT or 'local'")
    try:
        return Client(scheduler, timeout=f"{timeout}s"), None
    except (OSError, TimeoutError) as exc:
        raise ClusterError(
            f"{scheduler}: cannot reach the Dask scheduler within {timeout:g} s ({type(exc).__name__})"
        ) from None
    except ValueError as exc:
        raise ClusterError(f"{scheduler}: not a scheduler address: {exc}") from None


@contextlib.contextmanager
def _sigint_blocked() -> Iterator[list]:
    """Hold Ctrl-C back from this thread (and the threads and processes it starts) for a while.

    Yields a list: call ``_release(held)`` to deliver a Ctrl-C pressed meanwhile (it raises
    KeyboardInterrupt there); leaving the block releases it too.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield []
        return
    held = [hold({signal.SIGINT})]
    try:
        yield held
    finally:
        _release(held)


def _release(held: list) -> None:
    if held:
        release(held.pop())


def _local_cluster(workers: int, timeout: float):  # noqa: ANN202
    """A LocalCluster whose worker processes never see Ctrl-C, and a Client of it.

    Ctrl-C in a terminal reaches every process of the foreground group: Dask's worker processes
    would die printing tracebacks. They are started with SIGINT blocked (the block is inherited
    by the event-loop thread that spawns them, and by the processes across exec), so only this
    process sees Ctrl-C and closes the cluster. A Ctrl-C pressed while the cluster starts is held
    until it is up, then raised here (after closing it), so no half-started cluster is left.
    """
    import logging
    from multiprocessing import resource_tracker

    from distributed import Client, LocalCluster

    # multiprocessing starts its resource tracker with the first process and then unblocks SIGINT in
    # the thread that started it: start it first, so the cluster's event-loop thread keeps the block.
    resource_tracker.ensure_running()
    with _sigint_blocked() as held:
        try:
            cluster = LocalCluster(
                n_workers=max(workers, LOCAL_WORKERS),
                threads_per_worker=1,
                processes=True,
                dashboard_address="127.0.0.1:0",  # its HTTP server runs anyway: never on a fixed port
                silence_logs=logging.ERROR,
            )
        except Exception as exc:  # noqa: BLE001 - distributed raises assorted errors
            raise ClusterError(f"cannot start a local Dask cluster: {type(exc).__name__}: {exc}") from None
        try:
            client = Client(cluster, timeout=f"{timeout}s")
            try:
                _release(held)  # a Ctrl-C pressed meanwhile raises KeyboardInterrupt here
            except BaseException:
                client.close()
                raise
        except BaseException:
            cluster.close()
            raise
    return client, cluster


def _extract_dask(
    docs: Iterable[Document], scheduler: str, workers: int, batch_size: int, total: int | None
) -> Iterator[DocumentExtraction]:
    client, cluster = connect(scheduler, workers)
    live: set = set()  # futures not yet collected (a held future keeps its result in worker memory)
    try:
        n_workers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))

        def submit(batch: list[Document]):  # noqa: ANN202
            future = client.submit(extract_batch, batch, batch_size, pure=False)
            live.add(future)
            return future

        def wait(future) -> list[DocumentExtraction]:  # noqa: ANN001
            try:
                return future.result()
            finally:
                live.discard(future)
                future.release()

        batches = _schedule(docs, n_workers, batch_size, total)
        yield from _in_order(submit, batches, 4 * n_workers, wait, f"on {scheduler}")
    finally:
        try:
            if live:
                client.cancel(list(live))
            client.close()
        finally:
            if cluster is not None:
                cluster.close()


# ---------------------------------------------------------------- the entry point


def extract_parallel(
    documents: Iterable[Document],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    batch_size: int = 32,
    total: int | None = None,
) -> Iterator[DocumentExtraction]:
    """One ``DocumentExtraction`` per document, in input order, streaming.

    ``total`` (default: ``len(documents)`` when it has one) is the number of documents: with it the
    batches shrink towards the end, which balances the workers (see ``chunk_sizes``).

    ``scheduler`` None: ``workers`` 1 runs in this process, more in a pool of processes.
    ``scheduler`` "local" starts a ``distributed.LocalCluster`` (processes, 2 workers) and closes it
    after; "tcp://HOST:PORT" uses an existing scheduler's workers.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if scheduler is not None:
        return _extract_dask(documents, scheduler, workers, batch_size, total)
    if workers == 1:
        from kg.extract import extract_documents

        return extract_documents(documents, batch_size=batch_size)
    return _extract_pool(documents, workers, batch_size, total)


def pipe_parallel(texts: Iterable[str], *, workers: int = 1, batch_size: int = 32) -> int:
    """Run the spaCy pipeline alone (no record building) over ``texts``; return the count (for benchmarks)."""
    if workers == 1:
        from kg.extract.pipeline import load_pipeline

        return sum(1 for _ in load_pipeline().pipe(texts, batch_size=batch_size))
    pool = _pool(workers)
    try:
        pending: deque[Future] = deque()
        count = 0
        for chunk in batched(texts, batch_size):  # type: ignore[arg-type]
            pending.append(pool.submit(_pipe_batch, chunk, batch_size))
            if len(pending) >= 2 * workers:
                count += pending.popleft().result()
        return count + sum(f.result() for f in pending)
    finally:
        _stop_pool(pool)
