"""Extraction on short sentences of the genre, with the real spaCy model.

Every case is written for a pattern (an apposition, a shared title, a passive role...), with
invented people, so that a rule passing here is a rule for the genre, not for one article.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.extraction_helpers import run

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


# ---------------------------------------------------------------- names and titles


def test_pre_title_with_relative_body_takes_the_documents_province():
    r = run(
        "Sichuan held a work conference on Monday. Provincial party secretary Tang Yuxin presided over the meeting."
    )
    assert ("Tang Yuxin", "Secretary", "CPC Sichuan Provincial Committee", "holds") in r.posts
    assert ("Tang Yuxin", "presided") in r.roles


def test_apposition_with_two_titles_gives_two_posts_with_their_own_bodies():
    r = run(
        "Fang Zhiwei, Deputy Secretary of the CPC Hubei Provincial Committee and Governor of Hubei Province, "
        "attended the meeting in Wuhan."
    )
    assert ("Fang Zhiwei", "Deputy Secretary", "CPC Hubei Provincial Committee", "holds") in r.posts
    assert ("Fang Zhiwei", "Governor", "Hubei Provincial People's Government", "holds") in r.posts
    assert ("Fang Zhiwei", "attended") in r.roles


def test_titles_before_one_body_share_it():
    r = run(
        "Luo Jianping, Vice Chairman and Party Secretary of the Standing Committee of Hunan Provincial People's "
        "Congress, also attended the event."
    )
    titles = {(t, o) for p, t, o, _ in r.posts if p == "Luo Jianping"}
    assert titles == {
        ("Vice Chairman", "Standing Committee of the Hunan Provincial People's Congress"),
        ("Secretary", "Standing Committee of the Hunan Provincial People's Congress"),
    }


def test_title_after_a_body_stands_alone():
    r = run(
        "Jiangxi province held a meeting. Du Minghui, deputy secretary of the provincial party committee and "
        "acting governor, attended the meeting and made a speech."
    )
    assert ("Du Minghui", "Deputy Secretary", "CPC Jiangxi Provincial Committee", "holds") in r.posts
    assert ("Du Minghui", "Acting Governor", "Jiangxi Provincial People's Government", "holds") in r.posts
    assert {("Du Minghui", "attended"), ("Du Minghui", "spoke")} <= r.roles


def test_plural_title_is_shared_by_a_list_of_names():
    r = run(
        "Gansu Provincial CPPCC Chairman Qin Haoran presided over the meeting. Vice chairmen Bai Lixin, Cao Wenjie "
        "and Shen Yuqing attended the meeting."
    )
    for name in ("Bai Lixin", "Cao Wenjie", "Shen Yuqing"):
        assert (name, "Vice Chairman", "Gansu Provincial Committee of the CPPCC", "holds") in r.posts
        assert (name, "attended") in r.roles


def test_lowercase_given_name_is_capitalised():
    r = run(
        "Hebei held a symposium. Guo yong, deputy secretary of the provincial party committee, attended the meeting."
    )
    assert "Guo Yong" in r.people


def test_national_titles_default_to_national_bodies():
    r = run(
        "The meeting studied the spirit of General Secretary Wu Jianguo's important instructions. "
        "Chinese Premier Wu Liang met the delegation."
    )
    assert ("Wu Jianguo", "General Secretary", "CPC Central Committee", "holds") in r.posts
    assert ("Wu Liang", "Premier", "State Council", "holds") in r.posts


def test_foreign_guests_with_titles_of_places():
    r = run("Maria Lopez, Mayor of Seoul, and John Carter, Governor of Texas, delivered remarks at the forum.")
    assert {"Maria Lopez", "John Carter"} <= r.people
    assert {("Maria Lopez", "spoke"), ("John Carter", "spoke")} <= r.roles
    assert any(p == "John Carter" and t == "Governor" and "Texas" in o for p, t, o, _ in r.posts)


def test_a_place_after_of_is_not_a_person():
    r = run("Governor Kong Xiangwei met the Mayor of Jeju and toured Wenchang.")
    assert "Jeju" not in " ".join(r.people)
    assert "Wenchang" not in " ".join(r.people)


# ---------------------------------------------------------------- jurisdiction and bodies


def test_relative_bodies_belong_to_the_province_the_article_names():
    r = run(
        "The Standing Committee of the Provincial Party Committee held a meeting in Kunming, Yunnan. "
        "Members of the Provincial CPPCC attended."
    )
    assert "Standing Committee of the CPC Yunnan Provincial Committee" in r.organizations
    assert "Yunnan Provincial Committee of the CPPCC" in r.organizations


def test_city_party_committee_gets_municipal_name():
    r = run("Chen Wei, Secretary of the CPC Suzhou Committee, spoke at the forum.")
    assert ("Chen Wei", "Secretary", "CPC Suzhou Municipal Committee", "holds") in r.posts


def test_bare_standing_committee_refers_back():
    r = run(
        "The 12th meeting of the Standing Committee of the 14th Fujian Provincial People's Congress was held in "
        "Fuzhou. Wen Jiahao, deputy director of the Standing Committee, presided over the meeting."
    )
    assert (
        "Wen Jiahao",
        "Deputy Director",
        "Standing Committee of the Fujian Provincial People's Congress",
        "holds",
    ) in r.posts


def test_media_are_not_counted_as_organizations_named():
    r = run("According to Xinhua, the Ministry of Commerce held a press conference on May 8.", date(2024, 5, 9))
    orgs = {o.name: o.kind for o in r.corpus.organizations}
    assert orgs.get("Ministry of Commerce") == "ministry"
    assert orgs.get("Xinhua") == "media"


# ---------------------------------------------------------------- roles and meetings


def test_passive_presiding_names_the_person_after_by():
    r = run("The plenary session was presided over by Zhao Lianfeng, Secretary of the CPC Anhui Provincial Committee.")
    assert ("Zhao Lianfeng", "presided") in r.roles


def test_pronoun_continues_the_last_speaker():
    r = run("Yao Dehai, Governor of Shanxi, attended the meeting. He said that reform must deepen.")
    assert ("Yao Dehai", "spoke") in r.roles


def test_surname_alone_is_the_last_full_name_with_it():
    r = run(
        "Ma Jinsong, Secretary of the CPC Qinghai Provincial Committee, delivered a speech. Ma Xiaoli, Governor "
        "of Qinghai, attended. Ma also stressed the need for ecological protection."
    )
    assert "Ma" not in r.people
    assert ("Ma Xiaoli", "spoke") in r.roles


def test_roles_go_to_the_right_session():
    r = run(
        "On the 15th, the third meeting of the Standing Committee of the 13th Provincial CPPCC was held in "
        "Shenyang. Provincial CPPCC Chairman Gao Yuming presided over the first plenary meeting and delivered "
        "a speech at the second plenary meeting."
    )
    assert ("Gao Yuming", "presided") in r.roles_at("first plenary meeting")
    assert ("Gao Yuming", "spoke") in r.roles_at("second plenary meeting")


def test_speech_at_earlier_meeting_is_a_referred_meeting_with_a_speaker():
    r = run(
        "On March 3, the meeting studied General Secretary Wu Jianguo's speech at the symposium on rural "
        "revitalization."
    )
    assert ("Wu Jianguo", "spoke") in r.roles_at("symposium on rural revitalization")
    referred = [m for m in r.corpus.meetings if "symposium" in m.label]
    assert referred and referred[0].date is None


def test_meeting_date_year_comes_from_the_header_and_rolls_back():
    r = run(
        "On December 30, the Standing Committee of the Provincial Party Committee of Henan held a meeting in "
        "Zhengzhou.",
        date(2024, 1, 3),
    )
    assert ("2023-12-30", "Zhengzhou") in [(m[1], m[2]) for m in r.meetings]


def test_meeting_without_year_keeps_month_and_day():
    r = run(
        "On July 9, Lou Jiangang, secretary of the CPC Shaanxi Provincial Committee, presided over a symposium "
        "of entrepreneurs."
    )
    assert any(d == "--07-09" for _, d, _ in r.meetings)


def test_article_reporting_only_the_meeting_gets_one_implicit_meeting_dated_by_the_header():
    r = run("It is necessary to deepen reform. The meeting also heard reports on key projects.", date(2023, 6, 2))
    assert [m[1] for m in r.meetings] == ["2023-06-02"]


def test_resignation_and_appointment_are_recorded_with_their_status():
    r = run(
        "The meeting accepted Sun Weidong's request to resign as the governor of Jilin Province and decided to "
        "appoint Han Lixin as the vice governor and acting governor of Jilin Province."
    )
    assert ("Sun Weidong", "Governor", "Jilin Provincial People's Government", "resigned") in r.posts
    assert ("Han Lixin", "Acting Governor", "Jilin Provincial People's Government", "appointed") in r.posts
    assert ("Han Lixin", "Vice Governor", "Jilin Provincial People's Government", "appointed") in r.posts


def test_leader_phrase_names_the_head_of_the_body():
    r = run(
        "We will follow the leadership of the Provincial Party Committee of Guizhou with Comrade Pan Yuming as the "
        "major leader."
    )
    assert ("Pan Yuming", "Secretary", "CPC Guizhou Provincial Committee", "holds") in r.posts


# ---------------------------------------------------------------- initiatives


def test_named_plan_with_years_and_a_strategy_phrasing():
    r = run(
        "The meeting reviewed the \u201cAction Plan for Building a Digital Economy Hub in Zhejiang (2024-2026)\u201d "
        "and stressed deepening structural reform on the supply side."
    )
    assert "Action Plan for Building a Digital Economy Hub in Zhejiang (2024-2026)" in r.initiatives
    assert "supply-side structural reform" in r.initiatives


def test_quoted_slogan_after_a_promoting_verb_is_an_initiative_but_a_quoted_modifier_is_not():
    r = run(
        "We must accelerate the construction of a \u201cbeautiful coastline\u201d and solve \u201ctough nut\u201d "
        "problems."
    )
    assert "beautiful coastline" in r.initiatives
    assert "tough nut" not in r.initiatives


def test_strategy_used_as_a_modifier_is_not_an_initiative():
    r = run("The province signed 40 high-quality development projects.")
    assert "high-quality development" not in r.initiatives


def test_five_year_plan_and_regional_revitalization():
    r = run(
        "He asked to compile Heilongjiang's 15th Five-Year Plan and promote the comprehensive revitalization of "
        "Heilongjiang in the new era."
    )
    assert "Heilongjiang's 15th Five-Year Plan" in r.initiatives
    assert any(i.startswith("comprehensive revitalization of Heilongjiang") for i in r.initiatives)


# ---------------------------------------------------------------- evidence


def test_every_record_carries_offsets_into_the_text():
    text = "On May 2, Pan Ruoshui, Secretary of the CPC Jiangsu Provincial Committee, chaired a forum in Nanjing."
    r = run(text)
    for f in r.corpus.facts:
        ev = f.evidence
        assert text[ev.start : ev.end] == ev.text
        assert text[ev.sentence_start : ev.sentence_end] == ev.sentence
        assert ev.sentence_start <= ev.start <= ev.end <= ev.sentence_end


def test_weekday_date_is_the_last_such_day_before_the_article():
    r = run("The provincial government held a conference on Monday in Hefei.", date(2024, 3, 13))
    assert ("2024-03-11", "Hefei") in [(m[1], m[2]) for m in r.meetings]


def test_meeting_with_a_foreign_delegation_is_a_meeting_of_its_own():
    text = (
        "KUNMING, May 7 -- Ding Haiyan, Secretary of the CPC Yunnan Provincial Committee, met with a delegation led by "
        "Somchai Rattana, Prime Minister of Thailand, in Kunming on Tuesday."
    )
    r = run(text)
    talks = [m for m in r.corpus.meetings if m.kind == "talks"]
    assert talks and "delegation" in talks[0].label and talks[0].date == "--05-07"
    assert ("Somchai Rattana", "Prime Minister", "Thailand Government", "holds") in r.posts
    assert {("Ding Haiyan", "attended"), ("Somchai Rattana", "attended")} <= r.roles


def test_chairman_of_the_autonomous_region_heads_its_government():
    r = run(
        "The Standing Committee of the Ningxia Hui Autonomous Regional Committee of the CPC held a meeting. "
        "Ma Jianguo, chairman of the autonomous region, attended the meeting."
    )
    assert ("Ma Jianguo", "Chairman", "Ningxia Autonomous Regional People's Government", "holds") in r.posts
    assert ("Ma Jianguo", "attended") in r.roles


def test_speech_delivered_by_someone_at_an_earlier_meeting():
    r = run("The meeting studied the speech delivered by Premier Fan Yiming at the national work conference on ports.")
    assert ("Fan Yiming", "spoke") in r.roles_at("work conference on ports")


def test_quoted_name_followed_by_initiative_is_an_initiative():
    r = run('He called for efforts to advance the "Smart Henan" initiative.')
    assert "Smart Henan" in r.initiatives


def test_plural_apposition_after_a_list_of_names_is_each_ones():
    r = run(
        "Gao Wenjie, Lu Hanming and Pei Dongsheng, members of the Standing Committee of the Political Bureau of the "
        "CPC Central Committee, attended the session."
    )
    for name in ("Gao Wenjie", "Lu Hanming", "Pei Dongsheng"):
        assert (name, "Member", "Standing Committee of the Political Bureau of the CPC Central Committee", "holds") in (
            r.posts
        )
        assert (name, "attended") in r.roles


def test_surname_alone_after_a_full_name_speaks_for_it():
    r = run("Zhu Yongkang, Governor of Shanxi, inspected a coal mine. Zhu urged officials to ensure safety.")
    assert ("Zhu Yongkang", "spoke") in r.roles
    assert "Zhu" not in r.people


def test_capital_dateline_alone_does_not_make_national_news_local():
    r = run(
        "BEIJING, Jan. 8 -- The plenary session opened in Beijing on Monday. Members of the Standing Committee "
        "attended. Standing Committee member Qiu Dehai spoke at the session.",
        date(2024, 1, 9),
    )
    assert r.extraction.region == "China"


def test_demonym_before_a_title_names_the_country():
    r = run("Chen Lidong met with Pierre Martin, French Ambassador to China, in Chengdu on Friday.", date(2023, 9, 2))
    assert ("Pierre Martin", "Ambassador", "Embassy of France", "holds") in r.posts
    assert {("Chen Lidong", "attended"), ("Pierre Martin", "attended")} <= r.roles


def test_inverted_attendance_list():
    r = run(
        "Attending the meeting were Zhejiang Party chief Wu Minghai, Governor Ye Jianping and Tao Ling, chairwoman "
        "of the Zhejiang Provincial Committee of the CPPCC. The meeting, held in Hangzhou on July 18, was chaired by "
        "Xu Guoan, deputy secretary of the CPC Zhejiang Provincial Committee.",
        date(2023, 7, 20),
    )
    assert {("Wu Minghai", "attended"), ("Ye Jianping", "attended"), ("Tao Ling", "attended")} <= r.roles
    assert ("Xu Guoan", "presided") in r.roles
    assert [(m[1], m[2]) for m in r.meetings] == [("2023-07-18", "Hangzhou")]


def test_seated_on_the_rostrum_is_attendance():
    r = run(
        "The second session of the 9th Hunan Provincial Committee of the CPPCC closed in Changsha on Friday. "
        "Fang Yuming presided over the meeting. Kong Lifen and Tao Shuqin, vice chairmen of the Hunan "
        "Provincial Committee of the CPPCC, sat in the front row of the rostrum. Ye Qingshan and Bai Lu were "
        "also seated on the rostrum.",
        date(2024, 1, 20),
    )
    assert ("Fang Yuming", "presided") in r.roles
    seated = {"Kong Lifen", "Tao Shuqin", "Ye Qingshan", "Bai Lu"}
    assert {(p, "attended") for p in seated} <= r.roles_at("second session")
    assert not any(p in seated and role != "attended" for p, role in r.roles)


def test_the_one_met_with_a_title_before_the_name_attends_those_talks():
    r = run(
        "Governor Fang Yuming of Hebei met with a delegation of entrepreneurs in Shijiazhuang on Monday. On "
        "Tuesday, Vice Governor Kong Lifen met with Singaporean Ambassador Tan Wei Ming.",
        date(2024, 3, 6),
    )
    assert r.roles_at("meeting with a delegation") == {("Fang Yuming", "attended")}
    assert r.roles_at("meeting with Singaporean") == {("Kong Lifen", "attended"), ("Tan Wei Ming", "attended")}


def test_a_congress_after_since_is_when_not_where_one_spoke():
    r = run(
        "The symposium on private enterprises was held in Chengdu on Monday. Fang Yuming pointed out that since "
        "the 18th National Congress of the Communist Party of China, great changes have taken place.",
        date(2024, 3, 6),
    )
    assert r.roles_at("symposium") == {("Fang Yuming", "spoke")}
    assert r.roles_at("18th National Congress") == set()


def test_attended_along_with_guests_named_after_the_event():
    r = run(
        "The China-Eurasia Trade Fair opened in Urumqi on Monday. Vice Premier Kang Lirong attended the opening "
        "ceremony along with Kazakh Prime Minister Nurlan Abenov and Kyrgyz Prime Minister Talant Osmonov.",
        date(2024, 9, 3),
    )
    attended = {("Kang Lirong", "attended"), ("Nurlan Abenov", "attended"), ("Talant Osmonov", "attended")}
    assert attended <= r.roles_at("opening ceremony")


def test_a_colon_list_of_participants_does_not_preside_with_the_last_one():
    r = run(
        "The signing meeting was held by video link on May 15. Fang Yuming delivered a speech, while the following "
        "officials participated: Kong Lifen, vice mayor of Zhengzhou; Tao Shuqin, secretary-general of the "
        "Zhengzhou Municipal People's Government; Vice Mayor Ye Qingshan presided over the meeting.",
        date(2024, 5, 16),
    )
    assert ("Ye Qingshan", "presided") in r.roles
    assert {("Kong Lifen", "attended"), ("Tao Shuqin", "attended")} <= r.roles
    assert not {("Kong Lifen", "presided"), ("Tao Shuqin", "presided")} & r.roles


def test_head_of_state_meeting_with_title_of_country_before_name():
    r = run(
        "Chinese President Wu Jianguo on Tuesday met with visiting Prime Minister of Norway Erik Hansen at the Great "
        "Hall of the People in Beijing.",
        date(2024, 4, 3),
    )
    assert ("Erik Hansen", "Prime Minister", "Norway Government", "holds") in r.posts
    assert ("Wu Jianguo", "attended") in r.roles
    talks = [m for m in r.meetings if m[0].startswith("meeting with")]
    assert talks == [(talks[0][0], "2024-04-02", "Great Hall of the People, Beijing")]


def test_extraction_does_not_import_rdflib():
    import subprocess
    import sys

    code = "import kg.extract.pipeline, kg.extract.records, sys; assert 'rdflib' not in sys.modules, 'rdflib imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
