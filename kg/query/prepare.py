"""Checking a query and applying its parameters, before any graph is touched.

``prepare(sparql, params)`` refuses SPARQL Update (``UpdateRefused``) and SERVICE (``QueryError``)
by a scan of the text outside strings, IRIs and comments; applies the ``# param:`` defaults and
overrides (a ``VALUES`` block's value replaced in the text, or a variable substituted at run time);
and has Oxigraph's parser check the result (``QuerySyntaxError`` "... at line L, column C ...").
"""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.errors import QueryError, QuerySyntaxError, UpdateRefused
from kg.query.child import run_in_child
from kg.query.named import PageKey, QueryParam, read_header
from kg.query.shortiri import expand_short_iris
from kg.query.terms import Term, normalise, override, read_term
from kg.rdf.namespace import PREFIXES

NAMESPACES: dict[str, str] = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_UPDATE = re.compile(
    r"(INSERT\s+DATA|DELETE\s+DATA|DELETE\s+WHERE|INSERT|DELETE|WITH|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)\b"
)
_PROLOGUE = re.compile(r"\s*(?:(?:BASE\s*<\s*>|PREFIX\s+[\w.-]*:\s*<\s*>)\s*)*", re.IGNORECASE)
_SERVICE = re.compile(r"(?<![\w?$:.\-])SERVICE(?![\w:.\-])(?:\s+SILENT)?\s*(?P<target><\s*>|[^\s{]*)", re.IGNORECASE)
_DECLARED = re.compile(r"\bPREFIX\s+([\w.-]*):", re.IGNORECASE)
_PREFIXED_NAME = re.compile(r"(?<![\w?$<:.\-])(?P<prefix>[A-Za-z][\w.-]*)?:(?=[\w%\\])")
_NOT_PROJECTED = re.compile(r"does not contains? variable \?(\w+) in its SELECT projection")
_ERROR_AT = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)
_FROM = re.compile(r"(?<![\w?$:.\-])FROM(?![\w:.\-])", re.IGNORECASE)


def mask(text: str) -> str:
    """``text`` with comments, strings and IRIs blanked (same length; ``<`` ``>`` kept), to find keywords."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            start, j = i, n if j < 0 else j
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            start, j = i, min(n, j + len(quote))
        elif c == "<" and (iri := _IRI.match(text, i)):
            start, j = i + 1, iri.end() - 1
        else:
            i += 1
            continue
        for k in range(start, j):
            if out[k] != "\n":
                out[k] = " "
        i = max(j, i + 1)
    return "".join(out)


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


@dataclass(frozen=True)
class PreparedQuery:
    """A checked query: the text to run, variable substitutions, its kind and its page key.

    The dataset: plain patterns match the union of all graphs, unless the text has ``FROM`` /
    ``FROM NAMED`` clauses (``own_dataset``), or ``dataset`` (default graph IRIs, named graph IRIs:
    the SPARQL protocol's ``default-graph-uri`` / ``named-graph-uri``) replaces both.
    """

    text: str
    substitutions: dict[str, Term] = field(default_factory=dict)
    kind: str = "select"  # "select" | "ask" | "graph"
    page: PageKey | None = None
    own_dataset: bool = False
    dataset: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    params: tuple[tuple[str, Term], ...] = ()  # every parameter's value: a page key's pattern may use them

    def ox_substitutions(self) -> dict[ox.Variable, Term] | None:
        """The substitutions as pyoxigraph wants them (None when there are none)."""
        return {ox.Variable(name): term for name, term in self.substitutions.items()} or None


def refuse_update_and_service(sparql: str) -> None:
    """``UpdateRefused`` for SPARQL Update, ``QueryError`` for SERVICE: kg's queries are read-only and offline."""
    masked = mask(sparql)
    start = _PROLOGUE.match(masked).end()
    update = _UPDATE.match(masked[start:].upper())
    if update:
        operation = " ".join(update.group(1).split())
        raise UpdateRefused(f"refusing SPARQL Update ({operation}): queries are read-only")
    service = _SERVICE.search(masked)
    if service:
        target = sparql[service.start("target") : service.end("target")].rstrip("{")
        where = f" {target}" if target else ""
        raise QueryError(f"refusing SERVICE{where}: queries run offline against the local graph only")


def _unknown_prefix(sparql: str, masked: str) -> str | None:
    declared = set(NAMESPACES) | set(_DECLARED.findall(masked))
    for match in _PREFIXED_NAME.finditer(masked):
        prefix = match.group("prefix") or ""
        if prefix not in declared:
            line, column = _position(sparql, match.start())
            return f"unknown prefix '{prefix}:' at line {line}, column {column}"
    return None


def _syntax_message(sparql: str, error: str) -> str:
    """Oxigraph's "error at L:C: expected ..." as one readable line."""
    masked = mask(sparql)
    if "Prefix not found" in error and (located := _unknown_prefix(sparql, masked)):
        return f"invalid SPARQL: {located}"
    found = _ERROR_AT.match(" ".join(error.split()))
    if not found:
        return f"malformed SPARQL: {' '.join(error.split())}"
    line, column, expected = int(found.group(1)), int(found.group(2)), found.group(3)
    lines = sparql.split("\n")
    rest = lines[line - 1][column - 1 :] if line <= len(lines) else ""
    token = rest.split()[0] if rest.split() else "end of text"
    items = [item.strip() for item in re.split(r",\s*(?![^\[]*\])", expected.removeprefix("expected one of "))]
    messages = [item for item in items if " " in item and item[:1].isupper()]
    if messages:
        detail = "; ".join(messages)
    else:
        words = [item for item in items if re.fullmatch(r"[A-Z_]+|\"[^\"]*\"", item)]
        detail = "expected " + (", ".join(words[:8]) + (", ..." if len(words) > 8 else "") if words else "more")
        detail = detail.replace("expected expected", "expected")
    return f"malformed SPARQL at line {line}, column {column}: {detail}, found {token!r}"


def _lexical_kind(text: str) -> str:
    masked = mask(text)
    start = _PROLOGUE.match(masked).end()
    word = re.match(r"\s*(\w+)", masked[start:])
    keyword = word.group(1).upper() if word else "SELECT"
    return {"ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}.get(keyword, "select")


def _kind_of(text: str, substitutions: dict[ox.Variable, Term] | None) -> str:
    """Parse ``text`` with Oxigraph (on an empty store) and return its kind; ``QuerySyntaxError`` if malformed."""
    try:
        answer = ox.Store().query(
            text, prefixes=NAMESPACES, use_default_graph_as_union=True, substitutions=substitutions
        )
    except SyntaxError as exc:
        raise QuerySyntaxError(_syntax_message(text, str(exc))) from None
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        message = " ".join(str(exc).split())
        if _NOT_PROJECTED.search(message):
            raise QueryError(f"query failed: {message}") from None
        return _lexical_kind(text)  # it parses; evaluating it fails (e.g. a function Oxigraph lacks): said when it runs
    if isinstance(answer, ox.QueryBoolean):
        return "ask"
    return "graph" if isinstance(answer, ox.QueryTriples) else "select"


def check_syntax(text: str, substitutions: dict[ox.Variable, Term] | None, timeout: float | None = None) -> str:
    """The query's kind ("select", "ask", "graph"), checked by Oxigraph's parser.

    Oxigraph evaluates some queries as it parses them, even on an empty store (a SELECT with an
    aggregate or ORDER BY over big VALUES blocks): with a ``timeout`` the check runs in a forked
    process killed at the limit.
    """
    if timeout is None or "fork" not in multiprocessing.get_all_start_methods():
        return _kind_of(text, substitutions)
    return run_in_child(_kind_of, (text, substitutions), timeout)


def _values_block(sparql: str, masked: str, param: QueryParam) -> re.Match[str] | None:
    """The ``VALUES ?var { DEFAULT }`` block holding ``param``'s default (``?NAME`` preferred)."""
    if param.default is None:
        return None
    pattern = re.compile(rf"VALUES\s+[?$](\w+)\s*\{{\s*({re.escape(param.default)})\s*\}}", re.IGNORECASE)
    matches = [m for m in pattern.finditer(sparql) if masked[m.start()] == "V"]  # not inside a comment
    named = [m for m in matches if m.group(1) == param.name]
    return (named or matches or [None])[0]


def apply_params(sparql: str, params: Mapping[str, str] | None) -> tuple[str, dict[str, Term]]:
    """Return (query text with VALUES defaults replaced by the values, variable substitutions)."""
    text, substitutions, _ = resolve_params(sparql, params)
    return text, substitutions


def resolve_params(sparql: str, params: Mapping[str, str] | None) -> tuple[str, dict[str, Term], dict[str, Term]]:
    """``apply_params``, plus the value of every parameter (default or given, normalised) by name."""
    masked = mask(sparql)
    namespaces = declared_prefixes(sparql)
    declared = {param.name: param for param in read_header(sparql).params}
    given = dict(params or {})
    for name in given:  # declared parameters only; a query without declarations takes its variables
        if name not in declared if declared else not re.search(rf"[?$]{re.escape(name)}\b", masked):
            valid = ", ".join(declared) or "no parameters"
            raise QueryError(f"unknown parameter '{name}'; this query takes: {valid}")
    replacements: list[tuple[int, int, str]] = []
    substitutions: dict[str, Term] = {}
    values: dict[str, Term] = {}
    for name in dict.fromkeys([*declared, *given]):
        param = declared.get(name, QueryParam(name, None))
        default = read_term(param.default, namespaces) if param.default is not None else None
        term = override(name, given[name], default, namespaces) if name in given else default
        if term is not None and param.normalise:
            term = normalise(name, param.normalise, term)
        if term is not None:
            values[name] = term
        block = _values_block(sparql, masked, param)
        if block is not None:  # the query holds the default in a VALUES block: write the value there
            if name in given or param.normalise:
                replacements.append((block.start(2), block.end(2), str(term)))
        elif term is not None and (name in given or re.search(rf"[?$]{re.escape(name)}\b", masked)):
            substitutions[name] = term
    for start, end, text in sorted(replacements, reverse=True):
        sparql = sparql[:start] + text + sparql[end:]
    return sparql, substitutions, values


_PREPARED: dict[tuple, PreparedQuery] = {}  # checked queries, by text and parameters


def bind_in_text(text: str, bindings: Mapping[str, Term]) -> str:
    """``text`` with a one-row ``VALUES`` block binding ``bindings`` at the start of its WHERE clause."""
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(str(term) for term in bindings.values())
    at = where_brace(text) + 1
    return f"{text[:at]}\n  VALUES ({names}) {{ ({values}) }}{text[at:]}"


def prepare(sparql: str, params: Mapping[str, str] | None = None, *, timeout: float | None = None) -> PreparedQuery:
    """Check ``sparql`` (refusing updates and SERVICE, parsing it) and apply its parameters.

    A parameter whose default sits in a ``VALUES ?var { DEFAULT }`` block is applied by
    replacing that value; any other parameter binds the variable ``?NAME`` (or ``$NAME``):
    Oxigraph substitutes it in the whole query, or, where it cannot (a SELECT that does not
    project the variable), a one-row VALUES block at the start of the WHERE clause binds it.
    ``timeout`` bounds Oxigraph's parse check (see ``check_syntax``).
    """
    key = (sparql, tuple(sorted((params or {}).items())))
    if key in _PREPARED:
        return _PREPARED[key]
    if "/" in sparql:  # id:person/zhou-bo, as kg prints it
        sparql = expand_short_iris(sparql, mask(sparql), declared_prefixes(sparql))
    refuse_update_and_service(sparql)
    values_text, substitutions, values = resolve_params(sparql, dict(key[1]))
    text, inline = values_text, {}
    while True:
        try:
            kind = check_syntax(text, {ox.Variable(n): t for n, t in substitutions.items()} or None, timeout)
            break
        except QueryError as exc:
            missing = _NOT_PROJECTED.search(str(exc))
            if not missing or missing.group(1) not in substitutions:
                raise
            inline[missing.group(1)] = substitutions.pop(missing.group(1))
            text = bind_in_text(values_text, inline)
    if len(_PREPARED) >= 512:
        _PREPARED.clear()
    own_dataset = bool(_FROM.search(mask(text)))
    prepared = PreparedQuery(
        text, substitutions, kind, read_header(sparql).page, own_dataset, params=tuple(values.items())
    )
    _PREPARED[key] = prepared
    return prepared


def where_brace(text: str) -> int:
    """Index of the ``{`` that opens the query's WHERE clause (its top-level group pattern)."""
    masked = mask(text)
    match = re.search(r"\bWHERE\s*\{", masked, re.IGNORECASE)
    if match:
        return match.end() - 1
    depth = 0
    construct = re.search(r"\bCONSTRUCT\s*\{", masked, re.IGNORECASE)
    for i, c in enumerate(masked):
        if construct and i < construct.end():
            continue
        if c == "{" and depth == 0:
            return i
        depth += c == "{"
        depth -= c == "}"
    raise QueryError("cannot find the query's WHERE clause")


def declared_prefixes(text: str) -> dict[str, str]:
    """kg's prefixes and those the query declares with PREFIX lines."""
    prefixes = dict(NAMESPACES)
    for match in re.finditer(r"\bPREFIX\s+([\w.-]*):\s*<([^>]*)>", text, re.IGNORECASE):
        prefixes[match.group(1)] = match.group(2)
    return prefixes
