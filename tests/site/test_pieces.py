"""Pieces, kept directory pages and keys that outlive a day (generator/site/pieces.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from markupsafe import Markup

from generator.catalog import Catalog, CatalogEntry, make_entry
from generator.facets import compute_facets, facet_registry
from generator.load import load_folder
from generator.model import Partner, Program
from generator.site import listings
from generator.site import prepare as prepare_module
from generator.site.common import SiteOptions, render
from generator.site.listings import browse_lists, directory_pages
from generator.site.pages import plan_aggregates, plan_site
from generator.site.pieces import PieceCatalog, piece_facets
from generator.site.prepare import entry_of, prepare
from generator.site.store import Store
from generator.site.urls import UrlStyle

PARTNERS = Path(__file__).resolve().parents[2] / "partners"
DAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.build(load_folder(PARTNERS), DAY)


class DictMemo:
    """A ``PageMemo`` in memory that counts what it is asked."""

    def __init__(self) -> None:
        self.bodies: dict[str, str] = {}
        self.hits = 0

    def get(self, key: str) -> str | None:
        body = self.bodies.get(key)
        self.hits += body is not None
        return body

    def put(self, key: str, body: str) -> None:
        self.bodies[key] = body


def _pages(pieces: PieceCatalog, memo: DictMemo | None) -> dict[str, str]:
    groups = browse_lists(pieces, facet_registry(pieces.program))
    return {p.src_uri: str(p.body) for p in directory_pages(
        pieces, groups, UrlStyle(True), SiteOptions(browse_page_size=5), memo)}


def test_the_plan_from_pieces_is_the_plan_from_entries(catalog: Catalog) -> None:
    """What the plugin makes from stored pieces is byte for byte what ``plan_site`` makes
    from the catalog (which ``render`` and the tests of each page use)."""
    options = SiteOptions(directory_urls=True)
    whole = plan_site(catalog, PARTNERS, options, "https://partners.example.com/",
                      per_partner=False)
    pieces = PieceCatalog.of(catalog, UrlStyle(True))
    from_pieces = plan_aggregates(pieces, options, "https://partners.example.com/", DictMemo())
    assert [(p.src_uri, str(p.body)) for p in whole.pages] \
        == [(p.src_uri, str(p.body)) for p in from_pieces.pages]
    assert [(f.path, f.read()) for f in whole.files] \
        == [(f.path, f.read()) for f in from_pieces.files]


def test_piece_facets_count_as_entry_facets(catalog: Catalog) -> None:
    facets = facet_registry(catalog.program)
    pieces = PieceCatalog.of(catalog, UrlStyle(True))
    selection = {"badge": ["psp"], "region": ["emea"]}
    assert compute_facets(piece_facets(facets), pieces.entries, selection) \
        == compute_facets(facets, catalog.entries, selection)


def test_a_kept_directory_page_is_not_rendered_again(catalog: Catalog,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    pieces = PieceCatalog.of(catalog, UrlStyle(True))
    memo = DictMemo()
    first = _pages(pieces, memo)
    assert first == _pages(pieces, None)
    rendered: list[str] = []

    def counting(template: str, **context: object) -> Markup:
        rendered.append(template)
        return render(template, **context)

    monkeypatch.setattr(listings, "render", counting)
    assert _pages(pieces, memo) == first
    assert rendered == ["browse_index.html"]  # the index of lists, never kept: it is small
    assert memo.hits == len(first) - 1


def test_a_renamed_partner_renders_only_the_pages_it_is_on(catalog: Catalog,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    pieces = PieceCatalog.of(catalog, UrlStyle(True))
    memo = DictMemo()
    first = _pages(pieces, memo)
    renamed = tuple(p._replace(name=p.name + " Group") if p.slug == "elbe-devops" else p
                    for p in pieces.entries)
    changed = replace(pieces, entries=renamed)
    shown = {src for src, body in first.items() if "elbe-devops/" in body}
    assert len(shown) >= 3  # its letter, its badges, tier, services, regions
    hits_before = memo.hits
    second = _pages(changed, memo)
    assert second == _pages(changed, None)
    assert {src for src in first if first[src] != second[src]} == shown
    assert memo.hits - hits_before == len(first) - 1 - len(shown)


def _days(start: date, count: int) -> Iterator[date]:
    for offset in range(count):
        yield start + timedelta(days=offset)


def test_keys_stay_while_the_entry_stays_and_change_with_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Day after day, a partner whose badges, tier and counts did not move keeps the keys
    of its page, files and entry, even on a day it was evaluated again (its stretch ended):
    what is made from it by key stays valid. A partner whose entry moved gets new keys."""
    folder = tmp_path / "partners"
    shutil.copytree(PARTNERS, folder)
    store = Store(tmp_path / "cache")
    options = SiteOptions(directory_urls=True)
    evaluated: list[str] = []

    def counting(partner: Partner, program: Program, as_of: date) -> CatalogEntry:
        evaluated.append(partner.slug)
        return make_entry(partner, program, as_of)

    monkeypatch.setattr(prepare_module, "make_entry", counting)
    last: dict[str, tuple[str, str, object]] = {}
    kept_after_evaluation = moved = 0
    for day in _days(DAY, 120):
        evaluated.clear()
        prepared = prepare(folder, day, options, None, store)
        assert prepared.context is not None
        for done in prepared.finished:
            entry = entry_of(store, done, prepared.context)
            before = last.get(done.slug)
            if before is not None:
                same_keys = (done.outputs, done.entry_key) == before[:2]
                assert same_keys == (entry == before[2]), (done.slug, day)
                if same_keys and done.slug in evaluated:
                    kept_after_evaluation += 1
                moved += not same_keys
            last[done.slug] = (done.outputs, done.entry_key, entry)
    assert kept_after_evaluation > 0
    assert moved > 0
