"""A badge's status over time, computed from the days on which something can change.

SPEC §4 describes the status as a walk over every calendar day. Walking days is exact but
costs ten years of days per partner and badge. The same answer comes from far fewer days:

1. Each requirement says on which days it may change (``Kind.changes``). Evaluating it on those
   days alone gives a step function; their union gives the partner's *segments*, stretches of
   days on which every requirement, and whether the partner has a track at all, stay the same.
2. The status machine then jumps between the only days on which a status can move: the first
   eligible day of a segment (grant, or return from grace), review days, the day after grace
   ends, and the first day without a track. Each day it lands on is processed in the order of
   SPEC §4: grant, review, grace, leaving the program.

The grandfather clause depends on the current grant, so segments record the requirements a
day misses and the clause is applied when the status machine asks "eligible?".
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from generator.badges.kinds import KINDS, ONE_DAY, grandfathered, track_on
from generator.model import Badge, CertifiedRequirement, Partner

Status = Literal["none", "active", "grace", "lapsed"]
HELD: tuple[Status, ...] = ("active", "grace")

GRANTED = "granted: all requirements met"
LEGACY = "granted under earlier rules (legacy grant)"
RESTORED = "eligible again during grace: all requirements met"
LEFT = "left the program: no tier track"
NEVER = date.max  # no review or end of grace pending
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(frozen=True)
class Transition:
    """A change of status on a day, with the reason a person reads."""

    date: date
    status: Status
    reason: str

    def to_json(self) -> dict[str, str]:
        """``{"date", "status", "reason"}`` as in the ``badges`` JSON."""
        return {"date": self.date.isoformat(), "status": self.status, "reason": self.reason}


@dataclass(frozen=True)
class BadgeState:
    """One badge of one partner as of a day (SPEC §5, ``badges`` JSON)."""

    badge: str
    status: Status
    granted: date | None
    next_review: date | None
    evidence_due: date | None
    grace_until: date | None
    at_risk: bool
    eligible: bool
    unmet: tuple[str, ...]
    history: tuple[Transition, ...] = field(default=())
    #: Review days on which the badge was reviewed and stayed active (not in the JSON).
    kept: tuple[date, ...] = field(default=())

    @property
    def held(self) -> bool:
        """Active or in grace: the public site shows the badge."""
        return self.status in HELD

    def to_json(self) -> dict[str, Any]:
        """The badge's entry in the ``badges`` JSON."""

        def day(value: date | None) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "status": self.status,
            "granted": day(self.granted),
            "next_review": day(self.next_review),
            "evidence_due": day(self.evidence_due),
            "grace_until": day(self.grace_until),
            "at_risk": self.at_risk,
            "eligible": self.eligible,
            "unmet": list(self.unmet),
            "history": [t.to_json() for t in self.history],
        }


# --- calendar --------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def review_after(granted: date, every_months: int, day: date) -> date:
    """The first review day strictly after ``day`` for a grant (reviews start a cycle later)."""
    months = (day.year - granted.year) * 12 + day.month - granted.month
    cycles = max(1, months // every_months)
    review = add_months(granted, cycles * every_months)
    while review <= day:
        cycles += 1
        review = add_months(granted, cycles * every_months)
    return review


def grace_end(review: date, grace_months: int) -> date:
    """The last day of the ``grace_months``-th month that starts with the review."""
    return add_months(review, grace_months) - ONE_DAY


# --- segments --------------------------------------------------------------------------------


class Segments:
    """Stretches of days on which every requirement, and the partner's track, stay the same.

    ``starts[i]`` is the first day of segment ``i``; segment ``-1`` is everything before
    ``starts[0]``. A requirement is evaluated only when the status machine asks about it, once
    per stretch between its own change days, cheapest kinds first: most questions ("can this
    partner be granted the badge?") are settled by a cheap requirement that is not met.
    """

    def __init__(self, partner: Partner, badge: Badge, as_of: date) -> None:
        self.partner = partner
        self.requirements = badge.requirements
        self.kinds = [KINDS[r.kind] for r in self.requirements]
        self.points: list[list[date]] = []
        days: set[date] = set()
        for requirement, kind in zip(self.requirements, self.kinds, strict=True):
            points = sorted({d for d in kind.changes(partner, requirement) if d <= as_of})
            self.points.append(points)
            days.update(points)
        for track in partner.tracks:
            if track.from_ <= as_of:
                days.add(track.from_)
            if track.to is not None and track.to < as_of:
                days.add(track.to + ONE_DAY)
        self.starts: list[date] = sorted(days)
        self.tracked = [track_on(partner, d) is not None for d in self.starts]
        self.memo: list[dict[int, bool]] = [{} for _ in self.requirements]
        self.order = sorted(
            range(len(self.requirements)), key=lambda bit: (self.kinds[bit].cost, bit)
        )
        # Requirements with a grandfather clause, by bit.
        self.clauses = {
            bit: r
            for bit, r in enumerate(self.requirements)
            if isinstance(r, CertifiedRequirement) and r.grandfather is not None
        }

    def index(self, day: date) -> int:
        """The segment holding ``day``."""
        return bisect_right(self.starts, day) - 1

    def met(self, bit: int, day: date) -> bool:
        """Whether requirement ``bit`` is met on ``day`` (without the grandfather clause)."""
        stretch = bisect_right(self.points[bit], day) - 1
        memo = self.memo[bit]
        value = memo.get(stretch)
        if value is None:
            requirement = self.requirements[bit]
            value = memo[stretch] = self.kinds[bit].met(self.partner, requirement, day)
        return value

    def _covered(self, bit: int, day: date, granted: date | None) -> bool:
        clause = self.clauses.get(bit)
        return clause is not None and grandfathered(clause, granted, day)

    def blocker(self, day: date, granted: date | None) -> int | None:
        """A requirement not met on ``day`` (the grandfather clause applied), or None."""
        for bit in self.order:
            if not self.met(bit, day) and not self._covered(bit, day, granted):
                return bit
        return None

    def missing(self, day: date, granted: date | None) -> int:
        """The requirements not met on ``day``, as a bit mask in program order."""
        mask = 0
        for bit in range(len(self.requirements)):
            if not self.met(bit, day) and not self._covered(bit, day, granted):
                mask |= 1 << bit
        return mask

    def tracked_on(self, day: date) -> bool:
        """Whether the partner has a track on ``day``."""
        index = self.index(day)
        return self.tracked[index] if index >= 0 else False

    def _next_start(self, day: date, tracked: bool) -> date | None:
        """The first segment start after ``day`` whose track state is ``tracked``."""
        for index in range(self.index(day) + 1, len(self.starts)):
            if self.tracked[index] == tracked:
                return self.starts[index]
        return None

    def first_untracked(self, start: date, end: date) -> date | None:
        """The first day in ``start..end`` without a track."""
        day = start if not self.tracked_on(start) else self._next_start(start, False)
        return day if day is not None and day <= end else None

    def first_eligible(
        self, start: date, end: date, granted: date | None, *, tracked: bool
    ) -> date | None:
        """The first day in ``start..end`` with every requirement met (and, with ``tracked``,
        a track). A requirement that blocks a day blocks every day up to its next change."""
        day: date | None = start
        while day is not None and day <= end:
            if tracked and not self.tracked_on(day):
                day = self._next_start(day, True)
                continue
            bit = self.blocker(day, granted)
            if bit is None:
                return day
            points = self.points[bit]
            following = bisect_right(points, day)
            day = points[following] if following < len(points) else None
        return None


# --- the status machine ----------------------------------------------------------------------


def _explain(partner: Partner, badge: Badge, mask: int, day: date, names: Mapping[str, str]) -> str:
    return "; ".join(
        KINDS[r.kind].explain(partner, r, day, names)
        for bit, r in enumerate(badge.requirements)
        if mask & (1 << bit)
    )


def _kinds(badge: Badge, mask: int) -> tuple[str, ...]:
    return tuple(r.kind for bit, r in enumerate(badge.requirements) if mask & (1 << bit))


def evaluate_badge(
    partner: Partner, badge: Badge, as_of: date, names: Mapping[str, str] | None = None
) -> BadgeState:
    """The badge's state on ``as_of`` and every status change up to that day.

    ``names`` maps program ids (certifications, tiers) to the names used in reasons.
    """
    names = names or {}
    segments = Segments(partner, badge, as_of)
    policy = badge.review
    history: list[Transition] = []
    kept: list[date] = []
    status: Status = "none"
    granted: date | None = None
    # The next review day while active or in grace; the end of grace while in grace.
    review = grace_until = NEVER

    def move(day: date, to: Status, reason: str) -> None:
        nonlocal status
        status = to
        history.append(Transition(day, to, reason))

    legacy = partner.legacy_grants.get(badge.id)
    if legacy is not None and legacy > as_of:
        legacy = None
        day: date | None = None  # nothing is granted before the legacy grant
    elif legacy is not None:
        day = legacy
    else:
        day = segments.starts[0] if segments.starts else None

    while day is not None and day <= as_of:
        reviewed = False
        if status in ("none", "lapsed"):
            # 1. Grant: a legacy grant on its day, else the first eligible day in the program.
            if legacy is not None and granted is None:
                granted, review = day, add_months(day, policy.every_months)
                move(day, "active", LEGACY)
            elif segments.tracked_on(day) and segments.blocker(day, None) is None:
                again = granted is not None
                granted, review = day, add_months(day, policy.every_months)
                reason = f"{GRANTED}; reviewed each {MONTHS[day.month - 1]}"
                move(day, "active", reason + ("; a new review cycle starts" if again else ""))
            else:
                # A grant needs a partner in the program; nothing is held, so no grandfather.
                day = segments.first_eligible(day + ONE_DAY, as_of, None, tracked=True)
                continue
        elif status == "active" and day == review:
            # 2. Review.
            mask = segments.missing(day, granted)
            if mask:
                grace_until = grace_end(day, policy.grace_months)
                details = _explain(partner, badge, mask, day, names)
                if grace_until < day:
                    move(day, "lapsed", f"review {day}: not eligible ({details}); no grace")
                    grace_until = NEVER
                else:
                    move(day, "grace", f"review {day}: not eligible ({details}); "
                                       f"grace until {grace_until}")
            review = add_months(review, policy.every_months)
            reviewed = True
        elif status == "grace":
            # 3. Grace.
            if day > grace_until:
                mask = segments.missing(grace_until, granted)
                details = _explain(partner, badge, mask, grace_until, names)
                move(day, "lapsed", f"grace ended {grace_until} without meeting the "
                                    f"requirements ({details})")
                grace_until = NEVER
            elif segments.blocker(day, granted) is None:
                move(day, "active", RESTORED)
                grace_until = NEVER
                while review <= day:  # reviews in grace were not held
                    review = add_months(review, policy.every_months)
        # 4. Leaving the program.
        if status in HELD and not segments.tracked_on(day):
            move(day, "lapsed", LEFT)
            grace_until = NEVER
        if reviewed and status == "active":
            kept.append(day)

        # The next day on which the status can move.
        after = day + ONE_DAY
        if status in ("none", "lapsed"):
            day = after
        elif status == "active":
            gone = segments.first_untracked(after, min(review - ONE_DAY, as_of))
            day = gone if gone is not None else review
        else:
            limit = min(grace_until, as_of)
            found = [
                d
                for d in (
                    segments.first_eligible(after, limit, granted, tracked=False),
                    segments.first_untracked(after, limit),
                )
                if d is not None
            ]
            day = min(found) if found else grace_until + ONE_DAY

    held = status in HELD
    mask = segments.missing(as_of, granted if held else None)
    eligible = not mask
    next_review = None
    evidence_due = None
    if held and granted is not None:
        next_review = review_after(granted, policy.every_months, as_of)
        evidence_due = add_months(next_review, -policy.evidence_due_months)
    return BadgeState(
        badge=badge.id,
        status=status,
        granted=granted,
        next_review=next_review,
        evidence_due=evidence_due,
        grace_until=grace_until if status == "grace" else None,
        at_risk=status == "active" and not eligible,
        eligible=eligible,
        unmet=_kinds(badge, mask),
        history=tuple(history),
        kept=tuple(kept),
    )


def names_of(sections: Sequence[Sequence[Any]]) -> dict[str, str]:
    """An id-to-name map over program entries (tiers, certifications, ...)."""
    return {entry.id: entry.name for section in sections for entry in section}
