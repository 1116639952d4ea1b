"""Published logos opened in Chromium: no script runs and no request leaves the logo.

The site is built from partners whose logos are the hostile fixtures, as committed. Each
published logo is then opened directly, as a visitor following its URL would, and the same
files as committed are opened too, to show the checks would catch what the rewrite removed.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from PIL import Image

from tests.browser.conftest import Served
from tests.site.helpers import ROOT, mkdocs_build, project_copy
from tests.test_logos import DROPPED, LOGOS, MINIMAL_TEXT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = sorted(DROPPED)
SAMPLES = sorted(p.stem for p in (ROOT / "partners").glob("*.svg"))


@pytest.fixture(scope="module")
def logo_site(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Served]:
    """The project with one partner per hostile logo, built, served with its sources."""
    tmp = tmp_path_factory.mktemp("logo-site")
    project = project_copy(tmp / "project", hostile=False)
    partners = project / "partners"
    for fixture in HOSTILE:
        shutil.copyfile(LOGOS / f"{fixture}.svg", partners / f"{fixture}.svg")
        text = MINIMAL_TEXT.replace("Minimal Partner", f"Logo Test {fixture}")
        (partners / f"{fixture}.yml").write_text(text + f"logo: {fixture}.svg\n", "utf-8")
    build = mkdocs_build(project, tmp / "site")
    assert build.returncode == 0, build.output
    served = Served(tmp)  # /site/ is the site, /project/partners/ the files as committed
    yield served
    served.close()


@dataclass
class Visit:
    """What a page did: requests, dialogs, console lines, script errors, and its title."""

    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    title: str = ""


def visit(browser: Any, url: str, allowed: str, *, settle_ms: int = 300) -> Visit:
    """Open ``url`` in a fresh context; requests outside ``allowed`` are recorded and refused."""
    seen = Visit()
    context = browser.new_context(viewport={"width": 200, "height": 200})
    try:
        tab = context.new_page()

        def route(request_route: Any) -> None:
            seen.requests.append(request_route.request.url)
            if request_route.request.url.startswith(allowed):
                request_route.continue_()
            else:
                request_route.abort()

        def on_dialog(dialog: Any) -> None:
            seen.dialogs.append(dialog.message)
            dialog.dismiss()

        tab.route("**/*", route)
        tab.on("dialog", on_dialog)
        tab.on("console", lambda message: seen.console.append(message.text))
        tab.on("pageerror", lambda error: seen.errors.append(str(error)))
        tab.goto(url, wait_until="load")
        tab.wait_for_timeout(settle_ms)
        seen.title = tab.evaluate("document.title")
    finally:
        context.close()
    return seen


@pytest.mark.parametrize("fixture", HOSTILE)
def test_a_published_logo_runs_nothing_and_fetches_nothing(
    logo_site: Served, browser: Any, fixture: str
) -> None:
    url = f"{logo_site.url}site/logos/{fixture}.svg"
    seen = visit(browser, url, allowed=url)
    assert seen.requests == [url]
    assert (seen.dialogs, seen.console, seen.errors) == ([], [], [])
    assert seen.title != "pwned"


@pytest.mark.parametrize(
    ("fixture", "betrayal"),
    [
        ("script", "dialog"),
        ("event-handlers", "dialog"),
        ("css-stylesheet-instruction", "request"),
        ("style-import-uppercase", "request"),
        ("style-import-entity", "request"),
        ("xhtml-img", "request"),
    ],
)
def test_the_same_logo_as_committed_would_have(
    logo_site: Served, browser: Any, fixture: str, betrayal: str
) -> None:
    """The control: opened as committed, these files do script or fetch, and it is seen."""
    url = f"{logo_site.url}project/partners/{fixture}.svg"
    seen = visit(browser, url, allowed=url)
    if betrayal == "dialog":
        assert seen.dialogs
    else:
        assert any("tracker.example" in r for r in seen.requests), seen.requests


def test_a_profile_shows_the_rewritten_logo_and_nothing_leaves(
    logo_site: Served, browser: Any
) -> None:
    origin = logo_site.url.rstrip("/")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    dialogs: list[str] = []
    try:
        tab = context.new_page()

        def route(request_route: Any) -> None:
            if request_route.request.url.startswith(origin):
                request_route.continue_()
            else:
                outside.append(request_route.request.url)
                request_route.abort()

        tab.route("**/*", route)
        def on_dialog(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        tab.on("dialog", on_dialog)
        for fixture in ("xslt-stylesheet", "script", "css-behavior"):
            tab.goto(f"{logo_site.url}site/partners/{fixture}/", wait_until="load")
            logo = tab.locator(f"img[src$='logos/{fixture}.svg']").first
            assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
        tab.wait_for_timeout(300)
    finally:
        context.close()
    assert (outside, dialogs) == ([], [])


@pytest.mark.parametrize("sample", SAMPLES)
def test_a_sample_logo_looks_the_same_after_the_rewrite(
    logo_site: Served, browser: Any, sample: str
) -> None:
    context = browser.new_context(viewport={"width": 128, "height": 128})
    try:
        tab = context.new_page()
        shots = []
        for path in (f"project/partners/{sample}.svg", f"site/logos/{sample}.svg"):
            tab.goto(f"{logo_site.url}{path}", wait_until="load")
            shots.append(tab.screenshot())
    finally:
        context.close()
    assert shots[0] == shots[1]
    with Image.open(io.BytesIO(shots[1])) as shot:  # the logo drew something
        colours = shot.convert("RGB").getcolors(maxcolors=128 * 128)
        assert colours is not None and len(colours) > 2


def test_the_samples_are_all_compared() -> None:
    assert len(SAMPLES) >= 30
