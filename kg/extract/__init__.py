"""Extraction: spaCy plus data-driven rules, producing typed records with evidence (no rdflib here).

The pipeline is imported on first use, so that the spaCy-free parts (lexicon, name rules) can be
used by later stages without loading spaCy.
"""

from __future__ import annotations

__all__ = ["extract_document", "extract_documents", "load_pipeline"]


def __getattr__(name: str):
    if name in __all__:
        from kg.extract import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'kg.extract' has no attribute {name!r}")
