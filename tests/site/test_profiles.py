"""Profiles (generator/site/profiles.py): what a partner's page says and its structured data."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from generator.catalog import Catalog, CatalogEntry
from generator.load import load_folder
from generator.site.common import SiteOptions
from generator.site.profiles import organization, profile_page, tel_href
from generator.site.urls import UrlStyle

PARTNERS = Path(__file__).resolve().parents[2] / "partners"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.build(load_folder(PARTNERS), date(2026, 11, 28))


def entry(catalog: Catalog, slug: str) -> CatalogEntry:
    return next(e for e in catalog.entries if e.slug == slug)


def test_a_profile_shows_the_partner_and_its_held_badges(catalog: Catalog) -> None:
    page = profile_page(entry(catalog, "elbe-devops"), catalog.program, urls=UrlStyle(True),
                        options=SiteOptions(), site_url="https://partners.example/")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", str(page.body)))
    assert page.src_uri == "partners/elbe-devops/index.md"
    assert page.title == "Elbe DevOps GmbH"
    assert "Professional Services Partner" in text
    assert "Training Services Partner" in text
    assert "15 March 2020" in text  # the grant day, in words
    assert "Hamburg, Germany" in text
    assert 'href="https://elbe-devops.example"' in str(page.body)


def test_structured_data_names_the_profile_and_the_badges(catalog: Catalog) -> None:
    data = organization(entry(catalog, "elbe-devops"), catalog.program,
                        "https://partners.example/", UrlStyle(True))
    assert data["@type"] == "Organization"
    assert data["@id"] == "https://partners.example/partners/elbe-devops/"
    assert data["logo"] == "https://partners.example/logos/elbe-devops.svg"
    assert data["award"] == [f"{catalog.program.name}: Professional Services Partner",
                             f"{catalog.program.name}: Training Services Partner"]
    json.dumps(data)  # serialisable as it stands


@pytest.mark.parametrize(
    ("written", "href"),
    [
        ("+49 40 5550 1234", "tel:+494055501234"),
        ("+1 (703) 555-0157", "tel:+17035550157"),
        ("040 5550 1234", "tel:04055501234"),
        ("on request", ""),
    ],
)
def test_a_phone_number_links_as_plus_and_digits(written: str, href: str) -> None:
    assert tel_href(written) == href


def test_a_number_without_digits_is_shown_but_not_linked(catalog: Catalog) -> None:
    elbe = entry(catalog, "elbe-devops")
    contact = elbe.partner.contact.model_copy(update={"phone": "on request"})  # type: ignore[union-attr]
    changed = replace(elbe, partner=elbe.partner.model_copy(update={"contact": contact}))
    body = str(profile_page(changed, catalog.program, urls=UrlStyle(True), options=SiteOptions(),
                            site_url=None).body)
    assert '<span class="pl-facts__phone">on request</span>' in body
    assert "tel:" not in body


def test_without_a_site_url_shared_links_have_no_address_or_image(catalog: Catalog) -> None:
    page = profile_page(entry(catalog, "elbe-devops"), catalog.program, urls=UrlStyle(True),
                        options=SiteOptions(), site_url=None)
    head = str(page.head)
    assert '<meta property="og:title" content="Elbe DevOps GmbH">' in head
    assert "og:url" not in head
    assert "og:image" not in head
