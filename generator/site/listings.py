"""The locator page and the plain-link directory (browse lists), with their result cards."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from markupsafe import Markup

from generator.catalog import Catalog, CatalogEntry
from generator.facets import Facet, FacetResult, facet_registry
from generator.model import Program
from generator.site.common import (
    DIRECTORY,
    LOCATOR,
    LOGO_DIR,
    PlannedPage,
    SiteOptions,
    day_text,
    initials,
    office_text,
    plural,
    profile_src,
    render,
)
from generator.site.feed import feed_link
from generator.site.locator_index import LocatorIndex
from generator.site.pieces import Piece, PieceCatalog, as_pieces, piece_facets, piece_of
from generator.site.store import digest
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


def card_context(entry: CatalogEntry | Piece, program: Program, from_src: str,
                 urls: UrlStyle) -> dict[str, Any]:
    """What a result card shows, with links relative to ``from_src``."""
    piece = entry if isinstance(entry, Piece) else piece_of(entry, facet_registry(program), urls)
    place = office_text(piece.city, piece.country)
    if piece.more_offices:
        place += f" and {plural(piece.more_offices, 'more office')}"
    tiers = {t.id: t.name for t in program.tiers}
    tier = tier_text(tiers[piece.tier]) if piece.tier is not None else NO_TIER
    services = {s.id: s.name for s in program.services}
    badges = {b.id: b for b in program.badges}
    return {
        "url": urls.link(from_src, profile_src(piece.slug)),
        "logo": urls.href(from_src, piece.logo) if piece.logo else "",
        "initials": initials(piece.name),
        "name": piece.name,
        "badges": [
            {"id": b, "abbreviation": badges[b].abbreviation, "name": badges[b].name}
            for b in piece.held
        ],
        "meta": f"{tier} · {place}",
        "services": ", ".join(services[s] for s in piece.services),
        "summary": piece.snippet,
    }


@dataclass(frozen=True)
class BrowseList:
    """One plain list of the directory: a facet value or a letter, with its partners."""

    group: str
    key: str
    label: str
    title: str
    entries: tuple[Piece, ...]

    def src(self, number: int = 1) -> str:
        """The source path of page ``number`` of this list."""
        suffix = "" if number == 1 else f"{number}/"
        return f"browse/{self.group}/{self.key}/{suffix}index.md"


BrowseGroups = tuple[tuple[str, tuple["BrowseList", ...]], ...]


def browse_lists(catalog: Catalog | PieceCatalog, facets: Sequence[Facet]) -> BrowseGroups:
    """The directory's lists, grouped: by letter, badge, tier, service and region."""
    pieces = as_pieces(catalog)
    facets = piece_facets(facets)
    groups: list[tuple[str, tuple[BrowseList, ...]]] = []
    by_letter: dict[str, list[Piece]] = {letter: [] for letter in LETTERS}
    for piece in pieces.entries:
        by_letter[piece.letter].append(piece)
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
        members: dict[str, list[Piece]] = {value: [] for value, _ in facet.choices}
        for piece in pieces.entries:
            for value in facet.values_of(piece):
                if value in members:
                    members[value].append(piece)
        lists = tuple(
            BrowseList(facet.name, value, label, f"{facet.label}: {label}",
                       tuple(members[value]))
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


def locator_page(catalog: Catalog | PieceCatalog, results: Sequence[FacetResult], *,
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


class PageMemo(Protocol):
    """Bodies of pages kept between builds by a key of everything they show."""

    def get(self, key: str) -> str | None:
        """The body kept under ``key``, or None."""

    def put(self, key: str, body: str) -> None:
        """Keep ``body`` under ``key``."""


def directory_pages(catalog: Catalog | PieceCatalog,
                    groups: Sequence[tuple[str, Sequence[BrowseList]]],
                    urls: UrlStyle, options: SiteOptions,
                    memo: PageMemo | None = None) -> Iterator[PlannedPage]:
    """The plain-link directory: its index and every list, split into pages (with ``memo``,
    a page whose partners, title and place are those of a kept one is not rendered again)."""
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
            intro = f"{plural(len(blist.entries), 'partner')}, by name."
            for number, chunk in enumerate(chunks, start=1):
                src = blist.src(number)
                title = blist.title if number == 1 else f"{blist.title} (page {number})"
                key = ""
                if memo is not None:
                    key = digest(BROWSE_VERSION, src, title, intro, str(len(chunks)),
                                 str(urls.directory_urls),
                                 *(f"{e.slug}\0{e.name}\0{e.note}" for e in chunk))
                    kept = memo.get(key)
                    if kept is not None:
                        yield PlannedPage(src, "directory", title, Markup(kept))  # noqa: S704 - rendered here
                        continue
                body = _browse_page(blist, chunk, number=number, pages=len(chunks), title=title,
                                    intro=intro, urls=urls)
                if memo is not None:
                    memo.put(key, str(body))
                yield PlannedPage(src, "directory", title, body)


#: Part of a directory page's memo key: changed when the page's markup changes (the code's
#: own key covers that too, in the store's name).
BROWSE_VERSION = "browse-1"


def _browse_page(blist: BrowseList, chunk: Sequence[Piece], *, number: int, pages: int,
                 title: str, intro: str, urls: UrlStyle) -> Markup:
    src = blist.src(number)
    pager = [
        {"url": urls.link(src, blist.src(n)), "label": str(n), "current": n == number}
        for n in range(1, pages + 1)
    ] if pages > 1 else []
    items = [
        {"url": urls.link(src, profile_src(e.slug)), "name": e.name, "note": e.note}
        for e in chunk
    ]
    return render("browse.html", title=title, intro=intro, pager=pager, items=items,
                  locator_url=urls.link(src, LOCATOR), browse_url=urls.link(src, DIRECTORY))
