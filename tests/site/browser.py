"""The browser fixtures of the site tests: Chromium and a served copy of the built site.

tests/site/conftest.py makes ``base_url``, ``browser`` and ``page`` available to every
module here, so test modules take them as arguments without importing them.
Needs the system Chromium (`apt-get install -y chromium`; .ci/run installs it). Under
CI=true a missing browser fails the suite; on a laptop without it these tests skip and say so.
"""

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

# Debian's chromium here; GitHub's Ubuntu runners ship Google Chrome.
CHROMIUM = next(
    filter(None, map(shutil.which, ["chromium", "chromium-browser", "google-chrome"])), None
)
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def serve(directory: Path):
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def stop(server) -> None:
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def base_url(site):
    server, url = serve(site)
    yield url
    stop(server)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright.chromium, tmp_path_factory.mktemp("chromium-home"))
        yield browser
        browser.close()


def require_chromium() -> None:
    if CHROMIUM is None:
        reason = "Chromium is not installed (apt-get install -y chromium); browser tests not run"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires the browser tests: {reason}")
        pytest.skip(reason)


def launch(chromium, home: Path, scrollbars: bool = False):
    """The system Chromium (through `chromium`, Playwright's BrowserType), headless, writing
    its caches under `home`, not $HOME. Playwright
    hides scrollbars; `scrollbars=True` shows them as a desktop browser does, taking width."""
    return chromium.launch(
        executable_path=CHROMIUM,
        args=LAUNCH_ARGS,
        ignore_default_args=["--hide-scrollbars"] if scrollbars else None,
        env={**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")},
    )


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield watch_problems(context.new_page())
    context.close()


def watch_problems(page):
    """Collect in ``page.problems`` what goes wrong as pages load: console errors, script
    errors, failed requests and HTTP errors."""
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    # ERR_ABORTED is the browser cancelling a request itself, as it does when the test moves
    # on while the favicon or a figure is still loading; a missing file is an HTTP error
    # and a dead server another failure, both reported.
    page.on(
        "requestfailed",
        lambda r: (
            r.failure != "net::ERR_ABORTED" and page.problems.append(f"failed: {r.url} {r.failure}")
        ),
    )
    page.on(
        "response",
        lambda r: r.status >= 400 and page.problems.append(f"HTTP {r.status}: {r.url}"),
    )
    return page
