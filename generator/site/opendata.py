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
