"""The Nu HTML Checker (npm package ``vnu-jar``) finds no error in the project's own markup.

It checks one built page of every kind. Material for MkDocs emits two kinds of markup that the
checker refuses; those are listed below, each matched by message *and* by the Material markup
it appears in, so the same error in the project's own templates still fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.site.helpers import ROOT

pytestmark = pytest.mark.slow

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

#: One page of every kind the site has.
PAGES = (
    "index.html",                          # home, hand-written with a card grid
    "handbook/channel-services/index.html",  # handbook prose
    "handbook/badges/index.html",          # handbook with generated tables
    "partners/index.html",                 # the locator
    "partners/elbe-devops/index.html",     # a profile with a logo
    "partners/oresund-devops/index.html",  # a profile without one
    "browse/index.html",                   # the directory's index
    "browse/letter/o/index.html",          # one directory list
    "api/index.html",                      # the open-data reference
    "404.html",                            # the page for unknown addresses
)

#: (start of the message, Material markup it must appear in, why it is Material's and stays).
MATERIAL = (
    ("Bad value “” for attribute “tabindex” on element “label”",
     'class="md-nav__link"',
     "Material's navigation section labels carry an empty tabindex (partials/nav-item.html)"),
    ("Attribute “autocomplete” is only allowed when the input type is",
     'class="md-toggle"',
     "Material's drawer and search toggles are checkboxes with autocomplete=off, which keeps "
     "Firefox from restoring their state (base.html)"),
)


def _material(message: dict[str, str]) -> bool:
    text, extract = message.get("message", ""), message.get("extract", "")
    return any(text.startswith(start) and markup in extract for start, markup, _ in MATERIAL)


def _check(files: list[Path]) -> list[dict[str, str]]:
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        pytest.fail("the Nu HTML Checker needs Java (default-jre-headless) and "
                    "node_modules/vnu-jar (npm install)")
    done = subprocess.run([java, "-jar", str(VNU), "--format", "json", "--stdout",
                           *map(str, files)], capture_output=True, text=True, check=False)
    messages: list[dict[str, str]] = json.loads(done.stdout)["messages"]
    return messages


def test_no_html_errors_in_our_markup(site: Path, tmp_path: Path) -> None:
    # A page with an error of our own kind proves that the checker runs and reports.
    control = tmp_path / "control.html"
    control.write_text('<!doctype html><html lang="en"><head><title>x</title></head><body>'
                       '<p id="a">1</p><p id="a">2</p></body></html>', encoding="utf-8")
    messages = _check([*(site / p for p in PAGES), control])
    errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
    assert [m["message"] for m in errors if m["url"].endswith("control.html")] == [
        "Duplicate ID “a”."]
    ours = [f"{m['url'].rsplit('site/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
            for m in errors if not m["url"].endswith("control.html") and not _material(m)]
    assert ours == []
    # Every exception still matches something Material emits; a stale one is removed.
    for start, markup, _why in MATERIAL:
        assert any(m["message"].startswith(start) and markup in m.get("extract", "")
                   for m in errors), start
