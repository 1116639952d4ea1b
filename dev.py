#!/usr/bin/env python3
"""Developer commands that set themselves up: ``python3 dev.py serve`` and ``python3 dev.py test``.

Each creates ``.venv`` when it is missing and installs the project into it from the hashed
locks in ``requirements/`` (again only when ``pyproject.toml``, a lock or ``package-lock.json``
changed), so a fresh clone needs nothing but
Python 3.11 or newer (and, for the browser tests, Debian's ``chromium``; Node.js and npm for
the test tools).
"""

from __future__ import annotations

import argparse
import errno
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import venv
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def run(*command: str | Path, env: dict[str, str] | None = None) -> None:
    """Run a command in the project folder; stop with its status when it fails."""
    printable = " ".join(str(part) for part in command)
    print(f"$ {printable}", flush=True)  # noqa: T201 - a developer command shows what it runs
    status = subprocess.call([str(part) for part in command], cwd=ROOT, env=env)  # noqa: S603
    if status != 0:
        sys.exit(status)


def _stamp(extra: str, *files: Path) -> str:
    digest = hashlib.sha256(extra.encode())
    for file in files:
        if file.exists():
            digest.update(file.read_bytes())
    return digest.hexdigest()


#: The hashed locks the virtual environment is installed from, by extras.
LOCKS = {"": ROOT / "requirements" / "run.lock", "[test]": ROOT / "requirements" / "test.lock"}


def ensure_venv(extras: str, also: Sequence[str] = ()) -> None:
    """Create .venv and install the project (with ``extras``) unless it is already current:
    installed for ``extras``, or for one of the larger sets in ``also``.

    Every package comes from the hashed lock of ``requirements/`` (pip refuses anything whose
    hash differs), and the project itself is installed with the locked build backend, so
    nothing unpinned is fetched.
    """
    if not (BIN / "python").exists():
        print(f"creating {VENV.name}/", flush=True)  # noqa: T201
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    stamp_file = VENV / ".installed"

    def stamp_of(which: str) -> str:
        return _stamp(which, ROOT / "pyproject.toml", LOCKS[which])

    current = stamp_file.read_text() if stamp_file.exists() else None
    if current in (stamp_of(extras), *(stamp_of(more) for more in also)):
        return
    pip = (BIN / "python", "-m", "pip", "install", "--quiet")
    run(*pip, "--require-hashes", "--no-deps", "-r", LOCKS[extras])
    run(*pip, "--no-deps", "--no-build-isolation", "-e", ".")
    run(BIN / "python", "-m", "pip", "check")
    stamp_file.write_text(stamp_of(extras))


def ensure_node_tools() -> None:
    """Install the test tools of package.json (axe-core, gitlab-ci-local) into node_modules."""
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed for the test tools (axe-core, gitlab-ci-local): install Node.js.")
    stamp_file = ROOT / "node_modules" / ".installed"
    stamp = _stamp("", ROOT / "package.json", ROOT / "package-lock.json")
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        return
    run(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
    stamp_file.write_text(stamp)


HOST = "127.0.0.1"


def port_taken(port: int) -> bool:
    """True when something on this machine already listens on ``HOST:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as a server binds
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return True
            raise
    return False


def port_message(port: int) -> str:
    """The one line shown when the port is taken."""
    return (
        f"Port {port} on {HOST} is already in use by another program. "
        f"Pick another port: python3 dev.py serve --port {port + 1 if port < 65535 else 8001}"
    )


def run_server(command: Sequence[str | Path], port: int, env: dict[str, str]) -> int:
    """Run the server and pass its output on; a traceback for a taken port becomes one line.

    The port is checked before the server starts, but another program can take it in
    between: the server's own failure is caught too.
    """
    printable = " ".join(str(part) for part in command)
    print(f"$ {printable}", flush=True)  # noqa: T201
    held: list[str] = []
    # Stopped with SIGTERM (a terminal closing, a process manager), stop the server too
    # rather than leave it running without its parent.
    signal.signal(signal.SIGTERM, _interrupted)
    with subprocess.Popen(  # noqa: S603 - the project's own mkdocs
        [str(part) for part in command], cwd=ROOT, env=env,
        stderr=subprocess.PIPE, text=True, errors="replace",
    ) as server:
        assert server.stderr is not None  # noqa: S101 - piped above
        try:
            for line in server.stderr:
                if held or line.startswith("Traceback (most recent call last):"):
                    held.append(line)  # shown at the end, or replaced by one line
                else:
                    sys.stderr.write(line)
                    sys.stderr.flush()
            status = server.wait()
        except KeyboardInterrupt:
            server.terminate()
            server.wait()
            return 130
    if status != 0 and any("Address already in use" in line for line in held):
        print(port_message(port), file=sys.stderr)  # noqa: T201
        return 1
    sys.stderr.write("".join(held))
    return status


def _interrupted(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def serve(args: argparse.Namespace) -> None:
    """Build the site from the sample data and serve it, rebuilding on every change."""
    if port_taken(args.port):
        sys.exit(port_message(args.port))
    ensure_venv("", also=("[test]",))
    # Material prints an end-of-life banner on every start unless this is set.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command: list[str | Path] = [BIN / "mkdocs", "serve", "--dev-addr", f"{HOST}:{args.port}"]
    sys.exit(run_server(command, args.port, env))


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1 to 65535)")
    return port


def test(args: argparse.Namespace) -> None:
    """Install everything and run the linters, the type checker and the whole test suite."""
    ensure_venv("[test]")
    ensure_node_tools()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run(BIN / "ruff", "check", ".", env=env)
    run(BIN / "mypy", env=env)
    run(BIN / "python", "-m", "pytest", *args.pytest_args, env=env)


def main() -> None:
    """Parse the command and run it."""
    if sys.version_info < (3, 11):  # noqa: UP036 - the one place a too-old Python is caught
        sys.exit("Partner Locator needs Python 3.11 or newer.")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="build and serve the site on 127.0.0.1")
    serve_parser.add_argument("--port", type=_port, default=8000,
                              help="port on 127.0.0.1 to serve on (default: 8000)")
    serve_parser.set_defaults(handler=serve)
    test_parser = commands.add_parser("test", help="install everything and run every check")
    test_parser.add_argument("pytest_args", nargs="*", help="extra arguments for pytest")
    test_parser.set_defaults(handler=test)
    args = parser.parse_args()
    args.handler(args)


if __name__ == "__main__":
    main()
