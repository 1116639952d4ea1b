"""Comparing partners in a real browser: picking from the locator, the tray, the compare page,
the address, Back, the keyboard, the profile's copy button, and accessibility in both schemes."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from generator.catalog import Catalog
from generator.facets import language_name
from generator.load import load_folder
from generator.site.common import office_text
from tests.browser.conftest import Served

pytestmark = [pytest.mark.browser, pytest.mark.slow]
AS_OF = date(2026, 11, 28)


@pytest.fixture(scope="module")
def catalog(browser_site: Served) -> Catalog:
    return Catalog.build(load_folder(browser_site.folder.parent / "project" / "partners"), AS_OF)


def settled(page: Any) -> None:
    page.wait_for_function(
        "() => { const r = document.querySelector('[data-pl-locator]');"
        " return r && r.dataset.plReady && !r.hasAttribute('aria-busy')"
        " && document.querySelector('[data-pl-pick]'); }")


def compared(page: Any) -> list[str]:
    page.wait_for_selector("[data-pl-compare][data-pl-ready]")
    names: list[str] = page.locator(".pl-compare__table thead .pl-compare__name").all_inner_texts()
    return names


def row(page: Any, key: str) -> list[str]:
    cells: list[str] = page.locator(f".pl-compare__table tr[data-row={key}] td").all_inner_texts()
    return cells


def test_choose_three_from_the_locator_and_compare_them(page: Any, browser_site: Served,
                                                       catalog: Catalog) -> None:
    page.goto(browser_site.url + "partners/?badge=psp&sort=name")
    settled(page)
    chosen = [e for e in catalog.entries if "psp" in e.held_ids][:3]
    for entry in chosen:
        page.get_by_role("checkbox", name=f"Compare {entry.name}", exact=True).check()
    tray = page.locator("[data-pl-tray]")
    assert tray.is_visible()
    assert tray.locator(".pl-tray__name").all_inner_texts() == [e.name for e in chosen]
    live = page.locator("[data-pl-compare-live]")
    assert re.fullmatch(rf"{re.escape(chosen[2].name)} added to the comparison\. 3 of 4 "
                        r"chosen\.\s?", live.inner_text())
    page.locator("[data-pl-tray-link]").click()
    page.wait_for_url(re.compile(r"/partners/compare/\?"))
    assert parse_qsl(urlsplit(page.url).query) == [("p", e.slug) for e in chosen]
    assert compared(page) == [e.name for e in chosen]
    badges = row(page, "badges")
    for entry, text in zip(chosen, badges, strict=True):
        for held in entry.held:
            assert held.badge.name in text
            assert f"since {held.granted.day} {held.granted:%B} {held.granted.year}" in text
    assert row(page, "tier") == [e.tier.name if e.tier else "" for e in chosen]
    assert row(page, "certified") == ["\n".join(c.label for c in e.certified) or
                                      "None on record" for e in chosen]
    # Every row is put back into the words of the profile from the ids of the records.
    industries = {i.id: i.name for i in catalog.program.industries}
    services = {s.id: s.name for s in catalog.program.services}
    assert row(page, "offices") == ["\n".join(
        office_text(o.city, o.country) + (" (headquarters)" if i == 0 else "")
        for i, o in enumerate(e.offices)) for e in chosen]
    assert row(page, "regions") == ["\n".join(r.name for r in e.regions) for e in chosen]
    assert row(page, "services") == ["\n".join(services[s] for s in e.partner.services)
                                     for e in chosen]
    assert row(page, "languages") == ["\n".join(language_name(c) for c in e.partner.languages)
                                      or "Not stated" for e in chosen]
    assert row(page, "industries") == ["\n".join(industries[i] for i in e.partner.industries)
                                       or "Not stated" for e in chosen]
    assert page.locator("[data-pl-compare-status]").inner_text().startswith(
        "Comparing 3 partners: ")
    # Back: the locator as it was, with the same query, filters and choice.
    page.go_back()
    page.wait_for_url(re.compile(r"/partners/\?badge=psp&sort=name$"))
    settled(page)
    assert page.locator("input[name=badge][value=psp]").is_checked()
    assert page.locator("#pl-sort").input_value() == "name"
    assert page.locator("[data-pl-tray] .pl-tray__name").all_inner_texts() == [
        e.name for e in chosen]
    for entry in chosen:
        assert page.get_by_role("checkbox", name=f"Compare {entry.name}", exact=True).is_checked()


def test_the_address_reproduces_the_view_in_a_fresh_browser(browser: Any, browser_site: Served,
                                                           catalog: Catalog) -> None:
    chosen = catalog.entries[5:9]
    query = "&".join(f"p={e.slug}" for e in chosen)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{browser_site.url}partners/compare/?{query}")
    assert compared(page) == [e.name for e in chosen]
    services = {s.id: s.name for s in catalog.program.services}
    assert row(page, "services") == ["\n".join(services[s] for s in e.partner.services)
                                     for e in chosen]
    links = page.locator(".pl-compare__table thead a.pl-compare__name")
    assert [links.nth(i).get_attribute("href") for i in range(4)] == [
        f"../{e.slug}/" for e in chosen]
    # Removing one changes the address; the address again says what is shown.
    page.get_by_role("button", name=f"Remove {chosen[0].name} from the comparison").click()
    page.wait_for_function("() => new URLSearchParams(location.search).getAll('p').length === 3")
    assert compared(page) == [e.name for e in chosen[1:]]
    page.go_back()
    page.wait_for_function("() => new URLSearchParams(location.search).getAll('p').length === 4")
    assert compared(page) == [e.name for e in chosen]
    context.close()


def test_back_within_the_compare_page_never_empties_the_table(page: Any, browser_site: Served,
                                                              catalog: Catalog) -> None:
    chosen = catalog.entries[5:9]
    query = "&".join(f"p={e.slug}" for e in chosen)
    loads: list[str] = []
    page.on("request", lambda request: loads.append(request.url)
            if "/partners/compare/" in request.url and request.resource_type in (
                "document", "xhr", "fetch") and ".json" not in request.url else None)
    page.goto(f"{browser_site.url}partners/compare/?{query}")
    assert compared(page) == [e.name for e in chosen]
    page.get_by_role("button", name=f"Remove {chosen[0].name} from the comparison").click()
    page.wait_for_function("() => new URLSearchParams(location.search).getAll('p').length === 3")
    assert compared(page) == [e.name for e in chosen[1:]]
    # From here on, every change to the page is checked: the table of partners never goes
    # missing, not even for a frame, while Back shows the four again.
    page.evaluate("""() => {
        window.__plNames = [];
        const names = () => Array.from(
            document.querySelectorAll('.pl-compare__table thead .pl-compare__name'),
            (e) => e.textContent);
        new MutationObserver(() => { window.__plNames.push(names().length); })
            .observe(document.documentElement, { childList: true, subtree: true });
    }""")
    page.go_back()
    page.wait_for_function("() => new URLSearchParams(location.search).getAll('p').length === 4")
    page.wait_for_function(
        "(names) => JSON.stringify(Array.from(document.querySelectorAll("
        "'.pl-compare__table thead .pl-compare__name'), (e) => e.textContent)) === "
        "JSON.stringify(names)", arg=[e.name for e in chosen])
    # Long enough for a second load of the page, had Back started one, to be drawn.
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert compared(page) == [e.name for e in chosen]
    seen: list[int] = page.evaluate("() => window.__plNames")
    assert seen and 0 not in seen
    # The page itself was loaded once: Back stays within it.
    assert len(loads) == 1, loads


def test_an_unknown_partner_in_the_address_is_reported(page: Any, browser_site: Served,
                                                      catalog: Catalog) -> None:
    first = catalog.entries[0]
    page.goto(f"{browser_site.url}partners/compare/?p={first.slug}&p=no-such-partner")
    assert compared(page) == [first.name]
    status = page.locator("[data-pl-compare-status]").inner_text()
    assert status == (f"Showing {first.name} alone. Choose up to 3 more in the locator to "
                      "compare. No partner is listed at \u201cno-such-partner\u201d; it may "
                      "have left the locator, or the address is mistyped.")


OLD_FORMAT = {"slug": "x", "name": "Old Record Ltd", "logo": "x.svg", "badges": [],
              "tier": "Select", "services": ["Assessment"], "offices": ["Berlin, Germany"],
              "regions": [], "languages": [], "industries": [], "certified": ["2 Trainers"]}


@pytest.mark.parametrize("damage", [
    "old format", "office without a country", "badge without a day", "unknown id", "null",
])
def test_a_record_of_another_shape_is_shown_as_missing_never_in_wrong_words(
        page: Any, browser_site: Served, catalog: Catalog, damage: str) -> None:
    first, second = catalog.entries[0], catalog.entries[1]
    record = json.loads((browser_site.folder / "partners" / second.slug / "compare.json")
                        .read_text(encoding="utf-8"))
    if damage == "old format":
        record = OLD_FORMAT
    elif damage == "office without a country":
        record["offices"] = [["Only city"]]
    elif damage == "badge without a day":
        record["badges"] = [["psp", "not-a-day"]]
    elif damage == "unknown id":
        record["services"] = ["no-such-service"]
    else:
        record = None
    page.route(f"**/partners/{second.slug}/compare.json",
               lambda route: route.fulfill(status=200, content_type="application/json",
                                           body=json.dumps(record)))
    page.goto(f"{browser_site.url}partners/compare/?p={first.slug}&p={second.slug}")
    assert compared(page) == [first.name]
    status = page.locator("[data-pl-compare-status]").inner_text()
    assert f"No partner is listed at \u201c{second.slug}\u201d" in status
    table = page.locator(".pl-compare__table").inner_text()
    assert "undefined" not in table and "NaN" not in table


def test_unreadable_words_say_the_comparison_cannot_be_shown(page: Any, browser_site: Served,
                                                            catalog: Catalog) -> None:
    first, second = catalog.entries[0], catalog.entries[1]

    def damaged(route: Any) -> None:
        response = route.fetch()
        body = response.text().replace('id="pl-compare-terms">{', 'id="pl-compare-terms">{,')
        route.fulfill(response=response, body=body)

    page.route(re.compile(r"/partners/compare/(\?.*)?$"), damaged)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{browser_site.url}partners/compare/?p={first.slug}&p={second.slug}")
    status = page.locator("[data-pl-compare-status]")
    page.wait_for_function("() => document.querySelector('[data-pl-compare-status]')"
                           ".textContent.length > 0")
    assert status.inner_text() == ("The comparison cannot be shown right now. Each partner's "
                                   "profile has the same facts.")
    assert errors == []


def test_the_comparison_needs_no_object_has_own(page: Any, browser_site: Served,
                                               catalog: Catalog) -> None:
    # Browsers before Safari 15.4 and Chrome 93 have no Object.hasOwn.
    page.add_init_script("delete Object.hasOwn;")
    first, second = catalog.entries[0], catalog.entries[1]
    page.goto(f"{browser_site.url}partners/compare/?p={first.slug}&p={second.slug}")
    assert compared(page) == [first.name, second.name]
    assert page.evaluate("() => typeof Object.hasOwn") == "undefined"


def test_at_most_four_and_the_choice_survives_a_new_search(page: Any, browser_site: Served,
                                                          catalog: Catalog) -> None:
    page.goto(browser_site.url + "partners/?sort=name")
    settled(page)
    for entry in catalog.entries[:4]:
        page.get_by_role("checkbox", name=f"Compare {entry.name}", exact=True).check()
    fifth = catalog.entries[4]
    box = page.get_by_role("checkbox", name=f"Compare {fifth.name}", exact=True)
    box.click()
    assert not box.is_checked()
    assert page.locator("[data-pl-compare-live]").inner_text().strip() == (
        f"You can compare up to 4 partners. Remove one from the tray to add {fifth.name}.")
    # A new search replaces the cards; the tray and the ticks stay.
    word = catalog.entries[1].name.split()[0]
    page.locator("#pl-q").fill(word)
    page.wait_for_function("q => new URLSearchParams(location.search).get('q') === q", arg=word)
    settled(page)
    assert page.locator("[data-pl-tray] .pl-tray__name").count() == 4
    assert page.get_by_role("checkbox", name=f"Compare {catalog.entries[1].name}",
                            exact=True).is_checked()
    page.reload()
    settled(page)
    assert page.locator("[data-pl-tray] .pl-tray__name").count() == 4


def test_keyboard_only_selection(page: Any, browser_site: Served, catalog: Catalog) -> None:
    page.goto(browser_site.url + "partners/?sort=name")
    settled(page)
    page.locator(".pl-card__name a").first.focus()
    picked = 0
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('[data-pl-pick]')"):
            page.keyboard.press("Space")
            picked += 1
            if picked == 2:
                break
    assert picked == 2
    assert page.locator("[data-pl-tray] .pl-tray__name").all_inner_texts() == [
        e.name for e in catalog.entries[:2]]
    # The tray's remove buttons and link are reachable and work from the keyboard.
    remove = page.get_by_role("button", name=f"Remove {catalog.entries[0].name} from the "
                                              "comparison")
    remove.focus()
    page.keyboard.press("Enter")
    assert page.locator("[data-pl-tray] .pl-tray__name").all_inner_texts() == [
        catalog.entries[1].name]
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == (
        f"Remove {catalog.entries[1].name} from the comparison")
    page.get_by_role("checkbox", name=f"Compare {catalog.entries[2].name}", exact=True).focus()
    page.keyboard.press("Space")
    link = page.locator("[data-pl-tray-link]")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/partners/compare/\?"))
    assert compared(page) == [catalog.entries[1].name, catalog.entries[2].name]


def test_without_javascript_the_page_explains_how_to_choose(browser: Any, browser_site: Served,
                                                           catalog: Catalog) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    entry = catalog.entries[0]
    page.goto(f"{browser_site.url}partners/{entry.slug}/")
    page.get_by_role("link", name="Compare with other partners", exact=True).click()
    page.wait_for_url(re.compile(rf"/partners/compare/\?p={entry.slug}$"))
    assert page.locator("h1").inner_text() == "Compare partners"
    assert page.get_by_role("heading", name="How to choose partners").is_visible()
    assert "this browser runs none" in page.locator("noscript").inner_text()
    page.get_by_role("link", name="Find a partner", exact=True).last.click()
    page.wait_for_url(re.compile(r"/partners/$"))
    context.close()


def test_the_profile_copy_button_copies_the_snippet(browser: Any, browser_site: Served,
                                                   catalog: Catalog) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    entry = next(e for e in catalog.entries if e.held)
    page.goto(f"{browser_site.url}partners/{entry.slug}/")
    button = page.get_by_role("button", name="Copy the HTML")
    assert button.is_visible()
    button.click()
    page.wait_for_function("() => document.querySelector('[data-pl-copy-status]')"
                           ".textContent.startsWith('Copied')")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.locator("#pl-embed-code").inner_text()
    assert copied.startswith(f'<a href="https://partners.example.com/partners/{entry.slug}/">')
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_no_serious_accessibility_findings(browser: Any, browser_site: Served, *,
                                           axe_source: str, catalog: Catalog, scheme: str,
                                           width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme=scheme)
    page = context.new_page()
    query = "&".join(f"p={e.slug}" for e in catalog.entries[:3])
    page.goto(f"{browser_site.url}partners/compare/?{query}")
    compared(page)
    expected = "slate" if scheme == "dark" else "default"
    assert page.evaluate("() => document.body.dataset.mdColorScheme") == expected
    # Nothing spills sideways out of the page; the table scrolls inside its own region.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    bad = axe_violations(page, axe_source)
    page.goto(browser_site.url + "partners/?sort=name")
    settled(page)
    page.locator("[data-pl-pick]").first.check()
    bad += axe_violations(page, axe_source)
    context.close()
    assert bad == []


def axe_violations(page: Any, axe_source: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{page.url} {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def test_compare_in_a_preview_under_a_prefix_without_directory_urls(page: Any,
                                                                    preview_site: Served,
                                                                    catalog: Catalog) -> None:
    page.goto(preview_site.url + "partners/index.html?sort=name")
    settled(page)
    for entry in catalog.entries[:2]:
        page.get_by_role("checkbox", name=f"Compare {entry.name}", exact=True).check()
    page.locator("[data-pl-tray-link]").click()
    page.wait_for_url(re.compile(r"/artifacts/site/partners/compare/index\.html\?p="))
    assert compared(page) == [e.name for e in catalog.entries[:2]]
    link = page.locator(".pl-compare__table thead a.pl-compare__name").first
    assert link.get_attribute("href") == f"../{catalog.entries[0].slug}/index.html"


def test_on_a_phone_the_tray_leaves_the_first_result_uncovered(browser: Any,
                                                              browser_site: Served) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(browser_site.url + "partners/?q=devops")
    settled(page)
    for i in range(3):
        page.locator("[data-pl-pick]").nth(i).check()
    # The choice is kept: a new visit to the search brings the tray back with three chosen.
    page.goto(browser_site.url + "partners/?q=devops")
    settled(page)
    assert page.locator("[data-pl-tray] .pl-tray__name").count() == 3
    page.wait_for_timeout(100)
    seen = page.evaluate("""() => {
      const card = document.querySelector('.pl-card');
      const box = card.querySelector('[data-pl-pick]');
      const tray = document.querySelector('[data-pl-tray]').getBoundingClientRect();
      const c = card.getBoundingClientRect();
      const b = box.getBoundingClientRect();
      const at = (r) => document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return {cardTop: c.top, boxBottom: b.bottom, trayTop: tray.top, cardBottom: c.bottom,
              centre: card.contains(at(c)), box: at(b) === box};
    }""")
    assert 0 <= seen["cardTop"] < 844
    assert seen["boxBottom"] <= 844
    assert seen["trayTop"] >= seen["cardBottom"]
    assert seen["centre"] and seen["box"]
    # Once the visitor scrolls into the results, the tray stays in sight at the bottom.
    page.locator(".pl-card").nth(6).scroll_into_view_if_needed()
    page.mouse.wheel(0, 600)
    page.wait_for_function("() => { const r = document.querySelector('[data-pl-tray]')"
                           ".getBoundingClientRect(); return r.bottom <= 845 && r.top > 0; }")
    context.close()
