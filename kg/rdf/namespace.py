"""Namespaces of the kg graph, the ``kg:`` terms the code uses, and where the ontology files live.

The IRIs come from ``kg.rdf.vocab`` (which gives the same terms as pyoxigraph NamedNodes, for the
build). Plain ``rdflib.Namespace`` objects are used (not rdflib's closed ``DefinedNamespace`` classes),
so any term can be written; ``tests/test_ontology.py`` checks that every ``kg:`` term used in
``kg/rdf`` and ``kg/queries`` is defined in ``ontology/kg.ttl``. Write ``KG["title"]`` rather
than ``KG.title``: a Namespace is a ``str`` and ``.title`` is a string method.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from rdflib import RDF, Graph, Namespace, URIRef

from kg.errors import OntologyError
from kg.rdf.vocab import DCTERMS_IRI, ID_IRI, KG_IRI, NAMESPACES, OA_IRI, ORG_IRI, PROV_IRI, SDO_IRI, TIME_IRI

KG = Namespace(KG_IRI)
ID = Namespace(ID_IRI)
ORG = Namespace(ORG_IRI)
SDO = Namespace(SDO_IRI)
SCHEMA = SDO
PROV = Namespace(PROV_IRI)
OA = Namespace(OA_IRI)
TIME = Namespace(TIME_IRI)
DCTERMS = Namespace(DCTERMS_IRI)

KG_ONTOLOGY = URIRef("https://w3id.org/kg/ontology")

PREFIXES: dict[str, Namespace] = {prefix: Namespace(iri) for prefix, iri in NAMESPACES.items()}

# The kg: local names the code (mapping and queries) uses; all are defined in ontology/kg.ttl.
KG_TERMS: frozenset[str] = frozenset(
    {
        # classes
        "Assertion",
        "Meeting",
        "Initiative",
        "Plan",
        "Strategy",
        "PartyCommittee",
        "StandingCommittee",
        "Government",
        "PeoplesCongress",
        "ConsultativeConference",
        "CentralBody",
        "GovernmentDepartment",
        "MediaOutlet",
        "ForeignBody",
        "OtherOrganization",
        # fact properties
        "presidedBy",
        "speaker",
        "promotes",
        "appointedTo",
        "resignedFrom",
        "formerlyHeld",
        "reports",
        # descriptive properties
        "title",
        "meetingKind",
        "jurisdiction",
        "region",
        "adminLevel",
        "sha256",
        "nameKey",
        "titleKey",
        # provenance properties
        "confidence",
        "asOf",
        "promotionRegion",
        "promotionDate",
        "UnknownRegion",
        "evidence",
        "evidenceSpan",
        "factKind",
        "version",
    }
)

_ONTOLOGY_PACKAGE = "kg.ontology"


def ontology_path(name: str) -> Path:
    """Path of a file shipped in ``ontology/`` (package ``kg.ontology``); OntologyError if missing.

    ``importlib.resources`` finds the installed package; in a source checkout where the
    ``kg.ontology`` package cannot be imported (the folder has no ``__init__.py`` and the editable
    install maps it as a namespace that nested imports do not see) the top-level ``ontology/``
    folder next to the ``kg`` package is used.
    """
    candidates: list[Path] = []
    try:
        root = importlib.resources.files(_ONTOLOGY_PACKAGE)
        candidates.append(Path(str(root.joinpath(name))))
    except (ModuleNotFoundError, TypeError, ValueError):
        pass
    candidates.append(Path(__file__).resolve().parents[2] / "ontology" / name)
    for path in candidates:
        if path.is_file():
            return path
    raise OntologyError(f"ontology/{name}: file not found (looked in {', '.join(map(str, candidates))})")


def load_ontology_graph(name: str = "kg.ttl") -> Graph:
    """Parse an ontology file (Turtle) into a Graph; OntologyError if missing or unparsable."""
    path = ontology_path(name)
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated exception types
        raise OntologyError(f"{path}: does not parse: {exc}") from exc
    return graph


def load_ontology_terms() -> set[str]:
    """Local names of every ``kg:`` term declared (given an rdf:type) in ontology/kg.ttl."""
    graph = load_ontology_graph("kg.ttl")
    prefix = str(KG)
    return {
        str(s)[len(prefix) :]
        for s in graph.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(prefix) and len(str(s)) > len(prefix)
    }


def bind_prefixes(graph: Graph) -> Graph:
    """Bind kg's prefixes on ``graph`` (a Graph or Dataset), replacing other bindings; returns it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
