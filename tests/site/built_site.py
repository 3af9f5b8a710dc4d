"""Build the site and list its pages (plain helpers; the fixtures are in conftest.py)."""

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BUILD_TEST = "tests/site/test_build.py::test_the_strict_build_passes"


def mkdocs_build(project: Path, site: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-W", "error", "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        capture_output=True,
        text=True,
    )


def built_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


@dataclass
class SiteBuild:
    site: Path
    failure: str | None = None  # the build's messages, when it failed
    snippet_error: Exception | None = None  # a SnippetError: a snippet failed before MkDocs ran


def build_messages(output: str) -> str:
    """The lines of MkDocs' output that say what failed, without the INFO chatter."""
    lines = [line.rstrip() for line in output.splitlines()]
    wanted = [
        line
        for line in lines
        if re.match(r"\s*(ERROR|WARNING|CRITICAL)\b", line)
        or line.startswith(("Aborted", "Error:", "Traceback"))
    ]
    return "\n".join(dict.fromkeys(wanted or lines[-30:]))  # each message once, in order


def stop_unless_built(build: SiteBuild, root_causes) -> None:
    """Skip (or, for the one test that reports it, fail) when the build did not succeed."""
    if build.snippet_error is not None:
        root_causes.snippet_failed(build.snippet_error)
    if build.failure is not None:
        root_causes.not_run_because("site build", "the site build", build.failure, BUILD_TEST)
