"""Loading and validating partner files: every error kind, with its message, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.load import load_folder
from tests.conftest import FIXTURES, ROOT, MakeFolder

INVALID = sorted((FIXTURES / "invalid").glob("*.yml"))


def expected_lines(fixture: Path) -> list[str]:
    """The ``# expect:`` comments of a fixture, as full diagnostic lines."""
    lines = []
    for line in fixture.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect: "):
            lines.append(f"partners/{fixture.name}:{line.removeprefix('# expect: ')}")
        elif line.startswith("# expect-file: "):
            lines.append(f"partners/{line.removeprefix('# expect-file: ')}")
    return lines


@pytest.mark.parametrize("fixture", INVALID, ids=[f.stem for f in INVALID])
def test_invalid_fixture_reports_exactly_its_errors(
    fixture: Path, partner_folder: MakeFolder
) -> None:
    folder = partner_folder(fixture)
    result = load_folder(folder)
    assert [d.format() for d in result.diagnostics] == expected_lines(fixture)
    assert not result.ok
    assert result.partners == ()


@pytest.mark.parametrize("name", ["minimal", "full"])
def test_valid_fixture_loads(name: str, partner_folder: MakeFolder) -> None:
    folder = partner_folder(FIXTURES / "valid" / f"{name}.yml")
    result = load_folder(folder)
    assert result.diagnostics == ()
    assert [p.slug for p in result.partners] == [name]


def test_full_fixture_keeps_yaml_1_2_scalars(partner_folder: MakeFolder) -> None:
    folder = partner_folder(FIXTURES / "valid" / "full.yml")
    (partner,) = load_folder(folder).partners
    assert partner.headquarters.country == "NO"
    assert partner.contact is not None and partner.contact.phone == "+47 22 00 00 00"
    assert str(partner.tracks[1].from_) == "2021-03-01"
    assert partner.trainings[0].scores == (5, 4, 4, 3, 5)


def test_shipped_data_is_valid() -> None:
    result = load_folder(ROOT / "partners")
    assert [d.format() for d in result.diagnostics] == []
    assert len(result.partners) >= 40


def test_bad_files_do_not_stop_the_others(partner_folder: MakeFolder) -> None:
    folder = partner_folder(
        FIXTURES / "valid" / "minimal.yml", FIXTURES / "invalid" / "tab-indent.yml"
    )
    result = load_folder(folder)
    assert [p.slug for p in result.partners] == ["minimal"]
    assert [d.code for d in result.diagnostics] == ["tab"]


def test_non_utf8_bytes_are_located(partner_folder: MakeFolder) -> None:
    folder = partner_folder()
    (folder / "latin.yml").write_bytes(b"name: Caf\xe9\n")
    (diagnostic,) = load_folder(folder).diagnostics
    assert diagnostic.format() == (
        "partners/latin.yml:1:10: error: file is not valid UTF-8 (byte 0xe9) [encoding]"
    )


@pytest.mark.parametrize(
    ("raw", "where", "code_point"),
    [(b"name: Acme\x00\n", "1:11", "0000"), (b"name: Acme\nsummary: bell \x07\n", "2:15", "0007")],
)
def test_control_characters_are_located(
    partner_folder: MakeFolder, raw: bytes, where: str, code_point: str
) -> None:
    folder = partner_folder()
    (folder / "control.yml").write_bytes(raw)
    (diagnostic,) = load_folder(folder).diagnostics
    assert diagnostic.format() == (
        f"partners/control.yml:{where}: error: character U+{code_point} is not allowed in YAML; "
        "remove it [control-character]"
    )


def test_oversized_file_is_refused(partner_folder: MakeFolder) -> None:
    folder = partner_folder(**{"huge.yml": "name: x\n" + "# padding\n" * 30_000})
    (diagnostic,) = load_folder(folder).diagnostics
    assert diagnostic.format() == (
        "partners/huge.yml:1:1: error: file is 300,008 bytes; the limit is 262,144 bytes"
        " [file-too-large]"
    )


def test_billion_laughs_is_refused_without_expanding(partner_folder: MakeFolder) -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 30):
        previous = chr(ord("a") + level - 1) if level < 26 else f"a{level}"
        name = chr(ord("a") + level) if level < 26 else f"a{level + 1}"
        levels.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]")
    folder = partner_folder(**{"laughs.yml": "\n".join(levels) + "\n"})
    (diagnostic,) = load_folder(folder).diagnostics
    assert diagnostic.format() == (
        "partners/laughs.yml:1:4: error: YAML anchor 'a' is not allowed;"
        " write the value out in full [yaml-anchor]"
    )


def test_duplicate_names_across_files(partner_folder: MakeFolder) -> None:
    minimal = (FIXTURES / "valid" / "minimal.yml").read_text(encoding="utf-8")
    folder = partner_folder(
        **{
            "first.yml": minimal,
            "second.yml": minimal.replace("Minimal Partner", "minimal  PARTNER"),
        }
    )
    result = load_folder(folder)
    assert [d.format() for d in result.diagnostics] == [
        "partners/second.yml:1:7: error: name 'minimal  PARTNER' is also used by"
        " partners/first.yml [duplicate-name]"
    ]
    assert [p.slug for p in result.partners] == ["first"]


def test_duplicate_slug_and_yaml_suffix(partner_folder: MakeFolder) -> None:
    minimal = (FIXTURES / "valid" / "minimal.yml").read_text(encoding="utf-8")
    folder = partner_folder(**{"acme.yml": minimal, "acme.yaml": minimal})
    assert [d.format() for d in load_folder(folder).diagnostics] == [
        "partners/acme.yaml:1:1: error: partner files end in .yml: rename to 'acme.yml'"
        " [file-name]",
        "partners/acme.yml:1:1: error: slug 'acme' is also used by partners/acme.yaml"
        " [duplicate-slug]",
    ]


def test_oversized_logo(partner_folder: MakeFolder) -> None:
    minimal = (FIXTURES / "valid" / "minimal.yml").read_text(encoding="utf-8")
    folder = partner_folder(**{"big.yml": minimal + "logo: big.png\n"})
    (folder / "big.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 300_000)
    assert [d.format() for d in load_folder(folder).diagnostics] == [
        "partners/big.yml:8:7: error: logo 'big.png' is 300,008 bytes; the limit is 262,144 bytes"
        " [logo-size]"
    ]


def test_logo_named_after_another_file(partner_folder: MakeFolder) -> None:
    minimal = (FIXTURES / "valid" / "minimal.yml").read_text(encoding="utf-8")
    folder = partner_folder(**{"own.yml": minimal + "logo: other.svg\n"})
    assert [d.format() for d in load_folder(folder).diagnostics] == [
        "partners/own.yml:8:7: error: logo 'other.svg' must be named after the partner file:"
        " 'own.svg' [logo]"
    ]


def test_missing_folder(tmp_path: Path) -> None:
    result = load_folder(tmp_path / "nowhere")
    assert [d.code for d in result.diagnostics] == ["missing-folder"]
    assert not result.ok
