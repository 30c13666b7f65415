"""Parameter values as pyoxigraph terms: reading SPARQL term text, typing overrides, normalising.

``read_term('"2023-12-31"^^xsd:date', namespaces)`` is an ``ox.Literal`` of type xsd:date;
``override(name, "2024-06-30", default, namespaces)`` reads a bare value with the type of the
default (refusing ill-typed values such as a bad date); ``str(term)`` writes any term back as
SPARQL (N-Triples syntax), so a value is always inserted as one escaped term.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import pyoxigraph as ox

from kg.errors import QueryError
from kg.rdf.keys import name_key

Term = ox.NamedNode | ox.BlankNode | ox.Literal

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
ID = "https://w3id.org/kg/id/"

NORMALISERS: dict[str, Callable[[str], str]] = {"name_key": name_key}  # ``# normalise: NAME = FUNCTION``

_PREFIXED = re.compile(r"(?P<prefix>[A-Za-z][\w.-]*)?:(?P<local>\S*)")
_NUMBER = re.compile(r"(?P<int>[+-]?\d+)|(?P<dec>[+-]?(\d+\.\d*|\.\d+))|(?P<dbl>[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+)")
_STRING = re.compile(
    r'(?P<q>"""|\'\'\'|"|\')(?P<body>.*?)(?P=q)(?:@(?P<lang>[A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(?P<dt>\S+))?',
    re.DOTALL,
)
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_CASTABLE = {  # datatypes Oxigraph can check by casting (xsd:TYPE("text") is unbound when ill-typed)
    "integer", "decimal", "double", "float", "boolean", "date", "dateTime", "time", "duration",
    "dayTimeDuration", "yearMonthDuration", "gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay",
}  # fmt: skip
_CHECKER = ox.Store()  # empty: only used to cast values


def _unescape(body: str) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(3) is None:
            return chr(int(match.group(1) or match.group(2), 16))
        if match.group(3) not in _ESCAPES:
            raise QueryError(f"bad escape '\\{match.group(3)}' in a parameter value")
        return _ESCAPES[match.group(3)]

    return _ESCAPE.sub(one, body)


def _iri(text: str, namespaces: Mapping[str, str]) -> ox.NamedNode | None:
    if text.startswith("<") and text.endswith(">"):
        return _named(text[1:-1])
    match = _PREFIXED.fullmatch(text)
    if match and (match.group("prefix") or "") in namespaces:
        return _named(namespaces[match.group("prefix") or ""] + match.group("local"))
    return None


def _named(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise QueryError(f"not an IRI: {iri!r} ({exc})") from None


def read_term(text: str, namespaces: Mapping[str, str]) -> Term:
    """A parameter value: a SPARQL term when it looks like one (``"..."``, ``<...>``, ``pfx:x``, 42), else a string."""
    text = text.strip()
    if text[:1] in "\"'":
        match = _STRING.fullmatch(text)
        if match is None:
            raise QueryError(f"cannot read parameter value {text!r}: unbalanced quotes")
        value = _unescape(match.group("body"))
        if match.group("lang"):
            return ox.Literal(value, language=match.group("lang"))
        if match.group("dt"):
            datatype = _iri(match.group("dt"), namespaces)
            if datatype is None:
                raise QueryError(f"cannot read parameter value {text!r}: unknown datatype {match.group('dt')}")
            return ox.Literal(value, datatype=datatype)
        return ox.Literal(value)
    if number := _NUMBER.fullmatch(text):
        kind = "integer" if number.group("int") else "decimal" if number.group("dec") else "double"
        return ox.Literal(text, datatype=ox.NamedNode(XSD + kind))
    if text in ("true", "false"):
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "boolean"))
    iri = _iri(text, namespaces)
    if iri is not None:
        return iri
    if re.match(r"(https?|urn|file|mailto):\S+$", text):
        return _named(text)
    return ox.Literal(text)


def well_typed(value: str, datatype: str) -> bool:
    """Whether ``value`` is a valid lexical form of the XSD ``datatype`` (unchecked types pass)."""
    local = datatype.removeprefix(XSD)
    if not datatype.startswith(XSD) or local not in _CASTABLE:
        return True
    cast = f"SELECT ?text ?v WHERE {{ BIND(<{datatype}>(?text) AS ?v) }}"
    (solution,) = list(_CHECKER.query(cast, substitutions={ox.Variable("text"): ox.Literal(value)}))
    return solution["v"] is not None


def override(name: str, value: str, default: Term | None, namespaces: Mapping[str, str]) -> Term:
    """Read an override ``value`` of parameter ``name`` with the type of its default."""
    stripped = value.strip()
    if isinstance(default, ox.NamedNode):
        term = read_term(value, namespaces)
        if isinstance(term, ox.NamedNode):
            return term
        if not re.fullmatch(r"[\w./:%~-]+", stripped):
            raise QueryError(f"parameter {name} expects an IRI (<...>, id:... or a key), got {value!r}")
        return _named(ID + stripped.lstrip("/"))
    if isinstance(default, ox.Literal) and not stripped.startswith(('"', "'")):
        if default.language:
            return ox.Literal(value, language=default.language)
        datatype = default.datatype.value
        if datatype in (XSD_STRING, RDF_LANG_STRING):
            return ox.Literal(value)
        if not well_typed(stripped, datatype):
            raise QueryError(f"parameter {name} expects a {datatype.rsplit('#', 1)[-1]}, got {value!r}")
        return ox.Literal(stripped, datatype=default.datatype)
    return read_term(value, namespaces)


def normalise(name: str, function: str, term: Term) -> Term:
    """``term`` (a literal) through the normaliser ``function`` (``# normalise: name = function``)."""
    if function not in NORMALISERS:
        raise QueryError(f"unknown normaliser '{function}' for parameter {name}; valid: {', '.join(NORMALISERS)}")
    if not isinstance(term, ox.Literal):
        raise QueryError(f"parameter {name} is normalised with {function}: give a text, got {term}")
    return ox.Literal(NORMALISERS[function](term.value))
