"""Named queries: the ``*.rq`` files of ``kg/queries``, their header lines, and finding a query by name.

A query file starts with comment lines. The first is its one-line description; these declare
how kg runs it (each on a line of its own, anywhere in the leading comments):

``# param: NAME = DEFAULT``
    a parameter. DEFAULT is a SPARQL term (``"Qin Haoran"``, ``"2023-12-31"^^xsd:date``,
    ``<iri>``, ``id:person/hao-peng``, ``42``) or bare text (a string). If the query holds DEFAULT
    in a block ``VALUES ?var { DEFAULT }`` (``?NAME`` preferred), a value replaces it there;
    otherwise the parameter binds the variable ``?NAME`` (or ``$NAME``).
``# normalise: NAME = FUNCTION``
    the parameter's value (default or override) goes through FUNCTION first. ``name_key``
    (``kg.rdf.keys.name_key``: NFKC, case-folded, spaces collapsed) turns a name or title into the
    key stored as ``kg:nameKey`` / ``kg:titleKey``, so the query matches the key exactly and the
    store answers from its index.
``# page by: ?VAR { PATTERN }``
    pages (``--limit``/``--offset``) are cut in windows of ``?VAR``: the distinct values of
    ``?VAR`` matching PATTERN are listed in order and the query runs with ``VALUES ?VAR {...}``
    for a few of them at a time until the page is full. Declare it only when ``?VAR`` is the
    leading ORDER BY key, is always bound, and every GROUP BY includes it; ``DESC(?VAR)`` for a
    descending key. ``# page by: ?date via ?meeting { PATTERN }`` pages a query ordered by a
    computed ``?date``: PATTERN binds ``?meeting`` and its ``?date``, the windows bind ``?meeting``
    (in ``?date`` order, a date never split between two windows). PATTERN may use the query's
    parameters (``FILTER (?asOf <= ?as_of)``): their values are bound in it too, so the windows
    skip keys that cannot give a row; it must keep every key the query's rows can have.
    Without a page key a page is cut from the whole answer.
``# page window: N``
    the first window holds N keys (default 8; later windows are sized from the rows per key so
    far). ``1`` suits a key that gives many rows each (a region's ~150 initiatives), where 8 keys
    would compute eight times the rows a first page needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from importlib.resources import files
from pathlib import Path

from kg.errors import QueryError, UnknownQuery

_PARAM_LINE = re.compile(r"^\s*#\s*param:\s*(?P<name>[A-Za-z_]\w*)\s*(?:=\s*(?P<default>.*?))?\s*$")
_NORMALISE_LINE = re.compile(r"^\s*#\s*normali[sz]e:\s*(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<function>\w+)\s*$")
_PAGE_LINE = re.compile(
    r"^\s*#\s*page by:\s*(?:(?P<desc>DESC)\s*\(\s*[?$](?P<dvar>\w+)\s*\)|(?:ASC\s*\(\s*)?[?$](?P<var>\w+)\s*\)?)"
    r"(?:\s+via\s+[?$](?P<via>\w+))?\s*(?P<pattern>\{.*\})\s*$",
    re.IGNORECASE,
)
_WINDOW_LINE = re.compile(r"^\s*#\s*page window:\s*(?P<keys>\d+)\s*$", re.IGNORECASE)
_SPARQL_START = re.compile(  # inline SPARQL (query or update) rather than a query name or file
    r"\s*(?:#[^\n]*\n\s*)*(?:BASE|PREFIX|SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|WITH|LOAD|CLEAR|DROP|CREATE"
    r"|ADD|MOVE|COPY)\s",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class QueryParam:
    """A declared parameter: ``# param: NAME = DEFAULT`` (``default`` None when not given).

    ``normalise`` names the function its value goes through (``# normalise: NAME = name_key``).
    """

    name: str
    default: str | None
    normalise: str | None = None


@dataclass(frozen=True)
class PageKey:
    """``# page by: ?var [via ?other] { pattern }``: pages are cut in windows of ``var``'s values, in order
    (of ``other``'s values, in the order of their ``var``, with ``via``)."""

    var: str
    pattern: str
    descending: bool = False
    via: str | None = None
    first_window: int | None = None  # keys in the first window (``# page window: N``); None: the default

    @property
    def window_var(self) -> str:
        """The variable the windows bind (``VALUES ?window_var {...}``)."""
        return self.via or self.var


@dataclass(frozen=True)
class QueryInfo:
    """A named query shipped in ``kg/queries``."""

    name: str
    description: str
    params: tuple[QueryParam, ...]
    path: str
    page: PageKey | None = None


@dataclass(frozen=True)
class Header:
    """What a query's comment lines declare."""

    description: str
    params: tuple[QueryParam, ...]
    page: PageKey | None


def read_header(text: str) -> Header:
    """The description, parameters and page key declared by ``text``'s comment lines."""
    description = ""
    params: dict[str, QueryParam] = {}
    normalise: dict[str, str] = {}
    page = None
    window = None
    for line in text.splitlines():
        if match := _PARAM_LINE.match(line):
            default = match.group("default")
            params[match.group("name")] = QueryParam(match.group("name"), default if default else None)
        elif match := _NORMALISE_LINE.match(line):
            normalise[match.group("name")] = match.group("function")
        elif match := _PAGE_LINE.match(line):
            var = match.group("dvar") or match.group("var")
            page = PageKey(var, match.group("pattern"), bool(match.group("desc")), match.group("via"))
        elif match := _WINDOW_LINE.match(line):
            window = int(match.group("keys"))
        elif not description and line.lstrip().startswith("#"):
            description = line.lstrip().lstrip("#").strip()
    if window is not None:
        if page is None or window < 1:
            raise QueryError(f"'# page window: {window}' needs a '# page by:' line and at least 1 key")
        page = replace(page, first_window=window)
    for name, function in normalise.items():
        if name not in params:
            raise QueryError(f"'# normalise: {name} = {function}' names no parameter; declare '# param: {name}' first")
        params[name] = QueryParam(name, params[name].default, function)
    return Header(description, tuple(params.values()), page)


def parse_header(text: str) -> tuple[str, tuple[QueryParam, ...]]:
    """Return (description, params) from a query's comment lines."""
    header = read_header(text)
    return header.description, header.params


def list_queries() -> list[QueryInfo]:
    """The named queries in the package's ``kg/queries`` folder, sorted by name."""
    infos = []
    for entry in files("kg.queries").iterdir():
        if entry.name.endswith(".rq") and entry.is_file():
            header = read_header(entry.read_text(encoding="utf-8"))
            name = entry.name.removesuffix(".rq")
            infos.append(QueryInfo(name, header.description, header.params, str(entry), header.page))
    return sorted(infos, key=lambda info: info.name)


def _read_query_file(path: Path, spec: str) -> str:
    if not path.is_file():
        raise QueryError(f"{spec}: no such query file")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{spec}: cannot read the query file: {exc}") from None


def resolve_query(spec: str) -> str:
    """SPARQL text for ``spec``: inline SPARQL (contains "{"), a ``.rq`` file, or a query name.

    Raises ``UnknownQuery`` (listing the valid names) when ``spec`` is none of these.
    """
    if not spec.strip():
        raise QueryError("empty query")
    if "{" in spec or _SPARQL_START.match(spec):
        return spec
    path = Path(spec)
    if spec.endswith(".rq") or "/" in spec or "\\" in spec:
        return _read_query_file(path, spec)
    named = {info.name: info for info in list_queries()}
    if spec in named:
        return Path(named[spec].path).read_text(encoding="utf-8")
    if path.is_file():
        return _read_query_file(path, spec)
    valid = ", ".join(named) or "(none installed)"
    raise UnknownQuery(f"unknown query '{spec}'; valid names: {valid}")
