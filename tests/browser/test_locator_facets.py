"""The locator's facet data in a real browser: counts after ticking facets agree with the
catalog, and a view fetches only the facet files it needs."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest

from generator.catalog import Catalog
from generator.facets import compute_facets, facet_registry, filter_entries
from generator.load import load_folder
from generator.site.locator_index import DATA_DIR, tokens
from tests.browser.conftest import Served
from tests.browser.test_locator import counts, expect_status, text_matches

pytestmark = [pytest.mark.browser, pytest.mark.slow]
AS_OF = date(2026, 11, 28)
FACETS = ("badge", "tier", "service", "region", "country", "language", "industry")


@pytest.fixture(scope="module")
def catalog(browser_site: Served) -> Catalog:
    return Catalog.build(load_folder(browser_site.folder.parent / "project" / "partners"), AS_OF)


@pytest.fixture(scope="module")
def index(browser_site: Served) -> dict[str, Any]:
    found = list((browser_site.folder / DATA_DIR).glob("index-*.json"))
    assert len(found) == 1
    data = json.loads(found[0].read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def facet_files(index: dict[str, Any], kind: str, picks: dict[str, list[str]]) -> set[str]:
    """The names of the ``kind`` files ("sets" or "rows") of the values ``picks``."""
    by_name = {f["name"]: f for f in index["facets"]}
    return {by_name[facet][kind][by_name[facet]["values"].index(value)]
            for facet, values in picks.items() for value in values}


def assert_counts(page: Any, expected: dict[str, dict[str, int]]) -> None:
    """Every facet's counts as shown; a value the catalog counts nowhere in the view shows 0
    (the catalog leaves out such values of facets without a fixed list)."""
    for name in FACETS:
        shown = counts(page, name)
        assert set(expected[name]) <= set(shown), name
        assert shown == {v: expected[name].get(v, 0) for v in shown}, name


def data_requests(page: Any) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(
        urlsplit(request.url).path.rsplit("/", 1)[-1]
        if f"/{DATA_DIR}" in urlsplit(request.url).path else ""))
    return seen


def facet_requests(seen: list[str]) -> set[str]:
    return {name for name in seen if name.startswith(("set-", "rows-", "award-"))}


@pytest.mark.parametrize("selection", [
    {"service": ["migration", "integration"]},
    {"service": ["migration", "integration"], "region": ["emea"]},
    {"badge": ["psp", "tsp"], "tier": ["select"], "country": ["DE", "CA", "AU"]},
    {"language": ["en", "es"], "industry": ["healthcare", "retail"], "region": ["amer"]},
    {"tier": ["distribution"], "badge": ["psp"], "service": ["assessment"]},
])
def test_counts_after_ticking_facets_are_the_catalogs(page: Any, browser_site: Served,
                                                      catalog: Catalog,
                                                      selection: dict[str, list[str]]) -> None:
    facets = facet_registry(catalog.program)
    page.goto(browser_site.url + "partners/")
    ticked: dict[str, list[str]] = {}
    for facet, values in selection.items():
        for value in values:
            page.check(f"input[name={facet}][value='{value}']")
            ticked.setdefault(facet, []).append(value)
            expected = filter_entries(facets, catalog.entries, ticked)
            expect_status(page, len(expected))
            results = {r.name: {v.value: v.count for v in r.values}
                       for r in compute_facets(facets, catalog.entries, ticked)}
            assert_counts(page, results)
    shown = page.locator(".pl-card__name").all_inner_texts()
    assert shown == [e.name for e in expected][:24]


def test_unticking_every_facet_brings_back_the_pages_own_counts(
        page: Any, browser_site: Served, catalog: Catalog) -> None:
    page.goto(browser_site.url + "partners/")
    before = {name: counts(page, name) for name in FACETS}
    page.check("input[name=region][value=apac]")
    expect_status(page, len(filter_entries(facet_registry(catalog.program), catalog.entries,
                                           {"region": ["apac"]})))
    assert counts(page, "tier") != before["tier"]
    page.uncheck("input[name=region][value=apac]")
    expect_status(page, len(catalog.entries))
    assert {name: counts(page, name) for name in FACETS} == before


def test_a_filtered_view_fetches_only_the_facet_files_it_needs(
        page: Any, browser_site: Served, catalog: Catalog, index: dict[str, Any]) -> None:
    """Fewest partners hold the badge, then work in the region, then offer the service. The
    badge's rows hold the view and every count but the badge's own; those come from the
    region's rows, the next fewest partners (fewer than the badge's values together or all
    partners). Nothing of the service, the other values, all partners or award ages is
    fetched, and no term shard."""
    totals = {f["name"]: dict(zip(f["values"], f["totals"], strict=True))
              for f in index["facets"]}
    badge, region, service = (totals["badge"]["tsp"], totals["region"]["emea"],
                              totals["service"]["migration"])
    assert badge < region < service
    assert region < min(sum(totals["badge"].values()), index["count"])
    seen = data_requests(page)
    selection = {"badge": ["tsp"], "service": ["migration"], "region": ["emea"]}
    page.goto(browser_site.url + "partners/?badge=tsp&service=migration&region=emea")
    facets = facet_registry(catalog.program)
    expect_status(page, len(filter_entries(facets, catalog.entries, selection)))
    results = {r.name: {v.value: v.count for v in r.values}
               for r in compute_facets(facets, catalog.entries, selection)}
    assert_counts(page, results)
    needed = {"badge": ["tsp"], "region": ["emea"]}
    assert facet_requests(seen) == (facet_files(index, "sets", needed)
                                    | facet_files(index, "rows", needed))
    assert index["rows"] not in seen
    assert not {n for n in seen if n.startswith("terms-")}


def test_one_ticked_value_fetches_its_own_files_only(
        page: Any, browser_site: Served, catalog: Catalog, index: dict[str, Any]) -> None:
    """With one facet ticked, its own counts are the page's: only the value's rows and set."""
    seen = data_requests(page)
    page.goto(browser_site.url + "partners/")
    tier = counts(page, "tier")
    page.check("input[name=tier][value=select]")
    selection = {"tier": ["select"]}
    facets = facet_registry(catalog.program)
    expect_status(page, len(filter_entries(facets, catalog.entries, selection)))
    assert counts(page, "tier") == tier
    assert facet_requests(seen) == (facet_files(index, "sets", selection)
                                    | facet_files(index, "rows", selection))


def test_award_ages_are_fetched_for_the_recent_order_only(
        page: Any, browser_site: Served, catalog: Catalog, index: dict[str, Any]) -> None:
    seen = data_requests(page)
    page.goto(browser_site.url + "partners/?tier=open")
    expect_status(page, len(filter_entries(facet_registry(catalog.program), catalog.entries,
                                           {"tier": ["open"]})))
    assert index["award"] not in seen
    page.select_option("#pl-sort", "recent")
    page.wait_for_function("() => location.search.includes('sort=recent')")
    expect_status(page, len(filter_entries(facet_registry(catalog.program), catalog.entries,
                                           {"tier": ["open"]})))
    assert index["award"] in seen
    names = page.locator(".pl-card__name").all_inner_texts()
    assert names == [e.name for e in catalog.recently_awarded()
                     if e.tier is not None and e.tier.id == "open"][: len(names)]


def label_words(catalog: Catalog) -> set[str]:
    facets = facet_registry(catalog.program)
    words = {t for r in compute_facets(facets, catalog.entries) for v in r.values
             for t in tokens(v.label)}
    return words | {t for b in catalog.program.badges for t in tokens(b.abbreviation)}


def test_a_search_counts_from_the_rows_of_the_term_shards_it_reads(
        page: Any, browser_site: Served, catalog: Catalog, index: dict[str, Any]) -> None:
    """A search's counts need the facet values of the partners its words can find: the rows
    of the shards it reads, while those find at most half the partners; beyond that, the
    rows of all partners, which serve every later search too."""
    count = index["count"]
    labels = label_words(catalog)
    # A word of the group that finds the fewest partners and that no facet label starts.
    groups = index["termRows"]
    words = [line.split("\t")[0] for name in index["terms"].values()
             for line in (browser_site.folder / DATA_DIR / name).read_text(
                 encoding="utf-8").splitlines()]

    def plain_words(key: str) -> list[str]:
        return [w for w in words
                if len(w) > 3 and w.startswith(key) and not any(t.startswith(w) for t in labels)
                and [k for k in groups if w.startswith(k) or k.startswith(w)] == [key]]

    key = min((k for k in groups if plain_words(k)), key=lambda k: groups[k][2])
    word = plain_words(key)[0]
    set_file, rows_file, found = groups[key]
    assert 0 < found <= count / 2
    seen = data_requests(page)
    page.goto(browser_site.url + f"partners/?q={word}")
    facets = facet_registry(catalog.program)
    matched = text_matches(catalog, word)
    expect_status(page, len(matched))
    assert_counts(page, {r.name: {v.value: v.count for v in r.values if v.count}
                         for r in compute_facets(facets, matched)})
    assert facet_requests(seen) == {set_file, rows_file}
    # "c" reads shards that find more than half the partners: all partners' rows instead.
    wide = [k for k in groups if k.startswith("c")]
    assert sum(index["termRows"][k][2] for k in wide) > count / 2
    page.fill("#pl-q", "c")
    matched = text_matches(catalog, "c")
    expect_status(page, len(matched))
    assert_counts(page, {r.name: {v.value: v.count for v in r.values if v.count}
                         for r in compute_facets(facets, matched)})
    assert {n for n in facet_requests(seen) if n.startswith("rows-")} == {rows_file,
                                                                          index["rows"]}
