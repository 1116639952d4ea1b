"""The built site: pages, links, open data, sitemaps, privacy and escaping, on real HTML."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator.catalog import Catalog
from generator.load import load_folder
from generator.site.locator_index import DATA_DIR
from tests.site.helpers import HOSTILE_SLUG, Build, mkdocs_build, project_copy

pytestmark = pytest.mark.slow
AS_OF = date(2026, 11, 28)


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <script> elements by type."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[str, str]] = []
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script = attributes.get("type", "")
            self.scripts.append((self._script, ""))

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            kind, text = self.scripts[-1]
            self.scripts[-1] = (kind, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None


def parse(path: Path) -> Tags:
    tags = Tags()
    tags.feed(path.read_text(encoding="utf-8"))
    return tags


def links(page: Path) -> Iterator[tuple[str, str, dict[str, str]]]:
    for tag, attrs in parse(page).tags:
        for key in ("href", "src"):
            if key in attrs and tag in ("a", "img", "link", "script"):
                yield tag, attrs[key], attrs


@pytest.fixture(scope="module")
def catalog(site_build: Build) -> Catalog:
    return Catalog.build(load_folder(site_build.project / "partners"), AS_OF)


def text_files(site: Path) -> Iterator[tuple[Path, str]]:
    """Every text file of the site, and Pagefind's gzipped index parts unpacked."""
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        try:
            yield path, raw.decode("utf-8")
        except UnicodeDecodeError:
            continue


# --- pages ----------------------------------------------------------------------------------


def test_the_fixed_urls_exist(site: Path, catalog: Catalog) -> None:
    for page in ("index.html", "handbook/channel-services/index.html",
                 "handbook/badges/index.html", "partners/index.html", "api/partners.json",
                 "locator/index.html", "api/index.html"):
        assert (site / page).is_file(), page
    for entry in catalog.entries:
        assert (site / "partners" / entry.slug / "index.html").is_file(), entry.slug


def test_profiles_are_not_in_the_nav_or_in_materials_search(site: Path, catalog: Catalog) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert any(loc.startswith("handbook/") for loc in locations)
    for entry in catalog.entries:
        assert f'href="partners/{entry.slug}/"' not in home
        assert f"partners/{entry.slug}/" not in locations


def test_every_relative_link_resolves(site: Path, flat_site: Path) -> None:
    for root in (site, flat_site):
        checked = 0
        # 404.html is served at any depth, so the theme links it from the site root.
        for page in sorted(p for p in root.rglob("*.html") if p.name != "404.html"):
            for tag, url, _ in links(page):
                parts = urlsplit(url)
                if parts.scheme or parts.netloc or url.startswith(("#", "mailto:")) or not url:
                    continue
                target = (page.parent / unquote(parts.path)).resolve()
                if url.endswith("/") or target.is_dir():
                    target = target / "index.html"
                assert target.is_file(), f"{page.relative_to(root)}: {tag} {url}"
                checked += 1
        assert checked > 1000


def test_no_script_path_reaches_every_partner(site: Path, catalog: Catalog) -> None:
    start = site / "partners" / "index.html"
    seen: set[Path] = set()
    queue = [start]
    profiles: set[str] = set()
    while queue:
        page = queue.pop()
        if page in seen:
            continue
        seen.add(page)
        for tag, url, _ in links(page):
            if tag != "a" or urlsplit(url).scheme or not url.endswith("/"):
                continue
            target = (page.parent / url / "index.html").resolve()
            relative = target.relative_to(site.resolve()).as_posix()
            if match := re.fullmatch(r"partners/([a-z0-9-]+)/index\.html", relative):
                profiles.add(match.group(1))
            elif relative.startswith("browse/") and target.is_file():
                queue.append(target)
    assert profiles == {e.slug for e in catalog.entries}


def test_locator_first_screen_is_in_the_html(site: Path, catalog: Catalog) -> None:
    html = (site / "partners" / "index.html").read_text(encoding="utf-8")
    assert 'role="status"' in html
    assert html.count('class="pl-card"') == min(24, len(catalog.entries))
    first = catalog.entries[0]
    assert f'href="{first.slug}/"' in html
    for legend in ("Badge", "Tier", "Service", "Region", "Country", "Language", "Industry"):
        assert f"<legend>{legend}</legend>" in html
    psp = sum(1 for e in catalog.entries if "psp" in e.held_ids)
    assert re.search(
        r'value="psp"> <span class="pl-facet__label">Professional Services Partner</span> '
        rf'<span class="pl-count" data-count>{psp}</span>', html)
    assert 'id="pl-q"' in html and '<label class="pl-search__label" for="pl-q">' in html


def test_the_locator_points_at_its_search_data(site: Path, flat_site: Path) -> None:
    for root in (site, flat_site):
        page = root / "partners" / "index.html"
        locator = [a for t, a in parse(page).tags if "data-pl-locator" in a]
        assert len(locator) == 1
        index = (page.parent / locator[0]["data-index"]).resolve()
        data = json.loads(index.read_text(encoding="utf-8"))
        folder = index.parent
        cards = data["cards"]
        chunks = [f"cards-{cards['digests'][n // cards['group']]}-{n}.json"
            for n in range(cards["chunks"])]
        for name in [*chunks, *data["terms"].values()]:
            assert (folder / name).is_file(), name
    assert not (site / "pagefind").exists()


def test_profiles_show_held_badges_only(site: Path, catalog: Catalog) -> None:
    for entry in catalog.entries:
        html = (site / "partners" / entry.slug / "index.html").read_text(encoding="utf-8")
        held_list = re.search(r'<ul class="pl-held">(.*?)</ul>', html)
        shown = set(re.findall(r'class="pl-badge pl-badge--([a-z]+)"',
                               held_list.group(1) if held_list else ""))
        held = {b for b, s in entry.states.items() if s.status in ("active", "grace")}
        assert shown == held, entry.slug
        for count in entry.certified:
            assert count.label in html


def test_profile_structured_data_and_canonical(site: Path, catalog: Catalog) -> None:
    for entry in catalog.entries:
        page = site / "partners" / entry.slug / "index.html"
        tags = parse(page)
        canonical = [a["href"] for t, a in tags.tags if t == "link" and a.get("rel") == "canonical"]
        assert canonical == [f"https://partners.example.com/partners/{entry.slug}/"]
        blocks = [json.loads(text) for kind, text in tags.scripts if kind == "application/ld+json"]
        assert len(blocks) == 1
        assert blocks[0]["@type"] == "Organization"
        assert blocks[0]["name"] == entry.name


def test_logos_are_images_copied_into_the_site(site: Path, site_build: Build,
                                               catalog: Catalog) -> None:
    with_logo = [e for e in catalog.entries if e.partner.logo]
    assert with_logo
    for entry in with_logo:
        page = site / "partners" / entry.slug / "index.html"
        sources = [a["src"] for t, a in parse(page).tags if t == "img"]
        assert sources and all(not s.startswith("data:") for s in sources)
        assert (page.parent / sources[0]).resolve().is_file()
        logo = (site_build.project / "partners" / str(entry.partner.logo)).read_bytes()
        if logo.lstrip().startswith(b"<"):
            assert logo.strip()[:120].decode() not in page.read_text(encoding="utf-8")


def test_links_from_data_are_http_and_do_not_share_the_window(site: Path,
                                                             catalog: Catalog) -> None:
    for entry in catalog.entries:
        page = site / "partners" / entry.slug / "index.html"
        external = [a for t, _, a in links(page) if t == "a"
                    and urlsplit(a["href"]).scheme not in ("", "mailto", "tel")]
        websites = [a for a in external if a["href"] == entry.partner.website]
        assert websites, entry.slug
        for attrs in external:
            if attrs["href"].startswith("https://partners.example.com/"):
                continue
            assert urlsplit(attrs["href"]).scheme in ("http", "https")
            if attrs.get("target") == "_blank" or attrs["href"] == entry.partner.website:
                assert "noopener" in attrs.get("rel", "").split()


def _meta(page: Path) -> dict[str, str]:
    return {a.get("property") or a.get("name", ""): a.get("content", "")
            for t, a in parse(page).tags if t == "meta"}


def test_a_profile_opens_with_a_summary_box_and_calls_to_action(site: Path) -> None:
    html = (site / "partners" / "elbe-devops" / "index.html").read_text(encoding="utf-8")
    box = html[html.index('<section class="pl-facts"'):html.index("</section>")]
    text = " ".join(re.sub(r"<[^>]+>", " ", box).split())
    assert text.startswith("Badges PSP Professional Services Partner TSP Training Services "
                           "Partner Tier Select Headquarters Hamburg, Germany Visit website")
    assert '<a class="pl-button" href="tel:+494055501234"><span class="pl-visually-hidden">' \
           "Call </span>+49 40 5550 1234</a>" in box
    assert 'href="mailto:kontakt@elbe-devops.example"' in box
    # The box comes before the details, and nothing about contact is left for the end.
    assert html.index('class="pl-facts"') < html.index('id="badges"') < html.index('id="offices"')
    assert 'id="contact"' not in html
    assert '<p class="pl-crumbs"><a href="../">Find a partner</a></p>' in html


def test_a_profile_without_a_logo_shows_its_initials(site: Path) -> None:
    page = site / "partners" / "oresund-devops" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert '<span class="pl-profile__logo pl-profile__initials" aria-hidden="true">ØD</span>' \
           in html
    assert not [a for t, a in parse(page).tags if t == "img" and "pl-profile__logo" in
                a.get("class", "")]


def test_profiles_carry_open_graph_and_twitter_card_tags(site: Path) -> None:
    meta = _meta(site / "partners" / "elbe-devops" / "index.html")
    assert meta["og:type"] == "website"
    assert meta["og:title"] == "Elbe DevOps GmbH"
    # Consumers fall back to the page's description; the summary is not printed a third time.
    assert "og:description" not in meta
    assert meta["description"].startswith("Hamburg-based consultancy")
    assert meta["og:url"] == "https://partners.example.com/partners/elbe-devops/"
    assert meta["og:image"] == "https://partners.example.com/logos/elbe-devops.svg"
    assert meta["twitter:card"] == "summary"
    # The card reads the Open Graph tags; the same text is not printed twice.
    assert [k for k in meta if k.startswith("twitter:")] == ["twitter:card"]
    without_logo = _meta(site / "partners" / "oresund-devops" / "index.html")
    assert without_logo["og:title"] == "Øresund DevOps ApS"
    assert "og:image" not in without_logo


def test_hostile_contact_details_stay_text_in_links_and_tags(site: Path) -> None:
    page = site / "partners" / HOSTILE_SLUG / "index.html"
    html = page.read_text(encoding="utf-8")
    assert 'href="tel:+49301"' in html
    assert "+49 30 &lt;b&gt;1&lt;/b&gt;</a>" in html
    meta = _meta(page)
    assert meta["og:title"].startswith('<script>alert("xss-name")</script>')  # as text
    assert '<meta property="og:title" content="&lt;script&gt;' in html


def test_browse_pages_file_names_by_the_letter_readers_see(site: Path) -> None:
    o_list = (site / "browse" / "letter" / "o" / "index.html").read_text(encoding="utf-8")
    names = re.findall(r'<li><a href="[^"]+">([^<]+)</a>', o_list)
    assert names == ["O&#39;Donnell &amp; Ruiz DevOps", "Øresund DevOps ApS",
                     "Outback Ops Pty Ltd"]
    assert not (site / "browse" / "letter" / "0-9").exists()


#: Words that name the vendor's product or the vendor without saying GitLab, the one name the
#: site uses for both.
VAGUE_VENDOR = re.compile(r"\bthe (?:vendor|platform)\b|\bvendor's|\bplatform's", re.IGNORECASE)


def prose(html: str) -> str:
    """A page's own running text: no scripts, styles, code, tags, or partners' own summaries."""
    html = re.sub(r'<p class="pl-profile__summary">.*?</p>', " ", html, flags=re.DOTALL)
    html = re.sub(r"<(script|style|code|pre)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_site_names_the_platform_and_the_vendor_gitlab_throughout(site: Path) -> None:
    vague = {}
    for page in sorted(site.rglob("*.html")):
        found = VAGUE_VENDOR.findall(prose(page.read_text(encoding="utf-8")))
        if found:
            vague[str(page.relative_to(site))] = found
    assert vague == {}
    handbook = prose((site / "handbook" / "channel-services" / "index.html").read_text(
        encoding="utf-8"))
    assert "build a services business around GitLab" in handbook


# --- open data and sitemaps -----------------------------------------------------------------


def test_the_built_open_data_passes_check_jsonschema_with_its_schema(site: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile",
         str(site / "api" / "partners.schema.json"), str(site / "api" / "partners.json")],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok -- validation done" in done.stdout


def test_the_api_page_offers_the_files_as_downloads(site: Path) -> None:
    page = site / "api" / "index.html"
    hrefs = {a["href"]: a for t, a in parse(page).tags if t == "a" and "href" in a}
    assert "download" in hrefs["partners.json"]
    assert "download" in hrefs["partners.schema.json"]
    assert (page.parent / "partners.schema.json").resolve().is_file()


def test_api_lists_every_partner_with_held_badges(site: Path, catalog: Catalog) -> None:
    data = json.loads((site / "api" / "partners.json").read_text(encoding="utf-8"))
    assert data["as_of"] == "2026-11-28"
    assert data["count"] == len(catalog.entries) == len(data["partners"])
    by_slug = {p["slug"]: p for p in data["partners"]}
    for entry in catalog.entries:
        record = by_slug[entry.slug]
        assert record["name"] == entry.name
        assert [b["id"] for b in record["badges"]] == list(entry.held_ids)
        assert all(b["status"] in ("active", "grace") for b in record["badges"])
        assert set(record) >= {"website", "summary", "services", "headquarters", "tier"}
        assert not {"people", "engagements", "trainings", "noncompliance",
                    "legacy_grants", "practices", "tracks"} & set(record)


SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
W3C_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def sitemap_urls(sitemap: Path, site_url: str) -> dict[str, str | None]:
    """The URLs of a sitemap and their lastmod, checked against the protocol's rules."""
    root = ET.parse(sitemap).getroot()
    assert root.tag == SITEMAP_NS + "urlset"
    urls: dict[str, str | None] = {}
    for url in root:
        assert url.tag == SITEMAP_NS + "url"
        children = [c.tag.removeprefix(SITEMAP_NS) for c in url]
        assert children in (["loc"], ["loc", "lastmod"]), children
        loc = url.findtext(SITEMAP_NS + "loc") or ""
        assert loc.startswith(site_url) and len(loc) < 2048  # at or below the sitemap's folder
        lastmod = url.findtext(SITEMAP_NS + "lastmod")
        assert lastmod is None or W3C_DAY.match(lastmod)
        assert loc not in urls
        urls[loc] = lastmod
    assert len(urls) <= 50_000
    return urls


def test_one_root_sitemap_lists_every_page(site: Path, catalog: Catalog) -> None:
    base = "https://partners.example.com/"
    urls = sitemap_urls(site / "sitemap.xml", base)
    for entry in catalog.entries:
        assert f"{base}partners/{entry.slug}/" in urls
    for page in ("", "partners/", "handbook/channel-services/", "api/", "browse/",
                 "browse/letter/o/"):
        assert base + page in urls
    # The test project is no git work tree: no page claims a day it cannot know.
    assert set(urls.values()) == {None}
    assert not (site / "sitemaps").exists()
    assert not (site / "sitemap-index.xml").exists()
    assert (site / "robots.txt").read_text().endswith(f"Sitemap: {base}sitemap.xml\n")
    assert gzip.decompress((site / "sitemap.xml.gz").read_bytes()) == (
        site / "sitemap.xml").read_bytes()


def test_lastmod_is_the_day_a_pages_source_last_changed(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project", hostile=False)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}

    def commit(day: str, *paths: str) -> None:
        stamp = {"GIT_AUTHOR_DATE": f"{day}T10:00:00Z", "GIT_COMMITTER_DATE": f"{day}T10:00:00Z"}
        subprocess.run(["git", "-C", str(project), "add", *paths], check=True, env=env)
        subprocess.run(["git", "-C", str(project), "commit", "-qm", day], check=True,
                       env=env | stamp)

    subprocess.run(["git", "-C", str(project), "init", "-q"], check=True)
    commit("2025-01-15", ".")
    elbe = project / "partners" / "elbe-devops.yml"
    elbe.write_text(elbe.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    commit("2025-06-30", "partners/elbe-devops.yml")
    program = project / "partners" / "program.yml"
    program.write_text(program.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    commit("2025-09-01", "partners/program.yml")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.output
    urls = sitemap_urls(tmp_path / "site" / "sitemap.xml", "https://partners.example.com/")
    base = "https://partners.example.com/"
    assert urls[base + "partners/elbe-devops/"] == "2025-06-30"
    assert urls[base + "partners/aurora-pipelines/"] == "2025-01-15"
    assert urls[base + "handbook/badges/"] == "2025-09-01"  # its tables come from program.yml
    assert urls[base + "architecture/"] == "2025-01-15"
    assert urls[base + "partners/"] is None  # the locator has no single source


# --- privacy and escaping -------------------------------------------------------------------


def test_nothing_private_appears_anywhere(site: Path, site_build: Build) -> None:
    result = load_folder(site_build.project / "partners")
    secrets: set[str] = set()
    for partner in result.partners:
        secrets.update(p.id for p in partner.people)
        secrets.update(e.id for e in partner.engagements)
        secrets.update(n.reason for n in partner.noncompliance if n.reason)
    assert {"secret-person-quokka", "secret-engagement-wombat", "secret-reason-tamarind"} <= secrets
    patterns = re.compile(
        "|".join(rf"(?<![\w-]){re.escape(s)}(?![\w-])" for s in sorted(secrets, key=len,
                                                                         reverse=True))
    )
    ours = ("index.html", ".json", ".xml", ".txt")
    # Hand-written reference pages may quote the data format's examples; every page and file
    # made from partner data is checked, and so are the handbook pages with live figures.
    docs = site_build.project / "docs"
    prose = {p.relative_to(docs).with_suffix("").as_posix() + "/" for p in docs.glob("*.md")}
    prose.discard("index/")
    checked = data_files = 0
    for path, text in text_files(site):
        relative = path.relative_to(site).as_posix()
        if relative.startswith(DATA_DIR):
            data_files += 1
        elif relative.startswith(("assets/", "search/", *prose)) or not relative.endswith(ours):
            continue
        checked += 1
        found = patterns.search(text)
        assert found is None, f"{relative}: {found.group(0) if found else ''}"
        assert "legacy_grants" not in text and "noncompliance" not in text, relative
    assert checked > 50
    assert data_files > 2


def test_partner_text_is_text_everywhere(site: Path) -> None:
    profile = site / "partners" / HOSTILE_SLUG / "index.html"
    html = profile.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;xss-name&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(&#34;xss-summary&#34;)&gt;" in html
    assert "&lt;i&gt;Berlin&lt;/i&gt;" in html
    tags = parse(profile)
    assert not [a for t, a in tags.tags if t == "img" and a.get("src") == "x"]
    assert not [a for t, a in tags.tags if "onmouseover" in a or "onerror" in a]
    data = [json.loads(text) for kind, text in tags.scripts if kind == "application/ld+json"]
    assert data[0]["name"].startswith('<script>alert("xss-name")')
    for path, text in text_files(site):
        if path.suffix == ".html":
            assert '<script>alert("xss-name")' not in text, path
            assert "<b>Bold</b>" not in text, path
            assert '<img src=x onerror' not in text, path
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None and "&lt;script&gt;" in title.group(1)


# --- the handbook ---------------------------------------------------------------------------


def test_handbook_tables_come_from_the_program(site: Path, catalog: Catalog) -> None:
    html = (site / "handbook" / "badges" / "index.html").read_text(encoding="utf-8")
    assert "Employ at least 3 people who hold a valid Professional Services Engineer" in html
    assert "Outcome achieved within 180 days" in html
    assert "at least 4 different courses" in html
    assert "granted before 4 November 2021" in html
    overview = (site / "handbook" / "channel-services" / "index.html").read_text(encoding="utf-8")
    for service in catalog.program.services:
        assert service.name in overview
    psp = sum(1 for e in catalog.entries if "psp" in e.held_ids)
    assert re.search(rf"<th scope=\"row\">Professional Services Partner \(PSP\)</th><td>{psp}</td>",
                     overview)
    assert "partner-locator:" not in overview


def test_every_api_field_is_documented(site: Path) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", doc, re.MULTILINE))
    data = json.loads((site / "api" / "partners.json").read_text(encoding="utf-8"))
    fields = set(data) | {k for p in data["partners"] for k in p}
    fields |= {k for p in data["partners"] for b in p["badges"] for k in b}
    assert fields == documented


def test_the_site_leaves_out_theme_files_no_page_loads(site: Path) -> None:
    theme = [p.relative_to(site).as_posix() for p in (site / "assets").rglob("*") if p.is_file()]
    assert [p for p in theme if p.endswith(".map")] == []
    assert [p for p in theme if p.startswith("assets/javascripts/lunr/")] == []
    worker = [p for p in theme if p.startswith("assets/javascripts/workers/search.")]
    assert len(worker) == 1 and worker[0].endswith(".min.js")


@pytest.mark.parametrize(("languages", "wanted"), [
    (["en"], set()),
    (["de"], {"lunr.stemmer.support.min.js", "lunr.de.min.js"}),
    (["en", "ja"], {"lunr.stemmer.support.min.js", "lunr.ja.min.js", "lunr.multi.min.js",
                    "tinyseg.js"}),
    (["th"], {"lunr.stemmer.support.min.js", "lunr.th.min.js", "wordcut.js"}),
])
def test_the_lunr_files_kept_are_those_the_search_worker_loads(
        languages: list[str], wanted: set[str]) -> None:
    from generator.site.plugin import wanted_lunr_files
    assert wanted_lunr_files(languages) == wanted


def test_the_light_shell_shows_the_logo_icon_from_one_white_file(site: Path) -> None:
    icon = (Path(__file__).parents[2] / ".venv/lib/python3.11/site-packages/material/templates"
            / ".icons/material/handshake.svg")
    logo = (site / "assets" / "partner-locator" / "logo.svg").read_text(encoding="utf-8")
    assert logo.startswith('<svg fill="#fff" ')
    assert logo.split(" ", 2)[2] == icon.read_text(encoding="utf-8").strip().split(" ", 1)[1]
    page = site / "partners" / "elbe-devops" / "index.html"
    images = [a for t, a in parse(page).tags if t == "img" and a["src"].endswith("logo.svg")
              and "pl-profile__logo" not in a.get("class", "")]
    # The header's logo; the drawer's title names the site without a second one.
    assert images == [{"src": "../../assets/partner-locator/logo.svg", "alt": ""}]
    assert '<label class="md-nav__title" for="__drawer">Partner Locator</label>' \
        in page.read_text(encoding="utf-8")


def test_no_page_shows_an_empty_footer(site: Path) -> None:
    # Pages outside the navigation have no previous and next links, and the site sets no
    # copyright, social links or "Made with" line: no footer at all.
    for page in ("partners/elbe-devops/index.html", "partners/compare/index.html",
                 "browse/index.html", "404.html"):
        text = (site / page).read_text(encoding="utf-8")
        assert "<footer" not in text and "Made with" not in text, page
    # A handbook page keeps its previous and next links, without an empty bar below them.
    handbook = (site / "handbook" / "badges" / "index.html").read_text(encoding="utf-8")
    assert '<footer class="md-footer">' in handbook and "md-footer__link--prev" in handbook
    assert "md-footer-meta" not in handbook and "Made with" not in handbook


def test_a_copyright_brings_the_footer_back_on_every_page(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project", hostile=False)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "site_dir: site\n", "site_dir: site\ncopyright: Data \u00a9 Example Vendor\n", 1),
        encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.output
    for page in ("partners/elbe-devops/index.html", "partners/compare/index.html",
                 "handbook/badges/index.html", "404.html"):
        text = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert '<div class="md-copyright__highlight">' in text, page
        assert "Data \u00a9 Example Vendor" in text, page
