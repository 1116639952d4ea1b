"""The ``partner-locator`` MkDocs plugin: short handlers that connect the page plan to a build.

Data is loaded and checked in ``on_pre_build``, before anything is written, so invalid data
fails the build with the ``validate`` errors. Under ``mkdocs serve`` it does not fail: every
page shows the errors instead, and the browser reloads when the data is fixed.
Everything else (what the pages say, where they go) is decided by ``generator.site.pages`` and
the page modules it puts together.

``mkdocs build`` writes the new site beside the old one and puts it in place in one rename
once everything is written (``generator.site.publish``); a failed or killed build leaves the
previous site whole.

The locator and the directory's index are MkDocs pages, so hand-written pages can link to them.
Profiles and directory lists, thousands of pages, are written in ``on_post_build`` through
``generator.site.theme_pages``: the same bytes as MkDocs would write, at a fraction of the cost.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import stat
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, cast

from jinja2 import Environment
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler
from mkdocs.utils.templates import TemplateContext
from watchdog.observers.api import BaseObserver

from generator.diagnostics import DataError, Diagnostic
from generator.facets import facet_registry
from generator.site.bulk import (
    Writer,
    manifest_name,
    write_page,
    write_profiles,
)
from generator.site.common import (
    DIRECTORY,
    LOCATOR,
    PlannedPage,
    SiteOptions,
    SitePlan,
    plural,
)
from generator.site.config import PartnerLocatorConfig, resolve_as_of
from generator.site.locator_index import IndexMemo
from generator.site.markers import MARKER, MarkerError, expand_markers
from generator.site.opendata import git_days, sitemap_files, sitemap_pages
from generator.site.pages import plan_aggregates
from generator.site.pieces import Piece, PieceCatalog, by_name, piece_of
from generator.site.prepare import (
    Context,
    Finished,
    Outputs,
    Prepared,
    Seen,
    build_pool,
    entry_of,
    outputs_of,
    owned_paths,
    partner_file_paths,
    partner_site_paths,
    prepare,
    tree_size,
    used_keys,
)
from generator.site.publish import (
    PublishError,
    Staging,
    known_folders,
    remove_later,
    stage,
    take,
)
from generator.site.store import Held, Store, TemplateCodes, digest
from generator.site.theme_pages import (
    HEAD_CONTEXT_KEY,
    SHELL_SCRIPT,
    Shape,
    ThemePages,
    nested_documents,
    page_description,
    page_title,
    shape_of,
)
from generator.site.urls import UrlStyle
from generator.site.watch import Changes, watch_natively

log = logging.getLogger("mkdocs.plugins.partner-locator")
MIB = 1024 * 1024
#: The new site is published by the last of the post-build handlers, so that what any other
#: plugin or hook does there (a warning in a strict build, an error) can still stop it.
PUBLISH_PRIORITY = -1_000_000
HERE = Path(__file__).parent
THEME_DIR = HERE / "theme"
#: The plugin's scripts and styles, each published as one file on every page: one request and
#: one tag instead of several, in each of the thousands of generated pages. Each script is a
#: function of its own, so they run one after the other as they would from separate files.
ASSETS: dict[str, tuple[Path, ...]] = {
    "assets/partner-locator/partner-locator.css": (
        HERE / "assets" / "locator.css", HERE / "assets" / "compare.css"),
    "assets/partner-locator/partner-locator.js": (
        HERE / "assets" / "locator.js", HERE / "assets" / "compare.js",
        HERE / "assets" / "header-search.js"),
}
#: The header's logo icon as an image, for the light shell (``header_logo``).
HEADER_LOGO = "assets/partner-locator/logo.svg"
#: Front matter of generated pages, by kind: the theme template, out of Material's search.
META: dict[str, dict[str, Any]] = {
    "locator": {"template": "partner-locator.html", "search": {"exclude": True},
                "hide": ["navigation", "toc"]},
    "profile": {"template": "partner-locator-light.html", "search": {"exclude": True},
                "hide": ["toc"]},
    "directory": {"template": "partner-locator-light.html", "search": {"exclude": True},
                  "hide": ["toc"]},
    "compare": {"template": "partner-locator.html", "search": {"exclude": True},
                "hide": ["navigation", "toc"]},
}
#: The folder of the partners' own folders (``profile_src``).
PROFILE_FOLDER = "partners"
#: Generated pages that stay MkDocs pages, because hand-written pages link to them.
LINKED_PAGES = frozenset({LOCATOR, DIRECTORY})


def front_matter(meta: dict[str, Any]) -> str:
    """``meta`` as a YAML front matter block (flow style, which YAML reads as JSON)."""
    lines = [f"{key}: {json.dumps(value)}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def bundle(sources: Sequence[Path]) -> bytes:
    """The files of one published asset, one after the other, each ending in a new line."""
    return b"".join(s.read_bytes().rstrip(b"\n") + b"\n" for s in sources)


class _CopiedWhenChanged(File):
    """A file of the theme or of ``docs/``, copied into a served site kept in place only when
    its source is another file than the last build copied there, or the same file changed
    (size, times or inode): the theme's several hundred files are not copied at every
    rebuild. A file that replaces another keeps none of its stamp, even when it is older."""

    copied: dict[str, tuple[str, int, int, int, int]]

    def copy_file(self, dirty: bool = False) -> None:
        source, stamp = self.abs_src_path, None
        if source is not None:
            with suppress(OSError):
                info = Path(source).stat()  # followed: a linked file changes with its target
                stamp = (source, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        if stamp is not None and self.copied.get(self.dest_uri) == stamp \
                and Path(self.abs_dest_path).is_file():
            return
        self.copied.pop(self.dest_uri, None)
        super().copy_file(dirty)
        if stamp is not None:
            self.copied[self.dest_uri] = stamp


class _WrittenWhenChanged(File):
    """A generated file of a served site kept in place, written only when its bytes differ
    from what the last build wrote there (``written``: a digest by destination)."""

    written: dict[str, bytes]

    def copy_file(self, dirty: bool = False) -> None:
        made = hashlib.blake2b(self.content_bytes, digest_size=16).digest()
        if self.written.get(self.dest_uri) == made and Path(self.abs_dest_path).is_file():
            return
        super().copy_file(dirty)
        self.written[self.dest_uri] = made


class PartnerLocatorPlugin(BasePlugin[PartnerLocatorConfig]):  # type: ignore[no-untyped-call]
    """Adds the locator, the profiles, the directory and the open data to a build."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.partners_dir = Path("partners")
        self.plan: SitePlan | None = None
        #: The key of this build's plan of lists: what the catalog's outputs are cached by.
        self.plan_key = ""
        #: Names of the store's values this build read or wrote by name (marker pages).
        self.kept_names: set[str] = set()
        self.planned: dict[str, PlannedPage] = {}
        self.stamped: list[PlannedPage] = []
        self.nav: Navigation | None = None
        self.env: Environment | None = None
        self._documents: Sequence[File] = ()
        self._taken: set[str] = set()
        # Kept across ``mkdocs serve`` rebuilds (MkDocs keeps a plugin with on_startup).
        self.command: str | None = None
        self.dirty = False
        self.staging: Staging | None = None
        #: Under ``mkdocs serve``: the data's problems, when the last load failed.
        self.broken: list[Diagnostic] | None = None
        #: Under ``mkdocs serve``: the generated pages of the last good build, so that their
        #: URLs show the errors while the data is broken.
        self.served_pages: list[str] = []
        #: This build's store of finished partners, and the partners the plan left out.
        self.store: Store | None = None
        self.prepared: Prepared | None = None
        #: Under ``mkdocs serve``: the last build's site, set aside before MkDocs empties the
        #: folder, so that unchanged files are linked from it rather than written again.
        self.aside: Path | None = None
        self._piece_catalog: PieceCatalog | None = None
        #: Under ``mkdocs serve``: the served folder, and whether partner folders were taken
        #: into it from the last served site.
        self.site_dir: Path | None = None
        #: This build's worker processes (loading, then profiles), forked before it holds
        #: much (``build_pool``).
        self.pool: ProcessPoolExecutor | None = None
        self.served_recycled = False
        #: The URL style of partner folders to be taken from an older site once every other
        #: plugin has written its files (``_recycle``); None when none are to be taken.
        self.recycle_style: UrlStyle | None = None
        #: The site's entries the profile writers wrote, and their bytes (``tree_size``).
        self.profiles_counted: tuple[set[str], int] | None = None
        #: Under ``mkdocs serve``: every file the last good build wrote (MkDocs' files and
        #: this plugin's), and whether this build writes into that site, kept in place.
        self.served_files: frozenset[str] | None = None
        self.in_place = False
        self._produced: set[str] = set()
        #: Under ``mkdocs serve`` with a cache folder: its largest records, held in memory
        #: between rebuilds and saved when the server stops.
        self.held: Held | None = None
        #: Under ``mkdocs serve``: the partners' folder's watcher (``on_serve``), what it saw
        #: change, and what the last build listed of the folder.
        self.observer: BaseObserver | None = None
        self.changes: Changes | None = None
        self.seen: Seen | None = None
        #: Under ``mkdocs serve``: a digest of each generated file the last build wrote.
        self.written: dict[str, bytes] = {}
        #: Under ``mkdocs serve``: the source and stamp of each file the last builds copied.
        self.copied: dict[str, tuple[str, int, int, int, int]] = {}
        #: Under ``mkdocs serve``: what the last rebuild of the locator's index worked out.
        self.index_memo: IndexMemo | None = None
        self.held_root: Path | None = None
        #: A build's record of the partner folders known to hold only what a build writes
        #: there (``publish.known_folders``): its name, the folders, their file names, and
        #: the stamps the last builds recorded (of the published site, then of the spare).
        self.folder_record: tuple[str, set[str], set[str], tuple[frozenset[int], ...]] \
            | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Remember the command: only ``build`` publishes atomically, only ``serve`` shows
        data errors in the browser."""
        self.command, self.dirty = command, dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Reset state (``mkdocs serve`` rebuilds), find the data, add the theme parts."""
        self.plan, self.planned, self.stamped, self.plan_key = None, {}, [], ""
        self.kept_names = set()
        self.folder_record = None
        self._piece_catalog = None
        self.profiles_counted = None
        self.in_place = False
        self._produced = set()
        self.nav, self.env, self.broken = None, None, None
        self._close_store()
        root = Path(config.config_file_path or ".").resolve().parent
        self.partners_dir = root / self.config.partners
        try:
            option = self.config.as_of
            self.as_of = resolve_as_of(option if isinstance(option, str | date) else None)
        except ValueError as exc:
            raise PluginError(f"partner-locator: {exc}") from None
        dirs = config.theme.dirs
        if str(THEME_DIR) not in dirs:
            dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
        config.theme.static_templates.add(SHELL_SCRIPT)
        for uri in ASSETS:
            if uri.endswith(".css") and uri not in config.extra_css:
                config.extra_css.append(uri)
            if uri.endswith(".js") and uri not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(uri)
        if self.command == "build":
            self._discard()
            try:
                self.staging = stage(Path(config.site_dir), copy_previous=self.dirty,
                                     spare=self.config.stamp_pages)
            except PublishError as exc:
                raise PluginError(f"partner-locator: site_dir: {exc}") from None
            config.site_dir = str(self.staging.path)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Load, check and finish every partner file before anything is written."""
        self._stop_pool()
        self.pool = build_pool()
        self.recycle_style = None
        if self.command == "serve":
            self.site_dir = Path(config.site_dir)
            self.aside = _set_aside(self.site_dir)
            self.served_recycled = False
        root = Path(config.config_file_path or ".").resolve().parent
        self.store = Store(root / self.config.cache_dir if self.config.cache_dir else None)
        if self.command != "serve" or self.store.temporary:
            self.held = None
        elif self.held is None or self.held_root != self.store.root:
            self.held, self.held_root = Held(), self.store.root
        options = SiteOptions(
            directory_urls=config.use_directory_urls,
            results_per_page=self.config.results_per_page,
            browse_page_size=self.config.browse_page_size,
        )
        changed = self.changes.take() if self.changes is not None else None
        self.prepared = prepare(self.partners_dir, self.as_of, options, _site_url(config),
                                self.store, pool=self.pool, held=self.held, seen=self.seen,
                                changed=changed)
        # Kept only while a watcher can tell the next rebuild what changed.
        self.seen = self.prepared.seen if self.changes is not None else None
        result = self.prepared.result
        if not result.ok:
            error = DataError(list(result.diagnostics))
            if self.command != "serve":
                raise PluginError(str(error))
            # Logged below warning level: a strict build stops on warnings, and then
            # ``mkdocs serve`` would hold every request instead of showing the errors.
            log.info("partner-locator: the site shows these errors until they are fixed:\n%s",
                     error)
            self.broken = error.diagnostics
            self.served_files = None  # the next good build starts from the error pages
            return
        for warning in result.diagnostics:
            # Warnings (a logo part dropped, a country no region claims) leave the data valid;
            # they are logged below warning level so that a strict build still publishes.
            log.info("partner-locator: %s", warning.format())
        plan = self._aggregate_plan(options, _site_url(config), self._target(config))
        if not self.config.stamp_pages:
            # Every profile through MkDocs' own page pipeline: all of them in memory.
            outputs = [self._outputs(f) for f in self.prepared.finished]
            plan = replace(plan, pages=(*plan.pages, *(o.page for o in outputs)),
                           files=(*plan.files, *(d for o in outputs for d in o.files)))
        self.plan = plan
        self.planned = {p.src_uri: p for p in self.plan.pages}
        count = len(self.prepared.finished)
        read = self.prepared.read
        log.info("partner-locator: %s partners as of %s; %s read, the others unchanged since "
                 "the last build", f"{count:,}", self.as_of,
                 plural(read, "partner file"))

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Add the generated pages, the data files and the locator's assets."""
        if self.broken is not None:
            return self._error_files(files, config)
        plan = self._plan()
        # Files rebuilds its index after every append, so clashes are checked against a set.
        self._taken = {f.src_uri for f in files}
        if self.config.stamp_pages:
            self.stamped = [p for p in plan.pages if p.src_uri not in LINKED_PAGES]
            self._claim_stamped(files, UrlStyle(config.use_directory_urls))
            self._claim_partner_files(files)
            self.recycle_style = None if self._keep_in_place() \
                else UrlStyle(config.use_directory_urls)
        stamped = {p.src_uri for p in self.stamped}
        for page in plan.pages:
            if page.src_uri not in stamped:
                self._add(files, File.generated(config, page.src_uri,
                                                content=front_matter(META[page.kind]),
                                                inclusion=InclusionLevel.NOT_IN_NAV))
        for data in plan.files:
            if data.source is not None:
                generated = File.generated(config, data.path, abs_src_path=str(data.source))
            else:
                generated = File.generated(config, data.path, content=data.read())
            self._add(files, generated)
        for uri, sources in ASSETS.items():
            self._add(files, File.generated(config, uri, content=bundle(sources)))
        if (logo := header_logo(config)) is not None:
            self._add(files, File.generated(config, HEADER_LOGO, content=logo))
        return unused_theme_files_removed(files, config)

    def _write_only_changes(self, files: Files) -> None:
        """In a served site kept in place, have MkDocs copy the theme's and ``docs/`` files
        only when their source changed and write generated files only when their bytes
        changed since the last build (several hundred files a rebuild otherwise)."""
        for file in files:
            if type(file) is not File or file.is_documentation_page():
                continue
            if file.generated_by is None:
                file.__class__ = _CopiedWhenChanged
                cast(_CopiedWhenChanged, file).copied = self.copied
            elif file.abs_src_path is None:  # its content is in memory
                file.__class__ = _WrittenWhenChanged
                cast(_WrittenWhenChanged, file).written = self.written

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        """Generated pages get their titles; hand-written pages get their markers expanded."""
        if self.broken is not None:
            page.meta["title"] = ERROR_TITLE
            return ""
        planned = self.planned.get(page.file.src_uri)
        if planned is not None:
            # The theme prints these unescaped, so they are escaped here, once.
            page.meta["title"] = Markup(page_title(planned))  # noqa: S704 - escaped
            if (description := page_description(planned)) is not None:
                page.meta["description"] = Markup(description)  # noqa: S704 - escaped
            return ""
        if self.prepared is None or self.prepared.context is None or self.store is None \
                or not MARKER.search(markdown):
            return markdown
        # Kept by the plan's key: what the markers show is computed from the same entries.
        name = "x" + digest(self.plan_key, markdown)
        kept = self.store.get(name)
        if isinstance(kept, str):
            self.kept_names.add(name)
            return kept
        try:
            expanded = expand_markers(markdown, self._pieces())
        except MarkerError as exc:
            raise PluginError(f"{page.file.src_uri}: {exc}") from None
        self.store.put(name, expanded)
        self.kept_names.add(name)
        return expanded

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        """Generated pages are rendered by the plan, not from Markdown."""
        if self.broken is not None:
            return str(error_body(self.broken))
        planned = self.planned.get(page.file.src_uri)
        return html if planned is None else str(planned.body)

    def on_page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        """Hand the theme template the head elements of a generated page."""
        planned = self.planned.get(page.file.src_uri)
        head = planned.head if planned is not None else None
        context[HEAD_CONTEXT_KEY] = head if head is not None else Markup("")  # type: ignore[literal-required]
        return context

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Keep the navigation: generated pages show it too."""
        self.nav = nav
        return nav

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig,
                 builder: Callable[..., Any]) -> LiveReloadServer:
        """Watch the partners' folder by the system's file notifications rather than by
        MkDocs' polling of every file (``generator.site.watch``), when mkdocs.yml watches
        it and the system can."""
        partners = self.partners_dir.resolve()
        if self.observer is None and any(Path(p).resolve() == partners for p in config.watch):
            changes = Changes(os.fspath(partners))
            self.observer = watch_natively(server, os.fspath(partners), changes)
            if self.observer is not None:
                self.changes = changes
                config.watch = [p for p in config.watch if Path(p).resolve() != partners]
        return server

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        """Keep the theme's environment and the page list for the generated pages."""
        self.env = env
        if env.bytecode_cache is None and self.store is not None:
            env.bytecode_cache = TemplateCodes(self.store, env, held=self.held,
                                               used=self.kept_names)
        self._documents = files.documentation_pages()
        if self.command == "serve":
            self._produced.update(f.dest_uri for f in files)
            self._produced.update(self._theme_outputs(config))
            # Here the theme's files are among the files, as they were not in on_files.
            if self.in_place:
                self._write_only_changes(files)
            else:
                self.written, self.copied = {}, {}
        return env

    @event_priority(-100)  # after every other plugin has written its files
    def _write_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the profiles, directory lists and sitemaps."""
        if self.broken is not None:
            (Path(config.site_dir) / "404.html").write_text(error_page(self.broken),
                                                            encoding="utf-8")
            return
        if self.recycle_style is not None:
            # Only now: the taken folders' files may be the published site's, so no other
            # plugin or hook may find them in the new site and write to them in place.
            style, self.recycle_style = self.recycle_style, None
            try:
                self._recycle(style)
            except OSError as exc:
                raise PluginError("partner-locator: taking the partner folders of an older "
                                  f"site failed: {exc}") from None
        self._write_bulk(config)
        self._stop_pool()
        if self.aside is not None:
            remove_later(self.aside)
            self.aside = None
        if self.command == "serve":
            self._served(Path(config.site_dir))
        self._check_size(Path(config.site_dir))
        if self.command == "serve":
            self.served_pages = sorted({p.src_uri for p in self._plan().pages}
                                       | self._plan().profile_pages)

    @event_priority(PUBLISH_PRIORITY)
    def _publish_post_build(self, *, config: MkDocsConfig) -> None:
        """Publish the new site, after every other handler of the event: a warning one of
        them logs still stops a strict build, with the old site left in place."""
        if self.broken is not None:
            return
        if self.staging is not None and not _strict_warnings():
            # A strict build with warnings is aborted by MkDocs after this handler, and then
            # on_build_error drops the new site; otherwise it takes the old one's place now.
            staging, self.staging = self.staging, None
            record = self._record_folders(staging)
            try:
                staging.publish(background=True, keep=self.config.stamp_pages)
            except OSError as exc:
                staging.discard()
                raise PluginError(f"partner-locator: publishing the site failed: {exc}") from None
            if record is not None and self.store is not None:
                self.store.put(*record)
            config.site_dir = str(staging.target)
            log.info("partner-locator: site published to %s", staging.target)
            self._prune(config, staging.target)

    on_post_build = CombinedEvent(_write_post_build, _publish_post_build)

    def on_build_error(self, *, error: Exception) -> None:
        """A failed build leaves the previous site as it was."""
        self._stop_pool()
        self._discard()
        self._close_store()

    def on_shutdown(self) -> None:
        """A build stopped by anything else (Ctrl-C) leaves no half-written folder behind; a
        server saves the records it held for the next build."""
        self._stop_pool()
        self._discard()
        self._close_store()
        if self.held is not None and self.held_root is not None:
            self.held.save(Store(self.held_root))
            self.held = None
        if self.observer is not None:
            self.observer.stop()
            self.observer = None
        self.changes, self.seen = None, None
        if self.aside is not None:
            remove_later(self.aside)
            self.aside = None
        if self.command == "serve" and self.site_dir is not None \
                and (served := _set_aside(self.site_dir, "removed")) is not None:
            # MkDocs removes the served folder next, file by file, before the server exits
            # (minutes for 100,000 partners): it finds it empty, and a process of its own
            # removes what it held.
            remove_later(served)

    def _prune(self, config: MkDocsConfig, target: Path) -> None:
        """Drop what no build has used for a week from a kept cache."""
        store, prepared = self.store, self.prepared
        if store is None or store.temporary or prepared is None or prepared.context is None:
            return
        plan = plan_name(prepared.context, target)
        used = used_keys(prepared) | self.kept_names | {
            plan, "q" + plan[1:], pieces_name(prepared.context, self.partners_dir),
            manifest_name(target, directory_urls=config.use_directory_urls),
        }
        removed = store.prune(used, tag=prepared.ledger or "")
        if removed:
            log.info("partner-locator: %s cache files unused for a week removed", f"{removed:,}")

    def _stop_pool(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None

    def _close_store(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None
        self.prepared = None

    def _outputs(self, finished: Finished) -> Outputs:
        if self.store is None or self.prepared is None or self.prepared.context is None:
            raise PluginError("partner-locator: the data was not loaded")
        try:
            return outputs_of(self.store, finished, self.prepared.context)
        except OSError as exc:
            raise PluginError(f"partner-locator: {exc}") from None

    def _pieces(self) -> PieceCatalog:
        """Every valid partner's piece, in name order: from this build's workers, from the
        store's record of the last build's pieces, or made from the entry read back."""
        if self._piece_catalog is not None:
            return self._piece_catalog
        prepared, store = self.prepared, self.store
        if store is None or prepared is None or prepared.context is None:
            raise PluginError("partner-locator: the data was not loaded")
        context = prepared.context
        name = pieces_name(context, self.partners_dir)
        kept = store.get(name) if self.held is None else self.held.get(store, name)
        known = kept if isinstance(kept, dict) else {}
        facets = facet_registry(context.program)
        urls = UrlStyle(context.options.directory_urls)
        pieces: dict[str, Piece] = {}
        try:
            for done in prepared.finished:
                piece = done.piece or known.get(done.entry_key)
                if not isinstance(piece, Piece):
                    piece = piece_of(entry_of(store, done, context), facets, urls)
                pieces[done.entry_key] = piece
        except OSError as exc:
            raise PluginError(f"partner-locator: {exc}") from None
        if pieces.keys() != known.keys() or any(p is not known[k] for k, p in pieces.items()):
            if self.held is None:
                store.put(name, pieces)
            else:
                self.held.put(name, pieces)
        self.kept_names.add(name)
        self._piece_catalog = PieceCatalog(context.program, context.as_of,
                                           tuple(sorted(pieces.values(), key=by_name)))
        return self._piece_catalog

    def _aggregate_plan(self, options: SiteOptions, site_url: str | None,
                        target: Path) -> SitePlan:
        """The plan of every page and file but the partners' own: kept from the last build
        of this site when no partner, option or day changed (a rebuild with nothing new)."""
        prepared, store = self.prepared, self.store
        if prepared is None or prepared.context is None or store is None:
            raise PluginError("partner-locator: the data was not loaded")
        name = plan_name(prepared.context, target)
        key = digest(prepared.context.site, self.as_of.isoformat(),
                     *(f.outputs for f in prepared.finished))
        self.plan_key = key
        held = self.held
        # The key is kept on its own, so that a changed build does not read the whole plan.
        if (store.get("q" + name[1:]) if held is None else held.get(store, "q" + name[1:])) \
                == key:
            kept = store.get(name) if held is None else held.get(store, name)
            if isinstance(kept, tuple) and len(kept) == 3 and kept[0] == key \
                    and isinstance(kept[1], SitePlan) and isinstance(kept[2], frozenset):
                # What the plan was made from stays in use while the plan is (pruning).
                self.kept_names.update(kept[2])
                return kept[1]
        memo = _PageMemo(store, prepared.context.site, self.kept_names, held)
        if self.command == "serve" and self.index_memo is None:
            self.index_memo = IndexMemo()
        plan = plan_aggregates(self._pieces(), options, site_url, memo, self.index_memo)
        record = (key, plan, frozenset(self.kept_names))
        if held is None:
            store.put(name, record)
            store.put("q" + name[1:], key)
        else:  # a served site's: of use to no later server
            held.forget_unused("d", self.kept_names)  # directory pages no longer shown
            held.put(name, record, save=False)
            held.put("q" + name[1:], key, save=False)
        return plan

    def _target(self, config: MkDocsConfig) -> Path:
        """Where this build's site is published."""
        return self.staging.target if self.staging is not None else Path(config.site_dir)

    def _check_size(self, site_dir: Path) -> None:
        """Warn when the site is over the size limit, before a deploy is refused for it."""
        limit = self.config.size_limit_mb
        if limit <= 0:
            return
        # The profiles' bytes are counted as they are written; the rest is looked at.
        known, counted = self.profiles_counted or (set(), 0)
        size = tree_size(site_dir, known) + counted
        log.info("partner-locator: the site is %s bytes (%s MB; the limit is %s MB)",
                 f"{size:,}", f"{size / MIB:,.1f}", f"{limit:,}")
        if size > limit * MIB:
            # A warning: a strict build stops here and keeps the published site.
            log.warning(
                "partner-locator: the site is %s MB, over the limit of %s MB set by the "
                "size_limit_mb option; a host with a lower limit refuses to deploy it "
                "(GitLab.com refuses Pages deployments over 1 GB, a self-managed GitLab over "
                "100 MB unless its administrator raised the limit)",
                f"{size / MIB:,.1f}", f"{limit:,}")

    def _discard(self) -> None:
        if self.staging is not None:
            self.staging.discard()
            self.staging = None

    def _error_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Under ``mkdocs serve`` with broken data: the hand-written pages and every URL of
        the last good build, each to show the errors."""
        kept = list(files)
        taken = {f.src_uri for f in kept}
        stub = front_matter({"search": {"exclude": True}, "hide": ["toc"]})
        for src_uri in sorted({LOCATOR, DIRECTORY, *self.served_pages} - taken):
            kept.append(File.generated(config, src_uri, content=stub,
                                       inclusion=InclusionLevel.NOT_IN_NAV))
        return Files(kept)

    def _write_bulk(self, config: MkDocsConfig) -> None:
        plan, prepared = self._plan(), self.prepared
        site_dir = Path(config.site_dir)
        previous = self.staging.target if self.staging is not None else self.aside
        recycled = self.staging.recycled if self.staging is not None else self.served_recycled
        writer = Writer(site_dir, previous if previous is not None and previous.is_dir()
                        else None, recycled, in_place=self.in_place)
        if self.stamped:
            self._write_stamped(config, writer)
        site_url = _site_url(config)
        if site_url and prepared is not None:
            generated = {p.src_uri for p in plan.pages}
            docs = [p for p in _doc_pages(Path(config.docs_dir)) if p not in generated]
            listed = [(p.src_uri, p.kind) for p in plan.pages]
            if self.config.stamp_pages:
                listed += [(src, "profile") for src in sorted(plan.profile_pages)]
            pages = sitemap_pages([(f.slug, f.logo) for f in prepared.finished], listed,
                                  doc_pages=docs, docs_dir=Path(config.docs_dir).resolve(),
                                  partners_dir=self.partners_dir.resolve(),
                                  urls=UrlStyle(config.use_directory_urls))
            days = git_days(Path(config.config_file_path or ".").resolve().parent)
            for data in sitemap_files(site_url, pages, days, self.config.sitemap_limit):
                writer.write(data.path, data.read())
        self._produced.update(writer.paths)
        log.info("partner-locator: %s files written, %s unchanged (%s)",
                 f"{writer.tally.written:,}", f"{writer.tally.linked:,}",
                 "kept in place" if self.in_place else "linked from the previous site")

    def _write_stamped(self, config: MkDocsConfig, writer: Writer) -> None:
        if self.nav is None or self.env is None:
            raise PluginError("partner-locator: the theme was not ready (on_env did not run)")
        theme = ThemePages(config, self.nav, self.env, self._documents, META)
        style = UrlStyle(config.use_directory_urls)
        try:
            for page in self.stamped:
                write_page(writer, style, theme.parts(shape_of(page)), page)
        except ValueError as exc:
            raise PluginError(f"partner-locator: {exc}") from None
        prepared = self.prepared
        if prepared is None or prepared.context is None or self.store is None:
            return
        kinds = {(f.described, f.headed) for f in prepared.finished}
        shapes = {(described, headed): theme.parts(Shape("profile", "partners", 1, described,
                                                         headed))
                  for described, headed in kinds}
        try:
            done = write_profiles(prepared.finished, shapes, prepared.context,
                                  root=writer.root, target=self._target(config),
                                  previous=writer.previous,
                                  directory_urls=config.use_directory_urls,
                                  recycled=writer.recycled or writer.in_place,
                                  pool=self.pool, held=self.held,
                                  trusted=writer.in_place and self.held is not None)
        except OSError as exc:
            raise PluginError(f"partner-locator: {exc}") from None
        writer.tally.add(done)
        paths = [path for f in prepared.finished for path in partner_site_paths(f, style)]
        self.profiles_counted = (owned_paths(paths), done.size)
        if self.command == "serve":
            self._produced.update(paths)

    def _plan(self) -> SitePlan:
        if self.plan is None:
            raise PluginError("partner-locator: the data was not loaded (on_pre_build did not run)")
        return self.plan

    def _claim_stamped(self, files: Files, style: UrlStyle) -> None:
        """Check that no file of docs/ takes the place or the folder of a stamped page."""
        documents = files.documentation_pages()
        srcs = [p.src_uri for p in self.stamped] + sorted(self._plan().profile_pages)
        nested = nested_documents(srcs, [f.src_uri for f in documents],
                                  {f.src_uri: f.url for f in documents})
        if nested:
            raise PluginError(f"partner-locator: docs/{nested[0]} sits inside the folder of a "
                              "generated page; move it")
        written = {f.dest_uri for f in files}
        for src in srcs:
            self._claim(src)
            if (target := style.output_path(src)) in written:
                raise PluginError(f"partner-locator: a file of docs/ is written to {target}, "
                                  "where a generated page goes; rename it")

    def _claim_partner_files(self, files: Files) -> None:
        """Check that no file of docs/ takes the place of a partner's own file."""
        written = {f.dest_uri for f in files}
        for path in partner_file_paths(self.prepared.finished if self.prepared else ()):
            self._claim(path)
            if path in written:
                raise PluginError(f"partner-locator: a file of docs/ is written to {path}, "
                                  "where a generated file goes; rename it")

    def _recycle(self, style: UrlStyle) -> None:
        """Take the partners' folders of the site before the published one into the new site
        (before the profiles are written, after everything else): only the files a build
        writes there, to be replaced."""
        if self.prepared is None or not self.prepared.finished:
            return
        if self.staging is None and (self.aside is None or self.site_dir is None):
            return
        folders: set[str] = set()
        files: set[str] = set()
        for done in self.prepared.finished:
            for path in partner_site_paths(done, style):
                folder, _, name = path.rpartition("/")
                parent, _, slug = folder.rpartition("/")
                if slug == done.slug and parent == PROFILE_FOLDER:
                    folders.add(slug)
                    files.add(name)
        if self.staging is not None:
            records = self._folder_records(folders, files)
            taken = self.staging.recycle(PROFILE_FOLDER, folders, files,
                                         frozenset().union(*records))
            source = "the site before the last one"
        elif self.aside is not None and self.site_dir is not None:
            # Under ``mkdocs serve``: from the last served site, set aside.
            taken = take(self.aside, self.site_dir, PROFILE_FOLDER, folders, files)
            self.served_recycled = taken.folders > 0
            source = "the last served site"
        else:
            return
        if taken.folders:
            unlisted = taken.folders - taken.listed
            log.info("partner-locator: %s taken from %s, to be updated%s",
                     plural(taken.folders, "partner folder"), source,
                     f" ({unlisted:,} known to hold only their files)" if unlisted else "")

    def _folder_records(self, folders: set[str], files: set[str]) -> tuple[frozenset[int], ...]:
        """The stamps of partner folders the last builds recorded (``publish.known_folders``)
        for the site and the files a build writes in a partner folder; kept for this build's
        record."""
        if self.store is None or self.staging is None:
            return ()
        name = "s" + digest(os.path.realpath(self.staging.target), *sorted(files))
        kept = self.store.get(name)
        records = kept if isinstance(kept, tuple) and all(
            isinstance(r, frozenset) for r in kept) else ()
        self.folder_record = (name, folders, files, records[-2:])
        self.kept_names.add(name)
        return records[-2:]

    def _record_folders(self, staging: Staging) -> tuple[str, tuple[frozenset[int], ...]] | None:
        """This build's record of its partner folders that hold only their files, with the
        last build's (the site about to be the spare): to be kept once the site is
        published."""
        if self.folder_record is None or not self.config.stamp_pages:
            return None
        name, folders, files, records = self.folder_record
        known = known_folders(staging.path / PROFILE_FOLDER, folders, files,
                              known=frozenset().union(*records), before=time.time_ns())
        return name, (*records[-1:], known)

    def _keep_in_place(self) -> bool:
        """Under ``mkdocs serve``, after a good build: put the last served site back where
        MkDocs emptied it, to be updated in place (a file that keeps its bytes is not touched,
        one no longer made is removed after the build)."""
        aside, site_dir = self.aside, self.site_dir
        if self.command != "serve" or aside is None or site_dir is None \
                or self.served_files is None:
            return False
        try:
            if any(site_dir.iterdir()):  # something was written since it was set aside
                return False
            site_dir.rmdir()
        except OSError:
            return False
        try:
            aside.rename(site_dir)
        except OSError:
            site_dir.mkdir(mode=0o700, exist_ok=True)
            return False
        self.aside, self.in_place = None, True
        log.info("partner-locator: the last served site kept, to be updated in place")
        return True

    def _served(self, site_dir: Path) -> None:
        """Remove what the last served build wrote and this one did not (a partner taken
        out, a page fewer), and remember what this one wrote."""
        produced = frozenset(self._produced)
        if self.in_place and self.served_files is not None:
            for path in sorted(self.served_files - produced):
                _remove_file(site_dir, path)
        self.served_files = produced

    @staticmethod
    def _theme_outputs(config: MkDocsConfig) -> set[str]:
        """The files MkDocs renders from the theme's static templates (the sitemap also
        compressed)."""
        outputs = {str(name) for name in config.theme.static_templates}
        if "sitemap.xml" in outputs:
            outputs.add("sitemap.xml.gz")
        return outputs

    def _add(self, files: Files, file: File) -> None:
        self._claim(file.src_uri)
        files.append(file)

    def _claim(self, src_uri: str) -> None:
        if src_uri in self._taken:
            raise PluginError(
                f"partner-locator: docs/{src_uri} clashes with a generated file; rename it"
            )
        self._taken.add(src_uri)


ERROR_TITLE = "The partner data has errors"
#: The 404 page of a broken serve is not given MkDocs' reload script: it asks for its own URL
#: every second and reloads once the answer is no longer this page.
_ERROR_POLL = Markup("""<script>
(function poll() {
  setTimeout(function () {
    fetch(location.href, {cache: "no-store"}).then(function (response) {
      return response.text().then(function (text) {
        if (response.ok || text.indexOf("data-partner-locator-errors") < 0) location.reload();
        else poll();
      });
    }, poll);
  }, 1000);
})();
</script>""")


def header_logo(config: MkDocsConfig) -> str | None:
    """The theme's logo icon as a file of its own, drawn in the header's white text colour,
    for the light shell's header to show as an image (``None`` when the theme has a logo
    image, or the icon is not found)."""
    if config.theme.get("logo"):
        return None
    icon = (config.theme.get("icon") or {}).get("logo") or "material/library"
    for folder in config.theme.dirs:
        path = Path(folder) / ".icons" / f"{icon}.svg"
        if path.is_file():
            svg = path.read_text(encoding="utf-8").strip()
            return svg.replace("<svg ", '<svg fill="#fff" ', 1) if svg.startswith("<svg ") \
                else None
    return None


def search_languages(config: MkDocsConfig) -> list[str]:
    """The languages Material's search worker loads lunr files for (the search plugin's
    ``lang``; none when the site has no search)."""
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    lang = plugin.config.get("lang") if plugin is not None else None
    return [str(code) for code in lang or []]


def wanted_lunr_files(languages: Sequence[str]) -> set[str]:
    """The files under ``assets/javascripts/lunr/`` the search worker never loads for these
    languages: it loads the stemmer support, a file per language but English, the
    multi-language file for more than one, ``tinyseg.js`` for Japanese and ``wordcut.js`` for
    Hindi and Thai."""
    wanted = {f"lunr.{code}.min.js" for code in languages if code != "en"}
    if len(languages) > 1:
        wanted.add("lunr.multi.min.js")
    if wanted:
        wanted.add("lunr.stemmer.support.min.js")
    if "ja" in languages:
        wanted.add("tinyseg.js")
    if {"hi", "th"} & set(languages):
        wanted.add("wordcut.js")
    return wanted


def unused_theme_files_removed(files: Files, config: MkDocsConfig) -> Files:
    """The theme's files that no page loads left out of the site: source maps (only a
    browser's developer tools ask for them) and the lunr files of languages the search is not
    configured for."""
    wanted = wanted_lunr_files(search_languages(config))
    theme_dirs = set(config.theme.dirs)
    for file in list(files):
        uri = file.src_uri
        if file.src_dir not in theme_dirs:
            continue
        lunr = uri.startswith("assets/javascripts/lunr/")
        if (uri.endswith(".map") and uri.startswith("assets/")) or (
                lunr and uri.rsplit("/", 1)[-1] not in wanted):
            files.remove(file)
    return files


def error_body(diagnostics: Sequence[Diagnostic]) -> Markup:
    """The page content that stands for every page while the data is broken."""
    errors = sum(1 for d in diagnostics if d.severity == "error")
    count = "1 error in the partner files keeps" if errors == 1 else \
        f"{errors} errors in the partner files keep"
    lines = "\n".join(str(escape(d.format())) for d in diagnostics)
    return Markup(  # noqa: S704 - every diagnostic line is escaped above
        f'<div class="pl-errors" data-partner-locator-errors>'
        f"<h1>{escape(ERROR_TITLE)}</h1>"
        f"<p>{count} the site from being built. Fix them: this page reloads by itself when "
        "the data is valid again.</p>"
        f"<pre><code>{lines}</code></pre></div>"
    )


def error_page(diagnostics: Sequence[Diagnostic]) -> str:
    """A whole page of errors, for URLs that have no page of their own."""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(ERROR_TITLE)}</title></head>\n<body>{error_body(diagnostics)}"
        f"{_ERROR_POLL}</body></html>\n"
    )


@dataclass
class _PageMemo:
    """Directory pages kept in the store (``generator.site.listings.PageMemo``), the names
    read or written recorded as in use."""

    store: Store
    site: str
    names: set[str]
    held: Held | None = None

    def get(self, key: str) -> str | None:
        name = "d" + digest(self.site, key)
        body = self.store.get(name) if self.held is None else self.held.get(self.store, name)
        if not isinstance(body, str):
            return None
        self.names.add(name)
        return body

    def put(self, key: str, body: str) -> None:
        name = "d" + digest(self.site, key)
        if self.held is not None:
            self.held.put(name, body)
            self.names.add(name)
        elif self.store.put(name, body):
            self.names.add(name)


def pieces_name(context: Context, partners: Path) -> str:
    """The store's name for the last build's pieces of the partners of a folder."""
    return "k" + digest(context.site, os.path.realpath(partners))


def plan_name(context: Context, target: Path) -> str:
    """The store's name for the last plan of lists and data of the site at ``target``."""
    return "p" + digest(context.site, os.path.realpath(target))


def _set_aside(site_dir: Path, kind: str = "previous") -> Path | None:
    """Move a served site's folder aside (to ``.<name>.<kind>``) and leave an empty one in
    its place, with the same mode (MkDocs serves from a folder only its user can read)."""
    aside = site_dir.with_name(f".{site_dir.name}.{kind}")
    if os.path.lexists(aside):
        shutil.rmtree(aside, ignore_errors=True)
    try:
        if not site_dir.is_dir() or not any(site_dir.iterdir()):
            return None
        mode = stat.S_IMODE(site_dir.stat().st_mode)
        site_dir.rename(aside)
        site_dir.mkdir(mode=0o700)
        site_dir.chmod(mode)
    except OSError:
        return None
    return aside


def _remove_file(root: Path, path: str) -> None:
    """Remove ``root/path`` (never a folder, never through a link), then the folders it
    leaves empty."""
    target = root / path
    try:
        if stat.S_ISDIR(target.lstat().st_mode):
            return
        target.unlink()
        for parent in target.parents:
            if parent == root or root not in parent.parents:
                break
            parent.rmdir()
    except OSError:
        return


def _strict_warnings() -> bool:
    """Whether MkDocs counted warnings in strict mode, and so will abort this build."""
    return any(isinstance(h, CountHandler) and h.get_counts()
               for h in logging.getLogger("mkdocs").handlers)


def _site_url(config: MkDocsConfig) -> str | None:
    url = config.site_url
    if not url:
        return None
    return url if url.endswith("/") else url + "/"


def _doc_pages(docs_dir: Path) -> list[str]:
    return [
        p.relative_to(docs_dir).as_posix()
        for p in docs_dir.rglob("*.md")
        if not any(part.startswith(".") for part in p.relative_to(docs_dir).parts)
        and "overrides" not in p.relative_to(docs_dir).parts
    ]
