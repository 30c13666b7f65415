"""Meetings: several events in one article, their dates and places (invented sentences and people)."""

from datetime import date

import pytest

from kg.extract import dates
from kg.extract.meeting_places import place_at
from tests.extraction_helpers import run


def dated(r) -> list[tuple[str | None, str | None]]:
    return [(m[1], m[2]) for m in r.meetings]


def meeting(r, part: str):
    found = [m for m in r.corpus.meetings if m.label.lower().startswith(part.lower())]
    assert found, [m.label for m in r.corpus.meetings]
    return found[0]


def place_name(r, m) -> str | None:
    return {p.key: p.name for p in r.corpus.places}.get(m.place)


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "phrase",
    ["From May 19 to 20,", "On May 19 and 20,", "On May 19-20,", "Between May 19 and 21,", "On the morning of May 19,"],
)
def test_a_range_or_a_part_of_the_day_dates_the_meeting_by_its_first_day(phrase):
    r = run(f"{phrase} a symposium on rural revitalization was held in Changsha.", date(2024, 5, 25))
    assert ("2024-05-19", "Changsha") in dated(r)


def test_day_only_date_after_the_morning_of_takes_the_month_of_the_article():
    r = run(
        "On the afternoon of the 12th, the Provincial Party Committee held a symposium of private entrepreneurs.",
        date(2023, 10, 16),
    )
    assert [m[1] for m in r.meetings] == ["2023-10-12"]


def test_day_before_month_is_a_date():
    r = run("3 June: Governor Fang Lixin met the visiting delegation of the Volga region.", date(2022, 6, 5))
    assert [m[1] for m in r.meetings] == ["2022-06-03"]


def test_weekday_counts_back_from_the_dateline_not_the_page_date():
    text = (
        "HARBIN, Oct. 15 (Xinhua) -- Vice Premier Ruan Zhiheng met on Monday with a delegation of entrepreneurs "
        "from Singapore."
    )
    r = run(text, date(2024, 10, 22))  # the page went up a week later
    assert [m[:2] for m in r.meetings] == [("meeting with a delegation of entrepreneurs from Singapore", "2024-10-14")]


def test_bare_weekday_after_the_verb_dates_the_session():
    r = run(
        "The Standing Committee of the provincial people's congress started its ninth session Tuesday in Jinan.",
        date(2023, 6, 29),
    )
    assert ("2023-06-27", "Jinan") in dated(r)


def test_yesterday_is_the_day_before_the_article():
    r = run(
        "Party Secretary Qu Wenbo met Marco Rossi, chairman of an Italian bank, in Hangzhou yesterday.",
        date(2021, 4, 9),
    )
    assert dated(r) == [("2021-04-08", "Hangzhou")]


def test_undated_main_meeting_takes_the_dateline_before_the_page_date():
    text = "NANNING, March 3 (Xinhua) -- A forum on border trade was held in Nanning, bringing together 300 guests."
    r = run(text, date(2024, 3, 6))
    assert [m[1] for m in r.meetings] == ["2024-03-03"]


def test_a_date_inside_the_dateline_is_not_read_in_a_later_photo_caption_sentence():
    hits = dates.find_dates("On Friday, a meeting. Sunday Times")
    assert [h.weekday for h in hits] == [4, 6]
    assert dates.find_dates("The 13th Five-Year Plan and the 20 plenary sessions") == []


# ---------------------------------------------------------------- places


def test_venue_with_its_city():
    r = run(
        "Kang Ruixue presided over the second plenary meeting of the session of the provincial people's congress "
        "at the Great Hall of the People in Beijing on March 8.",
        date(2024, 3, 9),
    )
    assert ("2024-03-08", "Great Hall of the People, Beijing") in dated(r)


def test_hotel_and_gymnasium_are_venues():
    r = run(
        "On August 5, the fourth plenary meeting of the 12th CPC Anshan Municipal Committee was held in "
        "Lianhua Lake Hotel."
    )
    assert ("--08-05", "Lianhua Lake Hotel") in dated(r)
    r = run(
        "With 6000 people singing in Hefei Gymnasium, a mass ceremony was held in Anhui to celebrate the new year "
        "on December 30.",
        date(2020, 1, 2),
    )
    assert dated(r) == [("2019-12-30", "Hefei Gymnasium, Anhui")]


def test_meeting_word_inside_a_building_name_is_a_venue_not_a_meeting():
    r = run("On June 3, the Fifth Coastal Cities Summit was unveiled at Lianyungang International Conference Center.")
    assert [m[0] for m in r.meetings] == ["Fifth Coastal Cities Summit"]
    assert dated(r) == [("--06-03", "Lianyungang International Conference Center")]


def test_met_in_a_city_with_guests():
    r = run(
        "On the morning of June 4, Dou Hanqing, secretary of the CPC Hubei Provincial Committee, met in Wuhan with "
        "Tian Jiahe, winner of the National Labour Medal, and other model workers.",
        date(2022, 6, 5),
    )
    assert dated(r) == [("2022-06-04", "Wuhan")]


def test_city_that_ends_the_sentence_after_a_long_guest_title():
    r = run(
        "On May 9, Yue Shaoping, Governor, met with the investment delegation led by Mo Jianhua, Vice President "
        "of Huadong Pharmaceutical Group and Chairman of its Board of Directors, in Kunming.",
        date(2022, 5, 12),
    )
    assert dated(r) == [("2022-05-09", "Kunming")]


def test_a_city_in_the_middle_of_the_sentence_is_not_the_place():
    r = run(
        "On July 20, the Standing Committee of the provincial party committee held a meeting to hear reports on "
        "flood control in Dalian, and to arrange the work of the second half of the year.",
        date(2021, 7, 22),
    )
    assert dated(r) == [("2021-07-20", None)]


def test_the_city_of_and_the_chinese_capital():
    r = run(
        "The third Silk Road Expo, a five-day trade fair, opened in the northwestern Chinese city of Lanzhou on "
        "Monday.",
        date(2019, 9, 10),
    )
    assert dated(r) == [("2019-09-09", "Lanzhou")]
    assert place_at("in the Chinese capital", 3, 22) == ("Beijing", 22)


def test_generic_venue_names_the_city_and_based_in_is_not_the_place():
    r = run(
        "On Saturday, Mayor Gu Yanbin was talking to a visiting delegation of diplomats based in Shanghai and "
        "Guangzhou at a hotel in Xiamen.",
        date(2023, 4, 8),
    )
    assert dated(r) == [("2023-04-08", "Xiamen")]


def test_a_sentence_broken_over_lines_keeps_its_place():
    r = run(
        "On October 12, Lu Qiaosheng, Secretary of the CPC Fujian Provincial Committee, met with Governor Budi \n"
        "Santoso of\nIndonesia's East Java Province in Fuzhou.\nThe two sides discussed trade.",
        date(2025, 10, 20),
    )
    talks = [m for m in r.meetings if m[0].startswith("meeting with")]
    assert talks == [("meeting with Governor Budi Santoso of Indonesia's East Java Province", "2025-10-12", "Fuzhou")]


def test_visit_destination_is_the_place():
    r = run(
        "A delegation of mayors from Canada paid a visit to Wuhan, capital of central China's Hubei Province, on "
        "Thursday.",
        date(2023, 11, 3),
    )
    assert dated(r) == [("2023-11-02", "Wuhan")]


# ---------------------------------------------------------------- several events


def test_inspection_tour_takes_the_date_and_place_of_the_visit_not_the_article():
    text = (
        "Leader stresses innovation on his Shanxi inspection tour\n\n"
        "TAIYUAN, June 12 (Xinhua) -- Ren Haitao, general secretary of the party, made important remarks during his "
        "recent inspection tour in north China's Shanxi Province.\n\n"
        "From June 9 to 10, Ren visited the cities of Datong and Taiyuan, accompanied by Zuo Xinhua, secretary of "
        "the CPC Shanxi Provincial Committee."
    )
    r = run(text, date(2025, 6, 13))
    tours = [m for m in r.meetings if m[1]]
    assert tours == [("recent inspection tour", "2025-06-09", "Datong")]


def test_an_article_that_only_tells_a_dated_visit_gets_an_inspection_tour():
    r = run(
        "On April 14, Pei Dongyu, vice mayor of Xinxiang City, led a team to inspect key projects in Huojia County. "
        "County leaders took part in the inspection."
    )
    assert [m[1] for m in r.meetings] == ["--04-14"]
    assert r.corpus.meetings[0].kind == "inspection tour"


def test_no_visit_meeting_from_a_passive_or_an_undated_verb():
    r = run("Xiang Yuming was investigated for serious violations of discipline. He visited Shenzhen many times.")
    assert not any(m.kind == "inspection tour" for m in r.corpus.meetings)


def test_plenary_meeting_of_a_named_committee_is_a_meeting_of_its_own():
    r = run(
        "On August 5, the ninth plenary meeting of the 12th CPC Anshan Municipal Committee was held. The meeting "
        "implemented the arrangements made at the 11th Plenary Session of the 12th CPC Liaoning Provincial "
        "Committee."
    )
    main = meeting(r, "ninth plenary meeting")
    assert main.part_of is None and main.date == "--08-05"
    earlier = meeting(r, "11th Plenary Session")
    assert earlier.date is None


def test_bare_plenary_sessions_and_the_chairmans_meeting_are_parts_with_the_date_of_the_session():
    text = (
        "The 30th session of the Standing Committee of Jilin Municipal People's Congress was held on June 2, 2021. "
        "The first plenary session was presided over by Cen Liwei. After the group deliberation, Cen Liwei "
        "presided over the chairman's meeting. At the second plenary session, the appointments were voted on."
    )
    r = run(text)
    main = meeting(r, "30th session")
    parts = [m for m in r.corpus.meetings if m.part_of == main.key]
    assert {m.label.split(" of ")[0] for m in parts} == {
        "first plenary session",
        "chairman's meeting",
        "second plenary session",
    }
    assert {m.date for m in parts} == {"2021-06-02"}


def test_a_part_that_states_its_own_date_and_place_keeps_them():
    text = (
        "The Standing Committee of the 14th NPC started its sixth session on Monday in Beijing.\n\n"
        "Chairman Kang Ruixue presided over the session's first plenary meeting at the Great Hall of the People "
        "on Oct. 21."
    )
    r = run(text, date(2023, 10, 24))
    part = next(m for m in r.corpus.meetings if m.part_of)
    assert part.date == "2023-10-21"
    assert place_name(r, part) == "Great Hall of the People"
    assert meeting(r, "sixth session").date == "2023-10-23"


def test_opening_ceremony_of_another_event_is_not_a_part_of_the_main_meeting():
    text = (
        "On March 4, a reading session for principal county officials was held in Chengdu. Kang Ruixue attended "
        "the opening ceremony and delivered a keynote report. She urged officials to study the important speech "
        "delivered at the opening ceremony of the study session for provincial officials."
    )
    r = run(text, date(2024, 3, 8))
    other = meeting(r, "opening ceremony of the study session")
    assert other.part_of is None and other.date is None
    own = next(m for m in r.corpus.meetings if m.part_of)
    assert own.date == "2024-03-04"


def test_talks_before_the_ceremony_take_the_last_date_told_before_them():
    text = (
        "Mayor Fang Lixin met with the visiting delegation from Penang led by Chief Minister Mohd Rafiq at the "
        "Xijiao Guest House yesterday afternoon.\n\n"
        "Rafiq arrived in Hong Kong on Friday morning and witnessed the signing of six trade deals.\n\n"
        "Before the signing ceremony, Rafiq met with Hong Kong Chief Executive Victor Chan."
    )
    r = run(text, date(2019, 4, 1))
    assert meeting(r, "meeting with the visiting delegation from Penang").date == "2019-03-31"
    assert meeting(r, "meeting with Hong Kong Chief Executive Victor Chan").date == "2019-03-29"


def test_main_meeting_is_the_one_held_not_the_session_the_delegation_attends():
    text = (
        "The delegation of Yunnan province attending the second session of the 14th National People's Congress "
        "held a plenary meeting at the Yunnan Building in Beijing on March 6."
    )
    r = run(text, date(2024, 3, 7))
    first = r.corpus.meetings[0]
    assert first.label.startswith("plenary meeting") and first.date == "2024-03-06"
    assert place_name(r, first) == "Yunnan Building, Beijing"


def test_meeting_held_under_a_name_is_not_an_anaphor_and_last_night_dates_it():
    r = run(
        "Xihe District held the Choral Concert to Celebrate the National Day at Xihe Sports Center last night.",
        date(2022, 10, 2),
    )
    assert dated(r) == [("2022-10-01", "Xihe Sports Center")]


def test_this_years_expo_and_an_apposition_are_the_main_event():
    text = (
        "The fifth Sino-Arab Expo (SAE), a four-day trade fair, opened in Yinchuan on Sunday.\n"
        "This year's expo focuses on digital trade."
    )
    r = run(text, date(2021, 8, 20))
    assert dated(r) == [("2021-08-15", "Yinchuan")]


def test_meeting_named_inside_another_is_referred_to_and_undated():
    r = run(
        "From June 3 to 5, a study session on implementing the guiding principles from the fourth plenary session "
        "of the 20th CPC Central Committee was held in Nanchang.",
        date(2025, 6, 6),
    )
    assert meeting(r, "fourth plenary session").date is None
    assert meeting(r, "study session").date == "2025-06-03"


def test_subheadlines_and_photo_captions_do_not_make_the_main_meeting():
    text = (
        "Unite to write a new chapter\n\n"
        "The first session of the 14th Provincial CPPCC concluded\n\n"
        "Zhao spoke, others attended\n\n"
        "On January 12, the first session of the 14th Shaanxi Provincial Committee of the CPPCC closed in Xi'an."
    )
    r = run(text, date(2023, 1, 14))
    assert dated(r) == [("2023-01-12", "Xi'an")]


def test_relative_clause_does_not_make_the_attended_event_the_main_one():
    text = (
        "BEIJING, Sept. 4 (Xinhua) -- Vice President Ruan Zhiheng met Wednesday with delegates who came to attend "
        "the Third China-Africa Think Tank Dialogue.\n\n"
        "The Third China-Africa Think Tank Dialogue, which concluded Tuesday, drew 80 scholars."
    )
    r = run(text, date(2024, 9, 5))
    first = r.corpus.meetings[0]
    assert first.kind == "talks" and first.date == "2024-09-04"
    dialogue = next(m for m in r.corpus.meetings if m.kind == "dialogue")
    assert dialogue.date == "2024-09-03"  # its own sentence, not the sentence of the talks


# ---------------------------------------------------------------- negatives


def test_members_of_the_committee_are_no_guests():
    r = run(
        "The 12th meeting of the Standing Committee was held in Jinan on May 4. Qu Wenbo met with members of the "
        "Standing Committee and made a speech.",
        date(2021, 5, 6),
    )
    assert not any(m.kind == "talks" for m in r.corpus.meetings)


def test_meeting_expectations_is_no_talks():
    r = run("On May 3, the project met Governor Fang's expectations and the county's requirements.", date(2021, 5, 6))
    assert r.meetings == []


def test_a_political_consultative_conference_is_a_body_not_a_meeting():
    r = run(
        "On May 9, the district held a signing ceremony. Li Bo, chairman of the District Political Consultative "
        "Conference, attended.",
        date(2020, 5, 10),
    )
    assert [m.kind for m in r.corpus.meetings] == ["ceremony"]


def test_a_planned_visit_is_not_dated():
    r = run(
        "Vice Premier Ruan Zhiheng will visit Kazakhstan on June 3-6 for a meeting of the intergovernmental "
        "committee, a spokesperson said at a briefing.",
        date(2025, 5, 30),
    )
    assert all(m.date is None for m in r.corpus.meetings)


def test_frank_dialogue_and_dialogue_relations_are_not_meetings():
    r = run(
        "They held frank dialogue with the Chinese side. The year marks the 30th anniversary of China-ASEAN "
        "Dialogue Relations.",
        date(2021, 5, 6),
    )
    assert not any(m.kind == "dialogue" for m in r.corpus.meetings)


def test_a_city_closing_a_sentence_that_only_refers_back_is_not_the_place():
    r = run(
        "On March 2, the Standing Committee of the Provincial Party Committee held a meeting. The meeting stressed "
        "that the decisions of the Party Central Committee must be implemented in Shanxi.",
        date(2023, 3, 3),
    )
    assert dated(r) == [("2023-03-02", None)]


def test_a_date_far_from_the_reference_in_a_later_sentence_does_not_date_the_meeting():
    r = run(
        "Tianhe holds plenary session of the district committee\n\n"
        "The main tasks of the session include studying the speeches of the central leadership, summing up the "
        "work of the district since the start of the year and planning the work of the second half after the "
        "flood that hit the district on June 12.",
        date(2022, 8, 3),
    )
    assert [m[1] for m in r.meetings] == ["2022-08-03"]


def test_the_events_opening_ceremony_and_the_sessions_plenary_meeting_are_parts():
    text = (
        "The 2022 Songhua River Entrepreneurs Forum opened on Tuesday in Harbin.\n\n"
        "Governor Fang Lixin said at the event's opening ceremony that the province welcomes investors."
    )
    r = run(text, date(2022, 9, 1))
    part = next(m for m in r.corpus.meetings if m.part_of)
    assert part.label.startswith("opening ceremony of the 2022 Songhua River Entrepreneurs Forum")
    assert part.date == "2022-08-30"


def test_talks_guest_with_an_abbreviation_keeps_its_name():
    r = run("Vice President Ruan Zhiheng met with U.S. governors and mayors in Beijing on Thursday.", date(2019, 5, 17))
    assert r.meetings == [("meeting with U.S. governors and mayors", "2019-05-16", "Beijing")]


def test_the_dateline_city_is_the_place_of_a_main_meeting_that_names_none():
    r = run(
        "NANJING, April 2 (Xinhua) -- Governor Fang Lixin met Tuesday with a delegation of German entrepreneurs.",
        date(2024, 4, 4),
    )
    assert dated(r) == [("2024-04-02", "Nanjing")]


def test_a_dated_visit_told_before_the_main_meeting_is_an_event_of_its_own():
    text = (
        "From June 11 to 12, 2020, the delegation of the CPC Guizhou Provincial Committee inspected Yunnan Province. "
        "On the afternoon of June 12, a cooperation symposium was held in Kunming."
    )
    r = run(text)
    assert ("2020-06-12", "Kunming") in dated(r)
    tour = next(m for m in r.corpus.meetings if m.kind == "inspection tour")
    assert tour.date == "2020-06-11" and place_name(r, tour) == "Yunnan"


def test_main_meeting_told_after_the_dated_sentence_of_its_paragraph_takes_that_date():
    text = (
        "Online investment signing brings 30 projects\n\n"
        'On the morning of June 2, the "online signing" of key projects of the district was launched. '
        "Xiang Yuming, district secretary, met with representatives of the investors."
    )
    r = run(text, date(2021, 6, 6))
    assert [m[1] for m in r.meetings if m[0].startswith("meeting with")] == ["2021-06-02"]


def test_an_earlier_meeting_dated_right_after_its_name_keeps_that_date():
    r = run(
        "On December 12, the Standing Committee held a meeting to study the spirit of the Central Economic Work "
        "Conference held on December 8 and the spirit of the provincial work conference.",
        date(2022, 12, 14),
    )
    assert meeting(r, "Central Economic Work Conference").date == "2022-12-08"
    assert meeting(r, "provincial work conference").date is None
    assert ("2022-12-12", None) in dated(r)


def test_the_event_held_at_a_venue_gives_the_place():
    r = run(
        "On October 3, Huxian County took part in the signing ceremony for investment projects. The event was held "
        "at the Chang'an International Convention and Exhibition Center.",
        date(2023, 10, 5),
    )
    assert dated(r) == [("2023-10-03", "Chang'an International Convention and Exhibition Center")]


SESSION_DAYS = (
    "HEFEI, Jan. 20 -- The opening ceremony of the Third Session of the 14th Anhui Provincial People's Congress "
    "was held on Monday at the Anhui Grand Hall. Qiao Wenbo, secretary of the Anhui Provincial Party Committee, "
    "presided over the opening ceremony.\n\n"
    "On January 19, a preparatory meeting of the session was held. Tang Ruoxi, chairman of the Standing "
    "Committee of the Anhui Provincial People's Congress, presided over the preparatory meeting. Fu Kang and "
    "Mo Lan attended the preparatory meeting.\n\n"
    "The second plenary meeting of the session was held on January 22. Qiao Wenbo presided over the plenary meeting."
)


def test_the_bare_name_of_an_event_told_before_refers_to_it_and_each_event_keeps_its_own_people():
    r = run(SESSION_DAYS, date(2025, 1, 23))
    labels = [m.label for m in r.corpus.meetings]
    assert len(labels) == 3, labels  # "the preparatory meeting", "the plenary meeting": the events told before
    assert r.roles_at("opening ceremony") == {("Qiao Wenbo", "presided")}
    assert r.roles_at("preparatory meeting") == {
        ("Tang Ruoxi", "presided"),
        ("Fu Kang", "attended"),
        ("Mo Lan", "attended"),
    }
    assert r.roles_at("second plenary meeting") == {("Qiao Wenbo", "presided")}
    assert meeting(r, "preparatory meeting").date == "2025-01-19"
    assert meeting(r, "second plenary meeting").date == "2025-01-22"


def test_a_part_of_the_session_is_named_by_the_session_not_by_its_opening_ceremony():
    r = run(SESSION_DAYS, date(2025, 1, 23))
    plenary = meeting(r, "second plenary meeting")
    assert plenary.label == "second plenary meeting of the Third Session of the 14th Anhui Provincial People's Congress"
