"""Whole builds: byte-identical output, stamped pages equal to MkDocs' own, and data or docs
that fail the build without touching site/."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from generator.site.publish import leftovers, spares
from tests.site.helpers import Build, mkdocs_build, project_copy, set_plugin_options, settled

pytestmark = pytest.mark.slow


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_two_builds_of_the_same_data_are_byte_identical(site_build: Build,
                                                        tmp_path: Path) -> None:
    again = mkdocs_build(site_build.project, tmp_path / "again")
    assert again.returncode == 0, again.output
    first, second = digest(site_build.site), digest(again.site)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_invalid_data_fails_the_build_and_keeps_the_previous_site(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project", hostile=False)
    (project / "partners" / "broken-partner.yml").write_text(
        "name: Broken\nwebsite: ftp://broken.example\nsummary: x\n"
        "headquarters: {country: DE, city: Berlin}\nservices: [migraton]\n"
        "tracks:\n  - {tier: open, from: 2020-01-01}\n",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous site", encoding="utf-8")
    result = mkdocs_build(project, site)
    assert result.returncode == 1
    assert "partners/broken-partner.yml:2:10: error:" in result.output
    assert "partners/broken-partner.yml:5:" in result.output
    assert (site / "index.html").read_text(encoding="utf-8") == "previous site"
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "site"]


def test_a_failed_build_leaves_a_whole_previous_site_byte_identical(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project", hostile=False)
    site = tmp_path / "site"
    assert mkdocs_build(project, site).returncode == 0
    previous = digest(site)
    partner = project / "partners" / "northwind-devops.yml"
    good = partner.read_text(encoding="utf-8")
    partner.write_text(good.replace("website:", "webiste:"), encoding="utf-8")
    failed = mkdocs_build(project, site)
    assert failed.returncode == 1
    assert "partners/northwind-devops.yml:" in failed.output
    assert "unknown key 'webiste'; did you mean 'website'?" in failed.output
    assert digest(site) == previous
    assert leftovers(site) == []
    partner.write_text(good.replace("name: Northwind DevOps Inc.", "name: Northwind Fixed"),
                       encoding="utf-8")
    assert mkdocs_build(project, site).returncode == 0
    assert "Northwind Fixed" in (site / "partners" / "northwind-devops" / "index.html"
                                 ).read_text(encoding="utf-8")
    # The replaced site is kept as the spare the next build takes partner folders from.
    assert settled(site) == []
    assert [p.name.startswith(".site.spare-") for p in spares(site)] == [True]
    assert sorted(p.name for p in tmp_path.iterdir() if p not in spares(site)) == \
        ["project", "site"]


@pytest.mark.parametrize("directory_urls", [True, False])
def test_stamped_pages_are_what_mkdocs_itself_writes(directory_urls: bool, tmp_path: Path,
                                                     request: pytest.FixtureRequest) -> None:
    fixture = "site" if directory_urls else "flat_site"
    stamped: Path = request.getfixturevalue(fixture)
    project = project_copy(tmp_path / "project")
    set_plugin_options(project, stamp_pages=False)
    plain = mkdocs_build(project, tmp_path / "site", directory_urls=directory_urls)
    assert plain.returncode == 0, plain.output
    first, second = digest(stamped), digest(plain.site)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    assert sum(1 for k in first if k.startswith("partners/")) > 40


@pytest.mark.parametrize(("doc", "message"), [
    ("partners/aurora-pipelines/notes.md", "sits inside the folder of a generated page"),
    ("partners/aurora-pipelines.md", "where a generated page goes"),
    ("browse/letter/a/index.md", "clashes with a generated file"),
])
def test_docs_cannot_take_the_place_of_generated_pages(doc: str, message: str,
                                                      tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project", hostile=False)
    target = project / "docs" / doc
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("# In the way\n", encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 1
    assert message in result.output


def test_a_page_left_out_of_the_nav_fails_the_strict_build(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project", hostile=False)
    site = tmp_path / "site"
    assert mkdocs_build(project, site).returncode == 0
    previous = digest(site)
    (project / "docs" / "stray.md").write_text("# Stray\n", encoding="utf-8")
    result = mkdocs_build(project, site)
    assert result.returncode == 1
    assert "not included in the \"nav\" configuration:\n  - stray.md" in result.output
    # MkDocs aborts a strict build after the last plugin event: the new site is not published.
    assert "Aborted with 1 warnings in strict mode!" in result.output
    assert digest(site) == previous
    assert leftovers(site) == []


def test_a_strict_build_shows_data_warnings_and_still_publishes(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project", hostile=False)
    logo = project / "partners" / "elbe-devops.svg"
    logo.write_text(logo.read_text(encoding="utf-8").replace(
        "</svg>", '<script>alert(1)</script></svg>'), encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.output
    warnings = [line for line in result.output.splitlines() if "[logo-dropped]" in line]
    assert len(warnings) == 1
    assert "partners/elbe-devops.svg:" in warnings[0] and "warning:" in warnings[0]
    assert b"<script" not in (tmp_path / "site" / "logos" / "elbe-devops.svg").read_bytes()
