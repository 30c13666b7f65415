"""Resolution alone, on hand-made records (no spaCy): one node per real entity."""

from __future__ import annotations

import sys
from datetime import date

import pytest

from kg.errors import InputError
from kg.model import DocumentExtraction, Evidence, OrgMention, PersonMention, PostMention
from kg.resolve import load_aliases, resolve, slug


def ev(doc: str, text: str, start: int) -> Evidence:
    return Evidence(doc, 0, 200, "sentence", start, start + len(text), text)


def extraction(doc: str, people: list[tuple[str, int]], posts=(), orgs=()) -> DocumentExtraction:
    return DocumentExtraction(
        doc_id=doc,
        file_name=f"{doc}.txt",
        date=date(2024, 1, 2),
        region="Hubei",
        sha256="0" * 64,
        people=tuple(PersonMention(s, ev(doc, s, at)) for s, at in people),
        posts=tuple(posts),
        organizations=tuple(orgs),
    )


def test_same_name_in_two_documents_is_one_node_with_a_readable_key():
    corpus = resolve([extraction("a", [("Qin Haoran", 0)]), extraction("b", [("QIN HAORAN", 5)])])
    assert [(p.key, p.name) for p in corpus.people] == [("person/qin-haoran", "Qin Haoran")]
    mentions = {(f.subject, f.object) for f in corpus.facts if f.kind == "mentions"}
    assert mentions == {("doc/a", "person/qin-haoran"), ("doc/b", "person/qin-haoran")}


def test_lowercase_given_name_and_surname_alone_resolve_to_the_full_name():
    corpus = resolve([extraction("a", [("Du Minghui", 0), ("Du minghui", 40), ("Du", 90)])])
    assert [p.name for p in corpus.people] == ["Du Minghui"]


def test_surname_alone_goes_to_the_last_full_name_before_it():
    corpus = resolve([extraction("a", [("Ma Jinsong", 0), ("Ma Xiaoli", 40), ("Ma", 90)])])
    assert {p.name for p in corpus.people} == {"Ma Jinsong", "Ma Xiaoli"}
    facts = [f for f in corpus.facts if f.kind == "mentions"]
    assert len(facts) == 2  # "Ma" is a mention of Ma Xiaoli, already mentioned


def test_misspelling_one_letter_off_merges_into_the_name_written_more_often():
    corpus = resolve([extraction("a", [("Fang Zhiwei", 0), ("Fang Zhiwei", 30), ("Fang Zhiwai", 60)])])
    assert [p.name for p in corpus.people] == ["Fang Zhiwei"]
    assert corpus.people[0].aliases == ("Fang Zhiwai",)


def test_posts_key_by_title_and_organization():
    org = OrgMention("CPC Hubei Provincial Committee", "party_committee", "Hubei", None, True, ev("a", "x", 0))
    post = PostMention("Qin Haoran", "Secretary", "CPC Hubei Provincial Committee", "holds", ev("a", "Qin", 0))
    corpus = resolve([extraction("a", [("Qin Haoran", 0)], posts=[post], orgs=[org])])
    assert [p.key for p in corpus.posts] == ["post/secretary/cpc-hubei-provincial-committee"]
    assert corpus.posts[0].label == "Secretary of the CPC Hubei Provincial Committee"
    holds = [f for f in corpus.facts if f.kind == "holds"]
    assert holds and holds[0].as_of == date(2024, 1, 2)
    assert corpus.organizations[0].jurisdiction == "place/hubei"


def test_alias_file_settles_what_rules_cannot(tmp_path):
    path = tmp_path / "aliases.toml"
    path.write_text('[people]\n"Qin Hao-ran" = "Qin Haoran"\n', encoding="utf-8")
    corpus = resolve([extraction("a", [("Qin Hao-ran", 0)]), extraction("b", [("Qin Haoran", 0)])], load_aliases(path))
    assert [p.name for p in corpus.people] == ["Qin Haoran"]


def test_bad_alias_file_is_a_clear_error(tmp_path):
    path = tmp_path / "aliases.toml"
    path.write_text("[people\n", encoding="utf-8")
    with pytest.raises(InputError, match="aliases.toml: not a valid TOML alias file"):
        load_aliases(path)
    with pytest.raises(InputError, match="alias file not found"):
        load_aliases(tmp_path / "missing.toml")


def test_slug_is_ascii_and_stable():
    assert slug("Standing Committee of the Guangdong Provincial People's Congress") == (
        "standing-committee-of-the-guangdong-provincial-peoples-congress"
    )
    assert slug("Lüliang") == "luliang"


def test_resolution_does_not_need_spacy():
    import subprocess

    code = "import kg.resolve, sys; assert 'spacy' not in sys.modules, 'spacy imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
