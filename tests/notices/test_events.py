"""Badge events: which notices a year of sample data calls for, checked against a day walk."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings

from generator.model import Partner, Program
from generator.notices.events import NOTICE_KINDS, program_events
from tests.badges import reference
from tests.badges.support import shipped_partners, shipped_program
from tests.badges.test_differential import partners, programs

YEAR_START = date(2025, 12, 1)
YEAR_END = date(2026, 11, 30)

#: (day, partner, badge, kind) of every notice the shipped sample data calls for in the year.
YEAR: list[tuple[str, str, str, str]] = [
    ("2025-12-01", "formosa-devops-lab", "psp", "evidence-request"),
    ("2025-12-01", "gulf-digital-transformation", "psp", "evidence-request"),
    ("2025-12-01", "northwind-devops", "psp", "evidence-request"),
    ("2025-12-01", "odonnell-ruiz-devops", "psp", "evidence-request"),
    ("2025-12-01", "pacific-crest-it", "tsp", "evidence-request"),
    ("2025-12-01", "southern-cross-devops", "tsp", "evidence-request"),
    ("2026-01-01", "blue-ridge-federal", "psp", "evidence-request"),
    ("2026-01-01", "formosa-devops-lab", "psp", "review-kept"),
    ("2026-01-01", "gulf-digital-transformation", "psp", "review-kept"),
    ("2026-01-01", "northwind-devops", "psp", "review-kept"),
    ("2026-01-01", "odonnell-ruiz-devops", "psp", "review-kept"),
    ("2026-01-01", "pacific-crest-it", "tsp", "review-kept"),
    ("2026-01-01", "southern-cross-devops", "tsp", "review-kept"),
    ("2026-02-01", "aurora-pipelines", "psp", "evidence-request"),
    ("2026-02-01", "blue-ridge-federal", "psp", "review-kept"),
    ("2026-02-01", "deccan-devops", "tsp", "evidence-request"),
    ("2026-02-01", "elbe-devops", "psp", "evidence-request"),
    ("2026-02-01", "elbe-devops", "tsp", "evidence-request"),
    ("2026-02-01", "jade-harbour-technologies", "psp", "evidence-request"),
    ("2026-02-01", "pampa-digital", "tsp", "evidence-request"),
    ("2026-02-01", "vistula-software-house", "psp", "evidence-request"),
    ("2026-02-09", "carmel-secure-delivery", "psp", "award"),
    ("2026-03-01", "aurora-pipelines", "psp", "review-kept"),
    ("2026-03-01", "cape-devops-academy", "tsp", "evidence-request"),
    ("2026-03-01", "cascadia-pipeline-works", "psp", "evidence-request"),
    ("2026-03-01", "deccan-devops", "tsp", "review-kept"),
    ("2026-03-01", "elbe-devops", "psp", "review-kept"),
    ("2026-03-01", "elbe-devops", "tsp", "review-kept"),
    ("2026-03-01", "helvetic-ci-partners", "psp", "evidence-request"),
    ("2026-03-01", "jade-harbour-technologies", "psp", "review-kept"),
    ("2026-03-01", "pampa-digital", "tsp", "grace"),
    ("2026-03-01", "thames-pipeline-partners", "psp", "evidence-request"),
    ("2026-03-01", "vistula-software-house", "psp", "review-kept"),
    ("2026-04-01", "cape-devops-academy", "tsp", "review-kept"),
    ("2026-04-01", "cascadia-pipeline-works", "psp", "review-kept"),
    ("2026-04-01", "helvetic-ci-partners", "psp", "grace"),
    ("2026-04-01", "kiwi-pipeline-co", "psp", "evidence-request"),
    ("2026-04-01", "southern-cross-devops", "psp", "evidence-request"),
    ("2026-04-01", "thames-pipeline-partners", "psp", "review-kept"),
    ("2026-05-01", "hudson-river-training", "tsp", "evidence-request"),
    ("2026-05-01", "iberia-devsecops", "psp", "evidence-request"),
    ("2026-05-01", "iberia-devsecops", "tsp", "evidence-request"),
    ("2026-05-01", "kiwi-pipeline-co", "psp", "review-kept"),
    ("2026-05-01", "merlion-cloud-academy", "tsp", "evidence-request"),
    ("2026-05-01", "pacific-crest-it", "psp", "lapsed"),
    ("2026-05-01", "pacific-crest-it", "tsp", "lapsed"),
    ("2026-05-01", "southern-cross-devops", "psp", "review-kept"),
    ("2026-06-01", "hudson-river-training", "tsp", "review-kept"),
    ("2026-06-01", "iberia-devsecops", "psp", "review-kept"),
    ("2026-06-01", "iberia-devsecops", "tsp", "review-kept"),
    ("2026-06-01", "merlion-cloud-academy", "tsp", "review-kept"),
    ("2026-06-01", "pampa-digital", "tsp", "lapsed"),
    ("2026-06-01", "sakura-devops", "psp", "evidence-request"),
    ("2026-07-01", "deccan-devops", "psp", "evidence-request"),
    ("2026-07-01", "helvetic-ci-partners", "psp", "lapsed"),
    ("2026-07-01", "ipe-software-delivery", "tsp", "evidence-request"),
    ("2026-07-01", "nordlys-consulting", "psp", "evidence-request"),
    ("2026-07-01", "sakura-devops", "psp", "review-kept"),
    ("2026-08-01", "deccan-devops", "psp", "review-kept"),
    ("2026-08-01", "ipe-software-delivery", "tsp", "review-kept"),
    ("2026-08-01", "maplegate-consulting", "psp", "evidence-request"),
    ("2026-08-01", "nordlys-consulting", "psp", "review-kept"),
    ("2026-08-01", "northwind-devops", "tsp", "evidence-request"),
    ("2026-08-01", "thames-pipeline-partners", "tsp", "evidence-request"),
    ("2026-09-01", "han-river-solutions", "psp", "evidence-request"),
    ("2026-09-01", "luzon-cloud-partners", "tsp", "evidence-request"),
    ("2026-09-01", "maplegate-consulting", "psp", "grace"),
    ("2026-09-01", "northwind-devops", "tsp", "review-kept"),
    ("2026-09-01", "polder-automation", "tsp", "evidence-request"),
    ("2026-09-01", "sakura-devops", "tsp", "evidence-request"),
    ("2026-09-01", "thames-pipeline-partners", "tsp", "review-kept"),
    ("2026-10-01", "great-lakes-systems", "psp", "evidence-request"),
    ("2026-10-01", "han-river-solutions", "psp", "grace"),
    ("2026-10-01", "lonestar-channel-distribution", "psp", "evidence-request"),
    ("2026-10-01", "lonestar-channel-distribution", "tsp", "evidence-request"),
    ("2026-10-01", "lumiere-devops", "psp", "evidence-request"),
    ("2026-10-01", "luzon-cloud-partners", "tsp", "review-kept"),
    ("2026-10-01", "polder-automation", "tsp", "grace"),
    ("2026-10-01", "sakura-devops", "tsp", "review-kept"),
    ("2026-11-01", "great-lakes-systems", "psp", "review-kept"),
    ("2026-11-01", "lonestar-channel-distribution", "psp", "review-kept"),
    ("2026-11-01", "lonestar-channel-distribution", "tsp", "grace"),
    ("2026-11-01", "lumiere-devops", "psp", "grace"),
    ("2026-11-30", "maplegate-consulting", "psp", "restored"),
]


def keys(start: date, end: date, program: Program | None = None,
         folks: tuple[Partner, ...] | None = None) -> list[tuple[str, str, str, str]]:
    events = program_events(folks or shipped_partners(), program or shipped_program(), start, end)
    return [e.key for e in events]


def reference_keys(
    folks: tuple[Partner, ...], program: Program, start: date, end: date
) -> list[tuple[str, str, str, str]]:
    """The day walk's events, ordered like the engine's: day, partner, badge, then as found."""
    order = {b.id: i for i, b in enumerate(program.badges)}
    found = [
        (day, p.slug, order[b.id], index, kind)
        for p in folks
        for b in program.badges
        for index, (day, kind) in enumerate(reference.events(p, b, start, end))
    ]
    found.sort(key=lambda item: item[:4])
    return [(day.isoformat(), slug, program.badges[bit].id, kind)
            for day, slug, bit, _i, kind in found]


def test_a_year_of_sample_data_calls_for_these_notices() -> None:
    assert keys(YEAR_START, YEAR_END) == YEAR


def test_the_day_walk_finds_the_same_year() -> None:
    assert reference_keys(shipped_partners(), shipped_program(), YEAR_START, YEAR_END) == YEAR


def test_the_sample_year_has_every_kind() -> None:
    assert {kind for *_rest, kind in YEAR} == set(NOTICE_KINDS)


@pytest.mark.parametrize("split", [date(2025, 12, 1), date(2026, 2, 8), date(2026, 2, 9),
                                   date(2026, 5, 31), date(2026, 6, 1), date(2026, 11, 29)])
def test_a_window_split_in_two_gives_each_notice_once(split: date) -> None:
    whole = keys(YEAR_START, YEAR_END)
    halves = keys(YEAR_START, split) + keys(split + timedelta(days=1), YEAR_END)
    assert halves == whole


def test_daily_runs_give_the_year_exactly_once() -> None:
    days = (YEAR_END - YEAR_START).days + 1
    daily = [k for n in range(days) for k in keys(YEAR_START + timedelta(n),
                                                   YEAR_START + timedelta(n))]
    assert daily == YEAR


def test_an_empty_window_has_no_events() -> None:
    assert keys(YEAR_END, YEAR_START) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(partner=partners(), program=programs())
def test_generated_histories_agree_with_the_day_walk(partner: Partner, program: Program) -> None:
    start, end = date(2020, 1, 1), date(2026, 12, 31)
    assert keys(start, end, program, (partner,)) == reference_keys((partner,), program, start, end)
