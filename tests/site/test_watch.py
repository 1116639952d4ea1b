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
from typing import cast

import pytest
from mkdocs.structure.files import File
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
)

from generator.site.common import SiteOptions
from generator.site.plugin import _CopiedWhenChanged
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
    for quiet in (FileOpenedEvent(f"{folder}/a.yml"), FileClosedNoWriteEvent(f"{folder}/a.yml"),
                  DirModifiedEvent(folder)):
        assert not changes.note(quiet)
    # Nothing changed here: the rebuild was asked for by something else, and looks at all.
    assert changes.take() is None

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
    changes.note(FileModifiedEvent(f"{tmp_path}/a.yml"))
    assert changes.take() == Changed(frozenset({"a.yml"}), False)


def test_a_folder_removed_or_renamed_makes_every_rebuild_look_at_everything(
        tmp_path: Path) -> None:
    folder = os.fspath(tmp_path / "partners")
    for gone in (DirDeletedEvent(folder), DirMovedEvent(folder, f"{folder}.old")):
        changes = Changes(folder)
        changes.take()
        assert changes.note(gone)
        for _ in range(3):
            changes.note(FileModifiedEvent(f"{folder}/a.yml"))
            assert changes.take() is None  # its watch went with it


def test_served_theme_files_are_copied_again_when_their_source_changes_in_any_way(
        tmp_path: Path) -> None:
    """A file replaced by an older one, or an override removed (another source for the same
    file of the site), is copied; an unchanged one is not."""
    docs, theme, site = tmp_path / "docs", tmp_path / "theme", tmp_path / "site"
    for folder in (docs, theme, site):
        (folder / "img").mkdir(parents=True)
    copied: dict[str, tuple[str, int, int, int, int]] = {}

    def copy(src_dir: Path) -> bytes:
        file = File("img/a.svg", os.fspath(src_dir), os.fspath(site), use_directory_urls=True)
        file.__class__ = _CopiedWhenChanged
        cast(_CopiedWhenChanged, file).copied = copied
        file.copy_file()
        return (site / "img" / "a.svg").read_bytes()

    (theme / "img" / "a.svg").write_bytes(b"theme")
    (docs / "img" / "a.svg").write_bytes(b"one")
    assert copy(docs) == b"one"
    (site / "img" / "a.svg").write_bytes(b"not touched")
    assert copy(docs) == b"not touched"  # unchanged: not copied again
    older = docs / "img" / "a.svg"
    info = older.stat()
    older.write_bytes(b"two")
    os.utime(older, ns=(info.st_atime_ns, info.st_mtime_ns - 10**10))  # older than the copy
    assert copy(docs) == b"two"
    assert copy(theme) == b"theme"  # the override removed: the theme's own file again


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
    removed = next(p for p in sorted(folder.glob("*.yml"))
                   if p.name != "program.yml" and p.stem != logo.stem)
    copy = folder / "a-new-partner.yml"
    copy.write_text(removed.read_text("utf-8").replace("name: ", "name: New ", 1), "utf-8")
    removed.unlink()
    names = frozenset({logo.name, removed.name, copy.name})
    told = _prepare(folder, store, held, last, Changed(names, True))
    _same(told, _prepare(folder, Store(tmp_path / "cold-2"), Held()))
    assert told.read == 2  # the logo's partner and the new one

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
