"""kg's namespaces as plain IRIs and as pyoxigraph terms, without rdflib (the build's fast path).

    SDO.name, KG["title"], RDF.type      # pyoxigraph NamedNodes, made once and reused

``kg.rdf.namespace`` builds rdflib Namespaces from the same IRIs for the code that needs rdflib
(SHACL with pyshacl, rdflib's ``compare`` in tests).
"""

from __future__ import annotations

import pyoxigraph as ox

KG_IRI = "https://w3id.org/kg/ontology#"
ID_IRI = "https://w3id.org/kg/id/"
ORG_IRI = "http://www.w3.org/ns/org#"
SDO_IRI = "https://schema.org/"
PROV_IRI = "http://www.w3.org/ns/prov#"
OA_IRI = "http://www.w3.org/ns/oa#"
TIME_IRI = "http://www.w3.org/2006/time#"
DCTERMS_IRI = "http://purl.org/dc/terms/"
RDF_IRI = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_IRI = "http://www.w3.org/2000/01/rdf-schema#"
XSD_IRI = "http://www.w3.org/2001/XMLSchema#"
OWL_IRI = "http://www.w3.org/2002/07/owl#"

# prefix -> namespace IRI: the prefixes of every export and of kg's queries
NAMESPACES: dict[str, str] = {
    "kg": KG_IRI,
    "id": ID_IRI,
    "org": ORG_IRI,
    "schema": SDO_IRI,
    "prov": PROV_IRI,
    "oa": OA_IRI,
    "time": TIME_IRI,
    "dcterms": DCTERMS_IRI,
    "rdf": RDF_IRI,
    "rdfs": RDFS_IRI,
    "xsd": XSD_IRI,
    "owl": OWL_IRI,
}


class Vocabulary:
    """The terms of one namespace as pyoxigraph NamedNodes: ``SDO.name`` or ``KG["title"]``.

    Each term is made once and cached (making a NamedNode copies its IRI).
    """

    __slots__ = ("base", "_terms")

    def __init__(self, base: str) -> None:
        self.base = base
        self._terms: dict[str, ox.NamedNode] = {}

    def __getitem__(self, name: str) -> ox.NamedNode:
        term = self._terms.get(name)
        if term is None:
            term = self._terms[name] = ox.NamedNode(self.base + name)
        return term

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]


KG = Vocabulary(KG_IRI)
ID = Vocabulary(ID_IRI)
ORG = Vocabulary(ORG_IRI)
SDO = Vocabulary(SDO_IRI)
PROV = Vocabulary(PROV_IRI)
OA = Vocabulary(OA_IRI)
TIME = Vocabulary(TIME_IRI)
DCTERMS = Vocabulary(DCTERMS_IRI)
RDF = Vocabulary(RDF_IRI)
RDFS = Vocabulary(RDFS_IRI)
XSD = Vocabulary(XSD_IRI)
