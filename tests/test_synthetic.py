"""kg.synthetic: deterministic articles of the genre, and kg finds the facts planted in them."""

from __future__ import annotations

import pytest

from kg.synthetic import file_text, generate, generate_corpus, world, write_corpus

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_the_same_seed_gives_the_same_texts() -> None:
    a, b = generate(6, seed=3), generate(6, seed=3)
    assert [d.text for d in a] == [d.text for d in b]
    assert a == b
    assert [d.text for d in generate(3, seed=3)] == [d.text for d in a[:3]]  # a prefix of a longer run
    assert [d.text for d in generate(6, seed=4)] != [d.text for d in a]


def test_articles_look_like_the_genre() -> None:
    docs = generate(40, seed=1)
    assert len({d.doc_id for d in docs}) == 40
    for doc in docs:
        assert 400 <= len(doc.text.split()) <= 900, doc.doc_id
        assert doc.date is not None
        assert "Provincial" in doc.text
        assert "\n\n" in doc.text  # paragraphs


def test_officials_have_distinct_names() -> None:
    for province in world(0):
        people = [
            province.secretary,
            province.governor,
            province.deputy_secretary,
            province.congress_director,
            province.cppcc_chairman,
            *province.vice_governors,
            *province.vice_chairmen,
            *province.standing_members,
            *province.city_secretaries,
        ]
        surnames = [p.surname for p in people]
        assert len(set(surnames)) == len(surnames), province.name  # "Zhang said" names one person
        assert all(len(p.name.split()) == 2 and p.name.split()[1][0].isupper() for p in people)


def test_written_articles_read_back_identically(tmp_path) -> None:
    from kg.ingest import load_documents

    docs = generate(4, seed=2)
    paths = write_corpus(tmp_path, 4, seed=2)
    assert [p.name for p in paths] == [d.file_name for d in docs]
    assert paths[0].read_text(encoding="utf-8") == file_text(docs[0])
    loaded = {d.doc_id: d for d in load_documents([tmp_path]).documents}
    for doc in docs:
        back = loaded[doc.doc_id]
        assert (back.text, back.date, back.sha256) == (doc.text, doc.date, doc.sha256)


def test_kg_finds_the_planted_facts() -> None:
    from kg.extract import extract_documents
    from kg.resolve import resolve
    from kg.synthetic import recall

    synthetic = generate_corpus(10, seed=7)
    assert {f.kind for f in synthetic.facts} >= {"presided", "attended", "spoke", "holds", "promotes", "reports"}
    corpus = resolve(extract_documents(synthetic.documents))
    found = recall(synthetic.facts, corpus)
    hit, total = found["presided"]
    assert total >= 8 and hit / total >= 0.9, found
    for kind, (hit, total) in found.items():
        assert hit / total >= 0.8, (kind, found)
