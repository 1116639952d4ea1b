"""The command line: ``partner-locator COMMAND`` or ``python -m generator COMMAND``.

Exit status: 0 success, 1 invalid data or a failed check, 2 wrong usage. The as-of day is
resolved here (``generator.clock``) and passed down.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from generator import __version__
from generator.clock import as_of_day
from generator.load import (
    PROGRAM_FILE,
    LoadResult,
    display_path,
    load_folder,
    load_program,
    partner_files,
)
from generator.report.badges import evaluate_all, render_badges
from generator.report.validate import FORMATS, render_validation
from generator.schema import dump, partner_schema, program_schema


class UsageError(Exception):
    """Wrong usage: exit status 2."""


def resolve_as_of(text: str | None) -> date:
    """The as-of day: ``--as-of``, else ``SOURCE_DATE_EPOCH`` (UTC), else today."""
    try:
        return as_of_day(text)
    except ValueError as exc:
        prefix = "" if str(exc).startswith("SOURCE_DATE_EPOCH") else "--as-of: "
        raise UsageError(f"{prefix}{exc}") from None


def write_output(text: str, output: str | None) -> None:
    """Print, or write ``output``: ``-`` is standard output.

    A regular file is written whole (a temporary file beside it, renamed into place), so a
    reader never sees half a report. A symbolic link is written through, to its target, and a
    device or a pipe (``/dev/stdout``) is written to as it is, never replaced by a file.
    """
    if output is None or output == "-":
        sys.stdout.write(text)
        return
    if not output:
        raise UsageError("--output: the file name is empty")
    if output.endswith(("/", os.sep)):
        raise UsageError(f"--output: '{output}' names a folder: give a file name")
    try:
        target = Path(output).stat()  # follows links: what the path leads to
    except FileNotFoundError:
        target = None
    except OSError as exc:
        raise UsageError(f"--output: cannot write '{output}' ({exc.strerror or exc})") from None
    if target is not None and stat.S_ISDIR(target.st_mode):
        raise UsageError(f"--output: '{output}' is a folder: give a file name")
    try:
        if target is not None and not stat.S_ISREG(target.st_mode):
            with Path(output).open("w", encoding="utf-8") as stream:
                stream.write(text)
            return
        _replace_file(Path(os.path.realpath(output)), text, target)
    except OSError as exc:
        raise UsageError(f"--output: cannot write '{output}' ({exc.strerror or exc})") from None


def _replace_file(path: Path, text: str, existing: os.stat_result | None) -> None:
    """Write ``path`` whole through a temporary file in its own folder, keeping its mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    partial = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        if existing is not None:
            mode = stat.S_IMODE(existing.st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        partial.chmod(mode)  # mkstemp makes it private to its owner
        partial.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


def partners_folder(option: str) -> Path:
    """The ``--partners`` folder; a missing folder is wrong usage, not a data problem."""
    folder = Path(option)
    if not option:
        raise UsageError("--partners: the folder name is empty")
    if not folder.exists():
        raise UsageError(f"--partners: the folder '{option}' does not exist")
    if not folder.is_dir():
        raise UsageError(f"--partners: '{option}' is not a folder")
    return folder


def _checked_files(result: LoadResult) -> list[str]:
    folder = result.folder
    names = [display_path(folder / PROGRAM_FILE)]
    if folder.is_dir():
        names += [display_path(p) for p in partner_files(folder)]
    return names


def _validate(args: argparse.Namespace) -> int:
    result = load_folder(partners_folder(args.partners), keep_partners=False)
    report = render_validation(result.diagnostics, _checked_files(result), args.format)
    write_output(report, args.output)
    if args.output not in (None, "-") and args.format != "text":
        # The job log still shows the located lines a person reads.
        sys.stdout.write(render_validation(result.diagnostics, _checked_files(result), "text"))
    return 0 if result.ok else 1


def _schema(args: argparse.Namespace) -> int:
    if args.of == "program":
        write_output(dump(program_schema()), args.output)
        return 0
    program, diagnostics = load_program(partners_folder(args.partners) / PROGRAM_FILE)
    if program is None:
        sys.stderr.write("".join(d.format() + "\n" for d in diagnostics))
        return 1
    write_output(dump(partner_schema(program)), args.output)
    return 0


def _badges(args: argparse.Namespace) -> int:
    as_of = resolve_as_of(args.as_of)
    result = load_folder(partners_folder(args.partners))
    if not result.ok or result.program is None:
        sys.stderr.write("".join(d.format() + "\n" for d in sorted(result.diagnostics)))
        return 1
    states = evaluate_all(result.partners, result.program, as_of)
    names = {p.slug: p.name for p in result.partners}
    report = render_badges(states, result.program, as_of, args.format, names)
    write_output(report, args.output)
    return 0


def _diff(args: argparse.Namespace) -> int:
    from generator.diff import compare  # noqa: PLC0415 - keeps the badge engine off other commands
    from generator.report.diff import GitError, render_diff, snapshot  # noqa: PLC0415

    as_of = resolve_as_of(args.as_of)
    partners = partners_folder(args.partners)
    with tempfile.TemporaryDirectory(prefix="partner-locator-base-") as scratch:
        if args.base is not None:
            try:
                snapshot(args.base, partners, Path(scratch))
            except GitError as exc:
                raise UsageError(f"--base: {exc}") from None
            base_folder, label = Path(scratch), args.base
        else:
            base_folder, label = Path(args.base_dir), args.base_dir
            if not base_folder.is_dir():
                raise UsageError(f"--base-dir: '{args.base_dir}' is not a folder")
        diff = compare(load_folder(base_folder), load_folder(partners), as_of, label)
    write_output(render_diff(diff, args.format, args.preview_url), args.output)
    if args.output not in (None, "-") and args.format != "markdown":
        # The job log still shows the report a person reads.
        sys.stdout.write(render_diff(diff, "markdown", args.preview_url))
    return 1 if diff.new_errors else 0


def _render(args: argparse.Namespace) -> int:
    # Only this command needs the site's templates and Markdown.
    from generator.site.render import OutputFolderError, render_folder  # noqa: PLC0415

    as_of = resolve_as_of(args.as_of)
    out = _render_target(args.out)
    result = load_folder(partners_folder(args.partners))
    if not result.ok:
        sys.stderr.write("".join(d.format() + "\n" for d in sorted(result.diagnostics)))
        return 1
    docs = None if args.no_docs else Path(args.docs)
    try:
        count = render_folder(result, as_of, out, docs_dir=docs,
                              directory_urls=not args.flat_urls)
    except OutputFolderError as exc:
        raise UsageError(f"--out: {exc}") from None
    except OSError as exc:
        raise UsageError(f"--out: cannot write '{args.out}' ({exc.strerror or exc})") from None
    sys.stdout.write(f"{count} pages written to {args.out}\n")
    return 0


def _render_target(option: str) -> Path:
    """The ``--out`` folder: a folder or nothing yet, never a file, a link or the working
    folder itself (the site is written beside it and moved into its place)."""
    if not option:
        raise UsageError("--out: the folder name is empty")
    out = Path(option)
    if out.is_symlink():
        raise UsageError(f"--out: '{option}' is a symbolic link: name a folder")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out: '{option}' is a file, not a folder")
    if out.name in ("", "..") or out.resolve() == Path.cwd().resolve():
        raise UsageError(f"--out: '{option}' cannot be replaced: name a folder inside it")
    return out


# --- program operations (SPEC §8): notices and the review calendar --------------------------


def _notices(args: argparse.Namespace) -> int:
    from generator.notices.command import CommandError, run_notices  # noqa: PLC0415

    partners_folder(args.partners)
    _render_target(args.out)  # the same rules as render's --out folder
    try:
        return run_notices(args, lambda: resolve_as_of(None))
    except CommandError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"--out: cannot write '{args.out}' ({exc.strerror or exc})") from None


def _calendar(args: argparse.Namespace) -> int:
    from generator.notices.command import run_calendar  # noqa: PLC0415

    partners_folder(args.partners)
    try:
        return run_calendar(args, resolve_as_of(args.as_of))
    except UsageError as exc:  # write_output names its option --output; here it is --out
        text = str(exc)
        raise UsageError("--out" + text.removeprefix("--output") if text.startswith(
            "--output:") else text) from None


def _add_operations(commands: Any, common: argparse.ArgumentParser) -> None:
    notices = commands.add_parser(
        "notices", parents=[common], help="write the badge notices of a window of days",
        description="Write one e-mail notice for each badge event (award, evidence request, "
        "review kept, grace, restored, lapsed) from --from to --to, as .eml files with "
        "notices.json beside them; with --send, submit them over SMTP.",
    )
    notices.add_argument("--from", dest="from_", metavar="DAY",
                         help="first day (default: the as-of day)")
    notices.add_argument("--to", metavar="DAY", help="last day, inclusive (default: the as-of day)")
    notices.add_argument("--out", default="notices", metavar="DIR",
                         help="folder for the .eml files and notices.json (default: notices)")
    notices.add_argument("--send", action="store_true",
                         help="submit the notices over SMTP (SMTP_HOST, SMTP_PORT, ...)")
    notices.set_defaults(handler=_notices)
    calendar = commands.add_parser(
        "calendar", parents=[common], help="write the review calendar (iCalendar) of held badges",
        description="Write an iCalendar file for the program team: each held badge's next "
        "review, its evidence due day and, in grace, the grace end, as all-day events.",
    )
    calendar.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day badges are computed for")
    calendar.add_argument("--out", metavar="FILE", help="write the calendar to FILE")
    calendar.set_defaults(handler=_calendar)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; subcommands register their handler as ``handler``.

    Every subcommand has a ``help`` line (the list in ``partner-locator --help``) and a
    ``description`` (its own ``--help``); every option has a help text.
    """
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--partners",
        default="partners",
        metavar="DIR",
        help="folder of partner files and program.yml (default: partners)",
    )
    parser = argparse.ArgumentParser(
        prog="partner-locator",
        description="Validate partner data, compute badges, report changes, render the site.",
        epilog="Exit status: 0 success, 1 invalid data or a failed check, 2 wrong usage.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help="print the version and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate", parents=[common], help="check every partner file and report every problem",
        description="Check program.yml and every partner file, and report every problem at "
        "once as path:line:column lines. Exits 1 when any file has an error.",
    )
    validate.add_argument("--format", choices=FORMATS, default="text",
                          help="text lines (default), JSON, a GitLab Code Quality report, "
                          "or a JUnit report with one test case per file")
    validate.add_argument("--output", metavar="FILE",
                          help="write the report to FILE (- for standard output); a report "
                          "in another format than text still prints the text lines")
    validate.set_defaults(handler=_validate)

    schema = commands.add_parser(
        "schema", parents=[common], help="print the JSON Schema of a partner file",
        description="Print the JSON Schema that editors use to complete and check a partner "
        "file (or program.yml), built from the program's ids.",
    )
    schema.add_argument("--of", choices=("partner", "program"), default="partner",
                        help="the schema of a partner file (default) or of program.yml")
    schema.add_argument("--output", metavar="FILE", help="write the schema to FILE")
    schema.set_defaults(handler=_schema)

    badges = commands.add_parser(
        "badges", parents=[common], help="compute every partner's badges as of a day",
        description="Compute every partner's badges on one day from the partner files and "
        "the rules in program.yml: status, grant, next review, grace and unmet requirements.",
    )
    badges.add_argument(
        "--as-of", metavar="YYYY-MM-DD",
        help="the day to evaluate (default: SOURCE_DATE_EPOCH's day, else today)",
    )
    badges.add_argument("--format", choices=("text", "json"), default="text",
                        help="a summary for people (default) or the JSON document")
    badges.add_argument("--output", metavar="FILE", help="write the report to FILE")
    badges.set_defaults(handler=_badges)

    diff = commands.add_parser(
        "diff",
        parents=[common],
        help="report what a data change does: partners, badges, profiles, program, new errors",
        description="Compare the partner data with a base (a git ref or a folder) on one day: "
        "partners added and removed, badges that move, profile changes the public will see, "
        "program changes and new validation errors. Exits 1 when the change adds errors.",
    )
    base = diff.add_mutually_exclusive_group(required=True)
    base.add_argument("--base", metavar="GIT_REF", help="compare with partners/ at this git ref")
    base.add_argument("--base-dir", metavar="DIR", help="compare with this partners folder")
    diff.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day both sides are evaluated on")
    diff.add_argument("--format", choices=("markdown", "json", "html"), default="markdown",
                      help="Markdown for a merge request (default), JSON, or a standalone page")
    diff.add_argument("--output", metavar="FILE",
                      help="write the report to FILE; a JSON or HTML report still prints "
                      "the Markdown")
    diff.add_argument(
        "--preview-url",
        metavar="URL",
        help="link profiles to this preview: its root, or a URL with {slug} for each profile",
    )
    diff.set_defaults(handler=_diff)

    render = commands.add_parser(
        "render", parents=[common], help="write the site's page plan to a folder without MkDocs",
        description="Write every page of the site as plain HTML into a folder, without "
        "MkDocs: a quick look at the generated pages.",
    )
    render.add_argument("--out", required=True, metavar="DIR",
                        help="folder to write (replaced whole; a folder 'render' did not "
                        "write is never touched)")
    render.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day badges are computed for")
    render.add_argument("--docs", default="docs", metavar="DIR",
                        help="folder of hand-written pages (default: docs)")
    render.add_argument("--no-docs", action="store_true", help="skip the hand-written pages")
    render.add_argument("--flat-urls", action="store_true",
                        help="link pages as .../index.html (use_directory_urls: false)")
    render.set_defaults(handler=_render)
    _add_operations(commands, common)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on wrong usage and 0 for --help
        return int(exc.code or 0)
    try:
        status: int = args.handler(args)
    except UsageError as exc:
        sys.stderr.write(f"partner-locator: error: {exc}\n")
        return 2
    except BrokenPipeError:  # output piped into a program that stopped reading
        return 1
    return status
