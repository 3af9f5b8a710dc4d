"""scripts/test_page.py (make test-page PAGE=...): which checks one page gets."""

import subprocess
import sys
from pathlib import Path

from scripts.test_page import ROOT, main, pytest_arguments

GUIDE = Path("docs/guides/warm-up-then-decay.md")


def test_a_guide_gets_its_blocks_its_snippets_tests_its_own_module_and_its_guards():
    arguments = pytest_arguments(ROOT / GUIDE)
    assert arguments[:4] == [
        # the snippets it includes, in page order, then the page's own module
        "tests/snippets/test_warmup_then_cosine.py",
        "tests/snippets/test_warmup_junction_mistake.py",
        "tests/snippets/test_warm_up_then_decay.py",
        str(GUIDE),  # its python blocks, under --codeblocks
    ]
    guards = " ".join(arguments[4:])
    for guard in (
        "test_fences.py::test_every_python_fence_is_run_or_included[docs/guides/",
        "test_pages.py::test_page_shows_the_figure_of_every_snippet_it_includes[docs/guides/",
        "test_pitfalls.py::test_every_pitfall_section_and_warning_of_the_site_is_linked[guides/",
        "test_faq.py::test_every_guide_answers_a_question",
        "test_section_indexes.py::test_every_page_of_the_section_is_listed_on_its_index[guides/",
    ):
        assert guard in guards


def test_every_check_it_names_exists():
    # A renamed test or parameter would make pytest stop with "not found": catch it here.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "--codeblocks"]
        + pytest_arguments(ROOT / GUIDE),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    collected = [line for line in result.stdout.splitlines() if "::" in line]
    assert any(line.startswith(str(GUIDE)) for line in collected)  # the page's own blocks
    assert len(collected) >= 12


def test_a_path_that_is_not_a_page_is_refused(capsys):
    assert main(["README.md"]) == 2
    assert "is not a page under docs/" in capsys.readouterr().err
    assert main([]) == 2
