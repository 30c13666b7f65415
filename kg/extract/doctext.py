"""The text of a spaCy ``Doc``, kept once per document (the components and the record builder read it)."""

from __future__ import annotations

from spacy.tokens import Doc


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per document: spaCy joins every token's text on each access."""
    text = doc.user_data.get("kg_text")
    if text is None:
        text = doc.user_data["kg_text"] = doc.text
    return text
