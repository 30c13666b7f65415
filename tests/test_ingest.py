"""kg.ingest: headers, stored text and offsets, skipped files, sources and order."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kg.errors import DocumentError, InputError, SourceNotFound
from kg.ingest import decode_text, load_document, load_documents, scan_documents

SEEDS = Path(__file__).parents[1] / "seeds"
BODY = "On February 17, the meeting was held. Provincial party secretary Gao Ming presided over the meeting."


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def reasons(result) -> dict[str, str]:
    return {Path(s.path).name: s.reason for s in result.skipped}


# ---------------------------------------------------------------- header and text


def test_header_gives_date_and_body_starts_after_it(tmp_path):
    doc = load_document(write(tmp_path / "002_abc.txt", f" date 2023-02-17 {BODY}"))
    assert doc.date == date(2023, 2, 17)
    assert doc.text == BODY
    assert doc.doc_id == "002_abc"
    assert doc.file_name == "002_abc.txt"
    assert doc.sha256 == hashlib.sha256(BODY.encode("utf-8")).hexdigest()


def test_no_header_keeps_text_as_is(tmp_path):
    text = "Zhang Minghui Hosted a Symposium\n\nOn September 15, Zhang Minghui presided over it.\n"
    doc = load_document(write(tmp_path / "a.txt", text))
    assert doc.date is None
    assert doc.text == text


def test_header_followed_by_newline(tmp_path):
    doc = load_document(write(tmp_path / "a.txt", " date 2023-03-01\nTitle line\nBody."))
    assert doc.date == date(2023, 3, 1)
    assert doc.text == "Title line\nBody."


def test_only_one_space_after_the_date_is_removed(tmp_path):
    doc = load_document(write(tmp_path / "a.txt", " date 2023-03-01   indented body"))
    assert doc.text == "  indented body"


def test_offsets_of_a_phrase_in_the_raw_body_point_at_it_in_the_stored_text(tmp_path):
    header = " date 2023-02-17 "
    raw = f"{header}{BODY}\nThe meeting pointed out that “new industrialization” matters.\n"
    doc = load_document(write(tmp_path / "a.txt", raw))
    body = raw[len(header) :]
    for phrase in ("Gao Ming presided", "“new industrialization”", "February 17"):
        start = body.index(phrase)
        assert doc.text[start : start + len(phrase)] == phrase


def test_seed_documents_offsets_match_the_files():
    for path in sorted(SEEDS.glob("*.txt")):
        raw = path.read_bytes().decode("utf-8")
        doc = load_document(path)
        header = f" date {doc.date.isoformat()} " if doc.date else ""
        assert raw.startswith(header)
        assert doc.text == raw[len(header) :]
        for line in raw[len(header) :].splitlines():
            if len(line) > 40:  # any phrase of the file is found at the same offset of the stored text
                phrase = line[10:40]
                start = raw.index(phrase) - len(header)
                assert doc.text[start : start + len(phrase)] == phrase


def test_bom_is_stripped_and_crlf_becomes_lf(tmp_path):
    raw = "\ufeff date 2023-02-17 First line.\r\nSecond line, Gao Ming.\r\n".encode()
    doc = load_document(write(tmp_path / "a.txt", raw))
    assert doc.date == date(2023, 2, 17)
    assert doc.text == "First line.\nSecond line, Gao Ming.\n"
    assert doc.text[doc.text.index("Gao Ming") :].startswith("Gao Ming.")


# Plain text without control characters, line separators or markup is stored as it is.
PLAIN = st.characters(
    blacklist_categories=("Cs", "Cc", "Zl", "Zp"), whitelist_characters="\n\t", blacklist_characters="<"
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(alphabet=PLAIN))
def test_stored_text_is_the_body_byte_for_byte(tmp_path, body):
    assume(body.strip())
    doc = load_document(write(tmp_path / "p.txt", f" date 2024-01-31 {body}"))
    assert doc.text == body
    assert doc.date == date(2024, 1, 31)


def test_decode_text_rejects_binary_and_decodes_legacy_text():
    with pytest.raises(DocumentError) as binary:
        decode_text(b"abc\x00def", "x.txt")
    assert binary.value.reason == "binary"
    assert "x.txt" in str(binary.value)
    assert decode_text("Café".encode("latin-1"), "x.txt") == "Café"


# ---------------------------------------------------------------- skipped files


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (b" date 2023-02-17 ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b" date 2023-02-30 On February 30 nothing happened.", "bad-date"),
        (b" date 2023-13-01 Body.", "bad-date"),
        (b" date 2023/02/17 Body.", "bad-header"),
        (b" date 17-02-2023 Body.", "bad-header"),
    ],
)
def test_unusable_file_is_skipped_with_reason_and_named(tmp_path, content, reason):
    write(tmp_path / "good.txt", BODY)
    write(tmp_path / "bad.txt", content)
    result = load_documents([tmp_path])
    assert [d.file_name for d in result.documents] == ["good.txt"]
    assert len(result.skipped) == 1
    skipped = result.skipped[0]
    assert skipped.reason == reason
    assert skipped.path.endswith("bad.txt")
    assert "bad.txt" in skipped.message and "\n" not in skipped.message


def test_same_content_twice_skips_the_second_naming_the_first(tmp_path):
    write(tmp_path / "a.txt", f" date 2023-02-17 {BODY}")
    write(tmp_path / "b.txt", f" date 2023-02-17 {BODY}")
    result = load_documents([tmp_path])
    assert [d.doc_id for d in result.documents] == ["a"]
    (skipped,) = result.skipped
    assert skipped.reason == "duplicate"
    assert skipped.path.endswith("b.txt") and "a.txt" in skipped.message


def test_same_file_name_in_two_folders_is_skipped(tmp_path):
    write(tmp_path / "x" / "doc.txt", "First article about Gao Ming.")
    write(tmp_path / "y" / "doc.txt", "Second, different article.")
    result = load_documents([tmp_path])
    assert [d.path for d in result.documents] == [str(tmp_path / "x" / "doc.txt")]
    (skipped,) = result.skipped
    assert skipped.reason == "duplicate-name"
    assert str(tmp_path / "x" / "doc.txt") in skipped.message


def test_folder_without_documents_is_skipped(tmp_path):
    write(tmp_path / "docs" / "a.txt", BODY)
    (tmp_path / "empty").mkdir()
    write(tmp_path / "notes" / "readme.md", "not a document")
    result = load_documents([tmp_path / "docs", tmp_path / "empty", tmp_path / "notes"])
    assert len(result.documents) == 1
    assert sorted(reasons(result).items()) == [("empty", "no-documents"), ("notes", "no-documents")]


def test_nothing_usable_raises_input_error_naming_sources(tmp_path):
    write(tmp_path / "in" / "empty.txt", "")
    with pytest.raises(InputError) as err:
        load_documents([tmp_path / "in"])
    assert str(tmp_path / "in") in str(err.value)
    assert "empty" in str(err.value)


def test_missing_source_raises_source_not_found(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(SourceNotFound) as err:
        load_documents([tmp_path, missing])
    assert str(err.value) == f"{missing}: no such file or directory"
    assert err.value.exit_code == 2


# ---------------------------------------------------------------- sources and order


def test_folders_are_searched_recursively_in_sorted_order(tmp_path):
    for name in ("b/2.txt", "a/z.txt", "a/sub/y.txt", "c.txt", "a/0.txt"):
        write(tmp_path / name, f"Article {name}.")
    write(tmp_path / "a" / "skip.md", "not a text file")
    write(tmp_path / ".hidden" / "h.txt", "hidden folder")
    first = load_documents([tmp_path])
    paths = [Path(d.path).relative_to(tmp_path).as_posix() for d in first.documents]
    assert paths == ["a/0.txt", "a/sub/y.txt", "a/z.txt", "b/2.txt", "c.txt"]
    assert load_documents([tmp_path]) == first


def test_sources_keep_their_order_and_a_file_is_loaded_once(tmp_path):
    write(tmp_path / "f" / "a.txt", "Article a.")
    single = write(tmp_path / "z.txt", "Article z.")
    result = load_documents([single, tmp_path / "f", single])
    assert [d.doc_id for d in result.documents] == ["z", "a"]
    assert result.skipped == ()


def test_seeds_folder_loads_every_seed():
    result = load_documents([SEEDS])
    assert [d.doc_id for d in result.documents] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert result.skipped == ()
    assert all(not d.text.startswith(" date") for d in result.documents)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_text_not_binary(tmp_path, encoding):
    body = "Provincial party secretary Gao Ming presided over the meeting in Shenyang.\nDeputy Wu Lan spoke.\n"
    path = write(tmp_path / "wide.txt", f" date 2023-02-17 {body}".encode(encoding))
    doc = load_document(path)
    assert doc.text == body and doc.date == date(2023, 2, 17)
    scan = scan_documents([tmp_path])
    assert [ref.doc_id for ref in scan.documents] == ["wide"] and scan.skipped == ()
    assert any(f"decoded as {encoding.upper()} (no byte-order mark" in note.message for note in scan.notes)
    # binary data with zero bytes at both parities (or at none) is still binary
    with pytest.raises(DocumentError, match="binary"):
        decode_text(b"\x00\x01\x00\x00" * 64 + b"\x7fELF\x00\x00\x01\x02" * 32, "x.bin")
