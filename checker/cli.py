"""Command line: ``clausecheck check|parse|rules|explain``.

Exit status (as ruff): 0 clean; 1 findings at or above ``--fail-on``;
2 usage, configuration or internal error, or a document that could not be read.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Optional, Sequence

from . import __version__, build_description

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
_SEV = {"info": 0, "warning": 1, "error": 2}


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="clausecheck",
        description="Rule-based compliance checker for securities-offering agreements.",
    )
    p.add_argument("--version", action="version", version=f"clausecheck {__version__} ({build_description()})")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("check", help="check agreements and report findings")
    c.add_argument("files", nargs="+", metavar="FILE", help="agreements (.txt, .htm, .docx, EDGAR submissions) or folders of them")
    c.add_argument("--format", "-f", default="text", help="text (default), json, markdown, sarif, junit, html")
    c.add_argument("--output", "-o", metavar="PATH", help="write the report here instead of standard output")
    c.add_argument(
        "--fail-on",
        choices=["error", "warning", "info", "never"],
        default=None,
        help="lowest severity that makes the exit status 1 (default: error)",
    )
    c.add_argument("--select", action="append", default=[], metavar="CODES", help="only these codes or prefixes (comma-separated)")
    c.add_argument("--ignore", action="append", default=[], metavar="CODES", help="skip these codes or prefixes (comma-separated)")
    c.add_argument("--pricing-date", metavar="YYYY-MM-DD", help="date the deal calendar counts from")
    c.add_argument("--config", metavar="PATH", help="pyproject.toml or clausecheck.toml to read settings from")
    c.add_argument("--baseline", metavar="PATH", help="report only findings not recorded in this baseline")
    c.add_argument("--quiet", "-q", action="store_true", help="only the summary line")
    c.add_argument("--verbose", "-v", action="store_true", help="key terms and full messages")
    c.add_argument("--color", dest="colour", action="store_const", const=True, default=None)
    c.add_argument("--no-color", dest="colour", action="store_const", const=False)

    pa = sub.add_parser("parse", help="print the section tree and typed nodes of a document")
    pa.add_argument("file", metavar="FILE")
    pa.add_argument("--json", action="store_true", help="the AST as JSON")
    pa.add_argument("--nodes", action="store_true", help="also list every typed node")

    b = sub.add_parser("baseline", help="record the current findings so that later checks report only new ones")
    b.add_argument("files", nargs="+", metavar="FILE")
    b.add_argument("--output", "-o", default="clausecheck-baseline.json", metavar="PATH")
    b.add_argument("--config", metavar="PATH")

    d = sub.add_parser("diff", help="compare two versions of an agreement by meaning")
    d.add_argument("old", metavar="OLD")
    d.add_argument("new", metavar="NEW")
    d.add_argument("--format", "-f", choices=["table", "json", "markdown"], default="table")
    d.add_argument("--output", "-o", metavar="PATH")

    from .batch_cli import add_batch_parsers

    add_batch_parsers(sub)

    sub.add_parser("rules", help="list every rule")
    e = sub.add_parser("explain", help="print a rule's documentation")
    e.add_argument("code")
    return p


def _split_codes(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        out.extend(x.strip().upper() for x in v.split(",") if x.strip())
    return out


def _write(text: str, path: Optional[str]) -> None:
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)


def cmd_check(args) -> int:

    from .reports import get as get_reporter

    try:
        reporter = get_reporter(args.format)
    except ValueError as exc:
        raise UsageError(str(exc))
    options: dict = {
        "select": _split_codes(args.select),
        "ignore": _split_codes(args.ignore),
        "pricing_date": args.pricing_date,
        "config_path": args.config,
        "start_dir": os.path.dirname(os.path.abspath(args.files[0])) if args.files else os.getcwd(),
    }
    if args.pricing_date:
        import datetime as _dt

        try:
            _dt.date.fromisoformat(args.pricing_date)
        except ValueError:
            raise UsageError(f"--pricing-date {args.pricing_date!r} is not a date (YYYY-MM-DD)")
    fail_on = args.fail_on
    from .policy import ConfigError, load_settings

    try:
        settings = load_settings(args.config, options["start_dir"])
        if options["select"] or options["ignore"]:
            settings = settings.with_overrides(select=options["select"] or None, ignore=options["ignore"] or None)
    except ConfigError as exc:
        raise UsageError(str(exc))
    options["settings"] = settings
    if fail_on is None:
        fail_on = getattr(settings, "fail_on", None)
    fail_on = fail_on or "error"

    from .formats import check_any

    files = args.files
    if any(os.path.isdir(f) for f in files):
        from .batch import expand_paths  # a folder: every file below it, as batch reads it

        files = expand_paths(files)
    results = [r for f in files for r in check_any(f, **options)]
    if args.baseline:
        from .baseline import BaselineError, apply_baseline

        try:
            results = apply_baseline(results, args.baseline)
        except BaselineError as exc:
            raise UsageError(str(exc))
    text = reporter(results, colour=args.colour, quiet=args.quiet, verbose=args.verbose, fail_on=fail_on)
    _write(text, args.output)
    status = EXIT_CLEAN
    if fail_on != "never":
        threshold = _SEV[fail_on]
        for r in results:
            if any(not f.suppressed and _SEV[f.severity] >= threshold for f in r.findings):
                status = EXIT_FINDINGS
    unreadable = [r for r in results if not r.readable]
    internal = [e for r in results for e in r.errors if e.message.startswith("internal error")]
    if unreadable or internal:
        if args.format != "text" or args.output:
            for r in unreadable:
                for e in r.errors:
                    print(f"clausecheck: {e.message}", file=sys.stderr)
        for e in internal:
            print(f"clausecheck: {e.message}", file=sys.stderr)
        status = EXIT_ERROR
    return status


def cmd_baseline(args) -> int:
    from .baseline import write
    from .pipeline import check_file

    results = [check_file(f, config_path=args.config) for f in args.files]
    bad = [r for r in results if not r.readable]
    for r in bad:
        for e in r.errors:
            print(f"clausecheck: {e.message}", file=sys.stderr)
    data = write(results, args.output, keep_waivers_from=args.output)
    print(f"clausecheck: recorded {len(data['findings'])} finding(s) of {len(results)} document(s) in {args.output}", file=sys.stderr)
    return EXIT_ERROR if bad else EXIT_CLEAN


def cmd_diff(args) -> int:
    from .diff import diff_results, render
    from .pipeline import check_file

    old, new = check_file(args.old), check_file(args.new)
    bad = [r for r in (old, new) if not r.readable]
    if bad:
        for r in bad:
            for e in r.errors:
                print(f"clausecheck: {e.message}", file=sys.stderr)
        return EXIT_ERROR
    rep = diff_results(old, new)
    _write(render(rep, args.format), args.output)
    return EXIT_FINDINGS if rep.crosses_policy else EXIT_CLEAN


def cmd_parse(args) -> int:
    import json

    from .pipeline import parse_source
    from .source import InputError, load

    try:
        source = load(args.file)
    except InputError as exc:
        print(f"clausecheck: {exc}", file=sys.stderr)
        return EXIT_ERROR
    doc = parse_source(source)
    if args.json:
        data = {
            "path": source.path,
            "doc_type": doc.doc_type,
            "doc_subtype": doc.doc_subtype,
            "sections": [s.model_dump() for s in doc.sections],
        }
        sys.stdout.write(json.dumps(data, indent=1) + "\n")
        return EXIT_CLEAN
    out = [f"{source.path}: {doc.doc_type}" + (f"/{doc.doc_subtype}" if doc.doc_subtype else "") + f" ({doc.doc_type_evidence})"]
    if source.notes:
        out.extend(f"note: {n}" for n in source.notes)

    def show(secs, depth):
        for s in secs:
            n_nodes = sum(len(c.nodes) for c in s.clauses)
            head = f" {s.heading}" if s.heading else ""
            om = " [omitted]" if s.omitted else ""
            out.append(f"{'  ' * depth}{s.kind} {s.number or s.label}{head}{om}  (lines {s.span.line}-{s.span.end_line}, {n_nodes} nodes)")
            if args.nodes:
                for c in s.clauses:
                    for nd in c.nodes:
                        attrs = nd.model_dump(exclude={"span", "text", "kind"}, exclude_none=True, exclude_defaults=True)
                        out.append(f"{'  ' * (depth + 1)}- {nd.kind} {nd.span.line}:{nd.span.column} {nd.text!r} {attrs}")
            show(s.children, depth + 1)

    show(doc.sections, 0)
    counts: dict[str, int] = {}
    for nr in doc.nodes:
        counts[nr.node.kind] = counts.get(nr.node.kind, 0) + 1
    out.append("typed nodes: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    sys.stdout.write("\n".join(out) + "\n")
    return EXIT_CLEAN


def cmd_rules(args) -> int:
    from tabulate import tabulate

    from .rulespec import load_rules

    rows = [(r.code, r.name, r.category, r.severity, ", ".join(r.doc_types)) for r in sorted(load_rules(), key=lambda r: r.code)]
    sys.stdout.write(tabulate(rows, headers=["code", "name", "category", "severity", "documents"]) + "\n")
    return EXIT_CLEAN


def cmd_explain(args) -> int:
    from .rulespec import explain

    try:
        text = explain(args.code)
    except KeyError:
        print(f"clausecheck: no rule {args.code!r} (see `clausecheck rules`)", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_CLEAN


def main(argv: Optional[Sequence[str]] = None) -> int:
    from .rxcache import install

    install()  # compiled regular expressions from the cache folder: a faster start
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not args.command:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        rc = None
        if args.command in ("batch", "query", "export"):
            from .batch import dispatch_batch

            rc = dispatch_batch(args)
    except Exception as exc:
        print(f"clausecheck: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if rc is not None:
        return rc
    handler = {"check": cmd_check, "baseline": cmd_baseline, "diff": cmd_diff, "parse": cmd_parse, "rules": cmd_rules, "explain": cmd_explain}[args.command]
    try:
        return handler(args)
    except UsageError as exc:
        print(f"clausecheck: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("clausecheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_CLEAN
    except Exception as exc:  # never a traceback for the user; the message names the defect
        import traceback

        tb = traceback.extract_tb(exc.__traceback__)
        where = f" at {tb[-1].filename.rsplit(os.sep, 1)[-1]}:{tb[-1].lineno}" if tb else ""
        print(f"clausecheck: internal error: {type(exc).__name__}: {exc}{where}", file=sys.stderr)
        if os.environ.get("CLAUSECHECK_DEBUG"):
            traceback.print_exc()
        return EXIT_ERROR
