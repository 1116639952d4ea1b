"""Open data and sitemaps: ``/api/partners.json`` and the sitemap files."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from datetime import date
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from generator.catalog import Catalog
from generator.site.common import DataFile, logo_path, profile_src
from generator.site.urls import UrlStyle

#: Where the export's JSON Schema is published, beside the export.
API_SCHEMA_FILE = "api/partners.schema.json"

#: The sitemap protocol's limit of URLs in one file.
SITEMAP_LIMIT = 50_000

# --- open data ------------------------------------------------------------------------------


def api_document(catalog: Catalog, urls: UrlStyle) -> dict[str, Any]:
    """The open-data export: every partner's public fields and held badges."""
    partners = []
    for entry in sorted(catalog.entries, key=lambda e: e.slug):
        p = entry.partner
        contact = p.contact
        partners.append({
            "slug": entry.slug,
            "name": p.name,
            "website": p.website,
            "summary": p.summary,
            "logo": logo_path(entry),
            "profile": urls.page_url(profile_src(entry.slug)),
            "headquarters": {"country": p.headquarters.country, "city": p.headquarters.city},
            "locations": [{"country": o.country, "city": o.city} for o in p.locations],
            "regions": [r.id for r in entry.regions],
            "languages": list(p.languages),
            "industries": list(p.industries),
            "services": list(p.services),
            "contact": {"email": contact.email if contact else None,
                        "phone": contact.phone if contact else None},
            "tier": entry.tier.id if entry.tier is not None else None,
            "badges": [
                {
                    "id": h.id,
                    "status": h.status,
                    "granted": h.granted.isoformat(),
                    "next_review": h.next_review.isoformat() if h.next_review else None,
                }
                for h in entry.held
            ],
            "certified": {c.certification: c.count for c in entry.certified},
        })
    return {"as_of": catalog.as_of.isoformat(), "count": len(partners), "partners": partners}


def api_bytes(catalog: Catalog, urls: UrlStyle) -> bytes:
    """The export as UTF-8 JSON, one partner a line, stable from build to build."""
    doc = api_document(catalog, urls)
    lines = [json.dumps(p, ensure_ascii=False, separators=(",", ":")) for p in doc["partners"]]
    head = f'{{"as_of":"{doc["as_of"]}","count":{doc["count"]},"partners":[\n'
    return (head + ",\n".join(lines) + "\n]}\n").encode()


def api_schema(catalog: Catalog) -> dict[str, Any]:
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


def api_schema_bytes(catalog: Catalog) -> bytes:
    """The schema as stable, indented UTF-8 JSON."""
    return (json.dumps(api_schema(catalog), indent=2, ensure_ascii=False) + "\n").encode()


# --- sitemaps -------------------------------------------------------------------------------


def _urlset(urls: Sequence[str], lastmod: str) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines.extend(
        f"  <url><loc>{xml_escape(u)}</loc><lastmod>{lastmod}</lastmod></url>" for u in urls
    )
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


def gzipped(content: bytes) -> bytes:
    """Gzip with no name and no time stamp, so equal input gives equal bytes."""
    return gzip.compress(content, compresslevel=9, mtime=0)


def sitemap_files(site_url: str, core: Sequence[str], bulk: Sequence[str], as_of: date,
                  limit: int = SITEMAP_LIMIT) -> tuple[DataFile, ...]:
    """A small ``sitemap.xml`` of the core pages, parts for the rest, and an index of both.

    Material's instant navigation reads ``sitemap.xml`` on the first page load, so it lists
    only the handbook, the locator and other hand-written pages; profiles and directory pages
    go into ``sitemaps/partners-N.xml``, each within the protocol's limit.
    """
    lastmod = as_of.isoformat()
    base = site_url if site_url.endswith("/") else site_url + "/"
    files = [DataFile("sitemap.xml", _urlset([base + u for u in core], lastmod))]
    parts = [bulk[i:i + limit] for i in range(0, len(bulk), limit)]
    for number, part in enumerate(parts, start=1):
        files.append(DataFile(f"sitemaps/partners-{number}.xml",
                              _urlset([base + u for u in part], lastmod)))
    index = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    index.extend(
        f"  <sitemap><loc>{xml_escape(base + f.path)}</loc><lastmod>{lastmod}</lastmod></sitemap>"
        for f in files
    )
    index.append("</sitemapindex>")
    files.append(DataFile("sitemap-index.xml", ("\n".join(index) + "\n").encode()))
    files.append(DataFile("sitemap.xml.gz", gzipped(files[0].read())))
    files.append(DataFile("robots.txt",
                          f"User-agent: *\nAllow: /\nSitemap: {base}sitemap-index.xml\n".encode()))
    return tuple(files)
