"""Handbook markers: ``<!-- partner-locator: NAME [ARG] -->`` in a page of ``docs/`` becomes a
table or a figure computed from ``program.yml`` and the data, so the handbook cannot disagree
with the badges."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from markupsafe import Markup

from generator.catalog import Catalog
from generator.model import (
    Badge,
    CertifiedRequirement,
    CoursesRequirement,
    CsatRequirement,
    PracticeRequirement,
    Program,
    Requirement,
    TierRequirement,
    TimeToValueRequirement,
)
from generator.site.common import day_text, plural, render
from generator.site.pieces import PieceCatalog

#: What markers are expanded from: a catalog, or the pieces of one.
Listing = Catalog | PieceCatalog

# --- handbook markers -----------------------------------------------------------------------

MARKER = re.compile(r"<!--\s*partner-locator:\s*([a-z-]+)(?:\s+([a-z0-9-]+))?\s*-->")
REQUIREMENT_GROUPS = {
    "tier": "Entry", "practice": "Entry", "certified": "Competency", "courses": "Competency",
    "time_to_value": "Compliance", "csat": "Compliance",
}
KPI_NAMES = {
    "infrastructure_ready": "Infrastructure ready",
    "first_value": "First value",
    "outcome_achieved": "Outcome achieved",
}


class MarkerError(ValueError):
    """A handbook page asks for a table or figure that does not exist."""


def _names(items: Iterable[str]) -> str:
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def _percent(share: float) -> str:
    return f"{share * 100:g}%"


def describe_requirement(req: Requirement, program: Program) -> str:
    """A requirement in plain words, with the numbers from program.yml."""
    names = {e.id: e.name for e in (*program.tiers, *program.practices)}
    certs = {c.id: c for c in program.certifications}
    if isinstance(req, TierRequirement):
        return (f"Be a partner in the {_names(names[t] for t in req.tiers)} tier and keep to "
                "the terms of that tier.")
    if isinstance(req, PracticeRequirement):
        return f"Run a {names[req.id].lower()} and declare it in the partner record."
    if isinstance(req, CertifiedRequirement):
        cert = certs[req.certification]
        return (f"Employ at least {req.at_least} people who hold a valid {cert.name} "
                f"({cert.abbreviation}) certification.")
    if isinstance(req, CoursesRequirement):
        return (f"Between them, the certified trainers on staff cover at least {req.at_least} "
                "different courses of the curriculum.")
    if isinstance(req, TimeToValueRequirement):
        targets = "; ".join(
            f"{KPI_NAMES[k]} within {days} days" for k, days in req.targets.items()
        )
        return (f"For customer engagements signed in the last {req.window_days} days, at least "
                f"{_percent(req.at_least)} reach each Time-to-Value milestone on target, counted "
                f"from the contract: {targets}.")
    if isinstance(req, CsatRequirement):
        return (f"Of the survey scores from courses delivered in the last {req.window_days} "
                f"days, at least {_percent(req.at_least)} are 4 or 5 out of 5.")
    raise MarkerError(f"no description for requirement kind {req.kind!r}")


def _badge(program: Program, badge_id: str | None) -> Badge:
    for badge in program.badges:
        if badge.id == badge_id:
            return badge
    raise MarkerError(f"unknown badge {badge_id!r} in a handbook marker")


def _table(head: Sequence[str], rows: Iterable[Sequence[object]], caption: str = "",
           row_headers: bool = True) -> Markup:
    table = {"head": head, "rows": [list(r) for r in rows], "caption": caption,
             "row_headers": row_headers, "css": ""}
    return render("_table.html", table=table)


def _months(n: int) -> str:
    return plural(n, "month")


def _marker_requirements(catalog: Listing, arg: str | None) -> Markup:
    program = catalog.program
    badge = _badge(program, arg)
    rows = [(REQUIREMENT_GROUPS[r.kind], describe_requirement(r, program))
            for r in badge.requirements]
    return _table(("Group", "Requirement"), rows,
                  caption=f"Requirements of the {badge.name} ({badge.abbreviation}) badge")


def _marker_badges(catalog: Listing, _arg: str | None) -> Markup:
    rows = [(f"{b.name} ({b.abbreviation})", b.description) for b in catalog.program.badges]
    return _table(("Badge", "Who it is for"), rows)


def _marker_review(catalog: Listing, _arg: str | None) -> Markup:
    rows = [
        (f"{b.name} ({b.abbreviation})", f"every {_months(b.review.every_months)}",
         f"{_months(b.review.evidence_due_months)} before the review",
         _months(b.review.grace_months))
        for b in catalog.program.badges
    ]
    return _table(("Badge", "Reviewed", "Evidence due", "Grace period"), rows)


def _marker_grandfather(catalog: Listing, _arg: str | None) -> Markup:
    rows = []
    for badge in catalog.program.badges:
        for req in badge.requirements:
            if isinstance(req, CertifiedRequirement) and req.grandfather is not None:
                rows.append((
                    f"{badge.name} ({badge.abbreviation})",
                    describe_requirement(req, catalog.program),
                    f"granted before {day_text(req.grandfather.granted_before)}",
                    day_text(req.grandfather.enforced_from),
                ))
    return _table(("Badge", "Requirement", "Badges", "Enforced from"), rows)


def _marker_services(catalog: Listing, _arg: str | None) -> Markup:
    return _table(("Service", "What it covers"),
                  ((s.name, s.description) for s in catalog.program.services))


def _marker_tiers(catalog: Listing, _arg: str | None) -> Markup:
    return _table(("Tier", "Who it is for"),
                  ((t.name, t.description) for t in catalog.program.tiers))


def _marker_certifications(catalog: Listing, _arg: str | None) -> Markup:
    program = catalog.program
    courses = ", ".join(c.name for c in program.courses)
    rows = []
    for cert in program.certifications:
        text = cert.description
        if cert.per_course:
            text = f"{text} Courses: {courses}."
        rows.append((f"{cert.name} ({cert.abbreviation})", text))
    return _table(("Certification", "What it shows"), rows)


def _marker_figures_badges(catalog: Listing, _arg: str | None) -> Markup:
    program = catalog.program
    rows = []
    for badge in program.badges:
        holders = [e for e in catalog.entries if badge.id in e.held_ids]
        rows.append((f"{badge.name} ({badge.abbreviation})", f"{len(holders):,}"))
    rows.append(("Partners in the locator", f"{len(catalog.entries):,}"))
    return _table(("Badge", "Partners holding it"), rows,
                  caption=f"Badges held on {day_text(catalog.as_of)}")


def _marker_figures_regions(catalog: Listing, _arg: str | None) -> Markup:
    program = catalog.program
    rows = []
    for region in program.regions:
        members = [e for e in catalog.entries if region.id in e.region_ids]
        row: list[object] = [region.name, f"{len(members):,}"]
        row.extend(f"{sum(1 for e in members if b.id in e.held_ids):,}" for b in program.badges)
        rows.append(row)
    head = ("Region", "Partners", *(f"with {b.abbreviation}" for b in program.badges))
    return _table(head, rows,
                  caption=f"Partners with an office in each region on {day_text(catalog.as_of)}")


def _marker_as_of(catalog: Listing, _arg: str | None) -> Markup:
    return Markup("{}").format(day_text(catalog.as_of))


MARKERS: Mapping[str, Callable[[Listing, str | None], Markup]] = {
    "as-of": _marker_as_of,
    "badges": _marker_badges,
    "certifications": _marker_certifications,
    "figures-badges": _marker_figures_badges,
    "figures-regions": _marker_figures_regions,
    "grandfather": _marker_grandfather,
    "requirements": _marker_requirements,
    "review": _marker_review,
    "services": _marker_services,
    "tiers": _marker_tiers,
}


def expand_markers(markdown: str, catalog: Listing) -> str:
    """Replace ``<!-- partner-locator: NAME [ARG] -->`` with generated HTML."""

    def one(match: re.Match[str]) -> str:
        name, arg = match.group(1), match.group(2)
        if name not in MARKERS:
            raise MarkerError(f"unknown handbook marker {name!r}; known: {', '.join(MARKERS)}")
        html = str(MARKERS[name](catalog, arg)).strip()
        return html if name == "as-of" else f"\n\n{html}\n\n"

    return MARKER.sub(one, markdown)

