"""Program contacts and the notices settings: checked as real addresses, and never published."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.load import load_folder
from tests.conftest import ROOT, MakeFolder
from tests.site.helpers import Build, built

MINIMAL = (ROOT / "tests" / "fixtures" / "valid" / "minimal.yml").read_text(encoding="utf-8")


def test_program_contacts_must_be_e_mail_addresses(partner_folder: MakeFolder) -> None:
    text = MINIMAL + (
        "program_contacts:\n"
        "  partner:\n"
        "    - alliances@minimal.example\n"
        "    - not-an-address\n"
        "    - Alliances@Minimal.example\n"
        "  cam: jo@@vendor.example\n"
    )
    result = load_folder(partner_folder(**{"minimal.yml": text}))
    assert [d.format() for d in result.diagnostics] == [
        "partners/minimal.yml:11:7: error: 'not-an-address' is not an e-mail address: An email "
        "address must have an @-sign. [program-contact]",
        "partners/minimal.yml:12:7: error: program contact 'Alliances@Minimal.example' is "
        "listed twice [duplicate-value]",
        "partners/minimal.yml:13:8: error: 'jo@@vendor.example' is not an e-mail address: The "
        "part after the @-sign contains invalid characters: '@'. [program-contact]",
    ]


def test_program_contacts_have_a_fixed_shape(partner_folder: MakeFolder) -> None:
    text = MINIMAL + "program_contacts: {partners: [a@minimal.example]}\n"
    result = load_folder(partner_folder(**{"minimal.yml": text}))
    assert [d.format() for d in result.diagnostics] == [
        "partners/minimal.yml:8:20: error: unknown key 'partners'; did you mean 'partner'? "
        "[unknown-key]",
    ]


def test_notices_settings_are_checked(partner_folder: MakeFolder) -> None:
    folder = partner_folder(**{"minimal.yml": MINIMAL})
    program = folder / "program.yml"
    text = program.read_text(encoding="utf-8")
    text = text.replace("  team: channel-team@vendor.example", "  team: channel team")
    text = text.replace("  message_id_domain: partners.vendor.example",
                        "  message_id_domain: partners..example")
    text = text.replace("  site_url: https://partners.vendor.example/",
                        "  site_url: ftp://partners.vendor.example/")
    program.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    team = next(i for i, line in enumerate(lines) if line.startswith("  team:")) + 1
    result = load_folder(folder)
    assert [d.format() for d in result.diagnostics if d.severity == "error"] == [
        f"partners/program.yml:{team}:9: error: 'channel team' is not an e-mail address: An "
        "email address must have an @-sign. [email]",
        f"partners/program.yml:{team + 1}:22: error: 'partners..example' is not a domain name "
        "such as partners.example.com [domain]",
        f"partners/program.yml:{team + 2}:13: error: 'ftp://partners.vendor.example/' must be "
        "an http:// or https:// URL [url]",
    ]


def contact_addresses() -> list[str]:
    result = load_folder(ROOT / "partners")
    found = []
    for partner in result.partners:
        if partner.program_contacts is not None:
            found += list(partner.program_contacts.partner)
            if partner.program_contacts.cam:
                found.append(partner.program_contacts.cam)
    return sorted(set(found))


@pytest.fixture(scope="module")
def contacts_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return built(tmp_path_factory.mktemp("contacts-site"), directory_urls=True)


@pytest.mark.slow
def test_no_contact_reaches_the_built_site_or_the_open_data(contacts_site: Build) -> None:
    assert contacts_site.returncode == 0, contacts_site.output
    addresses = contact_addresses()
    assert len(addresses) >= 10
    files = [p for p in contacts_site.site.rglob("*") if p.is_file()]
    assert len(files) > 50
    api = json.loads((contacts_site.site / "api" / "partners.json").read_text(encoding="utf-8"))
    assert "program_contacts" not in json.dumps(api)
    for path in files:
        data = path.read_bytes()
        for address in addresses:
            assert address.encode() not in data, f"{address} in {path}"


def test_no_contact_reaches_the_diff_report(tmp_path: Path) -> None:
    base = tmp_path / "base"
    shutil.copytree(ROOT / "partners", base)
    for path in base.glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        if "program_contacts:" in text:
            start = text.index("program_contacts:")
            end = text.index("tracks:", start)
            path.write_text(text[:start] + text[end:], encoding="utf-8")
    for fmt in ("markdown", "json", "html"):
        done = subprocess.run(
            [sys.executable, "-m", "generator", "diff", "--partners", str(ROOT / "partners"),
             "--base-dir", str(base), "--as-of", "2026-11-28", "--format", fmt],
            capture_output=True, text=True, check=False,
        )
        assert done.returncode == 0, done.stderr
        for address in contact_addresses():
            assert address not in done.stdout
        assert "program_contacts" not in done.stdout
