"""Open data and sitemaps (generator/site/opendata.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from generator.catalog import Catalog
from generator.load import load_folder
from generator.site.opendata import api_bytes, sitemap_files
from generator.site.urls import UrlStyle

PARTNERS = Path(__file__).resolve().parents[2] / "partners"


def test_sitemaps_split_at_the_limit() -> None:
    bulk = [f"partners/p{i}/" for i in range(25)]
    files = {f.path: f.read().decode() for f in sitemap_files(
        "https://x.example/", ["", "partners/"], bulk, date(2026, 1, 1), limit=10)
        if not f.path.endswith(".gz")}
    parts = sorted(p for p in files if p.startswith("sitemaps/"))
    assert parts == ["sitemaps/partners-1.xml", "sitemaps/partners-2.xml",
                     "sitemaps/partners-3.xml"]
    assert [files[p].count("<url>") for p in parts] == [10, 10, 5]
    assert files["sitemap.xml"].count("<url>") == 2
    assert files["sitemap-index.xml"].count("<sitemap>") == 4
    assert "Sitemap: https://x.example/sitemap-index.xml" in files["robots.txt"]


def test_the_export_lists_every_partner_with_public_fields_only() -> None:
    catalog = Catalog.build(load_folder(PARTNERS), date(2026, 11, 28))
    document = json.loads(api_bytes(catalog, UrlStyle(True)))
    assert document["as_of"] == "2026-11-28"
    assert document["count"] == len(catalog.entries) == len(document["partners"])
    elbe = next(p for p in document["partners"] if p["slug"] == "elbe-devops")
    assert elbe["name"] == "Elbe DevOps GmbH"
    assert elbe["profile"] == "partners/elbe-devops/"
    assert elbe["logo"] == "logos/elbe-devops.svg"
    assert "people" not in elbe and "engagements" not in elbe and "legacy_grants" not in elbe
    assert [p["slug"] for p in document["partners"]] == sorted(p.slug for p in catalog.entries)
