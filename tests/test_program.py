"""program.yml: its own errors are located like a partner file's."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.load import load_folder, load_program
from tests.conftest import FIXTURES, PROGRAM, MakeFolder

SHIPPED = PROGRAM.read_text(encoding="utf-8")


def test_shipped_program_defines_every_fixed_id() -> None:
    program, diagnostics = load_program(PROGRAM)
    assert diagnostics == []
    assert program is not None
    assert [t.id for t in program.tiers] == ["open", "select", "distribution"]
    assert [r.id for r in program.regions] == ["amer", "emea", "apac"]
    assert {s.id for s in program.services} == {
        "assessment",
        "migration",
        "integration",
        "implementation",
        "education",
        "optimization",
        "managed-services",
        "security-compliance",
    }
    assert [c.id for c in program.certifications] == ["pse", "trainer"]
    assert len(program.courses) == 6
    assert len(program.industries) == 8
    assert [p.id for p in program.practices] == ["professional-services", "training"]
    assert [b.id for b in program.badges] == ["psp", "tsp"]
    kinds = {b.id: [r.kind for r in b.requirements] for b in program.badges}
    assert kinds == {
        "psp": ["tier", "practice", "certified", "time_to_value"],
        "tsp": ["tier", "practice", "certified", "courses", "csat"],
    }
    assert {c: getattr(program.region_of(c), "id", None) for c in ("NO", "BR", "NZ", "ZZ")} == {
        "NO": "emea",
        "BR": "amer",
        "NZ": "apac",
        "ZZ": None,
    }


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "{kind: courses, at_least: 4}",
            "{kind: course, at_least: 4}",
            "148:16: error: unknown requirement kind 'course'; did you mean 'courses'? (known: "
            "tier, practice, certified, courses, time_to_value, csat) [unknown-kind]",
        ),
        (
            "{kind: courses, at_least: 4}",
            "{kind: courses, at_least: 0}",
            "148:35: error: 'at_least' must be at least 1, not 0 [out-of-range]",
        ),
        (
            "{kind: courses, at_least: 4}",
            "{kind: courses, at_least: 7}",
            "148:35: error: at_least 7 is more than the 6 courses the program defines"
            " [unreachable]",
        ),
        (
            "{kind: practice, id: training}",
            "{kind: practice, id: teaching}",
            "146:30: error: unknown practice 'teaching'; did you mean 'training'? (known: "
            "professional-services, training)"
            " [unknown-id]",
        ),
        (
            "        certification: pse\n",
            "        certification: pse\n        at_most: 3\n",
            "131:9: error: unknown key 'at_most'; did you mean 'at_least'? [unknown-key]",
        ),
        (
            "granted_before: 2021-11-04, enforced_from: 2022-11-01",
            "granted_before: 2021-11-04, enforced_from: 2020-11-01",
            "132:66: error: 'enforced_from' 2020-11-01 is before 'granted_before' 2021-11-04"
            " [interval-order]",
        ),
        (
            "CZ, DE, DJ",
            "CZ, DE, US, DJ",
            "35:65: error: country US is already in region 'amer' [region-overlap]",
        ),
        (
            "  - {id: retail, name: Retail}",
            "  - {id: Retail, name: Retail}",
            "83:10: error: 'Retail' is not a valid id: use lowercase letters, digits and single"
            " hyphens [id-format]",
        ),
        (
            "    per_course: true",
            "    per_course: yes",
            "97:17: error: 'per_course' must be true or false, not 'yes' [wrong-type]",
        ),
        (
            "{kind: csat, window_days: 365,",
            "{kind: csat, window_days: \"365\",",
            "149:35: error: 'window_days' must be a whole number, not '365' [wrong-type]",
        ),
    ],
    ids=[
        "unknown-kind",
        "bad-parameter",
        "unreachable",
        "unknown-practice",
        "unknown-key",
        "grandfather-order",
        "region-overlap",
        "id-format",
        "bool-as-text",
        "number-as-text",
    ],
)
def test_program_errors_are_located(old: str, new: str, expected: str, tmp_path: Path) -> None:
    assert old in SHIPPED
    path = tmp_path / "program.yml"
    path.write_text(SHIPPED.replace(old, new, 1), encoding="utf-8")
    program, diagnostics = load_program(path)
    assert program is None
    assert [d.format().split(":", 1)[1] for d in diagnostics] == [expected]


def test_invalid_program_still_checks_partner_shapes(partner_folder: MakeFolder) -> None:
    folder = partner_folder(**{"p.yml": "name: Only A Name\n"})
    (folder / "program.yml").write_text(SHIPPED.replace("tiers:\n", "tier:\n", 1))
    codes = [(d.path, d.code) for d in load_folder(folder).diagnostics]
    assert ("partners/program.yml", "unknown-key") in codes
    assert ("partners/p.yml", "missing-key") in codes


def test_invalid_program_warns_that_partner_ids_were_not_checked(
    partner_folder: MakeFolder,
) -> None:
    minimal = (FIXTURES / "valid" / "minimal.yml").read_text(encoding="utf-8")
    folder = partner_folder(**{"gold.yml": minimal.replace("tier: open", "tier: gold")})
    (folder / "program.yml").write_text(SHIPPED.replace("every_months: 12", "every_months: 0", 1))
    assert [d.format() for d in load_folder(folder).diagnostics] == [
        "partners/program.yml:1:1: warning: ids in partner files (tiers, services, badges, ...) "
        "were not checked: fix program.yml first [unchecked-ids]",
        "partners/program.yml:125:28: error: 'every_months' must be at least 1, not 0 "
        "[out-of-range]",
    ]
