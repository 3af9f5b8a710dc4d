"""Measure the pipeline against its floor and print ratios (``make bench``), then page weights.

cold    = one strict build of a fresh copy of the project: every snippet run, every figure
          drawn, every notebook executed (CI=true), as a first `make build` does
suite   = the whole suite, as `make test` runs it, in another fresh copy   target: <= 1.3 x cold
floor   = python -c "import torch, matplotlib.pyplot"  +  a strict build with no figure work
runner  = cold (every snippet run, every figure drawn) vs cache hit   target: hit < 0.5 s
edit    = under `make serve`, one snippet edited: rerun and redraw in the warm process  < 3 s
hooks   = what the hooks add to a rebuild with nothing changed, vs plain MkDocs   < 0.5 s

Each figure is the best of a few runs, in fresh processes, so a cold start is really cold.
``python scripts/bench.py --suite`` measures only the suite against the cold build.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from page_weight import page_weights, report  # scripts/ is on sys.path: it is this script's folder

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def seconds(command: list[str], repeat: int = 3, cwd: Path = ROOT, env=None) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env or ENV, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def fresh_copy(folder: Path) -> Path:
    """The project as a fresh clone has it: tracked and new files, no figure cache."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    return folder


def suite_against_cold_build(python: str, out: Path) -> tuple[float, float]:
    """Seconds for one cold strict build and for the whole suite, each in a fresh copy."""
    env = {**ENV, "CI": "true"}  # notebooks executed, browser tests required, as in CI
    build_copy = fresh_copy(out / "cold-build")
    build = [python, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out / "cold-site")]
    cold = seconds(build, repeat=1, cwd=build_copy, env=env)
    suite_copy = fresh_copy(out / "suite")
    suite_command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--codeblocks"]
    suite_command += ["tests", "docs", "README.md", "CONTRIBUTING.md"]
    suite = seconds(suite_command, repeat=1, cwd=suite_copy, env=env)
    return cold, suite


EDIT_LOOP = """
import shutil, sys, time
from pathlib import Path
from runner.figures import draw_figures
from runner.snippets import discover
work = Path(sys.argv[1])
snippets = [Path(shutil.copy(p, work / p.name)) for p in discover()]
draw_figures(snippets, work / "figures")  # the serve process, warm: torch imported
edited = snippets[len(snippets) // 2]
edited.write_text(edited.read_text() + "\\n# edited\\n")
start = time.perf_counter()
redrawn = draw_figures(snippets, work / "figures")
print(time.perf_counter() - start, len(redrawn))
"""


def edit_loop_seconds(python: str, work: Path) -> tuple[float, int]:
    work.mkdir()
    result = subprocess.run(
        [python, "-c", EDIT_LOOP, str(work)],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, redrawn = result.stdout.split()
    return float(seconds), int(redrawn)


def plain_mkdocs_config(out: Path) -> Path:
    """mkdocs.yml without our hooks and not strict (figures are then missing)."""
    text = (ROOT / "mkdocs.yml").read_text()
    text = re.sub(r"\nhooks:\n(?:  - .*\n)+", "\n", text)
    text = text.replace("strict: true", "strict: false")
    text = text.replace("docs_dir: docs", f"docs_dir: {ROOT / 'docs'}")
    config = out / "plain-mkdocs.yml"
    config.write_text(text)
    return config


def main() -> None:
    python = sys.executable
    out = Path(tempfile.mkdtemp(prefix="lr-atlas-bench-"))
    cold_build, suite = suite_against_cold_build(python, out)
    print(f"{'cold strict build, fresh copy':34} {cold_build:7.2f} s   1.00 x cold build")
    print(
        f"{'full test suite, fresh copy':34} {suite:7.2f} s   "
        f"{suite / cold_build:.2f} x cold build (target <= 1.3)"
    )
    if "--suite" in sys.argv[1:]:
        return
    runner = [python, "-m", "runner", "--out", str(out / "figures")]

    imports = seconds([python, "-c", "import torch, matplotlib.pyplot"])
    subprocess.run([python, "-m", "runner"], cwd=ROOT, env=ENV, check=True, capture_output=True)
    build = seconds([python, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out / "site")])
    floor = imports + build
    cold = seconds([*runner, "--force"])
    hit = seconds(runner)
    edit, redrawn = edit_loop_seconds(python, out / "edit-loop")
    plain = seconds(
        [
            python,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            str(plain_mkdocs_config(out)),
            "-d",
            str(out / "plain-site"),
        ]
    )

    rows = [
        ("import torch, matplotlib.pyplot", imports, ""),
        ("strict build, figures cached", build, ""),
        ("floor", floor, "1.00 x floor"),
        ("full test suite, fresh copy", suite, f"{suite / floor:.2f} x floor"),
        ("runner, cold", cold, f"{cold / floor:.2f} x floor"),
        ("runner, cache hit", hit, f"{hit / cold:.3f} x cold (target < 0.5 s)"),
        (
            "edit one snippet, warm process",
            edit,
            f"{edit / floor:.2f} x floor, {redrawn} figures redrawn (target < 3 s)",
        ),
        ("plain MkDocs rebuild, no hooks", plain, ""),
        (
            "what the hooks add to a rebuild",
            build - plain,
            f"{(build - plain) / floor:.2f} x floor (target < 0.5 s)",
        ),
    ]
    for name, value, ratio in rows:
        print(f"{name:34} {value:7.2f} s   {ratio}")
    for notebook in sorted((ROOT / "docs" / "notebooks").glob("*.py")):
        run = f"from runner.notebooks import run_notebook; run_notebook({str(notebook)!r})"
        print(f"{'notebook ' + notebook.stem:34} {seconds([python, '-c', run], repeat=1):7.2f} s")
    print()
    print(report(out / "site"))
    for weight in page_weights(out / "site"):
        if weight.page.startswith("notebooks/") and weight.page != "notebooks/":
            print(
                f"notebook page {weight.page}: "
                f"{weight.total / 1024:.1f} KB of {weight.budget // 1024} KB"
            )


if __name__ == "__main__":
    main()
