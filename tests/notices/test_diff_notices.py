"""The diff report lists the notices a change causes, in all three formats."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import ROOT

BASE = ROOT / "tests" / "diff" / "fixtures" / "base"


@pytest.fixture
def head(tmp_path: Path) -> Path:
    shutil.copytree(BASE, tmp_path / "base")
    shutil.copytree(BASE, tmp_path / "head")
    acme = tmp_path / "head" / "acme-devops.yml"
    text = acme.read_text(encoding="utf-8")
    text = text.replace("  - {tier: select, from: 2020-01-01}",
                        "  - {tier: select, from: 2020-01-01, to: 2026-11-15}")
    acme.write_text(text, encoding="utf-8")
    return tmp_path


def diff(folder: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    status = main(["diff", "--base-dir", str(folder / "base"), "--partners",
                   str(folder / "head"), "--as-of", "2026-11-15", "--format", fmt])
    assert status == 0
    return capsys.readouterr().out


def test_json_lists_the_lapse_the_change_causes(
    head: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = json.loads(diff(head, "json", capsys))
    assert report["notices"] == [{
        "date": "2026-11-16", "slug": "acme-devops", "name": "Acme DevOps GmbH", "badge": "psp",
        "kind": "lapsed", "change": "new", "what": "loses PSP on 16 November 2026",
    }]


def test_html_lists_it_with_the_name_escaped(
    head: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    acme = head / "head" / "acme-devops.yml"
    acme.write_text(acme.read_text(encoding="utf-8").replace(
        "name: Acme DevOps GmbH", "name: Acme <DevOps> & *Co*"), encoding="utf-8")
    html = diff(head, "html", capsys)
    assert '<h2 id="notices">Notices this change causes in the next 90 days (1)</h2>' in html
    assert ("<li>Acme &lt;DevOps&gt; &amp; *Co* <code>acme-devops</code> loses PSP on "
            "16 November 2026 (<code>lapsed</code> notice)</li>") in html
    markdown = diff(head, "markdown", capsys)
    assert ("- **`Acme <DevOps> & *Co*`** (`acme-devops`) loses `PSP` on 16 November 2026 "
            "(`lapsed` notice)") in markdown


def test_an_unchanged_folder_causes_no_notice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(BASE, tmp_path / "base")
    shutil.copytree(BASE, tmp_path / "head")
    report = json.loads(diff(tmp_path, "json", capsys))
    assert report["notices"] == []


def test_a_partner_valid_on_one_side_only_causes_no_notice_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Formosa's PSP evidence is due on 1 December 2026; a broken file on the head side must
    # not read as "no longer asked for evidence": the partner is listed as not compared.
    shutil.copytree(ROOT / "partners", tmp_path / "base")
    shutil.copytree(ROOT / "partners", tmp_path / "head")
    formosa = tmp_path / "head" / "formosa-devops-lab.yml"
    formosa.write_text(formosa.read_text(encoding="utf-8") + "bogus: 1\n", encoding="utf-8")
    capsys.readouterr()
    status = main(["diff", "--base-dir", str(tmp_path / "base"), "--partners",
                   str(tmp_path / "head"), "--as-of", "2026-12-01", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert status == 1  # the new error
    assert report["not_compared"] == ["formosa-devops-lab"]
    assert report["notices"] == []


@pytest.mark.parametrize(("kind", "expected"), [
    ("award", "is no longer awarded PSP on 1 March 2027"),
    ("evidence-request", "is no longer asked for PSP review evidence on 1 March 2027"),
    ("review-kept", "no longer keeps PSP at its review on 1 March 2027"),
    ("grace", "no longer has PSP go into grace on 1 March 2027"),
    ("restored", "no longer has PSP restored on 1 March 2027"),
    ("lapsed", "no longer loses PSP on 1 March 2027"),
])
def test_a_cancelled_notice_reads_as_a_sentence(kind: str, expected: str) -> None:
    from datetime import date

    from generator.diff import NoticeChange
    from generator.report.diff import notice_sentence

    change = NoticeChange("acme", "Acme", "psp", "PSP", kind, date(2027, 3, 1), "cancelled")
    assert notice_sentence(change) == expected
