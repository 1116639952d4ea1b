"""What the site's lists, locator data, export, feed and figures need of each partner.

A ``Piece`` is a partner's public entry boiled down to the plain values the pages and files
made from *all* partners read: its name and sort key, its facet values, what its card and its
line in a list show, the words the search finds it by, its line of the open-data export, the
status history of its badges and the words the compare page names. It is made from the entry
where the entry is made (in the loader's worker processes), is a few hundred bytes of strings
and tuples, and is the same on every day the entry is the same.

A build keeps every partner's piece in one record of the store (``PieceCatalog``), so a
build that must make the aggregate pages again (a new day, a changed partner) reads one
record instead of every partner's whole entry, and never holds the entries in memory.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from generator.catalog import Catalog, CatalogEntry
from generator.facets import Facet, facet_registry
from generator.model import Program
from generator.site.common import logo_path, office_text, profile_src
from generator.site.locator_index import STOP_WORDS, snippet, tokens
from generator.site.urls import UrlStyle

#: A badge's status changes, as ``BadgeState.history`` has them: ``(day, status)``.
History = tuple[tuple[date, str], ...]


class Piece(NamedTuple):
    """A partner as the site's aggregate pages and files see it (a tuple: cheap to keep)."""

    slug: str
    name: str
    #: The packed collation key of the name (``CatalogEntry.sort_name``).
    sort_name: bytes
    #: The browse letter (``CatalogEntry.letter``).
    letter: str
    #: Each facet's values, in registry order (``facet_registry``), without repeats.
    values: tuple[tuple[str, ...], ...]
    #: The published logo's path (``logo_path``), or None.
    logo: str | None
    #: Headquarters.
    city: str
    country: str
    #: How many offices beside the headquarters.
    more_offices: int
    services: tuple[str, ...]
    #: The card's summary line (``snippet``).
    snippet: str
    #: Held badge ids in program order, and the tier id.
    held: tuple[str, ...]
    tier: str | None
    #: The note beside the partner in a directory list.
    note: str
    #: Search words: those of the name, and those of the summary and cities but not the name.
    in_name: tuple[str, ...]
    in_other: tuple[str, ...]
    last_awarded: date | None
    #: The partner's line of ``api/partners.json``.
    api: str
    #: What the compare page's words must cover: office countries, languages and
    #: certifications (id and name).
    countries: tuple[str, ...]
    languages: tuple[str, ...]
    certified: tuple[tuple[str, str], ...]
    #: The first day of the partner's first track (the day it joined).
    joined: date
    #: Each evaluated badge's status history, by badge id.
    histories: tuple[tuple[str, History], ...]

    @property
    def held_ids(self) -> tuple[str, ...]:
        """Ids of the held badges (as ``CatalogEntry.held_ids``)."""
        return self.held

    @property
    def region_ids(self) -> tuple[str, ...]:
        """Ids of the regions the partner has an office in."""
        return self.values[REGION]


#: Where each facet's values are in ``Piece.values``: the registry's order.
FACETS = ("badge", "tier", "service", "region", "country", "language", "industry")
REGION = FACETS.index("region")


def list_note(entry: CatalogEntry) -> str:
    """The note beside a partner in a directory list: its headquarters and badges."""
    hq = entry.partner.headquarters
    badges = " ".join(h.badge.abbreviation for h in entry.held)
    place = office_text(hq.city, hq.country)
    return f"{place} · {badges}" if badges else place


def api_record(entry: CatalogEntry, urls: UrlStyle) -> dict[str, object]:
    """A partner's record in the open-data export."""
    p = entry.partner
    contact = p.contact
    return {
        "slug": entry.slug,
        "name": p.name,
        "website": p.website,
        "summary": p.summary,
        "logo": logo_path(entry),
        "profile": urls.page_url(profile_src(entry.slug)),
        "headquarters": {"country": p.headquarters.country, "city": p.headquarters.city},
        "locations": [{"country": o.country, "city": o.city} for o in p.locations],
        "regions": [r.id for r in entry.regions],
        "languages": list(p.languages),
        "industries": list(p.industries),
        "services": list(p.services),
        "contact": {"email": contact.email if contact else None,
                    "phone": contact.phone if contact else None},
        "tier": entry.tier.id if entry.tier is not None else None,
        "badges": [
            {
                "id": h.id,
                "status": h.status,
                "granted": h.granted.isoformat(),
                "next_review": h.next_review.isoformat() if h.next_review else None,
            }
            for h in entry.held
        ],
        "certified": {c.certification: c.count for c in entry.certified},
    }


def piece_of(entry: CatalogEntry, facets: Sequence[Facet], urls: UrlStyle) -> Piece:
    """A partner's piece (``facets``: the program's registry, in its order)."""
    partner = entry.partner
    hq = partner.headquarters
    in_name = set(tokens(entry.name))
    other_text = " ".join((partner.summary, *(o.city for o in entry.offices)))
    in_other = {t for t in tokens(other_text) if t not in STOP_WORDS} - in_name
    return Piece(
        slug=entry.slug,
        name=entry.name,
        sort_name=entry.sort_name,
        letter=entry.letter,
        values=tuple(tuple(dict.fromkeys(f.values_of(entry))) for f in facets),
        logo=logo_path(entry),
        city=hq.city,
        country=hq.country,
        more_offices=len(entry.offices) - 1,
        services=tuple(partner.services),
        snippet=snippet(partner.summary),
        held=entry.held_ids,
        tier=entry.tier.id if entry.tier is not None else None,
        note=list_note(entry),
        in_name=tuple(sorted(in_name)),
        in_other=tuple(sorted(in_other)),
        last_awarded=entry.last_awarded,
        api=json.dumps(api_record(entry, urls), ensure_ascii=False, separators=(",", ":")),
        countries=tuple(dict.fromkeys(o.country for o in entry.offices)),
        languages=tuple(partner.languages),
        certified=tuple((c.certification, c.name) for c in entry.certified),
        joined=partner.tracks[0].from_,
        histories=tuple((badge_id, tuple((c.date, c.status) for c in state.history))
                        for badge_id, state in entry.states.items()),
    )


@dataclass(frozen=True)
class PieceCatalog:
    """Every valid partner's piece on ``as_of``, in the catalog's order (name, then slug)."""

    program: Program
    as_of: date
    entries: tuple[Piece, ...]

    @classmethod
    def of(cls, catalog: Catalog, urls: UrlStyle) -> PieceCatalog:
        """The pieces of a whole catalog."""
        facets = facet_registry(catalog.program)
        return cls(catalog.program, catalog.as_of,
                   tuple(piece_of(e, facets, urls) for e in catalog.entries))


def as_pieces(catalog: Catalog | PieceCatalog, urls: UrlStyle | None = None) -> PieceCatalog:
    """``catalog``'s pieces: itself when it is pieces already (whose export lines were made
    with their own URL style), else made with ``urls`` (default: directory URLs)."""
    if isinstance(catalog, PieceCatalog):
        return catalog
    return PieceCatalog.of(catalog, urls or UrlStyle())


def by_name(piece: Piece) -> tuple[bytes, str]:
    """The catalog's order (``generator.catalog.by_name``)."""
    return (piece.sort_name, piece.slug)


def piece_facets(facets: Sequence[Facet]) -> tuple[Facet, ...]:
    """The registry's facets reading their values from a piece instead of an entry."""
    if tuple(f.name for f in facets) != FACETS:
        raise ValueError("the facet registry changed: update generator.site.pieces.FACETS")
    return tuple(
        Facet(f.name, f.label, _reader(number), f.choices, f.label_of)
        for number, f in enumerate(facets)
    )


def _reader(number: int) -> _Values:
    return _Values(number)


@dataclass(frozen=True)
class _Values:
    """``Facet.values_of`` for pieces: the values at one place of ``Piece.values``."""

    number: int

    def __call__(self, piece: Piece) -> tuple[str, ...]:
        return piece.values[self.number]
