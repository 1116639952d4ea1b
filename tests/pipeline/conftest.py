"""Finding gitlab-ci-local: GITLAB_CI_LOCAL, else the one ``npm ci`` installs at the root."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT


def gitlab_ci_local(*also: str) -> Path:
    """The gitlab-ci-local executable; skips (fails with REQUIRE_PIPELINE=1) when tools are missing.

    ``also`` names further programs the caller needs on PATH.
    """
    configured = os.environ.get("GITLAB_CI_LOCAL")
    tool = Path(configured) if configured else ROOT / "node_modules" / ".bin" / "gitlab-ci-local"
    missing = [f"gitlab-ci-local ({tool})"] if not tool.exists() else []
    missing += [name for name in ("node", *also) if shutil.which(name) is None]
    if missing:
        if os.environ.get("REQUIRE_PIPELINE") == "1":
            pytest.fail(f"REQUIRE_PIPELINE=1 but missing: {', '.join(missing)}")
        pytest.skip(f"missing: {', '.join(missing)} (npm ci installs gitlab-ci-local)")
    return tool


def gitlab_ci_local_source(tool: Path) -> Path:
    """The folder of gitlab-ci-local's JavaScript modules."""
    return tool.resolve().parent
