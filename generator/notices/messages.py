"""Notices as e-mails (SPEC §8): one RFC 5322 message per badge event, byte-identical per run.

The context of each notice is computed here; the Jinja templates in ``templates/`` only put it
into words, once as plain text and once as HTML (autoescaped). The message is built with the
standard library's ``email`` package; its ``Date``, ``Message-ID`` and MIME boundary are derived
from the event, so the same data gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from generator.model import Notices, Program
from generator.notices.events import BadgeEvent
from generator.notices.standing import day_text, month_text, standing

NO_CONTACT = "[no partner contact]"
SEND_HOUR = time(9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Notice:
    """One notice: its envelope, its file name and the message itself."""

    event: BadgeEvent
    sender: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    file: str
    message: EmailMessage

    @property
    def recipients(self) -> tuple[str, ...]:
        """Every envelope recipient, To then Cc, each once."""
        return tuple(dict.fromkeys((*self.to, *self.cc)))

    @property
    def message_id(self) -> str:
        """The Message-ID header."""
        return str(self.message["Message-ID"])

    def as_bytes(self) -> bytes:
        """The message as written to its ``.eml`` file and sent: CRLF line ends."""
        return self.message.as_bytes(policy=SMTP)

    def to_json(self) -> dict[str, Any]:
        """The notice's entry in ``notices.json``."""
        e = self.event
        return {"date": e.day.isoformat(), "partner": e.partner.slug, "badge": e.badge.id,
                "kind": e.kind, "to": list(self.to), "cc": list(self.cc),
                "subject": self.subject, "file": self.file}


@cache
def _environment() -> Environment:
    # HTML templates are autoescaped; the plain-text ones are not markup, so never escaped.
    return Environment(
        loader=PackageLoader("generator.notices", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _subject(event: BadgeEvent, badge: str) -> str:
    name, state = event.partner.name, event.state
    if event.kind == "award":
        return f"{name}: {badge} badge awarded"
    if event.kind == "evidence-request":
        review = state.next_review
        return f"{name}: {badge} review on {day_text(review) if review else '?'}, evidence due"
    if event.kind == "review-kept":
        return f"{name}: {badge} badge kept at its yearly review"
    if event.kind == "grace":
        until = state.grace_until
        return f"{name}: {badge} badge in grace until {day_text(until) if until else '?'}"
    if event.kind == "restored":
        return f"{name}: {badge} badge restored"
    return f"{name}: {badge} badge lapsed"


def context(event: BadgeEvent, program: Program, settings: Notices) -> dict[str, Any]:
    """Everything a notice's templates show, as plain values."""
    partner, badge, state = event.partner, event.badge, event.state
    held_grant = state.granted if state.held else None
    requirements = standing(partner, badge, program, event.day, granted=held_grant,
                            unmet=state.unmet)
    site = settings.site_url.rstrip("/")

    def text(day: Any) -> str:
        return day_text(day) if day is not None else ""

    return {
        "kind": event.kind,
        "partner": partner.name,
        "program": program.name,
        "badge": f"{badge.name} ({badge.abbreviation})",
        "abbreviation": badge.abbreviation,
        "day": day_text(event.day),
        "granted": text(state.granted),
        "review_month": month_text(state.granted) if state.granted else "",
        "next_review": text(state.next_review),
        "evidence_due": text(state.evidence_due),
        "grace_until": text(state.grace_until),
        "cause": event.cause,
        "requirements": [
            {"name": s.requirement, "text": s.text, "met": s.met} for s in requirements
        ],
        "missing": [
            {"name": s.requirement, "text": s.text} for s in requirements if not s.met
        ],
        "profile_url": f"{site}/partners/{partner.slug}/",
        "handbook_url": f"{site}/handbook/channel-services/",
        "reply_to": settings.reply_to,
        "grace_months": badge.review.grace_months,
        "every_months": badge.review.every_months,
    }


def _wrap(text: str, width: int = 76) -> str:
    """Long lines folded at spaces; list items keep their indent. URLs are never split."""
    out: list[str] = []
    for line in text.split("\n"):
        indent = "  " if line.startswith("- ") else ""
        out.append(textwrap.fill(line, width, subsequent_indent=indent, break_long_words=False,
                                 break_on_hyphens=False) if len(line) > width else line)
    return "\n".join(out)


def render(event: BadgeEvent, program: Program, settings: Notices) -> tuple[str, str]:
    """The notice's plain text and HTML."""
    values = context(event, program, settings)
    text = _wrap(_environment().get_template(f"{event.kind}.txt.j2").render(values))
    html = _environment().get_template(f"{event.kind}.html.j2").render(values)
    return text, html


def _addresses(values: Sequence[str]) -> str:
    return ", ".join(values)


def build_notice(event: BadgeEvent, program: Program, settings: Notices) -> Notice:
    """The message for one event, addressed as SPEC §8 says."""
    contacts = event.partner.program_contacts
    to = tuple(contacts.partner) if contacts is not None else ()
    cc: tuple[str, ...] = (contacts.cam,) if contacts is not None and contacts.cam else ()
    subject = _subject(event, event.badge.abbreviation)
    if not to:
        to, subject = (settings.team,), f"{NO_CONTACT} {subject}"
        cc = tuple(c for c in cc if c != settings.team)
    text, html = render(event, program, settings)
    day = event.day.isoformat()
    slug, badge, kind = event.partner.slug, event.badge.id, event.kind

    message = EmailMessage(policy=SMTP)
    message["From"] = Address(program.name, addr_spec=settings.sender)
    message["Reply-To"] = settings.reply_to
    message["To"] = _addresses(to)
    if cc:
        message["Cc"] = _addresses(cc)
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.combine(event.day, SEND_HOUR))
    message["Message-ID"] = f"<{kind}.{badge}.{slug}.{day}@{settings.message_id_domain}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    # The boundary is random by default; one derived from the content keeps files identical
    # and, being a hash of both parts, cannot occur inside them.
    digest = hashlib.sha256(f"{text}\0{html}".encode()).hexdigest()[:32]
    message.set_boundary(f"=_notice_{digest}")
    return Notice(event, settings.sender, to, cc, subject, f"{day}-{slug}-{badge}-{kind}.eml",
                  message)


def write_notices(notices: Sequence[Notice], folder: Path) -> None:
    """Each notice as ``DAY-SLUG-BADGE-KIND.eml`` and the list of them as ``notices.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    for notice in notices:
        (folder / notice.file).write_bytes(notice.as_bytes())
    listing = json.dumps([n.to_json() for n in notices], indent=2, ensure_ascii=False) + "\n"
    (folder / "notices.json").write_text(listing, encoding="utf-8")
