"""The ``kg`` command line: build, eval, query, validate, viz.

Each subcommand parses its arguments, calls one library function and prints the outcome. A
``KgError`` becomes ``kg: error: <message>`` on stderr and the error's exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from kg import __version__
from kg.errors import BuildInterrupted, KgError, QueryError, ValidationError

DEFAULT_SOURCES = ["seeds/"]
DEFAULT_OUT = "exports/"
DEFAULT_GRAPH = "exports/graph.trig"
FORMATS = ("table", "csv", "tsv", "json")


def _param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value


def cmd_build(args: argparse.Namespace) -> int:
    from kg.build import build, format_skipped, format_summary

    summary = build(args.sources or DEFAULT_SOURCES, args.out, validate=args.validate, aliases=args.aliases)
    for line in format_skipped(summary.skipped):
        print(f"kg: {line}", file=sys.stderr)
    print(format_summary(summary))
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from kg.query import list_queries, query

    if args.list:
        infos = list_queries()
        width = max((len(info.name) for info in infos), default=0)
        for info in infos:
            params = "".join(f" [{p.name}={p.default or ''}]" for p in info.params)
            print(f"{info.name.ljust(width)}  {info.description}{params}")
        return 0
    if args.query is None:
        raise QueryError("a query is required: a name (see 'kg query --list'), a .rq file or SPARQL text")
    print(query(args.query, args.graph, params=dict(args.param or []), fmt=args.format))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from kg.validate import validate_file

    count = validate_file(args.graph)
    if not isinstance(count, int):  # validate_file returned nothing: count the triples ourselves
        from kg.store import load_graph

        count = sum(1 for _ in load_graph(args.graph).quads((None, None, None, None)))
    print(f"OK: {count} triples conform")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from kg.evaluate import evaluate, format_scores

    print(format_scores(evaluate(args.sources or DEFAULT_SOURCES, args.gold, args.out), args.show_errors))
    return 0


def cmd_viz(args: argparse.Namespace) -> int:
    from kg.viz import render_file

    print(f"Wrote {render_file(args.graph, args.out)}")
    return 0


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of ``kg``."""
    parser = argparse.ArgumentParser(
        prog="kg", description="Evidence-carrying knowledge graphs from news about Chinese politics."
    )
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("build", help="build the graph and its exports from text files")
    p.add_argument("sources", nargs="*", metavar="SOURCES", help="files or folders (default: seeds/)")
    p.add_argument("--out", default=DEFAULT_OUT, metavar="DIR", help="output folder (default: exports/)")
    p.add_argument("--no-validate", dest="validate", action="store_false", help="skip SHACL validation")
    p.add_argument("--aliases", metavar="FILE.toml", help="alias file: variant = canonical name, per table")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("eval", help="build sources and score the graph against gold facts")
    p.add_argument("sources", nargs="*", metavar="SOURCES", help="files or folders (default: seeds/)")
    p.add_argument("--gold", required=True, metavar="DIR", help="folder of gold *.json files")
    p.add_argument("--out", default=None, metavar="DIR", help="keep the built graph here (default: a temporary folder)")
    p.add_argument("--show-errors", action="store_true", help="list every miss and every false hit")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("query", help="run a named query, a .rq file or SPARQL text")
    p.add_argument("query", nargs="?", metavar="NAME|FILE.rq|SPARQL")
    p.add_argument("--graph", default=DEFAULT_GRAPH, metavar="FILE", help=f"default: {DEFAULT_GRAPH}")
    p.add_argument("--format", default="table", choices=FORMATS, help="output format (default: table)")
    p.add_argument("--param", action="append", type=_param, metavar="NAME=VALUE", help="query parameter")
    p.add_argument("--list", action="store_true", help="list the named queries")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("validate", help="check a graph file against the SHACL shapes")
    p.add_argument("graph", nargs="?", default=DEFAULT_GRAPH, metavar="GRAPH")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("viz", help="write an interactive HTML view of a graph")
    p.add_argument("--graph", default=DEFAULT_GRAPH, metavar="FILE", help=f"default: {DEFAULT_GRAPH}")
    p.add_argument("--out", default="exports/graph.html", metavar="FILE.html")
    p.set_defaults(func=cmd_viz)
    return parser


def _silence_stdout() -> None:
    """After a broken pipe (``kg query ... | head``), send further output nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (e.g. captured in tests)
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``kg`` with ``argv`` (default: the command line); return the exit code."""
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return func(args)
    except BuildInterrupted as exc:
        print(f"kg: interrupted: {exc}", file=sys.stderr)
        return exc.exit_code
    except ValidationError as exc:
        if exc.report:
            print(exc.report.rstrip("\n"))
        print(f"kg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KgError as exc:
        print(f"kg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 1
