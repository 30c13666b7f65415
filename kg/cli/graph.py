"""``kg query``, ``kg validate``, ``kg viz``, ``kg serve``, ``kg export``: the commands that read a built graph."""

from __future__ import annotations

import argparse
import sys

from kg.cli.options import (
    DEFAULT_GRAPH,
)
from kg.errors import QueryError


def cmd_query(args: argparse.Namespace) -> int:
    from kg.query import list_queries, write_query

    if args.list:
        infos = list_queries()
        width = max((len(info.name) for info in infos), default=0)
        for info in infos:
            params = "".join(f" [{p.name}={p.default or ''}]" for p in info.params)
            print(f"{info.name.ljust(width)}  {info.description}{params}")
        return 0
    if args.query is None:
        raise QueryError("a query is required: a name (see 'kg query --list'), a .rq file or SPARQL text")
    params = dict(args.param or [])
    if args.endpoint is not None:
        from kg.query.remote import query_remote

        text = query_remote(
            args.query, args.endpoint, params=params, fmt=args.format, timeout=args.timeout, limit=args.limit,
            offset=args.offset,
        )  # fmt: skip
        print(text)
        return 0
    if args.store is not None:
        from kg.build.runner import parse_store

        source = {"store": parse_store(args.store)}
    else:
        source = {"graph": args.graph}
    sys.stdout.flush()
    write_query(
        args.query, sys.stdout.buffer, **source, params=params, fmt=args.format, timeout=args.timeout,
        limit=args.limit, offset=args.offset,
    )  # fmt: skip
    sys.stdout.flush()
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from kg.store.validate import validate_file

    print(f"OK: {validate_file(args.graph)} triples conform")
    return 0


def cmd_viz(args: argparse.Namespace) -> int:
    from kg.viz import DEFAULT_MAX_NODES, write_view

    store = None
    if args.store is not None:
        from kg.build.runner import parse_store

        store = parse_store(args.store)
    path = write_view(
        graph=None if store is not None else args.graph,
        store=store,
        out=args.out,
        focus=args.focus,
        depth=args.depth,
        query=args.query,
        params=dict(args.param or []),
        timeline=args.timeline,
        view=args.view,
        region=args.region,
        start=args.date_from,
        end=args.date_to,
        max_nodes=DEFAULT_MAX_NODES if args.max_nodes is None else (args.max_nodes or None),
    )
    print(f"Wrote {path}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kg.build.runner import parse_store
    from kg.serve import serve

    store = parse_store(args.store) if args.store else None
    serve(
        graph=None if store else Path(args.graph or DEFAULT_GRAPH),
        store=store,
        host=args.host,
        port=args.port,
        timeout=args.timeout,
        max_rows=args.max_rows,
        root_path=args.root_path,
        cors=args.cors,
        max_body=args.max_body,
        max_query=args.max_query_length,
        allow_hosts=args.allow_host or (),
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from kg.build.export import export

    print(f"Wrote {export(args.graph, args.format, args.out)}")
    return 0
