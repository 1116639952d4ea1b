"""A deliberately naive reference for the badge rules, written as close to the text as possible.

It walks every calendar day from the earliest fact up to the as-of day and applies the four
steps of the rules in their order on each day. Nothing is clever and nothing is shared with
``generator.badges``: only the data models are. The tests compare the engine with this.

Only facts on days up to ``t`` decide anything on day ``t`` (a track or an employment holds
``t`` or not, a certification is valid on ``t`` or not, a KPI date counts only when it is
``<= t``), so the status on a day never depends on the as-of day: one walk can report several
as-of days, which keeps the differential tests fast without changing the meaning.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from generator.model import (
    KPIS,
    Badge,
    Certification,
    CertifiedRequirement,
    CoursesRequirement,
    CsatRequirement,
    Partner,
    Person,
    PracticeRequirement,
    TierRequirement,
    TimeToValueRequirement,
)

NONE = "none"
ACTIVE = "active"
GRACE = "grace"
LAPSED = "lapsed"
ONE_DAY = timedelta(days=1)


# --- the facts on one day ------------------------------------------------------------------


def tier(partner: Partner, t: date) -> str | None:
    """The tier of the track whose interval holds ``t``, or None."""
    for track in partner.tracks:
        if track.from_ <= t and (track.to is None or t <= track.to):
            return track.tier
    return None


def compliant(partner: Partner, t: date) -> bool:
    """``tier(t)`` exists and no noncompliance interval holds ``t``."""
    if tier(partner, t) is None:
        return False
    return all(not (period.from_ <= t <= period.to) for period in partner.noncompliance)


def employed(person: Person, t: date) -> bool:
    """``from <= t <= to`` (``to`` absent: still employed)."""
    return person.employed.from_ <= t and (person.employed.to is None or t <= person.employed.to)


def valid(certification: Certification, t: date) -> bool:
    """``earned <= t`` and (``expires`` absent or ``t < expires``)."""
    return certification.earned <= t and (
        certification.expires is None or t < certification.expires
    )


def certified(partner: Partner, certification: str, t: date) -> int:
    """The number of people employed on ``t`` holding a valid certification ``certification``."""
    count = 0
    for person in partner.people:
        if not employed(person, t):
            continue
        holds = False
        for cert in person.certifications:
            if cert.type == certification and valid(cert, t):
                holds = True
        if holds:
            count += 1
    return count


def courses(partner: Partner, t: date, certification: str = "trainer") -> int:
    """Distinct courses named by valid per-course certifications of people employed on ``t``."""
    names: set[str] = set()
    for person in partner.people:
        if not employed(person, t):
            continue
        for cert in person.certifications:
            if cert.type == certification and valid(cert, t) and cert.course is not None:
                names.add(cert.course)
    return len(names)


# --- requirements ----------------------------------------------------------------------------


def tier_met(partner: Partner, req: TierRequirement, t: date) -> bool:
    """``compliant(t)`` and ``tier(t)`` is one of ``tiers``."""
    return compliant(partner, t) and tier(partner, t) in req.tiers


def practice_met(partner: Partner, req: PracticeRequirement, t: date) -> bool:
    """``id`` is in ``practices``."""
    return req.id in partner.practices


def certified_met(
    partner: Partner, req: CertifiedRequirement, t: date, current_grant: date | None
) -> bool:
    """Enough certified people, or the grandfather clause applies to the current grant."""
    if certified(partner, req.certification, t) >= req.at_least:
        return True
    grandfather = req.grandfather
    return (
        grandfather is not None
        and current_grant is not None
        and current_grant < grandfather.granted_before
        and t < grandfather.enforced_from
    )


def courses_met(partner: Partner, req: CoursesRequirement, t: date) -> bool:
    """At least ``at_least`` distinct courses."""
    return courses(partner, t, req.certification) >= req.at_least


def time_to_value_met(partner: Partner, req: TimeToValueRequirement, t: date) -> bool:
    """Every KPI with any met or missed engagement in the window reaches the share."""
    in_window = [e for e in partner.engagements if t - timedelta(days=req.window_days) < e.contract]
    in_window = [e for e in in_window if e.contract <= t]
    any_counted = False
    every_share_ok = True
    for kpi in KPIS:
        if kpi not in req.targets:
            continue
        target = req.targets[kpi]
        met = 0
        missed = 0
        for engagement in in_window:
            reached = engagement.kpi(kpi)
            if reached is not None and reached <= t:
                if (reached - engagement.contract).days <= target:
                    met += 1
                else:
                    missed += 1
            elif (t - engagement.contract).days > target:
                missed += 1
            # otherwise pending: not counted
        if met + missed > 0:
            any_counted = True
            if not met / (met + missed) >= req.at_least:
                every_share_ok = False
    return any_counted and every_share_ok


def csat_met(partner: Partner, req: CsatRequirement, t: date) -> bool:
    """At least one score in the window, and the share of 4 or 5 reaches ``at_least``."""
    scores: list[int] = []
    for training in partner.trainings:
        if t - timedelta(days=req.window_days) < training.delivered <= t:
            scores.extend(training.scores)
    if not scores:
        return False
    good = len([s for s in scores if s in (4, 5)])
    return good / len(scores) >= req.at_least


def requirement_met(partner: Partner, req: Any, t: date, current_grant: date | None) -> bool:
    """Whether one requirement is met on ``t``."""
    if isinstance(req, TierRequirement):
        return tier_met(partner, req, t)
    if isinstance(req, PracticeRequirement):
        return practice_met(partner, req, t)
    if isinstance(req, CertifiedRequirement):
        return certified_met(partner, req, t, current_grant)
    if isinstance(req, CoursesRequirement):
        return courses_met(partner, req, t)
    if isinstance(req, TimeToValueRequirement):
        return time_to_value_met(partner, req, t)
    if isinstance(req, CsatRequirement):
        return csat_met(partner, req, t)
    raise AssertionError(f"unknown requirement {req!r}")


def unmet(partner: Partner, badge: Badge, t: date, current_grant: date | None) -> list[str]:
    """The kinds of the requirements not met on ``t``, in program order."""
    return [
        req.kind
        for req in badge.requirements
        if not requirement_met(partner, req, t, current_grant)
    ]


def eligible(partner: Partner, badge: Badge, t: date, current_grant: date | None) -> bool:
    """Every requirement of the badge is met on ``t``."""
    return all(requirement_met(partner, req, t, current_grant) for req in badge.requirements)


# --- calendar --------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def last_day_of_month(day: date) -> date:
    """The last day of ``day``'s month."""
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def is_review_day(granted: date, t: date, every_months: int) -> bool:
    """The first day of the month ``k * every_months`` months after the grant's month, k >= 1."""
    if t.day != 1:
        return False
    months = (t.year * 12 + t.month) - (granted.year * 12 + granted.month)
    return months > 0 and months % every_months == 0


def next_review_after(granted: date, t: date, every_months: int) -> date:
    """The first review day strictly after ``t``, found by stepping one day at a time."""
    day = t + ONE_DAY
    while not is_review_day(granted, day, every_months):
        day += ONE_DAY
    return day


# --- the walk --------------------------------------------------------------------------------


@dataclass
class Walk:
    """The status of one badge at the end of the last processed day."""

    status: str = NONE
    granted: date | None = None
    grace_until: date | None = None
    history: list[tuple[date, str]] = field(default_factory=list)

    def held(self) -> bool:
        return self.status in (ACTIVE, GRACE)

    def current_grant(self) -> date | None:
        """The grant the grandfather clause looks at: only while the badge is held."""
        return self.granted if self.held() else None

    def change(self, t: date, status: str) -> None:
        self.status = status
        self.history.append((t, status))


def fact_dates(partner: Partner) -> Iterable[date]:
    """Every date written in a partner's facts."""
    for track in partner.tracks:
        yield track.from_
        if track.to is not None:
            yield track.to
    for period in partner.noncompliance:
        yield period.from_
        yield period.to
    for person in partner.people:
        yield person.employed.from_
        if person.employed.to is not None:
            yield person.employed.to
        for cert in person.certifications:
            yield cert.earned
            if cert.expires is not None:
                yield cert.expires
    for engagement in partner.engagements:
        yield engagement.contract
        for kpi in KPIS:
            reached = engagement.kpi(kpi)
            if reached is not None:
                yield reached
    for training in partner.trainings:
        yield training.delivered
    yield from partner.legacy_grants.values()


def process_day(partner: Partner, badge: Badge, walk: Walk, t: date) -> None:
    """Apply the four steps of the rules, in order, on day ``t``."""
    legacy = partner.legacy_grants.get(badge.id)
    policy = badge.review
    if legacy is not None and t < legacy:
        return  # none before the legacy grant, whatever the rules say
    on_track = tier(partner, t) is not None

    # 1. Grant.
    entered_grace_today = False
    legacy_day = legacy is not None and t == legacy
    if legacy_day or (
        walk.status in (NONE, LAPSED) and on_track and eligible(partner, badge, t, None)
    ):
        walk.granted = t
        walk.grace_until = None
        walk.change(t, ACTIVE)

    # 2. Reviews.
    if (
        walk.status == ACTIVE
        and walk.granted is not None
        and is_review_day(walk.granted, t, policy.every_months)
        and not eligible(partner, badge, t, walk.current_grant())
    ):
        walk.grace_until = last_day_of_month(add_months(t, policy.grace_months - 1))
        walk.change(t, GRACE)
        entered_grace_today = True

    # 3. Grace.
    if walk.status == GRACE and not entered_grace_today:
        assert walk.grace_until is not None
        if t == walk.grace_until + ONE_DAY:
            walk.grace_until = None
            walk.change(t, LAPSED)
        elif eligible(partner, badge, t, walk.current_grant()):
            walk.grace_until = None
            walk.change(t, ACTIVE)

    # 4. Leaving the program.
    if walk.held() and not on_track:
        walk.grace_until = None
        walk.change(t, LAPSED)


class Timeline:
    """One badge walked day by day from the earliest fact up to ``until``.

    Each day's status, grant and grace are kept, so the report of any day up to ``until`` is
    the same as a walk that stopped on that day.
    """

    def __init__(self, partner: Partner, badge: Badge, until: date) -> None:
        self.partner = partner
        self.badge = badge
        self.until = until
        self.first = min([*fact_dates(partner), until])
        self.walk = Walk()
        self.days: list[tuple[str, date | None, date | None, int]] = []
        t = self.first
        while t <= until:
            process_day(partner, badge, self.walk, t)
            walk = self.walk
            self.days.append((walk.status, walk.granted, walk.grace_until, len(walk.history)))
            t += ONE_DAY

    @property
    def history(self) -> list[tuple[date, str]]:
        """Every status change up to ``until``."""
        return list(self.walk.history)

    def at(self, t: date) -> Walk:
        """The walk as it stood at the end of day ``t``."""
        assert t <= self.until
        if t < self.first:
            return Walk()
        status, granted, grace_until, changes = self.days[(t - self.first).days]
        return Walk(status, granted, grace_until, self.walk.history[:changes])

    def report(self, t: date) -> dict[str, Any]:
        """The JSON contract of the badge on the as-of day ``t``, dates as ``date`` objects."""
        partner, badge, walk = self.partner, self.badge, self.at(t)
        is_eligible = eligible(partner, badge, t, walk.current_grant())
        next_review: date | None = None
        evidence_due: date | None = None
        if walk.held():
            assert walk.granted is not None
            next_review = next_review_after(walk.granted, t, badge.review.every_months)
            evidence_due = add_months(next_review, -badge.review.evidence_due_months)
        return {
            "status": walk.status,
            "granted": walk.granted,
            "next_review": next_review,
            "evidence_due": evidence_due,
            "grace_until": walk.grace_until if walk.status == GRACE else None,
            "at_risk": walk.status == ACTIVE and not is_eligible,
            "eligible": is_eligible,
            "unmet": unmet(partner, badge, t, walk.current_grant()),
            "history": list(walk.history),
        }


def evaluate(partner: Partner, badge: Badge, as_of: date) -> dict[str, Any]:
    """The report of one badge on ``as_of``."""
    return Timeline(partner, badge, as_of).report(as_of)


def as_json(result: dict[str, Any]) -> dict[str, Any]:
    """A report with dates written ``YYYY-MM-DD`` and history as (date, status) pairs."""

    def text(day: date | None) -> str | None:
        return None if day is None else day.isoformat()

    return {
        "status": result["status"],
        "granted": text(result["granted"]),
        "next_review": text(result["next_review"]),
        "evidence_due": text(result["evidence_due"]),
        "grace_until": text(result["grace_until"]),
        "at_risk": result["at_risk"],
        "eligible": result["eligible"],
        "unmet": list(result["unmet"]),
        "history": [(day.isoformat(), status) for day, status in result["history"]],
    }


# --- notice events -------------------------------------------------------------------------


def events(partner: Partner, badge: Badge, start: date, end: date) -> list[tuple[date, str]]:
    """The notice events of one badge dated ``start..end``, found by walking every day.

    Each day's status changes become ``award`` (from none or lapsed), ``restored`` (from grace),
    ``grace`` and ``lapsed``; a review day that an active badge ends still active is
    ``review-kept``; a day that is the report's own ``evidence_due`` while the badge is held
    is ``evidence-request``.
    """
    timeline = Timeline(partner, badge, end)
    found: list[tuple[date, str]] = []
    t = max(start, timeline.first)
    while t <= end:
        before = timeline.at(t - ONE_DAY)
        after = timeline.at(t)
        if after.held() and timeline.report(t)["evidence_due"] == t:
            found.append((t, "evidence-request"))
        if (
            before.status == ACTIVE
            and after.status == ACTIVE
            and before.granted is not None
            and before.granted == after.granted
            and is_review_day(before.granted, t, badge.review.every_months)
        ):
            found.append((t, "review-kept"))
        previous = before.status
        for _day, status in after.history[len(before.history):]:
            if status == ACTIVE:
                found.append((t, "restored" if previous == GRACE else "award"))
            elif status in (GRACE, LAPSED):
                found.append((t, status))
            previous = status
        t += ONE_DAY
    return found
