"""Build the site and list its pages (plain helpers; the fixtures are in conftest.py)."""

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BUILD_TEST = "tests/site/test_build.py::test_the_strict_build_passes"


def _command(site: Path) -> list[str]:
    return [sys.executable, "-W", "error", "-m", "mkdocs", "build", "--strict", "-d", str(site)]


def mkdocs_build(project: Path, site: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        _command(site),
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        capture_output=True,
        text=True,
    )


def start_mkdocs_build(project: Path, site: Path, log, **env: str) -> subprocess.Popen:
    """The same build, started in the background; its output goes to the open file ``log``."""
    return subprocess.Popen(
        _command(site),
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def built_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def page_urls(site: Path) -> list[str]:
    """Each built page's address relative to the site root: "" (home), "schedulers/step-lr"."""
    return [str(p.relative_to(site).parent).replace(".", "") for p in built_pages(site)]


@dataclass
class SiteBuild:
    site: Path
    failure: str | None = None  # the build's messages, when it failed
    snippet_error: Exception | None = None  # a SnippetError: a snippet failed before MkDocs ran


def build_messages(output: str) -> str:
    """What MkDocs said went wrong, without its INFO chatter: first the messages that name a
    file and line (our hooks' messages), then MkDocs' other errors and warnings."""
    named, other = [], []
    for line in output.splitlines():
        level = re.match(r"\s*(ERROR|WARNING|CRITICAL)\s*-\s*", line)
        if level:
            message = line[level.end() :].rstrip()
            (named if re.match(r"\S+:\d+: ", message) else other).append(message)
        elif line.startswith(("Aborted", "Error:")):
            other.append(line.rstrip())
    if not named and not other:
        other = output.strip().splitlines()[-30:]
    # Each message once, in order: MkDocs repeats an error in its summary.
    return "\n".join(dict.fromkeys([*named, *other, "(from mkdocs build --strict)"]))


def stop_unless_built(build: SiteBuild, root_causes) -> None:
    """Skip (or, for the one test that reports it, fail) when the build did not succeed."""
    if build.snippet_error is not None:
        root_causes.snippet_failed(build.snippet_error)
    if build.failure is not None:
        root_causes.not_run_because("site build", "the site build", build.failure, BUILD_TEST)
