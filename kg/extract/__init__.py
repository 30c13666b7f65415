"""Extraction: spaCy plus data-driven rules, producing typed records with evidence (no rdflib here)."""

from kg.extract.pipeline import extract_document, extract_documents, load_pipeline

__all__ = ["extract_document", "extract_documents", "load_pipeline"]
