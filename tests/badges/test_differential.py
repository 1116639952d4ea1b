"""The badge engine agrees with the naive day-by-day reference on generated partner histories.

Partners are random but valid: tracks with gaps, noncompliance, people whose certifications
expire, trainers per course, engagements whose KPI dates fall near the targets, rated trainings
and sometimes legacy grants, between 2019 and 2027. Programs are the shipped one and variations
of it (thresholds, windows, targets, grandfather dates, review policy, requirement and badge
order). Each partner is compared on the days around every status change of the reference, on
days where a requirement can change, and on a few random days.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.badges import evaluate_badge, evaluate_partner
from generator.model import (
    KPIS,
    Badge,
    CertifiedRequirement,
    CsatRequirement,
    Grandfather,
    Partner,
    Program,
    TimeToValueRequirement,
)
from tests.badges import reference
from tests.badges.support import engine_json, shipped_partners, shipped_program

PROGRAM = shipped_program()
COURSES = [c.id for c in PROGRAM.courses]
TIERS = [t.id for t in PROGRAM.tiers]
FIRST = date(2019, 1, 1)
LAST = date(2027, 12, 31)
#: Days the calendar makes special: leap days, month ends and month starts around them.
SPECIAL_DAYS = [
    date(2020, 2, 28),
    date(2020, 2, 29),
    date(2020, 3, 1),
    date(2021, 2, 28),
    date(2021, 3, 1),
    date(2023, 2, 28),
    date(2024, 1, 31),
    date(2024, 2, 1),
    date(2024, 2, 28),
    date(2024, 2, 29),
    date(2024, 3, 1),
    date(2025, 2, 28),
    date(2025, 3, 1),
    date(2021, 11, 3),
    date(2021, 11, 4),
    date(2022, 10, 31),
    date(2022, 11, 1),
    date(2022, 12, 31),
    date(2023, 1, 1),
]


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@cache
def ints(low: int, high: int) -> st.SearchStrategy[int]:
    """Integers in a range (strategies are built once: building them costs more than drawing)."""
    return st.integers(low, high)


def days(low: date = FIRST, high: date = LAST) -> st.SearchStrategy[date]:
    """Any day in a range, with the special calendar days drawn more often."""
    special = [d for d in SPECIAL_DAYS if low <= d <= high]
    plain = st.dates(min_value=low, max_value=high)
    return st.one_of(plain, plain, st.sampled_from(special)) if special else plain


ANY_DAY = days()


def later(draw: st.DrawFn, start: date, low: int, high: int) -> date:
    """A day ``low`` to ``high`` days after ``start``, never after the last day."""
    return min(start + timedelta(days=draw(ints(low, high))), LAST)


# --- partner histories -----------------------------------------------------------------------

TIER_IDS = st.sampled_from(TIERS)
COURSE_IDS = st.sampled_from(COURSES)
GAPS = st.sampled_from([0, 0, 1, 2, 30]) | st.integers(0, 400)
PERIOD_COUNTS = st.sampled_from([0, 1, 1, 2, 3])
CERT_KINDS = st.lists(st.sampled_from(["pse", "pse", "trainer", "trainer", "trainer"]), max_size=4)


@st.composite
def track_lists(draw: st.DrawFn, start: date) -> list[dict[str, Any]]:
    """Sorted, non-overlapping tracks; adjacent or with gaps; the last one maybe open."""
    result: list[dict[str, Any]] = []
    begin = start
    for _ in range(draw(ints(1, 3))):
        end = later(draw, begin, 0, 1400)
        result.append({"tier": draw(TIER_IDS), "from": begin, "to": end})
        gap = draw(GAPS)
        begin = end + timedelta(days=1 + gap)
        if begin > LAST:
            break
    if draw(st.booleans()):
        del result[-1]["to"]
    return result


@st.composite
def periods(draw: st.DrawFn, start: date) -> list[dict[str, Any]]:
    """Noncompliance periods, inclusive, possibly overlapping each other."""
    result = []
    for _ in range(draw(PERIOD_COUNTS)):
        begin = max(draw(ANY_DAY), start)
        if draw(st.booleans()):  # from the first of a month, as a review day would be
            begin = begin.replace(day=1)
        if draw(st.booleans()):  # to the end of a month, as grace would be
            end = reference.add_months(begin, draw(ints(1, 4))) - timedelta(days=1)
        else:
            end = later(draw, begin, 0, 120)
        result.append({"from": begin, "to": end, "reason": "late plan"})
    return result


@st.composite
def certification_lists(draw: st.DrawFn, hired: date, kinds: list[str]) -> list[dict[str, Any]]:
    """Certifications earned around the hiring day; some expire; trainers name a course."""
    result = []
    for kind in kinds:
        how = draw(ints(0, 2))
        if how == 0:
            earned = later(draw, hired, 0, 60)
        elif how == 1:
            earned = draw(ANY_DAY)
        else:
            earned = hired
        cert: dict[str, Any] = {"type": kind, "earned": earned}
        if draw(ints(0, 2)) == 0:
            cert["expires"] = earned + timedelta(days=draw(ints(1, 1200)))
        if kind == "trainer":
            cert["course"] = draw(COURSE_IDS)
        result.append(cert)
    return result


@st.composite
def people_lists(draw: st.DrawFn, start: date) -> list[dict[str, Any]]:
    """Practitioners with PSE and trainer certifications, hired and leaving around the tracks."""
    result = []
    for number in range(draw(ints(0, 6))):
        hired = later(draw, start, 0, 200) if draw(st.booleans()) else draw(ANY_DAY)
        employed: dict[str, Any] = {"from": hired}
        if draw(ints(0, 2)) == 0:
            employed["to"] = later(draw, hired, 0, 1500)
        kinds = draw(CERT_KINDS)
        result.append(
            {
                "id": f"p-{number}",
                "employed": employed,
                "certifications": draw(certification_lists(hired, kinds)),
            }
        )
    return result


#: KPI delays in days: on, just before and just after the shipped targets, or anything.
DELAYS = st.one_of(
    st.sampled_from([0, 29, 30, 31, 179, 180, 181]),
    st.integers(0, 45),
    st.integers(150, 200),
    st.integers(0, 500),
)


@st.composite
def engagement_lists(draw: st.DrawFn, start: date) -> list[dict[str, Any]]:
    """Engagements signed every few weeks or months, with KPI dates near the targets."""
    result = []
    contract = later(draw, start, 0, 120)
    for number in range(draw(ints(0, 10))):
        engagement: dict[str, Any] = {"id": f"e-{number}", "contract": contract}
        for kpi in KPIS:
            if draw(ints(0, 4)) > 0:
                engagement[kpi] = contract + timedelta(days=draw(DELAYS))
        result.append(engagement)
        contract = later(draw, contract, 0, 250)
    return result


SCORES = st.lists(st.sampled_from([5, 5, 4, 4, 4, 3, 2, 1]), min_size=1, max_size=6)


@st.composite
def training_lists(draw: st.DrawFn, start: date) -> list[dict[str, Any]]:
    """Courses delivered every few weeks or months, with mostly good scores."""
    result = []
    delivered = later(draw, start, 0, 120)
    for _ in range(draw(ints(0, 10))):
        course = draw(COURSE_IDS)
        result.append({"course": course, "delivered": delivered, "scores": draw(SCORES)})
        delivered = later(draw, delivered, 0, 250)
    return result


@st.composite
def partners(draw: st.DrawFn) -> Partner:
    """A random but valid partner history between 2019 and 2027."""
    start = min(draw(ANY_DAY), date(2024, 12, 31))
    practices = [
        practice for practice in ("professional-services", "training") if draw(ints(0, 6)) > 0
    ]
    legacy: dict[str, date] = {}
    for badge in ("psp", "tsp"):
        if draw(ints(0, 4)) == 0:
            legacy[badge] = later(draw, start, 0, 400) if draw(st.booleans()) else draw(ANY_DAY)
    data: dict[str, Any] = {
        "slug": "generated",
        "name": "Generated Partner",
        "website": "https://generated.example/",
        "summary": "A generated partner.",
        "headquarters": {"country": "DE", "city": "Berlin"},
        "services": ["assessment"],
        "tracks": draw(track_lists(start)),
        "noncompliance": draw(periods(start)),
        "practices": practices,
        "people": draw(people_lists(start)),
        "engagements": draw(engagement_lists(start)),
        "trainings": draw(training_lists(start)),
        "legacy_grants": legacy,
    }
    return Partner.model_validate(data)


# --- program variations ----------------------------------------------------------------------

SHARES = st.sampled_from([0.0, 0.5, 0.6, 0.7, 0.75, 0.8, 0.8, 0.9, 1.0])
WINDOWS = st.sampled_from([30, 90, 180, 365, 366, 730])
TARGETS = st.sampled_from([0, 1, 30, 45, 180]) | st.integers(0, 400)
KPI_SETS = st.lists(st.sampled_from(KPIS), min_size=1, unique=True)
TIER_SETS = st.lists(TIER_IDS, min_size=1, unique=True)
PRACTICE_IDS = st.sampled_from(["professional-services", "training"])
CERTIFICATION_IDS = st.sampled_from(["pse", "trainer"])
GRANDFATHER_STARTS = days(date(2019, 6, 1), date(2025, 12, 31))
EVERY_MONTHS = st.sampled_from([12, 12, 1, 3, 6, 13, 24])
GRACE_MONTHS = st.sampled_from([3, 3, 1, 2, 4, 6])
EVIDENCE_MONTHS = st.sampled_from([1, 1, 0, 2, 3])


def grandfather(draw: st.DrawFn) -> dict[str, date] | None:
    """No grandfather clause, or one with random dates."""
    if draw(ints(0, 2)) == 0:
        return None
    granted_before = draw(GRANDFATHER_STARTS)
    return {"granted_before": granted_before, "enforced_from": later(draw, granted_before, 0, 900)}


def requirement_variant(draw: st.DrawFn, requirement: dict[str, Any]) -> dict[str, Any]:
    """One requirement with its parameters changed."""
    kind = requirement["kind"]
    changed = dict(requirement)
    if kind == "tier":
        changed["tiers"] = draw(TIER_SETS)
    elif kind == "practice":
        changed["id"] = draw(PRACTICE_IDS)
    elif kind == "certified":
        changed["certification"] = draw(CERTIFICATION_IDS)
        changed["at_least"] = draw(ints(1, 4))
        changed.pop("grandfather", None)
        clause = grandfather(draw)
        if clause is not None:
            changed["grandfather"] = clause
    elif kind == "courses":
        changed["at_least"] = draw(ints(1, 6))
    elif kind == "time_to_value":
        changed["window_days"] = draw(WINDOWS)
        changed["at_least"] = draw(SHARES)
        changed["targets"] = {kpi: draw(TARGETS) for kpi in draw(KPI_SETS)}
    elif kind == "csat":
        changed["window_days"] = draw(WINDOWS)
        changed["at_least"] = draw(SHARES)
    return changed


BADGE_DATA = [badge.model_dump(by_alias=True, exclude_none=True) for badge in PROGRAM.badges]


@st.composite
def programs(draw: st.DrawFn) -> Program:
    """The shipped program with its numbers, requirement order and badge order changed."""
    badges = []
    for badge in BADGE_DATA:
        requirements = [
            requirement_variant(draw, r) if draw(st.booleans()) else r
            for r in badge["requirements"]
        ]
        requirements = draw(st.permutations(requirements))
        keep = draw(ints(1, len(requirements)))
        review = {
            "every_months": draw(EVERY_MONTHS),
            "grace_months": draw(GRACE_MONTHS),
            "evidence_due_months": draw(EVIDENCE_MONTHS),
        }
        data = {**badge, "review": review, "requirements": requirements[:keep]}
        badges.append(Badge.model_validate(data))
    return PROGRAM.model_copy(update={"badges": tuple(draw(st.permutations(badges)))})


# --- comparison --------------------------------------------------------------------------------


def edge_days(partner: Partner, program: Program) -> set[date]:
    """The days on which, or the day after which, some requirement can change: fact dates,
    the ends of rolling windows and KPI targets."""
    edges = set(reference.fact_dates(partner))
    for badge in program.badges:
        for requirement in badge.requirements:
            if isinstance(requirement, TimeToValueRequirement):
                for e in partner.engagements:
                    edges.add(e.contract + timedelta(days=requirement.window_days))
                    edges.update(
                        e.contract + timedelta(days=target)
                        for target in requirement.targets.values()
                    )
            elif isinstance(requirement, CsatRequirement):
                edges.update(
                    t.delivered + timedelta(days=requirement.window_days) for t in partner.trainings
                )
    return {d + timedelta(days=delta) for d in edges for delta in (-1, 0, 1)}


def grandfather_days(program: Program) -> set[date]:
    """Both sides of every grandfather date of the program."""
    return {
        day + timedelta(days=delta)
        for badge in program.badges
        for r in badge.requirements
        if isinstance(r, CertifiedRequirement) and r.grandfather is not None
        for day in (r.grandfather.granted_before, r.grandfather.enforced_from)
        for delta in (-1, 0, 1)
    }


def compare(
    partner: Partner, program: Program, extra: list[date], pick: random.Random | None
) -> None:
    """The engine agrees with the reference for every badge on the days either side of every
    status change of the reference, on the ``extra`` days and on the edge days: 30 of them
    picked by ``pick``, or without it every few so that about 150 remain."""
    timelines = [reference.Timeline(partner, badge, LAST) for badge in program.badges]
    chosen = set(extra) | grandfather_days(program)
    for timeline in timelines:
        for day, _status in timeline.history:
            chosen.update(day + timedelta(days=delta) for delta in (-1, 0, 1))
        final = timeline.report(LAST)
        if final["status"] == "grace":
            chosen.add(final["grace_until"])
    candidates = sorted(d for d in edge_days(partner, program) - chosen if d <= LAST)
    if pick is not None:
        chosen.update(pick.sample(candidates, min(30, len(candidates))))
    else:
        chosen.update(candidates[:: 1 + len(candidates) // 150])
    for as_of in sorted(d for d in chosen if d <= LAST):
        states = evaluate_partner(partner, program, as_of)
        assert list(states) == [badge.id for badge in program.badges]
        for timeline in timelines:
            want = reference.as_json(timeline.report(as_of))
            got = engine_json(states[timeline.badge.id])
            assert got == want, f"{timeline.badge.id} as of {as_of}"


AS_OF_EXTRA = st.lists(ANY_DAY, min_size=1, max_size=4)


@_settings(700)
@given(partners(), AS_OF_EXTRA, st.randoms(use_true_random=False))
def test_engine_matches_reference_with_the_shipped_program(
    partner: Partner, extra: list[date], pick: random.Random
) -> None:
    compare(partner, PROGRAM, extra, pick)


def aim_grandfathers(data: st.DataObject, partner: Partner, program: Program) -> Program:
    """The program with grandfather clauses aimed at the partner's history: ``granted_before``
    on or just after one of its grants, ``enforced_from`` on a day near one of its facts or
    reviews, so that both cut-offs fall where they decide something."""
    badges = []
    for badge in program.badges:
        grants = [
            day
            for day, status in reference.Timeline(partner, badge, LAST).history
            if status == "active"
        ]
        certified = [r for r in badge.requirements if isinstance(r, CertifiedRequirement)]
        if not grants or not certified or data.draw(st.booleans()):
            badges.append(badge)
            continue
        granted = data.draw(st.sampled_from(grants))
        reviews = [reference.add_months(granted, k * badge.review.every_months) for k in (1, 2)]
        facts = [d for d in reference.fact_dates(partner) if d > granted]
        enforced = data.draw(st.sampled_from([*reviews, *facts])) + timedelta(
            days=data.draw(ints(-1, 1))
        )
        clause = {
            "granted_before": granted + timedelta(days=data.draw(ints(0, 1))),
            "enforced_from": max(enforced, granted),
        }
        requirements = [
            r.model_copy(update={"grandfather": Grandfather.model_validate(clause)})
            if isinstance(r, CertifiedRequirement)
            else r
            for r in badge.requirements
        ]
        badges.append(badge.model_copy(update={"requirements": tuple(requirements)}))
    return program.model_copy(update={"badges": tuple(badges)})


@_settings(600)
@given(partners(), programs(), AS_OF_EXTRA, st.randoms(use_true_random=False), st.data())
def test_engine_matches_reference_with_program_variations(
    partner: Partner,
    program: Program,
    extra: list[date],
    pick: random.Random,
    data: st.DataObject,
) -> None:
    compare(partner, aim_grandfathers(data, partner, program), extra, pick)


@_settings(100)
@given(partners(), programs(), ANY_DAY)
def test_evaluate_partner_gives_every_badge_in_program_order(
    partner: Partner, program: Program, as_of: date
) -> None:
    states = evaluate_partner(partner, program, as_of)
    assert list(states) == [badge.id for badge in program.badges]
    for badge in program.badges:
        state = states[badge.id]
        assert state.badge == badge.id
        alone = evaluate_badge(partner, badge, as_of)
        assert engine_json(alone) == engine_json(state)


def without_future(partner: Partner, as_of: date) -> Partner:
    """The partner as its file would read on ``as_of``: every fact dated later left out."""

    def known(day: date | None) -> date | None:
        return day if day is not None and day <= as_of else None

    data = partner.model_dump(by_alias=True, exclude_none=True)
    tracks = [t for t in data["tracks"] if t["from"] <= as_of] or data["tracks"][:1]
    for entry in tracks:
        if entry.get("to") is not None and entry["to"] > as_of:
            del entry["to"]
    people = []
    for entry in data["people"]:
        if entry["employed"]["from"] > as_of:
            continue
        if known(entry["employed"].get("to")) is None:
            entry["employed"].pop("to", None)
        certs = [c for c in entry["certifications"] if c["earned"] <= as_of]
        for c in certs:
            if known(c.get("expires")) is None:
                c.pop("expires", None)
        people.append({**entry, "certifications": certs})
    engagements = []
    for entry in data["engagements"]:
        if entry["contract"] <= as_of:
            engagements.append({k: v for k, v in entry.items() if k == "id" or v <= as_of})
    data.update(
        slug=partner.slug,
        tracks=tracks,
        noncompliance=[n for n in data["noncompliance"] if n["from"] <= as_of],
        people=people,
        engagements=engagements,
        trainings=[t for t in data["trainings"] if t["delivered"] <= as_of],
        legacy_grants={b: d for b, d in data["legacy_grants"].items() if d <= as_of},
    )
    return Partner.model_validate(data)


@_settings(150)
@given(partners(), ANY_DAY)
def test_facts_after_the_as_of_day_change_nothing(partner: Partner, as_of: date) -> None:
    known = without_future(partner, as_of)
    for badge in PROGRAM.badges:
        full = evaluate_badge(partner, badge, as_of)
        cut = evaluate_badge(known, badge, as_of)
        assert engine_json(full) == engine_json(cut)
        assert [t.reason for t in full.history] == [t.reason for t in cut.history]


@pytest.mark.parametrize("partner", shipped_partners(), ids=lambda p: p.slug)
def test_engine_matches_reference_on_the_shipped_partners(partner: Partner) -> None:
    quarters = [date(year, month, 1) for year in range(2019, 2028) for month in (1, 4, 7, 10)]
    compare(partner, PROGRAM, [*quarters, date(2026, 11, 28)], None)
