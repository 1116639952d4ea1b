"""The badge engine: every partner's service partner badges, exactly as SPEC §4 defines them.

``evaluate_partner`` is the entry point: the state of each badge of the program on an as-of
day, with its history. The as-of day is resolved once, at the edge (the command line or the
site plugin), and passed down; facts dated after it do not exist yet.
"""

from __future__ import annotations

from datetime import date

from generator.badges.kinds import KINDS, Kind, certified_count, course_count, register
from generator.badges.timeline import (
    HELD,
    BadgeState,
    Status,
    Transition,
    evaluate_badge,
    names_of,
)
from generator.model import Partner, Program

__all__ = [
    "HELD",
    "KINDS",
    "BadgeState",
    "Kind",
    "Status",
    "Transition",
    "certified_count",
    "course_count",
    "evaluate_badge",
    "evaluate_partner",
    "register",
]


def evaluate_partner(partner: Partner, program: Program, as_of: date) -> dict[str, BadgeState]:
    """Every badge of the program for one partner on ``as_of``, in program order."""
    names = names_of((program.tiers, program.certifications))
    return {b.id: evaluate_badge(partner, b, as_of, names) for b in program.badges}
