"""Requirement kinds: what each kind of badge requirement means on one day.

Each kind is three small pure functions of a partner's facts and one requirement's
parameters from ``program.yml``:

* ``met(partner, requirement, day)``: is the requirement met on ``day`` (SPEC §4, to the letter);
* ``changes(partner, requirement)``: the days on which ``met`` may differ from the day before;
  between two of them the answer cannot change, which is what lets the timeline skip the days
  in between;
* ``explain(partner, requirement, day, names)``: why, in words a person understands.

Kinds are registered by name in ``KINDS``; a badge's requirement list is data, so a new badge or
a changed threshold never needs code. A new kind is one more registered triple (and a model in
``generator.model``, so that ``program.yml`` can name it and be validated).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from typing import Any

from generator.model import (
    KPIS,
    CertifiedRequirement,
    CoursesRequirement,
    CsatRequirement,
    Partner,
    PracticeRequirement,
    TierRequirement,
    TimeToValueRequirement,
    Track,
)

ONE_DAY = timedelta(days=1)

#: How the Time-to-Value KPIs read in explanations.
KPI_NAMES: Mapping[str, str] = {
    "infrastructure_ready": "Infrastructure Ready",
    "first_value": "First Value",
    "outcome_achieved": "Outcome Achieved",
}


@dataclass(frozen=True)
class Kind:
    """The three functions of a requirement kind."""

    name: str
    met: Callable[[Partner, Any, date], bool]
    changes: Callable[[Partner, Any], Iterable[date]]
    explain: Callable[[Partner, Any, date, Mapping[str, str]], str]
    #: Relative cost of ``met``: cheaper kinds are asked first.
    cost: int = 1


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Make a kind available to ``program.yml`` by its name."""
    KINDS[kind.name] = kind
    return kind


# --- shared facts ----------------------------------------------------------------------------


def track_on(partner: Partner, day: date) -> Track | None:
    """The track whose interval holds ``day`` (``to`` inclusive), or None."""
    for track in partner.tracks:
        if track.from_ <= day and (track.to is None or day <= track.to):
            return track
    return None


def noncompliant(partner: Partner, day: date) -> bool:
    """Whether a noncompliance period holds ``day`` (both ends inclusive)."""
    return any(p.from_ <= day <= p.to for p in partner.noncompliance)


def _holders(partner: Partner, certification: str, day: date) -> Iterator[tuple[str, str | None]]:
    """(person id, course) for each valid certification of each person employed on ``day``."""
    for person in partner.people:
        job = person.employed
        if not (job.from_ <= day and (job.to is None or day <= job.to)):
            continue
        for cert in person.certifications:
            if (
                cert.type == certification
                and cert.earned <= day
                and (cert.expires is None or day < cert.expires)
            ):
                yield person.id, cert.course


def certified_count(partner: Partner, certification: str, day: date) -> int:
    """How many people employed on ``day`` hold a valid certification of this type."""
    return len({person for person, _ in _holders(partner, certification, day)})


def course_count(partner: Partner, day: date, certification: str = "trainer") -> int:
    """How many distinct courses the valid trainer certifications of employed people name."""
    return len({course for _, course in _holders(partner, certification, day) if course})


def _people_changes(partner: Partner, certification: str) -> Iterator[date]:
    for person in partner.people:
        certs = [c for c in person.certifications if c.type == certification]
        if not certs:
            continue
        yield person.employed.from_
        if person.employed.to is not None:
            yield person.employed.to + ONE_DAY
        for cert in certs:
            yield cert.earned
            if cert.expires is not None:
                yield cert.expires


@lru_cache(maxsize=64)
def _fraction(value: float) -> Fraction:
    """A threshold as the exact decimal it was written as: 0.8 is 4/5, not 0.80000000000000004."""
    return Fraction(str(value))


def _reaches(part: int, whole: int, threshold: float) -> bool:
    """``part / whole >= threshold``, in exact arithmetic."""
    exact = _fraction(threshold)
    return part * exact.denominator >= exact.numerator * whole


def _percent(part: int, whole: int) -> str:
    """A share as a whole percentage, rounded down so that 79.9% never reads as 80%."""
    return f"{100 * part // whole}%"


def _threshold(value: float) -> str:
    return f"{float(_fraction(value) * 100):g}%"


def _plural(name: str, count: int) -> str:
    return name if count == 1 else f"{name}s"


def certified_noun(name: str, count: int) -> str:
    """``certified Professional Services Engineers``, ``Certified Trainer``: the people who
    hold a certification, pluralized for ``count``, never "certified Certified"."""
    noun = _plural(name, count)
    return noun if noun.casefold().startswith("certified ") else f"certified {noun}"


# --- tier ------------------------------------------------------------------------------------


def _tier_met(partner: Partner, req: TierRequirement, day: date) -> bool:
    track = track_on(partner, day)
    return track is not None and track.tier in req.tiers and not noncompliant(partner, day)


def _tier_changes(partner: Partner, req: TierRequirement) -> Iterator[date]:
    for track in partner.tracks:
        yield track.from_
        if track.to is not None:
            yield track.to + ONE_DAY
    for period in partner.noncompliance:
        yield period.from_
        yield period.to + ONE_DAY


def _tier_explain(
    partner: Partner, req: TierRequirement, day: date, names: Mapping[str, str]
) -> str:
    track = track_on(partner, day)
    if track is None:
        return "tier: not in the program"
    if track.tier not in req.tiers:
        wanted = ", ".join(names.get(t, t) for t in req.tiers)
        return f"tier: {names.get(track.tier, track.tier)} is not one of {wanted}"
    if noncompliant(partner, day):
        return "tier: not compliant"
    return f"tier: {names.get(track.tier, track.tier)}, compliant"


register(Kind("tier", _tier_met, _tier_changes, _tier_explain, cost=1))


# --- practice --------------------------------------------------------------------------------


def _practice_met(partner: Partner, req: PracticeRequirement, day: date) -> bool:
    return req.id in partner.practices


def _practice_changes(partner: Partner, req: PracticeRequirement) -> Iterator[date]:
    return iter(())


def _practice_explain(
    partner: Partner, req: PracticeRequirement, day: date, names: Mapping[str, str]
) -> str:
    if req.id in partner.practices:
        return f"{req.id} practice"
    return f"no {req.id} practice"


register(Kind("practice", _practice_met, _practice_changes, _practice_explain, cost=0))


# --- certified -------------------------------------------------------------------------------


def _certified_met(partner: Partner, req: CertifiedRequirement, day: date) -> bool:
    """The count alone; the grandfather clause depends on the grant and lives in the timeline."""
    return certified_count(partner, req.certification, day) >= req.at_least


def _certified_changes(partner: Partner, req: CertifiedRequirement) -> Iterator[date]:
    yield from _people_changes(partner, req.certification)
    if req.grandfather is not None:
        yield req.grandfather.enforced_from


def _certified_explain(
    partner: Partner, req: CertifiedRequirement, day: date, names: Mapping[str, str]
) -> str:
    count = certified_count(partner, req.certification, day)
    noun = certified_noun(names.get(req.certification, req.certification), req.at_least)
    return f"{count} of {req.at_least} required {noun}"


def grandfathered(req: CertifiedRequirement, granted: date | None, day: date) -> bool:
    """The grandfather clause: a grant before the cut-off is exempt until enforcement."""
    clause = req.grandfather
    return (
        clause is not None
        and granted is not None
        and granted < clause.granted_before
        and day < clause.enforced_from
    )


register(Kind("certified", _certified_met, _certified_changes, _certified_explain, cost=2))


# --- courses ---------------------------------------------------------------------------------


def _courses_met(partner: Partner, req: CoursesRequirement, day: date) -> bool:
    return course_count(partner, day, req.certification) >= req.at_least


def _courses_changes(partner: Partner, req: CoursesRequirement) -> Iterator[date]:
    return _people_changes(partner, req.certification)


def _courses_explain(
    partner: Partner, req: CoursesRequirement, day: date, names: Mapping[str, str]
) -> str:
    count = course_count(partner, day, req.certification)
    return f"{count} of {req.at_least} required courses covered by certified trainers"


register(Kind("courses", _courses_met, _courses_changes, _courses_explain, cost=2))


# --- time_to_value ---------------------------------------------------------------------------


def kpi_tally(
    partner: Partner, req: TimeToValueRequirement, day: date
) -> dict[str, tuple[int, int]]:
    """(met, missed) per KPI over the engagements contracted in the window ending ``day``."""
    tally = {kpi: [0, 0] for kpi in KPIS if kpi in req.targets}
    oldest = day - timedelta(days=req.window_days)
    for engagement in partner.engagements:
        contract = engagement.contract
        if not (oldest < contract <= day):
            continue
        for kpi, counts in tally.items():
            target = req.targets[kpi]
            reached: date | None = getattr(engagement, kpi)
            if reached is not None and reached <= day:
                counts[0 if (reached - contract).days <= target else 1] += 1
            elif (day - contract).days > target:
                counts[1] += 1
    return {kpi: (met, missed) for kpi, (met, missed) in tally.items()}


def _ttv_met(partner: Partner, req: TimeToValueRequirement, day: date) -> bool:
    measured = [(met, met + missed) for met, missed in kpi_tally(partner, req, day).values()]
    measured = [(met, total) for met, total in measured if total]
    return bool(measured) and all(_reaches(met, total, req.at_least) for met, total in measured)


def _ttv_changes(partner: Partner, req: TimeToValueRequirement) -> Iterator[date]:
    window = timedelta(days=req.window_days)
    for engagement in partner.engagements:
        contract = engagement.contract
        yield contract
        yield contract + window
        for kpi, target in req.targets.items():
            reached: date | None = getattr(engagement, kpi)
            if reached is not None:
                yield reached
            yield contract + timedelta(days=target + 1)


def _ttv_explain(
    partner: Partner, req: TimeToValueRequirement, day: date, names: Mapping[str, str]
) -> str:
    tally = {k: v for k, v in kpi_tally(partner, req, day).items() if sum(v)}
    if not tally:
        return f"Time-to-Value: no engagement measured in the last {req.window_days} days"
    short = [
        f"{KPI_NAMES[kpi]} met in {met} of {met + missed} engagements, "
        f"{_percent(met, met + missed)} < {_threshold(req.at_least)}"
        for kpi, (met, missed) in tally.items()
        if not _reaches(met, met + missed, req.at_least)
    ]
    if short:
        return "Time-to-Value: " + "; ".join(short)
    return "Time-to-Value: " + "; ".join(
        f"{KPI_NAMES[kpi]} met in {met} of {met + missed} engagements"
        for kpi, (met, missed) in tally.items()
    )


register(Kind("time_to_value", _ttv_met, _ttv_changes, _ttv_explain, cost=4))


# --- csat ------------------------------------------------------------------------------------


def csat_tally(partner: Partner, req: CsatRequirement, day: date) -> tuple[int, int]:
    """(scores of 4 or 5, all scores) of the trainings delivered in the window ending ``day``."""
    oldest = day - timedelta(days=req.window_days)
    good = total = 0
    for training in partner.trainings:
        if oldest < training.delivered <= day:
            total += len(training.scores)
            good += sum(1 for s in training.scores if s >= 4)
    return good, total


def _csat_met(partner: Partner, req: CsatRequirement, day: date) -> bool:
    good, total = csat_tally(partner, req, day)
    return total > 0 and _reaches(good, total, req.at_least)


def _csat_changes(partner: Partner, req: CsatRequirement) -> Iterator[date]:
    window = timedelta(days=req.window_days)
    for training in partner.trainings:
        yield training.delivered
        yield training.delivered + window


def _csat_explain(
    partner: Partner, req: CsatRequirement, day: date, names: Mapping[str, str]
) -> str:
    good, total = csat_tally(partner, req, day)
    if not total:
        return f"no training survey scores in the last {req.window_days} days"
    share = f"{_percent(good, total)} {'<' if not _reaches(good, total, req.at_least) else '>='}"
    return f"CSAT: {good} of {total} scores 4 or 5, {share} {_threshold(req.at_least)}"


register(Kind("csat", _csat_met, _csat_changes, _csat_explain, cost=3))
