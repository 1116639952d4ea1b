"""Hostile partner data: every input is accepted or gets a located error, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import checks
from generator.cli import main
from generator.load import load_folder
from tests.conftest import FIXTURES, ROOT, MakeFolder

MINIMAL_TEXT = (FIXTURES / "valid" / "minimal.yml").read_text(encoding="utf-8")
DATE_RANGE = FIXTURES / "invalid" / "date-range.yml"
LAST_DAY = FIXTURES / "valid" / "last-day.yml"
DIFF_BASE = ROOT / "tests" / "diff" / "fixtures" / "base"


def _only(folder: Path) -> list[str]:
    return [d.format() for d in load_folder(folder).diagnostics]


def _with(**replacements: str) -> str:
    text = MINIMAL_TEXT
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    return text


# --- dates -----------------------------------------------------------------------------------

FIRST_ERROR = (
    "partners/date-range.yml:20:40: error: 'to': 9999-12-31 is outside the days a file may "
    "name (1900-01-01 to 9998-12-31) [date-range]"
)


@pytest.mark.parametrize(
    "command",
    [
        ["badges", "--as-of", "2025-06-01"],
        ["render", "--no-docs", "--out", "out", "--as-of", "2025-06-01"],
    ],
    ids=["badges", "render"],
)
def test_a_date_past_the_last_day_stops_a_command_with_its_location(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    partner_folder(DATE_RANGE)
    assert main(command) == 1
    err = capsys.readouterr().err
    assert FIRST_ERROR in err.splitlines()
    assert len(err.splitlines()) == 12
    assert not Path("out").exists()


def test_diff_reports_a_date_past_the_last_day_as_a_new_error(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    partner_folder(DATE_RANGE)
    shutil.copytree(DIFF_BASE, tmp_path / "base")
    assert main(["diff", "--base-dir", "base", "--as-of", "2025-06-01", "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert "9999-12-31 is outside the days a file may name (1900-01-01 to 9998-12-31)" in out
    assert "date-range.yml" in out


@pytest.mark.parametrize("as_of", ["1900-01-01", "2025-06-01", "9998-12-31"])
def test_the_first_and_last_day_a_file_may_name_work_in_every_command(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str], tmp_path: Path, as_of: str
) -> None:
    partner_folder(LAST_DAY)
    shutil.copytree(DIFF_BASE, tmp_path / "base")
    assert main(["validate"]) == 0
    assert main(["badges", "--as-of", as_of, "--format", "json"]) == 0
    assert main(["render", "--no-docs", "--out", "out", "--as-of", as_of]) == 0
    assert (tmp_path / "out" / "partners" / "last-day").is_dir()
    assert main(["diff", "--base-dir", "base", "--as-of", as_of]) == 0
    assert capsys.readouterr().err == ""


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "length"),
    [("9" * 4301, "4,301"), ("1" * 101, "101"), ("0x" + "f" * 5000, "5,002"),
     ("1." + "5" * 200, "202"), ("1e" + "9" * 120, "122")],
    ids=["int-4301-digits", "int-101-digits", "hex", "float", "exponent"],
)
def test_a_number_too_long_to_convert_is_located(
    partner_folder: MakeFolder, written: str, length: str
) -> None:
    text = _with(**{"  - {tier: open, from: 2020-01-01}": "  - {tier: open, from: 2020-01-01}\n"
                    f"trainings: [{{course: gitlab-ci-cd, delivered: 2025-01-01, "
                    f"scores: [4, {written}]}}]"})
    assert _only(partner_folder(**{"long.yml": text})) == [
        f"partners/long.yml:8:71: error: a number of {length} characters; numbers are at most "
        "100 characters long [number-too-long]"
    ]


def test_a_number_of_a_hundred_characters_is_still_a_number(partner_folder: MakeFolder) -> None:
    text = _with(**{"  - {tier: open, from: 2020-01-01}": "  - {tier: open, from: 2020-01-01}\n"
                    f"trainings: [{{course: gitlab-ci-cd, delivered: 2025-01-01, "
                    f"scores: [{'0' * 99}4]}}]"})
    assert _only(partner_folder(**{"hundred.yml": text})) == []


# --- URLs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("website", "reason"),
    [("https://[evil.example/", "invalid IPv6 URL"),
     ("https://evil.example:99999/", "port out of range 0-65535"),
     ("https://evil.example:http/", "port could not be cast to integer value as 'http'")],
    ids=["ipv6-bracket", "port-range", "port-text"],
)
def test_a_url_that_cannot_be_read_is_located(
    partner_folder: MakeFolder, website: str, reason: str
) -> None:
    text = _with(**{"website: https://minimal.example": f'website: "{website}"'})
    assert _only(partner_folder(**{"url.yml": text})) == [
        f"partners/url.yml:2:10: error: '{website}' is not a URL that can be read: {reason} [url]"
    ]


# --- the region table and pycountry -------------------------------------------------------------

SHIPPED_PROGRAM = (ROOT / "partners" / "program.yml").read_text(encoding="utf-8")


def test_a_country_no_region_claims_is_a_warning_that_does_not_fail_validate(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = partner_folder(FIXTURES / "valid" / "minimal.yml")
    assert "CZ, DE, DJ" in SHIPPED_PROGRAM
    (folder / "program.yml").write_text(SHIPPED_PROGRAM.replace("CZ, DE, DJ", "CZ, DJ", 1))
    assert main(["validate"]) == 0
    assert capsys.readouterr().out == (
        "partners/program.yml:23:1: warning: 1 ISO country belongs to no region: DE; partners "
        "there are shown without a region [region-missing]\n"
        "2 files checked: no errors\n"
    )
    result = load_folder(folder)
    assert result.ok
    assert [p.slug for p in result.partners] == ["minimal"]
    assert result.program is not None and result.program.region_of("DE") is None


def test_a_country_a_future_pycountry_adds_only_warns(
    partner_folder: MakeFolder, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:

    future = checks.iso_countries() | {"XA", "XB"}
    monkeypatch.setattr(checks, "iso_countries", lambda: future)
    partner_folder(FIXTURES / "valid" / "minimal.yml")
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "partners/program.yml:23:1: warning: 2 ISO countries belong to no region: XA, XB; "
        "partners there are shown without a region [region-missing]"
    )


def test_a_region_listing_a_code_that_is_not_iso_is_an_error(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = partner_folder(FIXTURES / "valid" / "minimal.yml")
    (folder / "program.yml").write_text(SHIPPED_PROGRAM.replace("CZ, DE, DJ", "CZ, DE, XA, DJ", 1))
    assert main(["validate"]) == 1
    assert capsys.readouterr().out.splitlines()[1] == (
        "partners/program.yml:35:65: error: 'XA' is not an ISO 3166-1 alpha-2 country code "
        "[country-code]"
    )
