"""kg.rdf.shacl beyond kg's own shapes: the SHACL constructs it translates give pyshacl's results on
small invented graphs, what it cannot translate is refused by name, and ``validate_store`` works
on an on-disk store and through ``kg validate``."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph

from kg.cli import main
from kg.errors import OntologyError, ValidationError
from kg.rdf.shacl import compile_shapes, run_checks
from kg.store.validate import _prefixes, report_lines, validate_file, validate_store, violations_from_report

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
# an invented club: members, ages, nicknames, a mentor chain
SHAPES = (
    PREFIXES
    + """
ex:MemberShape a sh:NodeShape ; sh:targetClass ex:Member ;
    sh:property [ sh:path ex:age ; sh:datatype xsd:integer ; sh:minExclusive 0 ; sh:maxExclusive 150 ;
                  sh:message "age is an integer in (0, 150)" ] ,
                [ sh:path ex:nickname ; sh:maxLength 8 ; sh:nodeKind sh:Literal ; sh:message "short nicknames" ] ,
                [ sh:path [ sh:inversePath ex:mentors ] ; sh:maxCount 1 ; sh:message "at most one mentor" ] ,
                [ sh:path ( ex:club ex:city ) ; sh:hasValue ex:Lakeside ; sh:message "clubs are in Lakeside" ] ,
                [ sh:path [ sh:alternativePath ( ex:nickname ex:alias ) ] ; sh:disjoint ex:name ;
                  sh:message "nicknames differ from the name" ] ,
                [ sh:path ex:joined ; sh:lessThan ex:left ; sh:message "joined before leaving" ] ,
                [ sh:path [ sh:oneOrMorePath [ sh:inversePath ex:mentors ] ] ; sh:not [ sh:class ex:Banned ] ;
                  sh:message "no banned member in the mentor line" ] ,
                [ sh:path ex:role ; sh:xone ( [ sh:in ( "chair" "clerk" ) ] [ sh:pattern "^guest-" ] ) ;
                  sh:minCount 2 ; sh:message "two roles, each one of the kinds" ] ,
                [ sh:path ex:badge ; sh:node ex:BadgeShape ; sh:message "badges are IRIs of the club" ] .
ex:BadgeShape sh:nodeKind sh:IRI ; sh:pattern "^http://example.org/badge/" .
ex:Member a sh:NodeShape .
ex:Senior a sh:NodeShape, rdfs:Class ;
    sh:property [ sh:path ex:age ; sh:minInclusive 65 ; sh:message "seniors are 65+" ] .
"""
)
DATA = (
    PREFIXES
    + """
ex:Senior rdfs:subClassOf ex:Member .
ex:ann a ex:Member ; ex:age 34 ; ex:nickname "Annie" ; ex:club ex:north ; ex:role "chair", "guest-1" ;
    ex:joined 2001 ; ex:left 2010 ; ex:badge <http://example.org/badge/1> .
ex:bob a ex:Senior ; ex:age 40 ; ex:nickname "Bobby-the-great" ; ex:club ex:south ; ex:role "chair", "clerk" ;
    ex:joined 2012 ; ex:left 2011 ; ex:name "Bob" ; ex:alias "Bob" ; ex:badge "gold" .
ex:cy a ex:Member ; ex:age "old" ; ex:nickname ex:cyn ; ex:role "janitor" ; ex:badge <http://elsewhere.org/b> .
ex:dee a ex:Banned ; ex:mentors ex:eve . ex:eve ex:mentors ex:ann . ex:fay ex:mentors ex:ann .
ex:north ex:city ex:Lakeside . ex:south ex:city ex:Hilltown .
"""
)


EX = {**_prefixes(), "ex": "http://example.org/"}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _store(text: str) -> ox.Store:
    store = ox.Store()
    store.load(text.encode(), format=ox.RdfFormat.TURTLE)
    return store


def test_the_translated_constructs_report_what_pyshacl_reports(tmp_path: Path) -> None:
    checks = compile_shapes(_write(tmp_path, "shapes.ttl", SHAPES), EX)
    ours = report_lines(run_checks(_store(DATA), checks), EX)
    conforms, results, _ = pyshacl.validate(
        Graph().parse(data=DATA, format="turtle"), shacl_graph=Graph().parse(data=SHAPES, format="turtle")
    )
    assert not conforms
    theirs = report_lines(violations_from_report(results, EX), EX)
    assert ours == theirs
    # each invented problem is found, once per focus node and value
    for text in (
        "ex:bob  ex:age: seniors are 65+ (value '40')",
        "ex:cy  ex:age: age is an integer in (0, 150) (value 'old')",
        "ex:bob  ex:nickname: short nicknames (value 'Bobby-the-great')",
        "ex:ann  ^ex:mentors: at most one mentor",
        "ex:bob  ex:club/ex:city: clubs are in Lakeside",
        "ex:bob  (ex:nickname|ex:alias): nicknames differ from the name (value 'Bob')",
        "ex:bob  ex:joined: joined before leaving (value '2012')",
        "ex:ann  ^ex:mentors+: no banned member in the mentor line (value ex:dee)",
        "ex:cy  ex:nickname: short nicknames (value ex:cyn)",
        "ex:cy  ex:role: two roles, each one of the kinds",
        "ex:cy  ex:role: two roles, each one of the kinds (value 'janitor')",
        "ex:bob  ex:badge: badges are IRIs of the club (value 'gold')",
    ):
        assert text in ours, text


def test_two_threads_find_the_same_violations(tmp_path: Path) -> None:
    checks = compile_shapes(_write(tmp_path, "shapes.ttl", SHAPES), EX)
    store = _store(DATA)
    assert run_checks(store, checks, threads=2) == run_checks(store, checks)


@pytest.mark.parametrize(
    ("construct", "named"),
    [
        ("sh:closed true", "sh:closed"),
        ("sh:property [ sh:path ex:p ; sh:uniqueLang true ]", "sh:uniqueLang"),
        ("sh:sparql [ sh:ask 'ASK {}' ]", "sh:select"),
        ("sh:or ( [ sh:path ex:p ; sh:minCount 1 ] )", "inside a nested shape"),
    ],
)
def test_what_cannot_be_translated_is_refused_by_name(tmp_path: Path, construct: str, named: str) -> None:
    shapes = _write(tmp_path, "shapes.ttl", PREFIXES + f"ex:S a sh:NodeShape ; sh:targetClass ex:C ; {construct} .")
    with pytest.raises(OntologyError, match=named):
        compile_shapes(shapes, EX)


def test_validate_store_on_an_on_disk_store(tmp_path: Path) -> None:
    golden = Path(__file__).with_name("fixtures") / "golden.trig"
    store = ox.Store(str(tmp_path / "store"))
    store.bulk_load(path=str(golden), format=ox.RdfFormat.TRIG)
    summary = validate_store(store)
    assert summary["mode"] == "full" and summary["whole_graph"] is True
    assert summary["triples_validated"] == len(store) > 0
    assert summary["shapes"] >= 20 and summary["checks"] >= summary["shapes"]
    store.remove(next(iter(store.quads_for_pattern(None, ox.NamedNode("https://schema.org/name"), None))))
    with pytest.raises(ValidationError, match="schema:name"):
        validate_store(store, name="my store")


def test_kg_validate_loads_the_file_into_oxigraph(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    golden = Path(__file__).with_name("fixtures") / "golden.trig"
    assert main(["validate", str(golden)]) == 0
    assert capsys.readouterr().out.strip() == f"OK: {validate_file(golden)} triples conform"
    store = ox.Store()
    store.bulk_load(path=str(golden), format=ox.RdfFormat.TRIG)
    name = ox.NamedNode("https://schema.org/name")
    for quad in list(store.quads_for_pattern(ox.NamedNode("https://w3id.org/kg/id/person/tian-yu"), name, None)):
        store.remove(quad)
    broken = tmp_path / "broken.nq"
    store.dump(broken, ox.RdfFormat.N_QUADS)
    assert main(["validate", str(broken)]) == 3
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "id:person/tian-yu  schema:name: a person needs exactly one non-empty schema:name",
        "1 violation(s)",
    ]
    assert err.strip() == f"kg: error: {broken}: 1 SHACL violation(s); first: {out.splitlines()[0]}"


def test_the_sample_mode_is_gone(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["build", str(tmp_path), "-o", str(tmp_path / "out"), "--validate", "sample"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'sample'" in err and "'auto', 'full', 'off'" in err


def test_the_validation_benchmark_runs_kg_in_a_child_process(capsys: pytest.CaptureFixture) -> None:
    from kg.bench.validation import main as bench
    from kg.store.oxstore import load_store

    golden = Path(__file__).with_name("fixtures") / "golden.trig"
    assert bench([str(golden), "--validators", "kg"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| kg |")]
    quads = str(len(load_store(golden)))  # the benchmark reports the graph's size, conforms and violations
    assert len(rows) == 1 and rows[0].split(" | ")[1:2] == [quads] and "| True | 0 |" in rows[0]
