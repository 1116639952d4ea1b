"""The locator page, result cards and the directory (generator/site/listings.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.catalog import Catalog
from generator.facets import facet_registry
from generator.load import load_folder
from generator.site.common import SiteOptions
from generator.site.listings import browse_lists, card_context, directory_pages
from generator.site.urls import UrlStyle

PARTNERS = Path(__file__).resolve().parents[2] / "partners"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.build(load_folder(PARTNERS), date(2026, 11, 28))


def test_a_card_links_to_the_profile_and_names_tier_and_place(catalog: Catalog) -> None:
    elbe = next(e for e in catalog.entries if e.slug == "elbe-devops")
    card = card_context(elbe, catalog.program, "partners/index.md", UrlStyle(True))
    assert card["url"] == "elbe-devops/"
    assert card["logo"] == "../logos/elbe-devops.svg"
    assert card["initials"] == "ED"
    assert card["meta"] == "Select · Hamburg, Germany and 3 more offices"
    assert [b["abbreviation"] for b in card["badges"]] == ["PSP", "TSP"]


def test_every_partner_is_in_exactly_one_letter_list(catalog: Catalog) -> None:
    groups = dict(browse_lists(catalog, facet_registry(catalog.program)))
    by_name = groups["By name"]
    slugs = [e.slug for b in by_name for e in b.entries]
    assert sorted(slugs) == sorted(e.slug for e in catalog.entries)
    assert len(set(slugs)) == len(slugs)


def test_long_lists_are_split_into_numbered_pages(catalog: Catalog) -> None:
    groups = browse_lists(catalog, facet_registry(catalog.program))
    pages = list(directory_pages(catalog, groups, UrlStyle(True), SiteOptions(browse_page_size=5)))
    psp = [p for p in pages if p.src_uri.startswith("browse/badge/psp/")]
    holders = sum(1 for e in catalog.entries if "psp" in e.held_ids)
    assert len(psp) == -(-holders // 5)
    assert psp[1].title.endswith("(page 2)")
