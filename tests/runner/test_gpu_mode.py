"""REQUIRE_GPU=1 on a machine without CUDA fails loudly; it never skips."""

import os
import re
import subprocess
import sys

from runner.snippets import ROOT


def test_require_gpu_without_cuda_fails_every_test_with_the_reason():
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
    errors = int(re.search(r"^(\d+) errors? in ", output, re.MULTILINE)[1])
    errored = [line for line in output.splitlines() if line.startswith("ERROR tests/")]
    assert errors >= 2 and len(errored) == errors, output  # one line per test: all of them
    assert not any(word in output for word in ("passed", "skipped", "failed")), output
