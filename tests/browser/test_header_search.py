"""The header search of every page finds partners from the locator's own data, without
partners in Material's search index."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from generator.site.locator_index import DATA_DIR, NAMES_PATH
from tests.browser.conftest import Served

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PARTNERS = "[data-pl-header-search]"


def type_in_header_search(page: Any, text: str) -> None:
    page.locator(".md-search__input").click()
    page.keyboard.type(text, delay=30)


def test_a_partner_name_finds_its_profile_and_the_locator(page: Any,
                                                          browser_site: Served) -> None:
    from playwright.sync_api import expect

    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(browser_site.url + "handbook/channel-services/")
    type_in_header_search(page, "Elbe")
    block = page.locator(PARTNERS)
    expect(block).to_be_visible()
    profile = block.get_by_role("link", name=re.compile(r"^Elbe DevOps GmbH"))
    expect(profile).to_have_attribute("href", browser_site.url + "partners/elbe-devops/")
    assert profile.locator("h2 mark").inner_text() == "Elbe"
    everyone = block.get_by_role("link", name=re.compile(r"^Search all partners for Elbe"))
    expect(everyone).to_have_attribute("href", browser_site.url + "partners/?q=Elbe")
    # Material's index holds no partner, but its "No matching documents" is not shown above
    # the partner just found: the first line the visitor sees is the partners' own title.
    expect(page.get_by_text("No matching documents")).to_be_hidden()
    first = page.locator("[data-md-component=search-result] .md-search-result__meta:visible")
    expect(first.first).to_have_text("Partners")
    # Only the locator's own files were fetched for it: the fixed-name list, then shards and
    # card chunks; never the facet index or anything that grows past what the locator loads.
    data = [u.split(DATA_DIR, 1)[1] for u in fetched if DATA_DIR in u]
    assert data[0] == NAMES_PATH.removeprefix(DATA_DIR)
    assert all(re.fullmatch(r"terms-[0-9a-f]{10}\.txt|cards-[0-9a-f]{10}-[0-9]+\.json", d)
               for d in data[1:]), data
    everyone.click()
    page.wait_for_url(re.compile(r"/partners/\?q=Elbe$"))
    expect(page.locator("[data-pl-status]")).to_have_text(re.compile(r"^1 partner\."))
    assert page.locator(".pl-card__name").all_inner_texts() == ["Elbe DevOps GmbH"]
    assert page.locator("#pl-q").input_value() == "Elbe"


def test_the_entries_survive_new_results_and_follow_the_query(page: Any,
                                                               browser_site: Served) -> None:
    from playwright.sync_api import expect

    page.goto(browser_site.url + "handbook/badges/")
    type_in_header_search(page, "devops")
    block = page.locator(PARTNERS)
    expect(block.locator("li")).to_have_count(6)
    # Material fills its own list for "devops" too; ours stays beside it.
    expect(page.locator(".md-search-result__list").last.locator("li").first).to_be_visible()
    page.keyboard.type(" ore", delay=30)
    expect(block.locator("li")).to_have_count(2)
    assert block.locator("h2").first.inner_text() == "\u00d8resund DevOps ApS"
    expect(block.locator("li").last).to_contain_text("Search all partners for devops ore")
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    expect(block).to_be_hidden()


def test_the_entries_are_reached_with_the_arrow_keys(page: Any, browser_site: Served) -> None:
    from playwright.sync_api import expect

    page.goto(browser_site.url + "handbook/channel-services/")
    type_in_header_search(page, "Elbe")
    expect(page.locator(PARTNERS)).to_be_visible()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.href") == (
        browser_site.url + "partners/elbe-devops/")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.href") == (
        browser_site.url + "partners/?q=Elbe")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/partners/elbe-devops/$"))
    assert page.locator("h1").inner_text() == "Elbe DevOps GmbH"
    # After instant navigation, on a profile, the header search still finds partners.
    type_in_header_search(page, "lumi")
    expect(page.locator(PARTNERS).locator("h2").first).to_have_text("Lumi\u00e8re DevOps SAS")


def test_under_a_prefix_without_directory_urls(page: Any, preview_site: Served) -> None:
    from playwright.sync_api import expect

    page.goto(preview_site.url + "handbook/channel-services.html")
    type_in_header_search(page, "Elbe")
    block = page.locator(PARTNERS)
    expect(block.get_by_role("link", name=re.compile("^Elbe DevOps"))).to_have_attribute(
        "href", preview_site.url + "partners/elbe-devops/index.html")
    expect(block.get_by_role("link", name=re.compile("^Search all partners"))).to_have_attribute(
        "href", preview_site.url + "partners/index.html?q=Elbe")


def test_partners_stay_out_of_materials_index(browser_site: Served) -> None:
    index = json.loads((browser_site.folder / "search" / "search_index.json").read_text())
    text = json.dumps(index)
    assert "Elbe DevOps" not in text
    assert not any(d["location"].startswith("partners/") for d in index["docs"])


def test_on_the_locator_materials_index_waits_for_the_header_search(page: Any,
                                                                    browser_site: Served) -> None:
    from playwright.sync_api import expect

    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(browser_site.url + "partners/")
    page.wait_for_load_state("networkidle")
    later = ("search/search_index.json", "/workers/search.", "sitemap.xml")
    assert [u for u in fetched if any(part in u for part in later)] == []
    # The header search still finds the handbook's pages, and partners by name.
    type_in_header_search(page, "badges")
    results = page.locator(".md-search-result__list").last
    expect(results.locator("h1").filter(has_text=re.compile(r"^Badges and reviews$"))
           ).to_be_visible()
    assert any(u.endswith("/search/search_index.json") for u in fetched)
    page.locator(".md-search__input").fill("Elbe")
    expect(page.locator(PARTNERS).get_by_role(
        "link", name=re.compile(r"^Elbe DevOps GmbH"))).to_be_visible()
    # The sitemap instant navigation reads comes once a link is about to be followed.
    page.keyboard.press("Escape")
    page.locator(".pl-card__name a").first.hover()
    page.wait_for_function("() => performance.getEntriesByType('resource')"
                           ".some((e) => e.name.endsWith('/sitemap.xml'))")
