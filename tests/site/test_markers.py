"""Handbook markers (generator/site/markers.py): tables and figures from program.yml."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.catalog import Catalog
from generator.load import load_program
from generator.model import CertifiedRequirement, Program
from generator.site.markers import MarkerError, expand_markers

PROGRAM = Path(__file__).resolve().parents[2] / "partners" / "program.yml"


@pytest.fixture(scope="module")
def program() -> Program:
    loaded, problems = load_program(PROGRAM)
    assert loaded is not None, problems
    return loaded


def with_pse_minimum(program: Program, at_least: int) -> Program:
    psp = program.badges[0]
    requirements = tuple(
        r.model_copy(update={"at_least": at_least}) if isinstance(r, CertifiedRequirement) else r
        for r in psp.requirements
    )
    badges = (psp.model_copy(update={"requirements": requirements}), *program.badges[1:])
    return program.model_copy(update={"badges": badges})


def test_a_number_changed_in_the_program_changes_the_handbook(program: Program) -> None:
    marker = "<!-- partner-locator: requirements psp -->"
    before = expand_markers(marker, Catalog(program, date(2026, 1, 1), ()))
    after = expand_markers(marker, Catalog(with_pse_minimum(program, 5), date(2026, 1, 1), ()))
    assert "Employ at least 3 people" in before
    assert "Employ at least 5 people" in after


def test_an_unknown_marker_is_an_error(program: Program) -> None:
    with pytest.raises(MarkerError, match="unknown handbook marker 'requirement'"):
        expand_markers("<!-- partner-locator: requirement psp -->",
                       Catalog(program, date(2026, 1, 1), ()))
