"""The options of the ``partner-locator`` MkDocs plugin, and the one place it reads the clock."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


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


def resolve_as_of(option: str | date | None) -> date:
    """The as-of day: the option, else SOURCE_DATE_EPOCH's UTC day, else today."""
    if isinstance(option, date):
        return option
    if option:
        try:
            return date.fromisoformat(option)
        except ValueError:
            raise ValueError(f"as_of: '{option}' is not a date written YYYY-MM-DD") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except ValueError:
            raise ValueError(f"SOURCE_DATE_EPOCH: '{epoch}' is not a whole number") from None
    return date.today()
