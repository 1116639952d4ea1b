"""Profiles and directory pages in a real browser: layout on a phone and a laptop, in both
colour schemes, the placeholder logo as pixels, and axe-core's findings."""

from __future__ import annotations

import re
import struct
import zlib
from typing import Any

import pytest

from tests.browser.conftest import Served
from tests.site.helpers import HOSTILE_SLUG

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = {"phone": (390, 844), "laptop": (1280, 900)}
INDIGO = (0x39, 0x49, 0xAB)


def open_page(browser: Any, url: str, *, width: str, scheme: str) -> tuple[Any, Any]:
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, color_scheme=scheme)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(url)
    expected = "slate" if scheme == "dark" else "default"
    assert tab.evaluate("() => document.body.dataset.mdColorScheme") == expected
    assert errors == []
    return context, tab


def pixels(png: bytes) -> tuple[int, int, list[list[tuple[int, int, int]]]]:
    """Width, height and RGB rows of an 8-bit RGB or RGBA PNG, as Chromium writes them."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, data, width, height, channels = 8, b"", 0, 0, 4
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            data += body
        pos += 12 + length
    raw, stride, rows = zlib.decompress(data), width * channels, []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b, c = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, channels)])
        previous = line
    return width, height, rows  # type: ignore[return-value]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["phone", "laptop"])
def test_the_summary_box_and_its_calls_to_action_are_on_the_first_screen(
        browser: Any, browser_site: Served, width: str, scheme: str) -> None:
    context, tab = open_page(browser, browser_site.url + "partners/elbe-devops/", width=width,
                             scheme=scheme)
    try:
        for name in ("Visit website of Elbe DevOps GmbH (opens in a new tab)",
                     "Email kontakt@elbe-devops.example"):
            action = tab.get_by_role("link", name=name).bounding_box()
            assert action is not None and action["y"] + action["height"] <= WIDTHS[width][1]
        call = tab.get_by_role("link", name="Call +49 40 5550 1234")
        assert call.get_attribute("href") == "tel:+494055501234"
        assert tab.get_by_role("link", name="Email kontakt@elbe-devops.example").is_visible()
        logo = tab.locator("img.pl-profile__logo").bounding_box()
        size = 64 if width == "phone" else 96  # smaller beside the name on a phone
        assert logo is not None and (round(logo["width"]), round(logo["height"])) == (size, size)
        # Nothing of the page is wider than the screen.
        assert tab.evaluate("() => document.documentElement.scrollWidth") <= WIDTHS[width][0]
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_placeholder_logo_shows_white_initials_on_indigo(browser: Any, browser_site: Served,
                                                              scheme: str) -> None:
    context, tab = open_page(browser, browser_site.url + "partners/oresund-devops/",
                             width="laptop", scheme=scheme)
    try:
        placeholder = tab.locator(".pl-profile__initials")
        assert placeholder.inner_text() == "ØD"
        width, height, rows = pixels(placeholder.screenshot())
        assert abs(width - 96) <= 1 and abs(height - 96) <= 1  # the logo's size, to a pixel
        colours = [p for row in rows for p in row]
        indigo = sum(1 for p in colours if all(abs(a - b) <= 8 for a, b in zip(p, INDIGO,
                                                                                  strict=True)))
        white = sum(1 for p in colours if min(p) >= 240)
        assert indigo > 0.6 * len(colours)  # the tile itself
        assert white > 0.03 * len(colours)  # the letters on it
    finally:
        context.close()


def test_browse_letters_lie_in_rows_not_one_column(browser: Any, browser_site: Served) -> None:
    context, tab = open_page(browser, browser_site.url + "browse/", width="phone", scheme="light")
    try:
        tops = tab.locator(".pl-browse__links").first.locator("li").evaluate_all(
            "items => items.map(i => Math.round(i.getBoundingClientRect().top))")
        assert len(tops) > 10
        assert len(set(tops)) <= len(tops) // 4  # several letters share each line
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["phone", "laptop"])
@pytest.mark.parametrize("path", ["partners/elbe-devops/", "partners/oresund-devops/",
                                  f"partners/{HOSTILE_SLUG}/", "browse/", "browse/letter/o/"])
def test_no_serious_accessibility_findings_on_profiles_and_lists(
        browser: Any, browser_site: Served, axe_source: str, *, path: str, width: str,
        scheme: str) -> None:
    context, tab = open_page(browser, browser_site.url + path, width=width, scheme=scheme)
    try:
        tab.add_script_tag(content=axe_source)
        result = tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert bad == []
    finally:
        context.close()


def test_api_field_names_never_break_inside_a_name_on_a_phone(browser: Any,
                                                               browser_site: Served) -> None:
    context, tab = open_page(browser, browser_site.url + "api/", width="phone", scheme="light")
    try:
        lines = tab.locator("table td:first-child code").evaluate_all(
            "codes => codes.map(c => [c.textContent, c.getClientRects().length])")
        assert len(lines) > 15
        assert [name for name, count in lines if count != 1] == []
        download = tab.get_by_role("link", name="Download partners.json")
        assert download.get_attribute("download") is not None
    finally:
        context.close()


def header_outline(tab: Any) -> list[str]:
    """Every element of the page's header, as tag, classes and the names a reader meets (the
    logo's picture, an inline icon or the light shell's image of it, is one "logo" entry:
    both are drawn the same)."""
    outline: list[str] = tab.evaluate("""() => [...document.querySelectorAll('.md-header *')]
        .filter(e => !e.closest('[data-md-component=header-topic]'))
        .filter(e => !(e.closest('.md-logo') && e.parentElement.closest('.md-logo')
                       && e.parentElement !== e.closest('.md-logo')))
        .map(e => e.parentElement.classList.contains('md-logo') ? 'logo' :
             [e.tagName, e.className.baseVal ?? e.className, e.getAttribute('title'),
              e.getAttribute('aria-label'), e.getAttribute('for'), e.id, e.hidden].join('|'))""")
    return outline


def material_config(tab: Any) -> Any:
    """Material's configuration as its bundle reads it, with addresses made absolute."""
    return tab.evaluate("""() => {
        const config = JSON.parse(document.querySelector('#__config').textContent);
        config.base = new URL(config.base, location).href;
        config.search = new URL(config.search, location).href;
        return config;
    }""")


@pytest.mark.parametrize("path", ["partners/elbe-devops/", "browse/letter/o/"])
def test_the_light_shell_header_is_the_full_header_once_loaded(
        browser: Any, browser_site: Served, path: str) -> None:
    context, full = open_page(browser, browser_site.url + "handbook/badges/", width="laptop",
                              scheme="light")
    try:
        light = context.new_page()
        light.goto(browser_site.url + path)
        assert header_outline(light) == header_outline(full)
        assert material_config(light) == material_config(full)
        assert "md-nav__item--nested" not in light.content()
    finally:
        context.close()


def test_the_palette_toggle_of_a_profile_switches_and_is_remembered(browser: Any,
                                                                     browser_site: Served) -> None:
    context, tab = open_page(browser, browser_site.url + "partners/elbe-devops/",
                             width="laptop", scheme="light")
    try:
        # The toggle cycles: following the system, light, dark (its labels' titles become
        # Material's tooltips once it has run, so they are found by the option they choose).
        tab.locator("label[for=__palette_1]").click()
        tab.locator("label[for=__palette_2]").click()
        tab.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
        tab.goto(browser_site.url + "browse/letter/o/")
        assert tab.evaluate("() => document.body.dataset.mdColorScheme") == "slate"
        assert tab.locator("label[for=__palette_0]").is_visible()
        # Kept where Material keeps it: a handbook page, with Material's own storage helpers,
        # reads the choice made on a profile.
        tab.goto(browser_site.url + "handbook/badges/")
        assert tab.evaluate("() => document.body.dataset.mdColorScheme") == "slate"
    finally:
        context.close()


def test_a_profile_has_materials_back_to_top_button(browser: Any, browser_site: Served) -> None:
    from playwright.sync_api import expect

    context, tab = open_page(browser, browser_site.url + "partners/elbe-devops/", width="phone",
                             scheme="light")
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        top = tab.locator("[data-md-component=top]")
        hidden = "() => document.querySelector('[data-md-component=top]').hidden"
        assert tab.evaluate(hidden) is True
        assert tab.locator("[data-md-component=dialog]").count() == 1
        # As on every Material page: shown when scrolling back up, and it goes to the top.
        tab.mouse.wheel(0, 2400)
        tab.wait_for_function("() => scrollY > 1500")
        tab.mouse.wheel(0, -200)
        tab.wait_for_function(f"() => !({hidden})()")
        expect(top).to_have_text(re.compile(r"Back to top"))
        top.click()
        tab.wait_for_function("() => scrollY === 0")
        assert errors == []
    finally:
        context.close()


def test_the_header_search_of_a_profile_finds_partners(browser: Any, browser_site: Served) -> None:
    from playwright.sync_api import expect

    context, tab = open_page(browser, browser_site.url + "partners/oresund-devops/",
                             width="laptop", scheme="light")
    try:
        tab.locator(".md-search__input").click()
        tab.keyboard.type("Elbe", delay=30)
        found = tab.locator("[data-pl-header-search]").get_by_role(
            "link", name=re.compile(r"^Elbe DevOps GmbH"))
        expect(found).to_have_attribute("href", browser_site.url + "partners/elbe-devops/")
    finally:
        context.close()


def test_on_a_phone_the_drawer_leads_to_the_handbook_and_the_locator(
        browser: Any, browser_site: Served) -> None:
    from playwright.sync_api import expect

    context, tab = open_page(browser, browser_site.url + "partners/elbe-devops/", width="phone",
                             scheme="light")
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        tab.locator("label.md-header__button[for=__drawer]").click()
        drawer = tab.locator(".md-nav--primary")
        expect(drawer.get_by_role("link", name="Handbook")).to_be_visible()
        assert [a.inner_text() for a in drawer.locator(".md-nav__list a").all()] == [
            "Home", "Handbook", "Find a partner", "Maintaining the data", "Reference"]
        # The title shows the logo where a handbook page's drawer shows it, from the header's
        # file, which loads.
        title = drawer.locator("label.md-nav__title")
        assert title.inner_text() == "Partner Locator"
        drawn = tab.evaluate("""() => {
            const title = document.querySelector('.md-nav--primary > .md-nav__title');
            const logo = getComputedStyle(title, '::before');
            return {image: logo.backgroundImage, width: logo.width, top: logo.top};
        }""")
        assert drawn["image"].endswith('/assets/partner-locator/logo.svg")')
        assert (drawn["width"], drawn["top"]) == ("48px", "16px")
        assert tab.request.get(browser_site.url + "assets/partner-locator/logo.svg").ok
        drawer.get_by_role("link", name="Handbook").click()
        tab.wait_for_url(browser_site.url + "handbook/channel-services/")
        # The handbook page has the whole navigation again.
        expect(tab.locator(".md-nav--primary").get_by_role(
            "link", name="Badges and reviews")).to_be_attached()
        tab.goto(browser_site.url + "partners/elbe-devops/")
        tab.locator("label.md-header__button[for=__drawer]").click()
        tab.locator(".md-nav--primary").get_by_role("link", name="Find a partner").click()
        tab.wait_for_url(browser_site.url + "partners/")
        assert errors == []
    finally:
        context.close()


def test_the_light_shell_under_a_prefix_without_directory_urls(browser: Any,
                                                               preview_site: Served) -> None:
    from playwright.sync_api import expect

    context, full = open_page(browser, preview_site.url + "handbook/badges.html",
                              width="laptop", scheme="light")
    try:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.goto(preview_site.url + "partners/oresund-devops/index.html")
        assert header_outline(tab) == header_outline(full)
        assert material_config(tab) == material_config(full)
        tab.locator(".md-search__input").click()
        tab.keyboard.type("Elbe", delay=30)
        found = tab.locator("[data-pl-header-search]").get_by_role(
            "link", name=re.compile(r"^Elbe DevOps GmbH"))
        expect(found).to_have_attribute("href",
                                        preview_site.url + "partners/elbe-devops/index.html")
        assert errors == []
    finally:
        context.close()


def test_without_javascript_a_profile_offers_no_dead_controls(browser: Any,
                                                               browser_site: Served) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(browser_site.url + "partners/elbe-devops/")
        header = tab.locator(".md-header")
        assert header.get_by_text("Partner Locator").is_visible()
        # Search and the colour toggle need the script; without it there is no button for them.
        assert tab.locator("label[for=__search], [data-md-component=palette]").count() == 0
        # The drawer opens without a script, as Material's does, and leads on.
        tab.locator("label.md-header__button[for=__drawer]").click()
        link = tab.locator(".md-nav--primary").get_by_role("link", name="Find a partner")
        link.wait_for(state="visible")
        link.click()
        tab.wait_for_url(browser_site.url + "partners/")
    finally:
        context.close()
