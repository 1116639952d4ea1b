"""The program's Atom feed: well-formed, newest first, stable ids, nothing private, bounded."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import feedparser
import pytest

from generator.badges import evaluate_badge
from generator.catalog import Catalog
from generator.load import load_folder
from generator.site.feed import (
    FEED_FILE,
    MAX_ENTRIES,
    WINDOW_DAYS,
    feed_bytes,
    feed_events,
    program_events,
)
from generator.site.urls import UrlStyle
from tests.site.helpers import HOSTILE, HOSTILE_SLUG, ROOT

AS_OF = date(2026, 11, 28)
SITE = "https://partners.example.com/"


def catalog_of(folder: Path, as_of: date = AS_OF) -> Catalog:
    return Catalog.build(load_folder(folder), as_of)


@pytest.fixture(scope="module")
def partners(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample partners plus the hostile one (secret ids, a reason, a legacy grant)."""
    folder = tmp_path_factory.mktemp("feed") / "partners"
    shutil.copytree(ROOT / "partners", folder)
    shutil.copyfile(HOSTILE, folder / f"{HOSTILE_SLUG}.yml")
    return folder


@pytest.fixture(scope="module")
def catalog(partners: Path) -> Catalog:
    return catalog_of(partners)


@pytest.fixture(scope="module")
def parsed(catalog: Catalog) -> feedparser.FeedParserDict:
    return feedparser.parse(feed_bytes(catalog, UrlStyle(), SITE))


def test_the_feed_is_well_formed_atom(parsed: feedparser.FeedParserDict) -> None:
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Channel Services Program: new partners and badges"
    assert parsed.feed.link == SITE + "partners/"
    self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_links == [SITE + FEED_FILE]
    assert parsed.entries


def test_entries_are_newest_first_and_the_feed_is_dated_by_its_newest(
        parsed: feedparser.FeedParserDict) -> None:
    days = [entry.updated_parsed[:3] for entry in parsed.entries]
    assert days == sorted(days, reverse=True)
    assert parsed.feed.updated == parsed.entries[0].updated


def test_each_entry_links_to_the_profile_and_is_dated_on_its_event(
        catalog: Catalog, parsed: feedparser.FeedParserDict) -> None:
    events = feed_events(catalog)
    assert len(parsed.entries) == len(events)
    for entry, event in zip(parsed.entries, events, strict=True):
        assert entry.link == f"{SITE}partners/{event.slug}/"
        assert entry.updated.startswith(event.day.isoformat())
        assert entry.id.startswith(f"tag:partners.example.com,{event.day.isoformat()}:")
        assert event.entry.name in entry.title


def test_the_newest_awards_are_in_the_feed(catalog: Catalog,
                                           parsed: feedparser.FeedParserDict) -> None:
    """Every grant of the last year, read straight from the badge histories."""
    since = AS_OF - timedelta(days=WINDOW_DAYS - 1)
    expected = set()
    for entry in catalog.entries:
        for badge_id, state in entry.states.items():
            status = "none"
            for change in state.history:
                if change.status == "active" and status in ("none", "lapsed") \
                        and change.date >= since:
                    expected.add(f"tag:partners.example.com,{change.date}:partners/"
                                 f"{entry.slug}/{badge_id}/award")
                status = change.status
    assert expected, "the sample data should hold an award in the last year"
    assert expected <= {e.id for e in parsed.entries}


def test_kept_reviews_agree_with_the_badge_engine(catalog: Catalog) -> None:
    """A review is "kept" exactly when the badge was active the day before the review day,
    that day was its next review, and it is still active on the review day."""
    since = AS_OF - timedelta(days=WINDOW_DAYS - 1)
    found = {(e.slug, e.badge.id, e.day) for e in program_events(catalog)
             if e.kind == "review-kept" and e.day >= since and e.badge is not None}
    expected = set()
    for entry in catalog.entries:
        for badge in catalog.program.badges:
            day = date(since.year, since.month, 1)
            while day <= AS_OF:
                if day >= since:
                    before = evaluate_badge(entry.partner, badge, day - timedelta(days=1))
                    on = evaluate_badge(entry.partner, badge, day)
                    if (before.status == "active" and before.next_review == day
                            and on.status == "active" and on.granted == before.granted):
                        expected.add((entry.slug, badge.id, day))
                day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    assert expected, "the sample data should hold a kept review in the last year"
    assert found == expected


def test_a_partner_joining_is_its_first_track_start(catalog: Catalog) -> None:
    joins = {e.slug: e.day for e in program_events(catalog) if e.kind == "joined"}
    assert joins == {e.slug: e.partner.tracks[0].from_ for e in catalog.entries
                     if e.partner.tracks[0].from_ <= AS_OF}


def test_nothing_private_is_in_the_feed(catalog: Catalog) -> None:
    text = feed_bytes(catalog, UrlStyle(), SITE).decode()
    for secret in ("secret-person", "secret-engagement", "secret-reason", "tamarind",
                   "legacy", "grace", "at risk", "at-risk", "lapse", "noncompliance"):
        assert secret not in text.lower()


def test_partner_names_are_text_never_markup(catalog: Catalog) -> None:
    hostile = next(e for e in catalog.entries if e.slug == HOSTILE_SLUG)
    every = [e for e in program_events(catalog) if e.slug == HOSTILE_SLUG]
    assert every
    data = feed_bytes(catalog, UrlStyle(), SITE, events=every)
    assert b"<script>" not in data
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0
    assert [e.title for e in parsed.entries] == [
        f"{hostile.name} joined the program" if e.kind == "joined"
        else f"{hostile.name} earned the Professional Services Partner badge"
        if e.kind == "award"
        else f"{hostile.name} kept the Professional Services Partner badge at its yearly review"
        for e in every
    ]


def test_a_review_that_sends_a_badge_to_grace_is_no_event(catalog: Catalog) -> None:
    kept = {(e.slug, e.badge.id, e.day) for e in program_events(catalog)
            if e.kind == "review-kept" and e.badge is not None}
    moved = {(entry.slug, badge_id, change.date)
             for entry in catalog.entries for badge_id, state in entry.states.items()
             for change in state.history if change.status in ("grace", "lapsed")}
    assert moved, "the sample data should hold a grace or a lapse"
    assert kept.isdisjoint(moved)


def test_ids_stay_when_a_partner_is_added_or_a_summary_changes(partners: Path,
                                                               tmp_path: Path) -> None:
    before = feedparser.parse(feed_bytes(catalog_of(partners), UrlStyle(), SITE))
    changed = tmp_path / "partners"
    shutil.copytree(partners, changed)
    edited = changed / "aurora-pipelines.yml"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(re.sub(r"(?m)^summary:.*(\n  .*)*", "summary: Rewritten from scratch.",
                             text, count=1), encoding="utf-8")
    newcomer = (changed / "aurora-pipelines.yml").read_text(encoding="utf-8")
    newcomer = newcomer.replace("name: Aurora Pipelines Oy", "name: Zenith Newcomer Oy")
    newcomer = re.sub(r"(?m)^logo:.*\n", "", newcomer)
    newcomer = re.sub(r"(?m)^(  - \{tier: [a-z]+, from: )\d{4}-\d{2}-\d{2}",
                      r"\g<1>2026-10-05", newcomer, count=1)
    (changed / "zenith-newcomer.yml").write_text(newcomer, encoding="utf-8")
    after_catalog = catalog_of(changed)
    assert "Rewritten" in after_catalog.by_slug()["aurora-pipelines"].partner.summary
    after = feedparser.parse(feed_bytes(after_catalog, UrlStyle(), SITE))
    old = {e.id: e.title for e in before.entries}
    new = {e.id: e.title for e in after.entries}
    assert set(old) <= set(new)
    assert all(new[i] == old[i] for i in old)
    added = set(new) - set(old)
    assert added
    assert all("/zenith-newcomer/" in i for i in added)
    assert "tag:partners.example.com,2026-10-05:partners/zenith-newcomer/joined" in added


def test_two_builds_are_byte_identical_and_the_clock_is_never_read(catalog: Catalog) -> None:
    first = feed_bytes(catalog, UrlStyle(), SITE)
    assert first == feed_bytes(catalog, UrlStyle(), SITE)
    newest = feedparser.parse(first).entries[0].updated
    assert f"<updated>{newest}</updated>" in first.decode().split("<entry>")[0]


def test_the_feed_is_bounded_by_days_and_by_count(catalog: Catalog) -> None:
    since = AS_OF - timedelta(days=WINDOW_DAYS - 1)
    every = program_events(catalog)
    shown = feed_events(catalog)
    assert shown == [e for e in every if e.day >= since][:MAX_ENTRIES]
    assert any(e.day < since for e in every), "older events exist and are left out"


def test_at_most_the_newest_entries_are_kept(catalog: Catalog,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.site import feed

    monkeypatch.setattr(feed, "MAX_ENTRIES", 5)
    monkeypatch.setattr(feed, "WINDOW_DAYS", 10_000)
    assert feed.feed_events(catalog) == program_events(catalog)[:5]
    assert len(feedparser.parse(feed.feed_bytes(catalog, UrlStyle(), SITE)).entries) == 5


def test_without_a_site_address_links_are_relative_to_the_feed(catalog: Catalog) -> None:
    parsed = feedparser.parse(feed_bytes(catalog, UrlStyle(directory_urls=False), None))
    assert parsed.bozo == 0
    first = parsed.entries[0]
    assert first.id.startswith("tag:partner-locator.invalid,")
    assert re.fullmatch(r"[a-z0-9-]+/index\.html", first.link)


def test_the_built_site_publishes_and_links_the_feed(site: Path) -> None:
    feed = site / FEED_FILE
    assert feedparser.parse(feed.read_bytes()).bozo == 0
    link = ('<link rel="alternate" type="application/atom+xml" '
            'title="Channel Services Program: new partners and badges" href="{}">')
    assert link.format("feed.xml") in (site / "partners" / "index.html").read_text()
    assert link.format("partners/feed.xml") in (site / "index.html").read_text()
