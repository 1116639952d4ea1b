"""The ``notices`` and ``calendar`` commands: load, evaluate, write, and (``--send``) submit."""

from __future__ import annotations

import argparse
import os
import re
import stat
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from generator.load import load_folder
from generator.model import Partner, Program


class CommandError(Exception):
    """Wrong usage or a missing setting: the command line exits 2 with this message."""


def _loaded(partners: str) -> tuple[tuple[Partner, ...], Program] | None:
    result = load_folder(Path(partners))
    if not result.ok or result.program is None:
        sys.stderr.write("".join(d.format() + "\n" for d in sorted(result.diagnostics)))
        return None
    return tuple(result.partners), result.program


def parse_day(text: str, option: str) -> date:
    """A ``YYYY-MM-DD`` option value, or a usage error naming the option."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"{option}: '{text}' is not a real day") from None
    raise CommandError(f"{option}: expected a day written YYYY-MM-DD, got '{text}'")


def run_notices(args: argparse.Namespace, today: Callable[[], date]) -> int:
    """``partner-locator notices``: write (and with ``--send`` submit) each notice of the window.

    ``today`` resolves the as-of day, the default of both ends; it is asked only when needed.
    """
    from generator.notices.events import program_events  # noqa: PLC0415
    from generator.notices.messages import build_notice, write_notices  # noqa: PLC0415

    start = parse_day(args.from_, "--from") if args.from_ else today()
    end = parse_day(args.to, "--to") if args.to else today()
    if end < start:
        raise CommandError(f"--to {end} is before --from {start}")
    loaded = _loaded(args.partners)
    if loaded is None:
        return 1
    partners, program = loaded
    if program.notices is None:
        raise CommandError(
            "program.yml has no 'notices' section (sender, reply_to, team, message_id_domain, "
            "site_url); see docs/data-format.md"
        )
    events = program_events(partners, program, start, end)
    notices = [build_notice(event, program, program.notices) for event in events]
    folder = Path(args.out)
    write_notices(notices, folder)
    sys.stdout.write(
        f"{len(notices)} notice(s) from {start} to {end} written to {folder}\n"
    )
    for notice in notices:
        sys.stdout.write(f"  {notice.file}: {notice.subject}\n")
    if not args.send:
        return 0
    from generator.notices.smtp import SmtpSettings, send_notices  # noqa: PLC0415

    try:
        settings = SmtpSettings.from_environment(os.environ)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    report = send_notices(notices, settings)
    sys.stdout.write(report.text())
    return 0 if report.ok else 1


def run_calendar(args: argparse.Namespace, today: date) -> int:
    """``partner-locator calendar``: the program team's review calendar as of ``today``."""
    from generator.notices.calendar import review_calendar  # noqa: PLC0415

    loaded = _loaded(args.partners)
    if loaded is None:
        return 1
    partners, program = loaded
    data = review_calendar(partners, program, today)
    if args.out in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    from generator.cli import write_output  # noqa: PLC0415 - the CLI's one way to write a file

    write_output(data.decode("utf-8"), args.out)
    if stat.S_ISREG(Path(args.out).stat().st_mode):  # not a device such as /dev/stdout
        sys.stdout.write(f"calendar as of {today} written to {args.out}\n")
    return 0
