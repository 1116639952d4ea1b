"""Thousands of generated pages through the theme, with one theme render per page shape.

Material spends about 1.5 ms on every page, nearly all of it on the parts that are the same
on every profile: navigation, header, footer, scripts. Those parts depend on the page's folder
depth and on a few page fields, not on the partner. So each *shape* of page (first folder,
number of folders below it, whether it has a description, whether its body has a heading) is
rendered once, through MkDocs' own context and plugin events, with marker words where the
page's own parts go; each page is then the shape with its markers filled in.

The markers are lowercase letters and digits only, so no escaping, URL quoting or relative-URL
computation in a template can change them; the values that replace them are prepared the
way the plugin prepares them for a normal render. The build tests render the same pages both
ways and compare the bytes.

One thing a shape cannot know is a link into the page's own folder, so a hand-written page
inside a generated page's folder is refused (``nested_documents``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from generator.site.common import PlannedPage

TITLE = "plslottitlex"
DESCRIPTION = "plslotdescriptionx"
HEAD = "plslotheadx"
BODY = "plslotbodyx"
_SEGMENT = "plslotsegment{}x"
_MARKER = re.compile(r"plslot[a-z0-9]+x")
_PLAIN_SEGMENT = re.compile(r"[a-z0-9][a-z0-9-]*")
#: The head element the plugin gives the theme template (see ``theme/partner-locator.html``).
HEAD_CONTEXT_KEY = "partner_locator_head"
#: The light shell's script (a template in ``theme/``, rendered once a build): the palette
#: toggle and the search box of the header, which profiles and directory lists do not repeat.
SHELL_SCRIPT = "assets/partner-locator/shell.js"


def page_title(page: PlannedPage) -> str:
    """The page title as the theme prints it (unescaped there, so escaped here, once), on one
    line: the light shell prints its header without runs of white space, and a title must
    read the same in a page rendered on its own and in one filled into a shape."""
    return str(escape(" ".join(page.title.split())))


def page_description(page: PlannedPage) -> str | None:
    """The page description as the theme prints it, on one line."""
    if not page.description:
        return None
    return str(escape(" ".join(page.description.split())))


@dataclass(frozen=True)
class Shape:
    """What the theme's output depends on, apart from the marked parts."""

    kind: str
    first: str
    depth: int
    described: bool
    headed: bool


def _segments(src_uri: str) -> list[str]:
    parts = src_uri.split("/")
    if parts[-1] != "index.md" or len(parts) < 3:
        raise ValueError(f"{src_uri}: only folder pages (a/b/index.md) can share a shape")
    return parts[:-1]


def shape_of(page: PlannedPage) -> Shape:
    """The shape a generated page is rendered from."""
    first, *rest = _segments(page.src_uri)
    return Shape(page.kind, first, len(rest), page.description is not None,
                 "<h1" in str(page.body))


def nested_documents(stamped: Iterable[str], documents: Iterable[str],
                     urls_of: Mapping[str, str]) -> list[str]:
    """Hand-written pages (by source path) that sit inside the folder of a generated page
    (by source path)."""
    folders = {"/".join(_segments(src)) + "/" for src in stamped}
    nested = []
    for src in documents:
        url = urls_of[src]
        parts = url.split("/")
        inside = ("/".join(parts[:n]) + "/" for n in range(1, len(parts)))
        if any(folder in folders and folder != url for folder in inside):
            nested.append(src)
    return sorted(nested)


def fill(parts: Sequence[str], page: PlannedPage) -> str:
    """A page's HTML: its shape's parts (``ThemePages.parts``) with its own parts filled in."""
    first, *rest = _segments(page.src_uri)
    if not all(_PLAIN_SEGMENT.fullmatch(s) for s in (first, *rest)):
        raise ValueError(f"{page.src_uri}: folders of generated pages must be plain ids")
    values = {
        TITLE: page_title(page),
        DESCRIPTION: page_description(page) or "",
        HEAD: str(page.head) if page.head is not None else "",
        BODY: str(page.body),
    }
    values.update({_SEGMENT.format(i): s for i, s in enumerate(rest)})
    # Even items are theme text, odd items markers.
    return "".join(p if i % 2 == 0 else values[p] for i, p in enumerate(parts))


class ThemePages:
    """Renders generated pages with the theme, one full render per shape."""

    def __init__(self, config: MkDocsConfig, nav: Navigation, env: Environment,
                 documents: Sequence[File], meta: Mapping[str, Mapping[str, Any]]) -> None:
        self.config = config
        self.nav = nav
        self.env = env
        self.documents = documents
        self.meta = meta
        self._shapes: dict[Shape, list[str]] = {}

    def html(self, page: PlannedPage) -> str:
        """The page's HTML, byte for byte what MkDocs would write for it."""
        return fill(self.parts(shape_of(page)), page)

    def parts(self, shape: Shape) -> list[str]:
        """A shape's theme text and markers, alternating (rendered once per shape)."""
        parts = self._shapes.get(shape)
        if parts is None:
            parts = self._shapes[shape] = self._render_shape(shape)
        return parts

    def _render_shape(self, shape: Shape) -> list[str]:
        src = "/".join([shape.first, *(_SEGMENT.format(i) for i in range(shape.depth)),
                        "index.md"])
        file = File.generated(self.config, src, content="",
                              inclusion=InclusionLevel.NOT_IN_NAV)
        page = Page(None, file, self.config)
        page.markdown = ""
        page.meta = {**self.meta[shape.kind], "title": Markup(TITLE)}  # noqa: S704 - a marker
        if shape.described:
            page.meta["description"] = Markup(DESCRIPTION)  # noqa: S704 - a marker
        page.content = f"<h1>{BODY}</h1>" if shape.headed else BODY
        page.toc = get_toc([])
        config = self.config
        config._current_page = page
        page.active = True
        try:
            context = get_context(self.nav, self.documents, config, page)
            template = self.env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config,
                                                     nav=self.nav)
            context[HEAD_CONTEXT_KEY] = Markup(HEAD)  # type: ignore[literal-required]  # noqa: S704
            output = template.render(context)
            output = config.plugins.on_post_page(output, page=page, config=config)
        finally:
            page.active = False
            config._current_page = None
        if shape.headed:
            output = output.replace(f"<h1>{BODY}</h1>", BODY)
        parts = _MARKER.split(output)
        markers = _MARKER.findall(output)
        if markers.count(BODY) != 1:
            raise ValueError(f"the theme printed the body of {src} {markers.count(BODY)} times")
        out: list[str] = []
        for text, marker in zip(parts, [*markers, None], strict=True):
            out.append(text)
            if marker is not None:
                out.append(marker)
        return out
