"""scripts/update_outputs.py (make update-outputs): expected outputs rewritten from real runs."""

import textwrap

import pytest

from scripts.update_outputs import main, updated

PAGE = textwrap.dedent(
    """\
    # A page

    ```python
    print(2 + 2)
    print("two lines")
    ```

    <!--pytest-codeblocks:expected-output-->
    ```text
    5
    ```

    Untouched prose, and a block with no expected output:

    ```python
    x = 1
    ```

    !!! note
        An indented block in an admonition:

        ```python
        print(0.1 * 3)
        ```

        <!--pytest-codeblocks:expected-output-->
        ```text
        0.3
        ```
    """
)


def write_page(tmp_path, text=PAGE):
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    return page


def test_rewrites_each_expected_output_with_what_its_block_prints(tmp_path, capsys):
    page = write_page(tmp_path)
    assert main([str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert "```text\n4\ntwo lines\n```" in text
    assert "    ```text\n    0.30000000000000004\n    ```" in text
    # Everything else is left exactly as it was.
    assert text.replace("4\ntwo lines", "5").replace("0.30000000000000004", "0.3") == PAGE
    out = capsys.readouterr().out
    assert "-5\n+4\n+two lines\n" in out  # the unified diff, for review
    assert "-    0.3\n+    0.30000000000000004\n" in out
    assert "rewrote expected output in 1 page(s)" in out
    assert main([str(page)]) == 0  # a second run has nothing to change
    assert page.read_text(encoding="utf-8") == text
    assert "is what its block prints" in capsys.readouterr().out


def test_check_writes_nothing_and_fails_on_a_stale_output(tmp_path, capsys):
    page = write_page(tmp_path)
    assert main(["--check", str(page)]) == 1
    assert page.read_text(encoding="utf-8") == PAGE
    assert "would change expected output in 1 page(s)" in capsys.readouterr().out


def test_a_block_that_raises_is_named_by_page_and_line_and_left_alone(tmp_path, capsys):
    text = PAGE.replace('print("two lines")', "print(1 / 0)")
    page = write_page(tmp_path, text)
    assert main([str(page)]) == 1
    err = capsys.readouterr().err
    assert f"{page}:5: ZeroDivisionError: division by zero" in err
    rewritten = page.read_text(encoding="utf-8")
    assert "```text\n5\n```" in rewritten  # the failing block's output is not touched
    assert "0.30000000000000004" in rewritten  # the others are still updated


def test_warnings_are_errors_as_in_the_tests(tmp_path):
    warns = 'import warnings; warnings.warn("old", DeprecationWarning)'
    text = PAGE.replace('print("two lines")', warns)
    update = updated(write_page(tmp_path, text))
    assert [e.split(": ", 1)[1] for e in update.errors] == ["DeprecationWarning: old"]


@pytest.mark.parametrize(
    ("category", "spec"),
    [
        ("DeprecationWarning", "ignore:old api:DeprecationWarning"),
        ("torch.jit.TracerWarning", "ignore::torch.jit.TracerWarning"),  # a dotted category
    ],
)
def test_a_warning_its_filterwarnings_marker_lets_through_is_not_an_error(tmp_path, category, spec):
    warns = f'import warnings, torch; warnings.warn("old api", {category}); print("two lines")'
    marker = f'<!--pytest.mark.filterwarnings("{spec}")-->\n'
    text = PAGE.replace('print("two lines")', warns).replace(
        "```python\nprint(2 + 2)", marker + "```python\nprint(2 + 2)"
    )
    update = updated(write_page(tmp_path, text))
    assert update.errors == []
    assert "4\ntwo lines\n```" in update.new


def test_a_missing_page_is_a_clear_error(tmp_path, capsys):
    assert main([str(tmp_path / "nope.md")]) == 2
    assert "no such page" in capsys.readouterr().err


def test_a_skipped_block_is_neither_run_nor_rewritten(tmp_path):
    text = PAGE.replace(
        "```python\nprint(2 + 2)",
        '<!--pytest.mark.skip(reason="needs a GPU cluster")-->\n```python\nprint(2 + 2)',
    )
    page = write_page(tmp_path, text)
    update = updated(page)
    assert update.errors == []
    assert "```text\n5\n```" in update.new  # left as written
    assert "0.30000000000000004" in update.new
