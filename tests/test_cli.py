"""The command line: validate's four formats, --output, exit statuses, schema."""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from generator.cli import build_parser, main
from generator.schema import dump, partner_schema, program_schema
from tests.conftest import FIXTURES, ROOT, MakeFolder

MINIMAL = FIXTURES / "valid" / "minimal.yml"
BAD_LINKS = FIXTURES / "invalid" / "bad-links.yml"


def test_validate_text_passes_on_valid_data(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    partner_folder(MINIMAL)
    assert main(["validate"]) == 0
    assert capsys.readouterr().out == "2 files checked: no errors\n"


def test_validate_text_lists_every_error_and_fails(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    partner_folder(MINIMAL, BAD_LINKS)
    assert main(["validate"]) == 1
    assert capsys.readouterr().out == (
        "partners/bad-links.yml:4:10: error: 'javascript:alert(1)' must be an http:// or "
        "https:// URL [url]\n"
        "partners/bad-links.yml:8:18: error: 'partners(at)links.example' is not an e-mail "
        "address [email]\n"
        "2 errors in 1 file (3 checked)\n"
    )


def test_validate_json(partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str]) -> None:
    partner_folder(BAD_LINKS)
    assert main(["validate", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert report["files_checked"] == 2
    assert report["diagnostics"][0] == {
        "path": "partners/bad-links.yml",
        "line": 4,
        "column": 10,
        "severity": "error",
        "code": "url",
        "message": "'javascript:alert(1)' must be an http:// or https:// URL",
    }


def test_validate_codequality_to_file_keeps_text_in_the_log(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    partner_folder(BAD_LINKS)
    assert main(["validate", "--format", "codequality", "--output", "reports/cq.json"]) == 1
    log = capsys.readouterr().out
    assert log.startswith("partners/bad-links.yml:4:10: error: ")
    issues = json.loads((tmp_path / "reports" / "cq.json").read_text(encoding="utf-8"))
    assert [(i["check_name"], i["location"]) for i in issues] == [
        ("url", {"path": "partners/bad-links.yml", "lines": {"begin": 4}}),
        ("email", {"path": "partners/bad-links.yml", "lines": {"begin": 8}}),
    ]
    assert {i["severity"] for i in issues} == {"major"}
    assert all(len(i["fingerprint"]) == 32 for i in issues)


def test_codequality_fingerprints_survive_unrelated_edits(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = partner_folder(BAD_LINKS)
    main(["validate", "--format", "codequality"])
    before = [i["fingerprint"] for i in json.loads(capsys.readouterr().out)]
    path = folder / "bad-links.yml"
    path.write_text("# a comment that moves every line\n" + path.read_text(encoding="utf-8"))
    main(["validate", "--format", "codequality"])
    after = json.loads(capsys.readouterr().out)
    assert [i["fingerprint"] for i in after] == before
    assert after[0]["location"]["lines"]["begin"] == 5


def test_validate_junit_has_one_case_per_file(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    partner_folder(MINIMAL, BAD_LINKS)
    assert main(["validate", "--format", "junit"]) == 1
    suite = ET.fromstring(capsys.readouterr().out).find("testsuite")
    assert suite is not None
    assert suite.get("tests") == "3"
    assert suite.get("failures") == "1"
    cases = {str(case.get("name")): case for case in suite.iter("testcase")}
    assert sorted(cases) == [
        "partners/bad-links.yml",
        "partners/minimal.yml",
        "partners/program.yml",
    ]
    failure = cases["partners/bad-links.yml"].find("failure")
    assert failure is not None
    assert failure.get("message") == "2 problems"
    assert failure.text is not None
    assert failure.text.startswith("partners/bad-links.yml:4:10: error:")
    assert cases["partners/minimal.yml"].find("failure") is None


def test_validate_changes_no_file(partner_folder: MakeFolder) -> None:
    folder = partner_folder(MINIMAL, BAD_LINKS)
    before = {p: p.read_bytes() for p in folder.iterdir()}
    main(["validate"])
    assert {p: p.read_bytes() for p in folder.iterdir()} == before


def test_wrong_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "xml"]) == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err
    assert main([]) == 2


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["badges", "--as-of", "2026-01-01"],
        ["schema"],
        ["diff", "--base-dir", "."],
        ["render", "--out", "site-out"],
    ],
)
def test_a_missing_partner_folder_is_wrong_usage(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([*command, "--partners", "/nonexistent"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "partner-locator: error: --partners: the folder '/nonexistent' does not exist\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_partner_folder_that_is_a_file_is_wrong_usage(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    partner_folder(MINIMAL)
    assert main(["validate", "--partners", "partners/minimal.yml"]) == 2
    assert capsys.readouterr().err == (
        "partner-locator: error: --partners: 'partners/minimal.yml' is not a folder\n"
    )


def test_module_entry_point_runs_without_traceback(partner_folder: MakeFolder) -> None:
    folder = partner_folder(**{"broken.yml": "name: [unclosed\n"})
    done = subprocess.run(
        [sys.executable, "-m", "generator", "validate"],
        cwd=folder.parent.resolve(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stdout.startswith("partners/broken.yml:2:1: error: YAML syntax:")


def test_committed_schemas_are_current() -> None:
    from generator.load import load_program

    program, _ = load_program(ROOT / "partners" / "program.yml")
    assert program is not None
    committed = (ROOT / "schema" / "partner.schema.json").read_text(encoding="utf-8")
    hint = "regenerate with: partner-locator schema --output schema/partner.schema.json"
    assert committed == dump(partner_schema(program)), hint
    committed = (ROOT / "schema" / "program.schema.json").read_text(encoding="utf-8")
    hint = "regenerate: partner-locator schema --of program --output schema/program.schema.json"
    assert committed == dump(program_schema()), hint


def test_schema_command_prints_the_committed_schema(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["additionalProperties"] is False
    assert "slug" not in schema["properties"]
    assert schema["properties"]["services"]["items"]["enum"][0] == "assessment"


def test_every_sample_file_points_editors_at_the_schema() -> None:
    for path in sorted((ROOT / "partners").glob("*.yml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        expected = "program" if path.name == "program.yml" else "partner"
        assert first == f"# yaml-language-server: $schema=../schema/{expected}.schema.json", path


# --- badges ----------------------------------------------------------------------------------

PSP_PARTNER = """\
name: Review Cycle Ltd
website: https://review-cycle.example
summary: Delivers professional services.
headquarters: {country: GB, city: Leeds}
services: [implementation]
tracks:
  - {tier: select, from: 2023-01-02}
practices: [professional-services]
people:
  - id: a
    employed: {from: 2023-01-02}
    certifications: [{type: pse, earned: 2023-01-02}]
  - id: b
    employed: {from: 2023-01-02}
    certifications: [{type: pse, earned: 2023-01-02}]
  - id: c
    employed: {from: 2023-01-02, to: 2024-02-29}
    certifications: [{type: pse, earned: 2023-01-02}]
engagements:
  - id: e1
    contract: 2023-02-01
    infrastructure_ready: 2023-02-10
    first_value: 2023-02-20
    outcome_achieved: 2023-06-01
"""


def test_badges_json_follows_the_contract(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    partner_folder(**{"review-cycle.yml": PSP_PARTNER})
    assert main(["badges", "--as-of", "2024-03-04", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["as_of"] == "2024-03-04"
    psp = report["partners"]["review-cycle"]["psp"]
    # Granted on the first day with a KPI measured (infrastructure ready 9 days after contract);
    # the engagement leaves the 365-day window on 2024-02-01, the review day.
    assert psp["status"] == "grace"
    assert psp["granted"] == "2023-02-10"
    assert psp["next_review"] == "2025-02-01"
    assert psp["grace_until"] == "2024-04-30"
    assert psp["at_risk"] is False
    assert psp["eligible"] is False
    assert psp["unmet"] == ["certified", "time_to_value"]
    assert [(h["date"], h["status"]) for h in psp["history"]] == [
        ("2023-02-10", "active"),
        ("2024-02-01", "grace"),
    ]
    assert psp["history"][1]["reason"] == (
        "review 2024-02-01: not eligible (Time-to-Value: no engagement measured in the last "
        "365 days); grace until 2024-04-30"
    )
    tsp = report["partners"]["review-cycle"]["tsp"]
    assert tsp == {
        "status": "none", "granted": None, "next_review": None, "evidence_due": None,
        "grace_until": None, "at_risk": False, "eligible": False,
        "unmet": ["practice", "certified", "courses", "csat"], "history": [],
    }


def test_badges_as_of_defaults_to_source_date_epoch(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    partner_folder(**{"review-cycle.yml": PSP_PARTNER})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1676246400")  # 2023-02-13 00:00 UTC
    assert main(["badges", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["as_of"] == "2023-02-13"
    assert report["partners"]["review-cycle"]["psp"]["status"] == "active"
    # The day before the KPI date the engagement is still pending: facts after as-of don't exist.
    assert main(["badges", "--as-of", "2023-02-09", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["partners"]["review-cycle"]["psp"]["status"] == "none"


def test_badges_text_lists_every_partner_and_totals(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    partner_folder(**{"review-cycle.yml": PSP_PARTNER})
    assert main(["badges", "--as-of", "2023-12-01"]) == 0
    assert capsys.readouterr().out == (
        "Badges as of 2023-12-01\n"
        "\n"
        "Review Cycle Ltd (review-cycle)\n"
        "  Professional Services Partner  active    granted 2023-02-10  next review 2024-02-01"
        "  evidence due 2024-01-01\n"
        "  Training Services Partner      none      unmet: Training practice; 2 Certified "
        "Trainers; 4 courses covered by certified trainers; customer satisfaction\n"
        "\n"
        "Professional Services Partner: 1 active, 0 grace, 0 at risk, 0 lapsed, 0 none\n"
        "Training Services Partner: 0 active, 0 grace, 0 at risk, 0 lapsed, 1 none\n"
        "1 partner\n"
    )


def test_badges_text_names_the_unmet_requirements_of_a_badge_in_grace(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    partner_folder(**{"review-cycle.yml": PSP_PARTNER})
    assert main(["badges", "--as-of", "2024-03-04"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[3] == (
        "  Professional Services Partner  grace     granted 2023-02-10  grace until 2024-04-30"
        "  next review 2025-02-01  evidence due 2025-01-01  unmet: 3 certified Professional "
        "Services Engineers; Time-to-Value"
    )
    ids = r"\b(psp|tsp|pse|professional-services|time_to_value|csat)\b"
    assert re.findall(ids, "\n".join(lines)) == []


def test_badges_on_invalid_data_prints_located_errors(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    partner_folder(BAD_LINKS)
    assert main(["badges", "--as-of", "2026-01-01"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("partners/bad-links.yml:4:10: error: ")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("tomorrow", "--as-of: 'tomorrow' is not a date written YYYY-MM-DD"),
        ("20261128", "--as-of: '20261128' is not a date written YYYY-MM-DD"),
        ("2026-W48-1", "--as-of: '2026-W48-1' is not a date written YYYY-MM-DD"),
        ("2026-2-3", "--as-of: '2026-2-3' is not a date written YYYY-MM-DD"),
        ("2026-02-30", "--as-of: '2026-02-30' does not exist: February 2026 has 28 days"),
        ("2026-02-29", "--as-of: '2026-02-29' does not exist: February 2026 has 28 days"),
        ("2024-02-30", "--as-of: '2024-02-30' does not exist: February 2024 has 29 days"),
        ("2026-04-31", "--as-of: '2026-04-31' does not exist: April 2026 has 30 days"),
        ("2026-01-00", "--as-of: '2026-01-00' does not exist: January 2026 has 31 days"),
        ("2026-13-01", "--as-of: '2026-13-01' does not exist: there is no month 13"),
        ("2026-00-10", "--as-of: '2026-00-10' does not exist: there is no month 00"),
        ("0001-01-01", "--as-of: '0001-01-01' is out of range (1900-01-01 to 9998-12-31)"),
        ("1899-12-31", "--as-of: '1899-12-31' is out of range (1900-01-01 to 9998-12-31)"),
        ("9999-12-31", "--as-of: '9999-12-31' is out of range (1900-01-01 to 9998-12-31)"),
    ],
)
def test_badges_as_of_must_be_a_day_that_exists_in_range(
    value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["badges", "--as-of", value]) == 2
    assert capsys.readouterr().err == f"partner-locator: error: {message}\n"


@pytest.mark.parametrize("value", ["2024-02-29", "1900-01-01", "9998-12-31"])
def test_badges_as_of_accepts_the_edges(
    value: str, partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    partner_folder(**{"review-cycle.yml": PSP_PARTNER})
    assert main(["badges", "--as-of", value, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == value


@pytest.mark.parametrize(
    ("epoch", "message"),
    [
        ("soon", "SOURCE_DATE_EPOCH: 'soon' is not a whole number"),
        ("99999999999999999999", "SOURCE_DATE_EPOCH: 99999999999999999999 is out of range"),
    ],
)
def test_a_bad_source_date_epoch_is_wrong_usage(
    epoch: str, message: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert main(["badges"]) == 2
    assert capsys.readouterr().err == f"partner-locator: error: {message}\n"


# --- --output and --out ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("", "--output: the file name is empty"),
        (".", "--output: '.' is a folder: give a file name"),
        ("reports", "--output: 'reports' is a folder: give a file name"),
        ("new/", "--output: 'new/' names a folder: give a file name"),
        ("partners/program.yml/report.txt",
         "--output: cannot write 'partners/program.yml/report.txt' (Not a directory)"),
    ],
)
def test_output_that_cannot_be_a_file_is_wrong_usage_and_leaves_nothing(
    output: str, message: str, partner_folder: MakeFolder,
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    partner_folder(MINIMAL)
    (tmp_path / "reports").mkdir()
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert main(["validate", "--output", output]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"partner-locator: error: {message}\n"
    assert "Traceback" not in captured.out + captured.err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_output_replaces_a_file_whole_and_keeps_its_mode(
    partner_folder: MakeFolder, tmp_path: Path
) -> None:
    partner_folder(MINIMAL)
    report = tmp_path / "report.txt"
    report.write_text("an older, longer report that must not leave a tail behind\n")
    report.chmod(0o640)
    assert main(["validate", "--output", "report.txt"]) == 0
    assert report.read_text(encoding="utf-8") == "2 files checked: no errors\n"
    assert stat.S_IMODE(report.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["partners", "report.txt"]


def test_output_writes_through_a_symbolic_link(
    partner_folder: MakeFolder, tmp_path: Path
) -> None:
    partner_folder(MINIMAL)
    (tmp_path / "kept").mkdir()
    target = tmp_path / "kept" / "report.txt"
    target.write_text("old\n")
    link = tmp_path / "report.txt"
    link.symlink_to(Path("kept") / "report.txt")
    assert main(["validate", "--output", "report.txt"]) == 0
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "2 files checked: no errors\n"
    # The temporary file is made in the target's own folder and leaves nothing behind.
    assert sorted(p.name for p in (tmp_path / "kept").iterdir()) == ["report.txt"]


def test_output_through_a_link_to_a_file_not_there_yet_creates_the_target(
    partner_folder: MakeFolder, tmp_path: Path
) -> None:
    partner_folder(MINIMAL)
    link = tmp_path / "latest.json"
    link.symlink_to(Path("archive") / "2026" / "report.json")
    assert main(["validate", "--format", "json", "--output", "latest.json"]) == 0
    assert link.is_symlink()
    written = tmp_path / "archive" / "2026" / "report.json"
    assert json.loads(written.read_text(encoding="utf-8"))["valid"] is True


def test_output_to_a_link_to_a_folder_is_wrong_usage(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    partner_folder(MINIMAL)
    (tmp_path / "reports").mkdir()
    (tmp_path / "latest").symlink_to("reports")
    assert main(["validate", "--output", "latest"]) == 2
    assert capsys.readouterr().err == (
        "partner-locator: error: --output: 'latest' is a folder: give a file name\n"
    )
    assert (tmp_path / "latest").is_symlink()
    assert list((tmp_path / "reports").iterdir()) == []


def test_output_to_dev_stdout_writes_to_the_pipe(partner_folder: MakeFolder) -> None:
    folder = partner_folder(BAD_LINKS)
    done = subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--format", "json",
         "--output", "/dev/stdout"],
        cwd=folder.parent.resolve(), capture_output=True, text=True, check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    report, _, log = done.stdout.partition("\n}\n")
    assert json.loads(report + "\n}")["diagnostics"][0]["code"] == "url"
    assert log.startswith("partners/bad-links.yml:4:10: error: ")
    assert Path("/dev/stdout").is_symlink()


def test_output_to_a_fifo_writes_into_it(partner_folder: MakeFolder, tmp_path: Path) -> None:
    folder = partner_folder(MINIMAL)
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    with subprocess.Popen(
        [sys.executable, "-m", "generator", "validate", "--output", str(fifo)],
        cwd=folder.parent.resolve(), stderr=subprocess.PIPE, text=True,
    ) as writer:
        received = fifo.read_text(encoding="utf-8")
        _, errors = writer.communicate(timeout=60)
    assert writer.returncode == 0, errors
    assert received == "2 files checked: no errors\n"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("", "--out: the folder name is empty"),
        ("partners/program.yml", "--out: 'partners/program.yml' is a file, not a folder"),
        (".", "--out: '.' cannot be replaced: name a folder inside it"),
        ("..", "--out: '..' cannot be replaced: name a folder inside it"),
        ("site-link", "--out: 'site-link' is a symbolic link: name a folder"),
        ("partners", "--out: 'partners' is not empty and was not written by 'render': choose "
         "another folder"),
        ("partners/program.yml/site",
         "--out: cannot write 'partners/program.yml/site' (Not a directory)"),
    ],
)
def test_render_out_that_cannot_be_replaced_is_wrong_usage(
    out: str, message: str, partner_folder: MakeFolder,
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    partner_folder(MINIMAL)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "site-link").symlink_to("elsewhere")
    program = (tmp_path / "partners" / "program.yml").read_bytes()
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert main(["render", "--out", out, "--as-of", "2026-01-01", "--no-docs"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"partner-locator: error: {message}\n"
    assert "Traceback" not in captured.out + captured.err
    assert (tmp_path / "partners" / "program.yml").read_bytes() == program
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


# --- help ------------------------------------------------------------------------------------


def _parsers(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
    found = [(parser.prog, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _parsers(sub)
    return found


def test_every_command_and_option_has_help() -> None:
    parsers = _parsers(build_parser())
    assert [prog for prog, _ in parsers] == [
        "partner-locator", *(f"partner-locator {c}" for c in
                             ("validate", "schema", "badges", "diff", "render", "notices",
                              "calendar")),
    ]
    for prog, parser in parsers:
        assert parser.description and parser.description.strip(), prog
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                listed = {a.dest: a.help for a in action._choices_actions}
                assert sorted(listed) == sorted(action.choices), prog
                assert all(h and h.strip() for h in listed.values()), (prog, listed)
                continue
            assert action.help and action.help.strip(), (prog, action.option_strings)


def test_subcommand_help_shows_its_description(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["badges", "--help"]) == 0
    out = capsys.readouterr().out
    assert "Compute every partner's badges on one day" in " ".join(out.split())
    assert "a summary for people (default) or the JSON document" in " ".join(out.split())
