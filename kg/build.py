"""The whole pipeline: ingest -> extract -> resolve -> RDF mapping -> validate -> exports.

The graph depends only on the set of documents: they are extracted in ``doc_id`` order, whatever
the order of the sources, and nothing in the graph records when or where it was built. That goes
to ``build.json`` (time, kg version, options, counts, skipped files, notes, outputs' SHA-256),
written atomically with the exports.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kg import __version__
from kg.errors import BuildInterrupted, StrictFailure
from kg.ingest import MAX_DOCUMENT_CHARS, Note, Skipped, count_reasons, display_path, load_documents
from kg.model import FACT_KINDS, Document
from kg.store import BUILD_RECORD, write_exports

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
    notes: tuple[Note, ...] = ()  # what cleaning did (legacy encodings, HTML, truncation)
    record: Path | None = None  # build.json


def _batches(documents: Sequence[Document], max_chars: int) -> Iterator[list[Document]]:
    """Documents in groups of at most ``max_chars`` characters (or one document), to bound memory."""
    batch: list[Document] = []
    size = 0
    for doc in documents:
        if batch and size + len(doc.text) > max_chars:
            yield batch
            batch, size = [], 0
        batch.append(doc)
        size += len(doc.text)
    if batch:
        yield batch


def _strict_check(skipped: Sequence[Skipped], notes: Sequence[Note]) -> None:
    truncated = tuple(note for note in notes if note.kind == "truncated")
    if not skipped and not truncated:
        return
    parts = []
    if skipped:
        reasons = ", ".join(f"{n} {reason}" for reason, n in count_reasons(skipped).items())
        parts.append(f"{len(skipped)} skipped ({reasons})")
    if truncated:
        parts.append(f"{len(truncated)} truncated")
    raise StrictFailure(f"--strict: {' and '.join(parts)}; nothing was written", tuple(skipped), truncated)


def build(
    sources: Sequence[str | Path],
    out_dir: str | Path,
    *,
    validate: bool = True,
    html: bool = True,
    aliases: str | Path | None = None,
    strict: bool = False,
    max_chars: int = MAX_DOCUMENT_CHARS,
) -> BuildSummary:
    """Build the graph of the documents under ``sources`` and write its exports to ``out_dir``.

    Unusable files are skipped (see ``kg.ingest``); with ``strict`` a skipped file or a truncated
    document raises ``StrictFailure`` before anything is written. Raises ``ValidationError``
    (before writing anything) when the graph violates the shapes, and ``BuildInterrupted`` on
    Ctrl-C; in all these cases previous exports stay as they were.
    """
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    if isinstance(sources, str | Path):
        sources = [sources]
    try:
        ingested = load_documents(sources, max_chars=max_chars)
        if strict:
            _strict_check(ingested.skipped, ingested.notes)
        documents = sorted(ingested.documents, key=lambda d: (d.doc_id, d.sha256))
        from kg.extract import extract_documents  # lazily: loads spaCy
        from kg.rdf.mapping import corpus_to_dataset
        from kg.resolve import load_aliases, resolve

        extractions = (ex for batch in _batches(documents, max_chars) for ex in extract_documents(batch))
        corpus = resolve(extractions, load_aliases(aliases))
        ds = corpus_to_dataset(corpus)
        if validate:
            from kg.validate import validate_graph

            validate_graph(ds)
        entities = {kind: len(getattr(corpus, kind)) for kind in ENTITY_KINDS}
        facts = dict(sorted(Counter(f.kind for f in corpus.facts).items(), key=lambda kv: _kind_order(kv[0])))
        triples = sum(1 for _ in ds.quads((None, None, None, None)))
        record = {
            "kg_version": __version__,
            "started": started_at.isoformat(timespec="seconds"),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "sources": [display_path(s) for s in sources],
            "options": {
                "validate": validate,
                "html": html,
                "strict": strict,
                "max_chars": max_chars,
                "aliases": display_path(aliases) if aliases else None,
            },
            "documents": [
                {"doc_id": d.doc_id, "path": display_path(d.path), "sha256": d.sha256, "chars": len(d.text)}
                for d in documents
            ],
            "skipped": [{"path": s.path, "reason": s.reason, "message": s.message} for s in ingested.skipped],
            "skipped_by_reason": count_reasons(ingested.skipped),
            "notes": [{"path": n.path, "kind": n.kind, "message": n.message} for n in ingested.notes],
            "entities": entities,
            "facts": facts,
            "triples": triples,
        }
        outputs = write_exports(ds, out_dir, html=html, record=record)
    except KeyboardInterrupt:
        raise BuildInterrupted(f"build interrupted; nothing was written to {display_path(out_dir)}") from None
    return BuildSummary(
        documents=len(ingested.documents),
        skipped=ingested.skipped,
        facts=facts,
        entities=entities,
        triples=triples,
        seconds=time.perf_counter() - started,
        outputs=outputs,
        notes=ingested.notes,
        record=Path(out_dir) / BUILD_RECORD,
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
    ]
    if summary.skipped:
        lines.append(f"Skipped: {_counts(count_reasons(summary.skipped))}")
    if summary.notes:
        kinds = dict(sorted(Counter(n.kind for n in summary.notes).items()))
        cleaned = len({n.path for n in summary.notes})
        lines.append(f"Cleaned: {_counts(kinds)} ({cleaned} document{'s' if cleaned != 1 else ''})")
    lines += [
        f"Entities: {_counts(summary.entities)}",
        f"Facts: {_counts(summary.facts)} ({sum(summary.facts.values())} in all)",
        f"Wrote: {', '.join(str(path) for path in summary.outputs.values())}"
        + (f" (record: {summary.record})" if summary.record else ""),
    ]
    return "\n".join(lines)


def format_skipped(skipped: Sequence[Skipped]) -> list[str]:
    """One line per skipped file: ``skipped (reason): message``."""
    return [f"skipped ({item.reason}): {item.message}" for item in skipped]


def format_notes(notes: Sequence[Note]) -> list[str]:
    """One line per cleaning note: ``note (kind): message``."""
    return [f"note ({note.kind}): {note.message}" for note in notes]
