"""One real build of the sample data per session, shared by the HTML tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.site.helpers import Build, built


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The sample data plus a hostile partner, built with directory URLs."""
    return built(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def site(site_build: Build) -> Path:
    """The built site folder."""
    return site_build.site


@pytest.fixture(scope="session")
def flat_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same data built with ``use_directory_urls: false``, as previews are served."""
    return built(tmp_path_factory.mktemp("flat"), directory_urls=False).site
