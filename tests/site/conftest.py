"""The built site, shared by the build, page-weight and browser tests (built once).

The build starts in the background as soon as the tests are collected, when any selected
test needs it, so it runs while the notebook, runner and snippet tests run.

A build that fails fails one test, test_the_strict_build_passes, with the build's own
messages; every test that needs the site is skipped with one line naming that test.
"""

import shutil
import tempfile
from pathlib import Path

import pytest
from browser import base_url, browser, page  # noqa: F401 (fixtures for every module here)
from built_site import SiteBuild, build_messages, start_mkdocs_build, stop_unless_built

from runner.figures import draw_figures
from runner.snippets import SnippetError

ROOT = Path(__file__).resolve().parents[2]
_build = {}  # "site", "process", "log", or "result" when it could not start


def pytest_collection_finish(session):
    if any("site_build" in getattr(item, "fixturenames", ()) for item in session.items):
        start_build()


def start_build() -> None:
    try:
        # Drawn here, in the process that has torch already; the build then hits the cache.
        draw_figures()
    except SnippetError as error:
        _build["result"] = SiteBuild(Path(tempfile.gettempdir()), str(error), error)
        return
    folder = Path(tempfile.mkdtemp(prefix="lr-atlas-site-"))
    site = folder / "site"
    log = open(folder / "mkdocs.log", "w+", encoding="utf-8")  # closed at session finish
    # Built as the deploy job builds it: on GitHub Actions, which names the repository.
    process = start_mkdocs_build(ROOT, site, log, GITHUB_REPOSITORY="example/lr-atlas")
    _build.update(folder=folder, site=site, process=process, log=log)


def pytest_sessionfinish(session):
    process = _build.get("process")
    if process is not None and process.poll() is None:  # the run stopped before needing it
        process.kill()
        process.wait()
    if "log" in _build:
        _build["log"].close()
    if "folder" in _build:
        shutil.rmtree(_build["folder"], ignore_errors=True)


@pytest.fixture(scope="session")
def site_build() -> SiteBuild:
    """The build started at collection, waited for; never raises (see ``site``)."""
    if not _build:  # asked for by a test the collection did not see (getfixturevalue)
        start_build()
    if "result" not in _build:
        returncode = _build["process"].wait()
        log = _build["log"]
        log.seek(0)
        failure = build_messages(log.read()) if returncode != 0 else None
        _build["result"] = SiteBuild(_build["site"], failure)
    return _build["result"]


@pytest.fixture(scope="session")
def site(site_build, root_causes) -> Path:
    stop_unless_built(site_build, root_causes)
    return site_build.site
