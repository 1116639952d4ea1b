"""Builders for partners in badge tests (dates as ``date`` or ISO text), and the comparison of
the engine with the reference."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any

from generator.badges import BadgeState, evaluate_partner
from generator.load import LoadResult, load_folder
from generator.model import Badge, Partner, Program
from tests.badges import reference
from tests.conftest import ROOT

Day = date | str


@cache
def _shipped() -> LoadResult:
    return load_folder(ROOT / "partners")


def shipped_program() -> Program:
    """The program definition shipped in ``partners/``."""
    program = _shipped().program
    assert program is not None
    return program


def shipped_partners() -> tuple[Partner, ...]:
    """The partners shipped in ``partners/``."""
    return _shipped().partners


def badge_of(program: Program, badge_id: str) -> Badge:
    """One badge of a program by id."""
    return next(b for b in program.badges if b.id == badge_id)


def track(tier: str, start: Day, end: Day | None = None) -> dict[str, Any]:
    """A tier track; ``end`` inclusive, None while it lasts."""
    result: dict[str, Any] = {"tier": tier, "from": start}
    if end is not None:
        result["to"] = end
    return result


def period(start: Day, end: Day) -> dict[str, Any]:
    """A noncompliance period, both ends inclusive."""
    return {"from": start, "to": end, "reason": "a private reason"}


def cert(
    kind: str, earned: Day, expires: Day | None = None, course: str | None = None
) -> dict[str, Any]:
    """A certification; trainer certifications name a course."""
    result: dict[str, Any] = {"type": kind, "earned": earned}
    if expires is not None:
        result["expires"] = expires
    if course is not None:
        result["course"] = course
    return result


def person(
    pid: str, start: Day, end: Day | None = None, certs: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """A practitioner employed from ``start`` to ``end`` (inclusive, None: still employed)."""
    employed: dict[str, Any] = {"from": start}
    if end is not None:
        employed["to"] = end
    return {"id": pid, "employed": employed, "certifications": list(certs)}


def engagement(eid: str, contract: Day, **kpis: Day | None) -> dict[str, Any]:
    """An engagement with any of its KPI dates."""
    result: dict[str, Any] = {"id": eid, "contract": contract}
    result.update({kpi: day for kpi, day in kpis.items() if day is not None})
    return result


def training(delivered: Day, scores: Sequence[int], course: str = "gitlab-ci-cd") -> dict[str, Any]:
    """A delivered course with its survey scores."""
    return {"course": course, "delivered": delivered, "scores": list(scores)}


def make_partner(
    *,
    tracks: Sequence[dict[str, Any]],
    slug: str = "sample-partner",
    noncompliance: Sequence[dict[str, Any]] = (),
    practices: Sequence[str] = ("professional-services", "training"),
    people: Sequence[dict[str, Any]] = (),
    engagements: Sequence[dict[str, Any]] = (),
    trainings: Sequence[dict[str, Any]] = (),
    legacy_grants: Mapping[str, Day] | None = None,
) -> Partner:
    """A valid partner with the given facts and neutral public fields."""
    data: dict[str, Any] = {
        "slug": slug,
        "name": f"Partner {slug}",
        "website": "https://partner.example/",
        "summary": "A sample partner.",
        "headquarters": {"country": "DE", "city": "Berlin"},
        "services": ["assessment"],
        "tracks": list(tracks),
        "noncompliance": list(noncompliance),
        "practices": list(practices),
        "people": list(people),
        "engagements": list(engagements),
        "trainings": list(trainings),
        "legacy_grants": dict(legacy_grants or {}),
    }
    return Partner.model_validate(data)


#: The keys of the ``badges`` JSON of one badge (SPEC §5) and ``evidence_due``.
JSON_KEYS = frozenset(
    {
        "status",
        "granted",
        "next_review",
        "evidence_due",
        "grace_until",
        "at_risk",
        "eligible",
        "unmet",
        "history",
    }
)


def engine_json(state: BadgeState) -> dict[str, Any]:
    """The engine's JSON for one badge, history as (date, status) pairs; checks the reasons."""
    produced = state.to_json()
    missing = JSON_KEYS - set(produced)
    assert not missing, f"to_json() lacks {sorted(missing)}"
    for entry in produced["history"]:
        assert isinstance(entry["reason"], str)
        assert entry["reason"].strip(), f"empty reason in {entry}"
    result = {key: produced[key] for key in JSON_KEYS}
    result["unmet"] = list(result["unmet"])
    result["history"] = [(entry["date"], entry["status"]) for entry in produced["history"]]
    assert state.held == (state.status in ("active", "grace"))
    return result


def checked(partner: Partner, program: Program, badge_id: str, as_of: Day) -> BadgeState:
    """The engine's state of one badge, after checking that the reference agrees with it."""
    day = as_of if isinstance(as_of, date) else date.fromisoformat(as_of)
    state = evaluate_partner(partner, program, day)[badge_id]
    expected = reference.as_json(reference.evaluate(partner, badge_of(program, badge_id), day))
    assert engine_json(state) == expected, f"engine and reference differ on {badge_id} as of {day}"
    return state
