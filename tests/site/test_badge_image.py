"""The embeddable badge image and the profile's "Show this badge on your site" section."""

from __future__ import annotations

import html
import itertools
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from generator.catalog import Catalog, CatalogEntry
from generator.load import load_folder
from generator.site.badge_image import (
    BACKGROUND,
    BORDER,
    CHIP,
    CHIP_TEXT,
    PROGRAM_TEXT,
    TEXT,
    badge_svg,
)
from tests.site.helpers import HOSTILE, HOSTILE_SLUG, ROOT

AS_OF = date(2026, 11, 28)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def partners(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("badges") / "partners"
    shutil.copytree(ROOT / "partners", folder)
    shutil.copyfile(HOSTILE, folder / f"{HOSTILE_SLUG}.yml")
    return folder


@pytest.fixture(scope="module")
def catalog(partners: Path) -> Catalog:
    return Catalog.build(load_folder(partners), AS_OF)


def holder(catalog: Catalog, count: int) -> CatalogEntry:
    """A partner with a short name that holds ``count`` badges."""
    return next(e for e in catalog.entries
                if len(e.held) == count and len(e.name) < 24 and e.slug != HOSTILE_SLUG)


def texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_a_holder_sees_each_held_badge_and_the_program(catalog: Catalog) -> None:
    entry = holder(catalog, 2)
    svg = badge_svg(entry, catalog.program)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    label = (f"{entry.name} holds the Professional Services Partner and Training Services "
             "Partner badges of the Channel Services Program.")
    # One name, the title: no aria-label that would say the same again.
    assert root.findtext(f"{SVG}title") == label
    assert root.get("aria-label") is None
    assert texts(svg) == [entry.name, "Channel Services Program",
                          "PSP", "Professional Services Partner",
                          "TSP", "Training Services Partner"]


def test_a_non_holder_is_told_plainly(catalog: Catalog) -> None:
    entry = holder(catalog, 0)
    svg = badge_svg(entry, catalog.program)
    assert texts(svg) == [entry.name, "Channel Services Program",
                          "Not a service partner at present"]
    assert ET.fromstring(svg).findtext(f"{SVG}title") == (
        f"{entry.name} is not a service partner of the Channel Services Program at present.")


def test_a_hostile_name_is_escaped_text(catalog: Catalog) -> None:
    entry = next(e for e in catalog.entries if e.slug == HOSTILE_SLUG)
    svg = badge_svg(entry, catalog.program)
    root = ET.fromstring(svg)  # well-formed XML despite the name
    assert b"<script" not in svg and b"<b>" not in svg
    first = texts(svg)[0]
    assert entry.name.startswith(first.removesuffix("\u2026"))
    assert first.endswith("\u2026"), "a long name is cut to fit the card"
    assert entry.name in (root.findtext(f"{SVG}title") or "")


def test_nothing_runs_or_fetches(catalog: Catalog) -> None:
    for entry in catalog.entries:
        svg = badge_svg(entry, catalog.program)
        root = ET.fromstring(svg)
        tags = {el.tag.removeprefix(SVG) for el in root.iter()}
        assert tags <= {"svg", "title", "rect", "g", "text"}
        for el in root.iter():
            for name, value in el.attrib.items():
                assert not name.startswith("on")
                assert "href" not in name
                assert "url(" not in value and "://" not in value.replace(
                    "http://www.w3.org/2000/svg", "")
        assert b"<!DOCTYPE" not in svg and b"<?" not in svg and b"<style" not in svg


def test_the_image_changes_only_with_what_is_held(catalog: Catalog, partners: Path) -> None:
    entry = holder(catalog, 1)
    assert badge_svg(entry, catalog.program) == badge_svg(entry, catalog.program)
    # Over years of days, a partner's image is the same on two days exactly when it holds
    # the same badges: the daily rebuild leaves the other partners' images alone.
    days = [date(2023, 3, 12), date(2023, 3, 13), date(2024, 6, 1), AS_OF]
    loaded = load_folder(partners)
    catalogs = [Catalog.build(loaded, day) for day in days]
    changed = same = 0
    for one, other in itertools.pairwise(catalogs):
        for a, b in zip(one.entries, other.entries, strict=True):
            assert a.slug == b.slug
            held = a.held_ids == b.held_ids
            assert (badge_svg(a, one.program) == badge_svg(b, other.program)) is held
            changed, same = changed + (not held), same + held
    assert changed and same


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    x, y = sorted((luminance(a), luminance(b)), reverse=True)
    return (x + 0.05) / (y + 0.05)


def test_colours_meet_contrast_on_light_and_dark_pages(catalog: Catalog) -> None:
    for colour in (TEXT, PROGRAM_TEXT):
        assert contrast(colour, BACKGROUND) >= 4.5
    for chip in CHIP.values():
        assert contrast(CHIP_TEXT, chip) >= 4.5
    # The border shows on a white page, on Material's dark page and on black (WCAG 1.4.11).
    for page in ("#ffffff", "#1e2129", "#000000"):
        assert contrast(BORDER, page) >= 3
    svg = badge_svg(holder(catalog, 2), catalog.program).decode()
    card = re.search(r'<rect x="1" y="1"[^>]*>', svg)
    assert card is not None
    assert f'fill="{BACKGROUND}"' in card.group(0) and f'stroke="{BORDER}"' in card.group(0)


def test_the_built_site_has_an_image_and_an_embed_section_per_partner(site: Path) -> None:
    profile = (site / "partners" / "aurora-pipelines" / "index.html").read_text()
    assert (site / "partners" / "aurora-pipelines" / "badge.svg").is_file()
    assert '<h2 id="embed">Show this badge on your site</h2>' in profile
    code = re.search(r'<code id="pl-embed-code">(.*?)</code>', profile, re.S)
    assert code is not None
    assert html.unescape(code.group(1)) == (
        '<a href="https://partners.example.com/partners/aurora-pipelines/">'
        '<img src="https://partners.example.com/partners/aurora-pipelines/badge.svg" '
        'alt="Aurora Pipelines Oy: status in the Channel Services Program"></a>')
    assert '<img src="badge.svg" alt="Aurora Pipelines Oy holds the Professional Services ' \
           'Partner badge of the Channel Services Program.">' in profile
    # What the image means is said once, in the handbook, and linked from every profile.
    assert '(<a href="../../handbook/badges/#badge-image">how the badge image works</a>)' \
        in profile
    assert "Awarded 13 March 2023" in profile
    assert 'data-pl-copy="pl-embed-code" hidden>Copy the HTML</button>' in profile
    assert '<p><a href="../compare/?p=aurora-pipelines">Compare with other partners</a></p>' \
        in profile


def test_a_non_holder_is_not_offered_the_html_but_its_image_still_tells_the_truth(
        site: Path, catalog: Catalog) -> None:
    entry = holder(catalog, 0)
    profile = (site / "partners" / entry.slug / "index.html").read_text()
    assert f"<p>{entry.name} holds no service partner badge at present.</p>" in profile
    # Nobody pastes "not a service partner" on purpose: no section, no snippet, no button.
    assert 'id="embed"' not in profile and "pl-embed" not in profile
    assert "data-pl-copy" not in profile
    # Comparing is still offered.
    assert f'<p><a href="../compare/?p={entry.slug}">Compare with other partners</a></p>' \
        in profile
    handbook = (site / "handbook" / "badges" / "index.html").read_text()
    section = handbook[handbook.index('<h2 id="badge-image">'):]
    assert 'reads "Not a service partner at present" when' in section
    assert (site / "partners" / entry.slug / "badge.svg").read_bytes() == badge_svg(
        entry, catalog.program)
