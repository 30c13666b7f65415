"""Issue #4: bad input never costs data. Messy inputs, atomic outputs, safe queries, determinism.

Every test here failed on the behaviour before the issue was fixed (skipping decodable text,
stopping at a missing path, hanging on a FIFO, order-dependent duplicates, queries without time
limits or with network access, TriG that changed with the hash seed, no build record).
"""

from __future__ import annotations

import codecs
import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from rdflib import Dataset
from rdflib.compare import isomorphic

import kg.ingest.documents
from kg.build import build, format_summary
from kg.build.dataset_exports import write_exports
from kg.cli import main
from kg.errors import (
    ExportError,
    GraphParseError,
    InputError,
    NoDocuments,
    QueryError,
    QueryTimeout,
    SourceNotFound,
    StrictFailure,
    UpdateRefused,
)
from kg.ingest import (
    MAX_DOCUMENT_CHARS,
    clean_text,
    decode_bytes,
    html_to_text,
    load_document,
    load_documents,
    looks_like_html,
    truncate,
)
from kg.query import query, run_query
from kg.store import BUILD_RECORD, load_graph, remove_stale_temps, sorted_nquads

SEEDS = Path(__file__).parents[1] / "seeds"
KG_SCRIPT = Path(sys.executable).parent / "kg"
SENTENCE = "Provincial party secretary Gao Ming presided over the meeting."
BODY = f"On February 17, the Standing Committee of the Provincial Party Committee held a meeting. {SENTENCE}"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def temps_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def extract():
    """Real extraction (spaCy loaded once per process)."""
    from kg.extract import extract_document

    return extract_document


def assert_offsets_point_into_stored_text(doc, extraction) -> int:
    count = 0
    for group in (extraction.people, extraction.posts, extraction.meetings, extraction.participations):
        for record in group:
            ev = record.evidence
            assert doc.text[ev.start : ev.end] == ev.text
            assert doc.text[ev.sentence_start : ev.sentence_end] == ev.sentence
            count += 1
    return count


# ================================================================ inputs: decoding and cleaning


@pytest.mark.parametrize(
    ("raw", "text", "how"),
    [
        ("Café in Shenyang".encode("latin-1"), "Café in Shenyang", "cp1252"),
        ("“Two Sessions” — Shenyang".encode("cp1252"), "“Two Sessions” — Shenyang", "cp1252"),
        (
            "辽宁省委书记童岚主持会议。Tong Lan presided.".encode("gbk"),
            "辽宁省委书记童岚主持会议。Tong Lan presided.",
            "gb18030",
        ),
        (
            '<meta charset="windows-1251"><p>Москва</p>'.encode("cp1251"),
            '<meta charset="windows-1251"><p>Москва</p>',
            "cp1251",
        ),
        ("Zhōu Bō spoke.".encode("utf-16"), "Zhōu Bō spoke.", "UTF-16"),
        (codecs.BOM_UTF8 + "Zhōu Bō".encode(), "Zhōu Bō", None),
        ("Zhōu Bō and Lǚ Wei said “yes”".encode() + b"\xe2\x80", "Zhōu Bō and Lǚ Wei said “yes”\ufffd", "replaced"),
    ],
)
def test_legacy_encodings_are_decoded_and_noted(raw, text, how):
    decoded, note = decode_bytes(raw, "x.txt")
    assert decoded == text
    if how is None:
        assert note is None
    else:
        assert how in note


def test_latin1_file_is_used_with_a_note_not_skipped(tmp_path):
    write(tmp_path / "good.txt", BODY)
    write(tmp_path / "latin.txt", f" date 2023-02-17 Café in Shenyang. {SENTENCE}".encode("latin-1"))
    result = load_documents([tmp_path])
    assert [d.file_name for d in result.documents] == ["good.txt", "latin.txt"]
    assert result.documents[1].text == f"Café in Shenyang. {SENTENCE}"
    assert result.skipped == ()
    (note,) = result.notes
    assert note.kind == "decoded" and "latin.txt" in note.message and "cp1252" in note.message


def test_gbk_chinese_text_is_decoded(tmp_path):
    doc = load_document(write(tmp_path / "cn.txt", "中共辽宁省委常委会召开会议。童岚主持会议。".encode("gbk")))
    assert doc.text == "中共辽宁省委常委会召开会议。童岚主持会议。"


def test_latin1_words_are_not_mistaken_for_chinese():
    for word in ("Pérez", "Müller", "São Paulo", "déjà vu", "Ålesund"):
        assert decode_bytes(word.encode("latin-1"), "x.txt")[0] == word


@pytest.mark.parametrize(
    "raw",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        bytes(range(1, 32)) * 40,  # no NUL byte, but control characters throughout
        bytes((i * 7919) % 251 + 1 for i in range(4000)),  # pseudo-random bytes without NUL
    ],
)
def test_binary_files_are_skipped_as_binary(tmp_path, raw):
    write(tmp_path / "good.txt", BODY)
    write(tmp_path / "blob.txt", raw)
    result = load_documents([tmp_path])
    (skipped,) = result.skipped
    assert skipped.reason == "binary"
    assert one_line(skipped.message).startswith(str(tmp_path / "blob.txt"))


def test_bom_crlf_cr_and_control_characters_are_cleaned(tmp_path):
    raw = codecs.BOM_UTF8 + b" date 2023-02-17 First line.\r\nSecond\x07line.\rThird line, Gao Ming.\r\n"
    doc = load_document(write(tmp_path / "a.txt", raw), notes=(notes := []))
    assert doc.text == "First line.\nSecond line.\nThird line, Gao Ming.\n"
    assert [n.kind for n in notes] == ["controls"]
    assert clean_text("a\u2028b\u2029c\x0bd\te")[0] == "a\nb\nc d\te"


HTML_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Site title | News</title>
<style>p { color: red }</style><script>var x = "<p>not text</p>";</script></head>
<body>
<h1>Gao Ming Presided over a Meeting</h1>
<p>On February 17, the Standing Committee of the Provincial Party Committee
held a meeting.   Provincial party secretary <b>Gao Ming</b> presided over the meeting.</p>
<p>Zhang Wei &amp; Lu Qianfan attended&nbsp;it.<br>A second line.</p>
<!-- a comment -->
</body></html>
"""


def test_html_is_converted_to_text_with_paragraph_breaks(tmp_path):
    assert looks_like_html(HTML_PAGE)
    assert not looks_like_html("Prices rose 3% <in real terms> in 2023 & 2024.")
    text = html_to_text(HTML_PAGE)
    assert text == (
        "Gao Ming Presided over a Meeting\n\n"
        "On February 17, the Standing Committee of the Provincial Party Committee held a meeting. "
        "Provincial party secretary Gao Ming presided over the meeting.\n\n"
        "Zhang Wei & Lu Qianfan attended it.\nA second line."
    )
    doc = load_document(write(tmp_path / "page.txt", " date 2023-02-17 " + HTML_PAGE), notes=(notes := []))
    assert doc.text == text and str(doc.date) == "2023-02-17"
    assert [n.kind for n in notes] == ["html"]


def test_html_without_text_is_skipped_as_empty(tmp_path):
    write(tmp_path / "good.txt", BODY)
    write(tmp_path / "shell.txt", "<html><head><script>var a = 1;</script></head><body><div></div></body></html>")
    (skipped,) = load_documents([tmp_path]).skipped
    assert skipped.reason == "empty" and "HTML" in skipped.message


def test_offsets_point_into_the_cleaned_text(tmp_path, extract):
    """Evidence offsets refer to the stored (cleaned) text, whatever cleaning was needed."""
    sources = {
        "html.txt": (" date 2023-02-17 " + HTML_PAGE).encode("utf-8"),
        "latin.txt": f" date 2023-02-17 Café news.\r\n\r\n{BODY}\r\n".encode("latin-1"),
        "crlf.txt": codecs.BOM_UTF8 + f"Title\r\n\r\n{BODY}\r\n".encode(),
        "gbk.txt": f"辽宁新闻。\n\n{BODY}".encode("gbk"),
    }
    for name, raw in sources.items():
        doc = load_document(write(tmp_path / name, raw))
        assert "Gao Ming presided" in doc.text, name
        assert assert_offsets_point_into_stored_text(doc, extract(doc)) > 0, name


# ================================================================ inputs: size


def test_five_megabyte_article_is_truncated_at_a_paragraph_with_a_note(tmp_path):
    paragraph = BODY + " " + "The meeting stressed the need to deepen reform and opening up. " * 8
    raw = "\n\n".join([paragraph] * 12000)[: 5 * 1024 * 1024]
    notes = []
    doc = load_document(write(tmp_path / "big.txt", raw), notes=notes)
    assert MAX_DOCUMENT_CHARS * 3 // 4 <= len(doc.text) <= MAX_DOCUMENT_CHARS
    assert raw.startswith(doc.text) and raw[len(doc.text) :].startswith(" \n\n")  # cut at a paragraph end
    (note,) = notes
    assert note.kind == "truncated" and "big.txt" in note.message and f"{MAX_DOCUMENT_CHARS:,}" in note.message


def test_file_larger_than_the_read_limit_is_read_partially(tmp_path, monkeypatch):
    monkeypatch.setattr(kg.ingest.documents, "MAX_FILE_BYTES", 1000)
    raw = ("Zhōu Bō spoke. " * 200).encode()  # multi-byte characters straddle the cut
    doc = load_document(write(tmp_path / "huge.txt", raw), notes=(notes := []))
    assert "\ufffd" not in doc.text and raw.decode().startswith(doc.text)
    assert [n.kind for n in notes] == ["truncated"] and "bytes long" in notes[0].message


def test_build_processes_a_five_megabyte_article(tmp_path, capsys):
    raw = "\n\n".join([BODY] * 40000)[: 5 * 1024 * 1024]
    write(tmp_path / "in" / "big.txt", f" date 2023-02-17 {raw}")
    assert main(["build", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--max-chars", "3000"]) == 0
    out, err = capsys.readouterr()
    assert "Built 1 document" in out and "Cleaned: 1 truncated" in out
    assert one_line(err).startswith(f"kg: note (truncated): {tmp_path / 'in' / 'big.txt'}: document is 5,242,8")
    record = json.loads((tmp_path / "out" / BUILD_RECORD).read_text())
    assert record["documents"][0]["chars"] <= 3000 and record["notes"][0]["kind"] == "truncated"
    assert run_query(load_graph(tmp_path / "out" / "graph.trig"), "ASK { ?m kg:presidedBy ?p }").boolean


def test_truncate_prefers_paragraph_then_line_then_sentence_breaks():
    assert truncate("a" * 80 + "\n\n" + "b" * 50, 100) == "a" * 80
    assert truncate("a" * 80 + "\n" + "b" * 50, 100) == "a" * 80
    assert truncate("a" * 80 + ". " + "b" * 50, 100) == "a" * 80 + "."
    assert truncate("a" * 300, 100) == "a" * 100


# ================================================================ inputs: headers, duplicates, paths


def test_overlong_malformed_header_gives_a_short_message(tmp_path):
    write(tmp_path / "good.txt", BODY)
    write(tmp_path / "bad.txt", " date 2023" + "-x" * 5000 + " Body.")
    (skipped,) = load_documents([tmp_path]).skipped
    assert skipped.reason == "bad-header" and len(skipped.message) < 200


def test_duplicate_kept_does_not_depend_on_source_order(tmp_path):
    a = write(tmp_path / "x" / "a.txt", BODY)
    b = write(tmp_path / "y" / "b.txt", BODY)
    for order in ([a, b], [b, a], [tmp_path / "y", tmp_path / "x"]):
        result = load_documents(order)
        assert [d.doc_id for d in result.documents] == ["a"]
        (skipped,) = result.skipped
        assert skipped.reason == "duplicate" and skipped.message == f"{b}: same content as {a}"


def test_same_name_kept_does_not_depend_on_source_order(tmp_path):
    write(tmp_path / "root" / "x" / "doc.txt", "First article about Gao Ming.")
    write(tmp_path / "root" / "y" / "doc.txt", "Second, different article.")
    forward = load_documents([tmp_path / "root" / "x" / "doc.txt", tmp_path / "root" / "y" / "doc.txt"])
    backward = load_documents([tmp_path / "root" / "y" / "doc.txt", tmp_path / "root" / "x" / "doc.txt"])
    assert forward.documents == backward.documents
    assert [s.reason for s in forward.skipped] == [s.reason for s in backward.skipped] == ["duplicate-name"]


def test_names_differing_only_in_the_suffix_case_are_one_document(tmp_path):
    write(tmp_path / "a.txt", "First article about Gao Ming.")
    write(tmp_path / "a.TXT", "Second, different article.")
    result = load_documents([tmp_path])
    assert [d.doc_id for d in result.documents] == ["a"]
    assert [s.reason for s in result.skipped] == ["duplicate-name"]


def test_missing_source_is_skipped_and_the_build_goes_on(tmp_path):
    write(tmp_path / "in" / "good.txt", BODY)
    result = load_documents([tmp_path / "nope", tmp_path / "in"])
    assert [d.doc_id for d in result.documents] == ["good"]
    (skipped,) = result.skipped
    assert (skipped.reason, skipped.message) == ("not-found", f"{tmp_path / 'nope'}: no such file or directory")
    with pytest.raises(SourceNotFound):  # nothing loaded and a source is missing: that is the error
        load_documents([tmp_path / "nope", tmp_path / "empty-dir-does-not-exist"])


def test_no_usable_documents_carries_every_reason(tmp_path, capsys):
    write(tmp_path / "in" / "a.txt", "")
    write(tmp_path / "in" / "b.txt", b"\x00\x01")
    with pytest.raises(NoDocuments) as err:
        load_documents([tmp_path / "in"])
    assert [s.reason for s in err.value.skipped] == ["empty", "binary"]
    assert main(["build", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == f"kg: skipped (empty): {tmp_path / 'in' / 'a.txt'}: empty document"
    assert lines[1].startswith(f"kg: skipped (binary): {tmp_path / 'in' / 'b.txt'}")
    assert lines[2].startswith("kg: error: no usable documents in") and len(lines) == 3
    assert not (tmp_path / "out").exists()


def test_unreadable_file_is_skipped(tmp_path, monkeypatch):
    write(tmp_path / "good.txt", BODY)
    locked = write(tmp_path / "locked.txt", BODY + " Another.")
    real_open = open

    def deny(path, *args, **kwargs):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(kg.ingest.documents, "open", deny, raising=False)
    (skipped,) = load_documents([tmp_path]).skipped
    assert skipped.reason == "unreadable"
    assert skipped.message == f"{locked}: cannot read: Permission denied"


def test_broken_symlink_and_fifo_are_reported_not_ignored_or_hung_on(tmp_path):
    write(tmp_path / "good.txt", BODY)
    (tmp_path / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    results = []
    worker = threading.Thread(target=lambda: results.append(load_documents([tmp_path])), daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), "load_documents blocked on a FIFO"
    assert {(Path(s.path).name, s.reason) for s in results[0].skipped} == {
        ("broken.txt", "unreadable"),
        ("pipe.txt", "not-a-file"),
    }


def test_undecodable_and_odd_file_names_give_valid_identifiers(tmp_path, extract):
    from kg.rdf.dataset import corpus_to_dataset
    from kg.resolve import resolve

    folder = tmp_path / "in"
    folder.mkdir()
    odd = os.fsdecode(b"caf\xe9 #1?.TXT")
    write(folder / odd, BODY)
    write(folder / "line\nbreak.txt", BODY + " More.")
    result = load_documents([folder])
    assert sorted(d.doc_id for d in result.documents) == ["caf\ufffd #1?", "line\\nbreak"]
    ds = corpus_to_dataset(resolve([extract(d) for d in result.documents]))
    again = Dataset()
    again.parse(data=sorted_nquads(ds), format="nquads")
    assert sorted_nquads(again) == sorted_nquads(ds)


def test_every_skip_is_one_line_naming_the_file(tmp_path):
    cases = {
        "empty.txt": b"",
        "blank.txt": b"  \n\t\r\n",
        "binary.txt": b"\x00\x01\x02",
        "baddate.txt": b" date 2023-02-30 Body.",
        "badheader.txt": b" date 2023/02/17 Body.",
        "dup.txt": BODY.encode(),
    }
    write(tmp_path / "a.txt", BODY)
    for name, raw in cases.items():
        write(tmp_path / name, raw)
    (tmp_path / "empty-folder").mkdir()
    result = load_documents([tmp_path, tmp_path / "empty-folder", tmp_path / "missing"])
    reasons = {Path(s.path).name: s.reason for s in result.skipped}
    assert reasons == {
        "empty.txt": "empty",
        "blank.txt": "empty",
        "binary.txt": "binary",
        "baddate.txt": "bad-date",
        "badheader.txt": "bad-header",
        "dup.txt": "duplicate",
        "empty-folder": "no-documents",
        "missing": "not-found",
    }
    for item in result.skipped:
        assert one_line(item.message).startswith(item.path + ":")


# ================================================================ build: summary, --strict, build.json


@pytest.fixture
def messy(tmp_path) -> Path:
    folder = tmp_path / "messy"
    shutil.copytree(SEEDS, folder)
    write(folder / "empty.txt", "")
    write(folder / "blob.txt", b"\x00binary")
    write(folder / "copy.txt", (SEEDS / "000_cfff46b446438275.txt").read_bytes())
    write(folder / "latin.txt", f"Café news. {BODY}".encode("latin-1"))
    return folder


def test_build_counts_skips_by_reason_and_writes_a_record(messy, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(messy), str(tmp_path / "missing"), "--out", str(out)]) == 0
    stdout, stderr = capsys.readouterr()
    assert "Built 6 documents, 4 skipped in" in stdout
    assert "Skipped: 1 binary, 1 duplicate, 1 empty, 1 not-found" in stdout
    assert "Cleaned: 1 decoded (1 document" in stdout
    lines = stderr.splitlines()
    assert len(lines) == 5 and all(line.startswith(("kg: skipped (", "kg: note (")) for line in lines)
    record = json.loads((out / BUILD_RECORD).read_text(encoding="utf-8"))
    assert record["kg_version"] and record["started"] <= record["finished"]
    assert record["skipped_by_reason"] == {"binary": 1, "duplicate": 1, "empty": 1, "not-found": 1}
    assert len(record["documents"]) == 6 and record["triples"] > 100
    for key, info in record["outputs"].items():
        data = (out / info["file"]).read_bytes()
        assert info["sha256"] == hashlib.sha256(data).hexdigest() and info["bytes"] == len(data), key
    assert temps_in(out) == []


def test_strict_fails_before_writing_and_lists_each_file(messy, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(messy), "--out", str(out), "--strict"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(":")[1].strip() for line in lines[:-1]] == [
        "skipped (binary)",
        "skipped (duplicate)",
        "skipped (empty)",
    ]
    assert lines[-1] == "kg: error: --strict: 3 skipped (1 binary, 1 duplicate, 1 empty); nothing was written"
    assert not out.exists()
    with pytest.raises(StrictFailure):
        build([messy], out, strict=True)


def test_strict_fails_on_truncation(tmp_path):
    write(tmp_path / "in" / "long.txt", BODY * 50)
    with pytest.raises(StrictFailure, match="1 truncated"):
        build([tmp_path / "in"], tmp_path / "out", strict=True, max_chars=500)
    assert not (tmp_path / "out").exists()


def test_max_chars_must_be_positive(tmp_path, capsys):
    with pytest.raises(InputError):
        load_documents([SEEDS], max_chars=0)
    assert main(["build", str(SEEDS), "--out", str(tmp_path / "o"), "--max-chars", "0"]) == 2
    assert "expected a positive number" in capsys.readouterr().err


# ================================================================ outputs


def test_stale_temp_files_of_dead_processes_are_removed(tmp_path, make_ds):
    dead = 2**22 + 12345  # above pid_max on Linux: no such process
    stale = [
        write(tmp_path / f".graph.trig.{dead}.0123abcd.tmp", "half a graph"),
        write(tmp_path / f"..graph.html.{dead}.0123abcd.tmp.{dead}.4567cdef.tmp", "<html"),
    ]
    alive = write(tmp_path / f".graph.nq.{os.getppid()}.89abcdef.tmp", "in progress elsewhere")
    other = write(tmp_path / ".notes.txt", "not ours")
    write_exports(make_ds(), tmp_path, record={"kg_version": "test"})
    assert not any(p.exists() for p in stale)
    assert alive.exists() and other.exists()
    assert remove_stale_temps(tmp_path) == []


def test_record_is_written_last_and_matches_the_exports(tmp_path, make_ds, monkeypatch):
    order = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (order.append(Path(b).name), real_replace(a, b)))
    write_exports(make_ds(), tmp_path, record={"kg_version": "test"})
    order = [name for name in order if not name.startswith(".")]  # (the HTML writer renames onto its temp file)
    assert order[-1] == BUILD_RECORD and set(order[:-1]) == {"graph.trig", "graph.ttl", "graph.nq", "graph.html"}


def test_failing_export_leaves_record_and_exports_untouched(tmp_path, make_ds, monkeypatch):
    write_exports(make_ds(), tmp_path, record={"kg_version": "first"})
    before = snapshot(tmp_path)
    monkeypatch.setattr(
        "kg.build.dataset_exports.sorted_nquads", lambda ds: (_ for _ in ()).throw(OSError(28, "No space left"))
    )
    with pytest.raises(ExportError, match="No space left"):
        write_exports(make_ds(person_name="Someone Else"), tmp_path, record={"kg_version": "second"})
    assert snapshot(tmp_path) == before


# ================================================================ queries


@pytest.fixture
def graph_file(tmp_path, tiny_ds) -> Path:
    path = tmp_path / "graph.trig"
    tiny_ds.serialize(destination=path, format="trig")
    return path


def test_runaway_query_is_stopped_by_the_timeout(tiny_ds):
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as err:
        run_query(tiny_ds, RUNAWAY, timeout=0.5)
    assert time.monotonic() - started < 10
    assert str(err.value).startswith("query stopped after 0.5 s") and err.value.exit_code == 2
    assert multiprocessing.active_children() == []  # the worker was killed and reaped


def test_timeout_in_the_cli(graph_file, capsys):
    assert main(["query", RUNAWAY, "--graph", str(graph_file), "--timeout", "0.5"]) == 2
    assert one_line(capsys.readouterr().err).startswith("kg: error: query stopped after 0.5 s")
    assert main(["query", "ASK { ?s ?p ?o }", "--graph", str(graph_file), "--timeout", "-1"]) == 2
    assert "expected a positive number" in capsys.readouterr().err


def test_queries_with_a_timeout_give_the_same_answers(tiny_ds, graph_file):
    for sparql in (
        "SELECT ?name WHERE { ?m kg:presidedBy/schema:name ?name }",
        "ASK { ?m kg:presidedBy ?p }",
        "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }",
    ):
        for fmt in ("table", "json", "csv"):
            assert query(sparql, graph_file, fmt=fmt, timeout=30) == query(sparql, graph_file, fmt=fmt)


def test_errors_and_crashes_in_the_query_worker_are_reported(tiny_ds, monkeypatch):
    def fail(*args, **kwargs):
        raise QueryError("query failed: boom")

    monkeypatch.setattr("kg.query.engine.execute", fail)
    with pytest.raises(QueryError, match="query failed: boom"):
        run_query(tiny_ds, "ASK { ?s ?p ?o }", timeout=30)
    monkeypatch.setattr("kg.query.engine.execute", lambda *args, **kwargs: os._exit(3))
    with pytest.raises(QueryError, match=r"the worker process died \(exit code 3\)"):
        run_query(tiny_ds, "ASK { ?s ?p ?o }", timeout=30)


def test_service_is_refused_and_from_reads_nothing(tiny_ds, tmp_path):
    with pytest.raises(QueryError, match="refusing SERVICE <http://example.org/sparql>"):
        run_query(tiny_ds, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    other = write(tmp_path / "other.ttl", "<http://ex/a> <http://ex/b> <http://ex/secret> .\n")
    sparql = f"SELECT ?o FROM <{other.as_uri()}> WHERE {{ ?s <http://ex/b> ?o }}"
    assert run_query(tiny_ds, sparql).rows == ()


def test_update_through_the_cli_leaves_the_graph_file_unchanged(graph_file, capsys):
    before = graph_file.read_bytes()
    for update in ("DELETE WHERE { ?s ?p ?o }", "DROP ALL", "INSERT DATA { <http://a> <http://b> <http://c> }"):
        assert main(["query", update, "--graph", str(graph_file)]) == 2
        assert "read-only" in one_line(capsys.readouterr().err)
    with pytest.raises(UpdateRefused):
        query("CLEAR DEFAULT", graph_file)
    assert graph_file.read_bytes() == before


def test_truncated_graph_file_names_the_line(tmp_path, tiny_ds):
    data = tiny_ds.serialize(format="trig", encoding="utf-8")
    lines = data.split(b"\n")
    cut = tmp_path / "cut.trig"
    cut.write_bytes(b"\n".join(lines[: len(lines) // 2]) + b"\n<https://w3id.org/kg/id/x> <")
    with pytest.raises(GraphParseError) as err:
        load_graph(cut)
    assert one_line(str(err.value)).startswith(f"{cut}: line ")


# ================================================================ determinism


def test_same_documents_in_any_order_or_folder_give_identical_graphs(seeds_build, tmp_path):
    """seeds/ built as a folder, and copies in other folders passed file by file in reverse order."""
    _summary, first = seeds_build
    seeds = sorted(SEEDS.glob("*.txt"))
    second = tmp_path / "zz-second-copy"
    for i, path in enumerate(reversed(seeds)):  # nested, in another order
        write(second / f"{'ab'[i % 2]}" / f"level{i}" / path.name, path.read_bytes())
    files = sorted(second.rglob("*.txt"), key=lambda p: p.name, reverse=True)
    two = build(files, tmp_path / "out", html=False, validate=False)
    nq1, nq2 = (first / "graph.nq").read_bytes(), two.outputs["nq"].read_bytes()
    assert nq1 == nq2
    assert (first / "graph.trig").read_bytes() == two.outputs["trig"].read_bytes()
    assert (first / "graph.ttl").read_bytes() == two.outputs["ttl"].read_bytes()
    g1, g2 = Dataset(), Dataset()
    g1.parse(data=nq1, format="nquads")
    g2.parse(data=nq2, format="nquads")
    names = {g.identifier for g in g1.graphs()}
    assert names == {g.identifier for g in g2.graphs()} and len(names) > 10
    assert all(isomorphic(g1.graph(name), g2.graph(name)) for name in names)
    assert b"file:" not in nq1 and str(tmp_path).encode() not in nq2  # nothing about where it was built
    r1, r2 = (json.loads((folder / BUILD_RECORD).read_text()) for folder in (first, tmp_path / "out"))
    assert r1["outputs"]["nq"] == r2["outputs"]["nq"] and r1["facts"] == r2["facts"]
    assert r1["sources"] != r2["sources"]  # where it came from is in the record, not in the graph


def test_exports_do_not_depend_on_the_hash_seed(seeds_build, tmp_path):
    """A separate process with another PYTHONHASHSEED writes byte-identical graph files."""
    _summary, out = seeds_build
    files = [str(p) for p in sorted(SEEDS.glob("*.txt"), reverse=True)]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [str(KG_SCRIPT), "build", *files, "--out", str(tmp_path / "again")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for name in ("graph.nq", "graph.trig", "graph.ttl"):
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes(), name


def test_summary_mentions_the_record(seeds_build):
    summary, out = seeds_build
    assert summary.record == out / BUILD_RECORD and summary.record.is_file()
    assert f"(record: {out / BUILD_RECORD})" in format_summary(summary)
