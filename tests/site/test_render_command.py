"""``partner-locator render --out DIR``: the page plan written to a folder without MkDocs."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import ROOT


def _render(out: Path, *extra: str) -> int:
    return main([
        "render", "--partners", str(ROOT / "partners"), "--docs", str(ROOT / "docs"),
        "--as-of", "2026-11-28", "--out", str(out), *extra,
    ])


def test_render_writes_the_locator_profiles_and_docs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plain"
    assert _render(out) == 0
    written = capsys.readouterr().out
    assert written.endswith(f"pages written to {out}\n")
    locator = (out / "partners" / "index.html").read_text(encoding="utf-8")
    assert 'role="status"' in locator
    profile = (out / "partners" / "northwind-devops" / "index.html").read_text(encoding="utf-8")
    assert "Professional Services Partner" in profile
    assert (out / "handbook" / "channel-services" / "index.html").is_file()
    assert (out / "api" / "partners.json").is_file()
    assert not list(tmp_path.glob(".*.partial*"))


def test_render_with_flat_urls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "flat"
    assert _render(out, "--flat-urls") == 0
    locator = (out / "partners" / "index.html").read_text(encoding="utf-8")
    assert 'href="andes-cloud-ingenieria/index.html"' in locator


def test_render_replaces_its_own_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site"
    assert _render(out, "--no-docs") == 0
    (out / "partners" / "stale.html").write_text("old", encoding="utf-8")
    assert _render(out, "--no-docs") == 0
    assert not (out / "partners" / "stale.html").exists()


def test_render_never_deletes_a_folder_it_did_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "notes"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    assert _render(out) == 2
    assert "is not empty and was not written by 'render'" in capsys.readouterr().err
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
