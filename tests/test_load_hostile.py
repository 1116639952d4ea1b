"""Hostile partner data: every input is accepted or gets a located error, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import time
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from generator import checks
from generator.cli import main
from generator.diagnostics import Diagnostic
from generator.load import load_folder, load_partner
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


# --- control characters and line breaks -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ('"Acme\\e[2K"', "1:7: error: 'name' holds the control character U+001B; remove it "
         "[control-character]"),
        ('"Acme\\0"', "1:7: error: 'name' holds the control character U+0000; remove it "
         "[control-character]"),
        ('"Acme\\u0001"', "1:7: error: 'name' holds the control character U+0001; remove it "
         "[control-character]"),
        ('"Acme\\x7f"', "1:7: error: 'name' holds the control character U+007F; remove it "
         "[control-character]"),
        ('"Acme\\x9b2K"', "1:7: error: 'name' holds the control character U+009B; remove it "
         "[control-character]"),
        ('"Acme\\tGmbH"', "1:7: error: 'name' holds the control character U+0009; remove it "
         "[control-character]"),
        ('"Acme \\u202eHbmG"', "1:7: error: 'name' holds the bidirectional control U+202E; "
         "remove it [control-character]"),
        ('"Acme \\u2066GmbH"', "1:7: error: 'name' holds the bidirectional control U+2066; "
         "remove it [control-character]"),
        ('"Acme\\nGmbH"', "1:7: error: 'name' must be one line; remove the line break (U+000A) "
         "[line-break]"),
        ('"Acme\\rGmbH"', "1:7: error: 'name' must be one line; remove the line break (U+000D) "
         "[line-break]"),
        ('"Acme\\NGmbH"', "1:7: error: 'name' must be one line; remove the line break (U+0085) "
         "[line-break]"),
        ('"Acme\\LGmbH"', "1:7: error: 'name' must be one line; remove the line break (U+2028) "
         "[line-break]"),
        ('"Acme\\PGmbH"', "1:7: error: 'name' must be one line; remove the line break (U+2029) "
         "[line-break]"),
        ("|\n  Acme\n  GmbH", "1:7: error: 'name' must be one line; remove the line break "
         "(U+000A) [line-break]"),
        ("Acme \u202eHbmG", "1:7: error: 'name' holds the bidirectional control U+202E; "
         "remove it [control-character]"),
        ('"Acme\\U0010FFFF"', "1:7: error: 'name' holds the noncharacter U+10FFFF; remove it "
         "[control-character]"),
        ('"Acme\\uFDD0"', "1:7: error: 'name' holds the noncharacter U+FDD0; remove it "
         "[control-character]"),
        ('"Acme\\uFEFFGmbH"', "1:7: error: 'name' holds the byte order mark U+FEFF; remove it "
         "[control-character]"),
    ],
    ids=["esc", "nul", "u0001", "del", "c1-csi", "tab", "bidi-override", "bidi-isolate",
         "newline", "carriage-return", "nel", "line-separator", "paragraph-separator",
         "literal-block", "raw-bidi-override", "last-noncharacter", "noncharacter-block",
         "byte-order-mark"],
)
def test_a_name_with_a_control_character_or_line_break_is_located(
    partner_folder: MakeFolder, name: str, expected: str
) -> None:
    text = _with(**{"name: Minimal Partner": f"name: {name}"})
    assert _only(partner_folder(**{"ctl.yml": text})) == [f"partners/ctl.yml:{expected}"]


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"])
def test_a_raw_unusual_line_break_is_located_where_an_editor_shows_it(
    partner_folder: MakeFolder, char: str
) -> None:
    text = _with(**{"summary: A small partner": f'summary: "A small{char} partner'})
    text = text.replace("one service.", 'one service."')
    assert _only(partner_folder(**{"raw.yml": text})) == [
        f"partners/raw.yml:3:18: error: character U+{ord(char):04X} is an unusual line break; "
        "use a plain line feed [line-break]"
    ]


def test_every_value_and_key_is_checked_and_a_summary_may_break_lines(
    partner_folder: MakeFolder,
) -> None:
    text = (
        'name: Control Partner\nwebsite: https://control.example\n'
        'summary: "First line.\\nSecond line.\\LThird."\n'
        'headquarters: {country: DE, city: "Ber\\0lin"}\n'
        'services: [assessment, "\\u202eevil"]\n'
        '"bad\\ekey": 1\n'
        "tracks:\n  - {tier: open, from: 2020-01-01}\n"
        "people:\n  - id: \"p\\x01\"\n    employed: {from: 2020-01-01}\n"
        'noncompliance:\n  - {from: 2023-01-10, to: 2023-02-20, reason: "late\\nplan"}\n'
    )
    assert _only(partner_folder(**{"control.yml": text})) == [
        "partners/control.yml:3:10: error: 'summary' breaks a line with U+2028; use a plain "
        "line break [line-break]",
        "partners/control.yml:4:35: error: 'city' holds the control character U+0000; remove it "
        "[control-character]",
        "partners/control.yml:5:24: error: 'services' item 2 holds the bidirectional control "
        "U+202E; remove it [control-character]",
        "partners/control.yml:5:24: error: unknown service '\\u202eevil' (known: assessment, "
        "education, implementation, integration, managed-services, migration, optimization, "
        "security-compliance) [unknown-id]",
        "partners/control.yml:6:1: error: key 'bad\\x1bkey' holds the control character U+001B; "
        "remove it [control-character]",
        "partners/control.yml:6:1: error: unknown key 'bad\\x1bkey' [unknown-key]",
        "partners/control.yml:10:9: error: 'id' holds the control character U+0001; remove it "
        "[control-character]",
        "partners/control.yml:13:48: error: 'reason' must be one line; remove the line break "
        "(U+000A) [line-break]",
    ]


def test_a_summary_written_as_a_block_is_accepted(partner_folder: MakeFolder) -> None:
    text = _with(**{"summary: A small partner with one office and one service.":
                    "summary: |\n  A small partner.\n\n  With two paragraphs."})
    assert _only(partner_folder(**{"block.yml": text})) == []


def test_program_text_is_checked_too(partner_folder: MakeFolder) -> None:
    folder = partner_folder()
    assert "  - {id: retail, name: Retail}" in SHIPPED_PROGRAM
    (folder / "program.yml").write_text(SHIPPED_PROGRAM.replace(
        "  - {id: retail, name: Retail}", '  - {id: retail, name: "Retail\\e]8;;"}', 1))
    assert _only(folder) == [
        "partners/program.yml:83:24: error: 'name' holds the control character U+001B; "
        "remove it [control-character]",
    ]


HOSTILE = (
    'name: "\\e[2K\\e[1A\\rAll good"\nwebsite: https://x.example\nsummary: ok\n'
    'headquarters: {country: DE, city: Berlin}\nservices: ["\\0", "\\ud7ff\\ufffe"]\n'
    '"\\x1b]0;title\\x07": 1\n"\\u0085\\u2028": 2\ntracks: [{tier: "\\u0001", from: 2020-01-01}]\n'
)
RAW_UNSAFE = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))] + [
    "\u2028", "\u2029", "\u202e", "\u2066", "\ufffe", "\uffff"
]


@pytest.mark.parametrize("fmt", ["text", "json", "codequality", "junit"])
def test_no_report_carries_a_raw_control_character(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    folder = partner_folder(**{"hostile.yml": HOSTILE, "x\x1b[2K\u202e.yml": HOSTILE})
    assert main(["validate", "--format", fmt]) == 1
    out = capsys.readouterr().out
    allowed = {"\n"}
    assert [c for c in out if c in RAW_UNSAFE and c not in allowed] == []
    shown = "partners/x\\x1b[2K\\u202e.yml"
    if fmt == "json":
        assert shown in {d["path"] for d in json.loads(out)["diagnostics"]}
    elif fmt == "codequality":
        assert shown in {d["location"]["path"] for d in json.loads(out)}
    else:
        assert f"{shown}:1:1: error: slug 'x\\x1b[2K\\u202e' may only use" in out
    if fmt == "junit":
        suite = ET.fromstring(out).find("testsuite")
        assert suite is not None
        assert {case.get("name") for case in suite} == {
            "partners/program.yml", "partners/hostile.yml", "partners/x\\x1b[2K\\u202e.yml"
        }
        assert suite.get("failures") == "2"
    assert folder.is_dir()


def test_junit_lists_a_warning_without_failing_the_case(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = partner_folder(FIXTURES / "valid" / "minimal.yml")
    (folder / "program.yml").write_text(SHIPPED_PROGRAM.replace("CZ, DE, DJ", "CZ, DJ", 1))
    assert main(["validate", "--format", "junit"]) == 0
    suite = ET.fromstring(capsys.readouterr().out).find("testsuite")
    assert suite is not None and suite.get("failures") == "0"
    (program_case,) = [c for c in suite if c.get("name") == "partners/program.yml"]
    assert program_case.find("failure") is None
    out = program_case.find("system-out")
    assert out is not None and out.text == (
        "partners/program.yml:23:1: warning: 1 ISO country belongs to no region: DE; partners "
        "there are shown without a region [region-missing]"
    )


# --- linear time -----------------------------------------------------------------------------


def test_a_file_of_nothing_but_unknown_keys_is_checked_in_linear_time(
    partner_folder: MakeFolder,
) -> None:
    """256 KiB of short unknown keys: every one located, in seconds rather than minutes."""
    lines = [f"k{i:x}: 1\n" for i in range(40_000)]
    text, total = [], 0
    for line in lines:
        if total + len(line) > 256 * 1024:
            break
        text.append(line)
        total += len(line)
    folder = partner_folder(**{"keys.yml": "".join(text)})
    started = time.process_time()
    found = _only(folder)
    elapsed = time.process_time() - started
    assert len(found) == len(text) + 6  # every key, and the six required keys missing
    assert found[0] == "partners/keys.yml:1:1: error: missing required key 'headquarters' " \
        "[missing-key]"
    assert found[-1] == (
        f"partners/keys.yml:{len(text)}:1: error: unknown key 'k{len(text) - 1:x}' [unknown-key]"
    )
    assert elapsed < 20, f"{elapsed:.1f} s"


# --- nothing in partners/ is skipped in silence -----------------------------------------------

SUBFOLDER = (
    "error: a folder inside the partners folder: nothing in it is read; partner files and logos "
    "sit directly in the partners folder [subfolder]"
)
LINK = "error: a symbolic link, not a file: put the file itself in the folder [symlink]"


def test_a_subfolder_is_reported_even_when_it_holds_partner_files(
    partner_folder: MakeFolder,
) -> None:
    folder = partner_folder(FIXTURES / "valid" / "minimal.yml")
    (folder / "more").mkdir()
    (folder / "more" / "hidden.yml").write_text(MINIMAL_TEXT)
    (folder / "x.yml").mkdir()
    assert _only(folder) == [f"partners/more:1:1: {SUBFOLDER}", f"partners/x.yml:1:1: {SUBFOLDER}"]


def test_links_are_reported_and_never_followed(
    partner_folder: MakeFolder, tmp_path: Path
) -> None:
    folder = partner_folder(FIXTURES / "valid" / "minimal.yml")
    outside = tmp_path / "outside.yml"
    outside.write_text(MINIMAL_TEXT.replace("Minimal Partner", "Outside Partner"))
    (tmp_path / "elsewhere").mkdir()
    (folder / "to-file.yml").symlink_to(outside)
    (folder / "to-sibling.yml").symlink_to("minimal.yml")
    (folder / "to-folder.yml").symlink_to(tmp_path / "elsewhere")
    (folder / "dangling.yaml").symlink_to(tmp_path / "missing.yml")
    (folder / "notes.txt").symlink_to(outside)
    result = load_folder(folder)
    assert [d.format() for d in result.diagnostics] == [
        f"partners/dangling.yaml:1:1: {LINK}",
        f"partners/notes.txt:1:1: {LINK}",
        f"partners/to-file.yml:1:1: {LINK}",
        f"partners/to-folder.yml:1:1: {LINK}",
        f"partners/to-sibling.yml:1:1: {LINK}",
    ]
    assert [p.slug for p in result.partners] == ["minimal"]


def test_named_pipes_devices_and_sockets_are_reported_without_blocking(
    partner_folder: MakeFolder,
) -> None:
    folder = partner_folder(FIXTURES / "valid" / "minimal.yml")
    os.mkfifo(folder / "pipe.yml")
    os.mknod(folder / "device.yml", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(folder / "socket.png"))
        found = _only(folder)
    assert found == [
        "partners/device.yml:1:1: error: a character device, not a file: nothing in it is read; "
        "remove it [special-file]",
        "partners/pipe.yml:1:1: error: a named pipe, not a file: nothing in it is read; "
        "remove it [special-file]",
        "partners/socket.png:1:1: error: a socket, not a file: nothing in it is read; "
        "remove it [special-file]",
    ]


def test_a_partner_file_is_opened_without_following_a_link_or_waiting_on_a_pipe(
    partner_folder: MakeFolder, tmp_path: Path
) -> None:
    """What the folder scan saw may change before the file is opened: the open checks again."""
    folder = partner_folder()
    (tmp_path / "target.yml").write_text(MINIMAL_TEXT)
    (folder / "swapped.yml").symlink_to(tmp_path / "target.yml")
    os.mkfifo(folder / "fifo.yml")
    assert load_partner(folder / "swapped.yml", None) == (
        None, [Diagnostic("partners/swapped.yml", 1, 1, "symlink", LINK[7:-10])]
    )
    partner, found = load_partner(folder / "fifo.yml", None)
    assert partner is None
    assert [d.format() for d in found] == [
        "partners/fifo.yml:1:1: error: a named pipe, not a file: nothing in it is read; "
        "remove it [special-file]"
    ]


def test_an_oversized_file_is_refused_from_its_size_before_it_is_read(
    partner_folder: MakeFolder, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = partner_folder(**{"huge.yml": "name: x\n" + "#" * 400_000 + "\n"})
    reads: list[int] = []
    real_read = os.read

    def counting_read(descriptor: int, size: int) -> bytes:
        data = real_read(descriptor, size)
        reads.append(len(data))
        return data

    monkeypatch.setattr(os, "read", counting_read)
    assert _only(folder) == [
        "partners/huge.yml:1:1: error: file is 400,009 bytes; the limit is 262,144 bytes "
        "[file-too-large]"
    ]
    assert sum(reads) == (ROOT / "partners" / "program.yml").stat().st_size  # program.yml only


@pytest.mark.parametrize("kind", ["link", "folder", "pipe"])
def test_a_program_file_that_is_not_a_file_is_reported(
    partner_folder: MakeFolder, kind: str, tmp_path: Path
) -> None:
    folder = partner_folder(FIXTURES / "valid" / "minimal.yml")
    program = folder / "program.yml"
    program.rename(tmp_path / "real-program.yml")
    reason = {"link": "it is a symbolic link", "folder": "it is a folder",
              "pipe": "it is a named pipe"}[kind]
    if kind == "link":
        program.symlink_to(tmp_path / "real-program.yml")
    elif kind == "folder":
        program.mkdir()
    else:
        os.mkfifo(program)
    assert _only(folder)[0] == (
        f"partners/program.yml:1:1: error: the program definition cannot be read ({reason}) "
        "[missing-file]"
    )


def test_worker_processes_give_the_same_diagnostics_and_partners(
    partner_folder: MakeFolder, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = partner_folder(
        FIXTURES / "valid" / "minimal.yml", FIXTURES / "invalid" / "date-range.yml",
        **{"copy.yml": MINIMAL_TEXT.replace("Minimal Partner", "MINIMAL partner"),
           "broken.yml": MINIMAL_TEXT.replace("Minimal Partner", "Date Range  Partner")
           .replace("tier: open", "tier: gold")},
    )
    serial = load_folder(folder)
    monkeypatch.setattr("generator.load.PARALLEL_THRESHOLD", 2)
    parallel = load_folder(folder)
    assert parallel == serial
    assert [p.slug for p in parallel.partners] == ["copy"]
    assert [d.format() for d in parallel.diagnostics if d.code == "duplicate-name"] == [
        "partners/date-range.yml:13:7: error: name 'Date Range Partner' is also used by "
        "partners/broken.yml [duplicate-name]",
        "partners/minimal.yml:1:7: error: name 'Minimal Partner' is also used by "
        "partners/copy.yml [duplicate-name]",
    ]
