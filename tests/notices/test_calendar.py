"""The program team's review calendar, read back with icalendar."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from icalendar import Calendar

from generator.cli import main
from tests.conftest import ROOT


def calendar_of(tmp_path: Path, as_of: str, name: str = "reviews.ics") -> tuple[Calendar, bytes]:
    target = tmp_path / name
    assert main(["calendar", "--partners", str(ROOT / "partners"), "--as-of", as_of,
                 "--out", str(target)]) == 0
    raw = target.read_bytes()
    return Calendar.from_ical(raw), raw


def test_each_held_badge_has_its_review_evidence_and_grace_days(tmp_path: Path) -> None:
    calendar, _raw = calendar_of(tmp_path, "2026-11-28")
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    review = events["review.psp.lumiere-devops.2027-11-01@partners.vendor.example"]
    assert str(review["SUMMARY"]) == "Lumière DevOps SAS: PSP review"
    assert review.decoded("DTSTART") == date(2027, 11, 1)  # a date: an all-day event
    assert review.decoded("DTEND") == date(2027, 11, 2)
    assert review.decoded("DTSTAMP") == datetime(2026, 11, 28, tzinfo=UTC)
    grace = events["grace-end.psp.lumiere-devops.2027-01-31@partners.vendor.example"]
    assert str(grace["SUMMARY"]) == "Lumière DevOps SAS: PSP grace ends"
    evidence = events["evidence.psp.lumiere-devops.2027-10-01@partners.vendor.example"]
    assert str(evidence["SUMMARY"]) == "Lumière DevOps SAS: PSP evidence due"
    # Lapsed and never-held badges have no events; a held one without grace has two.
    assert not any(".pacific-crest-it." in uid for uid in events)
    assert sorted(u for u in events if ".northwind-devops." in u) == [
        "evidence.psp.northwind-devops.2026-12-01@partners.vendor.example",
        "evidence.tsp.northwind-devops.2027-08-01@partners.vendor.example",
        "review.psp.northwind-devops.2027-01-01@partners.vendor.example",
        "review.tsp.northwind-devops.2027-09-01@partners.vendor.example",
    ]
    assert str(calendar["VERSION"]) == "2.0"


def test_the_calendar_is_the_same_bytes_for_the_same_day(tmp_path: Path) -> None:
    _one, first = calendar_of(tmp_path, "2026-11-28", "one.ics")
    _two, second = calendar_of(tmp_path, "2026-11-28", "two.ics")
    assert first == second
    assert b"\r\n" in first


def test_uids_stay_stable_when_the_day_moves_but_the_dates_do_not(tmp_path: Path) -> None:
    before, _ = calendar_of(tmp_path, "2026-11-20", "before.ics")
    after, _ = calendar_of(tmp_path, "2026-11-28", "after.ics")
    uids_before = {str(e["UID"]) for e in before.walk("VEVENT")}
    uids_after = {str(e["UID"]) for e in after.walk("VEVENT")}
    assert "review.psp.northwind-devops.2027-01-01@partners.vendor.example" in uids_before
    assert "review.psp.northwind-devops.2027-01-01@partners.vendor.example" in uids_after


def test_nothing_private_is_in_the_calendar(tmp_path: Path) -> None:
    _calendar, raw = calendar_of(tmp_path, "2026-11-28")
    text = raw.decode("utf-8")
    assert "@lumiere-devops.example" not in text
    assert "vendor.example/partners/lumiere-devops/" in text.replace("\r\n ", "")
