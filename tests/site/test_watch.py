"""A server's watcher of the partners' folder names what changed, and a rebuild told what
changed looks again at those files only, and still sees exactly what a full look sees."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from watchdog.events import (
    DirCreatedEvent,
    DirModifiedEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
)

from generator.site.common import SiteOptions
from generator.site.prepare import Changed, Prepared, prepare
from generator.site.store import Held, Store
from generator.site.watch import Changes, watch_natively

PARTNERS = Path(__file__).resolve().parents[2] / "partners"
DAY = date(2026, 11, 28)
SLUG = "northwind-devops"


def test_changes_name_the_files_written_and_say_when_the_listing_moved(tmp_path: Path) -> None:
    folder = os.fspath(tmp_path)
    changes = Changes(folder)
    assert changes.take() is None  # events before the watcher started are unknown
    assert changes.take() == Changed(frozenset(), False)
    for quiet in (FileOpenedEvent(f"{folder}/a.yml"), FileClosedNoWriteEvent(f"{folder}/a.yml"),
                  DirModifiedEvent(folder)):
        assert not changes.note(quiet)
    assert changes.take() == Changed(frozenset(), False)

    assert changes.note(FileModifiedEvent(f"{folder}/a.yml"))
    assert changes.note(FileClosedEvent(f"{folder}/a.svg"))
    assert changes.take() == Changed(frozenset({"a.yml", "a.svg"}), False)
    # An editor's atomic save: a temporary file, renamed over the partner file.
    changes.note(FileCreatedEvent(f"{folder}/.a.yml.swp"))
    changes.note(FileMovedEvent(f"{folder}/.a.yml.swp", f"{folder}/a.yml"))
    assert changes.take() == Changed(frozenset({".a.yml.swp", "a.yml"}), True)
    changes.note(FileDeletedEvent(f"{folder}/b.yml"))
    assert changes.take() == Changed(frozenset({"b.yml"}), True)
    # A subfolder, or a file in one, is seen only by listing the folder again.
    assert changes.note(DirCreatedEvent(f"{folder}/sub"))
    assert changes.note(FileModifiedEvent(f"{folder}/sub/c.yml"))
    assert changes.take() == Changed(frozenset(), True)


def test_events_the_system_dropped_make_the_next_rebuild_look_at_everything(
        tmp_path: Path) -> None:
    changes = Changes(os.fspath(tmp_path))
    changes.take()
    changes.note(FileModifiedEvent(f"{tmp_path}/a.yml"))
    # Watchdog tells of an overflow of the kernel's queue only in its log.
    logging.getLogger("watchdog.observers.inotify_c").warning(
        "Inotify queue overflowed; filesystem events were lost")
    assert changes.take() is None
    assert changes.take() == Changed(frozenset(), False)


class _Server:
    """What the watcher needs of MkDocs' LiveReloadServer."""

    def __init__(self) -> None:
        self._rebuild_cond = threading.Condition()
        self._want_rebuild = False


def test_a_native_watcher_asks_for_a_rebuild_and_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("name: A\n", "utf-8")
    server, changes = _Server(), Changes(os.fspath(tmp_path))
    observer = watch_natively(server, os.fspath(tmp_path), changes)
    if observer is None:
        pytest.skip("no native file notifications on this system")
    try:
        changes.take()
        (tmp_path / "a.yml").write_text("name: B\n", "utf-8")
        with server._rebuild_cond:
            assert server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=10)
        deadline = time.monotonic() + 10
        seen: set[str] = set()
        while "a.yml" not in seen and time.monotonic() < deadline:
            time.sleep(0.05)
            taken = changes.take()
            assert taken is not None
            seen |= taken.names
        assert seen == {"a.yml"}
    finally:
        observer.stop()
        observer.join()


def _prepare(folder: Path, store: Store, held: Held, last: Prepared | None = None,
             changed: Changed | None = None) -> Prepared:
    return prepare(folder, DAY, SiteOptions(directory_urls=True), None, store, held=held,
                   seen=None if last is None else last.seen, changed=changed)


def _settle() -> None:
    time.sleep(1.2)  # older than SETTLED_NS: the ledger keeps the files


def _same(told: Prepared, full: Prepared) -> None:
    assert [f.row() for f in told.finished] == [f.row() for f in full.finished]
    assert told.result.diagnostics == full.result.diagnostics
    assert told.result.files == full.result.files


def test_a_rebuild_told_what_changed_sees_what_a_full_look_sees(tmp_path: Path) -> None:
    folder = tmp_path / "partners"
    shutil.copytree(PARTNERS, folder)
    store, held = Store(tmp_path / "cache"), Held()
    last = _prepare(folder, store, held)
    _settle()
    last = _prepare(folder, store, held)  # settled: in the ledger
    assert last.seen is not None

    # A summary edited in place: only that file is read again.
    partner = folder / f"{SLUG}.yml"
    partner.write_text(partner.read_text("utf-8").replace("summary: ", "summary: Told. ", 1),
                       "utf-8")
    told = _prepare(folder, store, held, last, Changed(frozenset({partner.name}), False))
    assert told.read == 1
    _same(told, _prepare(folder, Store(tmp_path / "cold-1"), Held()))
    # Not named, the same edit is not looked for: the names are what the rebuild trusts.
    _settle()
    last = _prepare(folder, store, held)
    partner.write_text(partner.read_text("utf-8").replace("Told. ", "Untold. ", 1), "utf-8")
    assert _prepare(folder, store, held, last, Changed(frozenset(), False)).read == 0

    # A logo replaced, a partner removed and one added: the listing changed.
    _settle()
    last = _prepare(folder, store, held)
    logo = next(p for p in sorted(folder.glob("*.svg")))
    logo.write_bytes(logo.read_bytes().replace(b"<svg ", b'<svg fill="#123456" ', 1))
    removed = next(p for p in sorted(folder.glob("*.yml")) if p.name != "program.yml")
    copy = folder / "a-new-partner.yml"
    copy.write_text(removed.read_text("utf-8").replace("name: ", "name: New ", 1), "utf-8")
    removed.unlink()
    names = frozenset({logo.name, removed.name, copy.name})
    told = _prepare(folder, store, held, last, Changed(names, True))
    _same(told, _prepare(folder, Store(tmp_path / "cold-2"), Held()))
    assert told.read == 1  # the new partner; the logo's partner too when it is another

    # A subfolder appears: reported as a full look reports it.
    _settle()
    last = _prepare(folder, store, held)
    (folder / "drafts").mkdir()
    told = _prepare(folder, store, held, last, Changed(frozenset(), True))
    assert [d.code for d in told.result.diagnostics if d.code == "subfolder"] == ["subfolder"]
    _same(told, _prepare(folder, Store(tmp_path / "cold-3"), Held()))


def test_a_changed_program_makes_the_rebuild_look_at_everything(tmp_path: Path) -> None:
    folder = tmp_path / "partners"
    shutil.copytree(PARTNERS, folder)
    store, held = Store(tmp_path / "cache"), Held()
    _prepare(folder, store, held)
    _settle()
    last = _prepare(folder, store, held)
    program = folder / "program.yml"
    program.write_text(program.read_text("utf-8") + "\n# a comment\n", "utf-8")
    partner = folder / f"{SLUG}.yml"
    partner.write_text(partner.read_text("utf-8").replace("summary: ", "summary: Seen. ", 1),
                       "utf-8")
    told = _prepare(folder, store, held, last, Changed(frozenset({"program.yml"}), False))
    count = len([p for p in folder.glob("*.yml") if p.name != "program.yml"])
    assert told.read == count  # a new program: every partner is checked again under it
    _same(told, _prepare(folder, Store(tmp_path / "cold"), Held()))
