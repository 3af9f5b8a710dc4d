"""The fence guard: no Python on a page escapes execution without saying why."""

import textwrap
from pathlib import Path

import pytest

from runner.markdown_fences import fence_problems, project_fence_problems

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").rglob("*.md")) + [ROOT / "README.md", ROOT / "CONTRIBUTING.md"]


def problems_in(text: str, root: Path = ROOT) -> list[str]:
    return fence_problems("page.md", textwrap.dedent(text).lstrip(), root)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_python_fence_is_run_or_included(page):
    where = str(page.relative_to(ROOT))
    problems = fence_problems(where, page.read_text(encoding="utf-8"), ROOT)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)  # each one file:line and the fix


def test_executed_python_fence_passes():
    assert problems_in("text\n\n```python\nprint(1)\n```\n") == []


@pytest.mark.parametrize("info", ["py", "python3", "{.python}", 'python title="x.py"', "pycon"])
def test_python_fence_that_pytest_codeblocks_skips_fails(info):
    assert problems_in(f"# Title\n\n```{info}\nprint(1)\n```\n") == [
        f"page.md:3: ```{info} fence is neither executed by pytest-codeblocks (only an "
        "exact ```python fence is) nor an include of a tested snippet; make it ```python"
    ]


def test_indented_fence_in_an_admonition_is_checked():
    text = "!!! note\n\n    ```py\n    print(1)\n    ```\n"
    assert problems_in(text)[0].startswith("page.md:3: ```py fence")


def test_titled_include_of_an_existing_snippet_passes():
    text = '```python title="snippets/step_lr.py"\n--8<-- "snippets/step_lr.py"\n```\n'
    assert problems_in(text) == []


def test_include_of_a_missing_snippet_fails():
    text = 'Text\n\n```python title="snippets/nope.py"\n--8<-- "snippets/nope.py"\n```\n'
    assert problems_in(text) == ["page.md:4: includes 'snippets/nope.py', which does not exist"]


def test_include_in_an_executed_fence_fails():
    text = '```python\n--8<-- "snippets/step_lr.py"\n```\n'
    assert problems_in(text)[0].startswith("page.md:1: an executed ```python fence holds")


def test_shell_fence_fails_because_it_would_be_executed():
    assert problems_in("```bash\nmake serve\n```\n")[0].startswith(
        "page.md:1: ```bash blocks are executed by pytest-codeblocks"
    )


def test_skip_without_reason_fails_and_with_reason_passes():
    bare = problems_in("<!--pytest.mark.skip-->\n```python\nimport cupy\n```\n")
    assert bare == [
        "page.md:2: <!--pytest.mark.skip--> skips this block without a written reason "
        '(reason="...")'
    ]
    reasoned = '<!--pytest.mark.skip(reason="needs two GPUs to show DDP")-->\n```python\nx\n```\n'
    assert problems_in(reasoned) == []


QUOTING = (
    "```python\nprint('ValueError: Factor should be < 1.0.')\n```\n\n"
    "<!--pytest-codeblocks:expected-output-->\n```text\nValueError: Factor should be < 1.0.\n```\n"
)


def test_a_block_quoting_a_message_must_name_the_torch_releases_it_holds_for():
    assert problems_in(QUOTING) == [
        "page.md:1: the expected output quotes a message ('ValueError: Factor should be < "
        "1.0.'), whose text depends on the torch release; tag the block with "
        '<!--pytest.mark.torch_versions("2.13")--> naming the releases it holds for'
    ]
    assert problems_in('<!--pytest.mark.torch_versions("2.11", "2.13")-->\n' + QUOTING) == []
    # Not a release: "2.13.0" would never match torch's major.minor.
    assert len(problems_in('<!--pytest.mark.torch_versions("2.13.0")-->\n' + QUOTING)) == 1


def test_without_cuda_needs_a_reason_and_is_seen_beside_another_marker():
    bare = "<!--pytest.mark.without_cuda-->\n```python\nx\n```\n"
    assert problems_in(bare) == [
        'page.md:2: <!--pytest.mark.without_cuda--> needs a written reason (reason="...")'
    ]
    tagged = '<!--pytest.mark.torch_versions("2.13")-->\n' + bare
    assert problems_in(tagged) == [
        'page.md:3: <!--pytest.mark.without_cuda--> needs a written reason (reason="...")'
    ]
    reasoned = '<!--pytest.mark.without_cuda(reason="GradScaler() without CUDA")-->\n'
    assert problems_in(reasoned + "```python\nx\n```\n") == []


def test_xfail_is_refused():
    assert "catch and print" in problems_in("<!--pytest.mark.xfail-->\n```python\n1 / 0\n```\n")[0]


def test_snippet_include_outside_a_fence_fails():
    assert problems_in('Text\n--8<-- "snippets/step_lr.py"\n') == [
        "page.md:2: snippet include outside a code fence; put it in a "
        '```python title="snippets/step_lr.py" fence'
    ]


def test_guard_names_file_and_line_of_a_fence_planted_in_a_nested_page(tmp_path):
    # A project of its own, not a copy of the tree: a mistake already in the tree is
    # test_every_python_fence_is_run_or_included's to report, and must not fail this too.
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "step_lr.py").write_text("lrs = [0.1]\n")
    (tmp_path / "docs" / "schedulers").mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text("# LR Atlas\n")
    page = tmp_path / "docs" / "schedulers" / "step-lr.md"
    page.write_text(
        '# StepLR\n\nText.\n\n```python title="snippets/step_lr.py"\n'
        '--8<-- "snippets/step_lr.py"\n```\n'
    )
    (tmp_path / "README.md").write_text("# README\n\n```python\nprint(1)\n```\n")
    assert project_fence_problems(tmp_path) == []
    lines = page.read_text().splitlines()
    page.write_text("\n".join([*lines[:3], "", "```py", "print(0.1)", "```", *lines[3:]]) + "\n")
    assert project_fence_problems(tmp_path) == [
        "docs/schedulers/step-lr.md:5: ```py fence is neither executed by pytest-codeblocks "
        "(only an exact ```python fence is) nor an include of a tested snippet; make it ```python"
    ]
