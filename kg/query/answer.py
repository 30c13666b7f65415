"""Oxigraph's answer to a prepared query: kg's prefixes, parameters and dataset (the union of all graphs)."""

from __future__ import annotations

import pyoxigraph as ox

from kg.errors import QueryError, QuerySyntaxError
from kg.query.prepare import NAMESPACES, PreparedQuery


def evaluate(store: ox.Store, prepared: PreparedQuery, text: str | None = None):  # noqa: ANN201
    """Oxigraph's lazy answer to ``prepared`` (or to ``text`` with its substitutions)."""
    dataset: dict = {"use_default_graph_as_union": True}
    if prepared.dataset is not None:
        dataset = {"default_graph": [ox.NamedNode(iri) for iri in prepared.dataset[0]],
                   "named_graphs": [ox.NamedNode(iri) for iri in prepared.dataset[1]]}  # fmt: skip
    elif prepared.own_dataset:
        dataset = {}  # Oxigraph ignores FROM / FROM NAMED when told to use the union
    try:
        return store.query(
            text or prepared.text, prefixes=NAMESPACES, substitutions=prepared.ox_substitutions(), **dataset
        )
    except SyntaxError as exc:
        raise QuerySyntaxError(f"malformed SPARQL: {' '.join(str(exc).split())}") from None
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        raise QueryError(f"query failed: {' '.join(str(exc).split())}") from None
