"""REQUIRE_GPU=1 on a machine without CUDA fails loudly; it never skips."""

import os
import subprocess
import sys

from runner.snippets import ROOT


def test_require_gpu_without_cuda_fails_every_test_with_the_reason():
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only"]
        + ["tests/snippets/test_step_lr.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    tests = sum(1 for line in collected.stdout.splitlines() if "::test_" in line)
    assert tests >= 2, collected.stdout + collected.stderr
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "error",
            "tests/snippets/test_step_lr.py",
        ],
        cwd=ROOT,
        # An empty CUDA_VISIBLE_DEVICES hides every GPU, so this holds on a GPU machine too.
        env={**os.environ, "REQUIRE_GPU": "1", "CUDA_VISIBLE_DEVICES": ""},
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "REQUIRE_GPU=1 but torch.cuda.is_available() is False" in output
    assert f"{tests} errors" in output and "passed" not in output and "skipped" not in output
