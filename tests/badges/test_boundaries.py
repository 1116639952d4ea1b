"""Both sides of every date in the badge rules, on hand-written partners.

Every state is computed by the engine and checked against the reference (``checked``), then
compared with the values worked out by hand from SPEC §4.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from generator.badges import BadgeState, certified_count, course_count, evaluate_partner
from generator.model import Partner
from tests.badges.support import (
    Day,
    cert,
    checked,
    engagement,
    make_partner,
    period,
    person,
    shipped_program,
    track,
    training,
)

PROGRAM = shipped_program()
D = date.fromisoformat


def steady_engagements(first: Day = "2019-01-01", last: Day = "2027-12-31") -> list[dict[str, Any]]:
    """An engagement every 45 days, each reaching every KPI well within its target."""
    day, end = D(str(first)), D(str(last))
    result = []
    while day <= end:
        result.append(
            engagement(
                f"e-{day}",
                day,
                infrastructure_ready=day + timedelta(days=10),
                first_value=day + timedelta(days=20),
                outcome_achieved=day + timedelta(days=90),
            )
        )
        day += timedelta(days=45)
    return result


def steady_trainings(first: Day = "2019-01-01", last: Day = "2027-12-31") -> list[dict[str, Any]]:
    """A course delivered every 30 days, rated 5 and 4."""
    day, end = D(str(first)), D(str(last))
    result = []
    while day <= end:
        result.append(training(day, [5, 4]))
        day += timedelta(days=30)
    return result


def pse_people(count: int, start: Day = "2019-01-01", prefix: str = "p") -> list[dict[str, Any]]:
    """``count`` engineers employed and PSE-certified from ``start``."""
    return [person(f"{prefix}-{n}", start, certs=[cert("pse", start)]) for n in range(count)]


def psp_partner(
    start: Day,
    *,
    people: list[dict[str, Any]] | None = None,
    tracks: list[dict[str, Any]] | None = None,
    engagements: list[dict[str, Any]] | None = None,
    noncompliance: list[dict[str, Any]] | None = None,
    legacy: Day | None = None,
) -> Partner:
    """A partner that meets every PSP requirement from ``start`` (its first track day) unless
    told otherwise: three certified engineers and engagements always on time."""
    return make_partner(
        tracks=tracks if tracks is not None else [track("open", start)],
        practices=["professional-services"],
        people=people if people is not None else pse_people(3),
        engagements=engagements if engagements is not None else steady_engagements(),
        noncompliance=noncompliance or [],
        legacy_grants={"psp": legacy} if legacy is not None else None,
    )


def trainers(courses: list[list[str]], start: Day = "2019-01-01") -> list[dict[str, Any]]:
    """One certified trainer per entry, certified for the listed courses."""
    return [
        person(f"t-{n}", start, certs=[cert("trainer", start, course=c) for c in names])
        for n, names in enumerate(courses)
    ]


FOUR_COURSES = [
    ["gitlab-ci-cd", "gitlab-fundamentals"],
    ["gitlab-security-essentials", "gitlab-administration"],
]


def tsp_partner(
    start: Day,
    *,
    people: list[dict[str, Any]] | None = None,
    trainings: list[dict[str, Any]] | None = None,
) -> Partner:
    """A partner that meets every TSP requirement from ``start`` unless told otherwise."""
    return make_partner(
        tracks=[track("select", start)],
        practices=["training"],
        people=people if people is not None else trainers(FOUR_COURSES),
        trainings=trainings if trainings is not None else steady_trainings(),
    )


def psp(partner: Partner, as_of: Day) -> BadgeState:
    return checked(partner, PROGRAM, "psp", as_of)


def tsp(partner: Partner, as_of: Day) -> BadgeState:
    return checked(partner, PROGRAM, "tsp", as_of)


def changes(state: BadgeState) -> list[tuple[str, str]]:
    return [(t.date.isoformat(), t.status) for t in state.history]


def unmet(partner: Partner, badge: str, as_of: Day) -> tuple[str, ...]:
    return checked(partner, PROGRAM, badge, as_of).unmet


# --- reviews and grace -------------------------------------------------------------------------

#: Granted 2022-03-15 (reviews every March); one of three engineers leaves on 2023-01-31.
LOSES_AN_ENGINEER = [
    *pse_people(2),
    person("p-2", "2019-01-01", "2023-01-31", [cert("pse", "2019-01-01")]),
]


def test_a_grant_is_reviewed_on_the_first_of_its_month_each_year() -> None:
    partner = psp_partner("2022-03-15")
    before = psp(partner, "2022-03-14")
    assert before.status == "none"
    assert before.granted is None
    assert not before.eligible
    assert before.unmet == ("tier",)
    granted = psp(partner, "2022-03-15")
    assert granted.status == "active"
    assert granted.granted == D("2022-03-15")
    assert granted.next_review == D("2023-03-01")
    assert granted.evidence_due == D("2023-02-01")
    assert granted.grace_until is None
    assert changes(granted) == [("2022-03-15", "active")]
    passed = psp(partner, "2023-03-01")
    assert passed.status == "active"
    assert passed.next_review == D("2024-03-01")
    assert passed.evidence_due == D("2024-02-01")
    assert psp(partner, "2024-02-29").next_review == D("2024-03-01")


def test_an_active_badge_not_eligible_on_its_review_day_goes_to_grace() -> None:
    partner = psp_partner("2022-03-15", people=LOSES_AN_ENGINEER)
    last_day = psp(partner, "2023-01-31")
    assert (last_day.status, last_day.eligible, last_day.at_risk) == ("active", True, False)
    at_risk = psp(partner, "2023-02-01")
    assert (at_risk.status, at_risk.eligible, at_risk.at_risk) == ("active", False, True)
    assert at_risk.unmet == ("certified",)
    day_before = psp(partner, "2023-02-28")
    assert (day_before.status, day_before.at_risk) == ("active", True)
    assert day_before.next_review == D("2023-03-01")
    review = psp(partner, "2023-03-01")
    assert review.status == "grace"
    assert review.grace_until == D("2023-05-31")
    assert review.granted == D("2022-03-15")
    assert review.next_review == D("2024-03-01")
    assert review.evidence_due == D("2024-02-01")
    assert review.at_risk is False  # at risk is for active badges only
    assert review.eligible is False
    assert review.held
    assert changes(review) == [("2022-03-15", "active"), ("2023-03-01", "grace")]


def test_grace_ends_on_its_last_day_and_the_badge_lapses_the_day_after() -> None:
    partner = psp_partner("2022-03-15", people=LOSES_AN_ENGINEER)
    last = psp(partner, "2023-05-31")
    assert (last.status, last.grace_until) == ("grace", D("2023-05-31"))
    lapsed = psp(partner, "2023-06-01")
    assert lapsed.status == "lapsed"
    assert lapsed.granted == D("2022-03-15")  # the most recent grant stays
    assert (lapsed.next_review, lapsed.evidence_due, lapsed.grace_until) == (None, None, None)
    assert not lapsed.held
    assert lapsed.at_risk is False
    assert changes(lapsed) == [
        ("2022-03-15", "active"),
        ("2023-03-01", "grace"),
        ("2023-06-01", "lapsed"),
    ]


def test_eligible_on_the_last_day_of_grace_restores_the_same_grant() -> None:
    people = [*LOSES_AN_ENGINEER, *pse_people(1, "2023-05-31", prefix="new")]
    partner = psp_partner("2022-03-15", people=people)
    assert psp(partner, "2023-05-30").status == "grace"
    restored = psp(partner, "2023-05-31")
    assert restored.status == "active"
    assert restored.granted == D("2022-03-15")
    assert restored.next_review == D("2024-03-01")
    assert restored.grace_until is None
    assert changes(restored)[-1] == ("2023-05-31", "active")
    assert psp(partner, "2024-03-01").status == "active"


def test_eligible_the_day_after_grace_is_too_late_and_the_new_grant_comes_a_day_later() -> None:
    people = [*LOSES_AN_ENGINEER, *pse_people(1, "2023-06-01", prefix="new")]
    partner = psp_partner("2022-03-15", people=people)
    lapsed = psp(partner, "2023-06-01")
    assert (lapsed.status, lapsed.eligible) == ("lapsed", True)
    regranted = psp(partner, "2023-06-02")
    assert regranted.status == "active"
    assert regranted.granted == D("2023-06-02")
    assert regranted.next_review == D("2024-06-01")  # a new review cycle
    assert regranted.evidence_due == D("2024-05-01")
    assert changes(regranted) == [
        ("2022-03-15", "active"),
        ("2023-03-01", "grace"),
        ("2023-06-01", "lapsed"),
        ("2023-06-02", "active"),
    ]


# --- grandfather clause ----------------------------------------------------------------------

#: Three engineers, one of whom leaves on 2021-12-31.
ONE_LEAVES_2021 = [
    *pse_people(2),
    person("p-2", "2019-01-01", "2021-12-31", [cert("pse", "2019-01-01")]),
]


@pytest.mark.parametrize(("granted", "exempt"), [("2021-11-03", True), ("2021-11-04", False)])
def test_grandfather_covers_grants_before_2021_11_04(granted: str, exempt: bool) -> None:
    state = psp(psp_partner(granted, people=ONE_LEAVES_2021), "2022-06-01")
    assert state.status == "active"
    assert state.granted == D(granted)
    assert state.eligible is exempt
    assert state.at_risk is not exempt
    assert state.unmet == (() if exempt else ("certified",))


def test_grandfather_ends_on_2022_11_01() -> None:
    partner = psp_partner("2021-10-03", people=ONE_LEAVES_2021)
    review = psp(partner, "2022-10-01")  # reviewed under the clause: passes
    assert (review.status, review.eligible) == ("active", True)
    last = psp(partner, "2022-10-31")
    assert (last.status, last.eligible, last.at_risk, last.unmet) == ("active", True, False, ())
    enforced = psp(partner, "2022-11-01")
    assert (enforced.status, enforced.eligible, enforced.at_risk) == ("active", False, True)
    assert enforced.unmet == ("certified",)


def test_a_review_on_the_enforcement_day_is_not_covered() -> None:
    partner = psp_partner("2021-11-03", people=ONE_LEAVES_2021)
    assert psp(partner, "2022-10-31").status == "active"
    review = psp(partner, "2022-11-01")
    assert review.status == "grace"
    assert review.grace_until == D("2023-01-31")
    assert review.unmet == ("certified",)


def test_no_grandfather_for_a_badge_that_is_not_held() -> None:
    # Two engineers only: never eligible for a new grant, even before 2021-11-04.
    partner = psp_partner("2020-05-01", people=pse_people(2))
    state = psp(partner, "2021-06-01")
    assert state.status == "none"
    assert state.unmet == ("certified",)


# --- people and certifications -----------------------------------------------------------------


def test_employment_counts_from_its_first_to_its_last_day_inclusive() -> None:
    people = [
        *pse_people(2),
        person("p-late", "2020-05-05", "2023-06-30", [cert("pse", "2019-01-01")]),
    ]
    partner = psp_partner("2019-06-01", people=people)
    assert certified_count(partner, "pse", D("2020-05-04")) == 2
    assert certified_count(partner, "pse", D("2020-05-05")) == 3
    assert certified_count(partner, "pse", D("2023-06-30")) == 3
    assert certified_count(partner, "pse", D("2023-07-01")) == 2
    assert psp(partner, "2020-05-04").status == "none"
    assert psp(partner, "2020-05-05").granted == D("2020-05-05")
    assert psp(partner, "2023-06-30").unmet == ()
    assert psp(partner, "2023-07-01").unmet == ("certified",)


def test_a_certification_is_valid_from_earned_and_invalid_from_expires() -> None:
    people = [
        *pse_people(2),
        person("p-x", "2019-01-01", certs=[cert("pse", "2020-02-10", expires="2023-09-15")]),
    ]
    partner = psp_partner("2019-06-01", people=people)
    assert certified_count(partner, "pse", D("2020-02-09")) == 2
    assert certified_count(partner, "pse", D("2020-02-10")) == 3
    assert certified_count(partner, "pse", D("2023-09-14")) == 3
    assert certified_count(partner, "pse", D("2023-09-15")) == 2
    assert psp(partner, "2023-09-14").unmet == ()
    assert psp(partner, "2023-09-15").unmet == ("certified",)


def test_a_person_counts_once_however_many_certifications() -> None:
    people = [
        person("p-0", "2019-01-01", certs=[cert("pse", "2019-01-01"), cert("pse", "2020-01-01")])
    ]
    partner = psp_partner("2019-06-01", people=people)
    assert certified_count(partner, "pse", D("2021-01-01")) == 1


def test_courses_are_counted_once_each_across_trainers() -> None:
    same = [["gitlab-ci-cd", "gitlab-fundamentals"], ["gitlab-ci-cd", "gitlab-fundamentals"]]
    partner = tsp_partner("2020-01-01", people=trainers(same))
    assert course_count(partner, D("2021-01-01")) == 2
    assert course_count(partner, D("2021-01-01"), "trainer") == 2
    assert unmet(partner, "tsp", "2021-01-01") == ("courses",)
    three = tsp_partner("2020-01-01", people=trainers([*same, ["gitlab-administration"]]))
    assert course_count(three, D("2021-01-01")) == 3
    full = tsp_partner("2020-01-01")
    assert course_count(full, D("2021-01-01")) == 4
    assert unmet(full, "tsp", "2021-01-01") == ()


def test_courses_need_a_valid_certification_and_an_employed_trainer() -> None:
    people = [
        person("t-0", "2019-01-01", certs=[cert("trainer", "2019-01-01", course="gitlab-ci-cd")]),
        person(
            "t-1",
            "2019-01-01",
            "2022-12-31",
            [
                cert("trainer", "2019-01-01", course="gitlab-fundamentals"),
                cert("trainer", "2019-01-01", "2022-06-01", course="gitlab-administration"),
                cert("trainer", "2022-03-01", course="gitlab-security-essentials"),
            ],
        ),
    ]
    partner = tsp_partner("2020-01-01", people=people)
    assert course_count(partner, D("2022-02-28")) == 3
    assert course_count(partner, D("2022-03-01")) == 4
    assert course_count(partner, D("2022-05-31")) == 4
    assert course_count(partner, D("2022-06-01")) == 3
    assert course_count(partner, D("2022-12-31")) == 3
    assert course_count(partner, D("2023-01-01")) == 1
    assert certified_count(partner, "trainer", D("2023-01-01")) == 1


# --- Time-to-Value -------------------------------------------------------------------------------


def ttv_partner(*engagements: dict[str, Any]) -> Partner:
    return psp_partner("2019-01-01", engagements=list(engagements))


def test_an_engagement_leaves_the_window_window_days_after_its_contract() -> None:
    partner = ttv_partner(
        engagement(
            "e-1",
            "2023-01-10",
            infrastructure_ready="2023-01-15",
            first_value="2023-01-20",
            outcome_achieved="2023-03-01",
        )
    )
    assert unmet(partner, "psp", "2023-01-14") == ("time_to_value",)  # all pending
    assert unmet(partner, "psp", "2023-01-15") == ()
    assert unmet(partner, "psp", "2024-01-09") == ()  # contract 364 days ago
    assert unmet(partner, "psp", "2024-01-10") == ("time_to_value",)  # 365 days ago: out


@pytest.mark.parametrize(("delay", "met"), [(0, True), (30, True), (31, False)])
def test_a_kpi_reached_within_its_target_is_met(delay: int, met: bool) -> None:
    contract = D("2023-03-01")
    partner = ttv_partner(
        engagement(
            "e-1",
            contract,
            infrastructure_ready=contract,
            first_value=contract + timedelta(days=delay),
            outcome_achieved=contract + timedelta(days=180),
        )
    )
    assert unmet(partner, "psp", "2023-10-01") == (() if met else ("time_to_value",))


def test_outcome_target_of_180_days() -> None:
    contract = D("2023-01-01")
    on_time = ttv_partner(
        engagement(
            "e-1",
            contract,
            first_value="2023-01-02",
            infrastructure_ready="2023-01-02",
            outcome_achieved=contract + timedelta(days=180),
        )
    )
    late = ttv_partner(
        engagement(
            "e-1",
            contract,
            first_value="2023-01-02",
            infrastructure_ready="2023-01-02",
            outcome_achieved=contract + timedelta(days=181),
        )
    )
    assert unmet(on_time, "psp", "2023-12-01") == ()
    assert unmet(late, "psp", "2023-12-01") == ("time_to_value",)


def test_pending_kpis_are_not_counted_and_become_missed_after_the_target() -> None:
    on_time = engagement(
        "e-1",
        "2023-01-02",
        infrastructure_ready="2023-01-03",
        first_value="2023-01-04",
        outcome_achieved="2023-01-05",
    )
    partner = ttv_partner(on_time, engagement("e-2", "2023-03-01"))
    assert unmet(partner, "psp", "2023-03-31") == ()  # e-2 is 30 days in: pending
    assert unmet(partner, "psp", "2023-04-01") == ("time_to_value",)  # 31 days: 1 of 2 met


def test_kpi_dates_after_the_as_of_day_do_not_exist_yet() -> None:
    partner = ttv_partner(
        engagement(
            "e-1",
            "2023-05-01",
            infrastructure_ready="2023-05-26",
            first_value="2023-05-29",
            outcome_achieved="2023-08-01",
        )
    )
    assert unmet(partner, "psp", "2023-05-21") == ("time_to_value",)  # nothing reached yet
    assert unmet(partner, "psp", "2023-05-25") == ("time_to_value",)
    assert unmet(partner, "psp", "2023-05-26") == ()


def test_a_contract_after_the_as_of_day_does_not_count() -> None:
    partner = ttv_partner(engagement("e-1", "2023-05-01", infrastructure_ready="2023-05-01"))
    assert unmet(partner, "psp", "2023-04-30") == ("time_to_value",)
    assert unmet(partner, "psp", "2023-05-01") == ()


# --- CSAT ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "met"),
    [
        ([5, 4, 4, 4, 3], True),  # 4 of 5: exactly 80%
        ([4] * 40 + [3] * 10, True),  # 40 of 50
        ([4] * 39 + [3] * 10, False),  # 39 of 49: just under
        ([5, 5, 5, 2], False),  # 3 of 4
    ],
)
def test_csat_share_of_four_and_five(scores: list[int], met: bool) -> None:
    partner = tsp_partner("2020-01-01", trainings=[training("2023-02-01", scores)])
    assert unmet(partner, "tsp", "2023-06-01") == (() if met else ("csat",))


def test_csat_window_and_leap_day() -> None:
    partner = tsp_partner("2020-01-01", trainings=[training("2023-03-01", [5])])
    assert unmet(partner, "tsp", "2023-02-28") == ("csat",)  # delivered later: not yet
    assert unmet(partner, "tsp", "2023-03-01") == ()
    assert unmet(partner, "tsp", "2024-02-28") == ()  # 364 days later (2024 has a Feb 29)
    assert unmet(partner, "tsp", "2024-02-29") == ("csat",)  # 365 days later: out


# --- tier, compliance, leaving the program ---------------------------------------------------


def test_noncompliance_makes_the_tier_unmet_and_an_active_badge_at_risk() -> None:
    partner = psp_partner("2022-03-15", noncompliance=[period("2023-01-10", "2023-02-20")])
    before = psp(partner, "2023-01-09")
    assert (before.status, before.at_risk, before.unmet) == ("active", False, ())
    first = psp(partner, "2023-01-10")
    assert (first.status, first.at_risk, first.eligible, first.unmet) == (
        "active",
        True,
        False,
        ("tier",),
    )
    last = psp(partner, "2023-02-20")
    assert (last.status, last.at_risk) == ("active", True)
    after = psp(partner, "2023-02-21")
    assert (after.status, after.at_risk, after.unmet) == ("active", False, ())
    assert changes(after) == [("2022-03-15", "active")]


def test_no_grant_while_noncompliant() -> None:
    partner = psp_partner("2022-03-15", noncompliance=[period("2022-03-01", "2022-04-02")])
    assert psp(partner, "2022-04-02").status == "none"
    assert psp(partner, "2022-04-03").granted == D("2022-04-03")


def test_leaving_the_program_lapses_at_once_and_rejoining_starts_a_new_cycle() -> None:
    partner = psp_partner(
        "2021-03-15",
        tracks=[
            track("open", "2021-03-15", "2022-06-30"),
            track("select", "2022-07-01", "2022-08-31"),  # adjacent: no gap
            track("select", "2022-10-10"),
        ],
    )
    assert psp(partner, "2022-07-01").status == "active"
    last = psp(partner, "2022-08-31")
    assert (last.status, last.next_review) == ("active", D("2023-03-01"))
    gone = psp(partner, "2022-09-01")
    assert gone.status == "lapsed"
    assert gone.unmet == ("tier",)
    assert gone.next_review is None
    assert changes(gone) == [("2021-03-15", "active"), ("2022-09-01", "lapsed")]
    assert psp(partner, "2022-10-09").status == "lapsed"
    back = psp(partner, "2022-10-10")
    assert back.status == "active"
    assert back.granted == D("2022-10-10")
    assert back.next_review == D("2023-10-01")
    assert back.evidence_due == D("2023-09-01")
    assert changes(back)[-1] == ("2022-10-10", "active")


def test_leaving_during_grace_lapses_at_once() -> None:
    partner = psp_partner(
        "2022-03-15",
        people=LOSES_AN_ENGINEER,
        tracks=[track("open", "2022-03-15", "2023-04-10")],
    )
    assert psp(partner, "2023-04-10").status == "grace"
    gone = psp(partner, "2023-04-11")
    assert gone.status == "lapsed"
    assert gone.grace_until is None
    assert changes(gone)[-1] == ("2023-04-11", "lapsed")


# --- the calendar --------------------------------------------------------------------------------


def test_a_grant_on_a_leap_day_is_reviewed_each_february() -> None:
    partner = psp_partner("2024-02-29")
    state = psp(partner, "2024-02-29")
    assert state.granted == D("2024-02-29")
    assert state.next_review == D("2025-02-01")
    assert state.evidence_due == D("2025-01-01")
    assert psp(partner, "2025-01-31").next_review == D("2025-02-01")
    assert psp(partner, "2025-02-01").next_review == D("2026-02-01")


def test_grace_after_a_february_review_ends_on_april_30() -> None:
    people = [
        *pse_people(2),
        person("p-2", "2019-01-01", "2025-01-15", [cert("pse", "2019-01-01")]),
    ]
    partner = psp_partner("2024-02-29", people=people)
    review = psp(partner, "2025-02-01")
    assert (review.status, review.grace_until) == ("grace", D("2025-04-30"))
    assert psp(partner, "2025-04-30").status == "grace"
    assert psp(partner, "2025-05-01").status == "lapsed"


def test_grace_after_a_december_review_crosses_the_year() -> None:
    people = [
        *pse_people(2),
        person("p-2", "2019-01-01", "2023-11-30", [cert("pse", "2019-01-01")]),
    ]
    partner = psp_partner("2022-12-31", people=people)
    review = psp(partner, "2023-12-01")
    assert (review.status, review.grace_until) == ("grace", D("2024-02-29"))
    assert psp(partner, "2024-02-29").status == "grace"
    assert psp(partner, "2024-03-01").status == "lapsed"


# --- legacy grants -------------------------------------------------------------------------------


def test_a_legacy_grant_is_the_first_grant_even_when_eligible_earlier() -> None:
    partner = psp_partner("2020-01-01", legacy="2020-11-16")
    before = psp(partner, "2020-11-15")
    assert (before.status, before.granted, before.eligible) == ("none", None, True)
    assert before.history == ()
    legacy = psp(partner, "2020-11-16")
    assert (legacy.status, legacy.granted) == ("active", D("2020-11-16"))
    assert legacy.next_review == D("2021-11-01")
    assert legacy.evidence_due == D("2021-10-01")
    assert changes(legacy) == [("2020-11-16", "active")]


def test_a_legacy_grant_holds_whatever_the_rules_say_until_its_review() -> None:
    partner = psp_partner("2020-01-01", people=[], engagements=[], legacy="2020-11-16")
    legacy = psp(partner, "2020-11-16")
    assert legacy.status == "active"
    assert legacy.eligible is False
    assert legacy.at_risk is True
    # No engineers, but the grant is older than 2021-11-04: certified is covered until 2022-11-01.
    assert legacy.unmet == ("time_to_value",)
    review = psp(partner, "2021-11-01")
    assert (review.status, review.grace_until) == ("grace", D("2022-01-31"))
    lapsed = psp(partner, "2022-02-01")
    assert lapsed.status == "lapsed"
    assert lapsed.unmet == ("certified", "time_to_value")  # nothing held: no grandfather
    assert changes(lapsed) == [
        ("2020-11-16", "active"),
        ("2021-11-01", "grace"),
        ("2022-02-01", "lapsed"),
    ]


def test_a_legacy_grant_outside_the_program_lapses_the_same_day() -> None:
    partner = psp_partner("2021-01-01", legacy="2020-11-16")
    state = psp(partner, "2020-11-16")
    assert state.status == "lapsed"
    assert state.granted == D("2020-11-16")
    assert changes(state) == [("2020-11-16", "active"), ("2020-11-16", "lapsed")]
    joined = psp(partner, "2021-01-01")
    assert (joined.status, joined.granted, joined.next_review) == (
        "active",
        D("2021-01-01"),
        D("2022-01-01"),
    )


def test_a_legacy_grant_after_the_as_of_day_does_not_exist_yet() -> None:
    partner = psp_partner("2020-01-01", legacy="2024-05-01")
    state = psp(partner, "2024-04-30")
    assert (state.status, state.granted, state.history) == ("none", None, ())
    assert state.eligible is True


# --- facts after the as-of day, output fields ---------------------------------------------------


def test_certifications_and_people_after_the_as_of_day_do_not_count() -> None:
    people = [
        *pse_people(2),
        person("p-2", "2019-01-01", certs=[cert("pse", "2023-08-01")]),
        person("p-3", "2023-08-01", certs=[cert("pse", "2019-01-01")]),
    ]
    partner = psp_partner("2019-06-01", people=people)
    assert certified_count(partner, "pse", D("2023-07-31")) == 2
    assert certified_count(partner, "pse", D("2023-08-01")) == 4
    before = psp(partner, "2023-07-31")
    assert (before.status, before.unmet) == ("none", ("certified",))
    assert psp(partner, "2023-08-01").granted == D("2023-08-01")


def test_unmet_lists_kinds_in_program_order() -> None:
    nothing = make_partner(tracks=[track("open", "2020-01-01")], practices=[])
    state = tsp(nothing, "2021-01-01")
    assert state.unmet == ("practice", "certified", "courses", "csat")
    assert (state.status, state.eligible, state.at_risk) == ("none", False, False)
    outside = tsp(nothing, "2019-12-31")
    assert outside.unmet == ("tier", "practice", "certified", "courses", "csat")
    assert psp(nothing, "2021-01-01").unmet == ("practice", "certified", "time_to_value")


def test_every_badge_in_program_order_with_the_json_contract() -> None:
    states = evaluate_partner(tsp_partner("2020-01-01"), PROGRAM, D("2021-01-01"))
    assert list(states) == ["psp", "tsp"]
    assert states["tsp"].to_json() == {
        "status": "active",
        "granted": "2020-01-01",
        "next_review": "2022-01-01",  # 2021-01-01 is a review day: the next is a year on
        "evidence_due": "2021-12-01",
        "grace_until": None,
        "at_risk": False,
        "eligible": True,
        "unmet": [],
        "history": [
            {
                "date": "2020-01-01",
                "status": "active",
                "reason": states["tsp"].history[0].reason,
            }
        ],
    }


# --- reasons a person reads ------------------------------------------------------------------


def reasons(state: BadgeState) -> list[str]:
    return [t.reason for t in state.history]


def test_reasons_for_a_grant_a_failed_review_and_a_lapse_after_grace() -> None:
    state = psp(psp_partner("2022-03-15", people=LOSES_AN_ENGINEER), "2023-06-01")
    grant, review, lapse = reasons(state)
    assert grant.startswith("granted: all requirements met")
    assert review == (
        "review 2023-03-01: not eligible (2 of 3 required certified Professional Services "
        "Engineers); grace until 2023-05-31"
    )
    assert lapse.startswith("grace ended 2023-05-31 without meeting the requirements")


def test_reason_for_a_restored_badge() -> None:
    people = [*LOSES_AN_ENGINEER, *pse_people(1, "2023-04-12", prefix="new")]
    state = psp(psp_partner("2022-03-15", people=people), "2023-04-12")
    assert reasons(state)[-1].startswith("eligible again during grace: all requirements met")


def test_reasons_for_a_legacy_grant_and_for_leaving_the_program() -> None:
    partner = psp_partner(
        "2020-01-01", tracks=[track("open", "2020-01-01", "2021-05-31")], legacy="2020-11-16"
    )
    legacy, left = reasons(psp(partner, "2021-06-01"))
    assert legacy.startswith("granted under earlier rules (legacy grant)")
    assert left.startswith("left the program: no tier track")


def test_reason_for_a_review_failed_on_csat() -> None:
    trainings = [training("2022-03-01", [5, 5]), training("2023-02-15", [5, 4, 3, 3, 4])]
    state = tsp(tsp_partner("2022-03-15", trainings=trainings), "2023-03-01")
    assert state.status == "grace"
    assert reasons(state)[-1] == (
        "review 2023-03-01: not eligible (CSAT: 3 of 5 scores 4 or 5, 60% < 80%); "
        "grace until 2023-05-31"
    )


def test_reason_for_a_review_failed_on_several_requirements() -> None:
    partner = make_partner(
        tracks=[track("open", "2022-03-15")],
        practices=["professional-services"],
        people=LOSES_AN_ENGINEER,
        engagements=[
            engagement(
                "e-1",
                "2022-01-10",
                infrastructure_ready="2022-01-11",
                first_value="2022-01-12",
                outcome_achieved="2022-01-13",
            ),
            engagement(
                "e-2",
                "2022-12-01",
                infrastructure_ready="2022-12-05",
                first_value="2022-12-06",
                outcome_achieved="2022-12-07",
            ),
            engagement(
                "e-3",
                "2023-01-02",
                infrastructure_ready="2023-01-05",
                first_value="2023-02-20",
                outcome_achieved="2023-01-07",
            ),
        ],
        noncompliance=[period("2023-02-15", "2023-03-10")],
    )
    state = psp(partner, "2023-03-01")
    assert state.status == "grace"
    assert reasons(state)[-1] == (
        "review 2023-03-01: not eligible (tier: not compliant; 2 of 3 required certified "
        "Professional Services Engineers; Time-to-Value: First Value met in 1 of 2 engagements, "
        "50% < 80%); grace until 2023-05-31"
    )
