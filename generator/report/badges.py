"""Every partner's badges as of a day: the ``badges`` command's JSON (SPEC §5) and text."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Literal

from generator.badges import BadgeState, evaluate_partner
from generator.badges.kinds import certified_noun
from generator.model import (
    CertifiedRequirement,
    CoursesRequirement,
    Partner,
    PracticeRequirement,
    Program,
    Requirement,
    TierRequirement,
    TimeToValueRequirement,
)

Format = Literal["text", "json"]
FORMATS: tuple[Format, ...] = ("text", "json")
STATUS_ORDER = ("active", "grace", "lapsed", "none")


def evaluate_all(
    partners: Iterable[Partner], program: Program, as_of: date
) -> dict[str, dict[str, BadgeState]]:
    """Every partner's badges, by slug in slug order."""
    ordered = sorted(partners, key=lambda p: p.slug)
    return {p.slug: evaluate_partner(p, program, as_of) for p in ordered}


def badges_json(states: Mapping[str, Mapping[str, BadgeState]], as_of: date) -> dict[str, Any]:
    """The JSON document of SPEC §5."""
    return {
        "as_of": as_of.isoformat(),
        "partners": {
            slug: {badge: state.to_json() for badge, state in badges.items()}
            for slug, badges in states.items()
        },
    }


def render_badges(
    states: Mapping[str, Mapping[str, BadgeState]],
    program: Program,
    as_of: date,
    fmt: Format,
    names: Mapping[str, str] | None = None,
) -> str:
    """The report in one of ``FORMATS``; ``names`` gives each slug's partner name for text."""
    if fmt == "json":
        return json.dumps(badges_json(states, as_of), indent=2, ensure_ascii=False) + "\n"
    return _text(states, program, as_of, names or {})


def requirement_name(requirement: Requirement, program: Program) -> str:
    """A requirement as a person names it: ``3 certified Professional Services Engineers``."""
    if isinstance(requirement, TierRequirement):
        tiers = {t.id: t.name for t in program.tiers}
        wanted = [tiers.get(t, t) for t in requirement.tiers]
        listed = wanted[0] if len(wanted) == 1 else f"{', '.join(wanted[:-1])} or {wanted[-1]}"
        return f"a compliant {listed} tier"
    if isinstance(requirement, PracticeRequirement):
        practices = {p.id: p.name for p in program.practices}
        return practices.get(requirement.id, requirement.id)
    if isinstance(requirement, CertifiedRequirement):
        certifications = {c.id: c.name for c in program.certifications}
        name = certifications.get(requirement.certification, requirement.certification)
        return f"{requirement.at_least} {certified_noun(name, requirement.at_least)}"
    if isinstance(requirement, CoursesRequirement):
        return f"{requirement.at_least} courses covered by certified trainers"
    if isinstance(requirement, TimeToValueRequirement):
        return "Time-to-Value"
    return "customer satisfaction"


def _line(label: str, state: BadgeState, unmet: Mapping[str, str]) -> str:
    words = [f"  {label}  {'at risk' if state.at_risk else state.status:<8}"]
    if state.granted is not None:
        words.append(f"granted {state.granted}")
    if state.grace_until is not None:
        words.append(f"grace until {state.grace_until}")
    if state.next_review is not None:
        words.append(f"next review {state.next_review}")
    if state.evidence_due is not None and state.held:
        words.append(f"evidence due {state.evidence_due}")
    if state.unmet:
        words.append(f"unmet: {'; '.join(unmet.get(kind, kind) for kind in state.unmet)}")
    return "  ".join(words).rstrip()


def _text(
    states: Mapping[str, Mapping[str, BadgeState]],
    program: Program,
    as_of: date,
    names: Mapping[str, str],
) -> str:
    badge_names = {b.id: b.name for b in program.badges}
    width = max((len(n) for n in badge_names.values()), default=0)
    unmet_names: dict[str, dict[str, str]] = {
        b.id: {
            kind: "; ".join(
                requirement_name(r, program) for r in b.requirements if r.kind == kind
            )
            for kind in dict.fromkeys(r.kind for r in b.requirements)
        }
        for b in program.badges
    }
    lines = [f"Badges as of {as_of}", ""]
    tally: Counter[tuple[str, str]] = Counter()
    for slug, badges in states.items():
        name = names.get(slug)
        lines.append(f"{name} ({slug})" if name and name != slug else slug)
        for badge, state in badges.items():
            label = f"{badge_names.get(badge, badge):<{width}}"
            lines.append(_line(label, state, unmet_names.get(badge, {})))
            tally[badge, state.status] += 1
            if state.at_risk:
                tally[badge, "at risk"] += 1
        lines.append("")
    for entry in program.badges:
        counts = ", ".join(
            f"{tally[entry.id, s]} {s}" for s in (*STATUS_ORDER[:2], "at risk", *STATUS_ORDER[2:])
        )
        lines.append(f"{entry.name}: {counts}")
    lines.append(f"{len(states)} partner{'s' if len(states) != 1 else ''}")
    return "\n".join(lines) + "\n"
