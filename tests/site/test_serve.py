"""``mkdocs serve`` shows a change to partners/ without a restart, and recovers from bad data."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.site.helpers import EPOCH, ROOT, project_copy

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


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, Path]]:
    """A project copy served by ``mkdocs serve`` on 127.0.0.1: (project, root URL, log)."""
    project = project_copy(tmp_path / "project", hostile=False)
    port = _free_port()
    log = tmp_path / "serve.log"
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
            server.terminate()
            server.wait(timeout=30)


@pytest.mark.slow
def test_serve_rebuilds_when_a_partner_file_changes(served: tuple[Path, str, Path]) -> None:
    project, root, log = served
    profile = f"{root}partners/{SLUG}/"
    _wait(lambda: NAME in _get(profile), 120, "the first build", log)

    partner = project / "partners" / f"{SLUG}.yml"
    text = partner.read_text(encoding="utf-8")
    assert f"name: {NAME}\n" in text
    partner.write_text(text.replace(f"name: {NAME}\n", "name: Northwind Renamed\n"),
                       encoding="utf-8")
    _wait(lambda: "Northwind Renamed" in _get(profile), 60, "the renamed partner", log)

    # A broken edit is reported with its line; MkDocs then holds requests until a build
    # succeeds again, and the fix brings the site back.
    partner.write_text(text.replace("website:", "webiste:"), encoding="utf-8")
    _wait(
        lambda: f"partners/{SLUG}.yml:" in log.read_text(encoding="utf-8", errors="replace"),
        60, "the located error", log,
    )
    assert "unknown key 'webiste'; did you mean 'website'?" in log.read_text(encoding="utf-8")

    partner.write_text(text, encoding="utf-8")
    _wait(lambda: NAME in _get(profile), 60, "recovery after the fix", log)
