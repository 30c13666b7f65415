"""Posts and bodies on invented sentences of the genre: jurisdictions, bodies, national posts.

Each case is written for a class (a relative body, a department, a company title, a national
leader's titles...), with invented people, so that a rule passing here is a rule for the genre.
"""

from __future__ import annotations

import pytest

from tests.extraction_helpers import run

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _posts_of(r, person: str) -> set[tuple[str, str]]:
    return {(t, o) for p, t, o, _ in r.posts if p == person}


# ---------------------------------------------------------------- jurisdiction


def test_bodies_of_the_autonomous_region_take_the_articles_region():
    r = run(
        "The party committee of the autonomous region held a meeting in Hohhot, Inner Mongolia. Bao Zhenyu, "
        "Secretary of the Party Committee of the Autonomous Region, presided. Qiu Minghai, Deputy Secretary of "
        "the Party Committee of the Autonomous Region and Chairman of the Autonomous Region, spoke."
    )
    assert ("Secretary", "CPC Inner Mongolia Autonomous Regional Committee") in _posts_of(r, "Bao Zhenyu")
    assert _posts_of(r, "Qiu Minghai") == {
        ("Deputy Secretary", "CPC Inner Mongolia Autonomous Regional Committee"),
        ("Chairman", "Inner Mongolia Autonomous Regional People's Government"),
    }
    assert "CPC Inner Mongolia Autonomous Regional Committee" in r.organizations
    assert "Party Committee" not in r.organizations


def test_cppcc_of_the_autonomous_region():
    r = run(
        "A meeting was held in Nanning, Guangxi. Ran Jiawei, Chairman of the Political Consultative Conference "
        "of the Autonomous Region, attended the meeting."
    )
    assert ("Chairman", "Guangxi Autonomous Regional Committee of the CPPCC") in _posts_of(r, "Ran Jiawei")


def test_a_district_official_is_not_lifted_to_the_province():
    r = run(
        "The plenary session of the CPC Conghua district committee was held in Conghua, Guangzhou, Guangdong "
        "province. The CPC Conghua district committee approved the report. Deputy Party secretary Tao Shuqin "
        "delivered a speech."
    )
    assert _posts_of(r, "Tao Shuqin") == {("Deputy Secretary", "CPC Conghua District Committee")}


def test_a_district_title_goes_to_the_district_named_in_the_article():
    r = run(
        "Xihu District held a concert in Hangzhou. Kang Lirong, Vice Secretary of District Committee and "
        "District Mayor, attended. Xihu District thanked the guests."
    )
    posts = _posts_of(r, "Kang Lirong")
    assert ("District Mayor", "Xihu District People's Government") in posts
    assert not any("Zhejiang" in o for _, o in posts)


def test_the_head_of_a_county():
    r = run("Mo Xinhua, the head of Pingshan County, attended the signing ceremony in Shijiazhuang, Hebei.")
    assert ("Head", "Pingshan County People's Government") in _posts_of(r, "Mo Xinhua")


def test_a_post_in_the_capital_of_a_province_goes_to_the_capital_city():
    r = run(
        "Nanchang will widen its ties, said Lin Haoran, the mayor of the capital city of Jiangxi Province, on "
        "Monday. Ma Ruiqing, Party secretary of the capital of northwest China's Ningxia Hui Autonomous "
        "Region, also spoke."
    )
    assert _posts_of(r, "Lin Haoran") == {("Mayor", "Nanchang Municipal People's Government")}
    assert _posts_of(r, "Ma Ruiqing") == {("Secretary", "CPC Yinchuan Municipal Committee")}


def test_a_post_in_the_capital_unnamed_is_a_post_in_beijing_in_an_article_about_beijing():
    r = run(
        "The Beijing municipal government opened a library in Tongzhou District on Monday. The ceremony was "
        "attended by the Party chief of the capital Lin Haoran. Zhou Ming, the mayor of the capital city of "
        "Hunan Province, also attended."
    )
    assert _posts_of(r, "Lin Haoran") == {("Secretary", "CPC Beijing Municipal Committee")}
    assert _posts_of(r, "Zhou Ming") == {("Mayor", "Changsha Municipal People's Government")}
    r = run("VIENTIANE, May 3 -- Somchai Vongsa, the mayor of the capital, met visitors in Vientiane, Laos.")
    assert not any("Beijing" in o for _, o in _posts_of(r, "Somchai Vongsa"))


def test_the_chief_executive_of_a_special_administrative_region_heads_its_government():
    r = run(
        "Before the forum, Zhou met Macao Special Administrative Region (SAR) Chief Executive Tang Weiguo. "
        "Lu Jiahui, chief executive of Hengsheng Logistics Group, also attended in Shenzhen, Guangdong."
    )
    assert _posts_of(r, "Tang Weiguo") == {("Chief Executive", "Government of the Macao Special Administrative Region")}
    assert not any("Special Administrative" in o for _, o in _posts_of(r, "Lu Jiahui"))


def test_deputy_secretary_and_head_of_a_department_are_two_posts():
    r = run(
        "Geng Haoran, Deputy Secretary and Head of the Organization Department of the CPC Yunnan Provincial "
        "Committee, attended the closing ceremony."
    )
    assert _posts_of(r, "Geng Haoran") == {
        ("Deputy Secretary", "CPC Yunnan Provincial Committee"),
        ("Head", "Organization Department of the CPC Yunnan Provincial Committee"),
    }
    assert "Organization Department of the CPC Yunnan Provincial Committee" in r.organizations


def test_department_named_after_its_committee_and_relative_commission():
    r = run(
        "Lei Yuting, CPC Hubei Provincial Committee Publicity Department head, and Shao Pengfei, Secretary of "
        "the Provincial Political and Legal Committee, attended the meeting in Wuhan, Hubei."
    )
    assert ("Head", "Publicity Department of the CPC Hubei Provincial Committee") in _posts_of(r, "Lei Yuting")
    assert ("Secretary", "Political and Legal Committee of the CPC Hubei Provincial Committee") in _posts_of(
        r, "Shao Pengfei"
    )


def test_county_level_committees_as_a_class_with_describing_words():
    r = run(
        "The secretary met in Changsha, Hunan, with Wen Guanglin and Hou Yanping, the commended national "
        "outstanding Party secretaries of county-level CPC committees."
    )
    assert ("Secretary", "county-level CPC committee") in _posts_of(r, "Hou Yanping")
    assert not any("Hunan" in o for _, o in _posts_of(r, "Hou Yanping"))


def test_headline_words_for_a_class_of_bodies_name_no_organization():
    r = run(
        "Secretary Yue Meets with National County Party Committee Secretaries\n"
        "Yue Chengzhi, secretary of the CPC Hunan Provincial Committee, met the secretaries in Changsha."
    )
    assert not any("National County" in o for o in r.organizations)


# ---------------------------------------------------------------- bodies


def test_standing_committee_named_after_its_body():
    r = run(
        "Pan Xiaodong, CPC Hunan Provincial Standing Committee member and executive vice governor, and Lou "
        "Jianhong, Hunan Provincial People’s Congress Standing Committee director, attended the meeting."
    )
    assert ("Member", "Standing Committee of the CPC Hunan Provincial Committee") in _posts_of(r, "Pan Xiaodong")
    assert ("Director", "Standing Committee of the Hunan Provincial People's Congress") in _posts_of(r, "Lou Jianhong")


def test_npc_standing_committee_with_its_abbreviation():
    r = run(
        "Dou Weimin, chairman of the National People's Congress (NPC) Standing Committee, presided over the "
        "session in Beijing."
    )
    assert ("Chairman", "Standing Committee of the National People's Congress") in _posts_of(r, "Dou Weimin")


def test_cppcc_committee_of_a_region_without_a_level_word():
    r = run("Xiang Lanfang, vice chairman of Hebei Committee of CPPCC, attended the conference in Shijiazhuang.")
    assert ("Vice Chairman", "Hebei Provincial Committee of the CPPCC") in _posts_of(r, "Xiang Lanfang")


def test_company_posts():
    r = run(
        "The governor met the delegation led by Fei Zhongqi, Vice General Manager of Huaxin Resources Group and "
        "Chairperson of Board of Directors of Huaxin Pharmaceutical Group, in Changchun, Jilin."
    )
    assert _posts_of(r, "Fei Zhongqi") == {
        ("Vice General Manager", "Huaxin Resources Group"),
        ("Chairman of the Board", "Huaxin Pharmaceutical Group"),
    }


def test_company_with_co_ltd():
    r = run("Chai Mingyuan, president of Zhongyuan Bearing Group Co., Ltd., attended the forum in Luoyang.")
    assert ("President", "Zhongyuan Bearing Group Co., Ltd.") in _posts_of(r, "Chai Mingyuan")


def test_non_cpc_party_committee_of_a_region():
    r = run(
        "Luan Xiuqin, chairwoman of the Hubei Provincial Committee of the China Democratic League, spoke at the "
        "meeting in Wuhan."
    )
    assert ("Chairman", "Hubei Provincial Committee of the China Democratic League") in _posts_of(r, "Luan Xiuqin")


def test_head_and_deputy_head_of_a_delegation_to_the_npc():
    r = run(
        "The Yunnan delegation to the 14th National People's Congress held a plenary meeting in Beijing. "
        "Zhan Hongbo, Party secretary of Yunnan province, has been elected as the head of the Yunnan delegation, "
        "and Hua Shilin, vice governor of Yunnan, has been chosen as deputy head."
    )
    assert any(t == "Head" and o.startswith("Yunnan delegation") for t, o in _posts_of(r, "Zhan Hongbo"))
    assert "Yunnan delegation to the 14th National People's Congress" in r.organizations
    assert ("Secretary", "CPC Yunnan Provincial Committee") in _posts_of(r, "Zhan Hongbo")
    assert any(t == "Deputy Head" and "delegation" in o for t, o in _posts_of(r, "Hua Shilin"))


# ---------------------------------------------------------------- national posts


def test_national_leaders_three_posts():
    r = run(
        "Zhou Jianguo, general secretary of the Communist Party of China (CPC) Central Committee, Chinese "
        "president and chairman of the Central Military Commission, made remarks during an inspection tour."
    )
    assert _posts_of(r, "Zhou Jianguo") == {
        ("General Secretary", "CPC Central Committee"),
        ("President", "People's Republic of China"),
        ("Chairman", "Central Military Commission"),
    }


def test_president_between_two_titles_is_the_head_of_state():
    r = run(
        "Zhou Jianguo, General Secretary of the CPC Central Committee, President, and Chairman of the Central "
        "Military Commission, visited Xining."
    )
    assert ("President", "People's Republic of China") in _posts_of(r, "Zhou Jianguo")
    assert ("President", "Central Military Commission") not in _posts_of(r, "Zhou Jianguo")


def test_ministers_by_their_field():
    r = run(
        "Foreign Minister Bao Zhenyu answered questions in Beijing. Qiu Minghai, Minister of Water Resources, "
        "and Vice Minister of Culture and Tourism Ran Jiawei also spoke."
    )
    assert ("Minister", "Ministry of Foreign Affairs") in _posts_of(r, "Bao Zhenyu")
    assert ("Minister", "Ministry of Water Resources") in _posts_of(r, "Qiu Minghai")
    assert ("Vice Minister", "Ministry of Culture and Tourism") in _posts_of(r, "Ran Jiawei")


def test_state_councilor_and_vice_premier():
    r = run(
        "Chinese State Councilor Tao Shuqin made a speech in Qingdao. Vice Premier of the State Council Kang "
        "Lirong attended the ceremony."
    )
    assert ("State Councilor", "State Council") in _posts_of(r, "Tao Shuqin")
    assert ("Vice Premier", "State Council") in _posts_of(r, "Kang Lirong")


def test_foreign_governor_named_after_the_title():
    r = run(
        "Yue Chengzhi, Secretary of the CPC Fujian Provincial Committee, met with Governor Budi Santoso of "
        "Indonesia's East Java Province in Fuzhou."
    )
    posts = _posts_of(r, "Budi Santoso")
    assert any(t == "Governor" and "East Java" in o for t, o in posts)
    assert not any("Fujian" in o for _, o in posts)


def test_a_place_described_by_its_part_of_china():
    r = run("Mo Xinhua, vice governor of north China's Shanxi Province, inspected the coal mine.")
    assert any(t == "Vice Governor" and "Shanxi" in o for t, o in _posts_of(r, "Mo Xinhua"))


def test_next_names_title_does_not_erase_the_apposition():
    r = run(
        "Xi visited the cities, accompanied by Geng Haoran, secretary of the CPC Henan Provincial Committee, "
        "and Provincial Governor Lei Yuting."
    )
    assert ("Secretary", "CPC Henan Provincial Committee") in _posts_of(r, "Geng Haoran")
    assert ("Governor", "Henan Provincial People's Government") in _posts_of(r, "Lei Yuting")


def test_a_committee_of_another_body_is_not_the_party_committee():
    r = run(
        "The meeting was held in Wuhan, Hubei. Hou Yanping, secretary of the Municipal Committee of the "
        "Communist Youth League, spoke."
    )
    assert not any(o.startswith("CPC") for _, o in _posts_of(r, "Hou Yanping"))


def test_a_long_title_with_its_body_written_before_the_name():
    r = run(
        "Those present included Mayor Gu Haoran, Chairman of the Standing Committee of the Beijing Municipal "
        "People's Congress Ye Qingshan, and Chairman of the Beijing Committee of the Chinese People's Political "
        "Consultative Conference Bai Lu."
    )
    congress = "Standing Committee of the Beijing Municipal People's Congress"
    assert _posts_of(r, "Ye Qingshan") == {("Chairman", congress)}
    assert _posts_of(r, "Bai Lu") == {("Chairman", "Beijing Municipal Committee of the CPPCC")}


def test_hyphenated_vice_titles_in_the_plural_are_each_ones():
    r = run(
        "Fang Yuming, Kong Lifen and Tao Shuqin, vice-chairmen of the Hunan Provincial Committee of the CPPCC, "
        "and Ye Qingshan and Bai Lu, vice-governors of Hunan Province, attended the meeting in Changsha."
    )
    for person in ("Fang Yuming", "Kong Lifen", "Tao Shuqin"):
        assert _posts_of(r, person) == {("Vice Chairman", "Hunan Provincial Committee of the CPPCC")}
    for person in ("Ye Qingshan", "Bai Lu"):
        assert _posts_of(r, person) == {("Vice Governor", "Hunan Provincial People's Government")}


def test_foreign_leaders_by_their_nationality_adjective():
    r = run(
        "Vice Premier Kang Lirong attended the ceremony in Urumqi with Kazakh Prime Minister Nurlan Abenov, "
        "Kyrgyz Prime Minister Talant Osmonov and Tajik Prime Minister Rustam Karimov."
    )
    assert _posts_of(r, "Nurlan Abenov") == {("Prime Minister", "Kazakhstan Government")}
    assert _posts_of(r, "Talant Osmonov") == {("Prime Minister", "Kyrgyzstan Government")}
    assert _posts_of(r, "Rustam Karimov") == {("Prime Minister", "Tajikistan Government")}


def test_a_foreign_cabinet_secretary_of_a_field_before_the_name():
    r = run(
        "The visitors, including former U.S. Secretary of Finance Daniel Whitmore, met Vice Premier Kang Lirong "
        "in Beijing on Monday."
    )
    assert "Daniel Whitmore" in r.people
    assert not any("Finance" in p for p in r.people)
    assert _posts_of(r, "Daniel Whitmore") == {("Secretary", "Ministry of Finance of United States")}


def test_a_body_with_its_abbreviation_in_a_title_before_the_name():
    r = run(
        "Secretary General of the Shanghai Cooperation Organization (SCO) Aslan Berdiyev met with Governor of "
        "Gansu Province Gu Haoran in Lanzhou."
    )
    assert _posts_of(r, "Aslan Berdiyev") == {("Secretary-General", "Shanghai Cooperation Organization")}
    assert _posts_of(r, "Gu Haoran") == {("Governor", "Gansu Provincial People's Government")}


def test_a_title_with_a_body_the_rules_cannot_read_takes_no_other_body():
    r = run(
        "Gu Haoran, Chief of Aihui District of Heihe City, met with Irina Petrova, Chief of Zarechny District of "
        "Yakutsk City, Russia."
    )
    assert _posts_of(r, "Gu Haoran") == {("Head", "Aihui District People's Government")}
    assert not any("Aihui" in o for _, o in _posts_of(r, "Irina Petrova"))
    r = run(  # no province named: the congress's standing committee is not read, and is not the party's
        "Fang Yuming, Secretary of the Provincial Party Committee and Director of the Standing Committee of the "
        "Provincial People's Congress, presided over the meeting."
    )
    assert _posts_of(r, "Fang Yuming") == {("Secretary", "Provincial Party Committee")}


def test_heads_of_relevant_departments_after_an_apposition_are_not_the_persons_posts():
    r = run(
        "Gu Haoran, vice governor of Hebei Province, and heads of relevant departments of the provincial "
        "government attended the meeting. Fang Yuming, Chairman of the China Council for the Promotion of "
        "International Trade, heads of relevant central organs and central enterprises attended the forum."
    )
    assert _posts_of(r, "Gu Haoran") == {("Vice Governor", "Hebei Provincial People's Government")}
    assert _posts_of(r, "Fang Yuming") == {("Chairman", "China Council for the Promotion of International Trade")}
