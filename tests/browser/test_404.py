"""The page a lost visitor meets: plain words, the locator's search, links on; under a prefix."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import _require_browser
from tests.site.helpers import mkdocs_build, project_copy

pytestmark = [pytest.mark.browser, pytest.mark.slow]


class _Pages(http.server.SimpleHTTPRequestHandler):
    """As a static host does: a missing address answers 404 with the site's 404.html."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        inside = path.startswith(self.prefix)
        rest = path[len(self.prefix):] if inside else "__outside__"
        return super().translate_path("/" + rest)

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


class Host:
    def __init__(self, folder: Path, prefix: str) -> None:
        handler = type("Handler", (_Pages,), {"prefix": prefix})
        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.folder = folder
        self.prefix = prefix
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{prefix}"


@pytest.fixture(scope="module", params=["/", "/group/project/"], ids=["root", "prefix"])
def host(request: pytest.FixtureRequest,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    """The sample site built for site_url at the root or under a path, served there."""
    _require_browser()
    prefix = request.param
    tmp = tmp_path_factory.mktemp("lost")
    project = project_copy(tmp / "project")
    build = mkdocs_build(project, tmp / "site",
                         extra_env={"SITE_URL": f"https://partners.example.com{prefix}"})
    assert build.returncode == 0, build.output
    served = Host(build.site, prefix)
    yield served
    served.server.shutdown()
    served.server.server_close()


def test_the_built_page_speaks_plainly_and_links_absolutely(host: Host) -> None:
    prefix = host.prefix
    text = (host.folder / "404.html").read_text(encoding="utf-8")
    assert "<title>Page not found - Partner Locator</title>" in text
    assert "404 - Not found" not in text
    assert "<h1>Page not found</h1>" in text
    assert "There is no page at this address." in text
    assert (f'<form class="pl-lost__search" role="search" aria-label="Partners" '
            f'action="{prefix}partners/" method="get">') in text
    assert 'id="pl-lost-q" name="q" type="search"' in text
    for href in (f"{prefix}partners/", f"{prefix}browse/", prefix):
        assert f'<a href="{href}">' in text, href
    # The theme's files come from the prefix too, so any missing address gets a whole page.
    assert f'href="{prefix}assets/partner-locator/partner-locator.css"' in text


@pytest.mark.parametrize("depth", ["nothing-here", "partners/no-such-partner/", "a/b/c/d.html"])
def test_a_lost_visitor_gets_help_at_any_depth(page: Any, host: Host, depth: str) -> None:
    response = page.goto(host.url + depth)
    assert response.status == 404
    assert page.title() == "Page not found - Partner Locator"
    assert page.locator("h1").inner_text() == "Page not found"
    # The stylesheets loaded: the header is Material's bar, not a bare list.
    assert page.evaluate("() => getComputedStyle(document.querySelector('.md-header')).position"
                         ) in ("sticky", "fixed")
    locator = page.locator(".pl-lost").get_by_role("link", name="Find a partner", exact=True)
    assert locator.evaluate("a => a.href") == f"{host.url}partners/"
    page.get_by_label("Looking for a partner? Search by name, service or city").fill("Elbe")
    page.get_by_role("button", name="Search partners").click()
    page.wait_for_url(re.compile(r"/partners/\?q=Elbe$"))
    assert page.url == f"{host.url}partners/?q=Elbe"
    page.wait_for_function("() => document.querySelector('[data-pl-status]')"
                           ".textContent.startsWith('1 partner.')")
    assert page.locator(".pl-card__name").all_inner_texts() == ["Elbe DevOps GmbH"]


def test_the_home_and_directory_links_lead_on(page: Any, host: Host) -> None:
    page.goto(host.url + "gone/")
    page.locator(".pl-lost").get_by_role("link", name="Partner directory").click()
    page.wait_for_url(host.url + "browse/")
    page.go_back()
    page.locator(".pl-lost").get_by_role("link", name="Home page").click()
    page.wait_for_url(host.url)
    assert page.locator("h1").count() == 1


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_no_serious_accessibility_findings(browser: Any, host: Host, axe_source: str,
                                           scheme: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844},
                                  color_scheme=scheme)
    page = context.new_page()
    page.goto(host.url + "missing/page/")
    expected = "slate" if scheme == "dark" else "default"
    assert page.evaluate("() => document.body.dataset.mdColorScheme") == expected
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []
    context.close()
