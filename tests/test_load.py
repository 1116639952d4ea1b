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


MINIMAL_TEXT = (FIXTURES / "valid" / "minimal.yml").read_text(encoding="utf-8")


def _only(folder: Path) -> list[str]:
    return [d.format() for d in load_folder(folder).diagnostics]


def test_deep_nesting_is_a_located_error_not_a_crash(partner_folder: MakeFolder) -> None:
    deep = MINIMAL_TEXT + "extra: " + "[" * 600 + "]" * 600 + "\n"
    folder = partner_folder(**{"deep.yml": deep, "fine.yml": MINIMAL_TEXT.replace(
        "Minimal Partner", "Fine Partner")})
    assert _only(folder) == [
        "partners/deep.yml:8:71: error: YAML nested more than 64 levels deep [yaml-syntax]"
    ]


@pytest.mark.parametrize(
    ("line", "column", "tag"),
    [("services: !foo [assessment]", 11, "!foo"),
     ("headquarters: !!omap {country: DE, city: Berlin}", 15, "tag:yaml.org,2002:omap")],
)
def test_tags_on_lists_and_mappings_are_refused(
    partner_folder: MakeFolder, line: str, column: int, tag: str
) -> None:
    key = line.split(":", maxsplit=1)[0]
    text = "\n".join(line if row.startswith(f"{key}:") else row
                     for row in MINIMAL_TEXT.splitlines()) + "\n"
    row = next(i for i, r in enumerate(text.splitlines(), 1) if r.startswith(f"{key}:"))
    assert _only(partner_folder(**{"tagged.yml": text})) == [
        f"partners/tagged.yml:{row}:{column}: error: unsupported YAML tag '{tag}'; "
        "write the value plainly [yaml-tag]"
    ]


def test_missing_required_lists_report_only_themselves(partner_folder: MakeFolder) -> None:
    text = (
        "name: Mini\nwebsite: https://mini.example\nsummary: x\n"
        "headquarters: {country: DE, city: Berlin}\n"
    )
    assert _only(partner_folder(**{"mini.yml": text})) == [
        "partners/mini.yml:1:1: error: missing required key 'services' [missing-key]",
        "partners/mini.yml:1:1: error: missing required key 'tracks' [missing-key]",
    ]


def test_a_partner_file_with_an_upper_case_extension_is_reported(
    partner_folder: MakeFolder,
) -> None:
    folder = partner_folder(**{"acme.YML": MINIMAL_TEXT})
    assert _only(folder) == [
        "partners/acme.YML:1:1: error: partner files end in .yml: rename to 'acme.yml' "
        "[file-name]"
    ]


def test_an_unreadable_program_is_reported(partner_folder: MakeFolder) -> None:
    folder = partner_folder(FIXTURES / "valid" / "minimal.yml")
    (folder / "program.yml").unlink()
    (folder / "program.yml").mkdir()
    (first, *_) = _only(folder)
    assert first.startswith(
        "partners/program.yml:1:1: error: the program definition cannot be read ("
    )


def test_a_name_without_visible_text_is_refused(partner_folder: MakeFolder) -> None:
    text = MINIMAL_TEXT.replace("name: Minimal Partner", 'name: "\\u200b "')
    assert _only(partner_folder(**{"blank.yml": text})) == [
        "partners/blank.yml:1:7: error: 'name' has no visible text [too-short]"
    ]


@pytest.mark.parametrize(
    ("written", "read"),
    [("Cafe\\u0301 Partner", "Cafe\u0301 Partner"),
     ("Café Partner\\u200b", "Café Partner\u200b"),
     ("CAFÉ  partner", "CAFÉ  partner")],
    ids=["decomposed", "zero-width", "case-and-spacing"],
)
def test_names_that_read_the_same_are_duplicates(
    partner_folder: MakeFolder, written: str, read: str
) -> None:
    first = MINIMAL_TEXT.replace("name: Minimal Partner", "name: Café Partner")
    second = MINIMAL_TEXT.replace("name: Minimal Partner", f'name: "{written}"')
    assert _only(partner_folder(**{"a-cafe.yml": first, "b-cafe.yml": second})) == [
        f"partners/b-cafe.yml:1:7: error: name '{read}' is also used by partners/a-cafe.yml "
        "[duplicate-name]"
    ]


def test_a_three_letter_country_gets_the_country_message(partner_folder: MakeFolder) -> None:
    text = MINIMAL_TEXT.replace("{country: DE,", "{country: DEU,")
    assert _only(partner_folder(**{"deu.yml": text})) == [
        "partners/deu.yml:4:25: error: 'DEU' is not an ISO 3166-1 alpha-2 country code "
        "[country-code]"
    ]


def test_a_png_named_svg_is_told_to_rename(partner_folder: MakeFolder) -> None:
    folder = partner_folder(**{"pngsvg.yml": MINIMAL_TEXT + "logo: pngsvg.svg\n"})
    (folder / "pngsvg.svg").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    assert _only(folder) == [
        "partners/pngsvg.yml:8:7: error: logo 'pngsvg.svg' is a PNG image: rename it to .png "
        "[logo-type]"
    ]


def test_a_second_yaml_document_reads_plainly(partner_folder: MakeFolder) -> None:
    folder = partner_folder(**{"two.yml": MINIMAL_TEXT + "---\nname: Again\n"})
    assert _only(folder) == [
        "partners/two.yml:8:1: error: YAML syntax: expected a single document in the stream "
        "but found another document [yaml-syntax]"
    ]


def test_an_invalid_file_still_counts_for_duplicate_names(partner_folder: MakeFolder) -> None:
    broken = MINIMAL_TEXT.replace("tier: open", "tier: gold")
    folder = partner_folder(**{"a-first.yml": broken, "b-second.yml": MINIMAL_TEXT})
    assert _only(folder) == [
        "partners/a-first.yml:7:12: error: unknown tier 'gold' (known: distribution, open, "
        "select) [unknown-id]",
        "partners/b-second.yml:1:7: error: name 'Minimal Partner' is also used by "
        "partners/a-first.yml [duplicate-name]",
    ]
