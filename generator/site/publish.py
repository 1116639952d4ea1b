"""Publishing a site folder whole: written beside the old one, swapped in with one rename.

A build writes into a sibling of the target, ``.<name>.partial-<token>``, in the same folder
and so on the same filesystem. When everything is written and on disk, one system call puts
it in place: on Linux ``renameat2(RENAME_EXCHANGE)`` swaps the old and the new folder, so the
target path never stops naming a whole site; where there is no old site, a plain rename. Only
then is the old tree (now at the partial name) removed.

Where ``renameat2`` is missing (another system, an old C library, a filesystem that does not
support the exchange), the old folder is renamed aside to ``.<name>.old-<token>`` and the new
one renamed in: between those two renames the target does not exist. A process killed in that
window leaves both folders; the next publish into the same target renames the old one back
before it starts, so a reader then finds the previous site again.

Leftovers of killed runs are removed by the next run. A folder in use is held with ``flock``,
so two runs into the same target never delete each other's work.

A build that writes thousands of partner folders can keep the replaced tree as a *spare*,
``.<name>.spare-<token>``, instead of removing it (``publish(keep=...)``): the next build
takes the spare's partner folders into its new site (``Staging.recycle``) rather than making
every folder again while the old ones are removed. They are taken last, once every other
plugin has written its files, so that no other code finds in the new site a file it shares
with the published one. Only the folders named are taken, emptied of anything else, and the
writer (``generator.site.bulk``) never writes a file of a taken folder in place: it is
replaced, so the published site, which may share the file, stays as it was. Whatever else
the spare holds is removed.

A taken folder is listed, to remove what a build does not write there, unless it is *known*:
before each publish, the build records a stamp (``folder_stamp``: inode, modification and
change times) of every partner folder of the new site that holds only names a build writes
there (``known_folders``), and a folder whose stamp is still one recorded has had no entry
added, removed or renamed since. At 100,000 partners that is 100,000 listings fewer.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import secrets
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Collection, Container, Iterable
from pathlib import Path
from typing import NamedTuple

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: no locking, the rest works
    fcntl = None  # type: ignore[assignment]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
#: Test hook: ``PHASE:FLAG_FILE`` makes a run write FLAG_FILE and wait at PHASE (``staged``:
#: written and synced, not yet swapped; ``swapped``: new site in place, old tree not yet
#: removed; ``aside``: in the fallback, old site renamed aside, new one not yet in), so a test
#: can kill the process at an exact moment.
PAUSE_ENV = "PARTNER_LOCATOR_PUBLISH_PAUSE"


#: A folder changed less than this before a site is published is not recorded as known: a
#: change made just after it, within a coarse clock's resolution, could leave its times.
SETTLED_NS = 1_000_000_000
_MASK = (1 << 64) - 1


class PublishError(Exception):
    """The target cannot be published to (it is a file, or its folder cannot be written)."""


def _libc() -> ctypes.CDLL | None:
    if sys.platform != "linux":
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        return None


_LIBC = _libc()


def _exchange_function() -> Callable[[bytes, bytes], int] | None:
    """``renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)``, or None where it is missing."""
    function = getattr(_LIBC, "renameat2", None)
    if function is None:
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]
    function.restype = ctypes.c_int

    def exchange(first: bytes, second: bytes) -> int:
        if function(_AT_FDCWD, first, _AT_FDCWD, second, _RENAME_EXCHANGE) == 0:
            return 0
        return ctypes.get_errno()

    return exchange


#: Swaps two paths atomically and returns 0, or an errno; None where the call is missing.
exchange: Callable[[bytes, bytes], int] | None = _exchange_function()


def _checkpoint(phase: str) -> None:
    hook = os.environ.get(PAUSE_ENV, "")
    wanted, _, flag = hook.partition(":")
    if hook and wanted == phase:
        Path(flag).write_text(phase, encoding="utf-8")
        time.sleep(600)


def _lock(path: Path) -> int | None:
    """Open ``path`` and hold an exclusive lock on it; None if another run holds it."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    if fcntl is None:  # pragma: no cover - not on POSIX
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _sync_tree(root: Path) -> None:
    """Put the files and folders under ``root`` on disk before they are published."""
    fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        # One syncfs covers every file and directory entry of the filesystem.
        if _LIBC is not None and hasattr(_LIBC, "syncfs") and _LIBC.syncfs(fd) == 0:
            return
    finally:
        os.close(fd)
    for folder, _dirs, names in os.walk(root):  # pragma: no cover - without syncfs
        for name in names:
            path = Path(folder) / name
            if not path.is_symlink():
                _fsync(path, os.O_RDONLY)
        _fsync(Path(folder), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))


def _fsync(path: Path, flags: int) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Staging:
    """A new site being written beside ``target``; :meth:`publish` or :meth:`discard` it."""

    def __init__(self, target: Path, path: Path, lock: int | None,
                 spare: tuple[Path, int] | None = None) -> None:
        self.target = target
        self.path = path
        self._lock = lock
        self._spare = spare
        #: Whether folders were taken from a spare: their files may be the published
        #: site's, so they are replaced, never written in place.
        self.recycled = False

    def recycle(self, folder: str, names: set[str], files: set[str],
                known: Container[int] = frozenset()) -> Taken:
        """Take the spare's subfolders ``names`` of ``folder`` into the new site (``take``)."""
        if self._spare is None:
            return Taken(0, 0)
        taken = take(self._spare[0], self.path, folder, names, files, known=known)
        self.recycled = self.recycled or taken.folders > 0
        return taken

    def publish(self, *, background: bool = False, keep: bool = False) -> None:
        """Put the staged site in place of the target in one step, then drop the old tree
        (with ``background``, in a process of its own: see ``remove_later``), or keep it as
        the next build's spare (``keep``)."""
        _sync_tree(self.path)
        _checkpoint("staged")
        parent = self.target.parent
        if not os.path.lexists(self.target):
            self.path.rename(self.target)
            old = None
        else:
            old_lock = _lock(self.target)
            error = exchange(bytes(self.path), bytes(self.target)) if exchange else -1
            if error == 0:
                old = self.path  # the old site now sits at the staging name
            else:
                old = _unique(parent, f".{self.target.name}.old-")
                self.target.rename(old)
                _checkpoint("aside")
                self.path.rename(self.target)
            _fsync(parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            _checkpoint("swapped")
            if old_lock is not None:
                os.close(old_lock)
        self._release()
        if old is not None and keep:
            try:
                old.rename(_unique(parent, f".{self.target.name}.spare-"))
                old = None
            except OSError:
                pass
        if old is not None:
            if background:
                remove_later(old)
            else:
                shutil.rmtree(old, ignore_errors=True)
        # The spare held is the site before the one just replaced, which is now the spare.
        self._drop_spare(background=background, whole=False)

    def discard(self) -> None:
        """Remove the staged folder; the target stays as it was (a spare that gave folders
        to it is removed too, since they are gone)."""
        self._release()
        shutil.rmtree(self.path, ignore_errors=True)
        self._drop_spare(background=False, whole=not self.recycled)

    def _drop_spare(self, *, background: bool, whole: bool) -> None:
        """Let go of the spare: kept for the next build when ``whole``, else removed."""
        if self._spare is None:
            return
        path, lock = self._spare
        self._spare = None
        os.close(lock)
        if whole:
            return
        if background:
            remove_later(path)
        else:
            shutil.rmtree(path, ignore_errors=True)

    def _release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None


class Taken(NamedTuple):
    """What ``take`` did: the folders taken, and how many of them were listed."""

    folders: int
    listed: int


def take(source: Path, root: Path, folder: str, names: set[str], files: set[str], *,
         known: Container[int] = frozenset()) -> Taken:
    """Move the subfolders ``names`` of ``source/folder`` to ``root/folder``, emptied of
    anything not named in ``files`` (``_only_files``; a folder whose stamp is ``known`` holds
    nothing else, and is not listed); the rest of ``source/folder`` is removed.

    What ``root/folder`` already holds (the pages MkDocs wrote there) is moved in among them,
    and wins over a taken file of the same name. Nothing is taken when ``root/folder`` is not
    a real folder."""
    origin, target = source / folder, root / folder
    if os.path.lexists(target) and (target.is_symlink() or not target.is_dir()):
        return Taken(0, 0)
    taken = listed = 0
    try:
        if origin.is_symlink() or not origin.is_dir():
            return Taken(0, 0)
        with os.scandir(origin) as entries:
            for entry in entries:
                if entry.name in names and entry.is_dir(follow_symlinks=False):
                    if folder_stamp(entry.stat(follow_symlinks=False)) not in known:
                        _only_files(Path(entry.path), files)
                        listed += 1
                    taken += 1
                elif entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    Path(entry.path).unlink()
    except OSError:
        return Taken(0, 0)
    # From here the new site's own pages move: a failure is the build's (an OSError).
    if os.path.lexists(target):
        _merge(target, origin)
        target.rmdir()
    target.parent.mkdir(parents=True, exist_ok=True)
    origin.rename(target)
    return Taken(taken, listed)


def _merge(source: Path, into: Path) -> None:
    """Move every entry of ``source`` into ``into``, folders into folders; an entry of
    ``source`` replaces one of ``into`` of the same name that is not a folder to merge with.
    ``source`` is left empty."""
    with os.scandir(source) as entries:
        for entry in entries:
            there = into / entry.name
            if entry.is_dir(follow_symlinks=False):
                if there.is_dir() and not there.is_symlink():
                    _merge(Path(entry.path), there)
                    Path(entry.path).rmdir()
                    continue
                if os.path.lexists(there):
                    _clear_path(there)
            elif there.is_dir() and not there.is_symlink():
                shutil.rmtree(there)
            Path(entry.path).replace(there)


def _clear_path(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def folder_stamp(info: os.stat_result) -> int:
    """A folder as ``lstat`` gives it, in one number: its inode and its modification and
    change times. Adding, removing or renaming an entry in it changes the number."""
    return ((info.st_ino & _MASK) << 128) | ((info.st_mtime_ns & _MASK) << 64) \
        | (info.st_ctime_ns & _MASK)


def known_folders(parent: Path, names: Iterable[str], files: Collection[str], *,
                  known: Container[int], before: int) -> frozenset[int]:
    """The stamps of the subfolders ``names`` of ``parent`` that hold no entry but those
    named ``files``: a folder whose stamp is ``known`` (it holds what it held when that was
    recorded), or else whose listing shows it; of those last changed ``SETTLED_NS`` or more
    before ``before`` (nanoseconds since the epoch) only."""
    allowed = frozenset(files)
    stamps: set[int] = set()
    for name in names:
        path = f"{parent}/{name}"
        try:
            info = os.lstat(path)
            if not stat.S_ISDIR(info.st_mode) or info.st_ctime_ns > before - SETTLED_NS:
                continue
            stamp = folder_stamp(info)
            # Listed after the stamp: an entry added in between is seen, or changes it.
            if stamp in known or allowed.issuperset(os.listdir(path)):  # noqa: PTH208 - names
                stamps.add(stamp)
        except OSError:
            continue
    return frozenset(stamps)


def _only_files(folder: Path, files: set[str]) -> None:
    """Leave only the entries named ``files`` in ``folder``: one of them that is not a
    regular file, or not as the last build wrote it, is replaced when the new build writes
    it (``generator.site.bulk.Writer``). A folder is listed, not each entry looked at."""
    for name in os.listdir(folder):  # noqa: PTH208 - names only: no Path for each entry
        if name in files:
            continue
        path = folder / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()


def remove_later(path: Path) -> None:
    """Remove a folder in a process of its own, so that a build does not wait for it.

    Removing a site's folders costs far more than writing it on some filesystems. The folder
    keeps a name of a staging folder that nobody holds, so the next build removes what is
    left of it if this process was stopped; without a way to start the process, it is
    removed now.
    """
    # The removal holds the folder's lock, so the next build does not remove it too.
    code = ("import fcntl, os, shutil, sys\n"
            "fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "shutil.rmtree(sys.argv[1], ignore_errors=True)\n")
    try:
        subprocess.Popen(  # noqa: S603 - this interpreter, a fixed program, one path
            [sys.executable, "-c", code, str(path)], start_new_session=True,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    except OSError:
        shutil.rmtree(path, ignore_errors=True)


def _unique(parent: Path, prefix: str) -> Path:
    return parent / f"{prefix}{secrets.token_hex(6)}"


def leftovers(target: Path) -> list[Path]:
    """Staging and set-aside folders of earlier runs into ``target``, sorted by name."""
    prefixes = (f".{target.name}.partial-", f".{target.name}.old-")
    if not target.parent.is_dir():
        return []
    return sorted(p for p in target.parent.iterdir() if p.name.startswith(prefixes))


def spares(target: Path) -> list[Path]:
    """Replaced sites kept beside ``target`` for the next build to take folders from."""
    if not target.parent.is_dir():
        return []
    prefix = f".{target.name}.spare-"
    return sorted(p for p in target.parent.iterdir() if p.name.startswith(prefix))


def _take_spare(target: Path) -> tuple[Path, int] | None:
    """The spare a new build may take folders from, held: of those no other build holds, the
    one made a spare last (a killed build or two at once can leave older ones, whose files
    the published site shares less); the others are removed."""
    taken: tuple[Path, int] | None = None
    found: list[tuple[int, Path]] = []
    for path in spares(target):
        try:
            info = path.lstat()
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode):
            found.append((info.st_ctime_ns, path))  # renamed into a spare: its change time
        else:
            path.unlink(missing_ok=True)
    for _, path in sorted(found, key=lambda item: (-item[0], item[1])):
        lock = _lock(path)
        if lock is None:
            continue  # another build is taking from it, or it is being removed
        if taken is None:
            taken = (path, lock)
            continue
        try:
            shutil.rmtree(path, ignore_errors=True)
        finally:
            os.close(lock)
    return taken


def _tidy(target: Path) -> None:
    """Restore a site left aside by a killed fallback publish; remove unused leftovers."""
    for path in leftovers(target):
        if path.is_symlink() or not path.is_dir():
            path.unlink(missing_ok=True)
            continue
        lock = _lock(path)
        if lock is None:
            continue  # another run is using it
        try:
            if path.name.startswith(f".{target.name}.old-") and not os.path.lexists(target):
                path.rename(target)
            else:
                shutil.rmtree(path, ignore_errors=True)
        finally:
            os.close(lock)


def stage(site_dir: Path, *, copy_previous: bool = False, spare: bool = False) -> Staging:
    """Start a new site for ``site_dir``: an empty sibling folder, or a copy of the current
    site with its times kept (``copy_previous``, for MkDocs' ``--dirty`` builds); with
    ``spare``, holding the spare the last build kept, to take folders from.

    A ``site_dir`` that is a symlink, or lies under one, is published where it really is, so
    the link keeps pointing at the site and the rename stays on one filesystem.
    """
    target = Path(os.path.realpath(site_dir))
    if target.exists() and not target.is_dir():
        raise PublishError(f"'{site_dir}' is not a folder")
    existing = next((p for p in target.parents if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise PublishError(f"cannot write '{site_dir}' (Not a directory)")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _tidy(target)
        while True:
            path = _unique(target.parent, f".{target.name}.partial-")
            try:
                path.mkdir()
                break
            except FileExistsError:  # pragma: no cover - 48 random bits
                continue
        lock = _lock(path)
        taken = _take_spare(target) if spare and not copy_previous else None
        if target.is_dir():
            # The published folder keeps the mode the old one had, as an in-place build would.
            path.chmod(stat.S_IMODE(target.stat().st_mode))
            if copy_previous:
                shutil.copytree(target, path, symlinks=True, dirs_exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot write beside '{site_dir}': {exc.strerror or exc}") from None
    return Staging(target, path, lock, taken)

