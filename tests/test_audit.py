"""The recall audit (kg audit): what it counts as a mention, what explains one, and its output.

Sentences and people are invented. The audit runs the real pipeline (spaCy model + kg's rules).
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from kg.audit import CLASSES, AuditReport, audit_documents, audit_sources, summarize
from kg.audit.explain import explained_by, records
from kg.audit.mentions import Hit
from kg.audit.report import format_text, marked, parse_classes
from kg.audit.words import words
from kg.cli import main
from kg.errors import InputError, SourceNotFound
from kg.extract import dates
from kg.model import (
    Document,
    DocumentExtraction,
    Evidence,
    MeetingMention,
    OrgMention,
    ParticipationMention,
    PersonMention,
    PostMention,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ARTICLE = (
    "HANGZHOU, May 16 (Xinhua) -- The provincial conference on rural revitalization was held on Thursday in "
    "Hangzhou. Qiao Mingze, secretary of the CPC Zhejiang Provincial Committee, presided over the meeting and "
    "delivered a speech. The tea was grown near the house of Dou Xinbo. Vice Governor Fang Ruolan attended the "
    'meeting at the Xiling Guesthouse. Governor Ahmad Sulaiman met with the delegation. The "Green Lakes '
    'Program" and the Three-Year Action Plan for Clean Water were discussed.'
)


def audit(text: str, day: date | None = date(2024, 5, 17), doc_id: str = "t"):
    """The findings of one invented document, as {(class, text): finding}."""
    (result,) = audit_documents([Document(doc_id, f"{doc_id}.txt", f"{doc_id}.txt", text, day, "0" * 64)])
    return {(f.cls, f.text): f for f in result.findings}


@pytest.fixture(scope="module")
def article():
    return audit(ARTICLE)


# ---------------------------------------------------------------- explained or not


def test_a_person_kg_extracts_is_explained_and_one_it_misses_is_not(article):
    assert article[("person", "Qiao Mingze")].explained
    assert article[("person", "Qiao Mingze")].explained_by == "person"
    missed = article[("person", "Dou Xinbo")]  # a name after "of", with no title or role: kg keeps no person
    assert not missed.explained and missed.explained_by == ""
    assert missed.sentence == "The tea was grown near the house of Dou Xinbo."


def test_the_facts_of_an_extracted_post_and_role_explain_their_title_and_verbs(article):
    assert article[("title", "secretary")].explained_by == "post"
    assert article[("role", "presided over")].explained_by == "participation"
    assert article[("role", "delivered a speech")].explained_by == "participation"
    assert article[("date", "May 16")].explained_by == "meeting date"  # the dateline
    assert article[("date", "on Thursday")].explained_by == "meeting date"  # May 16, 2024 was a Thursday
    assert article[("place", "Hangzhou")].explained_by == "meeting place"
    assert article[("initiative", "rural revitalization")].explained_by == "initiative"


# ---------------------------------------------------------------- what counts as a mention


def test_each_class_is_detected(article):
    found = set(article)
    assert {("person", "Fang Ruolan"), ("person", "Ahmad Sulaiman")} <= found  # pinyin name; name after a title
    assert {("title", "Vice Governor"), ("title", "Governor")} <= found
    assert {("role", "attended"), ("role", "met with")} <= found
    assert ("place", "Xiling Guesthouse") in found  # a venue
    assert ("initiative", "Green Lakes Program") in found  # quoted
    assert ("initiative", "Three-Year Action Plan for Clean Water") in found  # headed by a plan word
    assert {cls for cls, _ in found} == set(CLASSES)


def test_a_non_han_name_before_a_comma_and_a_title_is_a_person():
    found = audit("Tenzin Norbu, vice chairman of the regional government, visited the school.")
    assert ("person", "Tenzin Norbu") in found
    assert ("title", "vice chairman") in found


def test_a_name_after_an_honorific_is_a_person_without_the_honorific():
    found = audit("The guests were welcomed by H.E. Erkin Tursun at the embassy.")
    assert ("person", "Erkin Tursun") in found
    assert not any(cls == "person" and "H.E." in text for cls, text in found)


def test_headline_verbs_and_body_words_are_not_part_of_a_name():
    found = audit("Vice Premier Ren Haoyu Meets Delegation From Laos\n\nThe talks were friendly.")
    people = {text for cls, text in found if cls == "person"}
    assert "Ren Haoyu" in people
    assert not any("Meets" in p or "Delegation" in p for p in people)


def test_words_that_are_not_used_as_titles_or_role_verbs_are_not_counted():
    found = audit("The delegates will head to the plant, where a noted engineer showed them around.")
    assert not any(cls == "title" for cls, _ in found)  # "head" is a verb here
    assert ("role", "noted") not in found  # an adjective


def test_role_verbs_whose_subject_is_a_meeting_or_a_body_are_not_counted():
    found = audit("The meeting emphasized that work must go on. It was noted that costs fell. Wang Lin said it works.")
    assert [text for cls, text in found if cls == "role"] == ["said"]


def test_dates_a_day_only_date_and_a_weekday_are_found():
    found = audit("On the 12th, the committee met. The visitors left on Friday after talks on June 3.")
    assert {("date", "On the 12th"), ("date", "on Friday"), ("date", "June 3")} <= set(found)


def test_in_a_place_counts_only_after_an_event_word_or_verb():
    found = audit("The forum was held on Monday in Hangzhou. Many farmers in Hangzhou grow tea.")
    places = [f for (cls, _), f in found.items() if cls == "place"]
    assert [f.start for f in places] == [found[("place", "Hangzhou")].start]
    assert places[0].sentence.startswith("The forum was held")


def test_a_one_word_entity_the_document_names_as_a_place_or_a_strategy_word_is_no_person():
    # the model sometimes tags such words PERSON; the rule that drops them, on its own
    from kg.audit.mentions import _named_otherwise

    text = "Qiaotou District held a fair. Qiaotou people sang. Belt and Road projects grew. Dou Xinbo spoke."
    for word in ("Qiaotou", "Belt"):
        at = text.index(word, 5)
        assert _named_otherwise(text, at, at + len(word), W)
    at = text.index("Dou Xinbo")
    assert not _named_otherwise(text, at, at + 9, W)
    assert not _named_otherwise(text, at, at + 3, W)


def test_overlapping_person_candidates_are_one_mention():
    found = audit("Governor Ahmad Sulaiman met the delegation.")
    assert [text for cls, text in found if cls == "person"] == ["Ahmad Sulaiman"]


# ---------------------------------------------------------------- the rules of "explained", on records


W = words()
TEXT = (
    "Qiao Mingze, secretary of the CPC Linfen Municipal Committee, attended. The secretary praised the staff. "
    "Later Qiao Mingze, secretary of the CPC Linfen Municipal Committee, said the plan works. He said more. "
    "Ren Haoyu, secretary of the league, said nothing."
)


def _ev(start: int, end: int) -> Evidence:
    return Evidence("d", 0, len(TEXT), TEXT, start, end, TEXT[start:end])


def _at(text: str, nth: int = 0) -> int:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(text, start + 1)
    return start


def _hit(cls: str, text: str, nth: int = 0, date_hit: dates.DateHit | None = None) -> Hit:
    return Hit(cls, _at(text, nth), _at(text, nth) + len(text), date_hit)


def explain(hit: Hit, text: str = TEXT, **records_) -> str:
    """``explained_by`` for a hit of ``text`` (one sentence) and a hand-made extraction."""
    ex = DocumentExtraction("d", "d.txt", date(2024, 5, 17), None, "0" * 64, **records_)
    return explained_by(hit, text, records(ex, None, W.lex), W, (0, len(text)))


def _sentence_of(hit: Hit) -> tuple[int, int]:
    return TEXT.rfind(". ", 0, hit.start) + 2, TEXT.find(".", hit.end) + 1


QIAO = PersonMention("Qiao Mingze", _ev(0, 11))
QIAO_AGAIN = PersonMention("Qiao Mingze", _ev(_at("Qiao Mingze", 1), _at("Qiao Mingze", 1) + 11))
REN = PersonMention("Ren Haoyu", _ev(_at("Ren Haoyu"), _at("Ren Haoyu") + 9))
ORG = OrgMention("CPC Linfen Municipal Committee", "party_committee", "Linfen", None, True, _ev(30, 60))
POST = PostMention("Qiao Mingze", "Secretary", "CPC Linfen Municipal Committee", "holds", _ev(0, 60))


def test_a_title_is_explained_inside_a_post_phrase_not_by_sharing_its_sentence():
    assert explain(_hit("title", "secretary"), posts=(POST,)) == "post"
    assert explain(_hit("title", "secretary", nth=1), posts=(POST,)) == ""  # "The secretary praised"


def test_a_post_stated_again_is_explained_only_for_the_same_person_and_title():
    people = (QIAO, QIAO_AGAIN, REN)
    again = _hit("title", "secretary", nth=2)
    s = _sentence_of(again)
    ex = DocumentExtraction("d", "d.txt", None, None, "0" * 64, people=people, posts=(POST,), organizations=(ORG,))
    assert explained_by(again, TEXT, records(ex, None, W.lex), W, s) == "post, restated"
    other = _hit("title", "secretary", nth=3)  # Ren Haoyu's: kg has no post for him
    assert explained_by(other, TEXT, records(ex, None, W.lex), W, _sentence_of(other)) == ""


def test_a_role_is_explained_inside_a_participation_phrase_or_stated_again_by_its_subject():
    attended = ParticipationMention("Qiao Mingze", "m1", "attended", _ev(0, 70))
    spoke = ParticipationMention("Qiao Mingze", "m1", "spoke", _ev(_at("Qiao Mingze", 1), _at(" said") + 5))
    assert explain(_hit("role", "attended"), participations=(attended,)) == "participation"
    assert explain(_hit("role", "attended")) == ""
    ex = DocumentExtraction(
        "d", "d.txt", None, None, "0" * 64, people=(QIAO, QIAO_AGAIN, REN), participations=(attended, spoke)
    )
    r = records(ex, None, W.lex)
    he_said = _hit("role", "said", nth=1)  # "He said more.": the last person named is Qiao Mingze
    assert explained_by(he_said, TEXT, r, W, _sentence_of(he_said)) == "participation, restated"
    ren_said = _hit("role", "said", nth=2)  # Ren Haoyu has no role
    assert explained_by(ren_said, TEXT, r, W, _sentence_of(ren_said)) == ""


def test_a_person_like_span_inside_an_organization_name_is_explained_as_not_a_person():
    implied = OrgMention("CPC Linfen Municipal Committee", "party_committee", "Linfen", None, False, _ev(0, 60))
    assert explain(_hit("person", "Linfen Municipal"), organizations=(ORG,)) == "organization"
    # an organization only implied by a post carries the post's phrase: it explains no person
    assert explain(_hit("person", "Qiao Mingze"), organizations=(implied,)) == ""
    assert explain(_hit("person", "Qiao"), people=(QIAO,)) == "person"


def test_a_date_is_explained_by_a_meeting_with_the_date_it_resolves_to():
    meeting = MeetingMention("m1", "meeting", "meeting", "2024-05-16", "Linfen", None, _ev(70, 80))
    may16, may15 = dates.DateHit(0, 6, 5, 16, None), dates.DateHit(0, 6, 5, 15, None)
    assert explain(Hit("date", 0, 6, may16), meetings=(meeting,)) == "meeting date"
    assert explain(Hit("date", 0, 6, may15), meetings=(meeting,)) == ""


def test_a_place_is_explained_by_a_meeting_held_there():
    text = "at the Xiling Guesthouse in Linfen"
    meeting = MeetingMention("m1", "meeting", "meeting", None, "Xiling Guesthouse, Linfen", None, _ev(0, 5))
    elsewhere = MeetingMention("m1", "meeting", "meeting", None, "Taiyuan", None, _ev(0, 5))
    assert explain(Hit("place", 7, 24), text, meetings=(meeting,)) == "meeting place"
    assert explain(Hit("place", 28, 34), text, meetings=(meeting,)) == "meeting place"
    assert explain(Hit("place", 28, 34), text, meetings=(elsewhere,)) == ""


# ---------------------------------------------------------------- report and output


def test_counts_per_class_and_the_marked_sentence(article):
    (doc,) = audit_documents([Document("t", "t.txt", "t.txt", ARTICLE, date(2024, 5, 17), "0" * 64)])
    report = AuditReport((doc,), summarize([doc]))
    person = report.count("person")
    assert person.mentions == 4 and person.unexplained == 1 and person.percent == 25.0
    assert [c.cls for c in report.classes] == list(CLASSES)
    assert marked(article[("person", "Dou Xinbo")]) == "The tea was grown near the house of «Dou Xinbo»."
    text = format_text(report, ("person",))
    assert "person" in text and "«Dou Xinbo»" in text and "«Qiao Mingze»" not in text
    assert "«Qiao Mingze»" in format_text(report, ("person",), show_all=True)


def test_parse_classes():
    assert parse_classes("person, title") == ("person", "title")
    assert parse_classes(None) == CLASSES
    with pytest.raises(InputError, match="unknown audit class persons; use some of person, title"):
        parse_classes("persons")


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "b.txt").write_text(" date 2024-05-17 " + ARTICLE, encoding="utf-8")
    (tmp_path / "a.txt").write_text(" date 2024-05-17 Farmers grew tea near the house of Ge Lianshu.", encoding="utf-8")
    return tmp_path


def test_audit_sources_reads_folders_like_build_in_doc_id_order(folder):
    report = audit_sources([folder])
    assert [d.doc_id for d in report.documents] == ["a", "b"]
    for d in report.documents:
        assert [f.start for f in d.findings] == sorted(f.start for f in d.findings)
    assert report.count("person").mentions == 5
    with pytest.raises(SourceNotFound):
        audit_sources([folder / "missing.txt"])


def test_cli_text_lists_unexplained_spans_with_their_class_and_a_summary(folder, capsys):
    assert main(["audit", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "== a " in out and "== b " in out and out.index("== a ") < out.index("== b ")
    line = next(x for x in out.splitlines() if "«Ge Lianshu»" in x)
    assert line.startswith("person ")
    assert "«Qiao Mingze»" not in out  # explained: listed only with --all
    summary = {x.split()[0]: x.split()[1:] for x in out.splitlines() if x.split() and x.split()[0] in CLASSES}
    assert summary["person"] == ["5", "2", "40.0"]
    assert main(["audit", str(folder), "--all", "--class", "person"]) == 0
    listed = capsys.readouterr().out
    assert "«Qiao Mingze»" in listed and "[person]" in listed
    assert all(line.startswith("person ") for line in listed.splitlines() if "«" in line)


def test_cli_json_is_one_object_with_counts_per_class_and_the_findings(folder, capsys):
    assert main(["audit", str(folder), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["classes"]) == set(CLASSES)
    assert all(set(v) == {"mentions", "unexplained"} for v in data["classes"].values())
    assert data["classes"]["person"] == {"mentions": 5, "unexplained": 2}
    assert [d["doc_id"] for d in data["documents"]] == ["a", "b"]
    finding = data["documents"][0]["findings"][0]
    assert finding["class"] == "person" and finding["text"] == "Ge Lianshu" and finding["explained"] is False
    assert finding["sentence"][finding["start"] - finding["sentence_start"] :].startswith("Ge Lianshu")
    assert all(not f["explained"] for d in data["documents"] for f in d["findings"])
    assert main(["audit", str(folder), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == data  # deterministic


def test_cli_errors_are_one_line_naming_the_file(tmp_path, capsys):
    assert main(["audit", str(tmp_path / "missing.txt")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == f"kg: error: {tmp_path / 'missing.txt'}: no such file or directory"
    (tmp_path / "a.txt").write_text("Some text.", encoding="utf-8")
    assert main(["audit", str(tmp_path), "--class", "people"]) == 2
    assert "unknown audit class people" in capsys.readouterr().err
