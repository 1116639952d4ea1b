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
