"""What each notice says, how it is addressed, and that the files are the same every run."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.notices.messages import Notice
from tests.badges.support import shipped_partners
from tests.conftest import ROOT
from tests.notices.conftest import parsed, text_of


def plain(notices: dict[str, Notice], file: str) -> str:
    """The text part, with line folds undone so sentences can be read whole."""
    return " ".join(text_of(parsed(notices[file].as_bytes())).split())


def test_award_names_the_badge_the_day_the_review_month_and_the_profile(
    year_notices: dict[str, Notice],
) -> None:
    text = plain(year_notices, "2026-02-09-carmel-secure-delivery-psp-award.eml")
    assert ("Carmel Secure Delivery Ltd. was awarded the Professional Services Partner (PSP) "
            "badge on 9 February 2026.") in text
    assert "The badge is reviewed every year in February." in text
    assert "The first review is on 1 February 2027" in text
    assert "on 1 January 2027" in text
    assert ("Your public profile: "
            "https://partners.vendor.example/partners/carmel-secure-delivery/") in text


def test_evidence_request_gives_the_review_day_and_the_standing_in_counts(
    year_notices: dict[str, Notice],
) -> None:
    text = plain(year_notices, "2026-09-01-polder-automation-tsp-evidence-request.eml")
    assert ("The yearly review of your Training Services Partner "
            "(TSP) badge is on 1 October 2026.") in text
    assert "Where Polder Automation B.V. stands today, 1 September 2026:" in text
    assert "- Certified people: 3 Certified Trainers (2 needed) (met)" in text
    assert "- Courses: 5 courses covered by certified trainers (4 needed) (met)" in text
    assert ("- Customer satisfaction: 80 of 118 survey scores were 4 or 5, 67% of 80% (not met)"
            in text)
    assert ("Not met today: - Customer satisfaction: 80 of 118 survey scores were 4 or 5, "
            "67% of 80% If these are still not met on 1 October 2026, the badge goes into a "
            "grace period of 3 months.") in text


def test_evidence_request_when_everything_is_met(year_notices: dict[str, Notice]) -> None:
    text = plain(year_notices, "2025-12-01-northwind-devops-psp-evidence-request.eml")
    assert "is on 1 January 2026." in text
    assert ("- Time-to-Value: Infrastructure Ready met in 10 of 10 engagements, 100% of 80%; "
            "First Value met in 10 of 10 engagements, 100% of 80%; Outcome Achieved met in "
            "7 of 7 engagements, 100% of 80% (met)") in text
    assert "Every requirement is met today." in text
    assert "Not met today" not in text


def test_review_kept_gives_the_next_review(year_notices: dict[str, Notice]) -> None:
    text = plain(year_notices, "2026-01-01-northwind-devops-psp-review-kept.eml")
    assert ("Northwind DevOps Inc. kept the Professional Services Partner (PSP) badge at its "
            "yearly review on 1 January 2026: every requirement was met.") in text
    assert ("The next review is on 1 January 2027; we will ask "
            "for evidence on 1 December 2026.") in text
    assert ("- Certified people: 10 certified Professional "
            "Services Engineers (3 needed) (met)") in text


def test_grace_says_what_is_missing_the_status_needed_and_the_due_day(
    year_notices: dict[str, Notice],
) -> None:
    notice = year_notices["2026-11-01-lumiere-devops-psp-grace.eml"]
    text = plain(year_notices, notice.file)
    assert "Status now: in grace (the badge is still shown on your profile)" in text
    assert "Status needed: active, with every requirement met" in text
    assert "Due day: 31 January 2027" in text
    assert ("What is missing: - Certified people: 2 of 3 certified Professional Services "
            "Engineers Where") in text
    assert notice.subject == "Lumière DevOps SAS: PSP badge in grace until 31 January 2027"


def test_restored_gives_the_next_review(year_notices: dict[str, Notice]) -> None:
    text = plain(year_notices, "2026-11-30-maplegate-consulting-psp-restored.eml")
    assert ("Maplegate Consulting meets every requirement of the Professional Services Partner "
            "(PSP) badge again, as of 30 November 2026.") in text
    assert "The next review is on 1 September 2027" in text
    assert ("- Certified people: 3 certified Professional "
            "Services Engineers (3 needed) (met)") in text


def test_lapsed_after_grace_says_why_and_how_to_earn_it_again(
    year_notices: dict[str, Notice],
) -> None:
    text = plain(year_notices, "2026-07-01-helvetic-ci-partners-psp-lapsed.eml")
    assert ("lapsed on 1 July 2026: the grace period ended without every requirement met."
            in text)
    assert ("How to earn it again: the badge is awarded anew, with a new yearly review cycle, "
            "on the first day every requirement is met.") in text
    assert ("Not met today, 1 July 2026: - Certified people: 2 of 3 certified Professional "
            "Services Engineers") in text


def test_lapsed_on_leaving_the_program(year_notices: dict[str, Notice]) -> None:
    text = plain(year_notices, "2026-05-01-pacific-crest-it-psp-lapsed.eml")
    assert ("lapsed on 1 May 2026: from that day Pacific Crest "
            "IT Services has no program tier.") in text
    assert "while Pacific Crest IT Services is in the program" in text
    assert "- Program tier: not in the program on this day (no program tier) (not met)" in text


def test_headers_follow_the_program_and_the_contacts(year_notices: dict[str, Notice]) -> None:
    message = parsed(year_notices["2026-01-01-northwind-devops-psp-review-kept.eml"].as_bytes())
    assert message["From"] == "Channel Services Program <partner-program@vendor.example>"
    assert message["Reply-To"] == "partner-program@vendor.example"
    assert message["To"] == ("programs@northwind-devops.example, "
            "training-lead@northwind-devops.example")
    assert message["Cc"] == "m.alvarez@vendor.example"
    assert message["Date"] == "Thu, 01 Jan 2026 09:00:00 +0000"
    assert message["Message-ID"].strip() == (
        "<review-kept.psp.northwind-devops.2026-01-01@partners.vendor.example>"
    )
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]


def test_a_partner_without_contacts_goes_to_the_program_team(
    year_notices: dict[str, Notice],
) -> None:
    notice = year_notices["2026-05-01-pacific-crest-it-psp-lapsed.eml"]
    message = parsed(notice.as_bytes())
    assert message["To"] == "channel-team@vendor.example"
    assert message["Cc"] is None
    assert message["Subject"] == "[no partner contact] Pacific Crest IT Services: PSP badge lapsed"


def test_html_part_escapes_partner_text_and_links_the_profile(
    year_notices: dict[str, Notice],
) -> None:
    notice = year_notices["2025-12-01-odonnell-ruiz-devops-psp-evidence-request.eml"]
    message = parsed(notice.as_bytes())
    html = text_of(message, "html")
    assert "<p>Hello O&#39;Donnell &amp; Ruiz DevOps team,</p>" in html
    assert '<a href="https://partners.vendor.example/partners/odonnell-ruiz-devops/">' in html
    assert "<td>Certified people</td>" in html.replace(' style="padding: 0 1rem 0 0;"', "")
    assert "Hello O'Donnell & Ruiz DevOps team," in text_of(message)


def test_no_notice_names_a_person_an_engagement_or_a_reason(
    year_notices: dict[str, Notice],
) -> None:
    partners = {p.slug: p for p in shipped_partners()}
    checked = 0
    for notice in year_notices.values():
        partner = partners[notice.event.partner.slug]
        message = parsed(notice.as_bytes())
        whole = text_of(message) + text_of(message, "html")
        secrets = [p.id for p in partner.people] + [e.id for e in partner.engagements]
        secrets += [n.reason for n in partner.noncompliance if n.reason]
        for secret in secrets:
            assert re.search(rf"(?<![\w-]){re.escape(secret)}(?![\w-])", whole) is None, secret
            checked += 1
    assert checked > 500


def run_notices(partners: Path, out: Path, *extra: str) -> int:
    return main(["notices", "--partners", str(partners), "--out", str(out), *extra])


def test_the_command_writes_the_same_bytes_every_run(tmp_path: Path) -> None:
    window = ["--from", "2026-02-01", "--to", "2026-03-01"]
    assert run_notices(ROOT / "partners", tmp_path / "one", *window) == 0
    assert run_notices(ROOT / "partners", tmp_path / "two", *window) == 0
    one = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert one == sorted(p.name for p in (tmp_path / "two").iterdir())
    for name in one:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    listing = json.loads((tmp_path / "one" / "notices.json").read_text(encoding="utf-8"))
    assert len(listing) == 20
    assert listing[8] == {
        "date": "2026-02-09", "partner": "carmel-secure-delivery", "badge": "psp",
        "kind": "award", "to": ["alliances@carmel-secure.example"],
        "cc": ["d.cohen@vendor.example"],
        "subject": "Carmel Secure Delivery Ltd.: PSP badge awarded",
        "file": "2026-02-09-carmel-secure-delivery-psp-award.eml",
    }
    assert sorted(one) == sorted([*(e["file"] for e in listing), "notices.json"])
    raw = (tmp_path / "one" / listing[8]["file"]).read_bytes()
    assert b"\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_the_defaults_are_the_as_of_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1770627600")  # 2026-02-09 09:00 UTC
    assert run_notices(ROOT / "partners", tmp_path) == 0
    listing = json.loads((tmp_path / "notices.json").read_text(encoding="utf-8"))
    assert [e["file"] for e in listing] == ["2026-02-09-carmel-secure-delivery-psp-award.eml"]
    assert "1 notice(s) from 2026-02-09 to 2026-02-09" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-03-01", "--to", "2026-02-01"],
         "partner-locator: error: --to 2026-02-01 is before --from 2026-03-01\n"),
        (["--from", "2026-02-30"],
         "partner-locator: error: --from: "
         "'2026-02-30' is not a real day\n"),
        (["--to", "March"],
         "partner-locator: error: --to: expected a day written YYYY-MM-DD, got 'March'\n"),
    ],
)
def test_wrong_days_are_usage_errors(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_notices(ROOT / "partners", tmp_path, *args) == 2
    assert capsys.readouterr().err == message


def test_a_program_without_notices_settings_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "partners"
    shutil.copytree(ROOT / "partners", folder)
    program = folder / "program.yml"
    text = program.read_text(encoding="utf-8")
    program.write_text(text[: text.index("\n# Who badge notices come from")] + "\n",
                       encoding="utf-8")
    assert run_notices(folder, tmp_path / "out", "--from", "2026-02-09") == 2
    assert capsys.readouterr().err == (
        "partner-locator: error: program.yml has no 'notices' section (sender, reply_to, team, "
        "message_id_domain, site_url); see docs/data-format.md\n"
    )


def test_invalid_data_stops_the_notices_with_located_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "partners"
    shutil.copytree(ROOT / "partners", folder)
    pampa = folder / "pampa-digital.yml"
    pampa.write_text(pampa.read_text(encoding="utf-8").replace(
        "alianzas@pampa-digital.example", "alianzas-at-pampa"), encoding="utf-8")
    assert run_notices(folder, tmp_path / "out", "--from", "2026-02-09") == 1
    line = next(n for n, text in enumerate(pampa.read_text(encoding="utf-8").splitlines(), 1)
                if "alianzas-at-pampa" in text)
    assert f"pampa-digital.yml:{line}:13: error: 'alianzas-at-pampa' is not an e-mail address: " \
           "An email address must have an @-sign. [program-contact]" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
