"""The hashed lock that CI installs from keeps step with pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCKS = {"run": ROOT / "requirements" / "run.lock", "test": ROOT / "requirements" / "test.lock"}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\]+)(?:\s*;\s*([^\\]+?))?\s*\\?$")


def locked(path: Path) -> dict[str, tuple[str, list[str]]]:
    """Package name -> (version, hashes) of a lock file written by ``uv pip compile``."""
    pins: dict[str, tuple[str, list[str]]] = {}
    current: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := _PIN.match(line):
            current = canonicalize_name(match.group(1))
            pins[current] = (match.group(2), [])
        elif (stripped := line.strip()).startswith("--hash=sha256:") and current:
            pins[current][1].append(stripped.removeprefix("--hash=sha256:").rstrip(" \\"))
    return pins


def project() -> dict[str, list[str]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {"run": data["dependencies"],
            "test": data["dependencies"] + data["optional-dependencies"]["test"]}


@pytest.mark.parametrize("which", ["run", "test"])
def test_every_dependency_is_locked_within_its_range(which: str) -> None:
    pins = locked(LOCKS[which])
    wrong = []
    for text in project()[which]:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None or not requirement.specifier.contains(pin[0], prereleases=True):
            wrong.append(f"{text} -> {pin[0] if pin else 'not locked'}")
    assert wrong == []


@pytest.mark.parametrize("which", ["run", "test"])
def test_every_locked_package_has_a_hash_and_the_build_backend_is_locked(which: str) -> None:
    pins = locked(LOCKS[which])
    assert "setuptools" in pins  # the editable install builds without fetching anything unhashed
    assert [name for name, (_version, hashes) in pins.items() if not hashes] == []
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for _v, hashes in pins.values() for h in hashes)


def test_every_runtime_dependency_has_an_upper_bound() -> None:
    # A new major release of any of them may change what it parses or prints.
    unbounded = [
        text for text in project()["run"]
        if not any(spec.operator in {"<", "<=", "~=", "=="} for spec in Requirement(text).specifier)
    ]
    assert unbounded == []
