"""A failing example on a page is reported as file.md:line with the exception type."""

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# One page per failure, all checked by one pytest run (a pytest start-up costs seconds).
PAGES = {
    "raising.md": """
        # Page

        Some prose.

        ```python
        rates = [0.1, 0.05]
        ratio = rates[0] / (rates[1] - 0.05)
        ```
        """,
    "admonition.md": """
        !!! note

            ```python
            milestones = [30, 60]
            milestones.index(90)
            ```
        """,
    "expected.md": """
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
}


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("codeblock-reports")
    shutil.copy(ROOT / "conftest.py", folder / "conftest.py")
    for name, page in PAGES.items():
        (folder / name).write_text(textwrap.dedent(page).lstrip())
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--codeblocks", "-p", "no:cacheprovider", *PAGES],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "3 failed" in result.stdout, result.stdout
    return result.stdout


def test_raising_block_names_file_line_type_and_code(output):
    assert "raising.md:7: ZeroDivisionError: float division by zero" in output
    assert "    ratio = rates[0] / (rates[1] - 0.05)" in output
    assert "(line 2 of the python block that starts at raising.md:5)" in output


def test_block_inside_an_admonition_reports_the_page_line(output):
    assert "admonition.md:5: ValueError: 90 is not in list" in output


def test_wrong_expected_output_names_the_first_differing_line_and_shows_a_diff(output):
    assert (
        "expected.md:10: printed output differs from the expected-output block "
        "(line 2 of it; the python block starts at expected.md:1)"
    ) in output
    assert "--- expected (expected.md:9)\n+++ printed by the block\n" in output
    assert "\n epoch 0\n-0.3\n+0.30000000000000004\n done\n" in output


def test_summary_ends_with_the_root_causes(output):
    summary = output.split("root causes: 3 ", 1)[1]
    assert "expected.md::line 1\n    expected.md:10: printed output differs" in summary
    assert "raising.md::line 5\n    raising.md:7: ZeroDivisionError" in summary
