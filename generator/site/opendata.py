"""Open data and sitemaps: ``/api/partners.json`` and the sitemap files."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from generator.catalog import Catalog
from generator.site.common import DataFile, profile_src
from generator.site.pieces import PieceCatalog, api_record, as_pieces
from generator.site.urls import UrlStyle

#: Where the export's JSON Schema is published, beside the export.
API_SCHEMA_FILE = "api/partners.schema.json"

#: The sitemap protocol's limit of URLs in one file.
SITEMAP_LIMIT = 50_000

# --- open data ------------------------------------------------------------------------------


def api_document(catalog: Catalog, urls: UrlStyle) -> dict[str, Any]:
    """The open-data export: every partner's public fields and held badges."""
    partners = [api_record(e, urls) for e in sorted(catalog.entries, key=lambda e: e.slug)]
    return {"as_of": catalog.as_of.isoformat(), "count": len(partners), "partners": partners}


def api_bytes(catalog: Catalog | PieceCatalog, urls: UrlStyle) -> bytes:
    """The export as UTF-8 JSON, one partner a line, stable from build to build (the lines
    of a ``PieceCatalog`` are those its pieces were made with, for the same ``urls``)."""
    pieces = as_pieces(catalog, urls)
    lines = [p.api for p in sorted(pieces.entries, key=lambda p: p.slug)]
    head = f'{{"as_of":"{pieces.as_of.isoformat()}","count":{len(lines)},"partners":[\n'
    return (head + ",\n".join(lines) + "\n]}\n").encode()


def api_schema(catalog: Catalog | PieceCatalog) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``api_document``'s output, with the program's ids."""
    program = catalog.program

    def ids(values: Sequence[str]) -> dict[str, Any]:
        return {"type": "string", "enum": sorted(values)}

    def nullable(schema: dict[str, Any]) -> dict[str, Any]:
        return {"anyOf": [schema, {"type": "null"}]}

    day = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    text = {"type": "string", "minLength": 1}
    place = _object({"country": {"type": "string", "pattern": "^[A-Z]{2}$"}, "city": text})
    badge = _object({
        "id": ids([b.id for b in program.badges]),
        "status": {"type": "string", "enum": ["active", "grace"]},
        "granted": day,
        "next_review": nullable(day),
    })
    partner = _object({
        "slug": {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$"},
        "name": text,
        "website": {"type": "string", "format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"},
        "summary": text,
        "logo": nullable({"type": "string", "pattern": r"^logos/[a-z0-9-]+\.(svg|png)$"}),
        "profile": {"type": "string", "pattern": "^partners/"},
        "headquarters": place,
        "locations": {"type": "array", "items": place},
        "regions": {"type": "array", "uniqueItems": True,
                    "items": ids([r.id for r in program.regions])},
        "languages": {"type": "array", "uniqueItems": True,
                      "items": {"type": "string", "pattern": "^[a-z]{2}$"}},
        "industries": {"type": "array", "uniqueItems": True,
                       "items": ids([i.id for i in program.industries])},
        "services": {"type": "array", "uniqueItems": True, "minItems": 1,
                     "items": ids([s.id for s in program.services])},
        "contact": _object({"email": nullable({"type": "string", "format": "email"}),
                            "phone": nullable({"type": "string"})}),
        "tier": nullable(ids([t.id for t in program.tiers])),
        "badges": {"type": "array", "items": badge},
        "certified": {
            "type": "object",
            "propertyNames": ids([c.id for c in program.certifications]),
            "additionalProperties": {"type": "integer", "minimum": 1},
        },
    })
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "partners.schema.json",
        "title": "Partner Locator open data",
        "description": "Every partner's public details and held badges on one day "
                       "(/api/partners.json).",
        **_object({
            "as_of": day,
            "count": {"type": "integer", "minimum": 0},
            "partners": {"type": "array", "items": {"$ref": "#/$defs/partner"}},
        }),
        "$defs": {"partner": partner},
    }


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    """An object with exactly these properties, every one of them present."""
    return {"type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": False}


def api_schema_bytes(catalog: Catalog | PieceCatalog) -> bytes:
    """The schema as stable, indented UTF-8 JSON."""
    return (json.dumps(api_schema(catalog), indent=2, ensure_ascii=False) + "\n").encode()


# --- sitemaps -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SitemapPage:
    """One URL of the sitemaps and the source files its content is made from."""

    path: str
    sources: tuple[str, ...] = ()


def git_days(folder: Path) -> dict[str, date]:
    """The day of the last commit that changed each file of the git work tree holding ``folder``.

    One ``git log`` over the whole history, newest first, so the first day seen for a path is
    its last change. Outside a git work tree, or without git, the answer is empty: pages then
    carry no ``lastmod`` rather than a day that may be false.
    """
    try:
        top = subprocess.run(  # noqa: S603 - a fixed git subcommand
            ["git", "-C", str(folder), "rev-parse", "--show-toplevel"],  # noqa: S607 - git on PATH
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        log = subprocess.run(  # noqa: S603 - a fixed git subcommand
            ["git", "-C", top, "-c", "core.quotepath=off", "log",  # noqa: S607 - git on PATH
             "--no-renames", "--name-only", "--format=%x00%cs"],
            capture_output=True, text=True, encoding="utf-8", check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    # Paths joined as strings, as the sitemap's sources are: a Path per line of the history
    # costs seconds at 100,000 partners.
    top = str(Path(top))
    days: dict[str, date] = {}
    day: date | None = None
    for line in log.splitlines():
        if line.startswith("\0"):
            day = date.fromisoformat(line[1:])
        elif line and day is not None:
            days.setdefault(os.path.join(top, line), day)  # noqa: PTH118 - see above
    return days


def sitemap_pages(partners: Iterable[tuple[str, str | None]],
                  plan_pages: Sequence[tuple[str, str]], *,
                  doc_pages: Sequence[str], docs_dir: Path, partners_dir: Path,
                  urls: UrlStyle) -> list[SitemapPage]:
    """Every page of the site with its sources: ``docs/`` pages their Markdown (handbook pages
    also ``program.yml``, whose figures they show), profiles their partner file and logo.

    ``partners`` are each partner's slug and logo file (as its partner file names it);
    ``plan_pages`` are the generated pages as (source path, kind); generated pages other than
    profiles (the locator, the directory) have no single source and get no day.
    """
    # Paths joined as strings: a Path per partner costs seconds at 100,000 partners.
    folder = str(partners_dir)
    program = os.path.join(folder, "program.yml")  # noqa: PTH118 - see above
    by_src = {profile_src(slug): (slug, logo) for slug, logo in partners}
    pages = []
    for src in sorted(doc_pages):
        sources = [str(docs_dir / src)]
        if src.startswith("handbook/"):
            sources.append(program)
        pages.append(SitemapPage(urls.page_url(src), tuple(sources)))
    for src, _kind in plan_pages:
        partner = by_src.get(src)
        if partner is None:
            pages.append(SitemapPage(urls.page_url(src)))
            continue
        slug, logo = partner
        sources = [os.path.join(folder, f"{slug}.yml")]  # noqa: PTH118 - see above
        if logo:
            sources.append(os.path.join(folder, logo))  # noqa: PTH118 - see above
        pages.append(SitemapPage(urls.page_url(src), tuple(sources)))
    return pages


def _lastmod(day: date | None) -> str:
    return f"<lastmod>{day.isoformat()}</lastmod>" if day is not None else ""


def _urlset(entries: Sequence[tuple[str, date | None]]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines.extend(f"  <url><loc>{xml_escape(u)}</loc>{_lastmod(d)}</url>" for u, d in entries)
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


def gzipped(content: bytes) -> bytes:
    """Gzip with no name and no time stamp, so equal input gives equal bytes."""
    return gzip.compress(content, compresslevel=9, mtime=0)


def sitemap_files(site_url: str, pages: Sequence[SitemapPage], days: Mapping[str, date],
                  limit: int = SITEMAP_LIMIT) -> tuple[DataFile, ...]:
    """``/sitemap.xml`` with every URL, or, over ``limit`` URLs, an index of root-level parts.

    A sitemap may only list URLs at or below its own folder, so every file sits at the root.
    Each URL's ``lastmod`` is the latest commit day of its sources, absent when a source has
    none. Material's instant navigation fetches ``/sitemap.xml`` on a visitor's first page:
    below the limit it is the whole list (about 120 bytes a URL, some 6 MB at 50,000 URLs,
    served compressed by most hosts; ``sitemap.xml.gz`` is beside it), above it a short index.
    """
    base = site_url if site_url.endswith("/") else site_url + "/"
    entries: list[tuple[str, date | None]] = []
    for page in pages:
        found = [days.get(s) for s in page.sources] if days else [None]
        day = max(found) if found and None not in found else None  # type: ignore[type-var]
        entries.append((base + page.path, day))
    files: list[DataFile] = []
    if len(entries) <= limit:
        files.append(DataFile("sitemap.xml", _urlset(entries)))
    else:
        parts = [entries[i:i + limit] for i in range(0, len(entries), limit)]
        index = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        for number, part in enumerate(parts, start=1):
            path = f"sitemap-{number}.xml"
            files.append(DataFile(path, _urlset(part)))
            part_days = [d for _, d in part]
            day = max(part_days) if None not in part_days else None  # type: ignore[type-var]
            index.append(f"  <sitemap><loc>{xml_escape(base + path)}</loc>{_lastmod(day)}"
                         "</sitemap>")
        index.append("</sitemapindex>")
        files.insert(0, DataFile("sitemap.xml", ("\n".join(index) + "\n").encode()))
    files.append(DataFile("sitemap.xml.gz", gzipped(files[0].read())))
    files.append(DataFile("robots.txt",
                          f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n".encode()))
    return tuple(files)
