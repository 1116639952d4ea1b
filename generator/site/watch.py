"""The partners' folder watched by the system's own file events under ``mkdocs serve``.

MkDocs watches every path by polling: twice a second it lists the folders and stats every
file, in a thread of the server's own process. With 100,000 partners that is 160,000 stats
a round, and the thread holds the interpreter while the rebuild it started runs. The
partners' folder is watched instead by the operating system's notifications (inotify,
FSEvents, kqueue, ReadDirectoryChangesW, through watchdog, which MkDocs itself depends on),
and a change asks the server for a rebuild as MkDocs' own watcher does.

Only a change of content counts: a file opened or closed unwritten (the build reading the
partner files) is no change. The watcher also keeps the names of the files that changed
(``Changes``), so that a rebuild looks again only at those instead of every file of the
folder; when it cannot say (``Changes.take``), the rebuild looks at everything. Where
notifications cannot be had (no native observer, too few inotify watches, a server that does
not take rebuild requests this way), the folder is left to MkDocs' polling, as before.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from generator.site.prepare import Changed

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

#: The events that mean a file's content or presence changed.
CHANGES = frozenset(("created", "deleted", "modified", "moved", "closed"))


#: The events that add, remove or rename an entry of the folder.
_LISTING = frozenset(("created", "deleted", "moved"))

#: Every ``Changes`` in use, told when the system drops events (``_Dropped``).
_LIVE: weakref.WeakSet[Changes] = weakref.WeakSet()


class Changes:
    """The names of the files of a folder that changed since the last ``take``, and whether
    an entry was added, removed or renamed; or that anything may have changed."""

    def __init__(self, folder: str) -> None:
        self.folder = os.path.normpath(folder)
        self._lock = threading.Lock()
        self._names: set[str] = set()
        self._listing = False
        # Until the first take, nothing is known: events before the watcher started are lost.
        self._unknown = True
        # The folder itself was removed or renamed: its watch went with it.
        self._gone = False
        _LIVE.add(self)

    def note(self, event: FileSystemEvent) -> bool:
        """Keep what ``event`` changed; whether it is a change at all."""
        kind = event.event_type
        if kind not in CHANGES or (event.is_directory and kind not in _LISTING):
            return False
        if event.is_directory and kind != "created" \
                and os.path.normpath(os.fsdecode(event.src_path)) == self.folder:
            with self._lock:
                self._gone = True
            return True
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        with self._lock:
            for path in (os.fsdecode(p) for p in paths if p):
                parent, name = os.path.split(path)
                if os.path.normpath(parent) == self.folder and not event.is_directory:
                    self._names.add(name)
                else:  # a subfolder or something in it: seen only by a full look
                    self._listing = True
            if kind in _LISTING:
                self._listing = True
        return True

    def lose(self) -> None:
        """Events were dropped: the next take cannot say what changed."""
        with self._lock:
            self._unknown = True

    def take(self) -> Changed | None:
        """What changed since the last take, and start afresh. None when it cannot be known,
        and when nothing changed here: a rebuild asked for by something else (a page of
        ``docs/``, a file the system does not report, such as one edited through a hard link
        from elsewhere or on some network mounts) looks at everything, as without a watcher.
        Always None once the folder itself was removed or renamed."""
        with self._lock:
            changed = None if self._unknown or self._gone \
                or not (self._names or self._listing) \
                else Changed(frozenset(self._names), self._listing)
            self._names, self._listing, self._unknown = set(), False, False
        return changed


class _Dropped(logging.Handler):
    """Watchdog says only in its log that the system's queue of events overflowed."""

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            for changes in list(_LIVE):
                changes.lose()


_DROPPED = _Dropped(logging.WARNING)
for _name in ("watchdog.observers.inotify_c", "watchdog.observers.inotify"):
    if _DROPPED not in logging.getLogger(_name).handlers:
        logging.getLogger(_name).addHandler(_DROPPED)


class _Rebuild(FileSystemEventHandler):
    """Asks the server for a rebuild on a change of a file, as MkDocs' watcher does, and
    keeps the change in ``changes``."""

    def __init__(self, server: Any, condition: threading.Condition, changes: Changes) -> None:
        self._server, self._condition, self._changes = server, condition, changes

    def on_any_event(self, event: FileSystemEvent) -> None:
        if not self._changes.note(event):
            return
        with self._condition:
            self._server._want_rebuild = True
            self._condition.notify_all()


def watch_natively(server: Any, path: str,
                   changes: Changes | None = None) -> BaseObserver | None:
    """Watch ``path`` (a folder) by the system's notifications and have each change rebuild
    the site served by ``server`` (MkDocs' ``LiveReloadServer``), noting it in ``changes``;
    the running observer, or None when that is not possible here (then MkDocs' polling
    should watch it)."""
    condition = getattr(server, "_rebuild_cond", None)
    if not isinstance(condition, threading.Condition) \
            or not isinstance(getattr(server, "_want_rebuild", None), bool):
        return None
    if Observer is PollingObserver:  # no native notifications on this system
        return None
    observer = Observer()
    try:
        observer.schedule(_Rebuild(server, condition, changes or Changes(path)), path,
                         recursive=True)
        observer.start()
    except OSError as exc:  # too few inotify watches, a filesystem without notifications
        log.info("partner-locator: %s is watched by polling (%s)", path, exc)
        return None
    return observer
