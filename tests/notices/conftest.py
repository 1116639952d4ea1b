"""Notices of the shipped sample data over one year, built once for the module."""

from __future__ import annotations

from datetime import date
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest

from generator.notices.events import program_events
from generator.notices.messages import Notice, build_notice
from tests.badges.support import shipped_partners, shipped_program

YEAR_START = date(2025, 12, 1)
YEAR_END = date(2026, 11, 30)


@pytest.fixture(scope="session")
def year_notices() -> dict[str, Notice]:
    """Every notice of the sample year, by file name."""
    program = shipped_program()
    assert program.notices is not None
    events = program_events(shipped_partners(), program, YEAR_START, YEAR_END)
    return {n.file: n for n in (build_notice(e, program, program.notices) for e in events)}


def parsed(raw: bytes) -> EmailMessage:
    """A message as a mail client reads it."""
    message = message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def text_of(message: EmailMessage, subtype: str = "plain") -> str:
    """The decoded plain-text (or HTML) part."""
    part = message.get_body((subtype,))
    assert part is not None
    content: str = part.get_content()
    return content
