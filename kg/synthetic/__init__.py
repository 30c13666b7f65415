"""Synthetic articles of the genre (provincial politics news in English), for benchmarks and sanity checks.

    docs = generate(1000, seed=0)                  # list[kg.model.Document], deterministic
    corpus = generate_corpus(1000, seed=0)         # .documents and .facts (what was planted)
    write_corpus("/tmp/syn", 1000, seed=0)         # " date YYYY-MM-DD " + body, one .txt per article

A seed fixes a *world* (for every province: a party secretary, a governor, deputy secretaries,
vice governors, the heads of the provincial people's congress and CPPCC, vice chairmen, standing
committee members, city leaders; all with distinct Chinese names made of a surname and pinyin
syllables from ``kg/data/chinese_names.toml``), and every article is then drawn from its own
random stream (``seed`` and its index), so ``generate(n, seed)`` is a prefix of
``generate(n + k, seed)`` and the same seed always gives byte-identical texts.

An article reports one meeting of a provincial body (standing committee meeting, executive
meeting, CPPCC or people's congress standing committee meeting, symposium, work conference,
collective study session, plenary session), built from about fifteen sentence shapes of the
genre: the lead with date and organizer, who presided, who attended and delivered a speech
(with their posts), lists of attendees, "Vice chairmen A, B and C attended", what the meeting
stressed, which strategies and plans it asked to implement, and paragraphs of policy prose, so
that articles run to 400-900 words like real ones.

The facts planted in each text are returned as ``PlantedFact`` values so a test can measure how
many of them kg's extraction finds (a cheap accuracy check; the texts are easy on purpose).
Titles, meeting kinds, bodies and strategies come from kg's own data files, so the generator
stays within the vocabulary kg knows; names are drawn so that no two people of a province share
a surname or are one letter apart (which kg would merge as misspellings).
"""

from __future__ import annotations

from kg.synthetic.articles import (
    doc_id,
    file_text,
    generate,
    generate_corpus,
    iter_documents,
    word_count,
    write_corpus,
)
from kg.synthetic.check import found_facts, recall
from kg.synthetic.provinces import (
    Official,
    PlantedFact,
    Province,
    SyntheticCorpus,
    congress,
    cppcc,
    government,
    party_committee,
    world,
)

__all__ = [
    "Official",
    "PlantedFact",
    "Province",
    "SyntheticCorpus",
    "congress",
    "cppcc",
    "doc_id",
    "file_text",
    "found_facts",
    "generate",
    "generate_corpus",
    "government",
    "iter_documents",
    "party_committee",
    "recall",
    "word_count",
    "world",
    "write_corpus",
]
