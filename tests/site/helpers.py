"""Building the real site for tests: a copy of the project with one hostile partner added."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from generator.site.publish import leftovers

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = Path(__file__).resolve().parent / "hostile-partner.yml"
HOSTILE_SLUG = "zz-hostile-partner"
#: 2026-11-28 00:00:00 UTC: the day every test build is made for.
EPOCH = "1795824000"


@dataclass(frozen=True)
class Build:
    """A finished build: its project copy, site folder and what MkDocs printed."""

    project: Path
    site: Path
    returncode: int
    output: str


def project_copy(target: Path, *, hostile: bool = True) -> Path:
    """A copy of mkdocs.yml, docs/ and partners/ that a build can change freely."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", target / "docs", dirs_exist_ok=True)
    shutil.copytree(ROOT / "partners", target / "partners", dirs_exist_ok=True)
    if hostile:
        shutil.copyfile(HOSTILE, target / "partners" / f"{HOSTILE_SLUG}.yml")
    return target


def set_plugin_options(project: Path, **options: object) -> None:
    """Add options under ``partner-locator`` in a project copy's mkdocs.yml."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    anchor = "  - partner-locator:\n"
    assert anchor in text, "mkdocs.yml no longer lists the plugin as expected"
    lines = "".join(f"      {key}: {json.dumps(value)}\n" for key, value in options.items())
    config.write_text(text.replace(anchor, anchor + lines), encoding="utf-8")


def mkdocs_build(project: Path, site: Path, *, directory_urls: bool = True,
                 extra_env: dict[str, str] | None = None) -> Build:
    """Run ``mkdocs build --strict`` for a project copy."""
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": EPOCH,
        "NO_MKDOCS_2_WARNING": "1",
        "USE_DIRECTORY_URLS": "true" if directory_urls else "false",
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
        ),
        **(extra_env or {}),
    }
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"),
         "-d", str(site)],
        capture_output=True, text=True, env=env, cwd=project, check=False,
    )
    return Build(project, site, done.returncode, done.stdout + done.stderr)


def built(tmp: Path, *, directory_urls: bool = True) -> Build:
    """A successful build of the project copy in ``tmp``; fails the test run otherwise."""
    project = project_copy(tmp / "project")
    result = mkdocs_build(project, tmp / "site", directory_urls=directory_urls)
    if result.returncode != 0:
        raise AssertionError(f"mkdocs build failed:\n{result.output}")
    return result


def settled(site: Path, seconds: float = 30) -> list[Path]:
    """The leftovers beside ``site`` once the replaced site's removal has had time to finish
    (a build removes it in a process of its own)."""
    deadline = time.monotonic() + seconds
    while leftovers(site) and time.monotonic() < deadline:
        time.sleep(0.05)
    return leftovers(site)


def digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by its path: the hash of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def assert_same_as_cold(project: Path, warm: Path, tmp_path: Path, **env: str) -> None:
    """The warm site equals a cold build of the same project, made without any cache."""
    cold_project = tmp_path / "cold-project"
    shutil.copytree(project, cold_project, ignore=shutil.ignore_patterns(".cache"))
    cold = mkdocs_build(cold_project, tmp_path / "cold-site", extra_env=env)
    assert cold.returncode == 0, cold.output
    first, second = digest(warm), digest(cold.site)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def assert_size_said(output: str, site: Path) -> None:
    """The build said the site's size to the byte (its last word on it): every regular file
    under it, counted however it was written (profiles are counted as they are written)."""
    said = re.findall(r"partner-locator: the site is ([\d,]+) bytes", output)
    assert said, output
    files = (p for p in site.rglob("*") if p.is_file() and not p.is_symlink())
    assert int(said[-1].replace(",", "")) == sum(p.lstat().st_size for p in files)
