"""A failing example on a page is reported as file.md:line with the exception type."""

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_codeblocks(tmp_path: Path, page: str) -> str:
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "page.md").write_text(textwrap.dedent(page).lstrip())
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--codeblocks", "-p", "no:cacheprovider", "page.md"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout


def test_raising_block_names_file_line_type_and_code(tmp_path):
    output = run_codeblocks(
        tmp_path,
        """
        # Page

        Some prose.

        ```python
        rates = [0.1, 0.05]
        ratio = rates[0] / (rates[1] - 0.05)
        ```
        """,
    )
    assert "page.md:7: ZeroDivisionError: float division by zero" in output
    assert "    ratio = rates[0] / (rates[1] - 0.05)" in output
    assert "(line 2 of the python block that starts at page.md:5)" in output


def test_block_inside_an_admonition_reports_the_page_line(tmp_path):
    output = run_codeblocks(
        tmp_path,
        """
        !!! note

            ```python
            milestones = [30, 60]
            milestones.index(90)
            ```
        """,
    )
    assert "page.md:5: ValueError: 90 is not in list" in output


def test_wrong_expected_output_names_the_first_differing_line_and_shows_a_diff(tmp_path):
    output = run_codeblocks(
        tmp_path,
        """
        ```python
        print("epoch 0")
        print(0.1 * 3)
        print("done")
        ```

        <!--pytest-codeblocks:expected-output-->
        ```text
        epoch 0
        0.3
        done
        ```
        """,
    )
    assert (
        "page.md:10: printed output differs from the expected-output block "
        "(line 2 of it; the python block starts at page.md:1)"
    ) in output
    assert "--- expected (page.md:9)\n+++ printed by the block\n" in output
    assert "\n epoch 0\n-0.3\n+0.30000000000000004\n done\n" in output
