"""People and their parts in meetings, on invented sentences of the genre (real model).

Each case is one pattern of the issue's classes: headlines and bylines, non-Han and foreign
names, honorifics, lists with their titles, accompanying forms and role phrasings.
"""

from __future__ import annotations

from datetime import date

import pytest

from kg.extract.pipeline import unwrap_lines
from tests.extraction_helpers import run

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


# ---------------------------------------------------------------- headlines and bylines


def test_headline_verb_is_not_part_of_a_name():
    r = run(
        "Zhang Wei Meets Lin Chen\n\nOn May 6, Zhang Wei, secretary of the CPC Hubei Provincial Committee, met with "
        "Lin Chen, chairman of a visiting trade delegation, in Wuhan."
    )
    assert {"Zhang Wei", "Lin Chen"} <= r.people
    assert not any("Meets" in name for name in r.people)


def test_titled_surname_in_a_headline_is_the_full_name_of_the_body():
    r = run(
        "Governor Zhang Meets Delegation\n\nZhang Wei, governor of Hubei Province, met with a delegation from "
        "Kazakhstan on Monday."
    )
    assert "Zhang Wei" in r.people
    assert not any(len(name.split()) == 2 and name.endswith("Meets") for name in r.people)
    assert ("Zhang Wei", "Governor", "Hubei Provincial People's Government", "holds") in r.posts


def test_credit_lines_name_people():
    r = run(
        "The provincial government held a press conference on Monday. Gao Ming, vice governor of Hubei, "
        "attended the meeting.\nPhoto by reporter Wu Jie\nEditor: Fan Lei"
    )
    assert {"Gao Ming", "Wu Jie", "Fan Lei"} <= r.people
    assert not any(p == "Wu Jie" for p, *_ in r.posts)


def test_reporter_in_a_parenthesised_byline_is_a_person():
    r = run(
        "(Kang Rui, Hubei Daily reporter) On March 3, the provincial party committee held a meeting. "
        "Dai Ning, secretary of the CPC Hubei Provincial Committee, presided over the meeting."
    )
    assert {"Kang Rui", "Dai Ning"} <= r.people
    assert ("Dai Ning", "presided") in r.roles


# ---------------------------------------------------------------- names


def test_tibetan_and_uyghur_names_next_to_titles():
    r = run(
        "The regional government held a symposium in Lhasa on June 3. Tenzin Norbu, vice chairman of the Tibet "
        "Autonomous Regional People's Government, presided over the symposium. Erkin Tursun, deputy secretary of "
        "the CPC Xinjiang Uygur Autonomous Regional Committee, delivered a speech."
    )
    assert {"Tenzin Norbu", "Erkin Tursun"} <= r.people
    assert {("Tenzin Norbu", "presided"), ("Erkin Tursun", "spoke")} <= r.roles


def test_foreign_guest_with_title_and_later_surname_only():
    r = run(
        "On November 5, Pei Lan, secretary of the CPC Fujian Provincial Committee, met with Governor Ahmad Sulaiman "
        "of Indonesia in Fuzhou. Sulaiman said his province values its friendship with Fujian."
    )
    assert "Ahmad Sulaiman" in r.people
    assert "Sulaiman" not in r.people  # the lone surname is the same person
    assert {("Ahmad Sulaiman", "attended"), ("Ahmad Sulaiman", "spoke")} <= r.roles


def test_honorifics_mark_people():
    r = run(
        "On April 2, Luo Xin, mayor of Wuhan, met with H.E. Jorge Almeida, ambassador of Portugal to China. "
        "Mr. Almeida said the two sides would deepen cooperation."
    )
    assert "Jorge Almeida" in r.people
    assert ("Jorge Almeida", "spoke") in r.roles


def test_name_split_from_its_title_by_a_surname_only_mention():
    r = run(
        "Yao Fang, secretary of the CPC Hunan Provincial Committee, attended the meeting. "
        "Yao, who is also chairman of the provincial people's congress standing committee, said the work must go on."
    )
    assert ("Yao Fang", "spoke") in r.roles
    assert "Yao" not in r.people


# ---------------------------------------------------------------- lists


def test_met_with_a_list_each_takes_part():
    r = run(
        "On the morning of July 2, Bai Ying, secretary of the CPC Hunan Provincial Committee, met in Changsha with "
        "Li Hua, winner of the Labour Medal, and Zhou Bin, Qian Yu and Sun Tao, the commended secretaries of "
        "county party committees.",
        date(2022, 7, 3),
    )
    for name in ("Li Hua", "Zhou Bin", "Qian Yu", "Sun Tao"):
        assert name in r.people
        assert (name, "attended") in r.roles


def test_semicolon_list_with_and_comma_shares_the_verb():
    r = run(
        "The provincial party committee held a meeting. Jiang Hao, deputy secretary of the CPC Hunan Provincial "
        "Committee and governor; Ren Jie, deputy secretary of the CPC Hunan Provincial Committee; and, Shao Yi, "
        "member of the Standing Committee of the CPC Hunan Provincial Committee, attended the meeting."
    )
    assert {("Jiang Hao", "attended"), ("Ren Jie", "attended"), ("Shao Yi", "attended")} <= r.roles


# ---------------------------------------------------------------- accompanying forms


def test_together_with_shares_the_verb():
    r = run(
        "On May 7, Mei Dong, secretary of the CPC Jilin Provincial Committee, together with Du Kai, governor of "
        "Jilin Province, met with a delegation of a state-owned company in Changchun."
    )
    assert {("Mei Dong", "attended"), ("Du Kai", "attended")} <= r.roles


def test_accompanied_by_a_list():
    r = run(
        "From May 19 to 20, Tan Ping, general secretary of the CPC Central Committee, inspected Luoyang, "
        "accompanied by Luo Xin, secretary of the CPC Henan Provincial Committee, and Governor Yao Fang."
    )
    assert {("Luo Xin", "attended"), ("Yao Fang", "attended"), ("Tan Ping", "attended")} <= r.roles


def test_also_present_and_in_attendance():
    r = run(
        "The Hubei provincial government held an executive meeting on Monday. Governor Gao Ming presided over the "
        "meeting. Vice governors Kang Rui and Dai Ning were also present. The meeting was held with Jiang Hao, "
        "secretary-general of the provincial government, in attendance."
    )
    assert {("Kang Rui", "attended"), ("Dai Ning", "attended"), ("Jiang Hao", "attended")} <= r.roles


# ---------------------------------------------------------------- role phrasings


@pytest.mark.parametrize(
    "phrase",
    [
        "made a keynote speech",
        "delivered an important work report",
        "gave a brief presentation",
        "made arrangements for the work of the second half of the year",
        "briefed the delegation on the province's economy",
    ],
)
def test_speech_phrasings_are_spoke(phrase):
    r = run(f"The municipal party committee held a plenary session on Monday. Ren Jie, mayor of Wuhan, {phrase}.")
    assert ("Ren Jie", "spoke") in r.roles


def test_speech_delivered_by_a_person_in_a_relative_clause():
    r = run(
        "The meeting studied the important speech General Secretary Tan Ping delivered at the opening ceremony of "
        "the study session. Luo Xin, secretary of the CPC Sichuan Provincial Committee, presided over the meeting."
    )
    assert ("Tan Ping", "spoke") in r.roles


def test_subject_far_from_its_verb_through_a_long_apposition():
    r = run(
        "The district party committee held a plenary session on Aug 16. Luo Xin, Party secretary of Xihu district "
        "in Hangzhou, the capital of East China's Zhejiang province, delivered a report on behalf of the standing "
        "committee."
    )
    assert ("Luo Xin", "spoke") in r.roles


def test_verb_joined_to_a_non_role_verb_shares_its_subjects():
    r = run(
        "On May 7, Mei Dong and Du Kai met with the visiting delegation. Mei Dong and Du Kai extended a warm "
        "welcome to the guests and expressed gratitude for the company's support."
    )
    assert {("Mei Dong", "spoke"), ("Du Kai", "spoke")} <= r.roles


# ---------------------------------------------------------------- wrapped lines


def test_lines_wrapped_inside_a_sentence_are_joined_and_offsets_kept():
    text = "Zhou met with Governor Ahmad \nSulaiman of\nIndonesia in Fuzhou.\nHeadline Here\n\nNew paragraph."
    out = unwrap_lines(text)
    assert len(out) == len(text)
    assert out == "Zhou met with Governor Ahmad  Sulaiman of Indonesia in Fuzhou.\nHeadline Here\n\nNew paragraph."
    r = run(
        "On November 5, Pei Lan, secretary of the CPC Fujian Provincial Committee, met with Governor Ahmad \n"
        "Sulaiman of\nIndonesia in Fuzhou.\nSulaiman said his province values its friendship with Fujian."
    )
    assert "Ahmad Sulaiman" in r.people
    assert ("Ahmad Sulaiman", "spoke") in r.roles


def test_names_listed_beside_a_titled_name_are_people():
    r = run(
        "The provincial CPPCC session closed in Wuhan on Monday. Gao Ming, Kang Rui, Dai Ning and Jiang Hao, "
        "vice chairmen of the Hubei Provincial Committee of the CPPCC, attended the meeting."
    )
    assert {"Gao Ming", "Kang Rui", "Dai Ning", "Jiang Hao"} <= r.people


def test_photo_credit_with_agency_after_a_slash():
    r = run(
        "Delegates attend the meeting in Wuhan, Hubei Province, May 3, 2024. (Xinhua/Ren Jie)\n"
        "[Photo by Shao Yi/Xinhua]\nThe provincial people's congress opened its session on Friday."
    )
    assert {"Ren Jie", "Shao Yi"} <= r.people


def test_one_word_foreign_name_before_a_title():
    r = run(
        "On May 19, Luo Xin, head of Aihui District, met with Petrova, Chief of a district of Yakutsk, Russia. "
        "Petrova expressed gratitude for the hospitality."
    )
    assert "Petrova" in r.people
    assert ("Petrova", "spoke") in r.roles


def test_place_before_a_name_is_not_part_of_it():
    r = run("The plaque was unveiled by the Party chief of Hubei Luo Xin on Wednesday.")
    assert "Luo Xin" in r.people
    assert not any(name.startswith("Hubei") for name in r.people)


def test_possessive_ends_a_name():
    r = run("Cadres in Wuhan will further study Luo Xin’s Thought on the economy, said Gao Ming, mayor of Wuhan.")
    assert not any("Thought" in name or "’" in name for name in r.people)


def test_colon_list_after_the_verb():
    r = run(
        "The provincial people's congress held a symposium on Monday. The following deputies spoke "
        "successively: Kang Rui, chairman of a Wuhan company; Dai Ning, deputy chairman of the Hubei "
        "Federation of Industry and Commerce; and Jiang Hao, a village head from Yichang."
    )
    assert {("Kang Rui", "spoke"), ("Dai Ning", "spoke"), ("Jiang Hao", "spoke")} <= r.roles


def test_host_of_a_banquet_presides_and_the_guests_attend():
    r = run(
        "On the evening of May 3, Luo Xin, secretary of the CPC Hubei Provincial Committee, hosted a welcome "
        "banquet for Jorge Almeida, ambassador of Portugal to China, in Wuhan."
    )
    assert ("Luo Xin", "presided") in r.roles
    assert ("Jorge Almeida", "attended") in r.roles


def test_those_in_attendance_included_a_list():
    r = run(
        "The municipal government held a ceremony in Wuhan on Monday. Those in attendance included the party chief "
        "of the city Luo Xin, Mayor Gao Ming and Kang Rui, chairman of the Wuhan Municipal Committee of the CPPCC."
    )
    assert {("Luo Xin", "attended"), ("Gao Ming", "attended")} <= r.roles


def test_a_list_closed_by_etc_or_by_other_officials():
    r = run(
        "The delegation visited Lhasa on Monday. Leaders of the autonomous region, Tenzin Norbu, Dai Ning, Kang Rui "
        "etc were also present. County leaders Jiang Hao, Ren Jie and relevant county officials participated in "
        "the inspection."
    )
    for name in ("Tenzin Norbu", "Dai Ning", "Kang Rui", "Jiang Hao", "Ren Jie"):
        assert (name, "attended") in r.roles


def test_subject_named_by_a_title_pronoun_with_adverbs_and_relative_clause():
    r = run(
        "On March 3, Gao Ming, mayor of Wuhan, met with a delegation of French entrepreneurs led by Claire Dubois, "
        "president of a Lyon company, who said the city is a good partner. The mayor said Wuhan welcomes "
        "investment. He further noted that the two cities share a long history."
    )
    assert ("Gao Ming", "spoke") in r.roles
    assert ("Claire Dubois", "spoke") in r.roles
    r = run("On March 3, Gao Ming, mayor of Wuhan, met with a delegation from Lyon. He further noted the ties.")
    assert ("Gao Ming", "spoke") in r.roles


def test_reporters_of_a_credit_line_take_no_part():
    r = run(
        "Hubei Daily reporters Kang Rui and Dai Ning reported that the provincial people's congress opened its "
        "session in Wuhan on Monday. Luo Xin, secretary of the CPC Hubei Provincial Committee, attended."
    )
    assert {"Kang Rui", "Dai Ning"} <= r.people
    assert not any(name in ("Kang Rui", "Dai Ning") for name, _ in r.roles)


def test_sentence_opening_name_with_an_apposition_the_rules_cannot_read():
    r = run(
        "On September 23, the provincial party committee held a meeting and studied the spirit of the plenary "
        "session.\n\nMei Dong, Secretary of the Provincial Party Committee and Director of the Standing Committee "
        "of the Provincial People's Congress, presided over the meeting and delivered a speech."
    )
    assert {("Mei Dong", "presided"), ("Mei Dong", "spoke")} <= r.roles
