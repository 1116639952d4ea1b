"""The shipped sample data: every badge status of the rules, pinned on a fixed day."""

from __future__ import annotations

from datetime import date

import pytest

from generator.badges import BadgeState, evaluate_partner
from generator.load import load_folder
from tests.conftest import ROOT

AS_OF = date(2026, 11, 28)

# slug: (PSP, TSP). "active 2021-01-18" is status and grant; "at-risk" marks an active badge
# that is not eligible today; "grace … until …" gives grace_until.
EXPECTED: dict[str, tuple[str, str]] = {
    "northwind-devops": ("active 2021-01-18", "active 2021-09-06"),
    "cascadia-pipeline-works": ("at-risk 2022-04-19", "none"),
    "maplegate-consulting": ("grace 2021-09-27 until 2026-11-30", "none"),
    "odonnell-ruiz-devops": ("active 2023-01-16", "none"),
    "lonestar-channel-distribution": ("active 2020-11-02", "grace 2022-11-14 until 2027-01-31"),
    "andes-cloud-ingenieria": ("lapsed 2021-05-17", "none"),
    "ipe-software-delivery": ("none", "active 2022-08-15"),
    "rio-bravo-devsecops": ("none", "none"),
    "pampa-digital": ("none", "lapsed 2022-03-07"),
    "hudson-river-training": ("none", "active 2021-06-07"),
    "prairie-ops-collective": ("none", "none"),
    "blue-ridge-federal": ("active 2025-02-17", "none"),
    "cordillera-devops": ("none", "none"),
    "great-lakes-systems": ("active 2020-11-16", "none"),
    "pacific-crest-it": ("lapsed 2021-08-02", "lapsed 2022-01-10"),
    "elbe-devops": ("active 2020-03-15", "active 2021-03-01"),
    "nordlys-consulting": ("active 2023-08-21", "none"),
    "damico-figli": ("lapsed 2021-02-10", "none"),
    "thames-pipeline-partners": ("active 2020-04-20", "active 2020-09-14"),
    "lumiere-devops": ("grace 2022-11-07 until 2027-01-31", "none"),
    "polder-automation": ("none", "grace 2021-10-11 until 2026-12-31"),
    "vistula-software-house": ("active 2022-03-14", "none"),
    "iberia-devsecops": ("active 2021-06-14", "at-risk 2022-06-13"),
    "gulf-digital-transformation": ("active 2022-01-10", "none"),
    "savanna-tech-partners": ("none", "none"),
    "cape-devops-academy": ("none", "active 2022-04-04"),
    "lagos-cloudworks": ("none", "none"),
    "helvetic-ci-partners": ("lapsed 2022-04-25", "none"),
    "aurora-pipelines": ("at-risk 2023-03-13", "none"),
    "oresund-devops": ("none", "none"),
    "carmel-secure-delivery": ("active 2026-02-09", "none"),
    "vltava-consulting": ("none", "none"),
    "sakura-devops": ("active 2021-07-05", "active 2021-10-18"),
    "southern-cross-devops": ("active 2020-05-25", "active 2021-01-25"),
    "kiwi-pipeline-co": ("active 2024-05-13", "none"),
    "merlion-cloud-academy": ("none", "at-risk 2021-06-14"),
    "deccan-devops": ("active 2021-08-30", "active 2022-03-14"),
    "han-river-solutions": ("grace 2022-10-17 until 2026-12-31", "none"),
    "nusantara-devops": ("none", "none"),
    "mekong-software-delivery": ("none", "none"),
    "luzon-cloud-partners": ("none", "active 2022-10-10"),
    "straits-automation": ("lapsed 2022-01-24", "none"),
    "formosa-devops-lab": ("active 2024-01-22", "none"),
    "chao-phraya-consulting": ("none", "none"),
    "outback-ops": ("none", "none"),
    "jade-harbour-technologies": ("active 2021-03-08", "none"),
}


def describe(state: BadgeState) -> str:
    """The compact form used in EXPECTED."""
    if state.status == "none":
        return "none"
    status = "at-risk" if state.at_risk else state.status
    text = f"{status} {state.granted}"
    return f"{text} until {state.grace_until}" if state.status == "grace" else text


@pytest.fixture(scope="module")
def states() -> dict[str, dict[str, BadgeState]]:
    result = load_folder(ROOT / "partners")
    assert result.program is not None
    return {p.slug: evaluate_partner(p, result.program, AS_OF) for p in result.partners}


def test_every_sample_partner_is_pinned(states: dict[str, dict[str, BadgeState]]) -> None:
    assert sorted(states) == sorted(EXPECTED)


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_sample_badges(slug: str, states: dict[str, dict[str, BadgeState]]) -> None:
    got = (describe(states[slug]["psp"]), describe(states[slug]["tsp"]))
    assert got == EXPECTED[slug]


def test_samples_cover_every_status(states: dict[str, dict[str, BadgeState]]) -> None:
    seen = {describe(s).split()[0] for badges in states.values() for s in badges.values()}
    assert seen == {"active", "at-risk", "grace", "lapsed", "none"}


def test_samples_cover_every_region_tier_service_and_industry() -> None:
    result = load_folder(ROOT / "partners")
    program = result.program
    assert program is not None
    regions = {
        getattr(program.region_of(p.headquarters.country), "id", None) for p in result.partners
    }
    assert regions == {r.id for r in program.regions}
    assert {t.tier for p in result.partners for t in p.tracks} == {t.id for t in program.tiers}
    assert {s for p in result.partners for s in p.services} == {s.id for s in program.services}
    assert {i for p in result.partners for i in p.industries} == {i.id for i in program.industries}
    assert sum(1 for p in result.partners if p.legacy_grants) >= 2


def test_samples_include_held_and_lapsed_legacy_grants(
    states: dict[str, dict[str, BadgeState]],
) -> None:
    legacy = {
        (slug, badge.badge, badge.status)
        for slug, badges in states.items()
        for badge in badges.values()
        if badge.history and badge.history[0].reason.startswith("granted under earlier rules")
    }
    assert legacy == {
        ("great-lakes-systems", "psp", "active"),
        ("thames-pipeline-partners", "tsp", "active"),
        ("damico-figli", "psp", "lapsed"),
    }
