"""scripts/new_page.py (make new-guide / make new-scheduler): files that follow the conventions.

The scaffold is run in a copy of the project; its files must pass the guards they are
subject to at once (fences, include, figure, test module, lint, the snippet contract), fail
where content is still missing (each placeholder named by file and line, the formula test),
and pass once that content is written.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from runner.figures import snake_case as runner_snake_case
from runner.markdown_fences import fence_problems, missing_includes
from runner.snippets import ROOT, run_snippet
from scripts.new_page import MARK, main, snake_case

SCANNED = ["docs/**/*.md", "docs/**/*.py", "snippets/*.py", "tests/snippets/*.py"]


def scaffold_placeholders(root: Path) -> list[str]:
    """``path:line`` of every line still marked by the scaffold."""
    found = []
    for pattern in SCANNED:
        for path in sorted(root.glob(pattern)):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if MARK in line:
                    found.append(f"{path.relative_to(root)}:{number}")
    return found


def test_no_scaffold_placeholder_is_left():
    assert scaffold_placeholders(ROOT) == [], (
        "write the content these lines ask for (made by scripts/new_page.py)"
    )


@pytest.fixture
def project(tmp_path) -> Path:
    for name in ("docs", "snippets", "tests/snippets", "runner"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "pyproject.toml", "conftest.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def run_pytest(root: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *arguments],
        cwd=root,
        capture_output=True,
        text=True,
    )


def lint(root: Path, paths: list[Path]) -> list[str]:
    problems = []
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, *map(str, paths)],
            cwd=ROOT,  # the project's ruff settings
            capture_output=True,
            text=True,
        )
        if result.returncode:
            problems.append(result.stdout + result.stderr)
    return problems


def test_a_guide_is_scaffolded_passes_its_guards_and_then_its_tests(project, capsys):
    assert main(["guide", "warm-up-stable-decay", "--root", str(project)]) == 0
    page = project / "docs/guides/warm-up-stable-decay.md"
    snippet = project / "snippets/warm_up_stable_decay.py"
    test_module = project / "tests/snippets/test_warm_up_stable_decay.py"
    out = capsys.readouterr().out
    for created in (page, snippet, test_module):
        assert f"created {created.relative_to(project)}" in out
    # The cross-links still to add, each with the test that asks for it.
    assert "docs/guides/index.md" in out and "test_section_indexes.py" in out
    assert "docs/guides/faq.md" in out and "test_every_guide_answers_a_question" in out
    assert "docs/guides/pitfalls.md" in out
    assert "make test-page PAGE=docs/guides/warm-up-stable-decay.md" in out

    text = page.read_text(encoding="utf-8")
    assert fence_problems("page", text, project) == []
    assert missing_includes(text, project) == []
    assert re.search(r"!\[[^\]]+\]\(\.\./figures/warm_up_stable_decay\.svg\)", text)
    assert lint(project, [snippet, test_module]) == []
    run = run_snippet(snippet)  # the runner's contract: lrs, scheduler, epochs, no warning
    assert len(run.lrs) == run.epochs and run.namespace["loss"].isfinite().item()

    # Until the content is written, each placeholder is named, and the formula test fails.
    assert scaffold_placeholders(project) == [
        "docs/guides/warm-up-stable-decay.md:3",
        "docs/guides/warm-up-stable-decay.md:14",
        "docs/guides/warm-up-stable-decay.md:16",
        "snippets/warm_up_stable_decay.py:14",
        "tests/snippets/test_warm_up_stable_decay.py:1",
        "tests/snippets/test_warm_up_stable_decay.py:16",
    ]
    # (The formula test compares the recorded lrs with `expected = []`: it cannot pass yet.)
    assert "    expected = []\n    assert run.lrs == pytest.approx(expected" in (
        test_module.read_text(encoding="utf-8")
    )

    # A contributor writes the content: no placeholder left, the formula test written.
    write_content(page, snippet, test_module)
    assert scaffold_placeholders(project) == []
    assert lint(project, [snippet, test_module]) == []
    result = run_pytest(
        project,
        "tests/snippets/test_warm_up_stable_decay.py",
        "tests/snippets/test_every_snippet.py",
        "-k",
        "warm_up_stable_decay",
    )
    assert result.returncode == 0, result.stdout[-3000:]
    passed = re.search(r"(\d+) passed", result.stdout)
    assert passed and int(passed[1]) >= 5, result.stdout  # its 2 tests and every snippet's


def write_content(page: Path, snippet: Path, test_module: Path) -> None:
    def drop_placeholders(path: Path, replacement: str = "") -> str:
        text = path.read_text(encoding="utf-8")
        text = re.sub(rf"<!-- {MARK}.*?-->\n", replacement, text, flags=re.DOTALL)
        return re.sub(rf"^\s*# {MARK}.*\n", "", text, flags=re.M)

    page.write_text(
        drop_placeholders(page, "A constant learning rate, as a baseline.\n").replace(
            f"{MARK} the scheduler, its parameters (name=value), what it shows",
            "ConstantLR with factor=1.0: the LR stays at 0.1 for 20 epochs",
        )
    )
    snippet.write_text(drop_placeholders(snippet))
    test = drop_placeholders(test_module).replace(f"{MARK} the page's claim", "the page's claim")
    test = test.replace("expected = []", "expected = [0.1] * run.epochs")
    test_module.write_text(test)


def test_a_scheduler_page_is_what_the_coverage_test_asks_for(project, capsys):
    for path in (
        "docs/schedulers/constant-lr.md",
        "snippets/constant_lr.py",
        "tests/snippets/test_constant_lr.py",
    ):
        (project / path).unlink()
    assert main(["scheduler", "ConstantLR", "--root", str(project)]) == 0
    out = capsys.readouterr().out
    assert "docs/schedulers/index.md" in out and "test_coverage.py" in out
    text = (project / "docs/schedulers/constant-lr.md").read_text(encoding="utf-8")
    assert text.startswith("# ConstantLR\n")
    assert '--8<-- "snippets/constant_lr.py"' in text
    assert (
        "https://docs.pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.ConstantLR.html"
        in text
    )
    assert fence_problems("page", text, project) == []
    snippet = project / "snippets/constant_lr.py"
    assert lint(project, [snippet, project / "tests/snippets/test_constant_lr.py"]) == []
    assert type(run_snippet(snippet).scheduler).__name__ == "ConstantLR"


def test_required_arguments_are_left_for_the_contributor(project):
    assert main(["scheduler", "StepLR", "--root", str(project / "new")]) == 0
    snippet = (project / "new/snippets/step_lr.py").read_text(encoding="utf-8")
    assert "StepLR(optimizer, step_size=...)" in snippet  # gamma has a default


def test_nothing_is_overwritten_and_bad_names_are_refused(project, capsys):
    assert main(["scheduler", "StepLR", "--root", str(project)]) == 1
    assert "already exists, nothing written: docs/schedulers/step-lr.md" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="has no torch.optim.lr_scheduler.WarmupLR"):
        main(["scheduler", "WarmupLR", "--root", str(project)])
    with pytest.raises(SystemExit, match="lower case with hyphens"):
        main(["guide", "Warm_Up", "--root", str(project)])


@pytest.mark.parametrize("name", ["StepLR", "ReduceLROnPlateau", "OneCycleLR", "LRScheduler"])
def test_snippet_names_agree_with_the_runner(name):
    assert snake_case(name) == runner_snake_case(name)
