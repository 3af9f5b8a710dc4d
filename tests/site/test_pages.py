"""Pages and snippets belong together: a page that shows code shows that code's figure."""

import re
from pathlib import Path

import pytest

from runner.markdown_fences import includes
from runner.snippets import discover

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").rglob("*.md"))


def snippets_included_by(page: Path) -> set[str]:
    return {
        Path(inc.path).stem
        for inc in includes(page.read_text(encoding="utf-8"))
        if inc.path.startswith("snippets/")
    }


def figure_image(name: str) -> re.Pattern:
    # ![alt text](../figures/<name>.svg) with a non-empty alt text
    # (the alt text may hold one level of brackets: "milestones=[15, 25]")
    alt = r"(?:[^\[\]\s]|\[[^\[\]]*\])(?:[^\[\]]|\[[^\[\]]*\])*"
    return re.compile(rf"!\[{alt}\]\((\.\./)*figures/{re.escape(name)}\.svg\)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_shows_the_figure_of_every_snippet_it_includes(page):
    text = page.read_text(encoding="utf-8")
    missing = [name for name in snippets_included_by(page) if not figure_image(name).search(text)]
    assert missing == [], (
        f"{page.relative_to(ROOT)} includes snippets/{missing[0]}.py but does not show "
        f"![...](../figures/{missing[0]}.svg)"
    )


@pytest.mark.parametrize("snippet", discover(), ids=lambda p: p.name)
def test_every_snippet_is_shown_on_a_page(snippet):
    pages = [page for page in PAGES if snippet.stem in snippets_included_by(page)]
    assert pages, f"snippets/{snippet.name} is not included by any page in docs/"


def test_figure_check_catches_a_page_without_its_figure(tmp_path):
    page = tmp_path / "page.md"
    page.write_text('```python title="snippets/step_lr.py"\n--8<-- "snippets/step_lr.py"\n```\n')
    assert snippets_included_by(page) == {"step_lr"}
    assert not figure_image("step_lr").search(page.read_text())
    page.write_text(page.read_text() + "\n![StepLR, milestones=[1, 2]](../figures/step_lr.svg)\n")
    assert figure_image("step_lr").search(page.read_text())
    assert not figure_image("step_lr").search("![](../figures/step_lr.svg)")  # no alt text
