"""Every partner's badges as of a day: the ``badges`` command's JSON (SPEC §5) and text."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Literal

from generator.badges import BadgeState, evaluate_partner
from generator.model import Partner, Program

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
    states: Mapping[str, Mapping[str, BadgeState]], program: Program, as_of: date, fmt: Format
) -> str:
    """The report in one of ``FORMATS``."""
    if fmt == "json":
        return json.dumps(badges_json(states, as_of), indent=2, ensure_ascii=False) + "\n"
    return _text(states, program, as_of)


def _line(abbreviation: str, state: BadgeState) -> str:
    words = [f"  {abbreviation:<5} {'at risk' if state.at_risk else state.status:<8}"]
    if state.granted is not None:
        words.append(f"granted {state.granted}")
    if state.grace_until is not None:
        words.append(f"grace until {state.grace_until}")
    if state.next_review is not None:
        words.append(f"next review {state.next_review}")
    if state.evidence_due is not None and state.held:
        words.append(f"evidence due {state.evidence_due}")
    if state.unmet:
        words.append(f"unmet: {', '.join(state.unmet)}")
    return "  ".join(words).rstrip()


def _text(
    states: Mapping[str, Mapping[str, BadgeState]], program: Program, as_of: date
) -> str:
    abbreviations = {b.id: b.abbreviation for b in program.badges}
    lines = [f"Badges as of {as_of}", ""]
    tally: Counter[tuple[str, str]] = Counter()
    for slug, badges in states.items():
        lines.append(slug)
        for badge, state in badges.items():
            lines.append(_line(abbreviations.get(badge, badge), state))
            tally[badge, state.status] += 1
            if state.at_risk:
                tally[badge, "at risk"] += 1
        lines.append("")
    for entry in program.badges:
        counts = ", ".join(
            f"{tally[entry.id, s]} {s}" for s in (*STATUS_ORDER[:2], "at risk", *STATUS_ORDER[2:])
        )
        lines.append(f"{entry.abbreviation}: {counts}")
    lines.append(f"{len(states)} partner{'s' if len(states) != 1 else ''}")
    return "\n".join(lines) + "\n"
