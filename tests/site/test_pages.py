"""The page plan's pure parts: URLs, handbook markers, sitemaps, Pagefind's codec."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.catalog import Catalog
from generator.load import load_program
from generator.model import CertifiedRequirement, Program
from generator.site.pages import MarkerError, expand_markers, script_json, sitemap_files
from generator.site.urls import UrlStyle

PROGRAM = Path(__file__).resolve().parents[2] / "partners" / "program.yml"


@pytest.fixture(scope="module")
def program() -> Program:
    loaded, problems = load_program(PROGRAM)
    assert loaded is not None, problems
    return loaded


def with_pse_minimum(program: Program, at_least: int) -> Program:
    psp = program.badges[0]
    requirements = tuple(
        r.model_copy(update={"at_least": at_least}) if isinstance(r, CertifiedRequirement) else r
        for r in psp.requirements
    )
    badges = (psp.model_copy(update={"requirements": requirements}), *program.badges[1:])
    return program.model_copy(update={"badges": badges})


def test_a_number_changed_in_the_program_changes_the_handbook(program: Program) -> None:
    marker = "<!-- partner-locator: requirements psp -->"
    before = expand_markers(marker, Catalog(program, date(2026, 1, 1), ()))
    after = expand_markers(marker, Catalog(with_pse_minimum(program, 5), date(2026, 1, 1), ()))
    assert "Employ at least 3 people" in before
    assert "Employ at least 5 people" in after


def test_an_unknown_marker_is_an_error(program: Program) -> None:
    with pytest.raises(MarkerError, match="unknown handbook marker 'requirement'"):
        expand_markers("<!-- partner-locator: requirement psp -->",
                       Catalog(program, date(2026, 1, 1), ()))


@pytest.mark.parametrize(("directory_urls", "expected"), [
    (True, ("partners/", "acme/", "../", "../../logos/acme.svg")),
    (False, ("partners/index.html", "acme/index.html", "../index.html",
             "../../logos/acme.svg")),
])
def test_links_are_relative_in_both_url_styles(directory_urls: bool,
                                               expected: tuple[str, ...]) -> None:
    urls = UrlStyle(directory_urls)
    assert (
        urls.page_url("partners/index.md"),
        urls.link("partners/index.md", "partners/acme/index.md"),
        urls.link("partners/acme/index.md", "partners/index.md"),
        urls.href("partners/acme/index.md", "logos/acme.svg"),
    ) == expected


def test_sitemaps_split_at_the_limit() -> None:
    bulk = [f"partners/p{i}/" for i in range(25)]
    files = {f.path: f.read().decode() for f in sitemap_files(
        "https://x.example/", ["", "partners/"], bulk, date(2026, 1, 1), limit=10)
        if not f.path.endswith(".gz")}
    parts = sorted(p for p in files if p.startswith("sitemaps/"))
    assert parts == ["sitemaps/partners-1.xml", "sitemaps/partners-2.xml",
                     "sitemaps/partners-3.xml"]
    assert [files[p].count("<url>") for p in parts] == [10, 10, 5]
    assert files["sitemap.xml"].count("<url>") == 2
    assert files["sitemap-index.xml"].count("<sitemap>") == 4
    assert "Sitemap: https://x.example/sitemap-index.xml" in files["robots.txt"]


def test_script_json_cannot_close_its_element() -> None:
    text = str(script_json({"name": "</script><b>&"}))
    assert "<" not in text and ">" not in text and "&" not in text
