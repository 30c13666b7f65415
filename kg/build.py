"""The whole pipeline: ingest -> extract -> resolve -> RDF mapping -> validate -> exports."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.errors import BuildInterrupted
from kg.ingest import Skipped, load_documents
from kg.model import FACT_KINDS
from kg.store import write_exports

ENTITY_KINDS = ("people", "organizations", "posts", "meetings", "initiatives", "places")


@dataclass(frozen=True)
class BuildSummary:
    """What a build did: counts, timing and the files written."""

    documents: int
    skipped: tuple[Skipped, ...]
    facts: dict[str, int]  # fact kind -> number of facts
    entities: dict[str, int]  # "people", "organizations", ... -> number
    triples: int
    seconds: float
    outputs: dict[str, Path]  # "trig", "ttl", "nq", "html" -> path


def build(
    sources: Sequence[str | Path],
    out_dir: str | Path,
    *,
    validate: bool = True,
    html: bool = True,
    aliases: str | Path | None = None,
) -> BuildSummary:
    """Build the graph of the documents under ``sources`` and write its exports to ``out_dir``.

    Raises ``ValidationError`` (before writing anything) when the graph violates the shapes,
    and ``BuildInterrupted`` on Ctrl-C; in both cases previous exports stay as they were.
    """
    started = time.perf_counter()
    try:
        ingested = load_documents(sources)
        from kg.extract import extract_documents  # lazily: loads spaCy
        from kg.rdf.mapping import corpus_to_dataset
        from kg.resolve import load_aliases, resolve

        corpus = resolve(extract_documents(ingested.documents), load_aliases(aliases))
        ds = corpus_to_dataset(corpus)
        if validate:
            from kg.validate import validate_graph

            validate_graph(ds)
        outputs = write_exports(ds, out_dir, html=html)
    except KeyboardInterrupt:
        raise BuildInterrupted(f"build interrupted; nothing was written to {out_dir}") from None
    entities = {kind: len(getattr(corpus, kind)) for kind in ENTITY_KINDS}
    return BuildSummary(
        documents=len(ingested.documents),
        skipped=ingested.skipped,
        facts=dict(sorted(Counter(f.kind for f in corpus.facts).items(), key=lambda kv: _kind_order(kv[0]))),
        entities=entities,
        triples=sum(1 for _ in ds.quads((None, None, None, None))),
        seconds=time.perf_counter() - started,
        outputs=outputs,
    )


def _kind_order(kind: str) -> tuple[int, str]:
    return (FACT_KINDS.index(kind) if kind in FACT_KINDS else len(FACT_KINDS), kind)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "none"


def format_summary(summary: BuildSummary) -> str:
    """A few human-readable lines describing ``summary``."""
    skipped = f", {len(summary.skipped)} skipped" if summary.skipped else ""
    lines = [
        f"Built {summary.documents} document{'s' if summary.documents != 1 else ''}{skipped} "
        f"in {summary.seconds:.1f}s: {summary.triples} triples",
        f"Entities: {_counts(summary.entities)}",
        f"Facts: {_counts(summary.facts)} ({sum(summary.facts.values())} in all)",
        f"Wrote: {', '.join(str(path) for path in summary.outputs.values())}",
    ]
    return "\n".join(lines)


def format_skipped(skipped: Sequence[Skipped]) -> list[str]:
    """One line per skipped file: ``skipped (reason): message``."""
    return [f"skipped ({item.reason}): {item.message}" for item in skipped]
