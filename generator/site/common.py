"""What every kind of generated page shares: the plan's types, fixed paths, the template
environment and small wording helpers.

The site is planned without MkDocs: ``generator.site.pages`` puts together the pages of the
other modules (profiles, listings, open data, handbook markers) into one ``SitePlan``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from generator.catalog import CatalogEntry
from generator.facets import country_name

TEMPLATES = Path(__file__).parent / "templates"
LOCATOR = "partners/index.md"
DIRECTORY = "browse/index.md"
API_FILE = "api/partners.json"
LOGO_DIR = "logos"



@dataclass(frozen=True)
class SiteOptions:
    """Choices that shape the plan; all come from the plugin's or the command's options."""

    directory_urls: bool = True
    results_per_page: int = 24
    browse_page_size: int = 200
    handbook_page: str = "handbook/channel-services.md"
    badges_page: str = "handbook/badges.md"


@dataclass(frozen=True)
class PlannedPage:
    """A generated page: its source path, plain-text title and HTML body."""

    src_uri: str
    kind: str
    title: str
    body: Markup
    head: Markup | None = None
    description: str | None = None
    in_search: bool = False


@dataclass(frozen=True)
class DataFile:
    """A file the site ships as it is: given bytes, or a copy of a source file."""

    path: str
    content: bytes | None = None
    source: Path | None = None

    def read(self) -> bytes:
        """The file's bytes."""
        if self.content is not None:
            return self.content
        if self.source is None:
            raise ValueError(f"{self.path}: neither content nor source")
        return self.source.read_bytes()


@dataclass(frozen=True)
class SitePlan:
    """Everything generated for one build."""

    pages: tuple[PlannedPage, ...]
    files: tuple[DataFile, ...]
    profile_pages: frozenset[str] = field(default_factory=frozenset)
    #: Path of the locator's search index, relative to the site root.
    index_path: str = ""

    def page(self, src_uri: str) -> PlannedPage:
        """A planned page by source path."""
        for page in self.pages:
            if page.src_uri == src_uri:
                return page
        raise KeyError(src_uri)


@cache
def environment() -> Environment:
    """The Jinja environment of page bodies: autoescaped, strict about undefined names."""
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context: Any) -> Markup:
    """Render one of the site's templates."""
    # The environment autoescapes, so what it renders is markup.
    return Markup(environment().get_template(template).render(**context))  # noqa: S704


def script_json(value: Any) -> Markup:
    """JSON safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` survive as such."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)  # noqa: S704 - nothing in it can end the element or start a tag


def day_text(day: date) -> str:
    """``4 November 2021``."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


def profile_src(slug: str) -> str:
    """The source path of a partner's profile page."""
    return f"partners/{slug}/index.md"


def logo_path(entry: CatalogEntry) -> str | None:
    """Where a partner's logo is published, relative to the site root."""
    logo = entry.partner.logo
    return None if logo is None else f"{LOGO_DIR}/{entry.slug}{Path(logo).suffix.lower()}"


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def office_text(city: str, country: str) -> str:
    """``Berlin, Germany``."""
    return f"{city}, {country_name(country)}"


def initials(name: str) -> str:
    words = [w for w in re.split(r"[^\w]+", name) if w]
    return "".join(w[0] for w in words[:2]).upper() or "?"
