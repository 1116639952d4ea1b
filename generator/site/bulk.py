"""The bulk of a site written fast: every profile in parallel, and only what changed.

A new site is always a whole new folder (``generator.site.publish``), but most of its files
are usually the bytes the published site already has. Such a file is hard-linked from the
published site into the new one instead of being written again: the new folder is complete
on its own, the rename still publishes it in one step, and the old folder's removal leaves
the linked files in place. Only regular files are linked; anything else in the old site is
ignored, and a file that cannot be linked (another filesystem, a read-only old site) is
written.

Profiles are filled into their theme shapes (``generator.site.theme_pages``) by worker
processes, one per core, which read each partner's page and files from the store the
partners were finished into (``generator.site.prepare``).
"""

from __future__ import annotations

import multiprocessing
import os
import stat
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator.site.common import PlannedPage
from generator.site.prepare import PARALLEL_THRESHOLD, Context, Finished, outputs_of
from generator.site.store import Store
from generator.site.theme_pages import fill
from generator.site.urls import UrlStyle

_CHUNK = 500
#: A profile's theme shape: (described, headed), as ``Finished`` records them.
ShapeKey = tuple[bool, bool]


@dataclass
class Tally:
    """What a writer did: files written, files linked unchanged, and their bytes."""

    written: int = 0
    linked: int = 0
    size: int = 0

    def add(self, other: Tally) -> None:
        """Count another writer's work too."""
        self.written += other.written
        self.linked += other.linked
        self.size += other.size


@dataclass
class Writer:
    """Writes files under ``root``, linking those equal to the file in ``previous``."""

    root: Path
    previous: Path | None
    tally: Tally = field(default_factory=Tally)
    _made: set[Path] = field(default_factory=set)

    def write(self, path: str, data: bytes) -> None:
        """Put ``data`` at ``path`` (relative to the site's root)."""
        target = self.root / path
        parent = target.parent
        if parent not in self._made:
            parent.mkdir(parents=True, exist_ok=True)
            self._made.add(parent)
        self.tally.size += len(data)
        if self.previous is not None and self._link(self.previous / path, target, data):
            self.tally.linked += 1
            return
        target.write_bytes(data)
        self.tally.written += 1

    @staticmethod
    def _link(old: Path, target: Path, data: bytes) -> bool:
        try:
            fd = os.open(old, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return False
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
                return False
            with os.fdopen(os.dup(fd), "rb") as handle:
                if handle.read(len(data) + 1) != data:
                    return False
            os.link(old, target, follow_symlinks=False)
        except OSError:
            return False
        finally:
            os.close(fd)
        return True


#: One profile to write: its outputs' key, the checked partner's key, its slug and shape.
_Job = tuple[str, str, str, ShapeKey]


@dataclass(frozen=True)
class _Setup:
    """What every profile writer of one build shares."""

    shapes: Mapping[ShapeKey, list[str]]
    context: Context
    root: Path
    previous: Path | None
    directory_urls: bool


def _write_chunk(jobs: list[_Job], setup: _Setup) -> Tally:
    store = Store(setup.context.store)
    writer = Writer(setup.root, setup.previous)
    style = UrlStyle(setup.directory_urls)
    for outputs_key, checked_key, slug, shape in jobs:
        outputs = outputs_of(store, outputs_key, checked_key, slug, setup.context)
        write_page(writer, style, setup.shapes[shape], outputs.page)
        for data in outputs.files:
            writer.write(data.path, data.read())
    return writer.tally


def write_page(writer: Writer, style: UrlStyle, parts: Sequence[str], page: PlannedPage) -> None:
    """A page filled into its shape, as MkDocs writes pages: UTF-8, anything unencodable as a
    character reference."""
    html = fill(parts, page)
    writer.write(style.output_path(page.src_uri),
                 html.encode("utf-8", errors="xmlcharrefreplace"))


def write_profiles(finished: Sequence[Finished], shapes: Mapping[ShapeKey, list[str]],
                   context: Context, *, root: Path, previous: Path | None,
                   directory_urls: bool) -> Tally:
    """Every profile page and partner file, in worker processes when there are many."""
    jobs: list[_Job] = [(f.outputs, f.checked, f.entry.slug, (f.described, f.headed))
                        for f in finished]
    setup = _Setup(shapes, context, root, previous, directory_urls)
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < PARALLEL_THRESHOLD or workers < 2:
        return _write_chunk(jobs, setup)
    tally = Tally()
    chunks = [jobs[i:i + _CHUNK] for i in range(0, len(jobs), _CHUNK)]
    pool_context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=pool_context) as pool:
        for done in pool.map(_write_chunk, chunks, [setup] * len(chunks)):
            tally.add(done)
    return tally
