"""The editor schema (schema/partner.schema.json) and ``validate`` give the same verdict.

Each case is a small partner file: the base file below with one line replaced or added. Both
sides read the same bytes; ``validate`` through ``load_partner``, the schema through the
project's YAML reader (YAML 1.2, as editors read it) and ``jsonschema`` with format checks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]  # no stubs installed

from generator.checks import ProgramIds
from generator.load import load_folder, load_partner
from generator.model import Program
from generator.source import parse_yaml

ROOT = Path(__file__).resolve().parents[1]

BASE = {
    "name": "name: Agreement Partner",
    "website": "website: https://agreement.example",
    "summary": "summary: A partner that both checks accept.",
    "headquarters": "headquarters: {country: DE, city: Berlin}",
    "languages": "languages: [de, en]",
    "industries": "industries: [technology]",
    "services": "services: [assessment, migration]",
    "contact": "contact: {email: hello@agreement.example, phone: '+49 30 1234'}",
    "tracks": "tracks:\n  - {tier: open, from: 2020-01-01}",
}

#: (what the case shows, the lines it changes, whether the file is valid).
CASES: list[tuple[str, dict[str, str | None], bool]] = [
    ("the base file", {}, True),
    ("an upper-case scheme", {"website": "website: HTTPS://Agreement.example/path?q=1"}, True),
    ("plain http", {"website": "website: http://agreement.example"}, True),
    ("an ftp website", {"website": "website: ftp://agreement.example"}, False),
    ("a website without a scheme", {"website": "website: agreement.example"}, False),
    ("a website with a space", {"website": "website: https://agree ment.example"}, False),
    ("a website with a password", {"website": "website: https://me:pw@agreement.example"},
     False),
    ("a host without a dot", {"website": "website: https://localhost/"}, False),
    ("a javascript: website", {"website": "website: 'javascript:alert(1)'"}, False),
    ("country ZZ", {"headquarters": "headquarters: {country: ZZ, city: Berlin}"}, False),
    ("a lower-case country", {"headquarters": "headquarters: {country: de, city: Berlin}"},
     False),
    ("an unknown office country",
     {"locations": "locations:\n  - {country: XK1, city: Pristina}"}, False),
    ("language xx", {"languages": "languages: [de, xx]"}, False),
    ("an upper-case language", {"languages": "languages: [DE]"}, False),
    ("a repeated language", {"languages": "languages: [de, de]"}, False),
    ("a repeated service", {"services": "services: [migration, migration]"}, False),
    ("a repeated industry", {"industries": "industries: [technology, technology]"}, False),
    ("an unknown service", {"services": "services: [astrology]"}, False),
    ("no services", {"services": "services: []"}, False),
    ("an e-mail without @", {"contact": "contact: {email: hello.agreement.example}"}, False),
    ("an e-mail without a domain dot", {"contact": "contact: {email: hello@agreement}"}, False),
    ("an e-mail with a plus", {"contact": "contact: {email: a+b@agreement.example}"}, True),
    ("no contact at all", {"contact": None}, True),
    ("a missing name", {"name": None}, False),
    ("a missing website", {"website": None}, False),
    ("a missing tracks list", {"tracks": None}, False),
    ("an empty name", {"name": "name: ''"}, False),
    ("a name of invisible characters", {"name": "name: \"\\u200b\\u200d\""}, False),
    ("a name of spaces", {"name": "name: '   '"}, False),
    ("a name of 121 characters", {"name": "name: " + "N" * 121}, False),
    ("a name of 120 characters", {"name": "name: " + "N" * 120}, True),
    ("a summary of 601 characters", {"summary": "summary: " + "s" * 601}, False),
    ("a phone of 41 characters", {"contact": "contact: {phone: '" + "1" * 41 + "'}"}, False),
    ("an unknown key", {"extra": "colour: blue"}, False),
    ("a slug key", {"extra": "slug: other-partner"}, False),
    ("an impossible date", {"tracks": "tracks:\n  - {tier: open, from: 2024-13-01}"}, False),
    ("an unknown tier", {"tracks": "tracks:\n  - {tier: gold, from: 2020-01-01}"}, False),
    ("a logo in another folder", {"extra": "logo: ../agreement-partner.svg"}, False),
    ("a logo of another type", {"extra": "logo: agreement-partner.gif"}, False),
    ("a survey score of 6",
     {"extra": "trainings:\n  - {course: gitlab-ci-cd, delivered: 2025-03-14, scores: [6]}"},
     False),
]


def document(changes: dict[str, str | None]) -> bytes:
    lines = {**BASE}
    for key, line in changes.items():
        if line is None:
            lines.pop(key, None)
        else:
            lines[key] = line
    return ("\n".join(lines.values()) + "\n").encode()


@pytest.fixture(scope="module")
def program() -> Program:
    result = load_folder(ROOT / "partners")
    assert result.program is not None
    return result.program


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema: dict[str, Any] = json.loads(
        (ROOT / "schema" / "partner.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_validate_and_the_schema_agree(case: tuple[str, dict[str, str | None], bool],
                                       program: Program, validator: Draft202012Validator,
                                       tmp_path: Path) -> None:
    shows, changes, valid = case
    raw = document(changes)
    path = tmp_path / "agreement-partner.yml"
    path.write_bytes(raw)
    partner, diagnostics = load_partner(path, ProgramIds.of(program))
    by_validate = partner is not None
    parsed, problems = parse_yaml(str(path), raw)
    assert parsed is not None and not problems, shows
    schema_errors = [e.message for e in validator.iter_errors(parsed.data)]
    assert by_validate == valid, (shows, [d.message for d in diagnostics])
    assert (not schema_errors) == valid, (shows, schema_errors)
