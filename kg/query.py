"""Named and ad-hoc SPARQL queries over a built graph (read-only).

Named queries are the ``*.rq`` files of the ``kg.queries`` package. The first comment line of a
file is its one-line description; lines ``# param: NAME = DEFAULT`` declare parameters.
DEFAULT is a SPARQL term (``"Qin Haoran"``, ``"2023-12-31"^^xsd:date``, ``<iri>``,
``id:person/hao-peng``, ``42``) or bare text (a string). If the query holds DEFAULT in a block
``VALUES ?var { DEFAULT }`` (``?NAME`` preferred), an override replaces that value; otherwise
the parameter binds the variable ``?NAME`` (also written ``$NAME``) before evaluation. An
override takes the type of the default (a bare override for an IRI parameter is read as a key
below ``id:``, e.g. ``person/hao-peng``) and is always inserted as one escaped term.

The prefixes kg:, id:, org:, schema:, prov:, oa:, time:, rdfs:, xsd:, owl: and dcterms: are
predeclared, so inline queries may use them without PREFIX lines.

Queries are read-only and offline: SPARQL Update is refused (``UpdateRefused``), ``SERVICE`` is
refused, and ``FROM``/``FROM NAMED`` name graphs of the loaded file instead of fetching anything.
With a ``timeout`` the query is evaluated in a forked worker process that is killed when the time
is up (``QueryTimeout``); where ``fork`` is unavailable, in a thread that is abandoned.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import logging
import multiprocessing
import re
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import rdflib.plugins.sparql
from pyparsing import ParseException
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD, NamespaceManager
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import traverse
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node
from rdflib.util import from_n3

from kg.errors import ExportError, KgError, QueryError, QuerySyntaxError, QueryTimeout, UnknownQuery, UpdateRefused
from kg.rdf.namespace import ID, PREFIXES, bind_prefixes
from kg.store import GRAPH_FORMATS, load_graph

__all__ = ["GRAPH_FORMATS", "load_graph"]  # re-exported: loading graph files lives in kg.store

FORMATS = ("table", "csv", "tsv", "json")
_PARAM_LINE = re.compile(r"^\s*#\s*param:\s*(?P<name>[A-Za-z_]\w*)\s*(?:=\s*(?P<default>.*?))?\s*$")
_PREFIXED = re.compile(r"(?P<prefix>[A-Za-z][\w.-]*)?:(?P<local>\S*)")
_SPARQL_START = re.compile(  # inline SPARQL (query or update) rather than a query name or file
    r"\s*(?:#[^\n]*\n\s*)*(?:BASE|PREFIX|SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|WITH|LOAD|CLEAR|DROP|CREATE"
    r"|ADD|MOVE|COPY)\s",
    re.IGNORECASE,
)
_NUMBER_OR_BOOL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|true|false")


@dataclass(frozen=True)
class QueryParam:
    """A declared parameter: ``# param: NAME = DEFAULT`` (``default`` None when not given)."""

    name: str
    default: str | None


@dataclass(frozen=True)
class QueryInfo:
    """A named query shipped in ``kg/queries``."""

    name: str
    description: str
    params: tuple[QueryParam, ...]
    path: str


@dataclass(frozen=True)
class QueryResult:
    """A query's answer. ``kind`` is "select" (vars, rows), "ask" (boolean) or "graph" (graph).

    ``rows`` hold the values as Python strings (None when unbound); ``terms`` the rdflib terms.
    ``truncated`` is True when a row cap (``max_rows``) cut the answer short.
    """

    kind: str
    vars: tuple[str, ...] = ()
    rows: tuple[tuple[str | None, ...], ...] = ()
    terms: tuple[tuple[Node | None, ...], ...] = field(default=(), repr=False, compare=False)
    boolean: bool | None = None
    graph: Graph | None = field(default=None, repr=False, compare=False)
    truncated: bool = False


# ---------------------------------------------------------------- finding queries


def parse_header(text: str) -> tuple[str, tuple[QueryParam, ...]]:
    """Return (description, params) from a query's comment lines."""
    description = ""
    params: list[QueryParam] = []
    for line in text.splitlines():
        match = _PARAM_LINE.match(line)
        if match:
            default = match.group("default")
            params.append(QueryParam(match.group("name"), default if default else None))
        elif not description and line.lstrip().startswith("#"):
            description = line.lstrip().lstrip("#").strip()
    return description, tuple(params)


def list_queries() -> list[QueryInfo]:
    """The named queries in the package's ``kg/queries`` folder, sorted by name."""
    infos = []
    for entry in files("kg.queries").iterdir():
        if entry.name.endswith(".rq") and entry.is_file():
            description, params = parse_header(entry.read_text(encoding="utf-8"))
            infos.append(QueryInfo(entry.name.removesuffix(".rq"), description, params, str(entry)))
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


# ---------------------------------------------------------------- preparing and running


def _update_operation(text: str) -> str | None:
    """The first operation's name if ``text`` parses as SPARQL Update, else None."""
    try:
        parsed = parseUpdate(text)
    except Exception:  # noqa: BLE001 - not an update
        return None
    requests = list(parsed.request or [])
    return requests[0].name if requests else None


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _prepare_text(sparql: str) -> Query:
    try:
        return prepareQuery(sparql, initNs=PREFIXES)
    except Exception as exc:  # noqa: BLE001 - pyparsing errors, and plain Exceptions from the algebra
        operation = _update_operation(sparql)
        if operation:
            raise UpdateRefused(f"refusing SPARQL Update ({operation}): queries are read-only") from None
        if isinstance(exc, ParseException):
            found = getattr(exc, "found", "") or "end of text"
            where = f"line {exc.lineno}, column {exc.col}"
            raise QuerySyntaxError(f"malformed SPARQL at {where}: {exc.msg}, found {found!r}") from None
        message = (str(exc) or type(exc).__name__).splitlines()[0]
        prefix = re.match(r"Unknown namespace prefix : (\S+)", message)
        at = prefix and re.search(rf"(?<![\w:<]){re.escape(prefix.group(1))}:", sparql)
        if prefix and at:
            line, col = _position(sparql, at.start())
            message = f"unknown prefix '{prefix.group(1)}:' at line {line}, column {col}"
        raise QuerySyntaxError(f"invalid SPARQL: {message}") from None


def _term(text: str, namespaces: dict[str, str]) -> Node:
    """Read a parameter value: a SPARQL term when it looks like one, else a plain string."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if (text and text[0] in "\"'") or _NUMBER_OR_BOOL.fullmatch(text):
        manager = NamespaceManager(Graph(bind_namespaces="none"))
        for prefix, namespace in namespaces.items():
            manager.bind(prefix, namespace)
        try:
            return from_n3(text, nsm=manager)
        except Exception as exc:  # noqa: BLE001 - from_n3 raises assorted errors
            raise QueryError(f"cannot read parameter value {text!r}: {exc}") from None
    match = _PREFIXED.fullmatch(text)
    if match and (match.group("prefix") or "") in namespaces:
        return URIRef(namespaces[match.group("prefix") or ""] + match.group("local"))
    if re.match(r"(https?|urn|file|mailto):\S+$", text):
        return URIRef(text)
    return Literal(text)


def _override(name: str, value: str, default: Node | None, namespaces: dict[str, str]) -> Node:
    """Read an override ``value`` with the type of the parameter's default."""
    term = _term(value, namespaces)
    stripped = value.strip()
    if isinstance(default, URIRef) and not isinstance(term, URIRef):
        if not re.fullmatch(r"[\w./:%~-]+", stripped):
            raise QueryError(f"parameter {name} expects an IRI (<...>, id:... or a key), got {value!r}")
        return URIRef(str(ID) + stripped.lstrip("/"))
    if isinstance(default, Literal) and not stripped.startswith(('"', "'")):
        if default.datatype and default.datatype != XSD.string:
            term_logger = logging.getLogger("rdflib.term")  # it logs a traceback for ill-typed values
            disabled, term_logger.disabled = term_logger.disabled, True
            try:
                term = Literal(stripped, datatype=default.datatype)
            finally:
                term_logger.disabled = disabled
            if getattr(term, "ill_typed", False):
                kind = str(default.datatype).rsplit("#", 1)[-1]
                raise QueryError(f"parameter {name} expects a {kind}, got {value!r}")
            return term
        return Literal(value, lang=default.language, datatype=default.datatype)
    return term


def _values_block(sparql: str, param: QueryParam) -> re.Match[str] | None:
    """The ``VALUES ?var { DEFAULT }`` block holding ``param``'s default (``?NAME`` preferred)."""
    if param.default is None:
        return None
    pattern = re.compile(rf"VALUES\s+[?$](\w+)\s*\{{\s*({re.escape(param.default)})\s*\}}", re.IGNORECASE)
    matches = list(pattern.finditer(sparql))
    named = [m for m in matches if m.group(1) == param.name]
    return (named or matches or [None])[0]


def _apply_params(sparql: str, query: Query, params: dict[str, str] | None) -> tuple[str, dict[Variable, Node]]:
    """Return (query text with VALUES defaults replaced by overrides, variable bindings)."""
    namespaces = {prefix: str(ns) for prefix, ns in query.prologue.namespace_manager.namespaces()}
    declared = {param.name: param for param in parse_header(sparql)[1]}
    given = dict(params or {})
    for name in given:  # declared parameters only; a query without declarations takes its variables
        if name not in declared if declared else not re.search(rf"[?$]{re.escape(name)}\b", sparql):
            valid = ", ".join(declared) or "no parameters"
            raise QueryError(f"unknown parameter '{name}'; this query takes: {valid}")
    replacements: list[tuple[int, int, str]] = []
    bindings: dict[Variable, Node] = {}
    for name in dict.fromkeys([*declared, *given]):
        param = declared.get(name, QueryParam(name, None))
        default = _term(param.default, namespaces) if param.default is not None else None
        block = _values_block(sparql, param)
        if block is not None:  # the query holds the default in a VALUES block: swap the value
            if name in given:
                term = _override(name, given[name], default, namespaces)
                replacements.append((block.start(2), block.end(2), term.n3()))
        elif name in given:
            bindings[Variable(name)] = _override(name, given[name], default, namespaces)
        elif default is not None and re.search(rf"[?$]{re.escape(name)}\b", sparql):
            bindings[Variable(name)] = default
    for start, end, text in sorted(replacements, reverse=True):
        sparql = sparql[:start] + text + sparql[end:]
    return sparql, bindings


def _refuse_service(query: Query) -> None:
    """Raise ``QueryError`` when ``query`` has a SERVICE clause (kg queries never leave the machine)."""
    services: list[CompValue] = []

    def visit(node: object) -> None:
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            services.append(node)

    traverse(query.algebra, visitPost=visit)
    if services:
        target = services[0].get("term")
        where = f" {target.n3()}" if isinstance(target, Node) else ""
        raise QueryError(f"refusing SERVICE{where}: queries run offline against the local graph only")


def prepare(sparql: str, params: dict[str, str] | None = None) -> tuple[Query, dict[Variable, Node]]:
    """Parse ``sparql`` (refusing updates and SERVICE) and apply its parameters.

    A parameter whose default sits in a ``VALUES ?var { DEFAULT }`` block is applied by
    replacing that value; any other parameter binds the variable ``?NAME`` (or ``$NAME``).
    """
    _, query, bindings = prepare_text(sparql, params)
    return query, bindings


def prepare_text(sparql: str, params: dict[str, str] | None = None) -> tuple[str, Query, dict[Variable, Node]]:
    """Like ``prepare``, also returning the query text with ``VALUES`` defaults replaced by overrides.

    For engines other than rdflib (Oxigraph): run the text with the bindings as substitutions.
    """
    query = _prepare_text(sparql)
    text, bindings = _apply_params(sparql, query, params)
    if text != sparql:
        query = _prepare_text(text)
    _refuse_service(query)
    return text, query, bindings


def _cell(term: Node | None) -> str | None:
    if term is None:
        return None
    return f"_:{term}" if isinstance(term, BNode) else str(term)


@contextlib.contextmanager
def _no_graph_loading() -> Iterator[None]:
    """FROM <iri> names a graph of the dataset; rdflib would otherwise fetch or read ``iri``."""
    previous = rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    try:
        yield
    finally:
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = previous


def execute(
    ds: Dataset,
    query: Query,
    bindings: dict[Variable, Node],
    *,
    timeout: float | None = None,
    max_rows: int | None = None,
) -> QueryResult:
    """Evaluate a prepared query against ``ds``; ``timeout`` (seconds) raises ``QueryTimeout`` when exceeded.

    ``max_rows`` caps the rows of a SELECT (the triples of a CONSTRUCT/DESCRIBE); a capped answer
    has ``truncated`` set.
    """
    if timeout is not None:
        return _execute_with_timeout(ds, query, bindings, timeout, max_rows)
    return _execute(ds, query, bindings, max_rows)


def _capped_graph(graph: Graph, max_rows: int | None) -> tuple[Graph, bool]:
    if max_rows is None or len(graph) <= max_rows:
        return graph, False
    capped = Graph()
    for triple in sorted(graph, key=lambda t: tuple(str(x) for x in t))[:max_rows]:
        capped.add(triple)
    return capped, True


def _execute(ds: Dataset, query: Query, bindings: dict[Variable, Node], max_rows: int | None = None) -> QueryResult:
    try:
        with _no_graph_loading():  # around the whole evaluation: rdflib evaluates lazily
            result = ds.query(query, initBindings=bindings)
            if result.type == "ASK":
                return QueryResult("ask", boolean=bool(result.askAnswer))
            if result.type in ("CONSTRUCT", "DESCRIBE"):
                graph, truncated = _capped_graph(result.graph if result.graph is not None else Graph(), max_rows)
                bind_prefixes(graph)
                return QueryResult("graph", graph=graph, truncated=truncated)
            names = tuple(str(v) for v in result.vars or ())
            solutions = iter(result) if max_rows is None else itertools.islice(result, max_rows + 1)
            terms = tuple(tuple(row.get(Variable(v)) for v in names) for row in solutions)
    except Exception as exc:  # noqa: BLE001 - evaluation errors come in many types
        raise QueryError(f"query failed: {type(exc).__name__}: {exc}") from None
    truncated = max_rows is not None and len(terms) > max_rows
    if truncated:
        terms = terms[:max_rows]
    rows = tuple(tuple(_cell(t) for t in row) for row in terms)
    return QueryResult("select", vars=names, rows=rows, terms=terms, truncated=truncated)


def _timeout_error(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"query stopped after {timeout:g} s (--timeout {timeout:g}); simplify it or allow more time")


def _portable(result: QueryResult) -> tuple:
    """``result`` as plain picklable values (a graph result as N-Triples)."""
    graph = result.graph.serialize(format="nt", encoding="utf-8") if result.graph is not None else None
    return (result.kind, result.vars, result.rows, result.terms, result.boolean, graph, result.truncated)


def _from_portable(payload: tuple) -> QueryResult:
    kind, names, rows, terms, boolean, nt, truncated = payload
    graph = None
    if nt is not None:
        graph = Graph()
        graph.parse(data=nt, format="nt")
        bind_prefixes(graph)
    return QueryResult(kind, vars=names, rows=rows, terms=terms, boolean=boolean, graph=graph, truncated=truncated)


def _worker(conn, ds: Dataset, query: Query, bindings: dict[Variable, Node], max_rows: int | None = None) -> None:
    """In the forked child: evaluate and send ("ok", payload) or ("error", class name, message)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and kills this process
    try:
        message = ("ok", _portable(_execute(ds, query, bindings, max_rows)))
    except KgError as exc:
        message = ("error", type(exc).__name__, str(exc))
    except BaseException as exc:  # noqa: BLE001 - report anything to the parent rather than die silently
        message = ("error", "QueryError", f"query failed: {type(exc).__name__}: {exc}")
    try:
        conn.send(message)
    finally:
        conn.close()


def _execute_with_timeout(
    ds: Dataset, query: Query, bindings: dict[Variable, Node], timeout: float, max_rows: int | None = None
) -> QueryResult:
    if not timeout > 0:
        raise QueryError(f"the timeout must be a positive number of seconds, got {timeout:g}")
    if "fork" not in multiprocessing.get_all_start_methods():
        return _execute_in_thread(ds, query, bindings, timeout, max_rows)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_worker, args=(sender, ds, query, bindings, max_rows), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise _timeout_error(timeout)
        try:
            message = receiver.recv()
        except EOFError:
            process.join(1)
            raise QueryError(f"query failed: the worker process died (exit code {process.exitcode})") from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if message[0] == "ok":
        return _from_portable(message[1])
    _, name, text = message
    error = {cls.__name__: cls for cls in (QueryError, QuerySyntaxError, QueryTimeout, UpdateRefused)}.get(name)
    raise (error or QueryError)(text)


def _execute_in_thread(
    ds: Dataset, query: Query, bindings: dict[Variable, Node], timeout: float, max_rows: int | None = None
) -> QueryResult:
    """Without fork: evaluate in a daemon thread; on timeout the thread is abandoned (it cannot be killed)."""
    outcome: list[QueryResult | BaseException] = []

    def run() -> None:
        try:
            outcome.append(_execute(ds, query, bindings, max_rows))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            outcome.append(exc)

    thread = threading.Thread(target=run, name="kg-query", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive() or not outcome:
        raise _timeout_error(timeout)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def run_query(
    ds: Dataset,
    sparql: str,
    params: dict[str, str] | None = None,
    *,
    timeout: float | None = None,
    max_rows: int | None = None,
) -> QueryResult:
    """Run a read-only SPARQL query with ``# param:`` defaults and ``params`` overrides."""
    query, bindings = prepare(sparql, params)
    return execute(ds, query, bindings, timeout=timeout, max_rows=max_rows)


# ---------------------------------------------------------------- formatting


def _compact(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        for prefix, namespace in PREFIXES.items():
            if term.startswith(namespace) and len(term) > len(namespace):
                return f"{prefix}:{term[len(namespace) :]}"
    return " ".join(_cell(term).split("\n"))


def _table(result: QueryResult) -> str:
    header = list(result.vars)
    body = [[_compact(t) for t in row] for row in result.terms]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body]
    return "\n".join(lines)


def _delimited(header: list[str], rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().rstrip("\n")


def json_term(term: Node) -> dict[str, str]:
    """A term as a SPARQL 1.1 JSON results binding (``{"type": ..., "value": ...}``)."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    entry = {"type": "literal", "value": str(term)}
    if isinstance(term, Literal) and term.language:
        entry["xml:lang"] = term.language
    elif isinstance(term, Literal) and term.datatype:
        entry["datatype"] = str(term.datatype)
    return entry


def _json(result: QueryResult) -> str:
    bindings = [
        {var: json_term(term) for var, term in zip(result.vars, row, strict=True) if term is not None}
        for row in result.terms
    ]
    doc = {"head": {"vars": list(result.vars)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=2)


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """Render ``result`` as table | csv | tsv | json (SPARQL 1.1 JSON results for json).

    Graph results (CONSTRUCT/DESCRIBE) render as Turtle (table), JSON-LD (json) or
    subject/predicate/object rows (csv, tsv). Raises ``ExportError`` for an unknown format.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}'; valid formats: {', '.join(FORMATS)}")
    if result.kind == "ask":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result.boolean)})
        return "true" if result.boolean else "false"
    if result.kind == "graph":
        graph = result.graph if result.graph is not None else Graph()
        if fmt == "table":
            return graph.serialize(format="turtle").rstrip("\n")
        if fmt == "json":
            return graph.serialize(format="json-ld", indent=2).rstrip("\n")
        rows = sorted([_cell(s), _cell(p), _cell(o)] for s, p, o in graph)
        return _delimited(["subject", "predicate", "object"], rows, "," if fmt == "csv" else "\t")
    if fmt == "table":
        return _table(result)
    if fmt == "json":
        return _json(result)
    rows = [[cell or "" for cell in row] for row in result.rows]
    if fmt == "tsv":
        rows = [[c.replace("\t", "\\t").replace("\n", "\\n") for c in row] for row in rows]
        return "\n".join("\t".join(row) for row in [list(result.vars), *rows])
    return _delimited(list(result.vars), rows, ",")


def query(
    spec: str,
    graph: str | Path,
    *,
    params: dict[str, str] | None = None,
    fmt: str = "table",
    timeout: float | None = None,
) -> str:
    """Resolve ``spec``, check it, load ``graph``, run the query and format the answer.

    The query is checked (name, syntax, read-only) before the graph is loaded. ``timeout``
    (seconds) limits the evaluation, not the loading.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}'; valid formats: {', '.join(FORMATS)}")
    if timeout is not None and not timeout > 0:
        raise QueryError(f"the timeout must be a positive number of seconds, got {timeout:g}")
    sparql = resolve_query(spec)
    prepared, bindings = prepare(sparql, params)
    ds = load_graph(graph)
    return format_result(execute(ds, prepared, bindings, timeout=timeout), fmt)
