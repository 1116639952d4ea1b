"""Partners side by side: the page ``/partners/compare/?p=SLUG&p=SLUG`` and its data.

The page is the same for every choice; the choice lives in the address. Its script fetches
one small JSON file per chosen partner, ``partners/<slug>/compare.json``, with the public
facts already put into words (badge names and grant days, tier, services, offices, regions,
languages, industries, certified counts). So a comparison of four partners costs four small
files whatever the number of partners, and no file lists them all.

Without JavaScript the page explains how to choose and links back to the locator; every
profile links here with its own partner chosen.
"""

from __future__ import annotations

import json
from typing import Any

from generator.catalog import Catalog, CatalogEntry
from generator.facets import language_name
from generator.model import Program
from generator.site.common import (
    LOCATOR,
    LOGO_DIR,
    DataFile,
    PlannedPage,
    day_text,
    office_text,
    profile_src,
    render,
)
from generator.site.urls import UrlStyle

#: The compare page's source path; its address is ``/partners/compare/``.
COMPARE_SRC = "partners/compare/index.md"
#: At most this many partners side by side.
MAX_COMPARED = 4
NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def compare_data_path(slug: str) -> str:
    """Where a partner's comparison data is published, relative to the site root."""
    return f"partners/{slug}/compare.json"


def compare_record(entry: CatalogEntry, program: Program) -> dict[str, Any]:
    """What the compare page shows of one partner, in words, on the as-of day."""
    services = {s.id: s.name for s in program.services}
    industries = {i.id: i.name for i in program.industries}
    logo = entry.partner.logo
    return {
        "slug": entry.slug,
        "name": entry.name,
        "logo": f"{entry.slug}{logo[logo.rfind('.'):].lower()}" if logo else "",
        "badges": [
            {"id": h.id, "abbreviation": h.badge.abbreviation, "name": h.badge.name,
             "granted": h.granted.isoformat(), "grantedText": day_text(h.granted)}
            for h in entry.held
        ],
        "tier": entry.tier.name if entry.tier is not None else "",
        "services": [services[s] for s in entry.partner.services],
        "offices": [
            office_text(o.city, o.country) + (" (headquarters)" if i == 0 else "")
            for i, o in enumerate(entry.offices)
        ],
        "regions": [r.name for r in entry.regions],
        "languages": [language_name(code) for code in entry.partner.languages],
        "industries": [industries[i] for i in entry.partner.industries],
        "certified": [c.label for c in entry.certified],
    }


def compare_bytes(entry: CatalogEntry, program: Program) -> bytes:
    """A partner's comparison record as the compare page fetches it."""
    return json.dumps(compare_record(entry, program), ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def compare_files(catalog: Catalog) -> list[DataFile]:
    """One comparison file per partner."""
    return [DataFile(compare_data_path(e.slug), compare_bytes(e, catalog.program))
            for e in catalog.entries]


def compare_page(catalog: Catalog, urls: UrlStyle) -> PlannedPage:
    """The compare page: an explanation, the place the script fills, a way back."""
    src = COMPARE_SRC
    body = render(
        "compare.html",
        locator_url=urls.link(src, LOCATOR),
        profile_pattern=urls.link(src, profile_src("SLUG")),
        data_pattern=urls.href(src, compare_data_path("SLUG")),
        logo_pattern=urls.href(src, f"{LOGO_DIR}/FILE"),
        as_of_text=day_text(catalog.as_of),
        most=MAX_COMPARED,
        most_text=NUMBER_WORDS.get(MAX_COMPARED, str(MAX_COMPARED)),
    )
    return PlannedPage(src, "compare", "Compare partners", body,
                       description="Two to four partners of the program side by side: badges, "
                                   "tier, services, offices, languages, industries and "
                                   "certified practitioners.")
