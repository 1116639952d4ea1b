"""The partners' folder watched by the system's own file events under ``mkdocs serve``.

MkDocs watches every path by polling: twice a second it lists the folders and stats every
file, in a thread of the server's own process. With 100,000 partners that is 160,000 stats
a round, and the thread holds the interpreter while the rebuild it started runs. The
partners' folder is watched instead by the operating system's notifications (inotify,
FSEvents, kqueue, ReadDirectoryChangesW, through watchdog, which MkDocs itself depends on),
and a change asks the server for a rebuild as MkDocs' own watcher does.

Only a change of content counts: a file opened or closed unwritten (the build reading the
partner files) is no change. Where notifications cannot be had (no native observer, too few
inotify watches, a server that does not take rebuild requests this way), the folder is left
to MkDocs' polling, as before.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

#: The events that mean a file's content or presence changed.
CHANGES = frozenset(("created", "deleted", "modified", "moved", "closed"))


class _Rebuild(FileSystemEventHandler):
    """Asks the server for a rebuild on a change of a file, as MkDocs' watcher does."""

    def __init__(self, server: Any, condition: threading.Condition) -> None:
        self._server, self._condition = server, condition

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type not in CHANGES:
            return
        with self._condition:
            self._server._want_rebuild = True
            self._condition.notify_all()


def watch_natively(server: Any, path: str) -> BaseObserver | None:
    """Watch ``path`` (a folder) by the system's notifications and have each change rebuild
    the site served by ``server`` (MkDocs' ``LiveReloadServer``); the running observer, or
    None when that is not possible here (then MkDocs' polling should watch it)."""
    condition = getattr(server, "_rebuild_cond", None)
    if not isinstance(condition, threading.Condition) \
            or not isinstance(getattr(server, "_want_rebuild", None), bool):
        return None
    if Observer is PollingObserver:  # no native notifications on this system
        return None
    observer = Observer()
    try:
        observer.schedule(_Rebuild(server, condition), path, recursive=True)
        observer.start()
    except OSError as exc:  # too few inotify watches, a filesystem without notifications
        log.info("partner-locator: %s is watched by polling (%s)", path, exc)
        return None
    return observer
