"""The compare page's data: one small file per partner, by ids, with nothing private, and
the words for the ids once, in the page."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from generator.load import load_folder
from generator.site.compare import terms_script
from tests.conftest import FIXTURES, MakeFolder
from tests.site.helpers import HOSTILE_SLUG


def test_each_partner_has_a_small_comparison_file(site: Path) -> None:
    data = json.loads((site / "partners" / "iberia-devsecops" / "compare.json").read_text())
    assert data == {
        "name": "Iberia DevSecOps S.L.",
        "logo": "svg",
        "badges": [["psp", "2021-06-14"], ["tsp", "2022-06-13"]],
        "tier": "select",
        "services": ["assessment", "implementation", "education", "security-compliance"],
        "offices": [["Madrid", "ES"], ["Barcelona", "ES"], ["Lisboa", "PT"]],
        "regions": ["emea"],
        "languages": ["es", "pt", "ca", "en"],
        "industries": ["financial-services", "telecommunications", "public-sector"],
        "certified": [["pse", 3], ["trainer", 2]],
    }
    sizes = [p.stat().st_size for p in (site / "partners").glob("*/compare.json")]
    assert len(sizes) == len(list((site / "partners").glob("*/badge.svg")))
    assert max(sizes) < 700


def terms(page: str) -> dict[str, Any]:
    block = re.search(r'<script type="application/json" id="pl-compare-terms">(.*?)</script>',
                      page, re.S)
    assert block is not None
    found: dict[str, Any] = json.loads(block.group(1))
    return found


def test_the_compare_page_carries_the_words_of_every_id_once(site: Path) -> None:
    page = (site / "partners" / "compare" / "index.html").read_text()
    words = terms(page)
    assert words["badges"] == {"psp": ["PSP", "Professional Services Partner"],
                               "tsp": ["TSP", "Training Services Partner"]}
    assert words["tiers"]["select"] == "Select"
    assert words["services"]["security-compliance"] == "Security and compliance"
    assert words["regions"]["emea"] == "Europe, Middle East and Africa"
    assert words["industries"]["financial-services"] == "Financial services"
    assert words["languages"]["ca"] == "Catalan"
    assert words["countries"]["ES"] == "Spain"
    # Singular and plural, never "certified Certified".
    assert words["certified"]["pse"] == ["certified Professional Services Engineer",
                                         "certified Professional Services Engineers"]
    assert words["certified"]["trainer"] == ["Certified Trainer", "Certified Trainers"]


def test_no_word_can_end_the_terms_block_early(tmp_path: Path) -> None:
    block = terms_script({"services": {"x": "</script><script>alert(1)</script> & co"}})
    assert block.count("</script>") == 1 and "<script>alert" not in block
    assert terms(str(block)) == {"services": {"x": "</script><script>alert(1)</script> & co"}}


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
