"""One contributor mistake, one failing test with one clear message.

Each mistake is planted in its own temporary copy of the project, and the real suite's
tests for it run there in a fresh pytest process: the ones that report the mistake and the
ones that depend on what it breaks (these must say "not run" in one line, not fail). Only
those tests run in a copy, and the copies run side by side, so the whole check costs
seconds, not six suites.
"""

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COPIED = (
    *("conftest.py", "pyproject.toml", "mkdocs.yml", "README.md", "CONTRIBUTING.md"),
    *("hooks", "overrides", "runner", "scripts", "tests", "docs", "snippets"),
)
MAX_FAILED = 3
MAX_LINES = 150

# A notebook of one cell: the copy's build renders notebook pages without the minutes of
# training the real ones do (tests/notebooks checks those).
STUB_NOTEBOOK = (
    "# ---\n# jupyter:\n#   kernelspec:\n#     display_name: Python 3\n#     language: python\n"
    "#     name: python3\n# ---\n\n# %% [markdown]\n# # {title}\n\n# %%\nprint(1)\n"
)


@dataclass
class PlantedRun:
    output: str
    failed: int  # failed tests plus errors, as pytest's last line counts them
    skipped: int

    @property
    def lines(self) -> int:
        return len(self.output.splitlines())


def copy_project(copy: Path) -> Path:
    """A copy of the working tree with its current figure cache."""
    copy.mkdir()
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    shutil.copytree(ROOT / "generated", copy / "generated")  # drawn by the `site` fixture
    return copy


def start_pytest(project: Path, args: tuple[str, ...]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=project,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(process: subprocess.Popen) -> PlantedRun:
    output, _ = process.communicate(timeout=600)
    last = output.strip().splitlines()[-1]

    def count(word: str) -> int:
        return sum(int(n) for n in re.findall(rf"(\d+) {word}", last))

    return PlantedRun(output, count("failed") + count("errors?"), count("skipped"))


def replace_once(path: Path, old: str, new: str) -> int:
    """Replace ``old`` with ``new`` once in ``path``; the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: {old!r} occurs {text.count(old)} times"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


SNIPPET_TESTS = (
    "tests/snippets/test_every_snippet.py::test_snippet_runs[step_lr.py]",
    "tests/snippets/test_every_snippet.py::test_snippet_trains_on_the_expected_device[step_lr.py]",
    "tests/snippets/test_step_lr.py",
    "tests/runner/test_runner.py::test_figure_is_titled_with_the_scheduler_that_ran",
    "tests/site/test_build.py::test_the_strict_build_passes",
    "tests/site/test_build.py::test_every_page_is_built",
)
BUILD_TESTS = (
    "tests/site/test_build.py::test_the_strict_build_passes",
    "tests/site/test_build.py::test_every_page_is_built",
    "tests/site/test_page_weight.py",
)

# name: (plant the mistake in the copy and return the line it is on, the tests to run there)
PLANTS: dict[str, tuple[Callable[[Path], int], tuple[str, ...]]] = {}


def plant(*args: str):
    def register(function):
        PLANTS[function.__name__] = (function, args)
        return function

    return register


@plant(*SNIPPET_TESTS)
def snippet_raising_at_step_7(project: Path) -> int:
    return 1 + replace_once(
        project / "snippets" / "step_lr.py",
        "    optimizer.zero_grad()\n",
        "    if epoch == 7:\n"
        "        raise RuntimeError('loss is nan')\n"
        "    optimizer.zero_grad()\n",
    )


# Without test_snippet_runs, the snippet's own test: the first test that needs the snippet
# reports it instead, and the others name that test.
@plant(*SNIPPET_TESTS[1:])
def snippet_recording_no_lrs(project: Path) -> int:
    snippet = project / "snippets" / "step_lr.py"
    recording = "    lrs.append(scheduler.get_last_lr()[0])  # the LR this epoch's step used\n"
    replace_once(snippet, recording, "")
    return snippet.read_text().splitlines().index("    optimizer.step()") + 1


@plant("--codeblocks", "docs/schedulers/step-lr.md")
def changed_expected_output(project: Path) -> int:
    page = project / "docs" / "schedulers" / "step-lr.md"
    return replace_once(page, "epoch 10   lr 0.05\n", "epoch 10   lr 0.5\n")


@plant("tests/site/test_fences.py")
def py_fence(project: Path) -> int:
    page = project / "docs" / "schedulers" / "step-lr.md"
    return replace_once(page, "## The formula\n", "```py\nprint(0.1)\n```\n\n## The formula\n")


@plant("tests/site/test_fences.py", *BUILD_TESTS)
def bad_include_path(project: Path) -> int:
    page = project / "docs" / "guides" / "checkpoint-and-resume.md"
    include = re.search(r'--8<-- "snippets/(\w+)\.py"', page.read_text())[0]
    return replace_once(page, include, include.replace('.py"', '_v2.py"'))


@plant(*BUILD_TESTS)
def missing_anchor(project: Path) -> int:
    for notebook in (project / "docs" / "notebooks").glob("*.py"):
        notebook.write_text(STUB_NOTEBOOK.format(title=notebook.stem))
    return replace_once(
        project / "docs" / "guides" / "checkpoint-and-resume.md",
        "multiplicative-lr.md#pitfall-resuming-needs-the-optimizers-lr)",
        "multiplicative-lr.md#pitfall-resuming-needs-the-optimizer-lr)",
    )


@pytest.fixture(scope="module")
def planted(tmp_path_factory, site, snippet) -> dict[str, tuple[PlantedRun, int]]:
    """Every mistake planted in its own copy, all copies' pytest runs side by side.

    Asks for the built site and the step_lr run first: a mistake already in the tree is its
    own tests' failure, and these tests then say "not run" instead of failing a second time.
    """
    snippet("step_lr")
    started = {}
    for name, (plant_mistake, args) in PLANTS.items():
        project = copy_project(tmp_path_factory.mktemp(name) / "project")
        line = plant_mistake(project)
        started[name] = (start_pytest(project, args), line)
    return {name: (finish(process), line) for name, (process, line) in started.items()}


def one_clear_failure(planted, name: str, *messages: str) -> PlantedRun:
    run, _ = planted[name]
    assert 1 <= run.failed <= MAX_FAILED, run.output
    assert run.lines < MAX_LINES, run.output
    for message in messages:
        assert message in run.output, run.output
    assert "root causes:" in run.output, run.output
    return run


def test_snippet_raising_at_step_7_fails_its_own_test_only(planted):
    line = planted["snippet_raising_at_step_7"][1]
    run = one_clear_failure(
        planted,
        "snippet_raising_at_step_7",
        f"snippets/step_lr.py:{line}: RuntimeError: loss is nan "
        "(at epoch 7, 7 optimizer steps recorded in lrs)",
        "not run: snippets/step_lr.py failed "
        "(see tests/snippets/test_every_snippet.py::test_snippet_runs[step_lr.py])",
    )
    assert run.failed == 1 and run.skipped >= 5, run.output
    # The summary ends with the root cause and how many tests it stopped.
    summary = run.output.split("root causes: 1 ", 1)[1]
    owner = "tests/snippets/test_every_snippet.py::test_snippet_runs[step_lr.py]"
    assert f"{owner} ({run.skipped} dependent tests not run)\n    snippets/step_lr.py:" in summary


def test_snippet_recording_no_lrs_is_told_where_the_line_belongs(planted):
    line = planted["snippet_recording_no_lrs"][1]
    run = one_clear_failure(
        planted,
        "snippet_recording_no_lrs",
        f"snippets/step_lr.py:{line}: 'lrs' must be a non-empty list, got []",
        "`lrs.append(scheduler.get_last_lr()[0])` on the line after this optimizer.step()",
        "not run: snippets/step_lr.py failed (see "
        "tests/snippets/test_every_snippet.py::test_snippet_trains_on_the_expected_device[step_lr.py])",
    )
    assert run.failed == 1 and run.skipped >= 5, run.output


def test_changed_expected_output_shows_the_first_differing_line_and_a_diff(planted):
    line = planted["changed_expected_output"][1]
    run = one_clear_failure(
        planted,
        "changed_expected_output",
        f"docs/schedulers/step-lr.md:{line}: printed output differs from the expected-output",
        "-epoch 10   lr 0.5\n+epoch 10   lr 0.05\n",
    )
    assert run.failed == 1, run.output


def test_py_fence_fails_the_fence_guard_once(planted):
    line = planted["py_fence"][1]
    run = one_clear_failure(
        planted, "py_fence", f"docs/schedulers/step-lr.md:{line}: ```py fence is neither"
    )
    assert run.failed == 1, run.output


def test_bad_include_path_fails_the_page_guard_and_the_build_only(planted):
    line = planted["bad_include_path"][1]
    run = one_clear_failure(
        planted,
        "bad_include_path",
        f"docs/guides/checkpoint-and-resume.md:{line}: includes 'snippets/",
        "not run: the site build failed",
    )
    assert run.failed == 2, run.output  # the page's fence guard and the build


def test_missing_anchor_names_file_line_and_the_closest_anchor(planted):
    line = planted["missing_anchor"][1]
    run = one_clear_failure(
        planted,
        "missing_anchor",
        f"docs/guides/checkpoint-and-resume.md:{line}: links to "
        "'../schedulers/multiplicative-lr.md#pitfall-resuming-needs-the-optimizer-lr', "
        "but docs/schedulers/multiplicative-lr.md has no anchor "
        "'#pitfall-resuming-needs-the-optimizer-lr'; "
        "did you mean #pitfall-resuming-needs-the-optimizers-lr",
        "not run: the site build failed",
    )
    assert run.failed == 1, run.output
