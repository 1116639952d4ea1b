"""``mkdocs serve`` shows a change to partners/ without a restart, shows broken data's errors on
every page, and recovers when they are fixed."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.site.plugin import ERROR_TITLE
from generator.site.prepare import SETTLED_NS
from tests.site.helpers import EPOCH, ROOT, assert_same_as_cold, assert_size_said, project_copy

SLUG = "northwind-devops"
NAME = "Northwind DevOps Inc."


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own server
            body: bytes = response.read()
            return body.decode("utf-8")
    except urllib.error.HTTPError as error:  # 404: the body is the site's 404 page
        text: str = error.read().decode("utf-8")
        return text
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _wait(check: Callable[[], bool], seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    output = log.read_text(encoding="utf-8", errors="replace")
    raise AssertionError(f"timed out waiting for {what}; mkdocs serve printed:\n{output[-3000:]}")


@contextlib.contextmanager
def serving(tmp_path: Path, *, port: int | None = None,
            log_name: str = "serve.log") -> Iterator[tuple[Path, str, Path]]:
    """A project copy served by ``mkdocs serve`` on 127.0.0.1: (project, root URL, log);
    stopped as Ctrl-C stops it."""
    project = tmp_path / "project"
    if not project.is_dir():
        project_copy(project, hostile=False)
    port = port or _free_port()
    log = tmp_path / log_name
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": EPOCH,
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
        ),
    }
    with log.open("w", encoding="utf-8") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}",
             "-f", str(project / "mkdocs.yml")],
            cwd=project, env=env, stdout=sink, stderr=subprocess.STDOUT,
        )
        try:
            yield project, f"http://127.0.0.1:{port}/", log
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=30)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, Path]]:
    """A project copy served by ``mkdocs serve`` on 127.0.0.1: (project, root URL, log)."""
    with serving(tmp_path) as server:
        yield server


@pytest.mark.slow
def test_serve_rebuilds_when_a_partner_file_changes(served: tuple[Path, str, Path]) -> None:
    project, root, log = served
    profile = f"{root}partners/{SLUG}/"
    _wait(lambda: NAME in _get(profile), 120, "the first build", log)

    # The partners' folder is watched by the system's notifications, not by MkDocs' polling
    # (which stats every partner file twice a second).
    (watching,) = [line for line in log.read_text("utf-8").splitlines()
                   if "Watching paths for changes" in line]
    assert "'docs'" in watching and "partners" not in watching
    partner = project / "partners" / f"{SLUG}.yml"
    text = partner.read_text(encoding="utf-8")
    assert f"name: {NAME}\n" in text
    _rename(project)
    _wait(lambda: "Northwind Renamed" in _get(profile), 60, "the renamed partner", log)
    # The rebuild updated the last served site in place: another profile is served as before.
    assert "partner-locator: the last served site kept, to be updated in place" in \
        log.read_text(encoding="utf-8")
    assert "Aurora Pipelines Oy" in _get(f"{root}partners/aurora-pipelines/")

    # A broken edit is reported with its line, in the log and on every page; the fix brings
    # the site back.
    broken = text.replace("website:", "webiste:").replace(
        "summary:", "'<script>alert(1)</script>': x\nsummary:")
    partner.write_text(broken, encoding="utf-8")
    _wait(lambda: ERROR_TITLE in _get(profile), 60, "the error page", log)
    for url in (root, f"{root}partners/", profile, f"{root}handbook/badges/"):
        page = _get(url)
        assert f"partners/{SLUG}.yml:3:1: error: unknown key &#39;webiste&#39;; did you mean " \
            "&#39;website&#39;? [unknown-key]" in page, url
        assert f"partners/{SLUG}.yml:2:1: error: missing required key &#39;website&#39; " \
            "[missing-key]" in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>alert(1)</script>" not in page
        assert 'req.open("GET", "/livereload/"' in page  # MkDocs' reload script
        assert "<p>3 errors in the partner files keep the site from being built." in page
    missing = _get(f"{root}partners/not-a-partner-yet/")
    assert f"partners/{SLUG}.yml:3:1: error: unknown key" in missing
    assert 'fetch(location.href, {cache: "no-store"})' in missing  # the 404 page's own reload
    output = log.read_text(encoding="utf-8")
    assert f"partners/{SLUG}.yml:3:1: error: unknown key 'webiste'; did you mean 'website'?" \
        in output

    partner.write_text(text, encoding="utf-8")
    _wait(lambda: NAME in _get(profile), 60, "recovery after the fix", log)
    assert ERROR_TITLE not in _get(root)
    assert ERROR_TITLE not in _get(f"{root}partners/not-a-partner-yet/")


@pytest.mark.slow
def test_a_rebuild_keeps_the_served_folder_private(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs serves from a temporary folder only its user can read; a rebuild, which sets
    the last site aside and starts an empty folder, keeps that folder's mode."""
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    with serving(tmp_path) as (project, root, log):
        profile = f"{root}partners/{SLUG}/"
        _wait(lambda: NAME in _get(profile), 120, "the first build", log)
        (folder,) = [p for p in temporary.iterdir() if p.name.startswith("mkdocs_")]
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        _rename(project)
        _wait(lambda: "Northwind Renamed" in _get(profile), 60, "the renamed partner", log)
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def _rename(project: Path) -> None:
    """Rename the sample's first partner to "Northwind Renamed"."""
    partner = project / "partners" / f"{SLUG}.yml"
    partner.write_text(partner.read_text("utf-8").replace(
        f"name: {NAME}\n", "name: Northwind Renamed\n"), "utf-8")


def _builds(log: Path) -> int:
    return log.read_text(encoding="utf-8").count("Documentation built in")


def _settled(log: Path, quiet: float = 2.0) -> bool:
    """Whether the server's last rebuild has ended, its site shown to the browsers, and the
    server has logged nothing else for ``quiet`` seconds (requests aside)."""
    text = log.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if '"GET ' not in line]
    if not lines or "Reloading browsers" not in lines[-1]:
        return False
    time.sleep(quiet)
    return log.read_text(encoding="utf-8") == text


@pytest.mark.slow
def test_the_served_folder_is_what_a_build_makes(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild updates the served site in place: after a partner is renamed, removed, added
    back with a new logo and its program's handbook page edited, the served folder holds
    exactly the files, byte for byte, that a cold ``mkdocs build`` of the same project makes
    for the same URL, and the size the build said is its size."""
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    with serving(tmp_path) as (project, root, log):
        profile = f"{root}partners/{SLUG}/"
        _wait(lambda: NAME in _get(profile), 120, "the first build", log)
        (folder,) = [p for p in temporary.iterdir() if p.name.startswith("mkdocs_")]
        partners = project / "partners"
        aurora = f"{root}partners/aurora-pipelines/"
        kept = {name: (partners / name).read_bytes()
                for name in ("aurora-pipelines.yml", "aurora-pipelines.svg")}

        def remove() -> None:
            for name in kept:
                (partners / name).unlink()

        def add_back() -> None:
            (partners / "aurora-pipelines.svg").write_bytes(
                kept["aurora-pipelines.svg"].replace(b"<svg ", b'<svg fill="#123456" ', 1))
            (partners / "aurora-pipelines.yml").write_bytes(kept["aurora-pipelines.yml"])
            page = project / "docs" / "index.md"
            page.write_text(page.read_text("utf-8") + "\nA line added while served.\n",
                            "utf-8")

        steps: list[tuple[Callable[[], None], Callable[[], bool]]] = [
            (lambda: _rename(project), lambda: "Northwind Renamed" in _get(profile)),
            (remove, lambda: "Aurora Pipelines" not in _get(aurora)),
            (add_back, lambda: "Aurora Pipelines" in _get(aurora)
             and "A line added while served." in _get(root)),
        ]
        for number, (change, shown) in enumerate(steps):
            before = _builds(log)
            change()
            def rebuilt(before: int = before, shown: Callable[[], bool] = shown) -> bool:
                return _builds(log) > before and shown()

            _wait(rebuilt, 90, f"change {number + 1}", log)
            # A change of several files may be seen in two goes: wait until no rebuild is
            # under way or starts.
            _wait(lambda: _settled(log), 90, f"the rebuilds of change {number + 1}", log)
            output = log.read_text(encoding="utf-8")
            assert "partner-locator: the last served site kept, to be updated in place" in \
                output.rsplit("Building documentation...", 1)[-1]
            cold = tmp_path / f"cold-{number}"
            cold.mkdir()
            assert_same_as_cold(project, folder, cold, SITE_URL=root)
            assert_size_said(output, folder)


@pytest.mark.slow
def test_a_stopped_server_leaves_its_records_for_the_next(tmp_path: Path) -> None:
    """A server holds its ledger in memory between rebuilds and saves it when stopped: the
    next server of the same project and address reads no partner file again."""
    port = _free_port()
    with serving(tmp_path, port=port) as (project, root, log):
        profile = f"{root}partners/{SLUG}/"
        _wait(lambda: NAME in _get(profile), 120, "the first build", log)
        _rename(project)
        _wait(lambda: "Northwind Renamed" in _get(profile), 60, "the renamed partner", log)
        # Once the edit has settled, one more rebuild puts it in the ledger.
        time.sleep(SETTLED_NS / 1e9 + 0.5)
        before = _builds(log)
        page = project / "docs" / "index.md"
        page.write_text(page.read_text("utf-8") + "\nOne more line.\n", "utf-8")
        _wait(lambda: _builds(log) > before, 60, "the rebuild", log)
        count = log.read_text("utf-8").count(" partners as of ")
        assert count == before + 1
    assert "Shutting down..." in log.read_text("utf-8")
    with serving(tmp_path, port=port, log_name="again.log") as (_, root, again):
        _wait(lambda: "Northwind Renamed" in _get(f"{root}partners/{SLUG}/"), 120,
              "the first build of the second server", again)
        assert "; 0 partner files read, the others unchanged since the last build" in \
            again.read_text("utf-8")
