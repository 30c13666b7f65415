"""Property tests: whatever the bytes or text, ingest and extraction never crash, and every graph
they produce passes the SHACL shapes, with evidence offsets that point at the quoted text.

``KG_FUZZ_EXAMPLES=500 pytest tests/test_fuzz.py`` searches harder than the default 40 examples.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import DocumentError
from kg.ingest import clean_text, html_to_text, load_document, looks_like_html, truncate
from kg.model import Document

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

FRAGMENTS = [
    "Secretary ",
    "Deputy Secretary ",
    "Secretary of the ",
    "Deputy Secretary of the ",
    "CPC ",
    "Provincial Party Committee ",
    "Standing Committee of the ",
    "Municipal ",
    "Liaoning ",
    "Shenyang ",
    "Governor ",
    "Acting Mayor ",
    "Vice Chairman ",
    "Member of the ",
    "Gao Ming ",
    "Zhang Wei",
    "Li ",
    "Comrade ",
    "presided over the meeting",
    "held a meeting",
    "attended and spoke",
    "was appointed ",
    "resigned from ",
    "On February 17, ",
    "On 30 February, ",
    "the “Three-Year Action Plan” ",
    "new industrialization strategy",
    ". ",
    ", ",
    "; ",
    "“",
    "”",
    "‘",
    "’",
    "—",
    "…",
    "、",
    "，",
    "。",
    "(",
    ")",
    "[",
    "]",
    '"',
    "'",
    "!",
    "?",
    ":",
    "\n",
    "\n\n",
    "\t",
    "   ",
    "<p>",
    "&amp;",
    "\u00a0",
    "\u200b",
    "\ufeff",
]
SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
TEXT = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(max_size=12),
        st.text(alphabet=SURROGATES, min_size=1, max_size=2),
    ),
    max_size=50,
).map("".join)
REPEATED_TITLES = st.builds(
    lambda unit, n, name: unit * n + name + " presided over the meeting.",
    st.sampled_from(["Secretary ", "Deputy Secretary of the ", "Secretary Secretary of the ", "Deputy "]),
    st.integers(min_value=1, max_value=60),
    st.sampled_from(["Gao Ming", "Zhang Wei", "Li", ""]),
)
LONG_LINE = st.builds(lambda unit, n: unit * n, st.sampled_from(FRAGMENTS[:20] + ["a", "。", "—"]), st.integers(1, 400))
DATES = st.one_of(st.none(), st.dates(min_value=date(1949, 10, 1), max_value=date(2030, 12, 31)))


def document(text: str, day: date | None, doc_id: str = "fuzz") -> Document:
    sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return Document(doc_id=doc_id, file_name=f"{doc_id}.txt", path=f"{doc_id}.txt", text=text, date=day, sha256=sha)


@pytest.fixture(scope="module")
def pipeline():
    """Extraction, resolution, mapping and validation, with the spaCy model loaded once."""
    from kg.extract import extract_document, load_pipeline
    from kg.rdf.dataset import corpus_to_dataset
    from kg.resolve import resolve
    from kg.store.validate import validate_graph

    load_pipeline()

    def run(doc: Document):
        extraction = extract_document(doc)
        ds = corpus_to_dataset(resolve([extraction]))
        validate_graph(ds)  # raises ValidationError with the report
        return extraction, ds

    return run


def evidence_of(extraction):
    for group in (
        extraction.people,
        extraction.organizations,
        extraction.posts,
        extraction.meetings,
        extraction.participations,
        extraction.initiatives,
    ):
        for record in group:
            yield record.evidence


def check_offsets(doc: Document, extraction) -> None:
    text = re.sub("[\ud800-\udfff]", "\ufffd", doc.text)  # extraction sees lone surrogates as U+FFFD
    for ev in evidence_of(extraction):
        assert text[ev.start : ev.end] == ev.text
        assert text[ev.sentence_start : ev.sentence_end] == ev.sentence
        assert ev.sentence_start <= ev.start <= ev.end <= ev.sentence_end


# ---------------------------------------------------------------- extraction


@FUZZ
@given(text=TEXT, day=DATES)
def test_random_text_extracts_into_a_valid_graph(pipeline, text, day):
    doc = document(text, day)
    extraction, _ds = pipeline(doc)
    check_offsets(doc, extraction)


@FUZZ
@given(text=st.one_of(REPEATED_TITLES, LONG_LINE), day=DATES)
def test_repeated_titles_and_long_lines(pipeline, text, day):
    doc = document(text, day)
    extraction, _ds = pipeline(doc)
    check_offsets(doc, extraction)


@settings(max_examples=max(1, EXAMPLES * 2 // 3), deadline=None)
@given(text=TEXT.filter(lambda t: t.strip()), day=DATES)
def test_ingested_text_round_trips_through_the_exports(pipeline, tmp_path_factory, text, day):
    """Through a file: whatever was written, the stored text serializes and parses back."""
    from rdflib import Dataset

    from kg.store import sorted_nquads

    folder = tmp_path_factory.mktemp("fuzz")
    header = f" date {day.isoformat()} " if day else ""
    path = folder / "doc.txt"
    path.write_bytes((header + text).encode("utf-8", "surrogatepass"))
    try:
        doc = load_document(path)
    except DocumentError as exc:
        assert exc.reason in ("empty", "binary") and "\n" not in str(exc)
        return
    extraction, ds = pipeline(doc)
    check_offsets(doc, extraction)
    data = sorted_nquads(ds)
    again = Dataset()
    again.parse(data=data, format="nquads")
    assert sorted_nquads(again) == data


# ---------------------------------------------------------------- ingest


@FUZZ
@given(raw=st.binary(max_size=3000), header=st.sampled_from([b"", b" date 2023-02-17 ", b" date 2023-02-30 "]))
def test_any_bytes_load_or_are_skipped_with_a_reason(tmp_path, raw, header):
    path = tmp_path / "any.txt"
    path.write_bytes(header + raw)
    try:
        doc = load_document(path)
    except DocumentError as exc:
        assert exc.reason in ("empty", "binary", "bad-date", "bad-header")
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)
        return
    doc.text.encode("utf-8")  # valid Unicode: no surrogates
    assert doc.text.strip()
    assert not any(ord(c) < 32 and c not in "\t\n" for c in doc.text)
    assert doc.sha256 == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()


@FUZZ
@given(text=st.text(max_size=2000), limit=st.integers(min_value=1, max_value=500))
def test_truncate_keeps_a_prefix_within_the_limit(text, limit):
    cut = truncate(text, limit)
    assert text.startswith(cut)
    assert len(cut) <= limit
    if len(text) <= limit:
        assert cut == text


MARKUP = ["<p>", "</p>", "<br>", "<div class='x'>", "<script>", "</script>", "<!--", "-->", "&amp;", "&#x41;"]
MARKUP += ["&bogus;", "<![CDATA[", "<", ">", "<html>", "<title>", "</title>", "\n\n", "<!DOCTYPE html>", "<?xml"]


@FUZZ
@given(markup=st.lists(st.one_of(st.sampled_from(MARKUP), st.text(max_size=10)), max_size=40).map("".join))
def test_html_to_text_never_fails(markup):
    text = html_to_text(markup)
    assert text == text.strip()
    assert "\n\n\n" not in text
    assert not any(ord(c) < 32 and c not in "\t\n" for c in text)
    looks_like_html(markup)


@FUZZ
@given(text=st.text(max_size=500))
def test_clean_text_leaves_only_tab_and_newline_controls(text):
    cleaned, _count = clean_text(text)
    assert "\r" not in cleaned
    assert not any((ord(c) < 32 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F for c in cleaned)
