"""The whole GPU verification in one command: every example on CUDA, then CPU against CUDA.

    python3 scripts/gpu_verify.py --out DIR [--pinned] [--wheels DIR] [--reference DIR]

1. Prints the torch version first (and CUDA's, and the device), and stops with exit 2 when
   CUDA is not available: nothing is skipped quietly.
2. Draws every figure on CUDA (``python -m runner --force``), then every figure again with the
   GPU hidden (``CUDA_VISIBLE_DEVICES=``, the same torch on the same machine's CPU), and
   compares the two folders with ``python -m runner.compare`` (equal LRs, the same
   ReduceLROnPlateau cut epochs, byte-identical SVGs).
3. Runs ``REQUIRE_GPU=1 pytest`` over tests/snippets, tests/runner, tests/notebooks and every
   inline page block (``--codeblocks docs README.md CONTRIBUTING.md``).

Everything printed goes to ``DIR/gpu-verify.log`` too; pytest's results to ``DIR/pytest.xml``,
the figures to ``DIR/figures-cuda`` and ``DIR/figures-cpu`` (``--archive``: one
``DIR/figures.tar.gz`` instead). The figures come first so that a run cut short by
``--time-limit`` (seconds, for all steps together) still compares them.

Two modes:

- ``--pinned`` (gpu.yml): the torch installed must be the one requirements/gpu.txt pins, else
  exit 2. gpu.yml creates a fresh virtual environment and installs that file into it.
- default, the local mode for a CUDA machine with its own torch: runs with the torch it
  finds and says which one. ``--wheels DIR`` first installs the wheels in DIR (pure-Python
  packages such a machine lacks, such as pytest-codeblocks) into a temporary folder, offline.
  ``--reference DIR`` also compares a figure folder drawn elsewhere (say, the CPU machines'
  ``generated/figures``) with the CUDA one; that comparison is reported, not required,
  because it crosses torch builds.

Exit status: 0 when every step passed, 1 when one failed or ran out of time, 2 when the
machine cannot run the verification at all.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GPU_REQUIREMENTS = ROOT / "requirements" / "gpu.txt"
TEST_PATHS = ["tests/snippets", "tests/runner", "tests/notebooks"]
PAGES = ["docs", "README.md", "CONTRIBUTING.md"]


class CannotVerify(Exception):
    """This machine cannot run the verification (no CUDA, wrong torch, no wheels)."""


@dataclass
class Step:
    name: str
    command: list[str]
    env: dict[str, str]
    required: bool = True
    returncode: int | None = None  # None: not run, or stopped at the time limit
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.returncode == 0

    @property
    def verdict(self) -> str:
        if self.returncode is None:
            return "NOT FINISHED (time limit)"
        if self.passed:
            return "passed"
        return "FAILED" if self.required else "differs (reported, not required)"


def pinned_torch(requirements: Path = GPU_REQUIREMENTS) -> str:
    """The version requirements/gpu.txt pins torch to (``torch==X.Y.Z``)."""
    found = re.findall(r"^torch==(\S+)\s*$", requirements.read_text(), flags=re.MULTILINE)
    if len(found) != 1:
        raise CannotVerify(f"{requirements}: expected one line 'torch==X.Y.Z', found {found}")
    return found[0]


def torch_facts() -> dict[str, str]:
    """torch's version, its CUDA version and the first device, without failing."""
    import torch

    facts = {
        "torch": torch.__version__,
        "cuda_build": str(torch.version.cuda),
        "cuda_available": str(torch.cuda.is_available()),
    }
    if torch.cuda.is_available():
        facts["device"] = torch.cuda.get_device_name(0)
    return facts


def check_machine(facts: dict[str, str], pinned: str | None) -> None:
    """Raise CannotVerify unless CUDA is there (and, when pinned, the pinned torch)."""
    if pinned is not None and facts["torch"].split("+")[0] != pinned:
        raise CannotVerify(
            f"torch {facts['torch']} is installed, but requirements/gpu.txt pins torch=={pinned}; "
            "install that file into a fresh environment (as gpu.yml does), or drop --pinned "
            "to verify with the installed torch"
        )
    if facts["cuda_available"] != "True":
        raise CannotVerify(
            f"CUDA is not available to torch {facts['torch']} (CUDA build: "
            f"{facts['cuda_build']}): the GPU verification cannot run on this machine"
        )


def install_wheels(wheels: Path, target: Path) -> None:
    """Install every wheel in ``wheels`` into ``target``, offline, without dependencies."""
    found = sorted(Path(wheels).glob("*.whl"))
    if not found:
        raise CannotVerify(f"no wheels (*.whl) in {wheels}")
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps"]
    command += ["--no-compile", "--no-cache-dir", "--target", str(target), *map(str, found)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        names = ", ".join(p.name for p in found)
        raise CannotVerify(f"installing {names} failed:\n{result.stderr}")


def junit_counts(path: Path) -> dict[str, int]:
    """passed/failed/errors/skipped from pytest's --junitxml report."""
    root = ElementTree.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in suites:
        for key in counts:
            counts[key] += int(suite.get(key, 0))
    counts["passed"] = counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"]
    return counts


class Log:
    """Print and keep: every line goes to stdout and to the log file."""

    def __init__(self, path: Path):
        self.file = path.open("w", encoding="utf-8")

    def __call__(self, line: str = "") -> None:
        print(line, flush=True)
        self.file.write(line + "\n")
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def run_step(step: Step, log: Log, seconds_left: float) -> None:
    log(f"\n=== {step.name}: {' '.join(step.command)}")
    if seconds_left <= 0:
        log(f"=== {step.name}: not started, the time limit is used up")
        return
    start = time.monotonic()
    with subprocess.Popen(
        step.command,
        cwd=ROOT,
        env=step.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as process:
        # A reader thread, so that a step that hangs without printing still meets the deadline.
        lines = process.stdout
        reader = threading.Thread(target=lambda: [log(line.rstrip("\n")) for line in lines])
        reader.start()
        try:
            step.returncode = process.wait(timeout=seconds_left)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # its own session: the step and its children
            process.wait()
        reader.join()
    step.seconds = time.monotonic() - start
    log(f"=== {step.name}: {step.verdict} in {step.seconds:.1f} s")


def main(argv=None) -> int:
    args = _arguments(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    log = Log(args.out / "gpu-verify.log")
    try:
        return verify(args, log)
    finally:
        log.close()


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="scripts/gpu_verify.py", description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="log, results and figures")
    parser.add_argument("--pinned", action="store_true", help="require the pinned torch")
    parser.add_argument("--wheels", type=Path, help="folder of wheels to install offline first")
    parser.add_argument("--reference", type=Path, help="a CPU figure folder drawn elsewhere")
    parser.add_argument("--archive", action="store_true", help="pack the figures into one file")
    parser.add_argument("--time-limit", type=float, default=450, help="seconds, all steps")
    return parser.parse_args(argv)


def verify(args, log: Log) -> int:
    start = time.monotonic()
    out = args.out.resolve()

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    try:
        facts = torch_facts()
        log(
            f"torch {facts['torch']} (CUDA build {facts['cuda_build']}), "
            f"Python {sys.version.split()[0]}, CUDA available: {facts['cuda_available']}"
            + (f", device: {facts['device']}" if "device" in facts else "")
        )
        pin = pinned_torch()
        if args.pinned:
            log(f"pinned mode: requirements/gpu.txt pins torch=={pin}")
        else:
            log(f"local mode: the installed torch; the site itself is verified with torch {pin}")
        check_machine(facts, pin if args.pinned else None)
        if args.wheels:
            target = Path(tempfile.mkdtemp(prefix="lr-atlas-wheels-"))
            install_wheels(args.wheels, target)
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(target), env.get("PYTHONPATH")]))
            log(f"installed {', '.join(p.name for p in sorted(args.wheels.glob('*.whl')))}")
    except CannotVerify as error:
        log(f"error: {error}")
        return 2

    python = sys.executable
    cuda_figures, cpu_figures = out / "figures-cuda", out / "figures-cpu"
    draw = [python, "-m", "runner", "--force", "--out"]
    steps = [
        Step("figures on CUDA", [*draw, str(cuda_figures)], env),
        Step(
            "figures on CPU (GPU hidden)",
            [*draw, str(cpu_figures)],
            {**env, "CUDA_VISIBLE_DEVICES": ""},
        ),
        Step(
            "CPU against CUDA",
            [python, "-m", "runner.compare", str(cpu_figures), str(cuda_figures)],
            env,
        ),
    ]
    if args.reference:
        labels = ["reference", "CUDA"]
        command = [python, "-m", "runner.compare", str(args.reference), str(cuda_figures)]
        steps.append(Step("reference against CUDA", [*command, "--labels", *labels], env, False))
    pytest_xml = out / "pytest.xml"
    steps.append(
        Step(
            "REQUIRE_GPU=1 pytest: snippets, runner, notebooks, page blocks",
            [python, "-m", "pytest", "-p", "no:cacheprovider", f"--junitxml={pytest_xml}"]
            + [*TEST_PATHS, "--codeblocks", *PAGES],
            {**env, "REQUIRE_GPU": "1"},
        )
    )
    for step in steps:
        run_step(step, log, args.time_limit - (time.monotonic() - start))

    if args.archive:
        with tarfile.open(out / "figures.tar.gz", "w:gz") as archive:
            for folder in (cuda_figures, cpu_figures):
                if folder.exists():
                    archive.add(folder, arcname=folder.name)
                    shutil.rmtree(folder)

    log("\n=== summary")
    log(f"torch {facts['torch']} (CUDA {facts['cuda_build']}) on {facts.get('device')}")
    for step in steps:
        log(f"{step.name}: {step.verdict} ({step.seconds:.1f} s)")
    if pytest_xml.exists():
        counts = junit_counts(pytest_xml)
        log(
            f"pytest: {counts['passed']} passed, {counts['failures']} failed, "
            f"{counts['errors']} errors, {counts['skipped']} skipped"
        )
    log(f"wall time {time.monotonic() - start:.1f} s")
    return 0 if all(step.passed for step in steps if step.required) else 1


if __name__ == "__main__":
    sys.exit(main())
