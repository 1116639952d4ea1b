"""The locator in a real browser: search, facets, counts, the URL, history, keyboard, no script,
and accessibility in both colour schemes."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from generator.catalog import Catalog, CatalogEntry
from generator.facets import compute_facets, facet_registry, filter_entries
from generator.load import load_folder
from generator.site.locator_index import STOP_WORDS, tokens
from tests.browser.conftest import Served
from tests.site.helpers import HOSTILE_SLUG

pytestmark = [pytest.mark.browser, pytest.mark.slow]
AS_OF = date(2026, 11, 28)


@pytest.fixture(scope="module")
def catalog(browser_site: Served) -> Catalog:
    return Catalog.build(load_folder(browser_site.folder.parent / "project" / "partners"), AS_OF)


def expect_status(page: Any, count: int) -> None:
    from playwright.sync_api import expect

    words = "No partners match" if count == 0 else rf"{count:,} partners?[.,]"
    expect(page.locator("[data-pl-status]")).to_have_text(re.compile(words))
    expect(page.locator("[data-pl-locator]")).not_to_have_attribute("aria-busy", "true")


def query(page: Any) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(page.url).query)


def counts(page: Any, facet: str) -> dict[str, int]:
    out = {}
    for box in page.locator(f"fieldset[data-facet={facet}] label").all():
        value = box.locator("input").get_attribute("value")
        out[value] = int(box.locator("[data-count]").inner_text().replace(",", ""))
    return out


def test_typing_a_query_shows_matching_partners(page: Any, browser_site: Served,
                                                catalog: Catalog) -> None:
    page.goto(browser_site.url + "partners/")
    target = catalog.entries[len(catalog.entries) // 2]
    word = max(target.name.split(), key=len)
    page.locator("#pl-q").press_sequentially(word, delay=20)
    page.wait_for_function(
        "q => new URLSearchParams(location.search).get('q') === q", arg=word)
    expect_status_any(page)
    names = page.locator(".pl-card__name").all_inner_texts()
    assert target.name in names
    assert ("q", word) in query(page)


def expect_status_any(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.locator("[data-pl-locator]")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("[data-pl-status]")).to_have_text(re.compile(r"partner|match"))


def test_facets_combine_or_within_and_across_with_counts(page: Any, browser_site: Served,
                                                         catalog: Catalog) -> None:
    facets = facet_registry(catalog.program)
    page.goto(browser_site.url + "partners/")
    page.check("input[name=service][value=migration]")
    page.check("input[name=service][value=integration]")
    selection: dict[str, list[str]] = {"service": ["migration", "integration"]}
    expect_status(page, len(filter_entries(facets, catalog.entries, selection)))
    page.check("input[name=region][value=emea]")
    selection["region"] = ["emea"]
    expected = filter_entries(facets, catalog.entries, selection)
    assert 0 < len(expected) < len(catalog.entries)
    expect_status(page, len(expected))
    assert query(page) == [("service", "migration"), ("service", "integration"),
                           ("region", "emea")]
    shown = page.locator(".pl-card__name").all_inner_texts()
    assert sorted(shown) == sorted(e.name for e in expected)[: len(shown)] or set(shown) <= {
        e.name for e in expected}
    results = {r.name: {v.value: v.count for v in r.values}
               for r in compute_facets(facets, catalog.entries, selection)}
    for facet in ("badge", "tier", "service", "region", "industry"):
        assert counts(page, facet) == results[facet], facet


def text_matches(catalog: Catalog, q: str) -> list[CatalogEntry]:
    """What the locator's search should find: every word of ``q`` starts a word of the
    partner's name, summary, cities or facet labels (a stop word only as the last word)."""
    facets = facet_registry(catalog.program)
    labels = {(r.name, v.value): tokens(v.label)
              for r in compute_facets(facets, catalog.entries) for v in r.values}
    for badge in catalog.program.badges:
        labels["badge", badge.id] += tokens(badge.abbreviation)
    words = tokens(q)
    words = [w for i, w in enumerate(words) if w not in STOP_WORDS or i == len(words) - 1]
    found = []
    for entry in catalog.entries:
        other = " ".join((entry.partner.summary, *(o.city for o in entry.offices)))
        own = set(tokens(entry.name)) | {t for t in tokens(other) if t not in STOP_WORDS}
        for facet in facets:
            for value in facet.values_of(entry):
                own.update(labels[facet.name, value])
        if all(any(t.startswith(w) for t in own) for w in words):
            found.append(entry)
    return found


@pytest.mark.parametrize(("q", "selection"), [
    ("cloud", {"region": ["emea", "apac"]}),
    ("devops consult", {}),
    ("migration", {"badge": ["psp"]}),
    ("Bogotá", {}),
])
def test_search_words_and_facets_combine_with_counts(page: Any, browser_site: Served,
                                                     catalog: Catalog, q: str,
                                                     selection: dict[str, list[str]]) -> None:
    facets = facet_registry(catalog.program)
    matched = text_matches(catalog, q)
    expected = filter_entries(facets, matched, selection)
    assert expected or not selection
    params = [("q", q)] + [(k, v) for k, vs in selection.items() for v in vs]
    page.goto(browser_site.url + "partners/?" + "&".join(f"{k}={v}" for k, v in params))
    expect_status(page, len(expected))
    names = page.locator(".pl-card__name").all_inner_texts()
    assert set(names) <= {e.name for e in expected}
    assert len(names) == min(24, len(expected))
    # Counted over the matches only, values no match has are left out; the page shows 0.
    results = {r.name: {v.value: v.count for v in r.values if v.count}
               for r in compute_facets(facets, matched, selection)}
    for facet in ("badge", "tier", "service", "region", "country", "language", "industry"):
        shown = {value: n for value, n in counts(page, facet).items() if n}
        assert shown == results[facet], facet


def test_accents_and_letter_case_do_not_matter(page: Any, browser_site: Served,
                                               catalog: Catalog) -> None:
    page.goto(browser_site.url + "partners/")
    for typed, name in (("lumiere", "Lumière DevOps SAS"), ("ORESUND", "Øresund DevOps ApS"),
                        ("Rio bravo", "Río Bravo DevSecOps")):
        assert any(e.name == name for e in catalog.entries)
        page.fill("#pl-q", typed)
        page.wait_for_function("q => new URLSearchParams(location.search).get('q') === q",
                               arg=typed)
        expect_status_any(page)
        names = page.locator(".pl-card__name").all_inner_texts()
        assert names[0] == name, typed


def test_best_match_puts_name_matches_first(page: Any, browser_site: Served,
                                            catalog: Catalog) -> None:
    page.goto(browser_site.url + "partners/?q=academy")
    expect_status_any(page)
    names = page.locator(".pl-card__name").all_inner_texts()
    in_name = [e.name for e in catalog.entries if "academy" in tokens(e.name)]
    assert len(in_name) >= 2
    assert names[: len(in_name)] == in_name


def test_show_more_adds_the_next_partners(page: Any, browser_site: Served,
                                          catalog: Catalog) -> None:
    page.goto(browser_site.url + "partners/?sort=name")
    expect_status(page, len(catalog.entries))
    page.get_by_role("button", name="Show more partners").click()
    expected = [e.name for e in catalog.entries][:48]
    from playwright.sync_api import expect

    expect(page.locator(".pl-card")).to_have_count(len(expected))
    assert page.locator(".pl-card__name").all_inner_texts() == expected
    first_new = page.locator(".pl-card").nth(24)
    html = first_new.inner_html()
    assert "pl-card__meta" in html and "pl-card__services" in html
    # Every partner is shown now: the button goes away and stays gone.
    expect(page.get_by_role("button", name="Show more partners")).to_be_hidden()


def test_show_more_by_keyboard_moves_focus_to_the_first_new_partner(
        page: Any, browser_site: Served, catalog: Catalog) -> None:
    from playwright.sync_api import expect

    page.goto(browser_site.url + "partners/?sort=name")
    expect_status(page, len(catalog.entries))
    page.get_by_role("button", name="Show more partners").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".pl-card")).to_have_count(len(catalog.entries))
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == catalog.entries[24].name


def test_no_show_more_button_when_every_result_is_on_screen(page: Any,
                                                            browser_site: Served) -> None:
    from playwright.sync_api import expect

    page.goto(browser_site.url + "partners/?region=apac&q=training")
    expect_status_any(page)
    assert 0 < page.locator(".pl-card").count() < 24
    expect(page.get_by_role("button", name="Show more partners")).to_be_hidden()


CARDS = """() => [...document.querySelectorAll('[data-pl-results] .pl-card')].map((card) => [
    ...card.querySelectorAll('*')].map((node) => [
        node.tagName, node.className, node.getAttribute('title'), node.getAttribute('alt'),
        node.href || node.src || null, node.children.length ? null : node.textContent]))"""


def test_script_cards_match_the_server_cards(page: Any, browser_site: Served) -> None:
    page.goto(browser_site.url + "partners/")
    server = page.evaluate(CARDS)
    page.select_option("#pl-sort", "name")
    page.wait_for_function("() => location.search.includes('sort=name')")
    expect_status_any(page)
    script = page.evaluate(CARDS)
    assert len(script) == len(server) == 24
    assert script == server


def test_a_link_reproduces_the_view_and_back_and_forward_work(page: Any, browser_site: Served,
                                                               catalog: Catalog) -> None:
    facets = facet_registry(catalog.program)
    url = browser_site.url + "partners/?badge=psp&tier=select&tier=open&sort=name"
    page.goto(url)
    selection = {"badge": ["psp"], "tier": ["select", "open"]}
    expected = filter_entries(facets, catalog.entries, selection)
    expect_status(page, len(expected))
    assert page.locator("input[name=badge][value=psp]").is_checked()
    assert page.locator("#pl-sort").input_value() == "name"
    names = page.locator(".pl-card__name").all_inner_texts()
    assert names == [e.name for e in expected][: len(names)]
    page.check("input[name=industry][value=technology]")
    narrower = filter_entries(facets, catalog.entries, {**selection, "industry": ["technology"]})
    expect_status(page, len(narrower))
    page.go_back()
    expect_status(page, len(expected))
    assert not page.locator("input[name=industry][value=technology]").is_checked()
    assert ("industry", "technology") not in query(page)
    page.go_forward()
    expect_status(page, len(narrower))
    assert page.locator("input[name=industry][value=technology]").is_checked()


def test_back_to_the_first_entry_keeps_the_page_and_its_cards(page: Any, browser_site: Served,
                                                              catalog: Catalog) -> None:
    loads: list[str] = []
    page.on("request", lambda request: loads.append(request.url)
            if urlsplit(request.url).path == "/partners/" else None)
    page.goto(browser_site.url + "partners/?sort=name")
    page.wait_for_function("() => document.querySelector('[data-pl-locator]')?.dataset.plReady")
    first = page.locator(".pl-card__name").all_inner_texts()
    page.check("input[name=badge][value=psp]")
    expect_status(page, sum("psp" in e.held_ids for e in catalog.entries))
    # From here on, every change to the page is checked: the cards never go missing.
    page.evaluate("""() => {
        window.__plCards = [];
        new MutationObserver(() => {
            window.__plCards.push(document.querySelectorAll('.pl-card').length);
        }).observe(document.documentElement, { childList: true, subtree: true });
    }""")
    page.go_back()
    expect_status(page, len(catalog.entries))
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert page.locator(".pl-card__name").all_inner_texts() == first
    assert not page.locator("input[name=badge][value=psp]").is_checked()
    seen: list[int] = page.evaluate("() => window.__plCards")
    assert seen and 0 not in seen
    # The page itself was loaded once: Back stays within it.
    assert len(loads) == 1, loads


def test_a_link_followed_as_the_results_show_comes_back_to_the_search(
        page: Any, browser_site: Served, catalog: Catalog) -> None:
    target = catalog.entries[len(catalog.entries) // 3]
    word = max(target.name.split(), key=len)
    page.goto(browser_site.url + "partners/")
    page.wait_for_function("() => document.querySelector('[data-pl-locator]')?.dataset.plReady")
    # The first card is followed the moment the results are drawn, before the address of the
    # search would be written by itself.
    page.evaluate("""() => document.addEventListener('pl:results', () => {
        document.querySelector('.pl-card__name a').click();
    }, { once: true })""")
    page.locator("#pl-q").fill(word)
    page.wait_for_url(re.compile(r"/partners/[a-z0-9-]+/$"))
    page.go_back()
    page.wait_for_url(re.compile(r"/partners/\?q="))
    assert query(page) == [("q", word)]
    expect_status_any(page)
    assert page.locator("#pl-q").input_value() == word
    assert target.name in page.locator(".pl-card__name").all_inner_texts()


def test_sort_by_most_recent_award(page: Any, browser_site: Served, catalog: Catalog) -> None:
    page.goto(browser_site.url + "partners/")
    page.select_option("#pl-sort", "recent")
    page.wait_for_function("() => location.search.includes('sort=recent')")
    expect_status(page, len(catalog.entries))
    names = page.locator(".pl-card__name").all_inner_texts()
    assert names == [e.name for e in catalog.recently_awarded()][: len(names)]


def test_keyboard_only_from_the_search_box_to_a_profile(page: Any, browser_site: Served,
                                                        catalog: Catalog) -> None:
    page.goto(browser_site.url + "partners/")
    page.locator("#pl-q").focus()
    target = catalog.entries[-1]
    page.keyboard.type(target.name.split()[0], delay=20)
    expect_status_any(page)
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.closest('.pl-card') !== null"):
            break
    else:
        pytest.fail("no result card link reachable with Tab")
    href = page.evaluate("() => document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/partners/[a-z0-9-]+/$"))
    assert page.url.endswith(href.removeprefix("./"))
    assert page.locator("h1").inner_text()


def test_without_javascript_every_partner_is_a_plain_link_away(browser: Any,
                                                               browser_site: Served,
                                                               catalog: Catalog) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(browser_site.url + "partners/")
    assert page.locator(".pl-card").count() == min(24, len(catalog.entries))
    assert re.search(r"partners", page.locator("[role=status]").inner_text())
    last = catalog.entries[-1]
    page.get_by_role("link", name=last.letter.upper(), exact=True).first.click()
    page.get_by_role("link", name=last.name, exact=True).click()
    assert page.url.endswith(f"/partners/{last.slug}/")
    assert page.locator("h1").inner_text() == last.name
    context.close()


def test_partner_html_is_shown_as_text(page: Any, browser_site: Served,
                                       catalog: Catalog) -> None:
    hostile = next(e for e in catalog.entries if e.slug == HOSTILE_SLUG)
    page.goto(browser_site.url + "partners/?q=quoted")
    expect_status_any(page)
    assert hostile.name in page.locator(".pl-card__name").all_inner_texts()
    page.get_by_role("link", name=hostile.name).click()
    page.wait_for_url(re.compile(HOSTILE_SLUG))
    assert page.locator("h1").inner_text() == hostile.name
    assert hostile.partner.summary.strip() in page.locator(".pl-profile__summary").inner_text()
    assert page.title().startswith(hostile.name)


def test_instant_navigation_mounts_the_locator(page: Any, browser_site: Served) -> None:
    page.goto(browser_site.url + "handbook/channel-services/")
    page.locator("a.md-nav__link[href$='partners/']").first.click()
    page.wait_for_url(re.compile(r"/partners/$"))
    page.wait_for_function("() => document.querySelector('[data-pl-locator]')?.dataset.plReady")
    page.check("input[name=badge][value=tsp]")
    page.wait_for_function("() => location.search === '?badge=tsp'")
    expect_status_any(page)


def test_preview_under_a_prefix_without_directory_urls(page: Any, preview_site: Served) -> None:
    page.goto(preview_site.url + "partners/index.html?service=education")
    expect_status_any(page)
    assert page.locator("input[name=service][value=education]").is_checked()
    first = page.locator(".pl-card__name a").first
    name = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/artifacts/site/partners/[a-z0-9-]+/index\.html$"))
    assert page.locator("h1").inner_text() == name


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["", "handbook/channel-services/", "handbook/badges/",
                                  "partners/", "partners/?badge=psp&q=devops", "PROFILE",
                                  "browse/", "data-format/", "api/", "maintainers/"])
def test_no_serious_accessibility_findings(page: Any, browser_site: Served, *, axe_source: str,
                                           catalog: Catalog, path: str, scheme: str) -> None:
    if path == "PROFILE":
        path = f"partners/{catalog.entries[0].slug}/"
    page.emulate_media(color_scheme=scheme)
    page.goto(browser_site.url + path)
    if path.startswith("partners/?"):
        expect_status_any(page)
    expected = "slate" if scheme == "dark" else "default"
    assert page.evaluate("() => document.body.dataset.mdColorScheme") == expected
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert bad == []


def test_results_count_lives_in_a_status_region(page: Any, browser_site: Served) -> None:
    page.goto(browser_site.url + "partners/")
    status = page.locator("[role=status]")
    assert status.count() == 1


# --- phone first, the filter disclosure, chips -----------------------------------------------

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Any) -> Any:
    """A page at phone size; any script error fails the test."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == []


def box(page: Any, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return dict(found)


def test_on_a_phone_search_count_and_first_results_are_on_the_first_screen(
        phone: Any, browser_site: Served) -> None:
    phone.goto(browser_site.url + "partners/")
    phone.wait_for_function("() => document.querySelector('[data-pl-locator]').dataset.plReady")
    for selector in ("#pl-q", "[data-pl-status]", "[data-pl-toggle]", ".pl-card"):
        assert phone.locator(selector).first.is_visible(), selector
    assert box(phone, "#pl-q")["y"] + box(phone, "#pl-q")["height"] < PHONE["height"]
    assert box(phone, "[data-pl-status]")["y"] < PHONE["height"]
    assert box(phone, ".pl-card")["y"] < PHONE["height"]
    # Filters are folded away; the button says how to open them.
    toggle = phone.locator("[data-pl-toggle]")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert phone.locator("#pl-facets").is_hidden()
    # Typing changes what the first screen shows.
    phone.locator("#pl-q").fill("Elbe")
    expect_status(phone, 1)
    assert box(phone, ".pl-card")["y"] < PHONE["height"]
    assert phone.locator(".pl-card__name").all_inner_texts() == ["Elbe DevOps GmbH"]


def test_wide_screens_open_the_filters_beside_the_results(page: Any,
                                                          browser_site: Served) -> None:
    page.goto(browser_site.url + "partners/")
    page.wait_for_function("() => document.querySelector('[data-pl-locator]').dataset.plReady")
    assert page.locator("[data-pl-toggle]").get_attribute("aria-expanded") == "true"
    facets, results = box(page, "#pl-facets"), box(page, ".pl-results")
    assert facets["x"] + facets["width"] <= results["x"]
    assert abs(facets["y"] - results["y"]) < 2
    page.locator("[data-pl-toggle]").click()
    assert page.locator("#pl-facets").is_hidden()
    # Folded away, the results take the whole width.
    assert box(page, ".pl-results")["x"] < facets["x"] + 5


def test_the_filters_button_works_from_the_keyboard(phone: Any, browser_site: Served) -> None:
    phone.goto(browser_site.url + "partners/")
    phone.wait_for_function("() => document.querySelector('[data-pl-locator]').dataset.plReady")
    toggle = phone.locator("[data-pl-toggle]")
    assert toggle.evaluate("b => b.tagName") == "BUTTON"
    assert toggle.get_attribute("aria-controls") == "pl-facets"
    phone.locator("#pl-q").focus()
    phone.keyboard.press("Tab")
    assert phone.evaluate("() => document.activeElement.dataset.plToggle") == ""
    phone.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert phone.locator("#pl-facets").is_visible()
    # Next in order: the sort menu, then the filters just opened.
    phone.keyboard.press("Tab")
    assert phone.evaluate("() => document.activeElement.id") == "pl-sort"
    phone.keyboard.press("Tab")
    assert phone.evaluate("() => document.activeElement.textContent") == "What the badges mean"
    phone.keyboard.press("Tab")
    assert phone.evaluate("() => [document.activeElement.name, document.activeElement.value]") \
        == ["badge", "psp"]
    phone.keyboard.press("Space")
    expect_status_any(phone)
    assert ("badge", "psp") in query(phone)
    from playwright.sync_api import expect

    expect(toggle).to_have_text("Filters (1)")
    toggle.focus()
    phone.keyboard.press("Space")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert phone.locator("#pl-facets").is_hidden()


def test_chips_show_the_active_filters_and_remove_them(phone: Any, browser_site: Served,
                                                       catalog: Catalog) -> None:
    from playwright.sync_api import expect

    facets = facet_registry(catalog.program)
    phone.goto(browser_site.url + "partners/?service=migration&region=emea&q=devops")
    toggle = phone.locator("[data-pl-toggle]")
    expect(toggle).to_have_text("Filters (2)")
    chips = phone.locator("[data-pl-chips] button")
    expect(chips).to_have_count(2)
    assert chips.all_inner_texts() == [
        "Service: Migration \u00d7", "Region: Europe, Middle East and Africa \u00d7"]
    # The chips sit above the results, on the first screen, with the filters folded away
    # (the chips are drawn before the search's results replace the page's first ones).
    expect(phone.locator(".pl-card").first).to_be_visible()
    assert box(phone, "[data-pl-chips]")["y"] < box(phone, ".pl-card")["y"] < PHONE["height"]
    chips.first.click()
    matched = text_matches(catalog, "devops")
    expected = filter_entries(facets, matched, {"region": ["emea"]})
    expect_status(phone, len(expected))
    expect(phone.locator("[data-pl-status]")).to_have_text(
        re.compile(r"^Removed filter Service: Migration\. "))
    assert query(phone) == [("q", "devops"), ("region", "emea")]
    assert not phone.locator("input[name=service][value=migration]").is_checked()
    expect(toggle).to_have_text("Filters (1)")
    # Focus moves to the chip that is left, then to the Filters button.
    assert phone.evaluate("() => document.activeElement.getAttribute('aria-label')") == \
        "Remove filter Region: Europe, Middle East and Africa"
    phone.keyboard.press("Enter")
    expect(chips).to_have_count(0)
    assert query(phone) == [("q", "devops")]
    assert phone.evaluate("() => document.activeElement.dataset.plToggle") == ""
    expect(toggle).to_have_text("Filters")
    phone.go_back()
    expect(chips).to_have_count(1)


def test_show_more_works_from_the_first_load(page: Any, browser_site: Served,
                                             catalog: Catalog) -> None:
    from playwright.sync_api import expect

    page.goto(browser_site.url + "partners/")
    more = page.get_by_role("button", name="Show more partners")
    expect(more).to_be_visible()
    more.click()
    expect(page.locator(".pl-card")).to_have_count(min(48, len(catalog.entries)))
    assert page.locator(".pl-card__name").all_inner_texts() == [
        e.name for e in catalog.entries][:48]
    assert query(page) == []
    if len(catalog.entries) <= 48:
        expect(more).to_be_hidden()
        expect_status(page, len(catalog.entries))


def test_matched_words_are_marked_as_text(page: Any, browser_site: Served,
                                          catalog: Catalog) -> None:
    page.goto(browser_site.url + "partners/")
    page.locator("#pl-q").press_sequentially("Elbe", delay=20)
    expect_status(page, 1)
    name = page.locator(".pl-card__name a")
    assert name.inner_text() == "Elbe DevOps GmbH"
    assert name.locator("mark").all_inner_texts() == ["Elbe"]
    # The typed start of a word is marked, not the whole word.
    page.fill("#pl-q", "hamb")
    expect_status_any(page)
    marks = page.locator(".pl-card").filter(has_text="Elbe DevOps").locator("mark")
    assert "Hamb" in marks.all_inner_texts()
    # Partner text stays text, whatever it holds, and is marked all the same.
    hostile = next(e for e in catalog.entries if e.slug == HOSTILE_SLUG)
    page.fill("#pl-q", "quoted bold")
    expect_status_any(page)
    card = page.locator(".pl-card").filter(has_text="Quoted")
    assert card.locator(".pl-card__name").inner_text() == hostile.name
    assert card.locator("mark").all_inner_texts() == ["Bold", "Quoted"]
    assert card.locator("script, b, img, em").count() == 0
    assert card.locator(".pl-card__summary").inner_text().startswith("<img src=x")


def test_cards_say_why_a_partner_fits_and_name_the_tier(page: Any, browser_site: Served,
                                                        catalog: Catalog) -> None:
    page.goto(browser_site.url + "partners/?q=elbe")
    expect_status(page, 1)
    card = page.locator(".pl-card").first
    assert card.locator(".pl-card__meta").inner_text() == (
        "Select tier \u00b7 Hamburg, Germany and 3 more offices")
    summary = card.locator(".pl-card__summary").inner_text()
    assert summary.startswith("Hamburg-based consultancy for industrial and telecom")
    # One line of the card, clamped to two on narrow screens, never the whole text.
    assert len(summary) <= 121
    page.goto(browser_site.url + "partners/")
    for meta in page.locator(".pl-card__meta").all_inner_texts():
        assert re.match(r"^(Open tier|Select tier|Distribution tier|No current tier) \u00b7 ",
                        meta), meta


def test_the_sort_menu_says_best_match_only_for_a_search(page: Any,
                                                          browser_site: Served) -> None:
    page.goto(browser_site.url + "partners/")
    page.wait_for_function("() => document.querySelector('[data-pl-locator]').dataset.plReady")
    sort = page.locator("#pl-sort")
    selected = "s => s.options[s.selectedIndex].textContent"
    assert sort.evaluate(selected) == "Name"
    assert sort.locator("option[value='']").is_disabled()
    page.fill("#pl-q", "cloud")
    expect_status_any(page)
    assert sort.evaluate(selected) == "Best match"
    assert not sort.locator("option[value='']").is_disabled()
    # The address follows once the results are on screen; best match is not written into it.
    page.wait_for_function("() => location.search.startsWith('?q=')")
    assert [k for k, _ in query(page)] == ["q"]
    page.fill("#pl-q", "")
    expect_status_any(page)
    assert sort.evaluate(selected) == "Name"


def test_the_badge_filter_explains_the_badges(page: Any, browser_site: Served) -> None:
    page.goto(browser_site.url + "partners/")
    page.locator("fieldset[data-facet=badge]").get_by_role(
        "link", name="What the badges mean").click()
    page.wait_for_url(re.compile(r"/handbook/badges/$"))
    assert page.locator("h1").inner_text().startswith("Badges and reviews")


# --- logos in both schemes -----------------------------------------------------------------

LOGOS = """() => [...document.querySelectorAll('img.pl-card__logo')].map((img) => {
    const style = getComputedStyle(img);
    const box = img.getBoundingClientRect();
    return [box.width, box.height, style.objectFit, style.backgroundColor];
})"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_card_logos_keep_their_proportions(browser: Any, browser_site: Served, scheme: str,
                                           width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(browser_site.url + "partners/")
    # Logos load lazily: the ones on the first screen, loaded, are the ones that once stretched.
    page.wait_for_function("() => [...document.querySelectorAll('img.pl-card__logo')]"
                           ".slice(0, 3).every(i => i.complete && i.naturalWidth > 0)")
    rem = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    logos = page.evaluate(LOGOS)
    assert len(logos) >= 10
    for w, h, fit, background in logos:
        assert (round(w), round(h)) == (round(2.4 * rem), round(2.4 * rem))
        assert fit == "contain"
        assert background == "rgb(255, 255, 255)"
    context.close()


# --- without JavaScript, and the way back --------------------------------------------------

def test_without_javascript_only_working_controls_show(browser: Any, browser_site: Served) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(browser_site.url + "partners/")
    for selector in ("#pl-q", "#pl-sort", "[data-pl-toggle]", "input[type=checkbox]",
                     "[data-pl-more-button]", "[data-pl-chips]", "#pl-facets"):
        assert page.locator(selector).first.is_hidden(), selector
    assert page.locator("form input:visible, form select:visible, form button:visible").count() == 0
    notice = page.locator(".pl-noscript")
    assert notice.is_visible()
    assert notice.inner_text().startswith("Search and filters need JavaScript.")
    # The plain links stand in: by badge, tier, service and region, and the first partners.
    browse = page.locator(".pl-browse")
    for group in ("By name", "By badge", "By tier", "By service", "By region"):
        assert browse.get_by_role("heading", name=group).is_visible()
    notice.get_by_role("link", name="browse every partner").click()
    assert page.url.endswith("#pl-browse-heading")
    page.get_by_role("link", name="Professional Services Partner").click()
    assert "/browse/badge/psp/" in page.url
    context.close()


def test_the_way_back_from_a_profile_keeps_the_view(page: Any, browser_site: Served) -> None:
    page.goto(browser_site.url + "partners/?q=devops&service=migration&sort=name")
    expect_status_any(page)
    page.check("input[name=region][value=emea]")
    expect_status_any(page)
    view = urlsplit(page.url).query
    assert view == "q=devops&sort=name&service=migration&region=emea"
    first = page.locator(".pl-card__name a").first
    name = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/partners/[a-z0-9-]+/$"))
    assert page.locator("h1").inner_text() == name
    back = page.locator("p.pl-crumbs a")
    page.wait_for_function(
        "q => document.querySelector('p.pl-crumbs a').href.endsWith('/partners/?' + q)", arg=view)
    back.click()
    page.wait_for_url(re.compile(r"/partners/\?"))
    assert urlsplit(page.url).query == view
    expect_status_any(page)
    assert page.locator("input[name=region][value=emea]").is_checked()
    assert page.locator("#pl-q").input_value() == "devops"
    # Opened afresh (a new tab has no view to return to), the link is the plain locator.
    fresh = page.context.browser.new_context()
    other = fresh.new_page()
    other.goto(page.url.split("/partners/")[0] + "/partners/elbe-devops/")
    assert other.evaluate("() => document.querySelector('p.pl-crumbs a').href") == (
        page.url.split("/partners/")[0] + "/partners/")
    fresh.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["partners/", "partners/?service=migration&q=cloud"])
def test_no_serious_accessibility_findings_on_a_phone(browser: Any, browser_site: Served,
                                                      axe_source: str, path: str,
                                                      scheme: str) -> None:
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    page.goto(browser_site.url + path)
    expect_status_any(page)
    page.locator("[data-pl-toggle]").click()
    assert page.locator("#pl-facets").is_visible()
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []
    context.close()
