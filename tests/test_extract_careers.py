"""Careers and appointments: what a sentence says of each post, on invented sentences (real model)."""

from __future__ import annotations

import pytest

from tests.extraction_helpers import run

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

HUBEI_GOV = "Hubei Provincial People's Government"


def test_former_post_in_an_apposition():
    r = run("Gao Ming, former vice governor of Hubei Province, attended the forum in Wuhan on Monday.")
    assert ("Gao Ming", "Vice Governor", HUBEI_GOV, "former") in r.posts
    assert not any(p == "Gao Ming" and status == "holds" for p, _, _, status in r.posts)


def test_former_before_a_title_written_before_the_name():
    r = run(
        "Former Hubei Province governor Gao Ming and former Norwegian Prime Minister Erik Lunde met reporters "
        "in Wuhan. Then Governor Dai Ning spoke."
    )
    assert ("Gao Ming", "Governor", HUBEI_GOV, "former") in r.posts
    assert ("Erik Lunde", "Prime Minister", "Norway Government", "former") in r.posts
    assert not any(p in ("Gao Ming", "Erik Lunde") and status == "holds" for p, _, _, status in r.posts)
    # "then" alone is an adverb of the sentence, not of the title
    assert ("Dai Ning", "Governor", HUBEI_GOV, "holds") in r.posts


def test_a_list_of_former_leaders_shares_its_verb():
    r = run(
        "At the opening ceremony, former Norwegian Prime Minister Erik Lunde, former Italian Prime Minister Marco "
        "Bellini, and Deputy Prime Minister of Hungary Tamas Szabo, made video speeches."
    )
    assert {("Erik Lunde", "spoke"), ("Marco Bellini", "spoke"), ("Tamas Szabo", "spoke")} <= r.roles
    assert ("Marco Bellini", "Prime Minister", "Italy Government", "former") in r.posts


def test_previously_served_as_two_posts():
    r = run(
        "Kang Rui, secretary of the CPC Hubei Provincial Committee, attended the meeting. Kang Rui previously "
        "served as vice governor of Hubei Province and deputy secretary of the CPC Hubei Provincial Committee."
    )
    assert ("Kang Rui", "Secretary", "CPC Hubei Provincial Committee", "holds") in r.posts
    assert ("Kang Rui", "Vice Governor", HUBEI_GOV, "former") in r.posts
    assert ("Kang Rui", "Deputy Secretary", "CPC Hubei Provincial Committee", "former") in r.posts


def test_appointed_without_as():
    r = run(
        "The Standing Committee of the Hubei Provincial People's Congress appointed Dai Ning vice governor and "
        "acting governor of Hubei Province on Friday."
    )
    assert ("Dai Ning", "Vice Governor", HUBEI_GOV, "appointed") in r.posts
    assert ("Dai Ning", "Acting Governor", HUBEI_GOV, "appointed") in r.posts


def test_accepted_the_resignation_of():
    r = run(
        "The meeting of the Standing Committee of the Hubei Provincial People's Congress accepted the resignation "
        "of Jiang Hao as governor of Hubei Province."
    )
    assert ("Jiang Hao", "Governor", HUBEI_GOV, "resigned") in r.posts


def test_elected_after_an_apposition():
    r = run(
        "Ren Jie, secretary of the CPC Hubei Provincial Committee, has been elected as chairman of the Standing "
        "Committee of the Hubei Provincial People's Congress."
    )
    assert ("Ren Jie", "Secretary", "CPC Hubei Provincial Committee", "holds") in r.posts
    congress = "Standing Committee of the Hubei Provincial People's Congress"
    assert ("Ren Jie", "Chairman", congress, "appointed") in r.posts


def test_plural_appointment_after_a_list_is_each_ones():
    r = run(
        "Ren Jie, secretary of the CPC Hubei Provincial Committee, has been elected chairman of the Standing "
        "Committee of the Hubei Provincial People's Congress, while Deputy Party Secretary Shao Yi and Luo Xin, "
        "vice governor of Hubei Province, have been elected vice chairmen of the Standing Committee of the Hubei "
        "Provincial People's Congress."
    )
    congress = "Standing Committee of the Hubei Provincial People's Congress"
    assert ("Shao Yi", "Vice Chairman", congress, "appointed") in r.posts
    assert ("Luo Xin", "Vice Chairman", congress, "appointed") in r.posts
    assert ("Luo Xin", "Vice Governor", HUBEI_GOV, "holds") in r.posts


def test_succeeding_someone_as_chairman():
    r = run(
        "Mei Dong was elected chairman of the Hubei Provincial Committee of the CPPCC on Friday, succeeding "
        "Du Kai as chairman of the Hubei Provincial Committee of the CPPCC."
    )
    cppcc = "Hubei Provincial Committee of the CPPCC"
    assert ("Du Kai", "Chairman", cppcc, "former") in r.posts
    assert ("Mei Dong", "Chairman", cppcc, "appointed") in r.posts


def test_who_also_serves_as_and_age_apposition():
    r = run(
        "Pei Lan was succeeded by Tan Ping, who also serves as governor of Jiangxi Province. Tan, 58, has been "
        "deputy secretary of the CPC Jiangxi Provincial Committee since 2021."
    )
    assert ("Tan Ping", "Governor", "Jiangxi Provincial People's Government", "holds") in r.posts
    assert ("Tan Ping", "Deputy Secretary", "CPC Jiangxi Provincial Committee", "holds") in r.posts


def test_also_before_a_second_and_third_post():
    r = run(
        "Tan Ping, general secretary of the CPC Central Committee, also chairman of the Central Military "
        "Commission, inspected Luoyang on Monday."
    )
    assert ("Tan Ping", "General Secretary", "CPC Central Committee", "holds") in r.posts
    assert any(p == "Tan Ping" and t == "Chairman" and "Military" in o for p, t, o, _ in r.posts)


def test_age_before_a_former_post():
    r = run("Luo Xin, 62, former secretary of the CPC Qinghai Provincial Committee, took up the new post.")
    assert ("Luo Xin", "Secretary", "CPC Qinghai Provincial Committee", "former") in r.posts


def test_title_in_parentheses_and_the_role_after_it():
    r = run(
        "The Xihu district committee held a concert in Hangzhou on June 30. Dai Ning (secretary of the CPC Xihu "
        "District Committee) made a speech. Kang Rui (the deputy secretary of the CPC Xihu District Committee) "
        "was present."
    )
    assert ("Dai Ning", "spoke") in r.roles and ("Kang Rui", "attended") in r.roles
    assert any(p == "Dai Ning" and t == "Secretary" for p, t, _, _ in r.posts)
    assert any(p == "Kang Rui" and t == "Deputy Secretary" for p, t, _, _ in r.posts)


def test_headline_appointment_without_was():
    r = run(
        "Ren Jie Appointed Vice Mayor, Acting Mayor of Wuhan\n\nThe Wuhan Municipal People's Congress met on May 3."
    )
    assert ("Ren Jie", "Vice Mayor", "Wuhan Municipal People's Government", "appointed") in r.posts


def test_and_other_members_share_the_title():
    r = run(
        "The provincial party committee held a meeting in Hangzhou. Kang Rui, Dai Ning and other members of the "
        "Standing Committee of the CPC Zhejiang Provincial Committee attended the meeting."
    )
    standing = "Standing Committee of the CPC Zhejiang Provincial Committee"
    for name in ("Kang Rui", "Dai Ning"):
        assert any(p == name and o == standing for p, _, o, _ in r.posts), r.posts
        assert (name, "attended") in r.roles


def test_first_name_of_a_list_after_a_described_guest_shares_the_plural_title():
    r = run(
        "On July 2, Bai Ying, secretary of the CPC Hunan Provincial Committee, met in Changsha with Li Hua, winner "
        "of the Labour Medal, and Zhou Bin, Qian Yu and Sun Tao, the commended secretaries of county-level CPC "
        "committees.",
    )
    for name in ("Zhou Bin", "Qian Yu", "Sun Tao"):
        assert any(p == name and t == "Secretary" and "county" in o.lower() for p, t, o, _ in r.posts), name
    assert not any(p == "Li Hua" for p, *_ in r.posts)


def test_a_list_title_does_not_cross_a_sentence():
    r = run(
        "Luo Xin, secretary of the CPC Guangxi Zhuang Autonomous Regional Committee, has been elected as head of "
        "the Guangxi delegation, while Kang Rui and Dai Ning have been chosen as deputy heads.\n\nLuo emphasized "
        "that all delegates should do their duty."
    )
    assert not any(p == "Luo Xin" and t == "Deputy Head" for p, t, _, _ in r.posts)


def test_a_government_title_takes_no_party_body_from_its_neighbour():
    r = run("Kang Rui, deputy secretary of the provincial party committee and governor, attended the meeting.")
    assert not any(t == "Governor" and "CPC" in o for _, t, o, _ in r.posts)
