"""``kg eval`` and ``kg audit``: the commands that measure extraction."""

from __future__ import annotations

import argparse
import sys

from kg.cli.options import (
    DEFAULT_SOURCES,
)


def cmd_eval(args: argparse.Namespace) -> int:
    from kg.evaluate import evaluate, format_scores

    print(
        format_scores(
            evaluate(args.sources or DEFAULT_SOURCES, args.gold, args.out, force=args.force), args.show_errors
        )
    )
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from kg.audit import audit_sources
    from kg.audit.report import format_json, format_text, parse_classes
    from kg.build.runner import format_notes, format_skipped

    classes = parse_classes(args.classes)
    report = audit_sources(args.sources, max_chars=args.max_chars)
    for line in [*format_skipped(report.skipped), *format_notes(report.notes)]:
        print(f"kg: {line}", file=sys.stderr)
    show = format_json if args.format == "json" else format_text
    print(show(report, classes, show_all=args.all))
    return 0
