"""Badge events: the days on which the badge timeline changes, as notice kinds (SPEC §8).

An event is dated on the day the timeline changes, and only facts up to that day decide it, so
the events of a window are the events of each of its days: a window split in two yields every
event exactly once, and a daily run with the defaults sends each notice once.

The timeline (``generator.badges``) already records grants, grace, restorations and lapses, and
the review days a badge was kept at; the evidence due day is the one-month-before-review day on
which the timeline's own ``evidence_due`` is that day while the badge is held.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

from generator.badges import BadgeState, evaluate_badge
from generator.badges.timeline import LEFT, add_months, names_of
from generator.model import Badge, Partner, Program

NoticeKind = Literal["award", "evidence-request", "review-kept", "grace", "restored", "lapsed"]
#: Every notice kind, in the order of the yearly cycle.
NOTICE_KINDS: tuple[NoticeKind, ...] = (
    "award", "evidence-request", "review-kept", "grace", "restored", "lapsed",
)
#: Why a badge lapsed.
Cause = Literal["grace-ended", "left", "no-grace", ""]


@dataclass(frozen=True)
class BadgeEvent:
    """One notice-worthy change of one partner's badge on one day.

    ``state`` is the badge as it stands at the end of ``day``: what the notice reports.
    """

    day: date
    partner: Partner
    badge: Badge
    kind: NoticeKind
    state: BadgeState
    cause: Cause = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        """(day, partner, badge, kind): what identifies a notice."""
        return (self.day.isoformat(), self.partner.slug, self.badge.id, self.kind)


def _transition_kinds(state: BadgeState) -> Iterator[tuple[date, NoticeKind, Cause]]:
    previous = "none"
    for transition in state.history:
        if transition.status == "active":
            yield transition.date, ("restored" if previous == "grace" else "award"), ""
        elif transition.status == "grace":
            yield transition.date, "grace", ""
        elif transition.status == "lapsed":
            if transition.reason == LEFT:
                cause: Cause = "left"
            elif previous == "grace":
                cause = "grace-ended"
            else:
                cause = "no-grace"
            yield transition.date, "lapsed", cause
        previous = transition.status


def _evidence_days(state: BadgeState, badge: Badge, start: date, end: date) -> Iterator[date]:
    """Candidate evidence due days in ``start..end``: a month before each review of each grant."""
    policy = badge.review
    grants = [t.date for t, kind in zip(state.history, _transition_kinds(state), strict=True)
              if kind[1] == "award"]
    for granted in grants:
        cycle = 1
        while True:
            try:
                due = add_months(add_months(granted, cycle * policy.every_months),
                                 -policy.evidence_due_months)
            except ValueError:  # past the calendar's last year: no later review exists
                break
            if due > end:
                break
            if due >= start and due >= granted:
                yield due
            cycle += 1


def badge_events(
    partner: Partner, badge: Badge, start: date, end: date, names: dict[str, str]
) -> list[BadgeEvent]:
    """The events of one badge dated ``start..end`` (inclusive), in the order they happen."""
    if end < start:
        return []
    final = evaluate_badge(partner, badge, end, names)
    found: list[tuple[date, int, NoticeKind, Cause]] = []
    for order, (day, kind, cause) in enumerate(_transition_kinds(final)):
        if start <= day <= end:
            found.append((day, order, kind, cause))
    found += [(day, -1, "review-kept", "") for day in final.kept if start <= day <= end]
    for due in sorted(set(_evidence_days(final, badge, start, end))):
        then = evaluate_badge(partner, badge, due, names)
        if then.held and then.evidence_due == due:
            found.append((due, -2, "evidence-request", ""))
    events: list[BadgeEvent] = []
    states: dict[date, BadgeState] = {}
    for day, _order, kind, cause in sorted(found, key=lambda item: (item[0], item[1])):
        state = states.get(day)
        if state is None:
            state = states[day] = evaluate_badge(partner, badge, day, names)
        events.append(BadgeEvent(day, partner, badge, kind, state, cause))
    return events


def program_events(
    partners: Iterable[Partner], program: Program, start: date, end: date
) -> list[BadgeEvent]:
    """Every event of every partner's badges dated ``start..end``: by day, partner, badge."""
    names = names_of((program.tiers, program.certifications))
    badge_order = {b.id: index for index, b in enumerate(program.badges)}
    events = [
        event
        for partner in partners
        for badge in program.badges
        for event in badge_events(partner, badge, start, end, names)
    ]
    # Sorting is stable: within one badge and day, events keep the order they happened in.
    return sorted(events, key=lambda e: (e.day, e.partner.slug, badge_order[e.badge.id]))
