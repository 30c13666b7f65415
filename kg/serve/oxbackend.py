"""The Oxigraph backend of ``kg serve``: a store folder, queried by a few killable worker processes.

pyoxigraph cannot interrupt a running query, so queries do not run in the server's process. Each
worker (a spawned process, ``kg.serve.workers``) opens the store read-only
(``kg.oxstore.open_store(path, read_only=True)``; several processes may) and answers one query at a
time; a worker whose query outlives the time limit is killed and replaced, and the client gets
``QueryTimeout``. Answers cross
the pipe as plain tuples and become rdflib terms here, so a ``kg.query.QueryResult`` comes out as
from the rdflib backend.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from kg import query as kq
from kg.errors import GraphError, QueryError, QuerySyntaxError
from kg.rdf.namespace import PREFIXES, bind_prefixes
from kg.serve.backend import Backend, default_workers, prepare, timeout_error
from kg.serve.workers import Worker, WorkerPool, worker_loop

_PREFIXES = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
_STRING_TYPES = (str(XSD.string), str(RDF.langString))


# ---------------------------------------------------------------- in the worker process


def _plain(term: object) -> tuple | None:
    """A pyoxigraph term as a picklable tuple: ("u", iri) | ("b", id) | ("l", text, datatype, lang)."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("u", term.value)
    if isinstance(term, ox.BlankNode):
        return ("b", term.value)
    if isinstance(term, ox.Literal):
        return ("l", term.value, term.datatype.value, term.language)
    raise QueryError(f"unsupported term in a query answer: {term!r}")


def _ox_term(plain: tuple):  # noqa: ANN202
    import pyoxigraph as ox

    if plain[0] == "u":
        return ox.NamedNode(plain[1])
    if plain[0] == "b":
        return ox.BlankNode(plain[1])
    _, text, datatype, lang = plain
    if lang:
        return ox.Literal(text, language=lang)
    return ox.Literal(text, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(text)


def _answer(store, request: dict) -> tuple:  # noqa: ANN001
    """Run one query in the worker; returns ("ask", bool) | ("graph", triples, cut) | ("select", vars, rows, cut)."""
    import pyoxigraph as ox

    options: dict = {"prefixes": _PREFIXES}
    if request["default_graphs"] or request["named_graphs"]:
        options["default_graph"] = [ox.NamedNode(iri) for iri in request["default_graphs"]]
        options["named_graphs"] = [ox.NamedNode(iri) for iri in request["named_graphs"]]
    elif not request["own_dataset"]:
        options["use_default_graph_as_union"] = True
    if request["bindings"]:
        options["substitutions"] = {ox.Variable(name): _ox_term(t) for name, t in request["bindings"]}
    max_rows = request["max_rows"]
    answer = store.query(request["text"], **options)
    if isinstance(answer, ox.QueryBoolean):
        return ("ask", bool(answer))
    if isinstance(answer, ox.QueryTriples):
        triples = []
        for triple in answer:
            if max_rows is not None and len(triples) >= max_rows:
                return ("graph", triples, True)
            triples.append((_plain(triple.subject), _plain(triple.predicate), _plain(triple.object)))
        return ("graph", triples, False)
    names = tuple(v.value for v in answer.variables)
    rows = []
    for solution in answer:
        if max_rows is not None and len(rows) >= max_rows:
            return ("select", names, rows, True)
        rows.append(tuple(_plain(solution[i]) for i in range(len(names))))
    return ("select", names, rows, False)


def _worker_main(conn, path: str) -> None:  # noqa: ANN001
    """A worker process: open the store read-only, then answer requests."""
    try:
        from kg.oxstore import open_store

        store = open_store(path, read_only=True)
    except Exception as exc:  # noqa: BLE001 - reported to the server
        conn.send(("error", "GraphError", f"{path}: cannot open the Oxigraph store: {exc}"))
        return

    def handler(request: dict) -> tuple:
        try:
            return _answer(store, request)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"malformed SPARQL (Oxigraph): {exc}") from None
        except (OSError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}") from None

    worker_loop(conn, handler)


# ---------------------------------------------------------------- in the server


def _from_plain(plain: tuple | None) -> Node | None:
    if plain is None:
        return None
    if plain[0] == "u":
        return URIRef(plain[1])
    if plain[0] == "b":
        return BNode(plain[1])
    _, text, datatype, lang = plain
    if lang:
        return Literal(text, lang=lang)
    return Literal(text) if datatype in _STRING_TYPES else Literal(text, datatype=URIRef(datatype))


def _cell(term: Node | None) -> str | None:
    if term is None:
        return None
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _result(payload: tuple) -> kq.QueryResult:
    if payload[0] == "ask":
        return kq.QueryResult("ask", boolean=payload[1])
    if payload[0] == "graph":
        graph = bind_prefixes(Graph())
        for s, p, o in payload[1]:
            graph.add((_from_plain(s), _from_plain(p), _from_plain(o)))
        return kq.QueryResult("graph", graph=graph, truncated=payload[2])
    _, names, rows, truncated = payload
    terms = tuple(tuple(_from_plain(t) for t in row) for row in rows)
    cells = tuple(tuple(_cell(t) for t in row) for row in terms)
    return kq.QueryResult("select", vars=names, rows=cells, terms=terms, truncated=truncated)


class OxigraphBackend(Backend):
    """An Oxigraph store folder, queried read-only by worker processes (spawned: no fork after RocksDB)."""

    name = "oxigraph"

    def __init__(self, path: Path, *, workers: int | None = None) -> None:
        path = Path(path)
        if not path.is_dir():
            raise GraphError(f"{path}: no such store")
        self.path = str(path)
        self.description = f"{path} (Oxigraph)"
        context = multiprocessing.get_context("spawn")
        self._pool = WorkerPool(lambda: Worker(context, _worker_main, (self.path,)), workers or default_workers())

    @classmethod
    def from_folder(cls, path: Path, *, workers: int | None = None) -> OxigraphBackend:
        """The backend over the store in folder ``path``."""
        return cls(path, workers=workers)

    def close(self) -> None:
        """End the worker processes."""
        self._pool.close()

    def query(self, sparql, *, params=None, default_graphs=(), named_graphs=(), timeout=None, max_rows=None):  # noqa: D102
        text, prepared, bindings = prepare(sparql, params)
        request = {
            "text": text,
            "bindings": [(str(var), _plain_rdflib(term)) for var, term in bindings.items()],
            "default_graphs": list(default_graphs),
            "named_graphs": list(named_graphs),
            "own_dataset": bool(prepared.algebra.datasetClause),  # FROM in the text: not the union
            "max_rows": max_rows,
        }
        return _result(self._pool.call(request, timeout, lambda: timeout_error(timeout or 0)))


def _plain_rdflib(term: Node) -> tuple:
    if isinstance(term, URIRef):
        return ("u", str(term))
    if isinstance(term, BNode):
        return ("b", str(term))
    datatype = None if term.datatype is None or term.datatype == XSD.string else str(term.datatype)
    return ("l", str(term), datatype, term.language)
