"""Initiatives without quotes or capitals: national strategies, regional strategies, zones, slogans.

Every sentence is invented for a pattern class of the genre. ``wording`` is what the graph's
``initiatives`` query returns as ``?name`` (the evidence span), ``run(...).initiatives`` the
canonical names after resolution.
"""

from __future__ import annotations

import pytest

from kg.extract.initiatives import find_initiatives
from tests.extraction_helpers import run

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def wording(text: str, region: str | None = "Hunan") -> set[str]:
    return {h.surface for h in find_initiatives(text, region)}


# ---------------------------------------------------------------- national strategies, wrapped phrasings


def test_reform_and_opening_up_is_narrowed_out_of_its_verbs_and_adverbs():
    r = run(
        "The plenary session called on the whole county to comprehensively deepen reform and opening up and to "
        "further deepen reform and opening-up comprehensively."
    )
    assert "reform and opening up" in r.initiatives
    assert wording("We must comprehensively deepen reform and opening up.") == {"reform and opening up"}
    assert wording("Forty years of reform and opening-up changed the city.") == {"reform and opening-up"}


def test_comprehensively_deepening_reform_in_its_word_orders():
    assert wording("The forum studied ways to advance further deepening reform comprehensively.") == {
        "further deepening reform comprehensively"
    }
    r = run("Officials were told that comprehensively deepening reform is the key to progress.")
    assert "comprehensively deepening reform" in r.initiatives
    # reform alone names no strategy
    assert wording("The bureau will deepen reform of its approval procedures.") == set()


def test_high_level_opening_up_with_a_hyphen_or_a_space():
    assert wording("The province will pursue high-level opening-up and high-quality development.") == {
        "high-level opening-up",
        "high-quality development",
    }
    assert wording("The city pledged high-level opening up to the outside world.") == {"high-level opening up"}
    assert wording("The high-level opening ceremony drew many guests.") == set()


def test_chinas_reform_is_national_but_a_provinces_development_is_a_description():
    assert wording("Shenzhen is a window on China's reform and opening up.") == {"reform and opening up"}
    assert wording("Hunan's high-quality development made progress this year.") == set()


def test_a_strategy_followed_by_a_name_word_stays_but_one_modifying_a_noun_does_not():
    assert wording("He stressed high-quality development along the Xiang River.") == {"high-quality development"}
    assert wording("The county will implement the rural revitalization strategy.") == {"rural revitalization"}
    assert "carbon peaking and carbon neutrality" in wording(
        "Enterprises should work towards the carbon peaking and carbon neutrality goals."
    )
    assert wording("The village opened a rural revitalization office.") == set()


def test_a_capitalised_strategy_names_the_initiative_even_as_a_modifier():
    assert wording("The two sides will expand Belt and Road cooperation.") == {"Belt and Road"}
    assert wording("They discussed Greater Bay Area development.") == {"Greater Bay Area development"}


def test_national_slogans_of_the_genre():
    r = run(
        "The county will build a moderately prosperous society in all respects, contribute to the Chinese Dream, "
        "and uphold the policy of one country, two systems."
    )
    assert {"moderately prosperous society in all respects", "Chinese Dream", "one country, two systems"} <= (
        r.initiatives
    )


def test_campaigns_and_pandemic_policies():
    text = (
        "The meeting vowed to keep up the anti-corruption drive, carry out theme education, and adhere to the "
        "dynamic zero-COVID policy."
    )
    assert {"anti-corruption drive", "theme education", "dynamic zero-COVID"} <= wording(text)


def test_lowercase_five_year_plan():
    assert wording("The commission began drafting the 15th five-year plan.") == {"15th five-year plan"}


# ---------------------------------------------------------------- regional strategies


def test_macro_regional_strategies():
    r = run(
        "He urged the province to serve the rise of central China, the development of the Yangtze River Economic "
        "Belt and the coordinated development of the Beijing-Tianjin-Hebei region."
    )
    assert {
        "rise of central China",
        "Yangtze River Economic Belt",
        "coordinated development of Beijing, Tianjin and Hebei",
    } <= r.initiatives
    assert "development of central China" in wording("It is a pivot for the development of central China.")


def test_river_basin_conservation_in_either_word_order():
    assert wording("The city will strengthen ecological protection of the Yangtze River.") == {
        "ecological protection of the Yangtze River"
    }
    assert wording("The prefecture promotes Huaihe River basin ecological conservation.") == {
        "Huaihe River basin ecological conservation"
    }
    assert wording("The Yellow River flows past the old town.") == set()


def test_a_revitalization_after_a_possessive_region():
    assert wording("The forum discussed Jilin's full revitalization.") == {"Jilin's full revitalization"}


def test_sector_power_goals_over_sectors():
    text = (
        "The province aims to become a province with strong trade, a strong cultural province and an "
        "education powerhouse."
    )
    assert {"province with strong trade", "strong cultural province", "education powerhouse"} <= wording(text)
    assert wording("The city has a strong industrial foundation and a strong economy.") == set()


def test_provincial_brands_of_national_campaigns():
    assert wording("The plan supports Digital Hunan and Beautiful Guizhou.") == {"Digital Hunan", "Beautiful Guizhou"}
    assert wording("The digital economy of Hunan keeps growing in a beautiful Guizhou valley.") == {"digital economy"}


def test_a_named_pilot_demonstration_area_and_the_socialist_demonstration_area():
    text = "The city supports building Zhuhai a socialist demonstration area."
    assert "socialist demonstration area" in wording(text)
    assert wording("Xiamen will serve as a demonstration zone for cross-Strait integrated development.") == {
        "cross-Strait integrated development"
    }


# ---------------------------------------------------------------- named zones


def test_capitalised_zone_names_headed_by_a_zone_word():
    text = (
        "The delegation toured the Nansha Guangdong-Macao Comprehensive Cooperation Zone and the China (Guangxi) "
        "Pilot Free Trade Zone, then visited the Hainan Special Economic Zone."
    )
    assert {
        "Nansha Guangdong-Macao Comprehensive Cooperation Zone",
        "China (Guangxi) Pilot Free Trade Zone",
        "Hainan Special Economic Zone",
    } <= wording(text)


def test_lowercase_zone_head_after_a_capitalised_name():
    text = "He reviewed progress in the Changzhu-Tan demonstration area."
    assert wording(text) == {"Changzhu-Tan demonstration area"}
    assert wording("Trade within the China-ASEAN free trade area grew fast.") == {"China-ASEAN free trade area"}


def test_a_zone_inside_an_organization_name_or_without_a_name_is_not_an_initiative():
    assert wording("The Wanjiang Demonstration Zone Party Working Committee met on Friday.") == set()
    assert wording("The county was named a national rural demonstration zone.") == set()
    assert wording("In Pilot Zone meetings, officials spoke.") == set()


def test_a_zone_in_a_title_case_headline_starts_at_its_place():
    text = "Governor Tours Hainan Free Trade Port\nThe governor met investors on Monday."
    assert wording(text) == {"Hainan Free Trade Port"}
    assert wording("Party Chief Inspects Pilot Free Trade Zone\nHe met investors.", None) == set()


def test_a_national_strategy_wins_over_a_zone_name_grown_to_its_left():
    assert wording("The theme is Cooperation for Building Silk Road Economic Belt.") == {"Silk Road Economic Belt"}


# ---------------------------------------------------------------- lowercase "... strategy" and quoted names


def test_lowercase_strategy_name_after_an_implementing_verb():
    assert wording("The city will fully implement the county-seat-first urbanization strategy.") == {
        "county-seat-first urbanization strategy"
    }
    assert wording("All departments must implement the major national strategy.") == set()
    assert wording("Managers will implement the company's global strategy.") == set()


def test_quoted_name_after_a_policy_noun_and_not_a_quoted_description():
    assert wording("The county adhered to the general policy of \u201cthree firsts\u201d in flood control.") == {
        "three firsts"
    }
    assert wording("Leaders vowed to build the port into \u201ca new model.\u201d") == set()


def test_quoted_name_headed_by_campaign_needs_no_promoting_verb():
    text = "They reviewed the \u201cHundred Towns, Thousand Shops\u201d campaign and a \u201cone-stop\u201d service."
    assert wording(text) == {"Hundred Towns, Thousand Shops"}


def test_newer_national_policies_of_the_gazetteer():
    text = (
        "Schools carried out the double reduction policy while the city pursued the holistic approach to national "
        "security and the East Data, West Computing project."
    )
    assert {"double reduction policy", "holistic approach to national security", "East Data, West Computing"} <= (
        wording(text)
    )
