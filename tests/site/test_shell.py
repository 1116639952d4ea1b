"""The light shell of profiles and directory lists: the handbook's top-level sections instead
of its whole navigation, Material's configuration and header parts from one script, and a page
that is mostly the partner."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.site.helpers import mkdocs_build, project_copy, set_plugin_options

pytestmark = pytest.mark.slow

NAV_LINK = re.compile(r'<li class="md-nav__item"><a href="([^"]*)" class="md-nav__link">'
                      r'([^<]*)</a></li>')
WORKER = re.compile(r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js")


def html(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("path", "up"), [("partners/elbe-devops", "../../"),
                                          ("browse/letter/o", "../../../"),
                                          ("browse", "../")])
def test_profiles_and_lists_lead_to_each_top_level_section(site: Path, path: str,
                                                           up: str) -> None:
    page = html(site, path)
    assert NAV_LINK.findall(page) == [
        (up.removesuffix("/"), "Home"),
        (f"{up}handbook/channel-services/", "Handbook"),
        (f"{up}partners/", "Find a partner") if path != "partners/elbe-devops" else
        ("../", "Find a partner"),
        (f"{up}maintainers/", "Maintaining the data"),
        (f"{up}locator/", "Reference"),
    ]
    assert "md-nav__item--nested" not in page
    assert "Badges and reviews" not in page[:page.index("<article")]
    # The palette toggle, the search box and Material's configuration come with the script.
    assert f'<script src="{up}assets/partner-locator/shell.js"></script>' in page
    assert 'id="__config"' not in page and 'data-md-component="palette"' not in page


def test_the_handbook_and_the_locator_keep_the_whole_shell(site: Path) -> None:
    for path in ("handbook/channel-services", "partners"):
        page = html(site, path)
        assert "md-nav__item--nested" in page and "Badges and reviews" in page
        assert 'id="__config"' in page and 'data-md-component="palette"' in page
        assert "shell.js" not in page


def test_the_shell_script_names_the_search_worker_the_handbook_pages_name(site: Path) -> None:
    script = (site / "assets" / "partner-locator" / "shell.js").read_text(encoding="utf-8")
    assert "{%" not in script and "{{" not in script
    page = html(site, "handbook/channel-services")
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>',
                                  page, re.S).group(1))  # type: ignore[union-attr]
    assert WORKER.findall(script) == [config["search"].removeprefix("../../")]
    assert (site / WORKER.findall(script)[0]).is_file()
    assert '\\u003cform class=\\"md-header__option\\" data-md-component=\\"palette\\"' in script
    assert "window.__md_scope = root;" in script
    assert '\\u003cbutton type=\\"button\\" class=\\"md-top md-icon\\" ' \
           'data-md-component=\\"top\\"' in script
    assert '\\u003cdiv class=\\"md-dialog\\" data-md-component=\\"dialog\\"' in script


def test_a_profile_is_mostly_the_partner(site: Path) -> None:
    page = html(site, "partners/elbe-devops").encode()
    article = page[page.index(b"<article"):page.index(b"</article>")]
    head = page[page.index(b'<script type="application/ld+json">'):page.index(b"</head>")]
    shell = len(page) - len(article) - len(head)
    assert shell <= 4_500, shell
    full = (site / "handbook" / "channel-services" / "index.html").read_bytes()
    assert shell * 5 < len(full) - len(full[full.index(b"<article"):full.index(b"</article>")])
    # Nothing of the shell is indented or spaced out between elements.
    outside = page[:page.index(b'<script type="application/ld+json">')] + page[
        page.index(b"</head>"):page.index(b"<article")] + page[page.index(b"</article>"):]
    assert b"> <" not in outside and b"  " not in outside
    # Material's parts that only work with a script come with the shell script instead.
    for part in (b"__md_scope", b'data-md-component="top"', b'data-md-component="dialog"',
                 b"__tabbed_"):
        assert part not in page, part


def test_a_name_with_runs_of_white_space_is_stamped_as_mkdocs_writes_it(tmp_path: Path) -> None:
    pages = ["partners/northwind-devops/index.html", "browse/letter/n/index.html",
             "browse/index.html"]
    built = {}
    for stamp in (True, False):
        project = project_copy(tmp_path / f"project-{stamp}", hostile=False)
        partner = project / "partners" / "northwind-devops.yml"
        partner.write_text(partner.read_text(encoding="utf-8").replace(
            "name: Northwind DevOps Inc.", 'name: "Northwind  DevOps   Inc."'),
            encoding="utf-8")
        set_plugin_options(project, stamp_pages=stamp)
        build = mkdocs_build(project, tmp_path / f"site-{stamp}")
        assert build.returncode == 0, build.output
        built[stamp] = {p: (build.site / p).read_bytes() for p in pages}
    assert built[True] == built[False]
    page = built[True][pages[0]].decode()
    assert "<title>Northwind DevOps Inc. - Partner Locator</title>" in page
    assert '<span class="md-ellipsis">Northwind DevOps Inc.</span>' in page
