"""A site is published whole: a build or render killed at any moment leaves the old site or
the new one, never a mix, and the next run clears what a killed one left behind."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.site import publish
from generator.site.bulk import Writer
from generator.site.publish import PAUSE_ENV, PublishError, leftovers, spares, stage
from tests.site.helpers import EPOCH, ROOT, project_copy, settled

SLUG = "northwind-devops"
NAME = "Northwind DevOps Inc."


def manifest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (symlinks too) with the SHA-256 of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _tree(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# The helper itself -------------------------------------------------------------------------


def test_a_first_publish_renames_the_new_folder_into_place(tmp_path: Path) -> None:
    staging = stage(tmp_path / "site")
    assert staging.path.parent == tmp_path
    assert staging.path.name.startswith(".site.partial-")
    _tree(staging.path, {"index.html": "new", "a/b.html": "deep"})
    staging.publish()
    assert manifest(tmp_path / "site") == manifest(_tree(tmp_path / "expect",
                                                         {"index.html": "new",
                                                          "a/b.html": "deep"}))
    assert leftovers(tmp_path / "site") == []


def test_publishing_swaps_the_whole_folder_and_keeps_its_mode(tmp_path: Path) -> None:
    site = _tree(tmp_path / "site", {"index.html": "old", "stale.html": "gone soon"})
    site.chmod(0o750)
    before = site.stat().st_ino
    staging = stage(site)
    assert (site / "index.html").read_text(encoding="utf-8") == "old"
    _tree(staging.path, {"index.html": "new"})
    staging.publish()
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "new"
    assert site.stat().st_ino != before  # a new folder, not the old one rewritten
    assert site.stat().st_mode & 0o777 == 0o750
    assert leftovers(site) == []


def test_a_discarded_staging_leaves_the_old_site_alone(tmp_path: Path) -> None:
    site = _tree(tmp_path / "site", {"index.html": "old"})
    staging = stage(site)
    _tree(staging.path, {"index.html": "half"})
    staging.discard()
    assert manifest(site) == {"index.html": hashlib.sha256(b"old").hexdigest()}
    assert leftovers(site) == []


def test_leftovers_are_removed_but_a_folder_in_use_is_not(tmp_path: Path) -> None:
    site = _tree(tmp_path / "site", {"index.html": "old"})
    _tree(tmp_path / ".site.partial-dead", {"index.html": "half"})
    _tree(tmp_path / ".site.old-dead", {"index.html": "older"})
    (tmp_path / ".site.partial-file").write_text("x", encoding="utf-8")
    (tmp_path / ".other.partial-keep").mkdir()
    running = stage(site)
    assert leftovers(site) == [running.path]
    second = stage(site)  # another run into the same folder must not delete the first's work
    assert leftovers(site) == sorted([running.path, second.path])
    second.discard()
    running.discard()
    assert (tmp_path / ".other.partial-keep").is_dir()
    assert (site / "index.html").read_text(encoding="utf-8") == "old"


def test_a_symlinked_site_folder_stays_a_link_to_the_new_site(tmp_path: Path) -> None:
    real = _tree(tmp_path / "real" / "site", {"index.html": "old"})
    (tmp_path / "project").mkdir()
    link = tmp_path / "project" / "site"
    link.symlink_to(real)
    staging = stage(link)
    assert staging.path.parent == real.parent
    _tree(staging.path, {"index.html": "new"})
    staging.publish()
    assert link.is_symlink()
    assert (link / "index.html").read_text(encoding="utf-8") == "new"
    assert leftovers(real) == []
    assert sorted(p.name for p in (tmp_path / "project").iterdir()) == ["site"]


def test_a_file_in_the_place_of_the_site_is_refused(tmp_path: Path) -> None:
    (tmp_path / "site").write_text("not a folder", encoding="utf-8")
    with pytest.raises(PublishError, match="is not a folder"):
        stage(tmp_path / "site")
    assert (tmp_path / "site").read_text(encoding="utf-8") == "not a folder"


def test_without_renameat2_the_old_site_is_renamed_aside_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publish, "exchange", None)
    site = _tree(tmp_path / "site", {"index.html": "old"})
    staging = stage(site)
    _tree(staging.path, {"index.html": "new"})
    staging.publish()
    assert (site / "index.html").read_text(encoding="utf-8") == "new"
    assert leftovers(site) == []


_KILLED_FALLBACK = """
import sys
from pathlib import Path
from generator.site import publish
from generator.site.bulk import Writer
publish.exchange = None
staging = publish.stage(Path(sys.argv[1]))
(staging.path / "index.html").write_text("new", encoding="utf-8")
staging.publish()
"""


def _kill_at(phase: str, argv: list[str], flag: Path, *, cwd: Path,
             env: dict[str, str] | None = None) -> None:
    """Run ``argv`` with the pause hook at ``phase`` and SIGKILL it once it gets there."""
    process = subprocess.Popen(
        argv, cwd=cwd, env={**(env or os.environ), PAUSE_ENV: f"{phase}:{flag}"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not flag.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            _, err = process.communicate()
            raise AssertionError(f"never reached {phase}: {err.decode(errors='replace')}")
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    flag.unlink()


def test_a_run_killed_in_the_fallback_window_gets_the_old_site_back(tmp_path: Path) -> None:
    site = _tree(tmp_path / "site", {"index.html": "old"})
    _kill_at("aside", [sys.executable, "-c", _KILLED_FALLBACK, str(site)], tmp_path / "flag",
             cwd=ROOT)
    assert not site.exists()  # the documented window: the old site is aside, the new not in
    assert len(leftovers(site)) == 2
    staging = stage(site)  # the next run puts the old site back before it starts
    assert (site / "index.html").read_text(encoding="utf-8") == "old"
    assert leftovers(site) == [staging.path]
    staging.discard()


def test_render_killed_before_the_swap_keeps_the_previous_render(tmp_path: Path) -> None:
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "generator", "render", "--partners", str(ROOT / "partners"),
            "--docs", str(ROOT / "docs"), "--as-of", "2026-11-28", "--out", str(out)]
    assert subprocess.run(argv, cwd=ROOT, capture_output=True, check=False).returncode == 0
    old = manifest(out)
    assert "partners/northwind-devops/index.html" in old
    _kill_at("staged", [*argv, "--flat-urls"], tmp_path / "flag", cwd=ROOT)
    assert manifest(out) == old
    assert len(leftovers(out)) == 1
    assert subprocess.run([*argv, "--flat-urls"], cwd=ROOT, capture_output=True,
                          check=False).returncode == 0
    locator = (out / "partners" / "index.html").read_text(encoding="utf-8")
    assert 'href="andes-cloud-ingenieria/index.html"' in locator  # the flat render, whole
    assert leftovers(out) == []


# Real mkdocs builds, killed -----------------------------------------------------------------


def _env(directory_urls: bool = True) -> dict[str, str]:
    return {
        **os.environ,
        "SOURCE_DATE_EPOCH": EPOCH,
        "NO_MKDOCS_2_WARNING": "1",
        "USE_DIRECTORY_URLS": "true" if directory_urls else "false",
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
        ),
    }


def _argv(project: Path, site: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
            str(project / "mkdocs.yml"), "-d", str(site), *extra]


def _build(project: Path, site: Path, *extra: str, directory_urls: bool = True) -> float:
    """One successful build; returns how long the command took, in seconds."""
    start = time.monotonic()
    done = subprocess.run(_argv(project, site, *extra), cwd=project, capture_output=True,
                          text=True, env=_env(directory_urls), check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return time.monotonic() - start


def _rename_partner(project: Path) -> None:
    partner = project / "partners" / f"{SLUG}.yml"
    text = partner.read_text(encoding="utf-8")
    assert f"name: {NAME}\n" in text
    partner.write_text(text.replace(f"name: {NAME}\n", "name: Northwind Renamed\n"),
                       encoding="utf-8")


def _reset(site: Path, snapshot: Path) -> None:
    shutil.rmtree(site)
    shutil.copytree(snapshot, site, symlinks=True)


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_a_whole_site(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project", hostile=False)
    site = tmp_path / "site"
    _build(project, site)
    old = manifest(site)
    snapshot = tmp_path / "old-site"
    shutil.copytree(site, snapshot, symlinks=True)

    _rename_partner(project)
    duration = _build(project, tmp_path / "reference")
    new = manifest(tmp_path / "reference")
    assert old != new  # the renamed partner changes pages and content-named data files
    assert "index.html" in old

    seen: list[str] = []
    mid_write = 0
    # Kills at moments spread over a whole build, from start-up to the final rename.
    for step in range(1, 11):
        _reset(site, snapshot)
        delay = duration * step / 10
        process = subprocess.Popen(_argv(project, site), cwd=project, env=_env(),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        time.sleep(delay)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert (site / "index.html").is_file(), f"no index.html after a kill at {delay:.2f}s"
        now = manifest(site)
        assert now in (old, new), f"a mixed site after a kill at {delay:.2f}s"
        seen.append("old" if now == old else "new")
        mid_write += bool(leftovers(site))
    assert "old" in seen
    assert mid_write >= 2, "no kill landed while the new site was being written"

    # Kills at the two moments around the swap: just before it, and just after it.
    flag = tmp_path / "flag"
    for phase, expected in (("staged", old), ("swapped", new)):
        _reset(site, snapshot)
        _kill_at(phase, _argv(project, site), flag, cwd=project, env=_env())
        assert manifest(site) == expected, phase
        assert leftovers(site) != []

    _build(project, site)
    assert manifest(site) == new
    assert settled(site) == []
    assert sorted(p.name for p in tmp_path.iterdir() if p not in spares(site)) == [
        "old-site", "project", "reference", "site"]


@pytest.mark.slow
def test_flat_urls_publish_the_same_way(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project", hostile=False)
    site = tmp_path / "site"
    _build(project, site, directory_urls=False)
    old = manifest(site)
    assert 'href="andes-cloud-ingenieria/index.html"' in (site / "partners" / "index.html"
                                                          ).read_text(encoding="utf-8")
    _rename_partner(project)
    _kill_at("staged", _argv(project, site), tmp_path / "flag", cwd=project,
             env=_env(directory_urls=False))
    assert manifest(site) == old
    _build(project, site, directory_urls=False)
    _build(project, tmp_path / "reference", directory_urls=False)
    assert manifest(site) == manifest(tmp_path / "reference")
    assert settled(site) == []


@pytest.mark.slow
def test_a_dirty_build_starts_from_the_published_site(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project", hostile=False)
    site = tmp_path / "site"
    _build(project, site)
    (site / "kept-by-dirty.txt").write_text("a file no build writes", encoding="utf-8")
    maintainers = project / "docs" / "maintainers.md"
    maintainers.write_text(maintainers.read_text(encoding="utf-8") + "\nDirty marker line.\n",
                           encoding="utf-8")
    done = subprocess.run(_argv(project, site, "--dirty"), cwd=project, capture_output=True,
                          text=True, env=_env(), check=False)
    # MkDocs warns about every dirty build, which fails a strict one: the site stays.
    assert done.returncode == 1
    assert "A 'dirty' build is being performed" in done.stderr
    assert "Dirty marker line." not in (site / "maintainers" / "index.html").read_text(
        encoding="utf-8")
    assert settled(site) == []

    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("strict: true", "strict: false"),
                      encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--dirty", "-f", str(config), "-d", str(site)],
        cwd=project, capture_output=True, text=True, env=_env(), check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Dirty marker line." in (site / "maintainers" / "index.html").read_text(
        encoding="utf-8")
    assert (site / "kept-by-dirty.txt").read_text(encoding="utf-8") == "a file no build writes"
    assert (site / "partners" / SLUG / "index.html").is_file()
    assert settled(site) == []


@pytest.mark.slow
def test_a_site_dir_behind_a_symlink_is_published_where_it_really_is(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project", hostile=False)
    real = tmp_path / "disk"
    real.mkdir()
    (tmp_path / "out").symlink_to(real)
    (real / "site").mkdir()
    (project / "site").symlink_to(real / "site")
    _build(project, tmp_path / "out" / "site")
    assert (real / "site" / "index.html").is_file()
    _build(project, project / "site")
    assert (project / "site").is_symlink()
    assert (project / "site" / "partners" / SLUG / "index.html").is_file()
    assert settled(real / "site") == []
    # The site before the published one is kept as a spare beside it.
    assert sorted(p.name for p in real.iterdir() if p not in spares(real / "site")) == ["site"]


@pytest.mark.parametrize("folder", [".site.spare-0a1b2c3d4e5f/", ".site.partial-0a1b2c3d4e5f/",
                                    ".public.spare-0a1b2c3d4e5f/",
                                    ".public.partial-0a1b2c3d4e5f/"])
def test_git_ignores_the_folders_a_build_keeps_beside_its_site(folder: str) -> None:
    # Else `git add -A` after a build would commit a whole copy of the site.
    found = subprocess.run(["git", "check-ignore", "--no-index", "-q", folder],
                           cwd=ROOT, check=False)
    assert found.returncode == 0, folder


def _stamp(folder: Path) -> int:
    return publish.folder_stamp(os.lstat(folder))


def test_only_folders_holding_just_their_files_are_recorded_known(tmp_path: Path) -> None:
    """A folder is recorded known when its stamp was known or a listing shows only the names
    a build writes there, and only once it has not changed for ``SETTLED_NS``."""
    _tree(tmp_path, {"p/clean/index.html": "a", "p/clean/badge.svg": "b",
                     "p/stray/index.html": "a", "p/stray/notes.txt": "x",
                     "p/deep/index.html": "a", "p/deep/sub/index.html": "y",
                     "p/old/index.html": "a"})
    (tmp_path / "p" / "file").write_text("not a folder", encoding="utf-8")
    names = {"clean", "stray", "deep", "old", "file", "missing"}
    files = {"index.html", "badge.svg"}
    later = time.time_ns() + publish.SETTLED_NS
    stray = _stamp(tmp_path / "p" / "stray")
    found = publish.known_folders(tmp_path / "p", names, files, known={stray}, before=later)
    assert found == {_stamp(tmp_path / "p" / n) for n in ("clean", "stray", "old")}
    # Changed within SETTLED_NS of the publish: not recorded (a coarse clock could keep the
    # times of a change made just after it).
    assert publish.known_folders(tmp_path / "p", names, files, known={stray},
                                 before=later - publish.SETTLED_NS // 2) == frozenset()


def test_a_known_folder_is_taken_without_a_look_until_an_entry_changes(tmp_path: Path) -> None:
    """A taken folder whose stamp is known is not listed; one with an entry added, removed or
    renamed since (its stamp changed) is listed and emptied of what a build does not write."""
    spare, new = tmp_path / "spare", tmp_path / "new"
    _tree(spare, {f"partners/{n}/index.html": n for n in ("same", "added", "removed", "moved")})
    for name in ("removed", "moved"):
        (spare / "partners" / name / "badge.svg").write_text("b", encoding="utf-8")
    known = {_stamp(p) for p in (spare / "partners").iterdir()}
    time.sleep(0.02)  # past the coarsest clock tick of the filesystems tests run on
    (spare / "partners" / "added" / "stray.html").write_text("x", encoding="utf-8")
    (spare / "partners" / "removed" / "badge.svg").unlink()
    (spare / "partners" / "moved" / "badge.svg").rename(spare / "partners" / "moved" / "b.svg")
    new.mkdir()
    names = {"same", "added", "removed", "moved"}
    assert publish.take(spare, new, "partners", names, {"index.html", "badge.svg"},
                        known=known) == (4, 3)
    partners = new / "partners"
    assert sorted(p.name for p in (partners / "added").iterdir()) == ["index.html"]
    assert sorted(p.name for p in (partners / "moved").iterdir()) == ["index.html"]
    assert sorted(p.name for p in (partners / "same").iterdir()) == ["index.html"]


def test_folders_taken_from_a_spare_keep_only_what_a_build_writes_there(tmp_path: Path) -> None:
    """A partner folder taken from an older site keeps only the names a build writes there;
    whatever else sits under such a name (a link, a folder) is replaced by the writer, and
    folders of partners gone are not taken."""
    spare, new = tmp_path / "spare", tmp_path / "new"
    _tree(spare, {"partners/kept/index.html": "page", "partners/kept/stray.txt": "x",
                  "partners/kept/sub/deep.html": "y", "partners/gone/index.html": "old",
                  "partners/odd/badge.svg": "real"})
    (spare / "partners" / "kept" / "badge.svg").symlink_to(tmp_path / "elsewhere.svg")
    (spare / "partners" / "odd" / "index.html").mkdir()
    (tmp_path / "elsewhere.svg").write_text("outside", encoding="utf-8")
    new.mkdir()
    assert publish.take(spare, new, "partners", {"kept", "odd"},
                        {"index.html", "badge.svg"}) == (2, 2)
    partners = new / "partners"
    assert sorted(p.name for p in partners.iterdir()) == ["kept", "odd"]
    assert sorted(p.name for p in (partners / "kept").iterdir()) == ["badge.svg", "index.html"]
    writer = Writer(new, None, recycled=True)
    writer.write("partners/kept/badge.svg", b"<svg/>")
    writer.write("partners/odd/index.html", b"<html></html>")
    assert not (partners / "kept" / "badge.svg").is_symlink()
    assert (partners / "kept" / "badge.svg").read_bytes() == b"<svg/>"
    assert (partners / "odd" / "index.html").read_bytes() == b"<html></html>"
    assert (tmp_path / "elsewhere.svg").read_text(encoding="utf-8") == "outside"


def test_of_several_spares_the_newest_is_taken_and_the_others_removed(tmp_path: Path) -> None:
    """Leftovers of killed or simultaneous builds: the spare made last is the one whose files
    the published site shares most, whatever the order of the random names."""
    site = tmp_path / "site"
    site.mkdir()
    older, newer = tmp_path / ".site.spare-aaaa", tmp_path / ".site.spare-zzzz"
    for spare in (older, newer):
        (spare / "partners").mkdir(parents=True)
        time.sleep(0.02)
    (tmp_path / ".site.spare-file").write_text("not a folder", encoding="utf-8")
    taken = publish._take_spare(site)
    assert taken is not None
    try:
        assert taken[0] == newer
        assert publish.spares(site) == [newer]
    finally:
        os.close(taken[1])
