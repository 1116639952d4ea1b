"""``partner-locator render --out DIR``: the same page plan, written without MkDocs.

Pages go into a bare HTML shell; hand-written pages under ``docs/`` are converted with
Python-Markdown after their markers are expanded. This is the proof that the plan does not
depend on MkDocs: moving to another generator means writing a new shell, not new pages.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import markdown  # type: ignore[import-untyped]  # no stubs are installed for it
from markupsafe import Markup

from generator.catalog import Catalog
from generator.load import LoadResult
from generator.site.common import DataFile, PlannedPage, SiteOptions, render
from generator.site.listings import LOCATOR_HEAD
from generator.site.markers import expand_markers
from generator.site.pages import plan_site
from generator.site.publish import PublishError, stage
from generator.site.urls import UrlStyle

ASSETS = Path(__file__).parent / "assets"
SITE_NAME = "Partner Locator"
_MD_LINK = re.compile(r'href="(?![a-z]+:|#|/)([^"#]*?)\.md(#[^"]*)?"')
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


def _docs_pages(docs_dir: Path, catalog: Catalog, urls: UrlStyle) -> list[PlannedPage]:
    pages = []
    for path in sorted(docs_dir.rglob("*.md")):
        src = path.relative_to(docs_dir).as_posix()
        if src.startswith("overrides/"):
            continue
        text = _FRONT_MATTER.sub("", path.read_text(encoding="utf-8"))
        html = markdown.markdown(
            expand_markers(text, catalog),
            extensions=["tables", "attr_list", "md_in_html", "toc", "def_list", "admonition"],
        )

        def link(match: re.Match[str], src: str = src) -> str:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(src),
                                                       match.group(1) + ".md"))
            return f'href="{urls.link(src, target)}{match.group(2) or ""}"'

        html = _MD_LINK.sub(link, html)
        title_match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
        title = re.sub(r"<[^>]+>", "", title_match.group(1)) if title_match else SITE_NAME
        pages.append(PlannedPage(src, "docs", title, Markup(html)))  # noqa: S704 - our docs
    return pages


#: Marks a folder this command wrote, so that only such a folder is ever replaced.
MARKER = ".partner-locator-render"


class OutputFolderError(Exception):
    """``--out`` names a folder this command did not write: it is never deleted."""


def render_folder(result: LoadResult, as_of: date, out: Path, *, docs_dir: Path | None,
                  directory_urls: bool = True) -> int:
    """Write the whole site into ``out``, replacing an earlier render there; returns the
    number of pages written. The site is written beside ``out`` and takes its place in one
    rename (``generator.site.publish``): a run that fails or is killed leaves the old one.
    """
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"'{out}' is a file, not a folder: choose a folder")
    if out.exists() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise OutputFolderError(
            f"'{out}' is not empty and was not written by 'render': choose another folder"
        )
    catalog = Catalog.build(result, as_of)
    options = SiteOptions(directory_urls=directory_urls)
    urls = UrlStyle(directory_urls)
    plan = plan_site(catalog, result.folder, options)
    pages = list(plan.pages)
    if docs_dir is not None and docs_dir.is_dir():
        pages.extend(_docs_pages(docs_dir, catalog, urls))
    try:
        staging = stage(out)
    except PublishError as exc:
        raise OutputFolderError(str(exc)) from None
    try:
        _write(staging.path, pages, plan.files, urls, directory_urls=directory_urls)
        staging.publish()
    except BaseException:
        staging.discard()
        raise
    return len(pages)


def _write(out: Path, pages: list[PlannedPage], files: Sequence[DataFile], urls: UrlStyle, *,
           directory_urls: bool) -> None:
    (out / MARKER).write_text("written by partner-locator render\n", encoding="utf-8")
    for page in pages:
        root = urls.href(page.src_uri, "")
        head = page.head if page.head is not None else Markup("")
        if page.src_uri.startswith("partners/index"):
            head = LOCATOR_HEAD
        html = render(
            "shell.html", title=page.title, site_name=SITE_NAME, description=page.description,
            root="" if root == "./" else root, head=head, body=page.body,
            index_suffix="" if directory_urls else "index.html",
        )
        target = out / urls.output_path(page.src_uri)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(str(html), encoding="utf-8")
    for data in files:
        target = out / data.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.read())
    assets = out / "assets" / "partner-locator"
    assets.mkdir(parents=True, exist_ok=True)
    for asset in sorted(ASSETS.iterdir()):
        shutil.copyfile(asset, assets / asset.name)
