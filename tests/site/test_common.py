"""What every page shares (generator/site/common.py and urls.py): links, escaping, wording."""

from __future__ import annotations

from datetime import date

import pytest

from generator.site.common import day_text, initials, office_text, plural, script_json
from generator.site.urls import UrlStyle


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


def test_script_json_cannot_close_its_element() -> None:
    text = str(script_json({"name": "</script><b>&", "line": "a\u2028b"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text


def test_wording_helpers() -> None:
    assert day_text(date(2021, 11, 4)) == "4 November 2021"
    assert plural(1, "partner") == "1 partner"
    assert plural(1200, "office") == "1,200 offices"
    assert office_text("Hamburg", "DE") == "Hamburg, Germany"
    assert initials("Elbe DevOps GmbH") == "ED"
    assert initials("---") == "?"
