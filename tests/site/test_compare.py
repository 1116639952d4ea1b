"""The compare page's data: one small file per partner, in words, with nothing private."""

from __future__ import annotations

import json
from pathlib import Path

from generator.load import load_folder
from tests.conftest import FIXTURES, MakeFolder
from tests.site.helpers import HOSTILE_SLUG


def test_each_partner_has_a_small_comparison_file(site: Path) -> None:
    data = json.loads((site / "partners" / "iberia-devsecops" / "compare.json").read_text())
    assert data == {
        "slug": "iberia-devsecops",
        "name": "Iberia DevSecOps S.L.",
        "logo": "iberia-devsecops.svg",
        "badges": [
            {"id": "psp", "abbreviation": "PSP", "name": "Professional Services Partner",
             "granted": "2021-06-14", "grantedText": "14 June 2021"},
            {"id": "tsp", "abbreviation": "TSP", "name": "Training Services Partner",
             "granted": "2022-06-13", "grantedText": "13 June 2022"},
        ],
        "tier": "Select",
        "services": ["Assessment", "Implementation", "Education", "Security and compliance"],
        "offices": ["Madrid, Spain (headquarters)", "Barcelona, Spain", "Lisboa, Portugal"],
        "regions": ["Europe, Middle East and Africa"],
        "languages": ["Spanish", "Portuguese", "Catalan", "English"],
        "industries": ["Financial services", "Telecommunications", "Public sector"],
        "certified": ["3 certified Professional Services Engineers", "2 Certified Trainers"],
    }
    sizes = [p.stat().st_size for p in (site / "partners").glob("*/compare.json")]
    assert len(sizes) == len(list((site / "partners").glob("*/badge.svg")))
    assert max(sizes) < 1500


def test_the_comparison_files_hold_nothing_private(site: Path) -> None:
    text = (site / "partners" / HOSTILE_SLUG / "compare.json").read_text()
    for secret in ("secret-person", "secret-engagement", "tamarind", "2020-11-16", "grace"):
        assert secret not in text
    assert json.loads(text)["name"].startswith("<script>")  # data, escaped where it is shown


def test_the_compare_page_is_one_page_for_every_choice(site: Path) -> None:
    page = (site / "partners" / "compare" / "index.html").read_text()
    assert '<h1>Compare partners</h1>' in page
    assert 'data-data="../SLUG/compare.json"' in page
    assert 'data-profile="../SLUG/"' in page
    assert "How to choose partners" in page
    assert "<noscript>" in page


def test_the_slug_compare_is_taken_by_the_compare_page(partner_folder: MakeFolder) -> None:
    minimal = (FIXTURES / "valid" / "minimal.yml").read_text(encoding="utf-8")
    folder = partner_folder(**{"compare.yml": minimal})
    assert [d.format() for d in load_folder(folder).diagnostics] == [
        "partners/compare.yml:1:1: error: slug 'compare' is taken by the site's compare page, "
        "/partners/compare/; rename the file [slug]",
    ]
