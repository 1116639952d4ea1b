"""``diff``: every kind of change, on both sides of each badge boundary, in the exact words shown.

The base folder is ``fixtures/base``: Acme holds PSP (granted 2025-06-10, reviewed every June,
three certified PSEs, Time-to-Value met) and Nova holds nothing (two PSEs, one short). Each test
edits a copy of it (the head) and compares the two on one as-of day.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cli import main

BASE = Path(__file__).resolve().parent / "fixtures" / "base"
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8">'
    '<rect width="8" height="8"/></svg>\n'
)
PSE_LEAVES = (
    "  - id: p-003\n    employed: {from: 2020-01-01}",
    "  - id: p-003\n    employed: {from: 2020-01-01, to: 2026-10-31}",
)
NEW_PSE = (
    "engagements:",
    "  - id: p-004\n    employed: {from: 2027-01-01}\n    certifications:\n"
    "      - {type: pse, earned: 2027-07-01}\nengagements:",
)
NOVA_THIRD_PSE = (
    "engagements:",
    "  - id: n-3\n    employed: {from: 2022-01-01}\n    certifications:\n"
    "      - {type: pse, earned: 2026-09-01}\nengagements:",
)


@dataclass
class Sides:
    """A base and a head folder under a temporary working folder."""

    root: Path
    capsys: pytest.CaptureFixture[str]

    def edit(self, name: str, old: str, new: str, side: str = "head") -> None:
        path = self.root / side / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def write(self, name: str, text: str, side: str = "head") -> None:
        (self.root / side / name).write_text(text, encoding="utf-8")

    def delete(self, name: str) -> None:
        (self.root / "head" / name).unlink()

    def run(self, *args: str) -> tuple[int, str]:
        self.capsys.readouterr()
        status = main(["diff", "--base-dir", "base", "--partners", "head", *args])
        captured = self.capsys.readouterr()
        return status, captured.out

    def markdown(self, as_of: str, *args: str) -> str:
        status, out = self.run("--as-of", as_of, *args)
        assert status == 0, out
        return out


@pytest.fixture
def sides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Sides]:
    shutil.copytree(BASE, tmp_path / "base")
    shutil.copytree(BASE, tmp_path / "head")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    yield Sides(tmp_path, capsys)


def report(as_of: str, *sections: str) -> str:
    body = "\n".join(sections)
    return f"## Partner data changes as of {as_of}\n\n{body}"


ACME = "**`Acme DevOps GmbH`** (`acme-devops`)"
NOVA = "**`Nova Consulting`** (`nova-consulting`)"


# --- nothing --------------------------------------------------------------------------------


def test_nothing_changes(sides: Sides) -> None:
    assert sides.markdown("2026-11-28") == report(
        "2026-11-28", "No changes: no partner, badge, profile, program or validation change.\n"
    )


def test_a_private_change_is_named_but_shows_nothing(sides: Sides) -> None:
    sides.edit("acme-devops.yml", "  - id: p-001", "  - id: p-100")
    assert sides.markdown("2026-11-28") == report(
        "2026-11-28", "Changed with nothing the public sees: `acme-devops`.\n"
    )


# --- granted --------------------------------------------------------------------------------


def test_granted_the_day_the_third_pse_certifies(sides: Sides) -> None:
    sides.edit("nova-consulting.yml", *NOVA_THIRD_PSE)
    assert sides.markdown("2026-09-01") == report(
        "2026-09-01",
        "### Badges (1)\n",
        f"- {NOVA}: `PSP` granted on 2026-09-01. "
        "Reason: `granted: all requirements met; reviewed each September`.\n",
        "### Notices this change causes in the next 90 days (1)\n",
        f"- {NOVA} is awarded `PSP` on 1 September 2026 (`award` notice)\n",
        "### Profile changes (1)\n",
        f"- {NOVA}:",
        "  - `certified Professional Services Engineer` `2` → `3`\n",
    )


def test_not_granted_the_day_before(sides: Sides) -> None:
    sides.edit("nova-consulting.yml", *NOVA_THIRD_PSE)
    # Nothing moves yet, but the notice the change will cause is already visible.
    assert sides.markdown("2026-08-31") == report(
        "2026-08-31",
        "### Notices this change causes in the next 90 days (1)\n",
        f"- {NOVA} is awarded `PSP` on 1 September 2026 (`award` notice)\n",
        "Changed with nothing the public sees: `nova-consulting`.\n",
    )


# --- at risk, grace, lapsed, back to active --------------------------------------------------


def test_still_active_the_last_day_with_three_pses(sides: Sides) -> None:
    sides.edit("acme-devops.yml", *PSE_LEAVES)
    assert sides.markdown("2026-10-31") == report(
        "2026-10-31", "Changed with nothing the public sees: `acme-devops`.\n"
    )


def test_at_risk_the_day_after_a_pse_leaves(sides: Sides) -> None:
    sides.edit("acme-devops.yml", *PSE_LEAVES)
    assert sides.markdown("2026-11-01") == report(
        "2026-11-01",
        "### Badges (1)\n",
        f"- {ACME}: `PSP` at risk: active but not eligible today (next review 2027-06-01). "
        "Unmet: certified.\n",
        "### Profile changes (1)\n",
        f"- {ACME}:",
        "  - `certified Professional Services Engineer` `3` → `2`\n",
    )


def test_still_at_risk_the_day_before_the_review(sides: Sides) -> None:
    sides.edit("acme-devops.yml", *PSE_LEAVES)
    out = sides.markdown("2027-05-31")
    assert "`PSP` at risk: active but not eligible today (next review 2027-06-01)" in out


def test_grace_from_the_review_day(sides: Sides) -> None:
    sides.edit("acme-devops.yml", *PSE_LEAVES)
    assert sides.markdown("2027-06-01") == report(
        "2027-06-01",
        "### Badges (1)\n",
        f"- {ACME}: `PSP` in grace until 2027-08-31 (was active). "
        "Reason: `review 2027-06-01: not eligible (2 of 3 required certified "
        "Professional Services Engineers); grace until 2027-08-31`. "
        "Unmet: certified.\n",
        "### Notices this change causes in the next 90 days (2)\n",
        f"- {ACME} has `PSP` go into grace on 1 June 2027 (`grace` notice)\n"
        f"- {ACME} no longer keeps `PSP` at its review on 1 June 2027 (`review-kept` notice)\n",
        "### Profile changes (1)\n",
        f"- {ACME}:",
        "  - `certified Professional Services Engineer` `3` → `2`\n",
    )


def test_still_in_grace_on_its_last_day(sides: Sides) -> None:
    sides.edit("acme-devops.yml", *PSE_LEAVES)
    out = sides.markdown("2027-08-31")
    assert "`PSP` in grace until 2027-08-31 (was active)" in out


def test_lapsed_the_day_after_grace(sides: Sides) -> None:
    sides.edit("acme-devops.yml", *PSE_LEAVES)
    assert sides.markdown("2027-09-01") == report(
        "2027-09-01",
        "### Badges (1)\n",
        f"- {ACME}: `PSP` lapsed on 2027-09-01 (was active). "
        "Reason: `grace ended 2027-08-31 without meeting the requirements (2 of 3 "
        "required certified Professional Services Engineers)`. "
        "Unmet: certified.\n",
        "### Notices this change causes in the next 90 days (1)\n",
        f"- {ACME} loses `PSP` on 1 September 2027 (`lapsed` notice)\n",
        "### Profile changes (1)\n",
        f"- {ACME}:",
        "  - `certified Professional Services Engineer` `3` → `2`\n",
    )


def test_lapsed_at_once_when_leaving_the_program(sides: Sides) -> None:
    sides.edit(
        "acme-devops.yml", "  - {tier: select, from: 2020-01-01}",
        "  - {tier: select, from: 2020-01-01, to: 2026-11-15}",
    )
    # The day before: "this change makes Acme lose PSP on 16 November".
    assert sides.markdown("2026-11-15") == report(
        "2026-11-15",
        "### Notices this change causes in the next 90 days (1)\n",
        f"- {ACME} loses `PSP` on 16 November 2026 (`lapsed` notice)\n",
        "Changed with nothing the public sees: `acme-devops`.\n",
    )
    assert sides.markdown("2026-11-16") == report(
        "2026-11-16",
        "### Badges (1)\n",
        f"- {ACME}: `PSP` lapsed on 2026-11-16 (was active). "
        "Reason: `left the program: no tier track`. Unmet: tier.\n",
        "### Notices this change causes in the next 90 days (1)\n",
        f"- {ACME} loses `PSP` on 16 November 2026 (`lapsed` notice)\n",
        "### Profile changes (1)\n",
        f"- {ACME}:",
        "  - `tier` `Select` → none\n",
    )


def test_back_to_active_when_a_pse_joins_during_grace(sides: Sides) -> None:
    for side in ("base", "head"):
        sides.edit("acme-devops.yml", *PSE_LEAVES, side=side)
    sides.edit("acme-devops.yml", *NEW_PSE)
    assert sides.markdown("2027-06-30") == report(
        "2027-06-30",
        "### Notices this change causes in the next 90 days (2)\n",
        f"- {ACME} has `PSP` restored on 1 July 2027 (`restored` notice)\n"
        f"- {ACME} no longer loses `PSP` on 1 September 2027 (`lapsed` notice)\n",
        "Changed with nothing the public sees: `acme-devops`.\n",
    )
    assert sides.markdown("2027-07-01") == report(
        "2027-07-01",
        "### Badges (1)\n",
        f"- {ACME}: `PSP` back to active on 2027-07-01 (was in grace). "
        "Reason: `eligible again during grace: all requirements met`.\n",
        "### Notices this change causes in the next 90 days (2)\n",
        f"- {ACME} has `PSP` restored on 1 July 2027 (`restored` notice)\n"
        f"- {ACME} no longer loses `PSP` on 1 September 2027 (`lapsed` notice)\n",
        "### Profile changes (1)\n",
        f"- {ACME}:",
        "  - `certified Professional Services Engineer` `2` → `3`\n",
    )


def test_no_longer_granted_without_the_practice(sides: Sides) -> None:
    sides.edit("acme-devops.yml", "practices: [professional-services]\n", "")
    assert sides.markdown("2026-11-28") == report(
        "2026-11-28",
        "### Badges (1)\n",
        f"- {ACME}: `PSP` no longer granted (was active). Unmet: practice.\n",
    )


def test_noncompliance_puts_the_badge_at_risk_and_its_reason_stays_private(sides: Sides) -> None:
    sides.edit(
        "acme-devops.yml", "practices:",
        "noncompliance:\n  - {from: 2026-11-01, to: 2026-12-31, reason: unpaid invoices}\n"
        "practices:",
    )
    out = sides.markdown("2026-11-28")
    assert out == report(
        "2026-11-28",
        "### Badges (1)\n",
        f"- {ACME}: `PSP` at risk: active but not eligible today (next review 2027-06-01). "
        "Unmet: tier.\n",
    )
    assert "unpaid" not in out


def test_a_legacy_grant_moves_the_dates(sides: Sides) -> None:
    sides.edit("acme-devops.yml", "people:", "legacy_grants: {psp: 2025-03-15}\npeople:")
    assert sides.markdown("2026-11-28") == report(
        "2026-11-28",
        "### Badges (1)\n",
        f"- {ACME}: `PSP` active: granted 2025-06-10 → 2025-03-15, "
        "next review 2027-06-01 → 2027-03-01. "
        "Reason: `granted under earlier rules (legacy grant)`.\n",
        "### Notices this change causes in the next 90 days (1)\n",
        f"- {ACME} is asked for `PSP` review evidence on 1 February 2027 "
        "(`evidence-request` notice)\n",
    )


# --- partners added and removed --------------------------------------------------------------


def test_partners_added_and_removed(sides: Sides) -> None:
    acme = (BASE / "acme-devops.yml").read_text(encoding="utf-8")
    sides.write("zenith-labs.yml", acme.replace("Acme DevOps GmbH", "Zenith Labs"))
    sides.delete("nova-consulting.yml")
    assert sides.markdown("2026-11-28") == report(
        "2026-11-28",
        "### Partners added (1)\n",
        "- **`Zenith Labs`** (`zenith-labs`): tier `Select`; holds `PSP`\n",
        "### Partners removed (1)\n",
        f"- {NOVA}: tier `Open`; held no badge\n",
    )


# --- profiles ---------------------------------------------------------------------------------


def test_every_public_profile_field(sides: Sides) -> None:
    sides.write("acme-devops.svg", LOGO)
    sides.edit("acme-devops.yml", "name: Acme DevOps GmbH", "name: Acme DevOps AG")
    sides.edit("acme-devops.yml", "https://acme.example", "https://acme.example/en/")
    sides.edit("acme-devops.yml", "adopt CI/CD.", "adopt CI/CD and DevSecOps.")
    sides.edit(
        "acme-devops.yml", "headquarters: {country: DE, city: Berlin}",
        "logo: acme-devops.svg\nheadquarters: {country: DE, city: Munich}\n"
        "locations:\n  - {country: AT, city: Vienna}\nlanguages: [de, en]\n"
        "industries: [public-sector]\ncontact: {email: hello@acme.example}",
    )
    sides.edit("acme-devops.yml", "[assessment, migration]", "[migration, integration]")
    sides.edit(
        "acme-devops.yml", "  - {tier: select, from: 2020-01-01}",
        "  - {tier: select, from: 2020-01-01, to: 2026-10-31}\n"
        "  - {tier: distribution, from: 2026-11-01}",
    )
    out = sides.markdown("2026-11-28")
    assert out == report(
        "2026-11-28",
        "### Profile changes (1)\n",
        "- **`Acme DevOps AG`** (`acme-devops`):",
        "  - `name` `Acme DevOps GmbH` → `Acme DevOps AG`",
        "  - `tier` `Select` → `Distribution`",
        "  - `website` `https://acme.example` → `https://acme.example/en/`",
        "  - summary rewritten",
        "  - logo added",
        "  - `services`: added `Integration`; removed `Assessment`",
        "  - `headquarters` `Berlin, DE` → `Munich, DE`",
        "  - `offices`: added `Vienna, AT`",
        "  - `languages`: added `German`, `English`",
        "  - `industries`: added `Public sector`",
        "  - `email` none → `hello@acme.example`\n",
    )


def test_a_replaced_logo_file_is_a_profile_change(sides: Sides) -> None:
    for side in ("base", "head"):
        sides.write("acme-devops.svg", LOGO, side=side)
        sides.edit("acme-devops.yml", "headquarters:", "logo: acme-devops.svg\nheadquarters:",
                   side=side)
    sides.write("acme-devops.svg", LOGO.replace('width="8"', 'width="4"'))
    assert sides.markdown("2026-11-28") == report(
        "2026-11-28", "### Profile changes (1)\n", f"- {ACME}:", "  - logo replaced\n"
    )


# --- the program -----------------------------------------------------------------------------


def test_a_program_change_and_the_partners_it_moves(sides: Sides) -> None:
    sides.edit(
        "program.yml", "        certification: pse\n        at_least: 3",
        "        certification: pse\n        at_least: 4",
    )
    assert sides.markdown("2026-11-28") == report(
        "2026-11-28",
        "### Badges (1)\n",
        # The rules apply to the whole history: with 3 PSEs Acme never qualified under them.
        f"- {ACME}: `PSP` no longer granted (was active). Unmet: certified.\n",
        "### Program changes (1)\n",
        "- `badges.psp.requirements.certified.at_least`: `3` → `4`",
        "- The program change alone moves 1 badge of 1 partner:",
        f"  - {ACME}: `PSP` no longer granted (was active)\n",
    )


def test_a_program_change_that_moves_nothing(sides: Sides) -> None:
    sides.edit("program.yml", "    name: Managed services", "    name: Managed platform")
    assert sides.markdown("2026-11-28") == report(
        "2026-11-28",
        "### Program changes (1)\n",
        "- `services.managed-services.name`: `Managed services` → `Managed platform`",
        "- The program change alone moves no badge.\n",
    )


# --- validation errors -----------------------------------------------------------------------


def test_new_errors_fail_and_private_values_are_hidden(sides: Sides) -> None:
    sides.edit("acme-devops.yml", "website:", "webiste:")
    sides.edit("acme-devops.yml", "  - id: p-002", "  - id: p-001")
    status, out = sides.run("--as-of", "2026-11-28")
    assert status == 1
    assert out == report(
        "2026-11-28",
        "### New validation errors (3)\n",
        "- `head/acme-devops.yml:1:1`: `missing required key 'website'` [missing-key]",
        "- `head/acme-devops.yml:2:1`: `unknown key 'webiste'; did you mean 'website'?` "
        "[unknown-key]",
        "- `head/acme-devops.yml:14:9`: `person id '(private)' is used twice "
        "(first in people item 1)` [duplicate-id]\n",
        "### Not compared (1)\n",
        "- `acme-devops`: valid on one side only, so its badges were not compared\n",
    )
    assert "p-001" not in out


def test_errors_the_base_already_had_are_not_new(sides: Sides) -> None:
    for side in ("base", "head"):
        sides.edit("nova-consulting.yml", "website:", "webiste:", side=side)
    sides.edit("nova-consulting.yml", "Nova moves", "Nova moves whole")  # lines stay, text moves
    assert sides.markdown("2026-11-28") == report(
        "2026-11-28", "No changes: no partner, badge, profile, program or validation change.\n"
    )


def test_fixing_errors_is_counted(sides: Sides) -> None:
    sides.edit("nova-consulting.yml", "website:", "webiste:", side="base")
    assert sides.markdown("2026-11-28") == report(
        "2026-11-28",
        "### Not compared (1)\n",
        "- `nova-consulting`: valid on one side only, so its badges were not compared\n",
        "Fixes 2 validation errors.\n",
    )


# --- formats, links, git, usage ----------------------------------------------------------------


def test_links_to_the_preview(sides: Sides) -> None:
    sides.edit("acme-devops.yml", *PSE_LEAVES)
    out = sides.markdown("2026-11-01", "--preview-url", "https://example.gitlab.io/mr-7")
    assert "- [`Acme DevOps GmbH`](https://example.gitlab.io/mr-7/partners/acme-devops/) " in out
    template = "https://g.example.io/-/p/-/jobs/9/artifacts/public/partners/{slug}/index.html"
    out = sides.markdown("2026-11-01", "--preview-url", template)
    assert (
        "[`Acme DevOps GmbH`](https://g.example.io/-/p/-/jobs/9/artifacts/public/partners/"
        "acme-devops/index.html)" in out
    )


def test_markdown_escapes_names(sides: Sides) -> None:
    sides.edit("acme-devops.yml", "name: Acme DevOps GmbH", "name: Acme *Dev*_Ops_ [x](y) <b>")
    out = sides.markdown("2026-11-28")
    assert "- **`Acme *Dev*_Ops_ [x](y) <b>`** (`acme-devops`):" in out


def test_json_has_every_detail(sides: Sides) -> None:
    sides.edit("acme-devops.yml", *PSE_LEAVES)
    status, out = sides.run("--as-of", "2026-11-01", "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert data["as_of"] == "2026-11-01"
    assert data["changed"] is True
    assert data["badges"] == [
        {
            "slug": "acme-devops", "name": "Acme DevOps GmbH", "badge": "psp", "change": "at_risk",
            "date": None, "reason": None, "url": None,
            "before": {"status": "active", "granted": "2025-06-10", "next_review": "2027-06-01",
                       "grace_until": None, "at_risk": False, "unmet": []},
            "after": {"status": "active", "granted": "2025-06-10", "next_review": "2027-06-01",
                      "grace_until": None, "at_risk": True, "unmet": ["certified"]},
        }
    ]
    assert data["profiles"] == [
        {"slug": "acme-devops", "name": "Acme DevOps GmbH", "url": None, "changes": [
            {"field": "certified Professional Services Engineer", "before": "3", "after": "2",
             "added": [], "removed": []},
        ]}
    ]
    assert "p-003" not in out


def test_html_is_escaped_and_links_to_the_preview(sides: Sides) -> None:
    sides.edit("acme-devops.yml", "name: Acme DevOps GmbH", 'name: Acme <script>x("1")</script>')
    sides.edit("acme-devops.yml", *PSE_LEAVES)
    status, out = sides.run(
        "--as-of", "2026-11-01", "--format", "html", "--preview-url", "https://p.example/"
    )
    assert status == 0
    assert "<script>" not in out
    assert (
        '<a href="https://p.example/partners/acme-devops/">Acme &lt;script&gt;x(&#34;1&#34;)'
        "&lt;/script&gt;</a>" in out
    )
    assert "<title>Partner data changes as of 2026-11-01</title>" in out


def test_output_file_and_the_log(sides: Sides) -> None:
    sides.edit("acme-devops.yml", *PSE_LEAVES)
    status, out = sides.run("--as-of", "2026-11-01", "--format", "html", "--output", "r.html")
    assert status == 0
    assert out.startswith("## Partner data changes as of 2026-11-01\n")
    assert (sides.root / "r.html").read_text(encoding="utf-8").startswith("<!doctype html>")


def test_long_lists_are_cut_in_markdown_only(sides: Sides) -> None:
    acme = (BASE / "acme-devops.yml").read_text(encoding="utf-8")
    for index in range(53):
        sides.write(f"new-{index:02}.yml", acme.replace("Acme DevOps GmbH", f"New {index:02}"))
    out = sides.markdown("2026-11-28")
    assert "### Partners added (53)" in out
    assert "- **`New 49`** (`new-49`)" in out
    assert "New 50" not in out
    assert "- … and 3 more (the HTML and JSON reports list them all)\n" in out
    status, html = sides.run("--as-of", "2026-11-28", "--format", "html")
    assert status == 0
    assert "New 52" in html


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=m@example.com", "-c", "user.name=M", *args],
        cwd=cwd, check=True, capture_output=True,
    )


def test_base_from_git_without_a_checkout(sides: Sides) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = sides.root
    _git(repo, "init", "-q", "-b", "main")
    shutil.rmtree(repo / "head")
    shutil.copytree(repo / "base", repo / "partners")
    _git(repo, "add", "partners")
    _git(repo, "commit", "-q", "-m", "base")
    text = (repo / "partners" / "acme-devops.yml").read_text(encoding="utf-8")
    (repo / "partners" / "acme-devops.yml").write_text(text.replace(*PSE_LEAVES))
    sides.capsys.readouterr()
    assert main(["diff", "--base", "HEAD", "--as-of", "2026-11-01"]) == 0
    out = sides.capsys.readouterr().out
    assert out.startswith("## Partner data changes as of 2026-11-01\n\n### Badges (1)\n\n")
    assert "`PSP` at risk" in out

    assert main(["diff", "--base", "no-such-ref", "--as-of", "2026-11-01"]) == 2
    assert sides.capsys.readouterr().err == (
        "partner-locator: error: --base: 'no-such-ref' is not a commit in this repository\n"
    )


def test_usage_errors(sides: Sides) -> None:
    assert main(["diff", "--partners", "head"]) == 2
    assert "one of the arguments --base --base-dir is required" in sides.capsys.readouterr().err
    assert main(["diff", "--base-dir", "nowhere", "--partners", "head"]) == 2
    assert sides.capsys.readouterr().err == (
        "partner-locator: error: --base-dir: 'nowhere' is not a folder\n"
    )
    assert main(["diff", "--base-dir", "base", "--partners", "head", "--as-of", "28.11."]) == 2
