"""The validated, evaluated and sorted partner set that every public page is made from.

A catalog is computed once per build from a valid ``LoadResult`` and an as-of day. Each entry
carries only what the public may see, already worked out: held badges (active or grace), the
current tier, regions and countries, counts of certified practitioners and the day of the most
recent award. Pages, facets and exports read entries, never raw partner files, so nothing
private (people, engagements, reasons, legacy grants) can reach them by accident.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cache
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel
from pyuca import Collator  # type: ignore[import-untyped]  # ships no type hints

from generator.badges import BadgeState, certified_count, evaluate_partner
from generator.badges.kinds import KINDS, ONE_DAY, certified_noun, track_on
from generator.diagnostics import DataError
from generator.load import LoadResult
from generator.model import Badge, Entry, Partner, Place, Program, Region


@dataclass(frozen=True)
class HeldBadge:
    """A badge a partner holds on the as-of day, with what the public may know about it."""

    badge: Badge
    status: str
    granted: date
    next_review: date | None

    @property
    def id(self) -> str:
        """The badge id, as in program.yml."""
        return self.badge.id


@dataclass(frozen=True)
class CertifiedCount:
    """How many employed people hold a valid certification of one type on the as-of day."""

    certification: str
    name: str
    count: int

    @property
    def label(self) -> str:
        """``4 certified Professional Services Engineers``, ``1 Certified Trainer``."""
        return f"{self.count} {certified_noun(self.name, self.count)}"


@dataclass(frozen=True)
class CatalogEntry:
    """One partner as the public sees it on the as-of day."""

    partner: Partner
    states: Mapping[str, BadgeState]
    held: tuple[HeldBadge, ...]
    tier: Entry | None
    offices: tuple[Place, ...]
    countries: tuple[str, ...]
    regions: tuple[Region, ...]
    certified: tuple[CertifiedCount, ...]
    last_awarded: date | None
    #: The name's Unicode Collation Algorithm key, packed (``packed_key``): compared as bytes
    #: it sorts as the key does, in a tenth of the memory.
    sort_name: bytes

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled with its states as a plain dict (a read-only view cannot be pickled)."""
        values = [getattr(self, f.name) for f in fields(self)]
        values[1] = dict(self.states)
        return (_entry, tuple(values))

    @property
    def slug(self) -> str:
        """The partner's slug (its file name)."""
        return self.partner.slug

    @property
    def name(self) -> str:
        """The partner's name as written."""
        return self.partner.name

    @property
    def held_ids(self) -> tuple[str, ...]:
        """Ids of the held badges, in program order."""
        return tuple(h.id for h in self.held)

    @property
    def region_ids(self) -> tuple[str, ...]:
        """Ids of the regions the partner has an office in."""
        return tuple(r.id for r in self.regions)

    @property
    def letter(self) -> str:
        """The browse letter: ``a`` to ``z`` (Ø under o, Æ under a, Ł under l), else ``0-9``."""
        return name_letter(unpacked_key(self.sort_name))


def _entry(*values: Any) -> CatalogEntry:
    entry = CatalogEntry(*values)
    object.__setattr__(entry, "states", MappingProxyType(entry.states))
    return entry


@cache
def _collator() -> Collator:
    return Collator()


def name_key(name: str) -> tuple[int, ...]:
    """A sort key for names by the Unicode Collation Algorithm, spaces collapsed.

    Letters sort as readers of Latin scripts expect: ``Øresund`` beside ``Oresund``, ``Æ``
    as ``ae``, ``Ł`` with ``L``; case and accents only break ties.
    """
    text = " ".join(unicodedata.normalize("NFC", name).split())
    key: tuple[int, ...] = _collator().sort_key(text)
    return key


def packed_key(key: tuple[int, ...]) -> bytes:
    """A collation key as bytes, two a weight, big-endian: byte order is key order (every
    weight of the collation tables is below 65,536)."""
    return b"".join(weight.to_bytes(2, "big") for weight in key)


def unpacked_key(packed: bytes) -> tuple[int, ...]:
    """The weights of a ``packed_key``."""
    return tuple(int.from_bytes(packed[i:i + 2], "big") for i in range(0, len(packed), 2))


@cache
def _letter_weights() -> tuple[dict[int, str], int]:
    """The primary weight of each letter a to z, and the lowest weight of a digit."""
    letters = {name_key(c)[0]: c for c in "abcdefghijklmnopqrstuvwxyz"}
    return letters, name_key("0")[0]


def name_letter(key: tuple[int, ...]) -> str:
    """The letter a name files under: its first letter or digit by primary weight.

    Punctuation before the first letter or digit is skipped; a first letter that is not a
    variant of a to z (Greek, Cyrillic, Þ) files under ``0-9`` with the digits.
    """
    letters, first_digit = _letter_weights()
    for weight in key:
        if weight == 0:
            break  # the end of the primary weights
        if weight >= first_digit:
            return letters.get(weight, "0-9")
    return "0-9"


def tier_on(partner: Partner, day: date) -> str | None:
    """The id of the tier whose track holds ``day``, or None."""
    track = track_on(partner, day)
    return track.tier if track is not None else None


def _unique(values: Iterator[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return tuple(seen)


def make_entry(partner: Partner, program: Program, as_of: date) -> CatalogEntry:
    """Evaluate one partner for the public on the as-of day."""
    states = evaluate_partner(partner, program, as_of)
    held: list[HeldBadge] = []
    for badge in program.badges:
        state = states.get(badge.id)
        # Held: active or in grace, the only badges the public site shows.
        if state is not None and state.held and state.granted is not None:
            held.append(HeldBadge(badge, state.status, state.granted, state.next_review))
    tier_id = tier_on(partner, as_of)
    tiers = {t.id: t for t in program.tiers}
    offices = (partner.headquarters, *partner.locations)
    countries = _unique(o.country for o in offices)
    region_ids = {r.id for c in countries if (r := program.region_of(c)) is not None}
    certified = tuple(
        CertifiedCount(c.id, c.name, n)
        for c in program.certifications
        if (n := certified_count(partner, c.id, as_of)) > 0
    )
    return CatalogEntry(
        partner=partner,
        states=MappingProxyType(dict(states)),
        held=tuple(held),
        tier=tiers.get(tier_id) if tier_id is not None else None,
        offices=offices,
        countries=countries,
        regions=tuple(r for r in program.regions if r.id in region_ids),
        certified=certified,
        last_awarded=max((h.granted for h in held), default=None),
        sort_name=packed_key(name_key(partner.name)),
    )


def stable_until(partner: Partner, program: Program, as_of: date,
                 states: Mapping[str, BadgeState]) -> date | None:
    """The first day after ``as_of`` on which the partner's entry can differ from its entry
    on ``as_of`` (``states`` are its badges then), or None when no later day can change it.

    Badges, the tier and certified counts change only on days the facts or the rules name:
    a date in the partner file or ``program.yml``, or the day after it; a day on which a
    requirement's answer can change (``Kind.changes``, which knows each kind's windows); and,
    for a held badge, its next review, its evidence day and the day after its grace period.
    Before the earliest of those after ``as_of`` nothing in the entry can move, so a result
    made for ``as_of`` serves every day up to it.
    """
    days: set[date] = set(_program_days(program))
    for value in _dates(partner):
        days.update((value, value + ONE_DAY))
    for badge in program.badges:
        for requirement in badge.requirements:
            days.update(KINDS[requirement.kind].changes(partner, requirement))
        state = states.get(badge.id)
        if state is not None:
            days.update(d for d in (state.next_review, state.evidence_due) if d is not None)
            if state.grace_until is not None:
                days.add(state.grace_until + ONE_DAY)
    return min((d for d in days if d > as_of), default=None)


def _program_days(program: Program) -> frozenset[date]:
    """The program's dates and the days after them (kept with the program, by identity)."""
    known = _PROGRAM_DAYS.get(id(program))
    if known is None or known[0] is not program:
        known = (program, frozenset(d for value in _dates(program)
                                    for d in (value, value + ONE_DAY)))
        _PROGRAM_DAYS.clear()
        _PROGRAM_DAYS[id(program)] = known
    return known[1]


_PROGRAM_DAYS: dict[int, tuple[Program, frozenset[date]]] = {}


def _dates(value: object) -> Iterator[date]:
    """Every date in a model, at any depth."""
    if isinstance(value, date):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _dates(getattr(value, name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _dates(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _dates(item)


@dataclass(frozen=True)
class Catalog:
    """Every valid partner, evaluated on ``as_of``, sorted by name then slug."""

    program: Program
    as_of: date
    entries: tuple[CatalogEntry, ...]
    #: The logos the site publishes, by slug: the loader's rewritten bytes, never the files.
    logos: Mapping[str, bytes] = field(default_factory=dict)

    @classmethod
    def build(cls, result: LoadResult, as_of: date) -> Catalog:
        """The catalog of a loaded folder; raises ``DataError`` when the folder is invalid."""
        if not result.ok or result.program is None:
            raise DataError(list(result.diagnostics))
        program = result.program
        entries = [make_entry(p, program, as_of) for p in result.partners]
        entries.sort(key=by_name)
        return cls(program, as_of, tuple(entries), result.logos)

    def by_slug(self) -> Mapping[str, CatalogEntry]:
        """Entries keyed by slug."""
        return {e.slug: e for e in self.entries}

    def recently_awarded(self) -> tuple[CatalogEntry, ...]:
        """Entries by most recent award first; partners without a held badge last, by name."""
        return tuple(sorted(self.entries, key=by_recent_award))


def by_name(entry: CatalogEntry) -> tuple[bytes, str]:
    """Sort key: name (collated), then slug."""
    return (entry.sort_name, entry.slug)


def by_recent_award(entry: CatalogEntry) -> tuple[int, bytes, str]:
    """Sort key: latest award first, then name, then slug; no award last."""
    ordinal = entry.last_awarded.toordinal() if entry.last_awarded is not None else 0
    return (-ordinal, entry.sort_name, entry.slug)
