"""Expectations that quote torch's own text carry the torch releases they hold for.

A failure under another release starts with a line that says so, instead of a bare diff.
Blocks that show torch without CUDA are skipped, with their reason, where CUDA is available.
"""

import shutil
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import torch

from runner.snippets import ROOT

RUNNING = ".".join(metadata.version("torch").split("+")[0].split(".")[:2])


def run_pytest(tmp_path: Path, name: str, text: str, *options: str) -> str:
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / name).write_text(textwrap.dedent(text).lstrip())
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *options, name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    return result.stdout + result.stderr


def test_a_failure_under_another_release_names_the_releases_it_holds_for(tmp_path):
    output = run_pytest(
        tmp_path,
        "test_message.py",
        """
        import pytest

        @pytest.mark.torch_versions("1.0", "1.1")
        def test_message():
            assert "new text" == "old text"
        """,
    )
    assert (
        "test_message.py::test_message: this expectation quotes torch's own text and holds "
        f"for torch 1.0, 1.1; this is torch {RUNNING}: compare the message torch {RUNNING} "
        "prints, then update the expectation and its torch_versions tag"
    ) in output
    assert "AssertionError" in output and "1 failed" in output


def test_a_failure_under_a_tagged_release_is_reported_as_it_is(tmp_path):
    output = run_pytest(
        tmp_path,
        "test_message.py",
        f"""
        import pytest

        @pytest.mark.torch_versions("{RUNNING}")
        def test_message():
            assert "new text" == "old text"
        """,
    )
    assert "1 failed" in output and "holds for torch" not in output


def test_a_page_block_failing_under_another_release_says_so_with_its_line(tmp_path):
    output = run_pytest(
        tmp_path,
        "page.md",
        """
        # Page

        <!--pytest.mark.torch_versions("1.0")-->
        ```python
        print("ValueError: the text of torch 1.0")
        ```

        <!--pytest-codeblocks:expected-output-->
        ```text
        ValueError: the text of another release
        ```
        """,
        "--codeblocks",
    )
    assert f"holds for torch 1.0; this is torch {RUNNING}" in output
    # The first expected line that differs, below the python block that starts at line 4.
    assert "page.md:10: printed output differs from the expected-output block" in output


def test_a_tag_that_is_not_a_release_fails_even_when_the_test_passes(tmp_path):
    output = run_pytest(
        tmp_path,
        "test_message.py",
        """
        import pytest

        @pytest.mark.torch_versions("2.13.0")
        def test_message():
            pass
        """,
    )
    assert """torch_versions() takes releases such as "2.13", got ('2.13.0',)""" in output
    assert "1 error" in output  # failed in set-up, before the test ran


def test_without_cuda_needs_a_reason_and_skips_only_where_cuda_is_available(tmp_path):
    output = run_pytest(
        tmp_path,
        "test_devices.py",
        """
        import pytest

        @pytest.mark.without_cuda
        def test_no_reason():
            pass

        @pytest.mark.without_cuda(reason="shows GradScaler() on a machine without CUDA")
        def test_with_reason():
            pass
        """,
        "-rs",
    )
    assert 'without_cuda needs reason="..." that a reader accepts' in output
    if torch.cuda.is_available():
        assert "1 skipped, 1 error" in output
        assert "shows GradScaler() on a machine without CUDA" in output
    else:
        assert "1 passed, 1 error" in output
