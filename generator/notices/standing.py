"""Where a partner stands on each requirement of a badge on one day, in words and counts.

These sentences go to the partner's program manager, so they count people and engagements and
never name one, and they never give a noncompliance reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from generator.badges.kinds import (
    KPI_NAMES,
    certified_count,
    certified_noun,
    course_count,
    csat_tally,
    grandfathered,
    kpi_tally,
    noncompliant,
    track_on,
)
from generator.model import (
    Badge,
    CertifiedRequirement,
    CoursesRequirement,
    CsatRequirement,
    Partner,
    PracticeRequirement,
    Program,
    TierRequirement,
    TimeToValueRequirement,
)

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def day_text(day: date) -> str:
    """``1 March 2026``."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def month_text(day: date) -> str:
    """``March``."""
    return MONTH_NAMES[day.month - 1]


@dataclass(frozen=True)
class Standing:
    """One requirement as the partner stands: its name, the figures in words, met or not."""

    requirement: str
    text: str
    met: bool


def _percent(part: int, whole: int) -> str:
    # Rounded down, so that 79.9% never reads as 80%.
    return f"{100 * part // whole}%"


def _share(value: float) -> str:
    return f"{float(Fraction(str(value)) * 100):g}%"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _tier(partner: Partner, req: TierRequirement, day: date, names: Mapping[str, str]) -> str:
    track = track_on(partner, day)
    if track is None:
        return "not in the program on this day (no program tier)"
    tier = names.get(track.tier, track.tier)
    if track.tier not in req.tiers:
        wanted = " or ".join(names.get(t, t) for t in req.tiers)
        return f"{tier} tier; the badge needs {wanted}"
    if noncompliant(partner, day):
        return f"{tier} tier, currently not in compliance with the tier's terms"
    return f"{tier} tier, in compliance"


def _practice(partner: Partner, req: PracticeRequirement, names: Mapping[str, str]) -> str:
    practice = names.get(req.id, req.id)
    if req.id in partner.practices:
        return f"{practice} declared"
    return f"no {practice[:1].lower()}{practice[1:]} declared"


def _certified(
    partner: Partner, req: CertifiedRequirement, day: date, granted: date | None,
    names: Mapping[str, str],
) -> str:
    count = certified_count(partner, req.certification, day)
    noun = certified_noun(names.get(req.certification, req.certification), req.at_least)
    if count >= req.at_least:
        many = certified_noun(names.get(req.certification, req.certification), count)
        return f"{count} {many} ({req.at_least} needed)"
    text = f"{count} of {req.at_least} {noun}"
    if count < req.at_least and req.grandfather is not None and grandfathered(req, granted, day):
        text += (f"; covered by the grandfather clause until "
                 f"{day_text(req.grandfather.enforced_from)}")
    return text


def _courses(partner: Partner, req: CoursesRequirement, day: date) -> str:
    count = course_count(partner, day, req.certification)
    if count >= req.at_least:
        return f"{_plural(count, 'course', 'courses')} covered by certified trainers " \
               f"({req.at_least} needed)"
    return f"{count} of {req.at_least} courses covered by certified trainers"


def _time_to_value(partner: Partner, req: TimeToValueRequirement, day: date) -> str:
    tally = {k: v for k, v in kpi_tally(partner, req, day).items() if sum(v)}
    if not tally:
        return (f"no engagement measured in the last {req.window_days} days "
                f"(the badge needs {_share(req.at_least)} on target)")
    return "; ".join(
        f"{KPI_NAMES[kpi]} met in {met} of {_plural(met + missed, 'engagement', 'engagements')}, "
        f"{_percent(met, met + missed)} of {_share(req.at_least)}"
        for kpi, (met, missed) in tally.items()
    )


def _csat(partner: Partner, req: CsatRequirement, day: date) -> str:
    good, total = csat_tally(partner, req, day)
    if not total:
        return (f"no training survey scores in the last {req.window_days} days "
                f"(the badge needs {_share(req.at_least)} of scores 4 or 5)")
    return (f"{good} of {_plural(total, 'survey score', 'survey scores')} were 4 or 5, "
            f"{_percent(good, total)} of {_share(req.at_least)}")


REQUIREMENT_NAMES: Mapping[str, str] = {
    "tier": "Program tier",
    "practice": "Practice",
    "certified": "Certified people",
    "courses": "Courses",
    "time_to_value": "Time-to-Value",
    "csat": "Customer satisfaction",
}


def standing(
    partner: Partner, badge: Badge, program: Program, day: date, *, granted: date | None,
    unmet: tuple[str, ...],
) -> list[Standing]:
    """Each requirement of ``badge`` on ``day``, in program order.

    ``unmet`` are the kinds the timeline found unmet that day (the grandfather clause applied
    for ``granted``), so a notice and the badge engine always agree on what is missing.
    """
    names = {e.id: e.name for e in (*program.tiers, *program.certifications, *program.practices)}
    result: list[Standing] = []
    for req in badge.requirements:
        if isinstance(req, TierRequirement):
            text = _tier(partner, req, day, names)
        elif isinstance(req, PracticeRequirement):
            text = _practice(partner, req, names)
        elif isinstance(req, CertifiedRequirement):
            text = _certified(partner, req, day, granted, names)
        elif isinstance(req, CoursesRequirement):
            text = _courses(partner, req, day)
        elif isinstance(req, TimeToValueRequirement):
            text = _time_to_value(partner, req, day)
        else:
            text = _csat(partner, req, day)
        result.append(Standing(REQUIREMENT_NAMES[req.kind], text, req.kind not in unmet))
    return result
