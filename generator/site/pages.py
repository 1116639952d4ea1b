"""The plan of the public site: every generated page and data file, with no MkDocs in sight.

``plan_site`` turns a catalog into pages (the locator, one profile per partner, the plain-link
directory) and data files (the open-data export, logos, the locator's search data). Page
bodies are HTML rendered here with autoescaping and ``StrictUndefined``; the MkDocs plugin
only hands them to the theme, and ``render --out DIR`` writes the same plan into a bare shell.
Handbook pages keep their prose in ``docs/`` and ask for generated tables and figures through
markers (``expand_markers``).
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from generator.catalog import Catalog, CatalogEntry
from generator.facets import (
    Facet,
    FacetResult,
    compute_facets,
    country_name,
    facet_registry,
    language_name,
)
from generator.model import (
    Badge,
    CertifiedRequirement,
    CoursesRequirement,
    CsatRequirement,
    PracticeRequirement,
    Program,
    Requirement,
    TierRequirement,
    TimeToValueRequirement,
)
from generator.site.locator_index import LocatorIndex, build_locator_index
from generator.site.urls import UrlStyle

TEMPLATES = Path(__file__).parent / "templates"
LOCATOR = "partners/index.md"
DIRECTORY = "browse/index.md"
API_FILE = "api/partners.json"
LOGO_DIR = "logos"
LETTERS = (*"abcdefghijklmnopqrstuvwxyz", "0-9")
#: The sitemap protocol's limit of URLs in one file.
SITEMAP_LIMIT = 50_000


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


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def office_text(city: str, country: str) -> str:
    """``Berlin, Germany``."""
    return f"{city}, {country_name(country)}"


#: Material's search opens itself when the address has ``?q=``, the locator's own parameter.
#: On the locator page the parameter is moved aside before Material starts, and the locator's
#: script puts it back.
LOCATOR_HEAD = Markup(
    "<script>(function(){var u=new URL(location.href);if(u.searchParams.has('q')){"
    "window.__plSearch=u.search;u.searchParams.delete('q');"
    "history.replaceState(history.state,'',u.href);}})();</script>"
)


# --- the locator ----------------------------------------------------------------------------


#: What a card says of a partner outside every tier.
NO_TIER = "No current tier"


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[^\w]+", name) if w]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def card_context(entry: CatalogEntry, program: Program, from_src: str,
                 urls: UrlStyle) -> dict[str, Any]:
    """What a result card shows, with links relative to ``from_src``."""
    logo = logo_path(entry)
    hq = entry.partner.headquarters
    place = office_text(hq.city, hq.country)
    others = len(entry.offices) - 1
    if others:
        place += f" and {_plural(others, 'more office')}"
    tier = entry.tier.name if entry.tier is not None else NO_TIER
    services = {s.id: s.name for s in program.services}
    return {
        "url": urls.link(from_src, profile_src(entry.slug)),
        "logo": urls.href(from_src, logo) if logo else "",
        "initials": _initials(entry.name),
        "name": entry.name,
        "badges": [
            {"id": h.id, "abbreviation": h.badge.abbreviation, "name": h.badge.name}
            for h in entry.held
        ],
        "meta": f"{tier} · {place}",
        "services": ", ".join(services[s] for s in entry.partner.services),
    }


@dataclass(frozen=True)
class BrowseList:
    """One plain list of the directory: a facet value or a letter, with its partners."""

    group: str
    key: str
    label: str
    title: str
    entries: tuple[CatalogEntry, ...]

    def src(self, number: int = 1) -> str:
        """The source path of page ``number`` of this list."""
        suffix = "" if number == 1 else f"{number}/"
        return f"browse/{self.group}/{self.key}/{suffix}index.md"


BrowseGroups = tuple[tuple[str, tuple["BrowseList", ...]], ...]


def browse_lists(catalog: Catalog, facets: Sequence[Facet]) -> BrowseGroups:
    """The directory's lists, grouped: by letter, badge, tier, service and region."""
    groups: list[tuple[str, tuple[BrowseList, ...]]] = []
    letters = tuple(
        BrowseList("letter", letter, letter.upper(), f"Partners: {letter.upper()}",
                   tuple(e for e in catalog.entries if e.letter == letter))
        for letter in LETTERS
    )
    groups.append(("By name", tuple(b for b in letters if b.entries)))
    titles = {
        "badge": "By badge", "tier": "By tier", "service": "By service", "region": "By region",
    }
    for facet in facets:
        if facet.name not in titles:
            continue
        lists = tuple(
            BrowseList(facet.name, value, label, f"{facet.label}: {label}",
                       tuple(e for e in catalog.entries if value in facet.values_of(e)))
            for value, label in facet.choices
        )
        groups.append((titles[facet.name], lists))
    return tuple(groups)


def _browse_context(groups: Sequence[tuple[str, Sequence[BrowseList]]], from_src: str,
                    urls: UrlStyle) -> list[dict[str, Any]]:
    return [
        {
            "label": label,
            "links": [
                {"url": urls.link(from_src, b.src()), "label": b.label, "count": len(b.entries)}
                for b in lists
            ],
        }
        for label, lists in groups
    ]


def locator_page(catalog: Catalog, results: Sequence[FacetResult], *,
                 groups: Sequence[tuple[str, Sequence[BrowseList]]], urls: UrlStyle,
                 options: SiteOptions, index: LocatorIndex) -> PlannedPage:
    """The locator: search box, facets with counts, the first screen of results, the directory."""
    total = len(catalog.entries)
    first = catalog.entries[: options.results_per_page]
    program = catalog.program
    # Facet labels are read from the page's own checkboxes; only what they lack ships here.
    labels = {
        "abbr": {b.id: b.abbreviation for b in program.badges},
        "noTier": NO_TIER,
    }
    profile = urls.link(LOCATOR, profile_src("SLUG"))
    body = render(
        "locator.html",
        root=urls.href(LOCATOR, ""),
        profile_pattern=profile,
        logo_pattern=urls.href(LOCATOR, f"{LOGO_DIR}/FILE"),
        index=urls.href(LOCATOR, index.index_path),
        page_size=options.results_per_page,
        total_text=_plural(total, "partner").capitalize(),
        as_of_text=day_text(catalog.as_of),
        facets=results,
        status_text=_status_text(len(first), total),
        cards=[card_context(e, program, LOCATOR, urls) for e in first],
        more_url=urls.link(LOCATOR, DIRECTORY),
        more_text=f"Find all {_plural(total, 'partner')} in the directory, by letter or topic",
        browse=_browse_context(groups, LOCATOR, urls),
        labels_json=json.dumps(labels, ensure_ascii=False, separators=(",", ":")),
    )
    return PlannedPage(LOCATOR, "locator", "Find a partner", body, LOCATOR_HEAD,
                       description="Search the program's partners by name, badge, tier, "
                                   "service, region, country, language and industry.")


def _status_text(shown: int, total: int) -> str:
    if total == 0:
        return "No partners match."
    if shown >= total:
        return f"{_plural(total, 'partner')}."
    return f"{_plural(total, 'partner')}, showing the first {shown:,}."


# --- profiles -------------------------------------------------------------------------------


def profile_page(entry: CatalogEntry, program: Program, *, urls: UrlStyle,
                 options: SiteOptions, site_url: str | None) -> PlannedPage:
    """Everything public about one partner."""
    src = profile_src(entry.slug)
    partner = entry.partner
    services = {s.id: s for s in program.services}
    industries = {i.id: i.name for i in program.industries}
    logo = logo_path(entry)
    badge_page = urls.link(src, options.badges_page)
    context = {
        "locator_url": urls.link(src, LOCATOR),
        "logo": urls.href(src, logo) if logo else "",
        "name": partner.name,
        "summary": partner.summary,
        "website": partner.website,
        "badges": [
            {
                "id": h.id,
                "name": h.badge.name,
                "abbreviation": h.badge.abbreviation,
                "handbook_url": f"{badge_page}#{h.id}",
                "granted_text": day_text(h.granted),
                "next_review_text": day_text(h.next_review) if h.next_review else "",
                "grace": h.status == "grace",
            }
            for h in entry.held
        ],
        "tier_text": (
            f"{entry.tier.name} partner." if entry.tier is not None
            else "Not in a program tier at present."
        ),
        "services": [
            {"name": services[s].name, "description": services[s].description}
            for s in partner.services
        ],
        "certified": [c.label for c in entry.certified],
        "offices": [
            {"text": office_text(o.city, o.country), "headquarters": i == 0}
            for i, o in enumerate(entry.offices)
        ],
        "languages": ", ".join(language_name(code) for code in partner.languages),
        "industries": ", ".join(industries[i] for i in partner.industries),
        "email": partner.contact.email if partner.contact else None,
        "phone": partner.contact.phone if partner.contact else None,
    }
    body = render("profile.html", **context)
    head = Markup('<script type="application/ld+json">{}</script>').format(
        script_json(organization(entry, program, site_url, urls))
    )
    return PlannedPage(src, "profile", partner.name, body, head, description=partner.summary)


def organization(entry: CatalogEntry, program: Program, site_url: str | None,
                 urls: UrlStyle) -> dict[str, Any]:
    """schema.org Organization data of a partner."""
    partner = entry.partner
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": partner.name,
        "url": partner.website,
        "description": partner.summary.strip(),
    }
    if site_url:
        data["@id"] = site_url + urls.page_url(profile_src(entry.slug))
        if (logo := logo_path(entry)) is not None:
            data["logo"] = site_url + logo
    data["address"] = [
        {"@type": "PostalAddress", "addressLocality": o.city, "addressCountry": o.country}
        for o in entry.offices
    ]
    if partner.contact and partner.contact.email:
        data["email"] = partner.contact.email
    if partner.contact and partner.contact.phone:
        data["telephone"] = partner.contact.phone
    if partner.languages:
        data["knowsLanguage"] = list(partner.languages)
    if entry.held:
        data["award"] = [f"{program.name}: {h.badge.name}" for h in entry.held]
    services = {s.id: s.name for s in program.services}
    data["knowsAbout"] = [services[s] for s in partner.services]
    return data


# --- the directory --------------------------------------------------------------------------


def directory_pages(catalog: Catalog, groups: Sequence[tuple[str, Sequence[BrowseList]]],
                    urls: UrlStyle, options: SiteOptions) -> Iterator[PlannedPage]:
    """The plain-link directory: its index and every list, split into pages."""
    yield PlannedPage(
        DIRECTORY, "directory", "Partner directory",
        render("browse_index.html", locator_url=urls.link(DIRECTORY, LOCATOR),
               browse=_browse_context(groups, DIRECTORY, urls)),
    )
    size = max(1, options.browse_page_size)
    for _label, lists in groups:
        for blist in lists:
            entries = blist.entries
            chunks = [entries[i:i + size] for i in range(0, len(entries), size)] or [()]
            for number, chunk in enumerate(chunks, start=1):
                src = blist.src(number)
                pager = [
                    {"url": urls.link(src, blist.src(n)), "label": str(n), "current": n == number}
                    for n in range(1, len(chunks) + 1)
                ] if len(chunks) > 1 else []
                title = blist.title if number == 1 else f"{blist.title} (page {number})"
                items = [
                    {
                        "url": urls.link(src, profile_src(e.slug)),
                        "name": e.name,
                        "note": _list_note(e),
                    }
                    for e in chunk
                ]
                intro = f"{_plural(len(blist.entries), 'partner')}, by name."
                yield PlannedPage(
                    src, "directory", title,
                    render("browse.html", title=title, intro=intro, pager=pager, items=items,
                           locator_url=urls.link(src, LOCATOR),
                           browse_url=urls.link(src, DIRECTORY)),
                )


def _list_note(entry: CatalogEntry) -> str:
    hq = entry.partner.headquarters
    badges = " ".join(h.badge.abbreviation for h in entry.held)
    place = office_text(hq.city, hq.country)
    return f"{place} · {badges}" if badges else place


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


# --- the plan -------------------------------------------------------------------------------


def plan_site(catalog: Catalog, partners_dir: Path, options: SiteOptions,
              site_url: str | None = None) -> SitePlan:
    """Every generated page and data file of the site."""
    urls = UrlStyle(options.directory_urls)
    program = catalog.program
    facets = facet_registry(program)
    results = compute_facets(facets, catalog.entries)
    groups = browse_lists(catalog, facets)
    index = build_locator_index(catalog, facets, results)
    pages: list[PlannedPage] = [
        locator_page(catalog, results, groups=groups, urls=urls, options=options, index=index)
    ]
    profiles = [
        profile_page(e, program, urls=urls, options=options, site_url=site_url)
        for e in catalog.entries
    ]
    pages.extend(profiles)
    pages.extend(directory_pages(catalog, groups, urls, options))
    files = [DataFile(API_FILE, api_bytes(catalog, urls))]
    files.extend(DataFile(path, content) for path, content in index.files.items())
    for entry in catalog.entries:
        if entry.partner.logo is not None and (target := logo_path(entry)) is not None:
            files.append(DataFile(target, source=partners_dir / entry.partner.logo))
    return SitePlan(tuple(pages), tuple(files), frozenset(p.src_uri for p in profiles),
                    index.index_path)


# --- handbook markers -----------------------------------------------------------------------

MARKER = re.compile(r"<!--\s*partner-locator:\s*([a-z-]+)(?:\s+([a-z0-9-]+))?\s*-->")
REQUIREMENT_GROUPS = {
    "tier": "Entry", "practice": "Entry", "certified": "Competency", "courses": "Competency",
    "time_to_value": "Compliance", "csat": "Compliance",
}
KPI_NAMES = {
    "infrastructure_ready": "Infrastructure ready",
    "first_value": "First value",
    "outcome_achieved": "Outcome achieved",
}


class MarkerError(ValueError):
    """A handbook page asks for a table or figure that does not exist."""


def _names(items: Iterable[str]) -> str:
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def _percent(share: float) -> str:
    return f"{share * 100:g}%"


def describe_requirement(req: Requirement, program: Program) -> str:
    """A requirement in plain words, with the numbers from program.yml."""
    names = {e.id: e.name for e in (*program.tiers, *program.practices)}
    certs = {c.id: c for c in program.certifications}
    if isinstance(req, TierRequirement):
        return (f"Be a partner in the {_names(names[t] for t in req.tiers)} tier and keep to "
                "the terms of that tier.")
    if isinstance(req, PracticeRequirement):
        return f"Run a {names[req.id].lower()} and declare it in the partner record."
    if isinstance(req, CertifiedRequirement):
        cert = certs[req.certification]
        return (f"Employ at least {req.at_least} people who hold a valid {cert.name} "
                f"({cert.abbreviation}) certification.")
    if isinstance(req, CoursesRequirement):
        return (f"Between them, the certified trainers on staff cover at least {req.at_least} "
                "different courses of the curriculum.")
    if isinstance(req, TimeToValueRequirement):
        targets = "; ".join(
            f"{KPI_NAMES[k]} within {days} days" for k, days in req.targets.items()
        )
        return (f"For customer engagements signed in the last {req.window_days} days, at least "
                f"{_percent(req.at_least)} reach each Time-to-Value milestone on target, counted "
                f"from the contract: {targets}.")
    if isinstance(req, CsatRequirement):
        return (f"Of the survey scores from courses delivered in the last {req.window_days} "
                f"days, at least {_percent(req.at_least)} are 4 or 5 out of 5.")
    raise MarkerError(f"no description for requirement kind {req.kind!r}")


def _badge(program: Program, badge_id: str | None) -> Badge:
    for badge in program.badges:
        if badge.id == badge_id:
            return badge
    raise MarkerError(f"unknown badge {badge_id!r} in a handbook marker")


def _table(head: Sequence[str], rows: Iterable[Sequence[object]], caption: str = "",
           row_headers: bool = True) -> Markup:
    table = {"head": head, "rows": [list(r) for r in rows], "caption": caption,
             "row_headers": row_headers, "css": ""}
    return render("_table.html", table=table)


def _months(n: int) -> str:
    return _plural(n, "month")


def _marker_requirements(catalog: Catalog, arg: str | None) -> Markup:
    program = catalog.program
    badge = _badge(program, arg)
    rows = [(REQUIREMENT_GROUPS[r.kind], describe_requirement(r, program))
            for r in badge.requirements]
    return _table(("Group", "Requirement"), rows,
                  caption=f"Requirements of the {badge.name} ({badge.abbreviation}) badge")


def _marker_badges(catalog: Catalog, _arg: str | None) -> Markup:
    rows = [(f"{b.name} ({b.abbreviation})", b.description) for b in catalog.program.badges]
    return _table(("Badge", "Who it is for"), rows)


def _marker_review(catalog: Catalog, _arg: str | None) -> Markup:
    rows = [
        (f"{b.name} ({b.abbreviation})", f"every {_months(b.review.every_months)}",
         f"{_months(b.review.evidence_due_months)} before the review",
         _months(b.review.grace_months))
        for b in catalog.program.badges
    ]
    return _table(("Badge", "Reviewed", "Evidence due", "Grace period"), rows)


def _marker_grandfather(catalog: Catalog, _arg: str | None) -> Markup:
    rows = []
    for badge in catalog.program.badges:
        for req in badge.requirements:
            if isinstance(req, CertifiedRequirement) and req.grandfather is not None:
                rows.append((
                    f"{badge.name} ({badge.abbreviation})",
                    describe_requirement(req, catalog.program),
                    f"granted before {day_text(req.grandfather.granted_before)}",
                    day_text(req.grandfather.enforced_from),
                ))
    return _table(("Badge", "Requirement", "Badges", "Enforced from"), rows)


def _marker_services(catalog: Catalog, _arg: str | None) -> Markup:
    return _table(("Service", "What it covers"),
                  ((s.name, s.description) for s in catalog.program.services))


def _marker_tiers(catalog: Catalog, _arg: str | None) -> Markup:
    return _table(("Tier", "Who it is for"),
                  ((t.name, t.description) for t in catalog.program.tiers))


def _marker_certifications(catalog: Catalog, _arg: str | None) -> Markup:
    program = catalog.program
    courses = ", ".join(c.name for c in program.courses)
    rows = []
    for cert in program.certifications:
        text = cert.description
        if cert.per_course:
            text = f"{text} Courses: {courses}."
        rows.append((f"{cert.name} ({cert.abbreviation})", text))
    return _table(("Certification", "What it shows"), rows)


def _marker_figures_badges(catalog: Catalog, _arg: str | None) -> Markup:
    program = catalog.program
    rows = []
    for badge in program.badges:
        holders = [e for e in catalog.entries if badge.id in e.held_ids]
        rows.append((f"{badge.name} ({badge.abbreviation})", f"{len(holders):,}"))
    rows.append(("Partners in the locator", f"{len(catalog.entries):,}"))
    return _table(("Badge", "Partners holding it"), rows,
                  caption=f"Badges held on {day_text(catalog.as_of)}")


def _marker_figures_regions(catalog: Catalog, _arg: str | None) -> Markup:
    program = catalog.program
    rows = []
    for region in program.regions:
        members = [e for e in catalog.entries if region in e.regions]
        row: list[object] = [region.name, f"{len(members):,}"]
        row.extend(f"{sum(1 for e in members if b.id in e.held_ids):,}" for b in program.badges)
        rows.append(row)
    head = ("Region", "Partners", *(f"with {b.abbreviation}" for b in program.badges))
    return _table(head, rows,
                  caption=f"Partners with an office in each region on {day_text(catalog.as_of)}")


def _marker_as_of(catalog: Catalog, _arg: str | None) -> Markup:
    return Markup("{}").format(day_text(catalog.as_of))


MARKERS: Mapping[str, Callable[[Catalog, str | None], Markup]] = {
    "as-of": _marker_as_of,
    "badges": _marker_badges,
    "certifications": _marker_certifications,
    "figures-badges": _marker_figures_badges,
    "figures-regions": _marker_figures_regions,
    "grandfather": _marker_grandfather,
    "requirements": _marker_requirements,
    "review": _marker_review,
    "services": _marker_services,
    "tiers": _marker_tiers,
}


def expand_markers(markdown: str, catalog: Catalog) -> str:
    """Replace ``<!-- partner-locator: NAME [ARG] -->`` with generated HTML."""

    def one(match: re.Match[str]) -> str:
        name, arg = match.group(1), match.group(2)
        if name not in MARKERS:
            raise MarkerError(f"unknown handbook marker {name!r}; known: {', '.join(MARKERS)}")
        html = str(MARKERS[name](catalog, arg)).strip()
        return html if name == "as-of" else f"\n\n{html}\n\n"

    return MARKER.sub(one, markdown)


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
