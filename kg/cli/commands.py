"""The ``kg`` command line: build, remove, eval, audit, query, validate, viz, export, serve.

Each subcommand parses its arguments, calls one library function and prints the outcome. A
``KgError`` becomes ``kg: error: <message>`` on stderr and the error's exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence

from kg import __version__
from kg.build.runner import VALIDATION_MODES
from kg.cli.defaults import explain_missing_default
from kg.cli.graph import cmd_export, cmd_query, cmd_serve, cmd_validate, cmd_viz
from kg.cli.measure import cmd_audit, cmd_eval
from kg.cli.options import (
    DEFAULT_GRAPH,
    DEFAULT_OUT,
    DEFAULT_SOURCES,
    EXPORT_FORMATS,
    FORMATS,
    _count,
    _param,
    _positive,
)
from kg.errors import BuildInterrupted, InputError, KgError, ValidationError
from kg.ingest import MAX_DOCUMENT_CHARS
from kg.serve.caps import MAX_BODY, MAX_QUERY


def cmd_build(args: argparse.Namespace) -> int:
    from kg.build.runner import build, format_notes, format_skipped, format_summary

    added = [path for group in args.add or [] for path in group]
    with _progress_bar() as progress:
        if added:
            from kg.build.incremental import add_documents

            if args.sources:
                raise InputError("give the documents to add after --add, not as SOURCES")
            summary = add_documents(
                added, args.out, validate=args.validate, store=args.store, workers=args.workers, progress=progress
            )
        else:
            summary = build(
                args.sources or DEFAULT_SOURCES,
                args.out,
                validate=args.validate or "auto",
                aliases=args.aliases,
                strict=args.strict,
                max_chars=args.max_chars,
                store=args.store,
                workers=args.workers,
                scheduler=args.scheduler,
                progress=progress,
                cache=args.cache,
                force=args.force,
            )
    for line in [*format_skipped(summary.skipped), *format_notes(summary.notes)]:
        print(f"kg: {line}", file=sys.stderr)
    print(format_summary(summary))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from kg.build.incremental import remove_documents
    from kg.build.runner import format_summary

    with _progress_bar() as progress:
        summary = remove_documents(
            args.documents, args.out, validate=args.validate, store=args.store, workers=args.workers, progress=progress
        )
    print(format_summary(summary))
    return 0


@contextlib.contextmanager
def _progress_bar() -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr (documents, documents/s) when stderr is a terminal.

    The callback also raises KeyboardInterrupt when Ctrl-C was pressed but swallowed by library code.
    """

    def check() -> None:
        if _INTERRUPTED.is_set():
            raise KeyboardInterrupt

    if not sys.stderr.isatty():
        yield lambda done, total: check()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    speed = TextColumn("{task.fields[rate]}")
    columns = (TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), speed, TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("extract", total=None, rate="")

        def update(done: int, total: int) -> None:
            check()
            elapsed = bar.tasks[0].elapsed or 0.0
            rate = f"{done / elapsed:.1f} documents/s" if elapsed > 0 and done else ""
            bar.update(task, completed=done, total=total, rate=rate)

        yield update


def _build_options(p: argparse.ArgumentParser) -> None:
    """--validate, --no-validate, --store and --workers (kg build and kg remove)."""
    p.add_argument(
        "--validate",
        choices=VALIDATION_MODES,
        default=None,
        help="SHACL validation of the whole graph (auto, the default, and full are the same) or none (off)",
    )
    p.add_argument("--no-validate", dest="validate", action="store_const", const="off", help="same as --validate off")
    p.add_argument("--store", metavar="oxigraph:PATH", help="keep the graph in an Oxigraph store in folder PATH")
    p.add_argument("--workers", type=_positive(int), default=1, metavar="N", help="extract with N processes")


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of ``kg``."""
    parser = argparse.ArgumentParser(
        prog="kg", description="Evidence-carrying knowledge graphs from news about Chinese politics."
    )
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("build", help="build the graph and its exports from text files")
    p.add_argument("sources", nargs="*", metavar="SOURCES", help="files or folders (default: seeds/)")
    p.add_argument("-o", "--out", default=DEFAULT_OUT, metavar="DIR", help="output folder (default: exports/)")
    _build_options(p)
    p.add_argument(
        "--add",
        action="append",
        nargs="+",
        metavar="DOCS",
        help="add these files or folders to the build in --out (cached documents are not extracted again)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="extract on a Dask cluster: tcp://HOST:PORT of its scheduler, or 'local' for a local cluster; "
        "also writes N-Quads shards to OUT/shards/",
    )
    p.add_argument(
        "--no-cache", dest="cache", action="store_false", help="keep no extraction cache (--out/cache) for later --add"
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="write into --out even if it is a non-empty folder that holds no kg build (its graph.* are replaced)",
    )
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

    p = sub.add_parser("remove", help="remove documents from a build (and its store) and rebuild it")
    p.add_argument("documents", nargs="+", metavar="DOC", help="doc_id, file name or path of a document of the build")
    p.add_argument("-o", "--out", default=DEFAULT_OUT, metavar="DIR", help="the build's folder (default: exports/)")
    _build_options(p)
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("eval", help="build sources and score the graph against gold facts")
    p.add_argument("sources", nargs="*", metavar="SOURCES", help="files or folders (default: seeds/)")
    p.add_argument("--gold", required=True, metavar="DIR", help="folder of gold *.json files")
    p.add_argument("--out", default=None, metavar="DIR", help="keep the built graph here (default: a temporary folder)")
    p.add_argument("--show-errors", action="store_true", help="list every miss and every false hit")
    p.add_argument("--force", action="store_true", help="keep the graph in --out even if it holds files of no kg build")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("audit", help="list the spans that look like facts but that no extracted fact covers")
    p.add_argument("sources", nargs="+", metavar="SOURCES", help="files or folders")
    p.add_argument("--class", dest="classes", metavar="CLASSES", help="list only these classes (comma-separated)")
    p.add_argument("--all", action="store_true", help="list the explained mentions too")
    p.add_argument("--format", default="text", choices=("text", "json"), help="output format (default: text)")
    p.add_argument(
        "--max-chars",
        type=_positive(int),
        default=MAX_DOCUMENT_CHARS,
        metavar="N",
        help="read at most N characters of each document",
    )
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("query", help="run a named query, a .rq file or SPARQL text")
    p.add_argument("query", nargs="?", metavar="NAME|FILE.rq|SPARQL")
    p.add_argument("--graph", default=DEFAULT_GRAPH, metavar="FILE", help=f"default: {DEFAULT_GRAPH}")
    source = p.add_mutually_exclusive_group()
    source.add_argument(
        "--store", metavar="oxigraph:PATH", help="query the Oxigraph store in folder PATH instead of a file"
    )
    source.add_argument(
        "--endpoint", metavar="URL", help="query a SPARQL 1.1 endpoint (oxigraph serve, kg serve...) instead of a file"
    )
    p.add_argument(
        "--format", default="table", choices=FORMATS, help="output format (default: table; the others are SPARQL's)"
    )
    p.add_argument("--param", action="append", type=_param, metavar="NAME=VALUE", help="query parameter")
    p.add_argument("--list", action="store_true", help="list the named queries")
    p.add_argument("--timeout", type=_positive(float), metavar="SECONDS", help="stop the query after SECONDS")
    p.add_argument("--limit", type=_count, metavar="N", help="print at most N rows (a page; see --offset)")
    p.add_argument("--offset", type=_count, metavar="K", help="skip the first K rows (in the query's order)")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("validate", help="check a graph file against the SHACL shapes (the whole graph, on Oxigraph)")
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
        "--store", metavar="oxigraph:PATH", help="read the Oxigraph store in folder PATH (read-only) instead of --graph"
    )
    p.add_argument(
        "--out",
        default=None,
        metavar="FILE.html",
        help="default: beside the graph file or store: graph-view.html (the build's own graph.html is left as it "
        "is), timeline.html, focus-NAME.html or query-NAME.html; a folder: that name inside it",
    )
    view = p.add_mutually_exclusive_group()
    view.add_argument("--focus", metavar="NAME", help="draw only this entity and its neighbours")
    view.add_argument(
        "--query", metavar="NAME|FILE.rq|SPARQL", help="draw a CONSTRUCT result or SELECT ?source ?relation ?target"
    )
    view.add_argument("--timeline", action="store_true", help="write the timeline of posts held and meetings attended")
    view.add_argument(
        "--view",
        choices=("graph", "meetings", "roster", "initiatives", "all"),
        help="meetings: who met whom; roster: who held which post as of a date; initiatives: the initiative map; "
        "all: the four pages side by side, linked",
    )
    p.add_argument("--region", metavar="NAME", help="with --view meetings: only meetings in this region")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="with --view meetings: from this date")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="with --view meetings: up to this date")
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

    p = sub.add_parser("serve", help="serve the graph: SPARQL 1.1 endpoint, query page, entity pages")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--graph", metavar="FILE", help=f"graph file to serve (default: {DEFAULT_GRAPH})")
    source.add_argument("--store", metavar="oxigraph:PATH", help="serve the Oxigraph store in folder PATH")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=_positive(int), default=8000, help="port (default: 8000)")
    p.add_argument(
        "--timeout", type=_positive(float), default=30.0, metavar="SECONDS", help="time limit per query (default: 30)"
    )
    p.add_argument(
        "--max-rows", type=_positive(int), default=10_000, metavar="N", help="row cap per answer (default: 10000)"
    )
    p.add_argument("--root-path", default="", metavar="PATH", help="path prefix behind a reverse proxy, e.g. /kg")
    p.add_argument("--cors", action="store_true", help="allow queries from web pages of other origins")
    p.add_argument("--max-body", type=_positive(int), default=MAX_BODY, metavar="BYTES",
                   help=f"longest request body or URL: 413 / 414 past it (default: {MAX_BODY})")  # fmt: skip
    p.add_argument("--max-query-length", type=_positive(int), default=MAX_QUERY, metavar="CHARS",
                   help=f"longest query text: 414 in a URL, 413 in a body (default: {MAX_QUERY})")  # fmt: skip
    p.add_argument("--allow-host", action="append", metavar="NAME",
                   help="answer requests whose Host is NAME, besides localhost, 127.0.0.1, [::1] and --host "
                   "(repeatable; '*' for any; any too with --host 0.0.0.0); other hosts get 421")  # fmt: skip
    p.set_defaults(func=cmd_serve)
    return parser


def _silence_stdout() -> None:
    """After a broken pipe (``kg query ... | head``), send further output nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (e.g. captured in tests)
        pass


_INTERRUPTED = threading.Event()  # set by Ctrl-C/SIGTERM, in case some library code swallows the exception


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C while a command runs, so it cleans up the same way.

    Both also set ``_INTERRUPTED``: a KeyboardInterrupt raised inside C code that ignores it (a
    destructor, a callback during an import) is raised again at the build's next document.
    """
    _INTERRUPTED.clear()
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        _INTERRUPTED.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    previous_int = signal.getsignal(signal.SIGINT)
    if previous_int is signal.default_int_handler:  # (not when Ctrl-C is ignored, e.g. a background job)
        signal.signal(signal.SIGINT, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
        if previous_int is signal.default_int_handler:
            signal.signal(signal.SIGINT, previous_int)


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
        exc = explain_missing_default(exc, args)  # what to pass instead of a missing default (seeds/, exports/)
        skipped, notes = getattr(exc, "skipped", ()), getattr(exc, "notes", ())
        if skipped or notes:  # why each file was not used (NoDocuments, StrictFailure)
            from kg.build.runner import format_notes, format_skipped

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
