"""The built site, shared by the build, page-weight and browser tests (built once)."""

from pathlib import Path

import pytest
from built_site import mkdocs_build

from runner.figures import draw_figures

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    # Draw in this process, which has torch loaded already; the build then hits the cache.
    draw_figures()
    # Built as the deploy job builds it: on GitHub Actions, which names the repository.
    result = mkdocs_build(ROOT, site, GITHUB_REPOSITORY="example/lr-atlas")
    assert result.returncode == 0, result.stdout + result.stderr
    return site
