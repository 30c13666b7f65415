"""The ``kg`` command line: build, eval, query, validate, viz, export.

Each subcommand parses its arguments, calls one library function and prints the outcome. A
``KgError`` becomes ``kg: error: <message>`` on stderr and the error's exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence

from kg import __version__
from kg.errors import BuildInterrupted, KgError, QueryError, ValidationError
from kg.ingest import MAX_DOCUMENT_CHARS

DEFAULT_SOURCES = ["seeds/"]
DEFAULT_OUT = "exports/"
DEFAULT_GRAPH = "exports/graph.trig"
FORMATS = ("table", "csv", "tsv", "json")
EXPORT_FORMATS = ("graphml", "gexf", "jsonld", "nquads")


def _param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value


def _positive(kind: type[int] | type[float]) -> Callable[[str], int | float]:
    def read(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
        if not value > 0 or value != value or value == float("inf"):
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
        return value

    return read


def cmd_build(args: argparse.Namespace) -> int:
    from kg.build import build, format_notes, format_skipped, format_summary

    summary = build(
        args.sources or DEFAULT_SOURCES,
        args.out,
        validate=args.validate,
        aliases=args.aliases,
        strict=args.strict,
        max_chars=args.max_chars,
    )
    for line in [*format_skipped(summary.skipped), *format_notes(summary.notes)]:
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
    print(query(args.query, args.graph, params=dict(args.param or []), fmt=args.format, timeout=args.timeout))
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


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {text!r}")
    return value


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60] or "view"


def cmd_viz(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kg import viz

    folder = Path(args.graph).parent
    max_nodes = args.max_nodes or None
    if args.depth is not None and args.focus is None:
        raise QueryError("--depth goes with --focus NAME")
    if args.param and args.query is None:
        raise QueryError("--param goes with --query")
    if args.timeline:
        path = viz.render_timeline_file(args.graph, args.out or folder / "timeline.html")
    elif args.focus is not None:
        out = args.out or folder / f"focus-{_slug(args.focus)}.html"
        path = viz.render_focus(args.graph, args.focus, out, depth=args.depth or 1, max_nodes=max_nodes)
    elif args.query is not None:
        stem = Path(args.query).stem if "{" not in args.query else "sparql"
        out = args.out or folder / f"query-{_slug(stem)}.html"
        path = viz.render_query(args.graph, args.query, out, params=dict(args.param or []), max_nodes=max_nodes)
    else:
        path = viz.render_file(args.graph, args.out or folder / "graph.html", max_nodes=max_nodes)
    print(f"Wrote {path}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from kg.export import export

    print(f"Wrote {export(args.graph, args.format, args.out)}")
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
    p.add_argument("--strict", action="store_true", help="fail (writing nothing) if any file is skipped or truncated")
    p.add_argument(
        "--max-chars",
        type=_positive(int),
        default=MAX_DOCUMENT_CHARS,
        metavar="N",
        help=f"keep at most N characters of each document (default: {MAX_DOCUMENT_CHARS})",
    )
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
    p.add_argument("--timeout", type=_positive(float), metavar="SECONDS", help="stop the query after SECONDS")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("validate", help="check a graph file against the SHACL shapes")
    p.add_argument("graph", nargs="?", default=DEFAULT_GRAPH, metavar="GRAPH")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser(
        "viz",
        help="write an interactive HTML view of a graph (or a neighbourhood, a query result, a timeline)",
        description="Write a self-contained HTML page (works offline) showing the graph, with evidence, "
        "search and filters; or one entity's neighbourhood (--focus), a query's result (--query), or the "
        "timeline of posts and meetings (--timeline).",
    )
    p.add_argument("--graph", default=DEFAULT_GRAPH, metavar="FILE", help=f"default: {DEFAULT_GRAPH}")
    p.add_argument(
        "--out",
        default=None,
        metavar="FILE.html",
        help="default: beside the graph: graph.html, timeline.html, focus-NAME.html or query-NAME.html",
    )
    view = p.add_mutually_exclusive_group()
    view.add_argument("--focus", metavar="NAME", help="draw only this entity and its neighbours")
    view.add_argument(
        "--query", metavar="NAME|FILE.rq|SPARQL", help="draw a CONSTRUCT result or SELECT ?source ?relation ?target"
    )
    view.add_argument("--timeline", action="store_true", help="write the timeline of posts held and meetings attended")
    p.add_argument("--depth", type=_count, default=None, metavar="N", help="with --focus: steps out (default 1)")
    p.add_argument("--param", action="append", type=_param, metavar="NAME=VALUE", help="with --query: a parameter")
    p.add_argument(
        "--max-nodes",
        type=_count,
        default=None,
        metavar="N",
        help="draw at most N nodes, the most connected (default 1000; 0: no limit)",
    )
    p.set_defaults(func=cmd_viz)

    p = sub.add_parser("export", help="write the graph as GraphML, GEXF, JSON-LD or N-Quads")
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS, help="graphml, gexf (Gephi...), jsonld, nquads")
    p.add_argument("--graph", default=DEFAULT_GRAPH, metavar="FILE", help=f"default: {DEFAULT_GRAPH}")
    p.add_argument("--out", default=None, metavar="FILE", help="default: graph.<ext> beside the graph file")
    p.set_defaults(func=cmd_export)
    return parser


def _silence_stdout() -> None:
    """After a broken pipe (``kg query ... | head``), send further output nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (e.g. captured in tests)
        pass


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C while a command runs, so it cleans up the same way."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


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
        with _sigterm_interrupts():
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
        skipped, notes = getattr(exc, "skipped", ()), getattr(exc, "notes", ())
        if skipped or notes:  # why each file was not used (NoDocuments, StrictFailure)
            from kg.build import format_notes, format_skipped

            for line in [*format_skipped(skipped), *format_notes(notes)]:
                print(f"kg: {line}", file=sys.stderr)
        print(f"kg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 1
