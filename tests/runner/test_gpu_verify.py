"""scripts/gpu_verify.py, the one command of the GPU verification, tested without a GPU.

On a machine without CUDA it must stop at once with exit 2 and say why; its parts (the pin,
the checks, the time limit, the counts) are tested here one by one.
"""

import os
import subprocess
import sys
import textwrap

import pytest

from runner.snippets import ROOT
from scripts.gpu_verify import (
    CannotVerify,
    Step,
    check_machine,
    install_wheels,
    junit_counts,
    pinned_torch,
    run_step,
)

CUDA = {"torch": "2.13.0", "cuda_build": "13.0", "cuda_available": "True", "device": "H200"}


def test_without_cuda_it_prints_the_torch_version_first_and_stops_with_exit_2(tmp_path):
    result = subprocess.run(
        [sys.executable, "scripts/gpu_verify.py", "--out", str(tmp_path)],
        cwd=ROOT,
        # An empty CUDA_VISIBLE_DEVICES hides every GPU, so this holds on a GPU machine too.
        env={**os.environ, "CUDA_VISIBLE_DEVICES": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 2, result.stdout + result.stderr
    assert lines[0].startswith("torch ") and "CUDA available: False" in lines[0]
    assert lines[1].startswith("local mode: the installed torch")
    assert lines[-1].startswith("error: CUDA is not available to torch ")
    assert lines[-1].endswith("the GPU verification cannot run on this machine")
    # Nothing ran, and the log holds exactly what was printed.
    assert (tmp_path / "gpu-verify.log").read_text().splitlines() == lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gpu-verify.log"]


def test_the_pin_is_the_torch_of_both_requirement_files():
    assert pinned_torch() == "2.13.0"
    assert "-r requirements/gpu.txt" in (ROOT / "requirements.txt").read_text().splitlines()


def test_pinned_mode_refuses_another_torch():
    with pytest.raises(CannotVerify, match=r"torch 2\.11\.0\+cu130 is installed, but .* pins"):
        check_machine({**CUDA, "torch": "2.11.0+cu130"}, "2.13.0")
    check_machine({**CUDA, "torch": "2.13.0+cu130"}, "2.13.0")  # a local build tag is fine
    check_machine({**CUDA, "torch": "2.11.0+cu130"}, None)  # local mode takes any torch


def test_no_cuda_is_refused_in_either_mode():
    for pin in ("2.13.0", None):
        with pytest.raises(CannotVerify, match="CUDA is not available to torch 2.13.0"):
            check_machine({**CUDA, "cuda_available": "False"}, pin)


def test_an_empty_wheel_folder_is_refused(tmp_path):
    with pytest.raises(CannotVerify, match="no wheels"):
        install_wheels(tmp_path, tmp_path / "site")


def test_a_step_past_the_time_limit_is_stopped_and_called_unfinished(tmp_path):
    from scripts.gpu_verify import Log

    log = Log(tmp_path / "log")
    sleep = [sys.executable, "-c", "import time; time.sleep(60)"]
    sleeper = Step("sleeper", sleep, dict(os.environ))
    run_step(sleeper, log, seconds_left=1)
    assert sleeper.returncode is None and sleeper.seconds < 30
    assert sleeper.verdict == "NOT FINISHED (time limit)" and not sleeper.passed
    quick = Step("quick", [sys.executable, "-c", "print('hello')"], dict(os.environ))
    run_step(quick, log, seconds_left=60)
    assert quick.passed
    assert "hello" in (tmp_path / "log").read_text().splitlines()
    late = Step("late", [sys.executable, "-c", "print('never')"], dict(os.environ))
    run_step(late, log, seconds_left=0)
    log.close()
    assert late.returncode is None and "never" not in (tmp_path / "log").read_text().splitlines()


def test_pytest_counts_come_from_its_junit_report(tmp_path):
    (tmp_path / "test_sample.py").write_text(
        textwrap.dedent("""
            import pytest
            def test_a(): pass
            def test_b(): pass
            def test_c(): assert False
            @pytest.mark.skip(reason="a reason")
            def test_d(): pass
        """)
    )
    report = tmp_path / "report.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path)]
        + [f"--junitxml={report}", str(tmp_path / "test_sample.py")],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert junit_counts(report) == {
        "tests": 4,
        "passed": 2,
        "failures": 1,
        "errors": 0,
        "skipped": 1,
    }
