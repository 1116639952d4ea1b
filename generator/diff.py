"""What a change to the partner data does, on one as-of day: the comparison behind ``diff``.

Two loaded folders (the base of a merge request and its head) are evaluated on the same day and
compared the way a reviewer reads them: partners added and removed, badges that move, what the
public will see change on a profile, program changes and the partners they move, and the
validation errors the change introduces. Everything unchanged is left out.

Only public facts and the badge engine's own reasons leave this module: person ids, engagement
ids and noncompliance reasons never do, not even inside a validation message.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from generator.badges import HELD, BadgeState, evaluate_partner
from generator.catalog import CatalogEntry, make_entry
from generator.diagnostics import Diagnostic
from generator.facets import language_name
from generator.load import LoadResult, TooLargeError, display_path, partner_files, read_limited
from generator.model import Partner, Program
from generator.notices.events import program_events
from generator.source import MAX_FILE_BYTES, parse_yaml

#: What a badge change is called, in the order a reviewer cares about them.
CHANGE_KINDS: tuple[str, ...] = (
    "granted", "restored", "grace", "lapsed", "withdrawn", "at_risk", "safe", "dates",
    "requirements",
)

#: Shown instead of a private value inside a validation message.
REDACTED = "(private)"


@dataclass(frozen=True)
class BadgeView:
    """The parts of a badge state a diff compares."""

    status: str
    granted: date | None
    next_review: date | None
    grace_until: date | None
    at_risk: bool
    unmet: tuple[str, ...]

    @classmethod
    def of(cls, state: BadgeState | None) -> BadgeView:
        """The view of an engine state; no state reads as never granted."""
        if state is None:
            return cls("none", None, None, None, at_risk=False, unmet=())
        return cls(
            state.status, state.granted, state.next_review, state.grace_until,
            at_risk=bool(state.at_risk), unmet=tuple(state.unmet),
        )

    @property
    def held(self) -> bool:
        """Active or in grace: the public sees it."""
        return self.status in HELD


@dataclass(frozen=True)
class BadgeChange:
    """One badge of one partner that moves."""

    slug: str
    name: str
    badge: str
    badge_name: str
    kind: str
    before: BadgeView
    after: BadgeView
    date: date | None
    reason: str | None


@dataclass(frozen=True)
class PartnerLine:
    """A partner added or removed, with what the public saw or will see of it."""

    slug: str
    name: str
    tier: str | None
    badges: tuple[str, ...]
    valid: bool = True


@dataclass(frozen=True)
class FieldChange:
    """One public field of a profile: what it showed and what it will show."""

    field: str
    before: str | None
    after: str | None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProfileChange:
    """The public changes on one partner's profile."""

    slug: str
    name: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class ProgramChange:
    """One value of the program definition that changes, by its path of ids."""

    path: str
    before: str | None
    after: str | None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProgramMove:
    """A badge that moves because of the program change alone."""

    slug: str
    name: str
    badge: str
    badge_name: str
    kind: str
    before: BadgeView
    after: BadgeView


#: How far past the as-of day the diff looks for notices the change would cause.
NOTICE_HORIZON_DAYS = 90


@dataclass(frozen=True)
class NoticeChange:
    """A badge notice (SPEC §8) that the change causes, or cancels, from the as-of day on."""

    slug: str
    name: str
    badge: str
    badge_name: str
    kind: str
    day: date
    change: str  # "new": the head sends it, the base did not; "cancelled": the reverse


@dataclass(frozen=True)
class Diff:
    """Everything a change does, on one as-of day. Every tuple is sorted for display."""

    as_of: date
    base: str
    added: tuple[PartnerLine, ...]
    removed: tuple[PartnerLine, ...]
    badges: tuple[BadgeChange, ...]
    profiles: tuple[ProfileChange, ...]
    program: tuple[ProgramChange, ...]
    program_moves: tuple[ProgramMove, ...]
    new_errors: tuple[Diagnostic, ...]
    fixed_errors: int
    not_compared: tuple[str, ...]
    no_visible_change: tuple[str, ...]
    head_valid: bool
    compared: bool = True
    notices: tuple[NoticeChange, ...] = ()

    @property
    def changed(self) -> bool:
        """True when there is anything to report."""
        return bool(
            self.added or self.removed or self.badges or self.profiles or self.program
            or self.program_moves or self.new_errors or self.fixed_errors or self.not_compared
            or self.no_visible_change or self.notices
        )


# --- comparing -----------------------------------------------------------------------------


def compare(base: LoadResult, head: LoadResult, as_of: date, base_label: str = "") -> Diff:
    """Compare two loaded folders on one as-of day."""
    base_files = _file_digests(base.folder)
    head_files = _file_digests(head.folder)
    base_slugs = {Path(n).stem for n in base_files if _is_partner_file(n)}
    head_slugs = {Path(n).stem for n in head_files if _is_partner_file(n)}
    base_valid = {p.slug: p for p in base.partners}
    head_valid = {p.slug: p for p in head.partners}

    base_entries = _entries(base, base_valid.values(), as_of)
    head_entries = _entries(head, head_valid.values(), as_of)

    added = tuple(
        _partner_line(slug, head_entries.get(slug), head_valid.get(slug))
        for slug in sorted(head_slugs - base_slugs)
    )
    removed = tuple(
        _partner_line(slug, base_entries.get(slug), base_valid.get(slug))
        for slug in sorted(base_slugs - head_slugs)
    )

    badges: list[BadgeChange] = []
    profiles: list[ProfileChange] = []
    not_compared: list[str] = []
    quiet: list[str] = []
    comparable = base.program is not None and head.program is not None
    for slug in sorted(base_slugs & head_slugs) if comparable else ():
        before, after = base_entries.get(slug), head_entries.get(slug)
        if before is None or after is None:
            if before is not None or after is not None:
                not_compared.append(slug)  # valid on one side only
            continue
        assert base.program is not None and head.program is not None  # noqa: S101 - comparable
        found_badges = list(_badge_changes(before, after, base.program, head.program))
        found_fields = tuple(
            _profile_changes(
                before, after, base=base.program, head=head.program,
                base_files=base_files, head_files=head_files,
            )
        )
        badges.extend(found_badges)
        if found_fields:
            profiles.append(ProfileChange(slug, after.name, found_fields))
        if not found_badges and not found_fields and _touched(slug, base_files, head_files):
            quiet.append(slug)

    program_changes: tuple[ProgramChange, ...] = ()
    moves: tuple[ProgramMove, ...] = ()
    if base.program is not None and head.program is not None and base.program != head.program:
        program_changes = tuple(program_diff(base.program, head.program))
        moves = tuple(_program_moves(head_valid.values(), base.program, head.program, as_of))

    new_errors, fixed = _error_changes(base, head)
    notices = (_notice_changes(base, head, as_of, base_files, head_files,
                               skip=frozenset(not_compared)) if comparable else ())
    return Diff(
        as_of=as_of,
        base=base_label,
        added=added,
        removed=removed,
        badges=tuple(badges),
        profiles=tuple(profiles),
        program=program_changes,
        program_moves=moves,
        new_errors=new_errors,
        fixed_errors=fixed,
        not_compared=tuple(not_compared),
        no_visible_change=tuple(quiet),
        head_valid=head.ok,
        compared=comparable,
        notices=notices,
    )


def _notice_changes(
    base: LoadResult, head: LoadResult, as_of: date,
    base_files: Mapping[str, str], head_files: Mapping[str, str],
    *, skip: frozenset[str] = frozenset(),
) -> tuple[NoticeChange, ...]:
    """Notices from the as-of day to the horizon that one side sends and the other does not.

    Only partners whose file changed are compared, unless the program changed too; partners
    valid on one side only (``skip``) are listed as not compared and cause no notice change.
    """
    assert base.program is not None and head.program is not None  # noqa: S101 - comparable
    everyone = base.program != head.program
    end = as_of + timedelta(days=NOTICE_HORIZON_DAYS)

    def side(result: LoadResult) -> dict[tuple[str, str, str, str], NoticeChange]:
        assert result.program is not None  # noqa: S101 - comparable
        partners = [p for p in result.partners if p.slug not in skip
                    and (everyone or _touched(p.slug, base_files, head_files))]
        return {
            e.key: NoticeChange(e.partner.slug, e.partner.name, e.badge.id,
                                e.badge.abbreviation, e.kind, e.day, "new")
            for e in program_events(partners, result.program, as_of, end)
        }

    before, after = side(base), side(head)
    changes = [after[k] for k in after.keys() - before.keys()]
    changes += [replace(before[k], change="cancelled") for k in before.keys() - after.keys()]
    return tuple(sorted(changes, key=lambda c: (c.day, c.slug, c.badge, c.kind, c.change)))


def _is_partner_file(name: str) -> bool:
    return name.endswith((".yml", ".yaml")) and name != "program.yml"


def _file_digests(folder: Path) -> dict[str, str]:
    """Name to content digest of every regular file directly in a folder.

    Links and special files are never followed (the loader reports them as errors), and no
    file is read past the size the loader accepts.
    """
    if not folder.is_dir():
        return {}
    digests: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        try:
            raw = read_limited(path, MAX_FILE_BYTES)
        except (OSError, TooLargeError):
            digests[path.name] = "unreadable"
            continue
        digests[path.name] = hashlib.sha256(raw).hexdigest()
    return digests


def _touched(slug: str, base_files: Mapping[str, str], head_files: Mapping[str, str]) -> bool:
    """True when the partner file or its logo differs between the sides."""
    names = [f"{slug}.yml", f"{slug}.svg", f"{slug}.png"]
    return any(base_files.get(n) != head_files.get(n) for n in names)


def _entries(
    result: LoadResult, partners: Iterable[Partner], as_of: date
) -> dict[str, CatalogEntry]:
    if result.program is None:
        return {}
    return {p.slug: make_entry(p, result.program, as_of) for p in partners}


def _partner_line(slug: str, entry: CatalogEntry | None, partner: Partner | None) -> PartnerLine:
    if entry is None:
        return PartnerLine(slug, partner.name if partner else slug, None, (), valid=False)
    return PartnerLine(
        slug, entry.name, entry.tier.name if entry.tier else None,
        tuple(h.badge.abbreviation for h in entry.held),
    )


# --- badges --------------------------------------------------------------------------------


def classify(before: BadgeView, after: BadgeView) -> str | None:
    """The kind of a badge change, or None when the badge does not move."""
    if before.status != after.status:
        if after.status == "active":
            return "restored" if before.status == "grace" else "granted"
        if after.status == "grace":
            return "grace"
        if after.status == "lapsed":
            return "lapsed"
        return "withdrawn"
    if after.status == "active" and before.at_risk != after.at_risk:
        return "at_risk" if after.at_risk else "safe"
    if (before.granted, before.next_review, before.grace_until) != (
        after.granted, after.next_review, after.grace_until
    ):
        return "dates"
    if before.unmet != after.unmet and after.status in HELD:
        # What a badge nobody holds still misses is bulk: only held badges report it.
        return "requirements"
    return None


def _badge_order(base: Program, head: Program) -> list[tuple[str, str]]:
    """Badge ids and names in head program order, then badges only the base has."""
    seen = {b.id: b.abbreviation for b in head.badges}
    for badge in base.badges:
        seen.setdefault(badge.id, badge.abbreviation)
    return list(seen.items())


def _badge_changes(
    before: CatalogEntry, after: CatalogEntry, base: Program, head: Program
) -> Iterator[BadgeChange]:
    for badge_id, badge_name in _badge_order(base, head):
        old_state, new_state = before.states.get(badge_id), after.states.get(badge_id)
        old, new = BadgeView.of(old_state), BadgeView.of(new_state)
        kind = classify(old, new)
        if kind is None:
            continue
        when, reason = _why(kind, new_state, old_state)
        yield BadgeChange(
            after.slug, after.name, badge_id, badge_name, kind, old, new, when, reason
        )


def _why(
    kind: str, state: BadgeState | None, old: BadgeState | None
) -> tuple[date | None, str | None]:
    """The day and the engine's reason for the latest transition the change introduces."""
    if state is None:
        return None, None
    if kind in ("at_risk", "safe", "requirements"):
        return None, None
    previous = set(old.history) if old is not None else set()
    fresh = [t for t in state.history if t not in previous]
    if fresh:
        last = fresh[-1]
        return last.date, last.reason
    if state.history:
        last = state.history[-1]
        return last.date, last.reason
    return None, None


def _program_moves(
    partners: Iterable[Partner], base: Program, head: Program, as_of: date
) -> Iterator[ProgramMove]:
    """Badges that move when only the program changes: head partners, base vs head program."""
    order = _badge_order(base, head)
    for partner in sorted(partners, key=lambda p: p.slug):
        under_base = evaluate_partner(partner, base, as_of)
        under_head = evaluate_partner(partner, head, as_of)
        for badge_id, badge_name in order:
            old = BadgeView.of(under_base.get(badge_id))
            new = BadgeView.of(under_head.get(badge_id))
            kind = classify(old, new)
            if kind is not None and kind != "requirements":
                yield ProgramMove(partner.slug, partner.name, badge_id, badge_name, kind, old, new)


# --- profiles ------------------------------------------------------------------------------


def _names(program: Program, attribute: str) -> dict[str, str]:
    entries = getattr(program, attribute)
    return {e.id: e.name for e in entries}


def _set_change(
    field: str, old: Iterable[str], new: Iterable[str]
) -> FieldChange | None:
    old_t, new_t = tuple(old), tuple(new)
    if old_t == new_t:
        return None
    added = tuple(v for v in new_t if v not in old_t)
    removed = tuple(v for v in old_t if v not in new_t)
    if not added and not removed:  # same values, another order
        return FieldChange(field, ", ".join(old_t), ", ".join(new_t))
    return FieldChange(field, None, None, added, removed)


def _place(place: Any) -> str:
    return f"{place.city}, {place.country}"


def _profile_changes(
    before: CatalogEntry,
    after: CatalogEntry,
    *,
    base: Program,
    head: Program,
    base_files: Mapping[str, str],
    head_files: Mapping[str, str],
) -> Iterator[FieldChange]:
    old, new = before.partner, after.partner
    if old.name != new.name:
        yield FieldChange("name", old.name, new.name)
    old_tier = before.tier.name if before.tier else None
    new_tier = after.tier.name if after.tier else None
    if old_tier != new_tier:
        yield FieldChange("tier", old_tier, new_tier)
    if old.website != new.website:
        yield FieldChange("website", old.website, new.website)
    if old.summary != new.summary:
        yield FieldChange("summary", None, None)
    if old.logo != new.logo or (
        new.logo is not None and base_files.get(new.logo) != head_files.get(new.logo)
    ):
        yield FieldChange("logo", old.logo, new.logo)
    old_services, new_services = _names(base, "services"), _names(head, "services")
    if change := _set_change(
        "services",
        (old_services.get(s, s) for s in old.services),
        (new_services.get(s, s) for s in new.services),
    ):
        yield change
    if old.headquarters != new.headquarters:
        yield FieldChange("headquarters", _place(old.headquarters), _place(new.headquarters))
    if change := _set_change(
        "offices", (_place(p) for p in old.locations), (_place(p) for p in new.locations)
    ):
        yield change
    if change := _set_change(
        "languages",
        (language_name(c) for c in old.languages),
        (language_name(c) for c in new.languages),
    ):
        yield change
    old_industries, new_industries = _names(base, "industries"), _names(head, "industries")
    if change := _set_change(
        "industries",
        (old_industries.get(i, i) for i in old.industries),
        (new_industries.get(i, i) for i in new.industries),
    ):
        yield change
    old_contact = old.contact.model_dump() if old.contact else {}
    new_contact = new.contact.model_dump() if new.contact else {}
    for key in ("email", "phone"):
        if old_contact.get(key) != new_contact.get(key):
            yield FieldChange(key, old_contact.get(key), new_contact.get(key))
    old_counts = {c.certification: c for c in before.certified}
    new_counts = {c.certification: c for c in after.certified}
    for cert in _ordered_union(
        [c.certification for c in after.certified], [c.certification for c in before.certified]
    ):
        was, now = old_counts.get(cert), new_counts.get(cert)
        if (was.count if was else 0) != (now.count if now else 0):
            label = (now or was).name if (now or was) else cert  # type: ignore[union-attr]
            yield FieldChange(
                f"certified {label}", str(was.count if was else 0), str(now.count if now else 0)
            )


def _ordered_union(first: Iterable[str], second: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in (*first, *second):
        seen.setdefault(value, None)
    return list(seen)


# --- the program ---------------------------------------------------------------------------


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    """Paths of ids to leaf values; lists of entries are keyed by id (requirements by kind)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{path}.{key}" if path else str(key), out)
        return
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for index, item in enumerate(value):
            key = item.get("id") or item.get("kind") or str(index)
            _flatten(item, f"{path}.{key}", out)
        return
    if isinstance(value, list):
        out[path] = tuple(str(v) for v in value)
        return
    out[path] = value


def _show(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(value)
    text = " ".join(str(value).split())
    return text if len(text) <= 80 else text[:77] + "..."


def program_diff(base: Program, head: Program) -> Iterator[ProgramChange]:
    """Every value that differs between two program definitions, in head order."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    _flatten(base.model_dump(mode="json", by_alias=True), "", old)
    _flatten(head.model_dump(mode="json", by_alias=True), "", new)
    for path in _ordered_union(new, old):
        was, now = old.get(path), new.get(path)
        if was == now:
            continue
        if isinstance(was, tuple) and isinstance(now, tuple):
            yield ProgramChange(
                path, None, None,
                tuple(v for v in now if v not in was), tuple(v for v in was if v not in now),
            )
        else:
            yield ProgramChange(path, _show(was), _show(now))


# --- validation errors ---------------------------------------------------------------------


def _relative(path: str, folder: Path) -> str:
    """A diagnostic's path relative to its folder, so both sides compare alike."""
    try:
        return PurePosixPath(path).relative_to(display_path(folder)).as_posix()
    except ValueError:
        return PurePosixPath(path).name


def _error_changes(base: LoadResult, head: LoadResult) -> tuple[tuple[Diagnostic, ...], int]:
    """Errors on the head that the base does not have (line numbers aside), and fixed ones."""
    known = Counter(
        (_relative(d.path, base.folder), d.code, d.message) for d in base.errors
    )
    new: list[Diagnostic] = []
    for d in sorted(head.errors):
        key = (_relative(d.path, head.folder), d.code, d.message)
        if known[key] > 0:
            known[key] -= 1
        else:
            new.append(d)
    secrets = _private_values(head.folder, {d.path for d in new})
    return tuple(redact(d, secrets.get(d.path, ())) for d in new), sum(known.values())


def _private_values(folder: Path, paths: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Person ids, engagement ids and noncompliance reasons written in the given files."""
    found: dict[str, tuple[str, ...]] = {}
    names = {display_path(p): p for p in partner_files(folder)} if folder.is_dir() else {}
    for shown in sorted(paths):
        path = names.get(shown)
        if path is None:
            continue
        try:
            raw = read_limited(path, MAX_FILE_BYTES)
        except (OSError, TooLargeError):
            continue
        document, _ = parse_yaml(shown, raw)
        data = document.data if document is not None else None
        if not isinstance(data, dict):
            continue
        values: list[str] = []
        for key, field in (("people", "id"), ("engagements", "id"), ("noncompliance", "reason")):
            items = data.get(key)
            if isinstance(items, list):
                values.extend(
                    str(item[field]) for item in items
                    if isinstance(item, dict) and item.get(field) not in (None, "")
                )
        found[shown] = tuple(sorted(set(values), key=lambda v: (-len(v), v)))
    return found


def redact(diagnostic: Diagnostic, secrets: Iterable[str]) -> Diagnostic:
    """The diagnostic with every quoted private value replaced."""
    message = diagnostic.message
    for secret in secrets:
        for quoted in (f"'{secret}'", f"'{secret[:40]}…'"):
            message = message.replace(quoted, f"'{REDACTED}'")
    if message == diagnostic.message:
        return diagnostic
    return Diagnostic(
        diagnostic.path, diagnostic.line, diagnostic.column, diagnostic.code, message,
        diagnostic.severity,
    )
