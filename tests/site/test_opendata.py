"""Open data and sitemaps (generator/site/opendata.py)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]  # no stubs installed

from generator.catalog import Catalog
from generator.load import load_folder
from generator.site.opendata import (
    SitemapPage,
    api_bytes,
    api_schema_bytes,
    git_days,
    sitemap_files,
)
from generator.site.urls import UrlStyle

PARTNERS = Path(__file__).resolve().parents[2] / "partners"


NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _xml(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def test_up_to_the_limit_sitemap_xml_lists_every_url() -> None:
    pages = [SitemapPage(""), *(SitemapPage(f"partners/p{i}/") for i in range(9))]
    files = {f.path: f.read() for f in sitemap_files("https://x.example/", pages, {}, limit=10)}
    assert sorted(files) == ["robots.txt", "sitemap.xml", "sitemap.xml.gz"]
    locs = [e.text for e in _xml(files["sitemap.xml"]).findall("s:url/s:loc", NS)]
    assert locs == ["https://x.example/", *(f"https://x.example/partners/p{i}/" for i in range(9))]
    assert gzip.decompress(files["sitemap.xml.gz"]) == files["sitemap.xml"]
    assert files["robots.txt"].decode().endswith("Sitemap: https://x.example/sitemap.xml\n")


def test_over_the_limit_sitemap_xml_is_an_index_of_root_level_parts() -> None:
    pages = [SitemapPage(f"partners/p{i}/") for i in range(25)]
    files = {f.path: f.read() for f in sitemap_files("https://x.example/", pages, {}, limit=10)}
    index = _xml(files["sitemap.xml"])
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = [e.text or "" for e in index.findall("s:sitemap/s:loc", NS)]
    assert parts == [f"https://x.example/sitemap-{n}.xml" for n in (1, 2, 3)]
    counts = [len(_xml(files[p.removeprefix("https://x.example/")]).findall("s:url", NS))
              for p in parts]
    assert counts == [10, 10, 5]
    assert not any("/" in path for path in files)  # every file at the root


def test_lastmod_is_the_latest_day_of_a_pages_sources_and_absent_without_one() -> None:
    days = {"/r/a.yml": date(2025, 3, 1), "/r/a.svg": date(2025, 6, 2),
            "/r/b.yml": date(2024, 1, 9)}
    pages = [SitemapPage("partners/a/", ("/r/a.yml", "/r/a.svg")),
             SitemapPage("partners/b/", ("/r/b.yml",)),
             SitemapPage("partners/c/", ("/r/c.yml",)),  # not committed
             SitemapPage("partners/")]  # no source
    data = dict(f for f in ((f.path, f.read()) for f in
                            sitemap_files("https://x.example/", pages, days)))
    urls = {u.findtext("s:loc", namespaces=NS): u.findtext("s:lastmod", namespaces=NS)
            for u in _xml(data["sitemap.xml"]).findall("s:url", NS)}
    assert urls == {"https://x.example/partners/a/": "2025-06-02",
                    "https://x.example/partners/b/": "2024-01-09",
                    "https://x.example/partners/c/": None,
                    "https://x.example/partners/": None}


def _git(repo: Path, *args: str, day: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    if day is not None:
        env |= {"GIT_AUTHOR_DATE": f"{day}T12:00:00Z", "GIT_COMMITTER_DATE": f"{day}T12:00:00Z"}
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)


def test_git_days_are_each_files_last_commit_in_one_pass(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "partners").mkdir(parents=True)
    _git(repo, "init", "-q")
    (repo / "partners" / "a.yml").write_text("name: A\n")
    (repo / "partners" / "b.yml").write_text("name: B\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "first", day="2024-05-01")
    (repo / "partners" / "a.yml").write_text("name: A2\n")
    _git(repo, "commit", "-qam", "second", day="2025-02-03")
    (repo / "partners" / "new.yml").write_text("name: N\n")  # never committed
    days = git_days(repo / "partners")
    top = repo.resolve()
    assert days == {str(top / "partners" / "a.yml"): date(2025, 2, 3),
                    str(top / "partners" / "b.yml"): date(2024, 5, 1)}


def test_outside_a_git_work_tree_there_are_no_days(tmp_path: Path) -> None:
    assert git_days(tmp_path) == {}


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
