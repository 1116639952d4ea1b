"""``mkdocs serve`` in a browser: broken partner data shows its located errors on the open
page within a second of the rebuild, and the page comes back once the data is fixed."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import _require_browser
from tests.site.test_serve import NAME, SLUG, _get, _wait, serving

pytestmark = pytest.mark.slow

RELOADED = "Reloading browsers"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, Path]]:
    _require_browser()
    with serving(tmp_path) as server:
        yield server


def _rebuilt(log: Path, before: int) -> float:
    """Wait for MkDocs to log one more finished rebuild; returns when it was seen (checked
    every 20 ms, so the page's one second is measured from the rebuild itself)."""
    deadline = time.monotonic() + 60
    while _reloads(log) <= before:
        if time.monotonic() > deadline:
            _wait(lambda: False, 0, "the rebuild", log)
        time.sleep(0.02)
    return time.monotonic()


def _reloads(log: Path) -> int:
    return log.read_text(encoding="utf-8").count(RELOADED)


def test_the_open_page_shows_the_errors_and_then_the_fixed_partner(
    served: tuple[Path, str, Path], page: Any
) -> None:
    project, root, log = served
    profile = f"{root}partners/{SLUG}/"
    _wait(lambda: NAME in _get(profile), 120, "the first build", log)
    page.goto(profile)
    heading = page.locator("h1").first
    assert heading.inner_text() == NAME

    partner = project / "partners" / f"{SLUG}.yml"
    text = partner.read_text(encoding="utf-8")
    before = _reloads(log)
    partner.write_text(
        text.replace("website:", "webiste:").replace(
            "summary:", "'<script>alert(\"from the data\")</script>': x\nsummary:"),
        encoding="utf-8",
    )
    seen = _rebuilt(log, before)
    errors = page.locator(".pl-errors pre")
    errors.wait_for(timeout=1000)
    assert time.monotonic() - seen < 1.0
    lines = errors.inner_text().splitlines()
    assert f"partners/{SLUG}.yml:2:1: error: missing required key 'website' [missing-key]" \
        in lines
    assert f"partners/{SLUG}.yml:3:1: error: unknown key 'webiste'; did you mean 'website'? " \
        "[unknown-key]" in lines
    # The partner's text is shown as text: the page fixture fails on any alert.
    assert any('<script>alert("from the data")</script>' in line for line in lines)
    assert page.locator("h1").first.inner_text() == "The partner data has errors"

    before = _reloads(log)
    partner.write_text(text, encoding="utf-8")
    seen = _rebuilt(log, before)
    page.locator("h1", has_text=NAME).wait_for(timeout=1000)
    assert time.monotonic() - seen < 1.0
    assert page.locator(".pl-errors").count() == 0


def test_a_new_partner_page_that_is_broken_comes_up_once_fixed(
    served: tuple[Path, str, Path], page: Any
) -> None:
    project, root, log = served
    _wait(lambda: NAME in _get(f"{root}partners/{SLUG}/"), 120, "the first build", log)
    source = (project / "partners" / f"{SLUG}.yml").read_text(encoding="utf-8").replace(
        f"{SLUG}.svg", "zz-new-partner.svg")
    shutil.copyfile(project / "partners" / f"{SLUG}.svg",
                    project / "partners" / "zz-new-partner.svg")
    new = project / "partners" / "zz-new-partner.yml"
    new.write_text(source.replace(f"name: {NAME}", "name: Brand New Partner")
                   .replace("website:", "webiste:"), encoding="utf-8")
    url = f"{root}partners/zz-new-partner/"
    _wait(lambda: "partners/zz-new-partner.yml:3:1" in _get(url), 60, "the error page", log)
    # A URL the last good build did not have gets the error list from the 404 page.
    response = page.goto(url)
    assert response.status == 404
    assert "partners/zz-new-partner.yml:3:1: error: unknown key 'webiste'" in \
        page.locator(".pl-errors pre").inner_text()

    before = _reloads(log)
    new.write_text(source.replace(f"name: {NAME}", "name: Brand New Partner"), encoding="utf-8")
    seen = _rebuilt(log, before)
    # The 404 page checks its own URL every second and loads the profile once it exists.
    page.locator("h1", has_text="Brand New Partner").wait_for(timeout=2500)
    assert time.monotonic() - seen < 2.5
