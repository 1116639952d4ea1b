"""Where pages land and how one page links to another, for both URL styles.

Pages are named by their source path (``partners/acme/index.md``). With directory URLs that
page is served at ``partners/acme/``; without them (merge request previews) at
``partners/acme/index.html``. Every link is relative, so the site works under any path prefix.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass


@dataclass(frozen=True)
class UrlStyle:
    """The site's URL style: ``directory_urls`` as in mkdocs.yml's ``use_directory_urls``."""

    directory_urls: bool = True

    def page_url(self, src_uri: str) -> str:
        """The URL path of a page, relative to the site root (``""`` is the home page)."""
        stem = src_uri.removesuffix(".md")
        if stem == "index" or stem.endswith("/index"):
            folder = stem.removesuffix("index")
            return folder if self.directory_urls else f"{folder}index.html"
        return f"{stem}/" if self.directory_urls else f"{stem}.html"

    def output_path(self, src_uri: str) -> str:
        """The file a page is written to, relative to the site folder."""
        url = self.page_url(src_uri)
        return f"{url}index.html" if url == "" or url.endswith("/") else url

    def href(self, from_src: str, to_path: str) -> str:
        """A relative link from a page to another page's URL path or to a file path."""
        here = self.page_url(from_src)
        base = here if here == "" or here.endswith("/") else posixpath.dirname(here) + "/"
        relative = relative_path(to_path, base)
        if to_path == "" or to_path.endswith("/"):
            return "./" if relative == "." else f"{relative}/"
        return relative

    def link(self, from_src: str, to_src: str) -> str:
        """A relative link from one page to another, both named by source path."""
        return self.href(from_src, self.page_url(to_src))


def relative_path(target: str, base: str) -> str:
    """``posixpath.relpath(target, base)`` for clean paths relative to the site root.

    Both paths are plain (no ``.`` or ``..`` parts); this is the directory's hot loop, where
    ``posixpath.relpath`` and its trips through the working directory cost seconds.
    """
    to = [p for p in target.split("/") if p]
    start = [p for p in base.split("/") if p]
    common = 0
    for a, b in zip(to, start, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."
