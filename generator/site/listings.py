"""The locator page and the plain-link directory (browse lists), with their result cards."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator.catalog import Catalog, CatalogEntry
from generator.facets import Facet, FacetResult
from generator.model import Program
from generator.site.common import (
    DIRECTORY,
    LOCATOR,
    LOGO_DIR,
    PlannedPage,
    SiteOptions,
    day_text,
    initials,
    logo_path,
    office_text,
    plural,
    profile_src,
    render,
)
from generator.site.feed import feed_link
from generator.site.locator_index import LocatorIndex, snippet
from generator.site.urls import UrlStyle

LETTERS = (*"abcdefghijklmnopqrstuvwxyz", "0-9")

# --- the locator ----------------------------------------------------------------------------


#: Material's search opens itself when the address has ``?q=``, the locator's own parameter.
#: On the locator page the parameter is moved aside before Material starts, and the locator's
#: script puts it back. The ``pl-js`` class shows the controls that need the script before
#: the first paint (without a script they stay hidden, and plain links stand in).
LOCATOR_HEAD = Markup(
    "<script>document.documentElement.classList.add('pl-js');"
    "(function(){var u=new URL(location.href);if(u.searchParams.has('q')){"
    "window.__plSearch=u.search;u.searchParams.delete('q');"
    "history.replaceState(history.state,'',u.href);}})();</script>"
)


#: What a card says of a partner outside every tier.
NO_TIER = "No current tier"
#: The handbook page that explains the badges, linked from the badge filter.
BADGES_PAGE = "handbook/badges.md"


def tier_text(name: str) -> str:
    """A tier's name as a card reads it: "Select tier" (``tierText`` in locator.js)."""
    return name if name.lower().endswith("tier") else f"{name} tier"


def card_context(entry: CatalogEntry, program: Program, from_src: str,
                 urls: UrlStyle) -> dict[str, Any]:
    """What a result card shows, with links relative to ``from_src``."""
    logo = logo_path(entry)
    hq = entry.partner.headquarters
    place = office_text(hq.city, hq.country)
    others = len(entry.offices) - 1
    if others:
        place += f" and {plural(others, 'more office')}"
    tier = tier_text(entry.tier.name) if entry.tier is not None else NO_TIER
    services = {s.id: s.name for s in program.services}
    return {
        "url": urls.link(from_src, profile_src(entry.slug)),
        "logo": urls.href(from_src, logo) if logo else "",
        "initials": initials(entry.name),
        "name": entry.name,
        "badges": [
            {"id": h.id, "abbreviation": h.badge.abbreviation, "name": h.badge.name}
            for h in entry.held
        ],
        "meta": f"{tier} · {place}",
        "services": ", ".join(services[s] for s in entry.partner.services),
        "summary": snippet(entry.partner.summary),
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
    by_letter: dict[str, list[CatalogEntry]] = {letter: [] for letter in LETTERS}
    for entry in catalog.entries:
        by_letter[entry.letter].append(entry)
    letters = tuple(
        BrowseList("letter", letter, letter.upper(), f"Partners: {letter.upper()}",
                   tuple(by_letter[letter]))
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
        total_text=plural(total, "partner").capitalize(),
        as_of_text=day_text(catalog.as_of),
        facets=results,
        status_text=_status_text(len(first), total),
        has_more=len(first) < total,
        badges_url=urls.link(LOCATOR, BADGES_PAGE),
        cards=[card_context(e, program, LOCATOR, urls) for e in first],
        more_url=urls.link(LOCATOR, DIRECTORY),
        more_text=f"Find all {plural(total, 'partner')} in the directory, by letter or topic",
        browse=_browse_context(groups, LOCATOR, urls),
        labels_json=json.dumps(labels, ensure_ascii=False, separators=(",", ":")),
    )
    head = LOCATOR_HEAD + feed_link(urls, LOCATOR, program.name)
    return PlannedPage(LOCATOR, "locator", "Find a partner", body, head,
                       description="Search the program's partners by name, badge, tier, "
                                   "service, region, country, language and industry.")


def _status_text(shown: int, total: int) -> str:
    if total == 0:
        return "No partners match."
    if shown >= total:
        return f"{plural(total, 'partner')}."
    return f"{plural(total, 'partner')}, showing the first {shown:,}."


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
                intro = f"{plural(len(blist.entries), 'partner')}, by name."
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

