"""The plan of the public site: every generated page and data file, with no MkDocs in sight.

``plan_site`` turns a catalog into pages (the locator, one profile per partner, the plain-link
directory) and data files (the open-data export, logos, the locator's search data). Page
bodies are HTML rendered here with autoescaping and ``StrictUndefined``; the MkDocs plugin
only hands them to the theme, and ``render --out DIR`` writes the same plan into a bare shell.
Handbook pages keep their prose in ``docs/`` and ask for generated tables and figures through
markers (``expand_markers``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from generator.catalog import Catalog
from generator.facets import compute_facets, facet_registry
from generator.site.badge_image import badge_files
from generator.site.common import (
    API_FILE,
    DataFile,
    PlannedPage,
    SiteOptions,
    SitePlan,
    logo_path,
    profile_src,
)
from generator.site.compare import compare_files, compare_page
from generator.site.feed import feed_file
from generator.site.listings import PageMemo, browse_lists, directory_pages, locator_page
from generator.site.locator_index import IndexMemo, build_locator_index
from generator.site.opendata import API_SCHEMA_FILE, api_bytes, api_schema_bytes
from generator.site.pieces import PieceCatalog, piece_facets
from generator.site.profiles import profile_page
from generator.site.urls import UrlStyle

# --- the plan -------------------------------------------------------------------------------


def plan_site(catalog: Catalog, partners_dir: Path, options: SiteOptions,
              site_url: str | None = None, *, per_partner: bool = True) -> SitePlan:
    """Every generated page and data file of the site.

    ``per_partner=False`` leaves out each partner's profile and own files (badge image,
    comparison record, logo), which the MkDocs plugin has finished in worker processes
    (``generator.site.prepare``); ``profile_pages`` still lists every profile.
    """
    urls = UrlStyle(options.directory_urls)
    program = catalog.program
    plan = plan_aggregates(PieceCatalog.of(catalog, urls), options, site_url)
    if not per_partner:
        return plan
    pages = [profile_page(e, program, urls=urls, options=options, site_url=site_url)
             for e in catalog.entries]
    files = [*badge_files(catalog.entries, program), *compare_files(catalog)]
    for entry in catalog.entries:
        if entry.partner.logo is not None and (target := logo_path(entry)) is not None:
            # The loader's rewritten bytes: the file is not read again after its check.
            files.append(DataFile(target, catalog.logos[entry.slug]))
    return replace(plan, pages=(plan.pages[0], *pages, *plan.pages[1:]),
                   files=(*plan.files, *files))


def plan_aggregates(pieces: PieceCatalog, options: SiteOptions,
                    site_url: str | None = None, memo: PageMemo | None = None,
                    index_memo: IndexMemo | None = None) -> SitePlan:
    """The pages and files made from every partner: the locator and its data, the
    directory, the compare page, the export and the feed (``pieces`` made with the URL
    style of ``options``; ``memo``: directory pages kept from earlier builds;
    ``index_memo``: what the last build of the locator's index worked out)."""
    urls = UrlStyle(options.directory_urls)
    facets = piece_facets(facet_registry(pieces.program))
    results = compute_facets(facets, pieces.entries)
    groups = browse_lists(pieces, facets)
    index = build_locator_index(pieces, facets, results, index_memo)
    pages: list[PlannedPage] = [
        locator_page(pieces, results, groups=groups, urls=urls, options=options, index=index)
    ]
    pages.extend(directory_pages(pieces, groups, urls, options, memo))
    pages.append(compare_page(pieces, urls))
    files = [DataFile(API_FILE, api_bytes(pieces, urls)),
             DataFile(API_SCHEMA_FILE, api_schema_bytes(pieces)),
             feed_file(pieces, urls, site_url)]
    files.extend(DataFile(path, content) for path, content in index.files.items())
    return SitePlan(tuple(pages), tuple(files),
                    frozenset(profile_src(p.slug) for p in pieces.entries), index.index_path)
