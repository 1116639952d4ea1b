"""Partners side by side: the page ``/partners/compare/?p=SLUG&p=SLUG`` and its data.

The page is the same for every choice; the choice lives in the address. Its script fetches
one small JSON file per chosen partner, ``partners/<slug>/compare.json``, with the public
facts by the program's ids (badges and grant days, tier, services, offices, regions,
languages, industries, certified counts); the words for those ids are in the page itself,
once. So a comparison of four partners costs four small files whatever the number of
partners, and no file lists them all.

Without JavaScript the page explains how to choose and links back to the locator; every
profile links here with its own partner chosen.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from generator.badges.kinds import certified_noun
from generator.catalog import Catalog, CatalogEntry
from generator.facets import country_name, language_name
from generator.site.common import (
    LOCATOR,
    LOGO_DIR,
    DataFile,
    PlannedPage,
    day_text,
    profile_src,
    render,
)
from generator.site.urls import UrlStyle

if TYPE_CHECKING:
    from generator.site.pieces import PieceCatalog

#: The compare page's source path; its address is ``/partners/compare/``.
COMPARE_SRC = "partners/compare/index.md"
#: At most this many partners side by side.
MAX_COMPARED = 4
NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def compare_data_path(slug: str) -> str:
    """Where a partner's comparison data is published, relative to the site root."""
    return f"partners/{slug}/compare.json"


def compare_record(entry: CatalogEntry) -> dict[str, Any]:
    """What the compare page shows of one partner on the as-of day, by the program's ids.

    The words (badge, tier, service, region, industry, language and country names, the
    certified nouns) are the same for every partner, so they are given once, in the compare
    page (``compare_terms``), and each of the thousands of records holds only its own facts.
    The first office is the headquarters.
    """
    logo = entry.partner.logo
    return {
        "name": entry.name,
        "logo": logo[logo.rfind(".") + 1:].lower() if logo else "",
        "badges": [[h.id, h.granted.isoformat()] for h in entry.held],
        "tier": entry.tier.id if entry.tier is not None else "",
        "services": list(entry.partner.services),
        "offices": [[o.city, o.country] for o in entry.offices],
        "regions": [r.id for r in entry.regions],
        "languages": list(entry.partner.languages),
        "industries": list(entry.partner.industries),
        "certified": [[c.certification, c.count] for c in entry.certified],
    }


def compare_bytes(entry: CatalogEntry) -> bytes:
    """A partner's comparison record as the compare page fetches it."""
    return json.dumps(compare_record(entry), ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def compare_terms(catalog: Catalog | PieceCatalog) -> dict[str, Any]:
    """The words the records' ids stand for: the program's, and the names of every language
    and country a partner names."""
    program = catalog.program
    if isinstance(catalog, Catalog):
        countries = sorted({o.country for e in catalog.entries for o in e.offices})
        languages = sorted({code for e in catalog.entries for code in e.partner.languages})
        certified = {(c.certification, c.name) for e in catalog.entries for c in e.certified}
    else:
        countries = sorted({c for p in catalog.entries for c in p.countries})
        languages = sorted({code for p in catalog.entries for code in p.languages})
        certified = {pair for p in catalog.entries for pair in p.certified}
    return {
        "badges": {b.id: [b.abbreviation, b.name] for b in program.badges},
        "tiers": {t.id: t.name for t in program.tiers},
        "services": {s.id: s.name for s in program.services},
        "regions": {r.id: r.name for r in program.regions},
        "industries": {i.id: i.name for i in program.industries},
        "languages": {code: language_name(code) for code in languages},
        "countries": {code: country_name(code) for code in countries},
        "certified": {cert: [certified_noun(name, 1), certified_noun(name, 2)]
                      for cert, name in sorted(certified)},
    }


def terms_script(terms: dict[str, Any]) -> Markup:
    """The terms as a JSON data block that no value can end early."""
    text = json.dumps(terms, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return Markup(  # noqa: S704 - JSON with every character that could end the block escaped
        f'<script type="application/json" id="pl-compare-terms">{text}</script>')


def compare_files(catalog: Catalog) -> list[DataFile]:
    """One comparison file per partner."""
    return [DataFile(compare_data_path(e.slug), compare_bytes(e))
            for e in catalog.entries]


def compare_page(catalog: Catalog | PieceCatalog, urls: UrlStyle) -> PlannedPage:
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
        terms=terms_script(compare_terms(catalog)),
    )
    return PlannedPage(src, "compare", "Compare partners", body,
                       description="Two to four partners of the program side by side: badges, "
                                   "tier, services, offices, languages, industries and "
                                   "certified practitioners.")
