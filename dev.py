#!/usr/bin/env python3
"""Developer commands that set themselves up: ``python3 dev.py serve`` and ``python3 dev.py test``.

Each creates ``.venv`` when it is missing and installs the project into it (again only when
``pyproject.toml`` or ``package-lock.json`` changed), so a fresh clone needs nothing but
Python 3.11 or newer (and, for the browser tests, Debian's ``chromium``; Node.js and npm for
the test tools).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import venv
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


def ensure_venv(extras: str) -> None:
    """Create .venv and install the project (with ``extras``) unless it is already current."""
    if not (BIN / "python").exists():
        print(f"creating {VENV.name}/", flush=True)  # noqa: T201
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    stamp_file = VENV / ".installed"
    stamp = _stamp(extras, ROOT / "pyproject.toml")
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        return
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".{extras}" if extras else "."
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", target)
    stamp_file.write_text(stamp)


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


def serve(args: argparse.Namespace) -> None:
    """Build the site from the sample data and serve it, rebuilding on every change."""
    ensure_venv("")
    run(BIN / "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{args.port}")


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
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.set_defaults(handler=serve)
    test_parser = commands.add_parser("test", help="install everything and run every check")
    test_parser.add_argument("pytest_args", nargs="*", help="extra arguments for pytest")
    test_parser.set_defaults(handler=test)
    args = parser.parse_args()
    args.handler(args)


if __name__ == "__main__":
    main()
