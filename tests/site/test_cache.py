"""The build's cache of finished partners: a warm build writes exactly what a cold one does.

Every test builds with the cache, changes one input, builds again, and compares the site byte
for byte with a cold build of the changed project (no cache, no previous site).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader

from generator.site import publish
from generator.site import store as cache_store
from generator.site.prepare import SETTLED_NS
from generator.site.publish import PAUSE_ENV, spares
from generator.site.store import MAGIC, Held, Store, TemplateCodes
from tests.site.helpers import (
    EPOCH,
    ROOT,
    Build,
    assert_same_as_cold,
    assert_size_said,
    digest,
    mkdocs_build,
    project_copy,
    set_plugin_options,
)

pytestmark = pytest.mark.slow

DAY = 86_400
PARTNER = "northwind-devops"


def build(project: Path, site: Path, **env: str) -> Build:
    result = mkdocs_build(project, site, extra_env=env)
    assert result.returncode == 0, result.output
    return result


def cache_files(project: Path) -> list[Path]:
    return sorted(p for p in (project / ".cache" / "partner-locator").rglob("*") if p.is_file())


def _edit_partner(project: Path, _: Path) -> dict[str, str]:
    path = project / "partners" / f"{PARTNER}.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("summary: ", "summary: Newly edited. ", 1), encoding="utf-8")
    return {}


def _edit_program(project: Path, _: Path) -> dict[str, str]:
    path = project / "partners" / "program.yml"
    text = path.read_text(encoding="utf-8")
    assert "name: Professional Services Partner" in text
    path.write_text(text.replace("name: Professional Services Partner",
                                 "name: Professional Services Partner Plus"), encoding="utf-8")
    return {}


def _next_day(_: Path, __: Path) -> dict[str, str]:
    return {"SOURCE_DATE_EPOCH": str(int(EPOCH) + DAY)}


def _next_year(_: Path, __: Path) -> dict[str, str]:
    return {"SOURCE_DATE_EPOCH": str(int(EPOCH) + 400 * DAY)}


def _edit_code(_: Path, tmp_path: Path) -> dict[str, str]:
    """A copy of the package whose profile template says one more thing."""
    code = tmp_path / "code"
    shutil.copytree(ROOT / "generator", code / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    template = code / "generator" / "site" / "templates" / "profile.html"
    template.write_text(template.read_text(encoding="utf-8") + "<p>Template edited</p>\n",
                        encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join([str(code), str(ROOT)])}


CHANGES: dict[str, Callable[[Path, Path], dict[str, str]]] = {
    "a partner file": _edit_partner,
    "program.yml": _edit_program,
    "the next day": _next_day,
    "a day 400 days later": _next_year,
    "the code": _edit_code,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_warm_build_after_a_change_is_a_cold_build(change: str, tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project")
    site = tmp_path / "site"
    build(project, site)
    assert cache_files(project)
    before = digest(site)
    env = CHANGES[change](project, tmp_path)
    build(project, site, **env)
    after = digest(site)
    assert after != before, "the change should show in the site"
    if change == "the code":
        page = site / "partners" / PARTNER / "index.html"
        assert "Template edited" in page.read_text(encoding="utf-8")
    assert_same_as_cold(project, site, tmp_path, **env)


def test_unchanged_files_are_linked_from_the_previous_site(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project")
    site = tmp_path / "site"
    build(project, site)
    kept = site / "partners" / "aurora-pipelines" / "index.html"
    edited = site / "partners" / PARTNER / "index.html"
    kept_inode, edited_inode = kept.stat().st_ino, edited.stat().st_ino
    _edit_partner(project, tmp_path)
    result = build(project, site)
    assert kept.stat().st_ino == kept_inode
    assert edited.stat().st_ino != edited_inode
    assert "Newly edited." in edited.read_text(encoding="utf-8")
    counts = re.search(r"partner-locator: ([\d,]+) files written, ([\d,]+) unchanged",
                       result.output)
    assert counts is not None, result.output
    written, linked = (int(n.replace(",", "")) for n in counts.groups())
    assert 0 < written < linked


@pytest.mark.parametrize("folder", [f"partners/{PARTNER}", "logos"])
def test_a_linked_folder_in_the_previous_site_is_not_followed(folder: str,
                                                              tmp_path: Path) -> None:
    """A folder of the published site replaced by a link to a copy elsewhere: no file of the
    new site is linked to a file outside it."""
    project = project_copy(tmp_path / "project")
    site = tmp_path / "site"
    build(project, site)
    outside = tmp_path / "outside"
    shutil.copytree(site / folder, outside)
    shutil.rmtree(site / folder)
    (site / folder).symlink_to(outside)
    build(project, site)
    foreign = {p.stat().st_ino for p in outside.iterdir()}
    assert [p.name for p in (site / folder).iterdir() if p.stat().st_ino in foreign] == []
    assert not (site / folder).is_symlink()
    assert_same_as_cold(project, site, tmp_path)


def test_a_damaged_cache_is_not_trusted(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project")
    site = tmp_path / "site"
    build(project, site)
    files = cache_files(project)
    assert len(files) > 20
    for number, path in enumerate(files):
        data = path.read_bytes()
        if number % 4 == 0:
            path.write_bytes(data[: len(data) // 2])  # cut short
        elif number % 4 == 1:
            path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # one bit flipped
        elif number % 4 == 2:
            path.write_bytes(MAGIC + b"\0" * 32 + b"not a pickle")  # a wrong checksum
        else:
            path.write_bytes(b"")
    # A write stopped half-way leaves a temporary file, which no reader looks at.
    (files[0].parent / f".{files[0].name}.dead.tmp").write_bytes(b"half")
    build(project, site)
    assert_same_as_cold(project, site, tmp_path)
    # The records every build reads were written again; the rest waits until it is needed.
    store = Store(project / ".cache" / "partner-locator")
    finished = [p for p in cache_files(project) if p.name.startswith("f")]
    assert len(finished) > 40
    assert all(store.get(p.name) is not None for p in finished)


def test_a_large_record_is_kept_whole_and_checked_like_any_other(tmp_path: Path) -> None:
    """A record over ``PLAIN_BYTES`` (every partner's pieces, the plan) is kept without
    compression, and is still a miss when any byte of it is damaged, when it is cut short, or
    when its kind is unknown."""
    store = Store(tmp_path / "cache")
    value = {"rows": [f"partner {n}" for n in range(200_000)]}
    small = {"rows": ["one partner"]}
    assert store.put("large", value) and store.put("small", small)
    path = store.path("large")
    assert path.stat().st_size > cache_store.PLAIN_BYTES  # as it is, not compressed
    assert store.path("small").read_bytes()[len(MAGIC) + 32:][:1] == b"z"  # compressed
    assert store.get("large") == value and store.get("small") == small
    data = bytearray(path.read_bytes())
    head = len(MAGIC) + 32
    assert data[head:head + 1] == b"p"
    for damaged in (data[:-1], data[:head + 1], data[:head + 5] + b"X" + data[head + 6:]):
        path.write_bytes(bytes(damaged))
        assert store.get("large") is None
    unknown = b"x" + bytes(data[head + 1:])
    path.write_bytes(MAGIC + cache_store._checksum("large", unknown) + unknown)
    assert store.get("large") is None


def test_a_record_under_another_records_name_is_not_trusted(tmp_path: Path) -> None:
    """An intact record copied over another (its checksum is right, its key is not) is a
    miss: the site shows the partner file as it is, not as it was."""
    project = project_copy(tmp_path / "project")
    site = tmp_path / "site"
    build(project, site)
    store = Store(project / ".cache" / "partner-locator")
    before = {p.name for p in cache_files(project)}
    _edit_partner(project, tmp_path)
    build(project, site)

    def of_partner(names: set[str]) -> Path:
        found = [p for p in cache_files(project) if p.name in names and p.name[0] == "f"
                 and (value := store.get(p.name)) is not None and value[1] is not None
                 and value[1].slug == PARTNER]
        assert len(found) == 1
        return found[0]

    old = of_partner(before)
    new = of_partner({p.name for p in cache_files(project)} - before)
    new.write_bytes(old.read_bytes())
    build(project, site)
    page = site / "partners" / PARTNER / "index.html"
    assert "Newly edited." in page.read_text(encoding="utf-8")
    assert_same_as_cold(project, site, tmp_path)


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    """A file where the cache folder should be (or a full disk, a read-only folder): nothing
    is kept, and the build is a cold build."""
    project = project_copy(tmp_path / "project")
    (project / ".cache").mkdir()
    (project / ".cache" / "partner-locator").write_text("not a folder\n", encoding="utf-8")
    site = tmp_path / "site"
    build(project, site)
    _edit_partner(project, tmp_path)
    build(project, site)
    assert (project / ".cache" / "partner-locator").read_text(encoding="utf-8") == \
        "not a folder\n"
    assert_same_as_cold(project, site, tmp_path)


def test_two_builds_at_once_share_one_cache(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": str(ROOT)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
             "-f", str(project / "mkdocs.yml"), "-d", str(tmp_path / f"site-{n}")],
            env=env, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        for n in range(2)
    ]
    for run in runs:
        output, _ = run.communicate(timeout=300)
        assert run.returncode == 0, output.decode()
    assert digest(tmp_path / "site-0") == digest(tmp_path / "site-1")
    store = Store(project / ".cache" / "partner-locator")
    assert all(store.get(p.name) is not None for p in cache_files(project))
    build(project, tmp_path / "site-0")
    assert_same_as_cold(project, tmp_path / "site-0", tmp_path)


def test_without_a_cache_folder_nothing_is_kept(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project")
    set_plugin_options(project, cache_dir="")
    site = tmp_path / "site"
    build(project, site)
    assert not (project / ".cache").exists()
    assert_same_as_cold(project, site, tmp_path)


def test_a_site_over_the_size_limit_is_not_published_by_a_strict_build(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project")
    site = tmp_path / "site"
    build(project, site)
    before = digest(site)
    set_plugin_options(project, size_limit_mb=1)
    _edit_partner(project, tmp_path)
    result = mkdocs_build(project, site)
    assert result.returncode == 1
    assert ("over the limit of 1 MB set by the size_limit_mb option; a host with a lower "
            "limit refuses to deploy it") in result.output
    assert digest(site) == before


def _synthetic_project(project: Path, count: int, *, seed: int) -> Path:
    """A project copy whose partners are ``count`` of the benchmarks' synthetic ones."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from synthetic import write_partners
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    project_copy(project, hostile=False)
    shutil.rmtree(project / "partners")
    write_partners(project / "partners", count, seed=seed)
    return project


def test_many_partners_in_worker_processes(tmp_path: Path) -> None:
    """Enough partners that loading and writing run in worker processes."""
    project = _synthetic_project(tmp_path / "project", 450, seed=3)
    site = tmp_path / "site"
    assert_size_said(build(project, site).output, site)
    some = sorted((project / "partners").glob("*.yml"))[7]
    text = some.read_text(encoding="utf-8")
    some.write_text(text.replace("summary: ", "summary: Newly edited. ", 1), encoding="utf-8")
    assert_size_said(build(project, site, SOURCE_DATE_EPOCH=str(int(EPOCH) + DAY)).output, site)
    page = site / "partners" / some.stem / "index.html"
    assert "Newly edited." in page.read_text(encoding="utf-8")
    assert_same_as_cold(project, site, tmp_path, SOURCE_DATE_EPOCH=str(int(EPOCH) + DAY))


def test_the_size_said_holds_without_directory_urls(tmp_path: Path) -> None:
    """Without directory URLs too, the profiles' files are counted once, on the first build
    and on one that links what did not change."""
    project = project_copy(tmp_path / "project")
    site = tmp_path / "site"
    assert_size_said(build(project, site, USE_DIRECTORY_URLS="false").output, site)
    _edit_partner(project, tmp_path)
    assert_size_said(build(project, site, USE_DIRECTORY_URLS="false").output, site)


def test_records_another_build_reads_are_not_removed(tmp_path: Path) -> None:
    """Two projects share a cache (a branch with its own program.yml): what one of them
    read yesterday is in use, however old, and the other's pruning keeps it."""
    cache = tmp_path / "cache"
    main, branch = project_copy(tmp_path / "main"), project_copy(tmp_path / "branch")
    for project in (main, branch):
        set_plugin_options(project, cache_dir=str(cache))
    _edit_program(branch, tmp_path)
    build(main, tmp_path / "main-site")
    build(branch, tmp_path / "branch-site")
    week_ago = time.time() - 8 * DAY
    for path in cache.rglob("*"):
        if path.is_file():
            os.utime(path, (week_ago, week_ago))
    before = {p.name for p in cache.rglob("*") if p.is_file()}
    build(branch, tmp_path / "branch-site")  # reads its own records, writes none
    result = build(main, tmp_path / "main-site")
    assert "unused for a week removed" not in result.output
    assert {p.name for p in cache.rglob("*") if p.is_file()} >= before


def test_records_unused_for_a_week_are_removed(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project")
    site = tmp_path / "site"
    build(project, site)
    week_ago = time.time() - 8 * DAY
    for path in cache_files(project):
        os.utime(path, (week_ago, week_ago))
    before = {p.name for p in cache_files(project)}
    _edit_partner(project, tmp_path)
    result = build(project, site)
    after = {p.name for p in cache_files(project)}
    # The edited partner's checked, finished, entry and output records of its old content,
    # and the handbook pages' markers as the old data showed them.
    gone = before - after
    markers = [name for name in gone if name[0] == "x"]
    assert sorted(name[0] for name in gone if name[0] != "x") == ["c", "e", "f", "o"]
    assert markers
    assert (f"partner-locator: {4 + len(markers)} cache files unused for a week removed"
            in result.output)
    build(project, site)
    assert_same_as_cold(project, site, tmp_path)


def settle() -> None:
    """Wait until files just written are old enough for the ledger to stamp them."""
    time.sleep(SETTLED_NS / 1e9 + 0.2)


def _same_size_edit(path: Path, old: bytes, new: bytes) -> None:
    """Change a file's bytes, keeping its size and modification time (only its change time,
    which no program can set, tells)."""
    assert len(old) == len(new)
    info = path.stat()
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_mtime_ns == info.st_mtime_ns


@pytest.mark.parametrize("edited", ["partner file", "logo"])
def test_a_file_unchanged_since_the_last_build_is_not_read_again(edited: str,
                                                                 tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project")
    site = tmp_path / "site"
    count = len(list((project / "partners").glob("*.yml"))) - 1
    settle()
    first = build(project, site)
    assert f"{count} partner files read" in first.output
    second = build(project, site)
    assert "; 0 partner files read, the others unchanged since the last build" in second.output
    if edited == "partner file":
        _same_size_edit(project / "partners" / f"{PARTNER}.yml", b"modernise", b"modernize")
    else:
        _same_size_edit(project / "partners" / f"{PARTNER}.svg", b'fill="#1f4e79"',
                        b'fill="#7f1e19"')
    settle()
    third = build(project, site)
    assert "; 1 partner file read, the others unchanged since the last build" in third.output
    if edited == "logo":
        assert b"#7f1e19" in (site / "logos" / f"{PARTNER}.svg").read_bytes()
    else:
        assert "modernize" in (site / "partners" / PARTNER / "index.html").read_text("utf-8")
    assert_same_as_cold(project, site, tmp_path)


def test_a_file_changed_just_before_a_build_is_read_again(tmp_path: Path) -> None:
    """A file written less than a second before a build is read by the next one too: its
    change time may not tell a later edit within the clock's resolution apart."""
    project = project_copy(tmp_path / "project")
    site = tmp_path / "site"
    settle()
    build(project, site)
    path = project / "partners" / f"{PARTNER}.yml"
    path.write_bytes(path.read_bytes())
    second = build(project, site)
    assert "; 1 partner file read" in second.output
    third = build(project, site)
    assert "; 0 partner files read" in third.output or "; 1 partner file read" in third.output
    settle()
    assert "; 0 partner files read" in build(project, site).output


def test_records_lost_behind_the_ledger_are_made_again(tmp_path: Path) -> None:
    """The ledger says a file is unchanged, but the records it points to are gone: they
    are made again from the checked partner, or from the file, never missed."""
    project = project_copy(tmp_path / "project")
    site = tmp_path / "site"
    settle()
    build(project, site)
    build(project, site)
    files = cache_files(project)
    for path in files:
        if path.name[0] in "oe" or (path.name[0] == "c" and hash(path.name) % 2):
            path.unlink()
        # The plan, its key, the profiles' manifest, the markers, the pieces and the kept
        # directory pages: the pieces are made again from the entries, which are lost too.
        if path.name[0] in "pqmxkd":
            path.unlink()
    result = build(project, site, SOURCE_DATE_EPOCH=EPOCH)
    assert "; 0 partner files read" in result.output
    assert_same_as_cold(project, site, tmp_path)


def test_a_build_taking_the_spare_never_changes_the_published_site(tmp_path: Path) -> None:
    """From the third build on, a build takes the partners' folders of the site before the
    published one, whose files the published site shares. The result equals a cold build
    after partners are added, removed and edited; and while such a build runs, up to the
    moment it swaps, the published site keeps every byte."""
    project = project_copy(tmp_path / "project")
    site = tmp_path / "site"
    partners = project / "partners"
    build(project, site)
    for name in ("aurora-pipelines.yml", "aurora-pipelines.svg"):
        (partners / name).unlink()
    _edit_partner(project, tmp_path)
    build(project, site)
    assert len(spares(site)) == 1
    for name in ("aurora-pipelines.yml", "aurora-pipelines.svg"):
        shutil.copyfile(ROOT / "partners" / name, partners / name)
    path = partners / f"{PARTNER}.yml"
    path.write_text(path.read_text("utf-8").replace("Newly edited.", "Edited again."), "utf-8")
    taking = build(project, site)
    # Every partner of the first site, the one removed since and added again too.
    count = len(list(partners.glob("*.yml"))) - 1
    assert (f"partner-locator: {count} partner folders taken from the site before the last "
            "one, to be updated") in taking.output
    assert "Edited again." in (site / "partners" / PARTNER / "index.html").read_text("utf-8")
    assert (site / "partners" / "aurora-pipelines" / "index.html").is_file()
    assert_size_said(taking.output, site)
    assert_same_as_cold(project, site, tmp_path)

    published = digest(site)
    path.write_text(path.read_text("utf-8").replace("Edited again.", "Third edit."), "utf-8")
    flag = tmp_path / "flag"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": str(ROOT), PAUSE_ENV: f"staged:{flag}"}
    run = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict",
         "-f", str(project / "mkdocs.yml"), "-d", str(site)],
        env=env, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while not flag.exists():
            assert run.poll() is None, run.communicate()[0].decode()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        # Written and on disk, not yet swapped: the published site is as it was.
        assert digest(site) == published
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        output = run.communicate()[0].decode()
    # The second site's: all but the partner it did not have.
    assert f"partner-locator: {count - 1} partner folders taken" in output
    build(project, site)
    assert "Third edit." in (site / "partners" / PARTNER / "index.html").read_text("utf-8")
    (tmp_path / "again").mkdir()
    assert_same_as_cold(project, site, tmp_path / "again")


_EDITING_HOOK = """\
import os
import pathlib


def on_post_build(config, **kwargs):
    # A post-processor that edits the site's pages in place, as some plugins do.
    for page in pathlib.Path(config.site_dir).rglob("*.html"):
        if page.is_file() and not page.is_symlink():
            with open(page, "a", encoding="utf-8") as handle:
                handle.write("<!-- edited in place -->\\n")
    if os.environ.get("HOOK_FAIL"):
        raise RuntimeError("the hook failed")
"""
_LATE_HOOK = """\
import logging
import os

from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.late")


@event_priority(-200)
def on_post_build(config, **kwargs):
    if os.environ.get("HOOK_WARN"):
        log.warning("a late check failed")
"""


def _with_hooks(project: Path) -> None:
    (project / "editing.py").write_text(_EDITING_HOOK, encoding="utf-8")
    (project / "late.py").write_text(_LATE_HOOK, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "hooks:\n  - editing.py\n  - late.py\n",
                      encoding="utf-8")


def test_other_plugins_never_reach_the_published_site_through_the_spare(
        tmp_path: Path) -> None:
    """A hook that edits every page of the new site in place, and then fails, leaves the
    published site as it was, though the build takes folders whose files it shares; a late
    warning in a strict build stops it before it publishes; a good build equals a cold one."""
    project = project_copy(tmp_path / "project")
    site = tmp_path / "site"
    build(project, site)
    build(project, site)
    third = build(project, site)
    assert "partner folders taken from the site before the last one" in third.output
    published = digest(site)
    _with_hooks(project)
    failed = mkdocs_build(project, site, extra_env={"HOOK_FAIL": "1"})
    assert failed.returncode == 1
    assert "the hook failed" in failed.output
    assert digest(site) == published
    _edit_partner(project, tmp_path)
    warned = mkdocs_build(project, site, extra_env={"HOOK_WARN": "1"})
    assert warned.returncode == 1
    assert "a late check failed" in warned.output
    assert "Aborted with 1 warnings in strict mode!" in warned.output
    assert digest(site) == published
    build(project, site)
    assert "Newly edited." in (site / "partners" / PARTNER / "index.html").read_text("utf-8")
    assert_same_as_cold(project, site, tmp_path)


def test_a_kept_file_has_the_owner_and_mode_of_a_new_one(tmp_path: Path) -> None:
    """A file made unreadable in the published site, or written under a stricter umask, is
    written again, not linked into the next sites with its old mode."""
    mask = os.umask(0o022)
    os.umask(mask)
    fresh = 0o666 & ~mask
    project = project_copy(tmp_path / "project")
    site = tmp_path / "site"
    build(project, site)
    build(project, site)
    folder = site / "partners" / PARTNER
    (folder / "compare.json").chmod(0)
    (folder / "index.html").chmod(0o600)
    for _ in range(3):  # linked from the published site, then taken from the spare
        build(project, site)
        modes = {p.name: stat.S_IMODE(p.lstat().st_mode) for p in folder.iterdir()}
        assert set(modes.values()) == {fresh}, modes
    assert_same_as_cold(project, site, tmp_path)


def test_partner_folders_known_to_hold_their_files_are_taken_without_a_look(
        tmp_path: Path) -> None:
    """A build records which partner folders of its site hold only their files; two builds
    later, when that site is the spare, those are taken without being listed. A folder that
    held anything else (a file of docs/ placed there), or had an entry added since (a stray
    file in the spare), is listed and emptied: the site still equals a cold build."""
    project = project_copy(tmp_path / "project")
    site = tmp_path / "site"
    count = len(list((project / "partners").glob("*.yml"))) - 1
    build(project, site)
    time.sleep(publish.SETTLED_NS / 1e9 + 0.1)  # the first site's folders are settled
    build(project, site)
    placed = project / "docs" / "partners" / PARTNER / "extra.txt"
    placed.parent.mkdir(parents=True)
    placed.write_text("a file of docs/ in a partner's folder", encoding="utf-8")
    # Takes the first site's folders (none known: they were new when it was published) and
    # records them, settled since, as known; but the one docs/ adds a file to.
    third = build(project, site)
    assert "known to hold only" not in third.output
    assert (site / "partners" / PARTNER / "extra.txt").is_file()
    build(project, site)
    placed.unlink()
    deadline = time.monotonic() + 60
    while len(spares(site)) > 1 and time.monotonic() < deadline:
        time.sleep(0.05)  # the spare before, removed in a process of its own
    (spare,) = spares(site)
    stray = spare / "partners" / "aurora-pipelines" / "stray.html"
    stray.write_text("<p>not written by any build</p>", encoding="utf-8")
    fifth = build(project, site)
    assert (f"partner-locator: {count} partner folders taken from the site before the last "
            f"one, to be updated ({count - 2} known to hold only their files)") in fifth.output
    assert not (site / "partners" / PARTNER / "extra.txt").exists()
    assert not (site / "partners" / "aurora-pipelines" / "stray.html").exists()
    assert_same_as_cold(project, site, tmp_path)


def test_builds_of_one_kind_look_at_the_whole_cache_at_most_once_a_day(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache")
    for key in ("used", "old", "older"):
        assert store.put(key, key)
    week_ago = time.time() - 8 * DAY
    for key in ("used", "old"):
        os.utime(store.path(key), (week_ago, week_ago))
    assert store.prune({"used"}, tag="site-a") == 1  # "old"; "used" gets today's time
    assert time.time() - store.path("used").stat().st_mtime < 60
    os.utime(store.path("older"), (week_ago, week_ago))
    # The same kind of build again today: nothing is looked at.
    assert store.prune({"used"}, tag="site-a") == 0
    assert store.get("older") == "older"
    # Another kind (another folder or site) looks for itself.
    assert store.prune({"used"}, tag="site-b") == 1
    assert store.get("older") is None and store.get("used") == "used"
    # A day later the first kind looks again.
    marker = store.path("p" + cache_store.digest("site-a"))
    day_ago = time.time() - DAY - 60
    os.utime(marker, (day_ago, day_ago))
    assert store.put("oldest", "oldest")
    os.utime(store.path("oldest"), (week_ago, week_ago))
    assert store.prune({"used"}, tag="site-a") == 1


def test_a_server_holds_records_read_once_and_only_those_still_in_use(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache")
    assert store.put("d-old", "old page") and store.put("ledger", "lines")
    held = Held()
    assert held.get(store, "ledger") == "lines"
    store.path("ledger").unlink()
    assert held.get(store, "ledger") == "lines"  # read once, then from memory
    held.put("d-new", "new page")
    held.put("plan", "of a temporary site", save=False)
    assert held.get(store, "d-old") == "old page"
    # A build that showed only the new page: the old one is let go, the rest kept.
    held.forget_unused("d", {"d-new"})
    store.path("d-old").unlink()
    assert held.get(store, "d-old") is None
    assert held.get(store, "d-new") == "new page" and held.get(store, "ledger") == "lines"
    assert held.save(store) == 1  # the new page; never the temporary site's plan
    assert store.get("d-new") == "new page" and store.get("plan") is None


def _compiling(source: str, store: Store, **settings: Any) -> tuple[Environment, list[str]]:
    """An environment with the template ``page.html`` holding ``source``, whose compiled
    templates are kept in ``store``; and the list of the templates it compiles."""
    compiled: list[str] = []
    folder = store.root.parent / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "page.html").write_text(source, "utf-8")

    class Counted(Environment):
        def _compile(self, source: str, filename: str) -> Any:
            compiled.append(Path(filename).name)
            return super()._compile(source, filename)

    env = Counted(loader=FileSystemLoader(folder), **settings)
    env.bytecode_cache = TemplateCodes(store, env)
    return env, compiled


def test_templates_compiled_once_serve_later_builds_until_they_change(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache")
    first, compiled = _compiling("Hello {{ name }}!", store)
    assert first.get_template("page.html").render(name="you") == "Hello you!"
    assert compiled == ["page.html"]
    again, compiled = _compiling("Hello {{ name }}!", store)
    assert again.get_template("page.html").render(name="you") == "Hello you!"
    assert compiled == []
    edited, compiled = _compiling("Bye {{ name }}!", store)
    assert edited.get_template("page.html").render(name="you") == "Bye you!"
    assert compiled == ["page.html"]
    # Other syntax settings compile the same source anew.
    other, compiled = _compiling("Bye {{ name }}!\n", store,
                                 keep_trailing_newline=True)
    assert other.get_template("page.html").render(name="you") == "Bye you!\n"
    assert compiled == ["page.html"]
    # A damaged record is compiled again, never run.
    records = list(store.root.glob("t?/t*"))
    assert len(records) == 2  # one a template and settings
    for path in records:
        path.write_bytes(path.read_bytes()[:-3] + b"xyz")
    damaged, compiled = _compiling("Bye {{ name }}!", store)
    assert damaged.get_template("page.html").render(name="you") == "Bye you!"
    assert compiled == ["page.html"]


def test_profile_writers_run_the_builds_own_code(tmp_path: Path) -> None:
    """The profiles of a site large enough to be written by worker processes come from the
    code the build runs (here: an edited copy on PYTHONPATH, with the console script, which
    does not put the working folder on the path), never from another copy that happens to
    sit in the working folder."""
    project = _synthetic_project(tmp_path / "project", 450, seed=4)
    shutil.copytree(ROOT / "generator", project / "generator",  # the decoy, unedited
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = _edit_code(project, tmp_path)
    # The theme's shell is filled in by the writers themselves: mark what they fill.
    filler = tmp_path / "code" / "generator" / "site" / "theme_pages.py"
    text = filler.read_text(encoding="utf-8")
    assert "    values = {\n        TITLE: page_title(page)," in text
    filler.write_text(text.replace(
        "    values = {\n        TITLE: page_title(page),",
        "    values = {\n        TITLE: page_title(page) + ' (filled by the edited copy)',"),
        encoding="utf-8")
    script = Path(sys.executable).with_name("mkdocs")
    done = subprocess.run(
        [str(script), "build", "--strict", "-d", str(tmp_path / "site")],
        capture_output=True, text=True, cwd=project, check=False,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1", **env},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    profiles = [p for p in (tmp_path / "site" / "partners").glob("*/index.html")
                if p.parent.name != "compare"]
    assert len(profiles) == 450
    texts = [p.read_text(encoding="utf-8") for p in profiles]
    assert all("Template edited" in t and "(filled by the edited copy)" in t for t in texts)


def test_a_build_started_from_standard_input_writes_its_profiles(tmp_path: Path) -> None:
    """A build run by a script that is not a file (standard input) still writes a site large
    enough for worker processes: the workers never run the main script again."""
    project = _synthetic_project(tmp_path / "project", 450, seed=5)
    site = tmp_path / "site"
    script = ("from mkdocs.__main__ import cli\n"
              f"cli(['build', '--strict', '-q', '-d', {str(site)!r}])\n")
    done = subprocess.run(
        [sys.executable, "-"], input=script, capture_output=True, text=True, cwd=project,
        check=False,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1",
             "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT),
                                                       os.environ.get("PYTHONPATH", "")) if p)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    profiles = [p for p in (site / "partners").glob("*/index.html")
                if p.parent.name != "compare"]
    assert len(profiles) == 450
