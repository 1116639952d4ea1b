"""Shared fixtures: the shipped program, and temporary partner folders built from fixtures."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROGRAM = ROOT / "partners" / "program.yml"

MakeFolder = Callable[..., Path]


@pytest.fixture
def partner_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MakeFolder:
    """Make ``partners/`` under a temporary working folder with the shipped program.yml.

    Takes fixture file paths to copy (with their same-named logo files) and
    ``name=text`` keyword pairs to write; diagnostics then read ``partners/<file>``.
    """
    monkeypatch.chdir(tmp_path)

    def make(*files: Path, **texts: str) -> Path:
        folder = tmp_path / "partners"
        folder.mkdir(exist_ok=True)
        shutil.copyfile(PROGRAM, folder / "program.yml")
        for file in files:
            for sibling in file.parent.glob(f"{file.stem}.*"):
                shutil.copyfile(sibling, folder / sibling.name)
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8")
        return Path("partners")

    return make
