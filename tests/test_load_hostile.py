"""Hostile partner data: every input is accepted or gets a located error, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
