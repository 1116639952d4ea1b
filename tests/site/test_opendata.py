"""Open data and sitemaps (generator/site/opendata.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]  # no stubs installed

from generator.catalog import Catalog
from generator.load import load_folder
from generator.site.opendata import api_bytes, api_schema_bytes, sitemap_files
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


def _validator(catalog: Catalog) -> Draft202012Validator:
    schema = json.loads(api_schema_bytes(catalog))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_the_export_validates_against_its_published_schema() -> None:
    catalog = Catalog.build(load_folder(PARTNERS), date(2026, 11, 28))
    data = json.loads(api_bytes(catalog, UrlStyle(True)))
    assert [e.message for e in _validator(catalog).iter_errors(data)] == []


def test_the_schema_refuses_what_the_export_never_writes() -> None:
    catalog = Catalog.build(load_folder(PARTNERS), date(2026, 11, 28))
    data = json.loads(api_bytes(catalog, UrlStyle(True)))
    record = data["partners"][0]
    record["tier"] = "gold"
    record["badges"] = [{"id": "psp", "status": "lapsed", "granted": "2024-01-01",
                         "next_review": None}]
    record["people"] = []
    messages = sorted(e.message for e in _validator(catalog).iter_errors(data))
    assert messages == [
        "'gold' is not valid under any of the given schemas",
        "'lapsed' is not one of ['active', 'grace']",
        "Additional properties are not allowed ('people' was unexpected)",
    ]
