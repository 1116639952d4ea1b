"""The pipeline's configuration files: schema-valid, and saying what the project relies on."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

CI_FILE = ROOT / ".gitlab-ci.yml"


def _check_jsonschema() -> str:
    found = shutil.which("check-jsonschema")
    if found is None:
        beside = Path(sys.executable).with_name("check-jsonschema")
        if not beside.exists():
            pytest.skip("check-jsonschema is not installed")
        found = str(beside)
    return found


def _ci() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(CI_FILE.read_text(encoding="utf-8"))
    return loaded


def test_gitlab_ci_passes_the_gitlab_schema_offline() -> None:
    done = subprocess.run(
        [_check_jsonschema(), "--builtin-schema", "vendor.gitlab-ci",
         "--data-transform", "gitlab-ci", "--regex-variant", "nonunicode", str(CI_FILE)],
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert (done.returncode, done.stdout.strip()) == (0, "ok -- validation done"), done.stderr


def test_the_schema_check_catches_a_misspelt_key(tmp_path: Path) -> None:
    broken = tmp_path / ".gitlab-ci.yml"
    broken.write_text(
        CI_FILE.read_text(encoding="utf-8").replace("expose_as:", "expose-as:"), encoding="utf-8"
    )
    done = subprocess.run(
        [_check_jsonschema(), "--builtin-schema", "vendor.gitlab-ci",
         "--data-transform", "gitlab-ci", "--regex-variant", "nonunicode", str(broken)],
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert done.returncode == 1
    assert "'expose-as' was unexpected" in done.stdout


def test_every_job_but_production_and_sending_is_interruptible() -> None:
    ci = _ci()
    assert ci["default"]["interruptible"] is True
    assert ci["workflow"]["auto_cancel"] == {"on_new_commit": "interruptible"}
    jobs = {name: job for name, job in ci.items() if isinstance(job, dict) and "script" in job}
    assert sorted(n for n, job in jobs.items() if job.get("interruptible") is False) == [
        "pages", "send-notices",
    ]


def test_notices_and_the_calendar_are_private_artifacts() -> None:
    ci = _ci()
    for name in ("notices", "send-notices"):
        assert ci[name]["artifacts"]["access"] == "developer"
        assert "public" not in ci[name]["artifacts"]
        assert "pages" not in ci[name]
    assert ci["notices"]["artifacts"]["paths"] == ["notices/"]
    assert ci["pages"]["artifacts"]["paths"] == ["public/"]


def test_python_image_is_pinned_to_the_project_python() -> None:
    image = _ci()["default"]["image"]
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm", image), image
    requires = re.search(
        r'requires-python = ">=(\d+\.\d+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    )
    assert requires is not None
    assert image.startswith(f"python:{requires.group(1)}.")
    assert _ci()["default"]["cache"]["key"] == {"files": ["pyproject.toml"]}


@pytest.mark.parametrize("job", ["review-app", "pages-preview", "pages"])
def test_site_builds_keep_the_cache_of_finished_partners(job: str) -> None:
    caches = _ci()[job]["cache"]
    paths = [path for cache in caches for path in cache["paths"]]
    assert paths == [".cache/pip", ".cache/partner-locator"]
    build = next(c for c in caches if ".cache/partner-locator" in c["paths"])
    assert build["key"] == "partner-locator-$CI_COMMIT_REF_SLUG"


def test_reports_are_uploaded_even_when_validation_fails() -> None:
    artifacts = _ci()["validate-data"]["artifacts"]
    assert artifacts["when"] == "always"
    assert set(artifacts["reports"]) == {"codequality", "junit"}
    assert "rules" not in _ci()["validate-data"]  # every pipeline, the default branch too


def test_parallel_deployments_are_opt_in() -> None:
    ci = _ci()
    assert ci["pages-preview"]["pages"]["path_prefix"] == "mr-$CI_MERGE_REQUEST_IID"
    assert '$PAGES_PREVIEW == "true"' in ci["pages-preview"]["rules"][0]["if"]
    assert '$PAGES_PREVIEW != "true"' in ci["review-app"]["rules"][0]["if"]
    assert ci["review-app"]["variables"] == {"USE_DIRECTORY_URLS": "false"}
    assert ci["review-app"]["environment"]["url"] == "$PREVIEW_URL"
    assert ci["review-app"]["artifacts"]["reports"] == {"dotenv": "preview.env"}


def test_route_map_links_partner_files_to_profiles() -> None:
    routes = yaml.safe_load((ROOT / ".gitlab" / "route-map.yml").read_text(encoding="utf-8"))

    def public(path: str) -> str | None:
        for route in routes:
            source = route["source"]
            if source.startswith("/") and source.endswith("/"):
                match = re.fullmatch(source[1:-1], path)
                if match:
                    return str(match.expand(route["public"]))
            elif source == path:
                return str(route["public"])
        return None

    assert public("partners/acme-devops.yml") == "partners/acme-devops/"
    assert public("partners/acme-devops.svg") == "partners/acme-devops/"
    assert public("partners/program.yml") == "handbook/channel-services/"
    assert public("generator/cli.py") is None


def test_pre_commit_hook_runs_validate_on_partner_changes() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks == [
        {
            "id": "validate-partners",
            "name": "validate partner data",
            "description": (
                "Check every partner file and program.yml; errors read path:line:column."
            ),
            "entry": "partner-locator validate",
            "language": "python",
            "files": "^partners/",
            "pass_filenames": False,
        }
    ]
