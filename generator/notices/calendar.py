"""The program team's review calendar (SPEC §8): an RFC 5545 file written with ``icalendar``.

Each held badge gets all-day events for its next review, its evidence due day and, in grace,
the end of grace. UIDs name the event, badge, partner and day, so a calendar application that
imports the file again updates events instead of doubling them. ``DTSTAMP`` is the as-of day:
the same data on the same day gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar, Event

from generator.badges import evaluate_partner
from generator.model import Partner, Program
from generator.notices.standing import day_text

PRODID = "-//Partner Locator//Review calendar//EN"
FALLBACK_DOMAIN = "partner-locator.invalid"


def calendar_entries(
    partners: Iterable[Partner], program: Program, as_of: date
) -> list[tuple[date, str, str, str, str, str]]:
    """(day, kind, partner slug, badge id, summary, description) of every event, sorted."""
    site = program.notices.site_url.rstrip("/") if program.notices else ""
    entries = []
    for partner in partners:
        states = evaluate_partner(partner, program, as_of)
        for badge in program.badges:
            state = states[badge.id]
            if not state.held:
                continue
            label = f"{partner.name}: {badge.abbreviation}"
            about = f"{badge.name} ({badge.abbreviation}) badge of {partner.name}"
            link = f"\n{site}/partners/{partner.slug}/" if site else ""
            days = [
                (state.next_review, "review", f"{label} review",
                 f"Yearly review of the {about}.{link}"),
                (state.evidence_due, "evidence", f"{label} evidence due",
                 f"Evidence due for the review on "
                 f"{day_text(state.next_review) if state.next_review else ''}: {about}.{link}"),
                (state.grace_until, "grace-end", f"{label} grace ends",
                 f"Last day of grace: the {about} lapses the next day unless every "
                 f"requirement is met.{link}"),
            ]
            for day, kind, summary, description in days:
                if day is not None:
                    entries.append((day, kind, partner.slug, badge.id, summary, description))
    return sorted(entries, key=lambda e: (e[0], e[2], e[3], e[1]))


def review_calendar(partners: Iterable[Partner], program: Program, as_of: date) -> bytes:
    """The calendar as bytes (CRLF line ends, folded as RFC 5545 says)."""
    domain = program.notices.message_id_domain if program.notices else FALLBACK_DOMAIN
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{program.name}: badge reviews")
    stamp = datetime.combine(as_of, time(0, 0, tzinfo=UTC))
    for day, kind, slug, badge, summary, description in calendar_entries(
        partners, program, as_of
    ):
        event = Event()
        event.add("uid", f"{kind}.{badge}.{slug}.{day.isoformat()}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", summary)
        event.add("description", description)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
