"""The locator's facets: small named units in one registry, and their values with counts.

A facet names a query parameter (``badge``, ``service`` ...), a legend, and how to read its
values from a catalog entry. Counting follows the locator's rule, OR within a facet and AND
across facets: the count beside a value is the number of partners the view would show if that
value were ticked as well, so each facet is counted under the selections of the others only.
Views get ``{value, label, count, url, selected}`` and only display it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from typing import Any
from urllib.parse import urlencode

import pycountry

from generator.catalog import CatalogEntry
from generator.model import Program

#: A selection: facet name to the values ticked in it.
Selection = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet as a view shows it."""

    value: str
    label: str
    count: int
    url: str
    selected: bool


@dataclass(frozen=True)
class FacetResult:
    """A facet with its values counted under a selection."""

    name: str
    label: str
    values: tuple[FacetValue, ...]


@dataclass(frozen=True)
class Facet:
    """A named facet: its query key, its legend and how to read its values from an entry.

    ``choices`` are the known values with their labels in display order; values found in the
    data but not in ``choices`` are shown after them, ordered by label.
    """

    name: str
    label: str
    #: Reads an entry's values (``CatalogEntry``, or a ``Piece`` of ``generator.site.pieces``).
    values_of: Callable[[Any], tuple[str, ...]]
    choices: tuple[tuple[str, str], ...] = ()
    label_of: Callable[[str], str] = str

    def label_for(self, value: str) -> str:
        """The display label of a value."""
        for known, label in self.choices:
            if known == value:
                return label
        return self.label_of(value)


@cache
def country_name(code: str) -> str:
    """The English short name of an ISO 3166-1 alpha-2 country."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


@cache
def language_name(code: str) -> str:
    """The English name of an ISO 639-1 language."""
    language = pycountry.languages.get(alpha_2=code)
    return code if language is None else str(language.name)


def facet_registry(program: Program) -> tuple[Facet, ...]:
    """The locator's facets, in the order they are shown and written into URLs."""
    return (
        Facet("badge", "Badge", lambda e: e.held_ids,
              tuple((b.id, b.name) for b in program.badges)),
        Facet("tier", "Tier", lambda e: (e.tier.id,) if e.tier is not None else (),
              tuple((t.id, t.name) for t in program.tiers)),
        Facet("service", "Service", lambda e: e.partner.services,
              tuple((s.id, s.name) for s in program.services)),
        Facet("region", "Region", lambda e: tuple(r.id for r in e.regions),
              tuple((r.id, r.name) for r in program.regions)),
        Facet("country", "Country", lambda e: e.countries, label_of=country_name),
        Facet("language", "Language", lambda e: e.partner.languages, label_of=language_name),
        Facet("industry", "Industry", lambda e: e.partner.industries,
              tuple((i.id, i.name) for i in program.industries)),
    )


def matches(facets: Sequence[Facet], entry: Any, selection: Selection,
            skip: str | None = None) -> bool:
    """True when the entry has one of the ticked values of every facet (but ``skip``)."""
    for facet in facets:
        wanted = selection.get(facet.name, ())
        if facet.name == skip or not wanted:
            continue
        if not set(facet.values_of(entry)).intersection(wanted):
            return False
    return True


def query_string(facets: Sequence[Facet], selection: Selection, q: str = "") -> str:
    """The canonical query for a view: ``?q=…`` then facets in registry order."""
    pairs: list[tuple[str, str]] = [("q", q)] if q else []
    for facet in facets:
        pairs.extend((facet.name, v) for v in selection.get(facet.name, ()))
    return f"?{urlencode(pairs)}" if pairs else "?"


def _toggled(selection: Selection, name: str, value: str) -> dict[str, list[str]]:
    out = {k: list(v) for k, v in selection.items()}
    current = out.setdefault(name, [])
    if value in current:
        current.remove(value)
    else:
        current.append(value)
    return out


def compute_facets(facets: Sequence[Facet], entries: Iterable[Any],
                   selection: Selection | None = None) -> tuple[FacetResult, ...]:
    """Every facet's values with counts under ``selection`` (OR within, AND across)."""
    chosen: Selection = selection or {}
    pool = tuple(entries)
    results: list[FacetResult] = []
    for facet in facets:
        counts: Counter[str]
        if any(chosen.values()):
            counts = Counter()
            for entry in pool:
                if matches(facets, entry, chosen, skip=facet.name):
                    counts.update(set(facet.values_of(entry)))
        else:  # every entry counts: the whole catalog's counts, at every build
            counts = Counter(chain.from_iterable(map(set, map(facet.values_of, pool))))
        known = [v for v, _ in facet.choices]
        extra = sorted((v for v in counts if v not in known), key=lambda v: (facet.label_for(v), v))
        ticked = chosen.get(facet.name, ())
        values = tuple(
            FacetValue(
                value=v,
                label=facet.label_for(v),
                count=counts.get(v, 0),
                url=query_string(facets, _toggled(chosen, facet.name, v)),
                selected=v in ticked,
            )
            for v in (*known, *extra)
        )
        results.append(FacetResult(facet.name, facet.label, values))
    return tuple(results)


def filter_entries(facets: Sequence[Facet], entries: Iterable[CatalogEntry],
                   selection: Selection) -> tuple[CatalogEntry, ...]:
    """The entries a selection shows, in their given order."""
    return tuple(e for e in entries if matches(facets, e, selection))
