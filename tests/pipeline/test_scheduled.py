"""The daily scheduled pipeline, run for real with gitlab-ci-local on the shipped sample data:
the ``notices`` job leaves the day's notices and the review calendar as artifacts that only
project members may open (``artifacts:access: developer``), and nothing of them goes to Pages.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.pipeline.conftest import gitlab_ci_local
from tests.pipeline.test_gitlab_ci_local import PROJECT_FILES, Run, _git

pytestmark = pytest.mark.slow

DAY = "2026-11-01"
EPOCH = str(int(datetime.fromisoformat(f"{DAY}T06:00:00+00:00").timestamp()))


@pytest.fixture(scope="module")
def scheduled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path, str]:
    tool = gitlab_ci_local("rsync", "git")
    repo = tmp_path_factory.mktemp("scheduled") / "repo"
    repo.mkdir()
    for name in (*PROJECT_FILES, "partners"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copyfile(source, repo / name)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "maintainer@example.com")
    _git(repo, "config", "user.name", "Maintainer")
    (repo / ".git" / "info" / "exclude").write_text(".gcl-*/\n", encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Partner data")
    _git(repo, "remote", "add", "origin", "https://gitlab.example.com/channel/partner-locator.git")
    _git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    _git(repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
    common = [
        "--variable", f"PYTHON={sys.executable}", "--variable", "SKIP_INSTALL=1",
        "--variable", f"SOURCE_DATE_EPOCH={EPOCH}", "--variable", "CI_DEFAULT_BRANCH=main",
        "--variable", "CI_PIPELINE_SOURCE=schedule",
        "--ignore-predefined-vars", "CI_PIPELINE_SOURCE,CI_DEFAULT_BRANCH",
    ]
    done = subprocess.run(
        [str(tool), "--force-shell-executor", "--no-color", "--state-dir", ".gcl-schedule",
         *common, "notices"],
        cwd=repo, capture_output=True, text=True, check=False, timeout=240,
    )
    run = Run(done.returncode, done.stdout + done.stderr, repo / ".gcl-schedule" / "artifacts")
    preview = subprocess.run(
        [str(tool), "--preview", *common], cwd=repo, capture_output=True, text=True,
        check=True, timeout=120,
    ).stdout
    return run, repo, preview


def test_the_scheduled_job_keeps_the_days_notices_and_the_calendar(
    scheduled: tuple[Run, Path, str],
) -> None:
    run, _repo, _preview = scheduled
    assert run.status == 0, run.output
    folder = run.artifacts / "notices" / "notices"
    listing = json.loads((folder / "notices.json").read_text(encoding="utf-8"))
    assert [(e["partner"], e["badge"], e["kind"]) for e in listing] == [
        ("great-lakes-systems", "psp", "review-kept"),
        ("lonestar-channel-distribution", "psp", "review-kept"),
        ("lonestar-channel-distribution", "tsp", "grace"),
        ("lumiere-devops", "psp", "grace"),
    ]
    for entry in listing:
        assert (folder / entry["file"]).read_bytes().startswith(b"From: Channel Services")
    calendar = (folder / "reviews.ics").read_bytes()
    assert calendar.startswith(b"BEGIN:VCALENDAR\r\n")
    assert b"DTSTAMP:20261101T000000Z\r\n" in calendar
    assert "4 notice(s) from 2026-11-01 to 2026-11-01 written to notices" in run.log("notices")


def test_the_artifacts_are_for_project_members_only(scheduled: tuple[Run, Path, str]) -> None:
    _run, _repo, preview = scheduled
    expanded = yaml.safe_load(preview)
    assert expanded["notices"]["artifacts"]["access"] == "developer"
    assert expanded["notices"]["artifacts"]["paths"] == ["notices/"]
    assert expanded["send-notices"]["artifacts"]["access"] == "developer"
    assert expanded["pages"]["artifacts"]["paths"] == ["public/"]
