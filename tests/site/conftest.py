"""The built site, shared by the build, page-weight and browser tests (built once).

The build starts in the background as soon as the tests are collected, when any selected
test needs it, so it runs while the notebook, runner and snippet tests run. When it is
done, the reader checks on every page (readers.py: axe-core and the phone checks, minutes
of browser work) start in the background too, in their own Chromium; the test that reports
them runs last, so it rarely waits.

A build that fails fails one test, test_the_strict_build_passes, with the build's own
messages; every test that needs the site is skipped with one line naming that test.
"""

import json
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from browser import CHROMIUM, base_url, browser, page, require_chromium  # noqa: F401
from built_site import SiteBuild, build_messages, start_mkdocs_build, stop_unless_built
from readers import PASSES

from runner.figures import draw_figures
from runner.snippets import SnippetError

ROOT = Path(__file__).resolve().parents[2]
READERS = Path(__file__).with_name("readers.py")
_build = {}  # "site", "process", "log", "sweep"..., or "result" when it could not start


def pytest_collection_modifyitems(items):
    # The reader checks' test waits for the background sweep: run it last.
    items.sort(key=lambda item: "reader_sweep" in getattr(item, "fixturenames", ()))


def pytest_collection_finish(session):
    fixtures = [getattr(item, "fixturenames", ()) for item in session.items]
    if any("site_build" in names for names in fixtures):
        start_build(sweep=CHROMIUM is not None and any("reader_sweep" in n for n in fixtures))


def start_build(sweep: bool = False) -> None:
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
    if sweep:
        _build["sweep_thread"] = threading.Thread(target=_sweep_when_built, daemon=True)
        _build["sweep_thread"].start()


def _sweep_when_built() -> None:
    if _build["process"].wait() == 0:
        start_sweep()


def start_sweep() -> None:
    # One process per pass of readers.py, side by side: the layout-shift pass mostly waits
    # (for shifts that come late), so beside the axe pass it costs little time.
    folder = _build["folder"]
    _build["sweep"] = {}
    for name in PASSES:
        log = open(folder / f"readers-{name}.log", "w+", encoding="utf-8")
        command = [sys.executable, "-W", "error", READERS, _build["site"]]
        command += [folder / f"readers-{name}.json", "--only", name]
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        _build["sweep"][name] = (process, log)


def pytest_sessionfinish(session):
    if "sweep_thread" in _build:
        _build["process"].kill()  # a run stopped before needing the site: stop the build...
        _build["sweep_thread"].join()
    processes = [_build.get("process")]  # ... and whatever is still running
    processes += [process for process, _ in _build.get("sweep", {}).values()]
    for process in processes:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
    logs = [_build.get("log")] + [log for _, log in _build.get("sweep", {}).values()]
    for log in logs:
        if log is not None:
            log.close()
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


@pytest.fixture(scope="session")
def reader_sweep(site) -> dict:
    """readers.py's result for the built site: {"pages": [...], "problems": [...],
    "seconds": float}, from the background runs (one per pass) started when the build
    finished; seconds is the longer pass's."""
    require_chromium()
    if "sweep_thread" in _build:
        _build["sweep_thread"].join()
    if "sweep" not in _build:  # not foreseen at collection (getfixturevalue)
        start_sweep()
    merged = {"problems": [], "seconds": 0.0}
    for name, (process, log) in _build["sweep"].items():
        returncode = process.wait()
        log.seek(0)
        if returncode != 0:
            pytest.fail(
                f"tests/site/readers.py --only {name} stopped with exit code {returncode}:\n"
                + log.read()
            )
        result = json.loads((_build["folder"] / f"readers-{name}.json").read_text())
        if merged.setdefault("pages", result["pages"]) != result["pages"]:
            pytest.fail(f"readers.py --only {name} checked other pages than the other pass")
        merged["problems"] += result["problems"]
        merged["seconds"] = max(merged["seconds"], result["seconds"])  # they run side by side
    return merged
