"""Check one page: its examples, its snippets' tests, its guards, then a strict build.

python scripts/test_page.py docs/guides/warm-up-then-decay.md      (make test-page PAGE=...)

What runs, in one pytest session and then one build:

- the page's own ``python`` blocks and their expected outputs (pytest-codeblocks);
- ``tests/snippets/test_<snippet>.py`` for every snippet the page includes (and, for a
  modern schedule, ``tests/libraries/test_transformers_<name>.py``), and the page's
  own test module ``tests/snippets/test_<page_slug>.py`` (``warm-up-then-decay.md`` ->
  ``test_warm_up_then_decay.py``) when it exists;
- the guards that look at this page: the fence guard, the figure check, the pitfalls links
  (scheduler and guide pages), the section index's list, and for a guide the FAQ check;
- ``mkdocs build --strict`` of the whole site (links and anchors are only known site-wide).

It is the loop for editing one page; ``make test`` is still the check before a push.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: make `runner` importable

from runner.markdown_fences import includes  # noqa: E402

NOT_PITFALL_CHECKED = {"pitfalls.md", "faq.md", "index.md"}  # see tests/snippets/test_pitfalls.py


def page_slug(page: Path) -> str:
    return page.stem.replace("-", "_")


def pytest_arguments(page: Path) -> list[str]:
    """The pytest arguments that check ``page`` (a path under docs/)."""
    page = page.resolve()
    relative = page.relative_to(ROOT)
    docs_relative = page.relative_to(ROOT / "docs")
    section = docs_relative.parts[0] if len(docs_relative.parts) > 1 else ""
    modules = []
    for include in includes(page.read_text(encoding="utf-8")):
        if include.path.startswith("snippets/"):
            stem = Path(include.path).stem
            modules.append(f"tests/snippets/test_{stem}.py")
            if stem.startswith("modern_"):  # checked against transformers as well
                modules.append(
                    f"tests/libraries/test_transformers_{stem.removeprefix('modern_')}.py"
                )
    modules.append(f"tests/snippets/test_{page_slug(page)}.py")
    arguments = [m for m in dict.fromkeys(modules) if (ROOT / m).is_file()]
    arguments += [
        str(relative),  # its python blocks, under --codeblocks
        f"tests/site/test_fences.py::test_every_python_fence_is_run_or_included[{relative}]",
        f"tests/site/test_pages.py::test_page_shows_the_figure_of_every_snippet_it_includes"
        f"[{relative}]",
    ]
    if section in {"schedulers", "guides"} and page.name not in NOT_PITFALL_CHECKED:
        arguments.append(
            "tests/snippets/test_pitfalls.py::"
            f"test_every_pitfall_section_and_warning_of_the_site_is_linked[{docs_relative}]"
        )
    if section == "guides":
        arguments.append("tests/snippets/test_faq.py::test_every_guide_answers_a_question")
    if section and (ROOT / "docs" / section / "index.md").is_file():
        arguments.append(
            "tests/site/test_section_indexes.py::"
            f"test_every_page_of_the_section_is_listed_on_its_index[{section}/index.md]"
        )
    return arguments


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python scripts/test_page.py docs/<section>/<page>.md", file=sys.stderr)
        return 2
    page = Path(argv[0])
    if not page.is_absolute():
        page = Path.cwd() / page
    if page.suffix != ".md" or not page.is_file() or ROOT / "docs" not in page.resolve().parents:
        print(
            f"error: {argv[0]} is not a page under docs/ (docs/<section>/<page>.md)",
            file=sys.stderr,
        )
        return 2
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    python = sys.executable
    start = time.perf_counter()
    tests = subprocess.run(
        [python, "-m", "pytest", "-q", "--codeblocks", *pytest_arguments(page)], cwd=ROOT, env=env
    )
    tested = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lr-atlas-page-") as site:
        print("mkdocs build --strict ...", flush=True)
        build = subprocess.run(
            [python, "-m", "mkdocs", "build", "--strict", "-q", "-d", site], cwd=ROOT, env=env
        )
    built = time.perf_counter()
    verdict = "passed" if tests.returncode == 0 else "FAILED"
    build_verdict = "passed" if build.returncode == 0 else "FAILED"
    print(
        f"{page.relative_to(ROOT)}: tests {verdict} ({tested - start:.1f} s), "
        f"strict build {build_verdict} ({built - tested:.1f} s), {built - start:.1f} s in all"
    )
    return tests.returncode or build.returncode


if __name__ == "__main__":
    sys.exit(main())
