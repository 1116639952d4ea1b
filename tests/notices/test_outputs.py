"""Where ``notices --out`` and ``calendar --out`` may write, and what they say otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import ROOT

WINDOW = ["--from", "2026-11-01", "--to", "2026-11-01"]


def notices_into(out: str) -> int:
    return main(["notices", "--partners", str(ROOT / "partners"), "--out", out, *WINDOW])


def test_notices_refuse_an_empty_or_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert notices_into("") == 2
    assert capsys.readouterr().err == "partner-locator: error: --out: the folder name is empty\n"
    assert notices_into(".") == 2
    assert capsys.readouterr().err == (
        "partner-locator: error: --out: '.' cannot be replaced: name a folder inside it\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_notices_refuse_a_file_a_device_and_a_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("keep\n", encoding="utf-8")
    assert notices_into(str(file)) == 2
    assert capsys.readouterr().err == (
        f"partner-locator: error: --out: '{file}' is a file, not a folder\n"
    )
    assert notices_into("/dev/null") == 2
    assert capsys.readouterr().err == (
        "partner-locator: error: --out: '/dev/null' is a file, not a folder\n"
    )
    (tmp_path / "real").mkdir()
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "real")
    assert notices_into(str(link)) == 2
    assert capsys.readouterr().err == (
        f"partner-locator: error: --out: '{link}' is a symbolic link: name a folder\n"
    )
    assert list((tmp_path / "real").iterdir()) == []
    assert notices_into(str(file / "notices")) == 2
    assert capsys.readouterr().err == (
        f"partner-locator: error: --out: cannot write '{file / 'notices'}' (Not a directory)\n"
    )
    assert file.read_text(encoding="utf-8") == "keep\n"


def calendar_into(out: str) -> int:
    return main(["calendar", "--partners", str(ROOT / "partners"), "--as-of", "2026-11-01",
                 "--out", out])


def test_calendar_names_a_wrong_out_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert calendar_into("") == 2
    assert capsys.readouterr().err == "partner-locator: error: --out: the file name is empty\n"
    assert calendar_into(str(tmp_path)) == 2
    assert capsys.readouterr().err == (
        f"partner-locator: error: --out: '{tmp_path}' is a folder: give a file name\n"
    )
    file = tmp_path / "notes.txt"
    file.write_text("keep\n", encoding="utf-8")
    assert calendar_into(str(file / "reviews.ics")) == 2
    assert capsys.readouterr().err == (
        f"partner-locator: error: --out: cannot write '{file / 'reviews.ics'}' "
        "(Not a directory)\n"
    )


def test_calendar_to_standard_output_is_the_calendar_alone(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "generator", "calendar", "--partners",
               str(ROOT / "partners"), "--as-of", "2026-11-01"]
    plain = subprocess.run(command, capture_output=True, check=True, cwd=ROOT).stdout
    device = subprocess.run([*command, "--out", "/dev/stdout"], capture_output=True,
                            check=True, cwd=ROOT, env={**os.environ}).stdout
    assert plain.startswith(b"BEGIN:VCALENDAR\r\n")
    assert plain.endswith(b"END:VCALENDAR\r\n")
    assert device == plain
    target = tmp_path / "reviews.ics"
    written = subprocess.run([*command, "--out", str(target)], capture_output=True,
                             check=True, cwd=ROOT).stdout
    assert written == f"calendar as of 2026-11-01 written to {target}\n".encode()
    assert target.read_bytes() == plain
