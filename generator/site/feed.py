"""The program's public news as an Atom feed (RFC 4287): ``partners/feed.xml``.

Three kinds of event are public, and only these:

- ``award``: a badge granted, the first time or again after a lapse;
- ``review-kept``: a yearly review day on which a held badge stayed active;
- ``joined``: a partner's first day in the program (the start of its first track).

They are read from each badge's status history and the badge's review policy, never from the
private inputs: grace, at-risk, lapses, reasons, people and engagements stay out. An entry's
id is a ``tag:`` URI made of the site's host, the event's day, the partner, the badge and the
kind, so it never changes once given: adding a partner, editing a summary or building on
another day leaves every other entry's id alone, and a feed reader shows each event once.

The feed holds the events of the last ``WINDOW_DAYS`` days up to the as-of day, newest first,
and at most ``MAX_ENTRIES`` of them. Its own ``updated`` is the day of its newest entry (the
as-of day when it has none), so nothing in it depends on the clock.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from markupsafe import Markup

from generator.badges.timeline import add_months
from generator.catalog import Catalog
from generator.model import Badge
from generator.site.common import DataFile, day_text, profile_src
from generator.site.pieces import Piece, PieceCatalog, as_pieces
from generator.site.urls import UrlStyle, relative_path

#: Where the feed is published, relative to the site root.
FEED_FILE = "partners/feed.xml"
#: The feed covers this many days, the as-of day included ...
WINDOW_DAYS = 365
#: ... and never more than this many entries, the newest kept.
MAX_ENTRIES = 200
#: The ``tag:`` authority when the site's address is not known (no ``site_url``).
FALLBACK_HOST = "partner-locator.invalid"

EventKind = Literal["award", "review-kept", "joined"]
#: Order of events of the same day: an award before a kept review before a new partner.
KIND_ORDER: dict[EventKind, int] = {"award": 0, "review-kept": 1, "joined": 2}


@dataclass(frozen=True)
class ProgramEvent:
    """A public event of the program: a day, a kind, a partner and (but for joins) a badge."""

    day: date
    kind: EventKind
    #: The partner, as the site's aggregate pages see it.
    entry: Piece
    badge: Badge | None = None

    @property
    def slug(self) -> str:
        """The partner's slug."""
        return self.entry.slug

    def tag(self, host: str) -> str:
        """The entry's id: ``tag:HOST,DAY:partners/SLUG/BADGE/KIND`` (no badge for a join)."""
        parts = ["partners", self.slug, *([self.badge.id] if self.badge else []), self.kind]
        return f"tag:{host},{self.day.isoformat()}:{'/'.join(parts)}"


def badge_events(entry: Piece, badge: Badge, as_of: date) -> list[ProgramEvent]:
    """Awards and kept reviews of one badge of one partner, oldest first.

    A stretch of ``active`` status runs from the transition into it to the next change of
    status (or past the as-of day). Every review day strictly inside a stretch was kept: a
    review the badge failed ends the stretch that day (grace, or a lapse). An award that
    ended on its own day (a legacy grant on a day outside the program) was never visible
    and is left out.
    """
    history = dict(entry.histories).get(badge.id)
    if history is None:
        return []
    every = badge.review.every_months
    events: list[ProgramEvent] = []
    status = "none"
    granted: date | None = None
    start: date | None = None
    new_grant = False

    def close(end: date | None) -> None:
        if start is None or granted is None or (end is not None and end <= start):
            return
        if new_grant:
            events.append(ProgramEvent(start, "award", entry, badge))
        cycle = 1
        while (review := add_months(granted, cycle * every)) <= as_of:
            if end is not None and review >= end:
                break
            if review > start:
                events.append(ProgramEvent(review, "review-kept", entry, badge))
            cycle += 1

    for day, changed in history:
        if changed == status:
            continue  # not a change of status
        if changed == "active":
            new_grant = status in ("none", "lapsed")
            if new_grant:
                granted = day
            start = day
        elif status == "active":
            close(day)
            start = None
        status = changed
    if status == "active":
        close(None)
    return events


def _events(catalog: PieceCatalog, since: date | None = None) -> list[ProgramEvent]:
    as_of = catalog.as_of
    events: list[ProgramEvent] = []
    for piece in catalog.entries:
        if piece.joined <= as_of:
            events.append(ProgramEvent(piece.joined, "joined", piece))
        for badge in catalog.program.badges:
            events.extend(badge_events(piece, badge, as_of))
    return events if since is None else [e for e in events if e.day >= since]


def _order(catalog: PieceCatalog) -> Callable[[ProgramEvent], tuple[int, int, bytes, str, int]]:
    """Newest first, in a fixed order within a day."""
    badges = {b.id: i for i, b in enumerate(catalog.program.badges)}

    def key(e: ProgramEvent) -> tuple[int, int, bytes, str, int]:
        return (-e.day.toordinal(), KIND_ORDER[e.kind], e.entry.sort_name, e.slug,
                badges[e.badge.id] if e.badge else -1)
    return key


def program_events(catalog: Catalog | PieceCatalog) -> list[ProgramEvent]:
    """Every public event up to the as-of day, newest first, in a fixed order within a day."""
    pieces = as_pieces(catalog)
    return sorted(_events(pieces), key=_order(pieces))


def feed_events(catalog: Catalog | PieceCatalog) -> list[ProgramEvent]:
    """The events the feed shows: the last ``WINDOW_DAYS`` days, at most ``MAX_ENTRIES``."""
    pieces = as_pieces(catalog)
    since = pieces.as_of - timedelta(days=WINDOW_DAYS - 1)
    # The same as the first of every event sorted, without sorting every one.
    return heapq.nsmallest(MAX_ENTRIES, _events(pieces, since), key=_order(pieces))


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _title(event: ProgramEvent) -> str:
    name = event.entry.name
    if event.badge is None:
        return f"{name} joined the program"
    if event.kind == "award":
        return f"{name} earned the {event.badge.name} badge"
    return f"{name} kept the {event.badge.name} badge at its yearly review"


def _summary(event: ProgramEvent, program_name: str) -> str:
    name, day = event.entry.name, day_text(event.day)
    if event.badge is None:
        return f"{name} joined the {program_name} on {day}."
    badge = f"{event.badge.name} ({event.badge.abbreviation})"
    if event.kind == "award":
        return (f"{name} earned the {badge} badge of the {program_name} on {day}: it met "
                "every requirement of the badge.")
    return (f"{name} met every requirement of the {badge} badge again at its yearly review "
            f"on {day}, and keeps the badge.")


def feed_bytes(catalog: Catalog | PieceCatalog, urls: UrlStyle, site_url: str | None,
               events: Sequence[ProgramEvent] | None = None) -> bytes:
    """The Atom document; links are absolute when the site's address is known."""
    program = catalog.program
    host = urlsplit(site_url).hostname if site_url else None
    host = host or FALLBACK_HOST
    chosen = feed_events(catalog) if events is None else list(events)

    def link(path: str) -> str:
        # Relative links resolve against the feed's own address (RFC 4287, section 3.4).
        return site_url + path if site_url else relative_path(path, "partners/") + (
            "/" if path.endswith("/") else "")

    fg = FeedGenerator()
    fg.id(f"tag:{host},2026-01-01:partners/feed")
    fg.title(feed_title(program.name))
    fg.subtitle(f"Badges awarded, badges kept at their yearly review and partners joining the "
                f"{program.name}, newest first.")
    fg.author({"name": program.name})
    fg.language("en")
    fg.generator("Partner Locator")
    fg.link(href=link(FEED_FILE), rel="self", type="application/atom+xml")
    fg.link(href=link(urls.page_url("partners/index.md")), rel="alternate", type="text/html")
    fg.updated(_moment(chosen[0].day if chosen else catalog.as_of))
    for event in chosen:
        item = fg.add_entry(order="append")
        item.id(event.tag(host))
        item.title(_title(event))
        item.updated(_moment(event.day))
        item.published(_moment(event.day))
        item.link(href=link(urls.page_url(profile_src(event.slug))), rel="alternate",
                  type="text/html")
        item.summary(_summary(event, program.name))
        item.category(term=event.kind, label=_kind_label(event.kind))
        if event.badge is not None:
            item.category(term=event.badge.id, label=event.badge.name)
    data: bytes = fg.atom_str(pretty=True)
    return data


def _kind_label(kind: EventKind) -> str:
    return {"award": "Badge awarded", "review-kept": "Badge kept at review",
            "joined": "New partner"}[kind]


def feed_file(catalog: Catalog | PieceCatalog, urls: UrlStyle, site_url: str | None) -> DataFile:
    """The feed as a data file of the site plan."""
    return DataFile(FEED_FILE, feed_bytes(catalog, urls, site_url))


def feed_link(urls: UrlStyle, from_src: str, program_name: str) -> Markup:
    """The ``<link rel="alternate">`` that lets browsers and readers find the feed."""
    return Markup(
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">'
    ).format(feed_title(program_name), urls.href(from_src, FEED_FILE))


def feed_title(program_name: str) -> str:
    """The feed's title, as the feed and the pages linking to it name it."""
    return f"{program_name}: new partners and badges"

