"""The built site, shared by the build, page-weight and browser tests (built once).

A build that fails fails one test, test_the_strict_build_passes, with the build's own
messages; every test that needs the site is skipped with one line naming that test.
"""

from pathlib import Path

import pytest
from built_site import SiteBuild, build_messages, mkdocs_build, stop_unless_built

from runner.figures import draw_figures
from runner.snippets import SnippetError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def site_build(tmp_path_factory) -> SiteBuild:
    """Draw the figures and build the site, once; never raises (see ``site``)."""
    site = tmp_path_factory.mktemp("site")
    try:
        # Drawn in this process, which has torch loaded already; the build hits the cache.
        draw_figures()
    except SnippetError as error:
        return SiteBuild(site, str(error), error)
    # Built as the deploy job builds it: on GitHub Actions, which names the repository.
    result = mkdocs_build(ROOT, site, GITHUB_REPOSITORY="example/lr-atlas")
    if result.returncode != 0:
        return SiteBuild(site, build_messages(result.stdout + result.stderr))
    return SiteBuild(site)


@pytest.fixture(scope="session")
def site(site_build, root_causes) -> Path:
    stop_unless_built(site_build, root_causes)
    return site_build.site
