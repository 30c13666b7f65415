"""How a build cuts its documents into batches for the worker processes: a guided schedule.

Fixed batches of 32 left one worker alone with the last batch while the other idled; each batch of
the guided schedule is about the remaining documents / (2 * workers), so the workers finish together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from kg.model import Document

MIN_CHUNK = 4  # the smallest batch of the guided schedule (fewer only at the very end)


def batched(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """Lists of up to ``size`` documents, consuming ``documents`` lazily."""
    if size < 1:
        raise ValueError(f"batch size must be at least 1, got {size}")
    it = iter(documents)
    while batch := list(islice(it, size)):
        yield batch


def chunk_sizes(total: int, workers: int, batch_size: int, minimum: int = MIN_CHUNK) -> list[int]:
    """The batch sizes of a guided schedule of ``total`` documents over ``workers``: each about the
    remaining documents / (2 * workers), at most ``batch_size``, at least ``minimum`` (or what is left)."""
    sizes = []
    remaining = total
    while remaining > 0:
        size = min(remaining, batch_size, max(minimum, -(-remaining // (2 * workers))))
        sizes.append(size)
        remaining -= size
    return sizes


def _schedule(
    documents: Iterable[Document], workers: int, batch_size: int, total: int | None
) -> Iterator[list[Document]]:
    """``documents`` in the batches of ``chunk_sizes`` when their number is known, else of ``batch_size``."""
    if total is None and hasattr(documents, "__len__"):
        total = len(documents)  # type: ignore[arg-type]
    if total is None:
        yield from batched(documents, batch_size)
        return
    it = iter(documents)
    for size in chunk_sizes(total, workers, batch_size):
        if not (batch := list(islice(it, size))):
            return
        yield batch
    yield from batched(it, batch_size)  # (more documents than announced)


__all__ = ["MIN_CHUNK", "batched", "chunk_sizes"]
