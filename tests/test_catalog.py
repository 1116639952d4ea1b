"""Names in the order and under the letters readers expect (generator/catalog.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.catalog import Catalog, name_key, name_letter
from generator.load import load_folder

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
