"""Names in the order and under the letters readers expect (generator/catalog.py)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest

from generator.catalog import Catalog, make_entry, name_key, name_letter, stable_until
from generator.load import load_folder
from generator.model import Partner, Program

ROOT = Path(__file__).resolve().parent.parent

PARTNERS = Path(__file__).resolve().parents[1] / "partners"


@pytest.mark.parametrize(
    ("name", "letter"),
    [
        ("Øresund DevOps ApS", "o"),
        ("Ærø Consulting", "a"),
        ("Łódź Software", "l"),
        ("Élan Vital", "e"),
        ("3D Pipelines", "0-9"),
        ("42 Ops", "0-9"),
        ("\"Quoted\" Systems", "q"),
        ("Ωmega Cloud", "0-9"),
        ("zeta ops", "z"),
    ],
)
def test_a_name_files_under_the_letter_a_reader_sees(name: str, letter: str) -> None:
    assert name_letter(name_key(name)) == letter


def test_names_sort_by_the_unicode_collation_algorithm() -> None:
    names = ["Zeta Ops", "Øresund DevOps ApS", "Outback Ops", "Oak Systems", "Łódź Software",
             "Lima Cloud", "Ærø Consulting", "Apex", "3D Pipelines", "lumen"]
    assert sorted(names, key=name_key) == [
        "3D Pipelines", "Ærø Consulting", "Apex", "Lima Cloud", "Łódź Software", "lumen",
        "Oak Systems", "Øresund DevOps ApS", "Outback Ops", "Zeta Ops",
    ]


def test_spacing_does_not_change_the_order() -> None:
    assert name_key("Elbe  DevOps") == name_key("Elbe DevOps")


def test_the_sample_catalog_files_oresund_under_o_between_its_neighbours() -> None:
    catalog = Catalog.build(load_folder(PARTNERS), date(2026, 11, 28))
    o_names = [e.name for e in catalog.entries if e.letter == "o"]
    assert o_names == ["O'Donnell & Ruiz DevOps", "Øresund DevOps ApS", "Outback Ops Pty Ltd"]
    assert not any(e.name.startswith("Ø") for e in catalog.entries if e.letter == "0-9")


def _walk_windows(partners: Sequence[Partner], program: Program, start: date,
                  end: date) -> tuple[int, int]:
    """Check, day by day, that an entry made on the first day of its stable stretch is the
    entry of every later day before ``stable_until``; (days checked, stretches)."""
    checked = stretches = 0
    for partner in partners:
        day = start
        first = make_entry(partner, program, day)
        until = stable_until(partner, program, day, first.states)
        while day < end:
            day += timedelta(days=1)
            if until is not None and day >= until:
                first = make_entry(partner, program, day)
                until = stable_until(partner, program, day, first.states)
                stretches += 1
                continue
            # Every third day, and always the last day of a stretch.
            last = until is not None and day + timedelta(days=1) >= until
            if day.toordinal() % 3 == 0 or last:
                assert make_entry(partner, program, day) == first, (partner.slug, day)
                checked += 1
    return checked, stretches


def test_an_entry_stays_the_same_until_its_stable_until_day() -> None:
    result = load_folder(ROOT / "partners")
    assert result.program is not None
    checked, stretches = _walk_windows(result.partners, result.program, date(2025, 3, 1),
                                       date(2026, 12, 31))
    assert checked > 8_000
    assert stretches > 3_000


def test_stable_stretches_of_generated_histories(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from synthetic import write_partners
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    write_partners(tmp_path / "partners", 12, seed=11)
    result = load_folder(tmp_path / "partners")
    assert result.program is not None and len(result.partners) == 12
    checked, stretches = _walk_windows(result.partners, result.program, date(2021, 1, 1),
                                       date(2027, 1, 1))
    assert checked > 5_000
    assert stretches > 100


def test_a_partner_whose_facts_are_all_past_is_stable_for_ever() -> None:
    result = load_folder(ROOT / "partners")
    assert result.program is not None
    program = result.program
    day = date(2099, 1, 1)
    stable = [p for p in result.partners
              if stable_until(p, program, day, make_entry(p, program, day).states) is None]
    # Far from every date, only held badges' reviews can still move anything.
    for partner in stable:
        assert not make_entry(partner, program, day).held
    assert stable
