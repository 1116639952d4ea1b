"""The locator page, result cards and the directory (generator/site/listings.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.catalog import Catalog
from generator.facets import compute_facets, facet_registry
from generator.load import load_folder
from generator.site.common import SiteOptions
from generator.site.listings import (
    BADGES_PAGE,
    browse_lists,
    card_context,
    directory_pages,
    locator_page,
    tier_text,
)
from generator.site.locator_index import build_locator_index, snippet
from generator.site.urls import UrlStyle

PARTNERS = Path(__file__).resolve().parents[2] / "partners"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.build(load_folder(PARTNERS), date(2026, 11, 28))


def test_a_card_links_to_the_profile_and_names_tier_and_place(catalog: Catalog) -> None:
    elbe = next(e for e in catalog.entries if e.slug == "elbe-devops")
    card = card_context(elbe, catalog.program, "partners/index.md", UrlStyle(True))
    assert card["url"] == "elbe-devops/"
    assert card["logo"] == "../logos/elbe-devops.svg"
    assert card["initials"] == "ED"
    assert card["meta"] == "Select tier · Hamburg, Germany and 3 more offices"
    assert [b["abbreviation"] for b in card["badges"]] == ["PSP", "TSP"]
    assert card["summary"].startswith("Hamburg-based consultancy for industrial and telecom")
    assert card["summary"].endswith("\u2026") and len(card["summary"]) <= 121


def test_tier_names_read_as_tiers() -> None:
    assert tier_text("Open") == "Open tier"
    assert tier_text("Select") == "Select tier"
    assert tier_text("Partner tier") == "Partner tier"


VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                  "wbr"})


@dataclass
class Node:
    """An element of a parsed page: enough of a DOM to check structure and text."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def words(self) -> str:
        return " ".join(self.text().split())

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def all(self, test: Callable[[Node], bool]) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if test(child):
                    found.append(child)
                found.extend(child.all(test))
        return found

    def one(self, test: Callable[[Node], bool]) -> Node:
        found = self.all(test)
        assert len(found) == 1, found
        return found[0]

    def inside(self, test: Callable[[Node], bool]) -> bool:
        node = self.parent
        while node is not None:
            if test(node):
                return True
            node = node.parent
        return False


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.at = Node("#root", {})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.at)
        self.at.children.append(node)
        if tag not in VOID:
            self.at = node

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.at
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.at = node.parent

    def handle_data(self, data: str) -> None:
        self.at.children.append(data)


def parse(html: str) -> Node:
    tree = _Tree()
    tree.feed(html)
    return tree.root


def cls(name: str) -> Callable[[Node], bool]:
    return lambda node: name in node.classes()


def tag(name: str, **attrs: str) -> Callable[[Node], bool]:
    return lambda node: node.tag == name and all(
        node.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())


def has(attr: str) -> Callable[[Node], bool]:
    return lambda node: attr in node.attrs


def locator_html(catalog: Catalog, *, directory_urls: bool = True,
                 per_page: int = 24) -> Node:
    facets = facet_registry(catalog.program)
    results = compute_facets(facets, catalog.entries)
    page = locator_page(catalog, results, groups=browse_lists(catalog, facets),
                        urls=UrlStyle(directory_urls),
                        options=SiteOptions(directory_urls=directory_urls,
                                            results_per_page=per_page),
                        index=build_locator_index(catalog, facets, results))
    return parse(str(page.body))


def test_controls_that_need_the_script_are_marked_and_plain_links_stand_in(
        catalog: Catalog) -> None:
    html = locator_html(catalog)
    js_only = [(n.tag, n.attrs.get("id", ""), sorted(n.classes()))
               for n in html.all(cls("pl-js-only"))]
    assert js_only == [
        ("div", "", ["pl-js-only", "pl-search__row"]),
        ("div", "", ["pl-js-only", "pl-tools"]),
        ("div", "pl-facets", ["pl-facets", "pl-js-only"]),
        ("ul", "", ["pl-chips", "pl-js-only"]),
        ("button", "", ["pl-button", "pl-js-only"]),
    ]
    controls = html.all(lambda n: n.tag in ("input", "select", "button"))
    assert len(controls) > 10
    for control in controls:
        assert "pl-js-only" in control.classes() or control.inside(cls("pl-js-only")), control.attrs
    notice = html.one(tag("noscript"))
    assert notice.words() == ("Search and filters need JavaScript. Without it, browse every "
                              "partner by letter, badge, tier, service or region.")
    assert notice.one(tag("a")).attrs["href"] == "#pl-browse-heading"
    assert html.one(tag("h2", id="pl-browse-heading")).text() == "Browse every partner"


def test_the_filters_are_behind_a_disclosure_button(catalog: Catalog) -> None:
    html = locator_html(catalog)
    button = html.one(has("data-pl-toggle"))
    assert (button.tag, button.words(), button.attrs["type"]) == ("button", "Filters", "button")
    assert button.attrs["aria-expanded"] == "false"
    panel = html.one(tag("div", id=button.attrs["aria-controls"]))
    assert "data-pl-facets" in panel.attrs
    assert len(panel.all(tag("fieldset"))) == 7
    # The button comes before the filters it opens, and both before the results.
    order = html.all(lambda n: n.attrs.get("id") == "pl-q" or any(
        a in n.attrs for a in ("data-pl-toggle", "data-pl-facets", "data-pl-chips",
                               "data-pl-results")))
    assert [n.tag for n in order] == ["input", "button", "div", "ul", "ol"]


def test_the_first_load_offers_more_and_sorts_by_name(catalog: Catalog) -> None:
    html = locator_html(catalog)
    more = html.one(has("data-pl-more-button"))
    assert more.text() == "Show more partners"
    assert "hidden" not in more.attrs
    assert html.one(has("data-pl-status")).text() == (
        f"{len(catalog.entries)} partners, showing the first 24.")
    options = html.all(tag("option"))
    assert [(o.attrs["value"], o.text(), "selected" in o.attrs) for o in options] == [
        ("", "Best match", False), ("name", "Name", True),
        ("recent", "Most recently awarded", False)]
    assert "disabled" in options[0].attrs and "hidden" in options[0].attrs
    everyone = locator_html(catalog, per_page=len(catalog.entries))
    assert "hidden" in everyone.one(has("data-pl-more-button")).attrs


@pytest.mark.parametrize(("directory_urls", "href"), [(True, "../handbook/badges/"),
                                                      (False, "../handbook/badges.html")])
def test_the_badge_filter_links_to_what_the_badges_mean(catalog: Catalog, directory_urls: bool,
                                                        href: str) -> None:
    html = locator_html(catalog, directory_urls=directory_urls)
    badge = html.one(tag("fieldset", data_facet="badge"))
    link = badge.one(cls("pl-facet__help")).one(tag("a"))
    assert (link.text(), link.attrs["href"]) == ("What the badges mean", href)
    assert (PARTNERS.parent / "docs" / BADGES_PAGE).is_file()


def test_cards_carry_a_summary_line(catalog: Catalog) -> None:
    html = locator_html(catalog)
    first = html.all(cls("pl-card"))[0]
    entry = catalog.entries[0]
    assert first.one(cls("pl-card__name")).text() == entry.name
    assert first.one(cls("pl-card__summary")).text() == snippet(entry.partner.summary)
    assert first.one(cls("pl-card__meta")).text().startswith(
        f"{tier_text(entry.tier.name) if entry.tier else 'No current tier'} \u00b7 ")


def test_every_partner_is_in_exactly_one_letter_list(catalog: Catalog) -> None:
    groups = dict(browse_lists(catalog, facet_registry(catalog.program)))
    by_name = groups["By name"]
    slugs = [e.slug for b in by_name for e in b.entries]
    assert sorted(slugs) == sorted(e.slug for e in catalog.entries)
    assert len(set(slugs)) == len(slugs)


def test_long_lists_are_split_into_numbered_pages(catalog: Catalog) -> None:
    groups = browse_lists(catalog, facet_registry(catalog.program))
    pages = list(directory_pages(catalog, groups, UrlStyle(True), SiteOptions(browse_page_size=5)))
    psp = [p for p in pages if p.src_uri.startswith("browse/badge/psp/")]
    holders = sum(1 for e in catalog.entries if "psp" in e.held_ids)
    assert len(psp) == -(-holders // 5)
    assert psp[1].title.endswith("(page 2)")
