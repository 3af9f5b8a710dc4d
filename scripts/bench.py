"""Measure the pipeline against its floor and print ratios (``make bench``), then page weights.

floor   = python -c "import torch, matplotlib.pyplot"  +  a strict build with no figure work
suite   = the whole test suite, as `make test` runs it          target: <= 1.5 x floor
runner  = cold (every snippet run, every figure drawn) vs cache hit   target: hit < 0.5 s

Each figure is the best of a few runs, in fresh processes, so a cold start is really cold.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from page_weight import report  # scripts/ is on sys.path: it is this script's folder

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def seconds(command: list[str], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=ENV, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    python = sys.executable
    out = Path(tempfile.mkdtemp(prefix="lr-atlas-bench-"))
    runner = [python, "-m", "runner", "--out", str(out / "figures")]

    imports = seconds([python, "-c", "import torch, matplotlib.pyplot"])
    subprocess.run([python, "-m", "runner"], cwd=ROOT, env=ENV, check=True, capture_output=True)
    build = seconds([python, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out / "site")])
    floor = imports + build
    suite = seconds(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--codeblocks", "tests", "docs",
         "README.md"],
        repeat=1,
    )
    cold = seconds([*runner, "--force"])
    hit = seconds(runner)

    rows = [
        ("import torch, matplotlib.pyplot", imports, ""),
        ("strict build, figures cached", build, ""),
        ("floor", floor, "1.00 x floor"),
        ("full test suite", suite, f"{suite / floor:.2f} x floor (target <= 1.5)"),
        ("runner, cold", cold, f"{cold / floor:.2f} x floor"),
        ("runner, cache hit", hit, f"{hit / cold:.3f} x cold (target < 0.5 s)"),
    ]
    for name, value, ratio in rows:
        print(f"{name:34} {value:7.2f} s   {ratio}")
    print()
    print(report(out / "site"))


if __name__ == "__main__":
    main()
