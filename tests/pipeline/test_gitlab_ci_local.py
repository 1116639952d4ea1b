"""The pipeline, run for real with gitlab-ci-local on a temporary repository with a data change.

Three runs on one repository: the default branch (reports, then the production site), a merge
request that moves a badge and changes a profile (reports, a preview, the badge report), and a
merge request that breaks a file (reports uploaded although validation fails, and the badge
report naming the new error). Jobs run in the shell executor with this test's Python, so the
test needs no network. gitlab-ci-local ignores ``workflow:rules``; docs/maintainers.md says how
those were checked.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.conftest import ROOT
from tests.pipeline.conftest import gitlab_ci_local

pytestmark = pytest.mark.slow

DIFF_FIXTURES = ROOT / "tests" / "diff" / "fixtures" / "base"
AS_OF = "2026-11-28"
EPOCH = str(int(datetime.fromisoformat(f"{AS_OF}T12:00:00+00:00").timestamp()))
#: What the temporary repository holds of this project: enough to validate, diff and build.
PROJECT_FILES = (".gitlab-ci.yml", ".gitlab", "mkdocs.yml", "pyproject.toml", "generator", "docs")


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull},
    )
    return done.stdout.strip()


@dataclass(frozen=True)
class Run:
    """One pipeline run: its exit status, its output, and the artifacts it left."""

    status: int
    output: str
    artifacts: Path

    def log(self, job: str) -> str:
        """The job's log as gitlab-ci-local wrote it."""
        return (self.artifacts.parent / "output" / f"{job}.log").read_text(encoding="utf-8")


def _pipeline(
    tool: Path,
    repo: Path,
    state: str,
    *variables: str,
    unset: tuple[str, ...] = (),
    jobs: tuple[str, ...] = (),
) -> Run:
    command = [
        str(tool), "--force-shell-executor", "--no-color", "--state-dir", state,
        "--variable", f"PYTHON={sys.executable}",
        "--variable", "SKIP_INSTALL=1",
        "--variable", f"SOURCE_DATE_EPOCH={EPOCH}",
        "--variable", "CI_DEFAULT_BRANCH=main",
        "--variable", "CI_PAGES_DOMAIN=gitlab.io",
        # GitLab predefines it; gitlab-ci-local does not.
        "--variable", "CI_PAGES_URL=https://channel.gitlab.io/partner-locator",
        "--ignore-predefined-vars", "CI_PIPELINE_SOURCE,CI_DEFAULT_BRANCH",
    ]
    for variable in variables:
        command += ["--variable", variable]
    for name in unset:
        command += ["--unset-variable", name]
    command += jobs
    done = subprocess.run(
        command, cwd=repo, capture_output=True, text=True, check=False, timeout=240,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return Run(done.returncode, done.stdout + done.stderr, repo / state / "artifacts")


@dataclass(frozen=True)
class Runs:
    main: Run
    merge_request: Run
    broken: Run
    broken_diff: Run
    base_sha: str


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    tool = gitlab_ci_local("rsync", "git")
    repo = tmp_path_factory.mktemp("pipeline") / "repo"
    repo.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copyfile(source, repo / name)
    partners = repo / "partners"
    shutil.copytree(DIFF_FIXTURES, partners)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "maintainer@example.com")
    _git(repo, "config", "user.name", "Maintainer")
    (repo / ".git" / "info" / "exclude").write_text(".gcl-*/\n", encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Partner data")
    # gitlab-ci-local derives the project's path from origin and needs its default branch.
    _git(repo, "remote", "add", "origin", "https://gitlab.example.com/channel/partner-locator.git")
    _git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    _git(repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
    base_sha = _git(repo, "rev-parse", "HEAD")

    main = _pipeline(tool, repo, ".gcl-main", "CI_PIPELINE_SOURCE=push")

    # A merge request: one engineer leaves Acme (PSP goes at risk), and Acme opens an office.
    _git(repo, "checkout", "-q", "-b", "acme-update")
    acme = partners / "acme-devops.yml"
    text = acme.read_text(encoding="utf-8")
    text = text.replace(
        "  - id: p-003\n    employed: {from: 2020-01-01}",
        "  - id: p-003\n    employed: {from: 2020-01-01, to: 2026-10-31}",
    ).replace(
        "headquarters: {country: DE, city: Berlin}",
        "headquarters: {country: DE, city: Berlin}\nlocations:\n  - {country: AT, city: Vienna}",
    )
    acme.write_text(text, encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "Acme: p-003 left, Vienna office")
    mr_variables = (
        "CI_PIPELINE_SOURCE=merge_request_event",
        "CI_MERGE_REQUEST_IID=7",
        f"CI_MERGE_REQUEST_DIFF_BASE_SHA={base_sha}",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main",
    )
    merge_request = _pipeline(
        tool, repo, ".gcl-mr", *mr_variables, unset=("CI_COMMIT_BRANCH",)
    )

    # The same merge request, one more push: a misspelt key.
    acme.write_text(text.replace("website:", "webiste:"), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "Typo")
    broken = _pipeline(tool, repo, ".gcl-broken", *mr_variables, unset=("CI_COMMIT_BRANCH",))
    # gitlab-ci-local stops a pipeline at the first failed job, where GitLab still runs the
    # `when: always` badge report (tests/pipeline/test_rules.py checks that rule): run the
    # job by name to see what it reports on broken data.
    broken_diff = _pipeline(
        tool, repo, ".gcl-broken-diff", *mr_variables, unset=("CI_COMMIT_BRANCH",),
        jobs=("badge-diff",),
    )
    return Runs(main, merge_request, broken, broken_diff, base_sha)


def _codequality(run: Run) -> list[dict[str, object]]:
    path = run.artifacts / "validate-data" / "reports" / "gl-code-quality-report.json"
    loaded: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _junit(run: Run) -> ET.Element:
    return ET.parse(run.artifacts / "validate-data" / "reports" / "junit.xml").getroot()


def test_default_branch_validates_and_deploys(runs: Runs) -> None:
    run = runs.main
    assert run.status == 0, run.output
    assert _codequality(run) == []  # the widget's baseline on the target branch
    suite = _junit(run).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("3", "0")
    assert "3 files checked: no errors" in run.log("validate-data")
    site = run.artifacts / "pages" / "public"
    assert (site / "index.html").is_file()
    profile = (site / "partners" / "acme-devops" / "index.html").read_text(encoding="utf-8")
    assert "Acme DevOps GmbH" in profile
    # Canonical URLs follow the Pages URL, not the placeholder in mkdocs.yml.
    assert (
        '<link rel="canonical" href="https://channel.gitlab.io/partner-locator/partners/acme-devops/">'
        in profile
    )
    # Merge request jobs do not run on the default branch.
    assert not (run.artifacts / "badge-diff").exists()
    assert not (run.artifacts / "review-app").exists()


def test_merge_request_gets_reports_preview_and_badge_report(runs: Runs) -> None:
    run = runs.merge_request
    assert run.status == 0, run.output
    assert _codequality(run) == []
    assert not (run.artifacts / "pages").exists()  # production is not deployed from a merge request
    preview = run.artifacts / "review-app" / "public"
    profile = preview / "partners" / "acme-devops" / "index.html"
    assert profile.is_file()  # no directory URLs: served from artifacts
    assert "Vienna" in profile.read_text(encoding="utf-8")
    # gitlab-ci-local keeps dotenv reports where GitLab would read them for environment:url.
    dotenv = run.artifacts / "review-app" / ".gitlab-ci-reports" / "dotenv" / "preview.env"
    env = dotenv.read_text(encoding="utf-8")
    root = "https://channel.gitlab.io/-/partner-locator/-/jobs/"
    assert env.startswith(f"PREVIEW_URL={root}")
    report = (run.artifacts / "badge-diff" / "reports" / "badge-report.html").read_text(
        encoding="utf-8"
    )
    assert "Partner data changes as of 2026-11-28" in report
    assert "PSP at risk" in report
    assert "offices: added Vienna, AT" in report
    assert f'href="{root}' in report
    assert '/artifacts/public/partners/acme-devops/index.html"' in report
    log = run.log("badge-diff")
    assert "## Partner data changes as of 2026-11-28" in log
    assert "`PSP` at risk" in log
    assert "p-003" not in log + report


def test_broken_merge_request_still_uploads_reports_and_names_the_error(runs: Runs) -> None:
    run = runs.broken
    assert run.status != 0
    assert "partners/acme-devops.yml:2:1: error: unknown key 'webiste'" in run.log("validate-data")
    issues = _codequality(run)
    assert [(i["check_name"], i["location"]) for i in issues] == [
        ("missing-key", {"path": "partners/acme-devops.yml", "lines": {"begin": 1}}),
        ("unknown-key", {"path": "partners/acme-devops.yml", "lines": {"begin": 2}}),
    ]
    suite = _junit(run).find("testsuite")
    assert suite is not None
    assert suite.get("failures") == "1"
    log = runs.broken_diff.log("badge-diff")
    assert "### New validation errors (2)" in log
    assert (
        "- `partners/acme-devops.yml:2:1`: `unknown key 'webiste'; did you mean 'website'?`"
        in log
    )
