"""The data of the analyst's views (kg.viz.meetings, kg.viz.roster, kg.viz.initiative_map, kg.viz.overview),
on a real build of four short articles written for these tests, and the pages kg viz --view writes."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest

from kg.viz.initiative_map import cell_count, initiative_cells
from kg.viz.meetings import co_attendance
from kg.viz.roster import events, holders_as_of, roster_rows

ARTICLES = {
    "a1.txt": " date 2024-03-05 On March 4, the Standing Committee of the CPC Liaoning Provincial Committee held a "
    "meeting in Shenyang. Hao Peng, Secretary of the CPC Liaoning Provincial Committee, presided over the meeting. "
    "Li Lecheng, Governor of Liaoning Province, attended the meeting. Zhou Bo attended the meeting.\n\n"
    "The meeting called for implementing the rural revitalization strategy.\n",
    "a2.txt": " date 2024-06-10 On June 9, the Standing Committee of the CPC Liaoning Provincial Committee held a "
    "meeting in Shenyang. Hao Peng, Secretary of the CPC Liaoning Provincial Committee, presided over the meeting. "
    "Li Lecheng, Governor of Liaoning Province, attended the meeting.\n\n"
    "The meeting voted to appoint Zhou Bo as Vice Governor of Liaoning Province.\n",
    "a3.txt": " date 2023-11-20 On November 19, the Standing Committee of the CPC Jilin Provincial Committee held a "
    "meeting in Changchun. Jing Junhai, Secretary of the CPC Jilin Provincial Committee, presided over the meeting. "
    "Hu Yuting, Governor of Jilin Province, attended the meeting.\n\n"
    "The meeting called for implementing the rural revitalization strategy.\n",
    "a4.txt": " date 2024-09-02 On September 1, the Standing Committee of the Liaoning Provincial People's Congress "
    "held a meeting in Shenyang. The meeting accepted the resignation of Zhou Bo as Vice Governor of Liaoning "
    "Province.\n",
}
GOVERNMENT = "Liaoning Provincial People's Government"


@pytest.fixture(scope="module")
def mini_build(tmp_path_factory):
    """The real build of the four articles: (output folder, its graph in an Oxigraph store)."""
    from kg.build import build
    from kg.store.oxstore import load_store

    docs = tmp_path_factory.mktemp("views-docs")
    for name, text in ARTICLES.items():
        (docs / name).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("views-out")
    build([docs], out)
    return out, load_store(out / "graph.trig")


def _ids(found, name: str) -> str:
    return next(iri for iri, n in found.names.items() if n == name)


def test_co_attendance_counts_the_meetings_two_people_shared(mini_build):
    _out, store = mini_build
    found = co_attendance(store)
    hao, li, zhou = (_ids(found, n) for n in ("Hao Peng", "Li Lecheng", "Zhou Bo"))
    jing, hu = _ids(found, "Jing Junhai"), _ids(found, "Hu Yuting")
    assert found.count(hao, li) == 2  # two Liaoning meetings, Hao presiding and Li attending
    assert found.count(li, hao) == 2
    assert found.count(hao, zhou) == 1 and found.count(li, zhou) == 1
    assert found.count(jing, hu) == 1
    assert found.count(hao, jing) == 0  # never at the same meeting
    shared = [found.meetings[i] for i in found.pairs[(min(hao, li), max(hao, li))]]
    assert [m.date for m in shared] == ["2024-03-04", "2024-06-09"]
    assert all(m.regions == ["Liaoning"] for m in shared)
    roles = shared[0].parts[hao]
    assert roles["roles"] == ["presided"]
    assert "Hao Peng, Secretary of the CPC Liaoning Provincial Committee, presided" in roles["evidence"][0]["sentence"]


def test_co_attendance_for_one_region_or_date_range(mini_build):
    _out, store = mini_build
    jilin = co_attendance(store, region="jilin")
    assert sorted(jilin.names.values()) == ["Hu Yuting", "Jing Junhai"] and len(jilin.meetings) == 1
    spring = co_attendance(store, start="2024-01-01", end="2024-04-30")
    assert [m.date for m in spring.meetings] == ["2024-03-04"]
    hao, li = _ids(spring, "Hao Peng"), _ids(spring, "Li Lecheng")
    assert spring.count(hao, li) == 1
    assert co_attendance(store, region="Guangdong").pairs == {}


def test_roster_lists_appointment_and_resignation_in_order_and_holders_as_of(mini_build):
    _out, store = mini_build
    rows = roster_rows(store, GOVERNMENT)
    ordered = [(r["since"], r["title"], r["name"], r["status"]) for r in events(rows)]
    assert ordered == [
        ("2024-03-05", "Governor", "Li Lecheng", "holds"),
        ("2024-06-10", "Vice Governor", "Zhou Bo", "appointed"),
        ("2024-09-02", "Vice Governor", "Zhou Bo", "resigned"),
    ]
    assert holders_as_of(rows, "2024-01-01") == {}
    assert holders_as_of(rows, "2024-04-01") == {"Governor": ["Li Lecheng"]}
    assert holders_as_of(rows, "2024-07-01") == {"Governor": ["Li Lecheng"], "Vice Governor": ["Zhou Bo"]}
    assert holders_as_of(rows, "2024-12-31") == {"Governor": ["Li Lecheng"]}
    # the query's own as-of date cuts the later statements
    early = roster_rows(store, GOVERNMENT, "2024-07-01")
    assert [(r["name"], r["status"], r["current"]) for r in events(early)] == [
        ("Li Lecheng", "holds", "yes"),
        ("Zhou Bo", "appointed", "yes"),
    ]
    everyone = roster_rows(store)  # every organization at once: the same rows for this one
    assert sorted(map(str, (r for r in everyone if r["org"] == GOVERNMENT))) == sorted(map(str, rows))


def test_roster_query_has_no_date_cut_off_by_default(tmp_path, capsys):
    """Without as_of, a statement of any date is in the roster: the default is no cut-off, not a year."""
    from kg.build import build
    from kg.cli import main

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "late.txt").write_text(
        " date 2047-05-06 On May 5, the Standing Committee of the Hunan Provincial People's Congress held a "
        "meeting in Changsha. The meeting voted to appoint Tang Weimin as Vice Governor of Hunan Province.\n",
        encoding="utf-8",
    )
    build([docs], tmp_path / "out")
    graph = str(tmp_path / "out" / "graph.trig")
    assert main(["query", "roster", "--graph", graph, "--param", "org_name=Hunan Provincial People's Government"]) == 0
    rows = capsys.readouterr().out
    assert "Tang Weimin" in rows and "2047-05-06" in rows
    args = ["--param", "org_name=Hunan Provincial People's Government", "--param", "as_of=2047-05-05"]
    assert main(["query", "roster", "--graph", graph, *args]) == 0
    assert "Tang Weimin" not in capsys.readouterr().out


def test_kg_query_roster_prints_the_rows_in_order(mini_build, capsys):
    from kg.cli import main

    out, _store = mini_build
    code = main(["query", "roster", "--graph", str(out / "graph.trig"), "--param", f"org_name={GOVERNMENT}"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    body = [line.split()[:4] for line in lines[2:]]
    assert body == [
        ["Governor", "Li", "Lecheng", "holds"],
        ["Vice", "Governor", "Zhou", "Bo"],
        ["Vice", "Governor", "Zhou", "Bo"],
    ]
    assert "appointed" in lines[3] and "resigned" in lines[4] and lines[3].index("2024-06-10") > 0


def test_initiative_map_cells_count_documents_per_region_and_period(mini_build):
    _out, store = mini_build
    found = initiative_cells(store)
    assert found["quarters"] and found["periods"] == ["2023 Q4", "2024 Q1"]
    (initiative,) = found["initiatives"]
    assert initiative["name"] == "rural revitalization" and initiative["docs"] == 2
    cells = initiative["cells"]
    assert sorted(cells) == ["Jilin", "Liaoning"]
    assert cell_count(cells["Liaoning"]["2024 Q1"]) == 1 and cell_count(cells["Jilin"]["2023 Q4"]) == 1
    assert "2023 Q4" not in cells["Liaoning"]
    (item,) = cells["Liaoning"]["2024 Q1"]
    assert "rural revitalization strategy" in item["sentence"] and item["date"].startswith("2024-03")


def _data(path) -> dict:
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', path.read_text(), re.S)
    return json.loads(match.group(1))


def test_kg_viz_view_all_writes_four_linked_pages(mini_build, tmp_path, capsys):
    from kg.cli import main

    out, _store = mini_build
    folder = tmp_path / "views"
    folder.mkdir()
    assert main(["viz", "--graph", str(out / "graph.trig"), "--view", "all", "--out", str(folder)]) == 0
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["graph-view.html", "initiatives.html", "meetings.html", "roster.html"]
    target = folder / "graph-view.html"
    assert _data(target)["links"]["meetings"] == "meetings.html"
    meetings = _data(target.parent / "meetings.html")
    assert meetings["pairs"][0]["meetings"] and len(meetings["pairs"][0]["meetings"]) == 2
    assert main(["viz", "--graph", str(out / "graph.trig"), "--view", "meetings", "--region", "Jilin"]) == 0
    one = _data(out / "meetings.html")
    assert sorted(p["name"] for p in one["people"]) == ["Hu Yuting", "Jing Junhai"] and one["links"] is None
    assert main(["viz", "--graph", str(out / "graph.trig"), "--view", "roster", "--region", "Jilin"]) == 2
    assert "--region" in capsys.readouterr().err


def test_overview_communities_are_seeded_and_cover_every_node():
    from kg.viz.bench import synthetic_graph
    from kg.viz.overview import communities, layout
    from kg.viz.page import view_data

    graph = synthetic_graph(400)
    first, again = communities(graph), communities(graph)
    assert first == again and sorted(n for g in first for n in g) == sorted(graph.nodes)
    positions, centres = layout(graph, first, set())
    assert len(positions) == 400 and len(set(positions.values())) == 400 and len(centres) == len(first)
    data = view_data(graph)
    overview = data["overview"]
    assert overview["banner"].startswith("Showing the 150 most connected of 400 entities")
    assert sum(n["top"] for n in data["nodes"]) == 150 and data["options"]["physics"]["enabled"] is False
    assert sorted(m for c in overview["communities"] for m in c["members"]) == sorted(graph.nodes)
    degrees = sorted((n["degree"] for n in data["nodes"]), reverse=True)
    assert min(n["degree"] for n in data["nodes"] if n["top"]) >= degrees[149]
    assert view_data(nx.MultiDiGraph(synthetic_graph(100)))["overview"] is None  # small graphs as before
