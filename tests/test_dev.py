"""``dev.py serve``: one line when the port is taken, and no end-of-life banner.

These run the real ``dev.py`` in a child process, with the project's ``.venv`` already
installed (the suite itself runs from it), against real sockets on 127.0.0.1.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from types import ModuleType

import pytest

from tests.conftest import ROOT


def _load_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


dev = _load_dev()


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port on 127.0.0.1 that another program listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _child_env() -> dict[str, str]:
    # dev.py must silence the banner itself, whatever the caller's environment says.
    env = dict(os.environ)
    env.pop("NO_MKDOCS_2_WARNING", None)
    return env


def test_serve_on_a_taken_port_says_so_in_one_line(taken_port: int) -> None:
    done = subprocess.run(
        [sys.executable, "dev.py", "serve", "--port", str(taken_port)],
        cwd=ROOT, env=_child_env(), capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        f"Port {taken_port} on 127.0.0.1 is already in use by another program. "
        f"Pick another port: python3 dev.py serve --port {taken_port + 1}\n"
    )


def test_a_port_taken_after_the_check_still_gives_one_line(
    taken_port: int, capfd: pytest.CaptureFixture[str]
) -> None:
    # mkdocs itself meets the taken port: its traceback is replaced by the same line.
    env = {**_child_env(), "NO_MKDOCS_2_WARNING": "1"}
    command = [dev.BIN / "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{taken_port}"]
    assert dev.run_server(command, taken_port, env) == 1
    err = capfd.readouterr().err
    assert "Traceback" not in err
    assert "Address already in use" not in err
    assert err.splitlines()[-1] == (
        f"Port {taken_port} on 127.0.0.1 is already in use by another program. "
        f"Pick another port: python3 dev.py serve --port {taken_port + 1}"
    )


@pytest.mark.parametrize(
    ("port", "message"),
    [
        ("99999", "argument --port: 99999 is not a port number (1 to 65535)"),
        ("0", "argument --port: 0 is not a port number (1 to 65535)"),
        ("http", "argument --port: 'http' is not a port number"),
    ],
)
def test_serve_rejects_a_port_that_is_not_one(port: str, message: str) -> None:
    done = subprocess.run(
        [sys.executable, "dev.py", "serve", "--port", port],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == f"dev.py serve: error: {message}"


@pytest.mark.slow
def test_serve_starts_on_the_port_without_the_end_of_life_banner() -> None:
    port = _free_port()
    with subprocess.Popen(
        [sys.executable, "dev.py", "serve", "--port", str(port)],
        cwd=ROOT, env=_child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as server:
        try:
            deadline = time.monotonic() + 180
            page = ""
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                        page = r.read().decode("utf-8")
                        break
                except OSError:
                    time.sleep(0.5)
            assert "Partner" in page, "the site was not served"
        finally:
            server.terminate()
            out, err = server.communicate(timeout=60)
    log = out + err
    assert f"Serving on http://127.0.0.1:{port}/" in log
    assert "end of life" not in log
    assert "NO_MKDOCS_2_WARNING" not in log


def test_the_readme_says_how_to_serve_on_another_port() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Partner Locator\n\n```sh\npython3 dev.py serve   #")
    assert "`python3 dev.py serve --port 8001`" in readme
