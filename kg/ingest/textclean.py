"""Decoding and cleaning of raw files: bytes to text, control characters, HTML to plain text.

``kg.ingest`` applies these in order (see its docstring): :func:`decode_text` (encoding detection
and the binary check), :func:`clean_text` (line ends, control characters), :func:`looks_like_html`
and :func:`html_to_text`.
"""

from __future__ import annotations

import codecs
import os
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from kg.errors import DocumentError

_ALL_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BOM = "\ufeff"
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*(?P<meta>[A-Za-z0-9_.:-]{1,40})"""
    rb"""|<\?xml[^>]{0,200}?encoding\s*=\s*["'](?P<xml>[A-Za-z0-9_.:-]{1,40})["']""",
    re.IGNORECASE,
)
# Labels browsers map to a superset (WHATWG Encoding Standard): decode as the superset.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "latin_1": "cp1252", "ascii": "cp1252", "iso8859_1": "cp1252"}
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and LF
_BINARY_CONTROL_SHARE = 0.02  # more control characters than this (per character) means binary
_HTML_TAG = re.compile(
    r"<\s*/?\s*(?P<tag>!doctype\s+html|html|head|body|p|div|br|hr|h[1-6]|article|section|span|a|table|tr|td|ul|ol"
    r"|li|strong|em|b|i|meta|script|style|title|blockquote)(?:\s[^<>]*)?/?\s*>",
    re.IGNORECASE,
)
_HTML_DOCUMENT_TAGS = ("!doctype", "html", "head", "body")


def display_path(path: str | Path) -> str:
    """``path`` fit for a one-line message: undecodable bytes as U+FFFD, control characters escaped."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # surrogates that are not escaped bytes
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _ALL_CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


# ---------------------------------------------------------------- decoding


def _codec(label: str) -> str | None:
    """Python's name for an encoding label, mapped to the superset browsers use; None if unknown."""
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    name = name.replace("-", "_")
    return _SUPERSETS.get(name, name)


def _declared_charset(raw: bytes) -> str | None:
    match = _DECLARED.search(raw[:4096])
    if match is None:
        return None
    return (match.group("meta") or match.group("xml")).decode("ascii")


def _mostly_utf8(raw: bytes) -> tuple[str, int] | None:
    """(text, number of bad sequences) when ``raw`` is UTF-8 apart from a few bad bytes, else None."""
    bad = 0

    def count(exc: UnicodeDecodeError) -> tuple[str, int]:
        nonlocal bad
        bad += 1
        return "\ufffd", exc.end

    codecs.register_error("kg-count", count)
    text = raw.decode("utf-8", "kg-count")
    multibyte = sum(1 for c in text if ord(c) > 0x7F and c != "\ufffd")
    if bad and multibyte >= bad:  # the file is plainly UTF-8 (cut characters, a stray byte)
        return text, bad
    return None


def _looks_chinese(text: str) -> bool:
    """Most non-ASCII characters are GB2312 (simplified Chinese), and half are ideographs."""
    wide = [c for c in text if ord(c) > 0x7F]
    if len(wide) < 2:
        return False
    common = 0
    for c in wide:
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 1
    ideographs = sum(1 for c in wide if "\u4e00" <= c <= "\u9fff")
    return common >= 0.9 * len(wide) and ideographs >= 0.5 * len(wide)


def decode_bytes(raw: bytes, path: str | Path, *, partial: bool = False) -> tuple[str, str | None]:
    """Decode a document's bytes; return (text, note) where note says how, unless plain UTF-8.

    ``partial`` means ``raw`` was cut from a longer file: an incomplete last character is dropped.
    Raises ``DocumentError`` (reason "binary") for binary data.
    """
    shown = display_path(path)

    def decode(encoding: str, errors: str = "strict") -> str:
        return codecs.getincrementaldecoder(encoding)(errors).decode(raw, final=not partial)

    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                text = decode(encoding)
            except UnicodeDecodeError:
                text = decode(encoding, "replace")
                return text, f"invalid {encoding.upper()} bytes replaced by U+FFFD"
            note = None if encoding == "utf-8-sig" else f"decoded as {encoding.upper()} (byte-order mark)"
            return text.removeprefix(_BOM), note
    if b"\x00" in raw:
        from kg.ingest.utf16 import bomless_utf16

        encoding = bomless_utf16(raw)
        if encoding is None:
            raise DocumentError(shown, "binary file (contains NUL bytes), not a text document", "binary")
        try:
            return decode(encoding), f"decoded as {encoding.upper()} (no byte-order mark; every other byte is zero)"
        except UnicodeDecodeError:
            note = f"invalid {encoding.upper()} bytes replaced by U+FFFD (no byte-order mark)"
            return decode(encoding, "replace"), note
    try:
        return decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(raw)
    codec = _codec(declared) if declared else None
    if codec and codec != "utf_8":
        try:
            return decode(codec), f"decoded as {codec} (declared charset {declared!r}; not valid UTF-8)"
        except UnicodeDecodeError:
            pass
    mostly = _mostly_utf8(raw)
    if mostly is not None:
        return mostly[0], f"not valid UTF-8: {mostly[1]} bad byte sequence(s) replaced by U+FFFD"
    try:
        text = decode("gb18030")
        if _looks_chinese(text):
            return text, "decoded as gb18030 (Chinese text; not valid UTF-8)"
    except UnicodeDecodeError:
        pass
    try:
        return decode("cp1252"), "decoded as cp1252 (not valid UTF-8)"
    except UnicodeDecodeError:
        return decode("latin-1"), "decoded as latin-1 (not valid UTF-8)"


def check_not_binary(text: str, path: str | Path) -> None:
    sample = text[:65536]
    controls = len(_CONTROLS.findall(sample)) - sample.count("\r") - sample.count("\x0c")
    if sample and controls > _BINARY_CONTROL_SHARE * len(sample):
        problem = f"binary file ({controls / len(sample):.0%} control characters), not a text document"
        raise DocumentError(display_path(path), problem, "binary")


def clean_text(text: str) -> tuple[str, int]:
    """Drop a leading BOM, turn CRLF/CR/U+2028/U+2029 into LF and other controls (not tab) into spaces.

    Returns (text, number of control characters replaced by spaces).
    """
    text = text.removeprefix(_BOM).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return _CONTROLS.subn(" ", text)


def decode_text(raw: bytes, path: str | Path) -> str:
    """Decode and clean a document's bytes (see :func:`decode_bytes` and :func:`clean_text`).

    Raises ``DocumentError`` with reason "binary" for binary data.
    """
    text, _note = decode_bytes(raw, path)
    check_not_binary(text, path)
    return clean_text(text)[0]


# ---------------------------------------------------------------- HTML


_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li "
    "main nav ol p pre section table tbody tfoot thead tr ul".split()
)
_SKIPPED_TAGS = frozenset("script style title noscript template svg iframe object".split())


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        if tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if not self.pre:  # a blank line in the source stays a paragraph break; other whitespace is a space
            data = re.sub(r"\s+", lambda m: "\n\n" if m.group().count("\n") > 1 else " ", data)
        self.parts.append(data)


def looks_like_html(text: str) -> bool:
    """True when ``text`` has a document-level HTML tag (``<html>``, ``<body>``, ...) or two HTML tags."""
    tags = [m.group("tag").lower() for m in _HTML_TAG.finditer(text[:200_000])]
    return any(tag.startswith(_HTML_DOCUMENT_TAGS) for tag in tags) or len(tags) >= 2


def html_to_text(markup: str) -> str:
    """Plain text of HTML ``markup``: tags dropped, entities decoded, paragraphs as blank lines."""
    parser = _TextParser()
    try:
        parser.feed(markup)
        parser.close()
        text = "".join(parser.parts)
    except Exception:  # noqa: BLE001 - html.parser is lenient, but never let markup stop a build
        text = unescape(re.sub(r"<[^>]*>", " ", markup))
    text, _ = clean_text(text)
    text = text.replace("\u00a0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
