"""Measure the `make serve` edit loop, from saving a snippet to the new figure being served.

python scripts/serve_edit_loop.py [--edits 3]

Works on a copy of the site sources in a temporary folder (the working tree is never
edited) with the figure cache copied in, as a contributor's second save would find it:

1. start ``mkdocs serve`` on a free port and wait for the first build;
2. edit ``snippets/step_lr.py`` (a new ``gamma``), then poll ``figures/step_lr.svg`` until the
   server returns different bytes: that time, save to served SVG, is the edit loop (goal < 2 s);
3. plant an error in the snippet: requests must still be answered (no hang), and the page
   must show the failure banner; then undo it and wait for the banner to go.

Prints each number and the server's own log lines about redraws and failures.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The figure and notebook caches too, as a contributor's second `make serve` finds them.
SOURCES = [
    "docs",
    "snippets",
    "runner",
    "hooks",
    "mkdocs.yml",
    "generated/figures",
    ".cache/mkdocs-jupyter",
]
SNIPPET = "snippets/step_lr.py"
FIGURE = "figures/step_lr.svg"
PAGE = "schedulers/step-lr/"
POLL = 0.02  # seconds between requests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, timeout: float = 30) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def copy_sources(work: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__")
    for name in SOURCES:
        source, target = ROOT / name, work / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=ignore)
        elif source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def wait_until(condition, limit: float, server: subprocess.Popen) -> float:
    """Seconds until condition() is true; fails after limit seconds or if the server quit."""
    start = time.perf_counter()
    while not condition():
        if server.poll() is not None:
            raise RuntimeError(f"mkdocs serve exited with {server.returncode}; see its log")
        if time.perf_counter() - start > limit:
            raise TimeoutError(f"not reached within {limit:.0f} s")
        time.sleep(POLL)
    return time.perf_counter() - start


def answered(url: str):
    try:
        return fetch(url, timeout=5)
    except OSError:  # not up yet, or a request that hung past the timeout
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=3, help="how many edits to time")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lr-atlas-serve-"))
    copy_sources(work)
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    log_path = Path(tempfile.mkstemp(prefix="lr-atlas-serve-", suffix=".log")[1])
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("CI", None)  # as a contributor runs it: mkdocs-jupyter's cache on
    # As `make serve` runs it.
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "serve",
        "--dirty",
        "--dev-addr",
        f"127.0.0.1:{port}",
    ]
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=work, env=env, stdout=log, stderr=log)
    try:
        startup = wait_until(lambda: answered(base + FIGURE) is not None, 600, server)
        print(f"first build and serve: {startup:.1f} s")
        # As a contributor reads the page before editing: the hook imports torch meanwhile.
        wait_until(lambda: "ready to redraw" in log_path.read_text(), 300, server)
        snippet = work / SNIPPET
        original = snippet.read_text()
        gamma = re.search(r"gamma=([0-9.]+)", original)
        assert gamma, f"{SNIPPET}: no gamma= to edit"

        def overviews() -> int:
            return log_path.read_text().count("redrew the overview figure in")

        def edit_and_time(new_gamma: str) -> float:
            before = fetch(base + FIGURE)
            snippet.write_text(original.replace(gamma.group(0), f"gamma={new_gamma}", 1))
            seconds = wait_until(lambda: answered(base + FIGURE) not in (None, before), 60, server)
            page = re.sub(r"<[^>]+>", "", fetch(base + PAGE).decode())
            assert f"gamma={new_gamma}" in page, f"{PAGE} still shows the old code"
            return seconds

        times = []
        at_start = overviews()
        for edit in range(args.edits):
            # Each edit after the overview of the previous one is drawn (a few seconds; a
            # contributor looks at the figure meanwhile).
            wanted = at_start + edit
            wait_until(lambda n=wanted: overviews() >= n, 120, server)
            times.append(edit_and_time(f"0.{2 + edit}"))  # never 0.5, the original
            print(
                f"edit {edit + 1}: save to new {FIGURE} served: {times[-1]:.2f} s, "
                "and the page shows the edited code"
            )
        print(f"edit loop, median of {len(times)}: {statistics.median(times):.2f} s (goal < 2 s)")
        back_to_back = edit_and_time("0.9")  # while the last edit's overview is still drawn
        print(f"an edit saved while the overview is being redrawn: {back_to_back:.2f} s")

        snippet.write_text(original + '\nraise RuntimeError("planted by serve_edit_loop")\n')
        broken = wait_until(
            lambda: b"planted by serve_edit_loop" in (answered(base + PAGE) or b""), 60, server
        )
        start = time.perf_counter()
        fetch(base + FIGURE, timeout=5)  # answered at once, not held until the build is fixed
        print(
            f"broken snippet: banner on {PAGE} after {broken:.2f} s; "
            f"a figure request answered in {time.perf_counter() - start:.3f} s"
        )
        snippet.write_text(original)
        fixed = wait_until(
            lambda: b'role="alert"' not in (answered(base + PAGE) or b'role="alert"'), 60, server
        )
        print(f"fixed snippet: banner gone after {fixed:.2f} s")
    finally:
        server.terminate()
        server.wait(timeout=30)
        print("server log:")
        for line in log_path.read_text().splitlines():
            if re.search(r"redrew|redraw|failed|reloaded|Documentation built|Abort|Error", line):
                print("  " + line.strip())
        print(f"(whole log: {log_path})")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
