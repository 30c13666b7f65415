"""The pipeline that runs the stages: ingest -> extract -> resolve -> map -> store, validate, publish.

Modules: ``runner`` (``build``: the stages in order, serial or with workers), ``parallel`` (worker
processes and Dask), ``distributed`` (N-Quads shards and an Oxigraph server), ``cache`` (extractions
kept per document), ``incremental`` (adding and removing documents), ``validation`` (the build's
validation mode), ``publish`` (store, exports and graph.html written all or nothing), ``export``
(``kg export``: GraphML, GEXF, JSON-LD, N-Quads). The names of ``runner`` are importable from ``kg.build``.
"""

from __future__ import annotations

from kg.build.runner import (
    ENTITY_KINDS,
    VALIDATION_MODES,
    BuildSummary,
    build,
    build_documents,
    format_notes,
    format_skipped,
    format_summary,
    parse_store,
)

__all__ = [
    "ENTITY_KINDS",
    "VALIDATION_MODES",
    "BuildSummary",
    "build",
    "build_documents",
    "format_notes",
    "format_skipped",
    "format_summary",
    "parse_store",
]
