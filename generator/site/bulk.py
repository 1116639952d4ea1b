"""The bulk of a site written fast: every profile in parallel, and only what changed.

A new site is always a whole new folder (``generator.site.publish``), but most of its files
are usually the bytes the published site already has. Such a file is hard-linked from the
published site into the new one instead of being written again: the new folder is complete
on its own, the rename still publishes it in one step, and the old folder's removal leaves
the linked files in place. Only regular files are linked, and only from real folders of the
old site: a symlink there, to a file or to a folder, is never followed. Anything else in the
old site is ignored, and a file that cannot be linked (another filesystem, a read-only old site) is
written.

A new site may start with folders taken from the site before the published one
(``Staging.recycle``): their files are often the published site's own, so the writer never
writes one in place. A file that is still as the last build wrote it stays; any other is
replaced.

Profiles are filled into their theme shapes (``generator.site.theme_pages``) by worker
processes, one per core, which read each partner's page and files from the store the
partners were finished into (``generator.site.prepare``).
"""

from __future__ import annotations

import os
import posixpath
import shutil
import stat
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.site.common import PlannedPage
from generator.site.prepare import (
    PARALLEL_THRESHOLD,
    Context,
    Finished,
    outputs_of,
    worker_count,
    workers_of,
)
from generator.site.store import Held, Store, digest
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


#: A file as written: its path in the site, size, modification time and inode.
Stamp = tuple[str, int, int, int]


@dataclass
class Writer:
    """Writes files under ``root``, linking those equal to the file in ``previous``."""

    root: Path
    previous: Path | None
    #: Whether ``root`` holds folders taken from an older site (``Staging.recycle``).
    recycled: bool = False
    #: Whether ``root`` is the last site itself (under ``mkdocs serve``): a file that already
    #: holds the bytes to be written stays as it is.
    in_place: bool = False
    tally: Tally = field(default_factory=Tally)
    #: The paths written or kept, in this process.
    paths: set[str] = field(default_factory=set)
    _made: set[Path] = field(default_factory=set)
    #: Folders of the previous site (relative paths) by whether they are real folders all the
    #: way down from its root, not links to folders elsewhere.
    _real: dict[str, bool] = field(default_factory=dict)

    def write(self, path: str, data: bytes) -> Stamp:
        """Put ``data`` at ``path`` (relative to the site's root)."""
        target = self._target(path)
        self.paths.add(path)
        self.tally.size += len(data)
        if self.in_place and _holds(target, data) is not None:
            self.tally.linked += 1
        else:
            if self.recycled or self.in_place:
                _clear(target)
            if self.previous is not None and self._inside(path) \
                    and self._link(self.previous / path, target, data):
                self.tally.linked += 1
            else:
                target.write_bytes(data)
                self.tally.written += 1
        info = target.stat()
        return (path, info.st_size, info.st_mtime_ns, info.st_ino)

    def relink(self, stamps: Sequence[Stamp]) -> bool:
        """Keep or link files that are still as they were written (same size, time and
        inode): in a recycled folder of the new site, or else in the previous site. False,
        with nothing linked, when any of them is not."""
        links: list[tuple[str, Path]] = []
        for path, size, mtime, inode in stamps:
            if (self.recycled or self.in_place) \
                    and _as_written(f"{self.root}/{path}", size, mtime, inode):
                continue
            if self.previous is None or not self._inside(path) \
                    or not _as_written(f"{self.previous}/{path}", size, mtime, inode):
                return False
            links.append((path, self.previous / path))
        for done, (path, source) in enumerate(links):
            target = self._target(path)
            try:
                if self.recycled or self.in_place:
                    _clear(target)
                os.link(source, target, follow_symlinks=False)
            except OSError:
                for undo, _ in links[:done]:
                    (self.root / undo).unlink(missing_ok=True)
                return False
        self.tally.linked += len(stamps)
        self.tally.size += sum(stamp[1] for stamp in stamps)
        self.paths.update(stamp[0] for stamp in stamps)
        return True

    def _inside(self, path: str) -> bool:
        """Whether every folder of ``path`` in the previous site is a real folder, so that
        its file there is a file of the previous site and not one a link leads to."""
        parent = posixpath.dirname(path)
        if not parent or self.previous is None:
            return self.previous is not None
        known = self._real.get(parent)
        if known is None:
            try:
                mode = os.lstat(self.previous / parent).st_mode
            except OSError:
                known = False
            else:
                known = stat.S_ISDIR(mode) and self._inside(parent)
            self._real[parent] = known
        return known

    def _target(self, path: str) -> Path:
        target = self.root / path
        parent = target.parent
        if parent not in self._made:
            parent.mkdir(parents=True, exist_ok=True)
            self._made.add(parent)
        return target

    @staticmethod
    def _link(old: Path, target: Path, data: bytes) -> bool:
        if _holds(old, data) is None:
            return False
        try:
            os.link(old, target, follow_symlinks=False)
        except OSError:
            return False
        return True


def _clear(target: Path) -> None:
    """Make way for a file at ``target``, whatever is there (a file, a link, a folder)."""
    try:
        target.unlink(missing_ok=True)
    except OSError:
        if not target.is_dir() or target.is_symlink():
            raise
        shutil.rmtree(target)


def _new_file_mode() -> int:
    """The permissions of a file this process creates: 0o666 less the umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


#: A file is kept or linked only with the owner and permissions it would be written with:
#: one made unreadable, or by a build under another umask or user, is written again.
_MODE, _OWNER = _new_file_mode(), os.geteuid() if hasattr(os, "geteuid") else -1


def _as_new(info: os.stat_result) -> bool:
    """Whether ``info`` is of a regular file with the owner and mode of a new one."""
    return stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == _MODE \
        and (_OWNER < 0 or info.st_uid == _OWNER)


def _holds(path: Path, data: bytes) -> os.stat_result | None:
    """The stat of ``path`` when it is a regular file (not a link to one) holding exactly
    ``data``, with the owner and mode of a new file (``_as_new``); None otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not _as_new(info) or info.st_size != len(data):
            return None
        with os.fdopen(os.dup(fd), "rb") as handle:
            if handle.read(len(data) + 1) != data:
                return None
    except OSError:
        return None
    finally:
        os.close(fd)
    return info


def _as_written(path: Path | str, size: int, mtime: int, inode: int) -> bool:
    """Whether ``path`` is the regular file a stamp was taken of, unchanged since (and with
    the owner and mode of a new file)."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return (info.st_size, info.st_mtime_ns, info.st_ino) == (size, mtime, inode) \
        and _as_new(info)


#: What the last build wrote for each profile, by the key of its outputs and shape: enough
#: to link the files again without reading anything.
Manifest = dict[str, tuple[Stamp, ...]]


@dataclass(frozen=True)
class _Setup:
    """What every profile writer of one build shares."""

    shapes: Mapping[ShapeKey, list[str]]
    context: Context
    root: Path
    previous: Path | None
    recycled: bool
    directory_urls: bool
    #: A key of each shape's parts, so that a changed theme writes every page again.
    shape_keys: Mapping[ShapeKey, str]


def _shape(done: Finished) -> ShapeKey:
    return (done.described, done.headed)


def _write_chunk(jobs: list[Finished], setup: _Setup, last: Manifest) -> tuple[Tally, Manifest]:
    store = Store(setup.context.store)
    writer = Writer(setup.root, setup.previous, setup.recycled)
    style = UrlStyle(setup.directory_urls)
    manifest: Manifest = {}
    for done in jobs:
        shape = _shape(done)
        key = done.outputs + setup.shape_keys[shape]
        stamps = last.get(key)
        if stamps is None or not writer.relink(stamps):
            outputs = outputs_of(store, done, setup.context)
            written = [write_page(writer, style, setup.shapes[shape], outputs.page)]
            written.extend(writer.write(data.path, data.read()) for data in outputs.files)
            stamps = tuple(written)
        manifest[key] = stamps
    return writer.tally, manifest


def _keep_written(jobs: list[Finished], shape_keys: Mapping[ShapeKey, str], known: Manifest, *,
                  tally: Tally, manifest: Manifest, writer: Writer | None) -> list[Finished]:
    """Record as kept the profiles the last build wrote (``known``) with these outputs and
    shape, when ``writer`` can keep or link each of their files as it was written
    (``Writer.relink``; with no writer, they are kept without a look); the others, still to
    be written."""
    rest: list[Finished] = []
    for job in jobs:
        key = job.outputs + shape_keys[_shape(job)]
        stamps = known.get(key)
        if stamps is None or (writer is not None and not writer.relink(stamps)):
            rest.append(job)
            continue
        manifest[key] = stamps
        if writer is None:
            tally.linked += len(stamps)
            tally.size += sum(stamp[1] for stamp in stamps)
    if writer is not None:
        tally.add(writer.tally)
    return rest


def write_page(writer: Writer, style: UrlStyle, parts: Sequence[str],
               page: PlannedPage) -> Stamp:
    """A page filled into its shape, as MkDocs writes pages: UTF-8, anything unencodable as a
    character reference."""
    html = fill(parts, page)
    return writer.write(style.output_path(page.src_uri),
                        html.encode("utf-8", errors="xmlcharrefreplace"))


def manifest_name(target: Path, *, directory_urls: bool) -> str:
    """The store's name for what was last written for the site at ``target``."""
    return "m" + digest(os.path.realpath(target), str(directory_urls))


def write_profiles(finished: Sequence[Finished], shapes: Mapping[ShapeKey, list[str]],
                   context: Context, *, root: Path, target: Path, previous: Path | None,
                   directory_urls: bool, recycled: bool = False,
                   pool: ProcessPoolExecutor | None = None, held: Held | None = None,
                   trusted: bool = False) -> Tally:
    """Every profile page and partner file into ``root``, for the site published at
    ``target``, in worker processes when there are many (``pool``, from ``build_pool``;
    without one, forked now).

    Profiles whose outputs and shape are those of the previous build, and whose files in the
    previous site are untouched since, are linked without being read; the store keeps what
    each build wrote for the next one (a server keeps it ``held`` in memory). A ``trusted``
    root is the site the last build wrote, which nothing else writes to (a served site kept
    in place): its files of unchanged profiles are kept without a look at them.
    """
    jobs = [f.row() if f.kept is None else replace(f, entry=None) for f in finished]
    store = Store(context.store)
    name = manifest_name(target, directory_urls=directory_urls)
    # Without a previous site, only files already in ``root`` can be kept (``recycled``).
    read = store.get if held is None else lambda key: held.get(store, key)
    last = read(name) if previous is not None or recycled else None
    shape_keys = {shape: digest(*parts)[:16] for shape, parts in shapes.items()}
    setup = _Setup(shapes, context, root, previous, recycled, directory_urls, shape_keys)
    known: Manifest = last if isinstance(last, dict) else {}
    tally, manifest = Tally(), Manifest()
    if known and (trusted or recycled):
        # What the last build wrote for a profile whose outputs and shape are the same is
        # kept where it is: in the served site updated in place (``trusted``, without a look)
        # or in the folders taken from an older site when each file is as it was written,
        # its other files linked from the previous site (here: a stat or a link a file is
        # cheaper than sending the profile to a worker).
        keeper = None if trusted else Writer(root, previous, recycled)
        jobs = _keep_written(jobs, shape_keys, known, tally=tally, manifest=manifest,
                             writer=keeper)
    if len(jobs) < PARALLEL_THRESHOLD or worker_count() < 2:
        done, written = _write_chunk(jobs, setup, known)
        tally.add(done)
        manifest.update(written)
    else:
        chunks = [jobs[i:i + _CHUNK] for i in range(0, len(jobs), _CHUNK)]
        # Each chunk is sent what the last build wrote for its own profiles only.
        slices = [{k: known[k] for job in chunk
                   if (k := job.outputs + shape_keys[_shape(job)]) in known} for chunk in chunks]
        with workers_of(pool) as running:
            for done, written in running.map(_write_chunk, chunks, [setup] * len(chunks),
                                             slices):
                tally.add(done)
                manifest.update(written)
    if held is None:
        store.put(name, manifest)
    else:  # a served site's: of use to no later server
        held.put(name, manifest, save=False)
    return tally
