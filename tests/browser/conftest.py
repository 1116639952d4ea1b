"""Headless Chromium against the real built site, served on 127.0.0.1 only."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.site.helpers import ROOT, built

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def _require_browser() -> None:
    missing = not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but Chromium ({CHROMIUM}) or Playwright is missing")
        pytest.skip(f"Chromium ({CHROMIUM}) or Playwright is not available")


class _Handler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_prefix__")
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests report what matters."""


class Served:
    """A site folder served over HTTP under a path prefix."""

    def __init__(self, folder: Path, prefix: str = "/") -> None:
        handler = type("Handler", (_Handler,), {"prefix": prefix})
        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
        )
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.folder = folder
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{prefix}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def browser_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The sample data (and a hostile partner) built and served at the root."""
    _require_browser()
    build = built(tmp_path_factory.mktemp("browser-site"))
    served = Served(build.site)
    yield served
    served.close()


@pytest.fixture(scope="session")
def preview_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The same data built with ``use_directory_urls: false`` and served under a prefix."""
    _require_browser()
    build = built(tmp_path_factory.mktemp("preview-site"), directory_urls=False)
    served = Served(build.site, prefix="/group/project/-/jobs/42/artifacts/site/")
    yield served
    served.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page; any script error or dialog fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))

    def on_dialog(dialog: Any) -> None:
        errors.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    yield tab
    context.close()
    assert errors == []


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script: AXE_CORE_JS, else node_modules/axe-core/axe.min.js."""
    path = Path(os.environ.get("AXE_CORE_JS") or ROOT / "node_modules/axe-core/axe.min.js")
    if not path.is_file():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"axe-core not found at {path}; run npm ci")
        pytest.skip(f"axe-core not found at {path}; run npm ci")
    return path.read_text(encoding="utf-8")
