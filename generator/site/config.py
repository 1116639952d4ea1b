"""The options of the ``partner-locator`` MkDocs plugin, and its as-of day."""

from __future__ import annotations

from datetime import date

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from generator.clock import as_of_day


class PartnerLocatorConfig(Config):  # type: ignore[no-untyped-call]  # mkdocs is untyped here
    """Options under ``plugins: - partner-locator:`` in mkdocs.yml."""

    #: Folder of partner files and program.yml, relative to mkdocs.yml.
    partners = c.Type(str, default="partners")
    #: The day badges are computed for (YYYY-MM-DD); default: SOURCE_DATE_EPOCH's day, or today.
    as_of = c.Optional(c.Type((str, date)))
    #: Write profiles and directory lists with one theme render per page shape (fast); off,
    #: every page goes through MkDocs' own page pipeline (same bytes, several times slower).
    stamp_pages = c.Type(bool, default=True)
    #: Results on the first screen of the locator, and per "show more".
    results_per_page = c.Type(int, default=24)
    #: Partners per page of the plain-link directory.
    browse_page_size = c.Type(int, default=200)
    #: URLs per sitemap part (the protocol allows at most 50,000).
    sitemap_limit = c.Type(int, default=50_000)
    #: Where finished partners are kept between builds, relative to mkdocs.yml; empty, a
    #: temporary folder for each build.
    cache_dir = c.Type(str, default=".cache/partner-locator")
    #: Warn when the built site is larger than this many MiB (0: never). GitLab.com refuses
    #: Pages deployments over 1 GB.
    size_limit_mb = c.Type(int, default=1024)


def resolve_as_of(option: str | date | None) -> date:
    """The as-of day: the option, else SOURCE_DATE_EPOCH's UTC day, else today."""
    try:
        return as_of_day(option if option else None)
    except ValueError as exc:
        if str(exc).startswith("SOURCE_DATE_EPOCH"):
            raise
        raise ValueError(f"as_of: {exc}") from None
