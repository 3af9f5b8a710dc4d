"""Every page of a section is listed on the section's index page, which is kept by hand.

The guides index (docs/guides/index.md) groups and orders the guides and says what each
answers: reading order and grouping are decisions, so the list is written, not generated
(as STYLE.md says of the navigation). What could silently drift is a new page missing from
it; this test fails then, naming the page and the index to add it to. The same holds for
every section with an index: schedulers, notebooks, and any section added later.
"""

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
INDEXES = sorted(DOCS.glob("*/index.md"))
LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)\s]*)?\)")


def pages_of(section: Path) -> list[str]:
    """The section's pages: Markdown pages and notebooks (jupytext .py pages), not the index."""
    pages = [p.name for p in section.glob("*.md") if p.name != "index.md"]
    if section.name == "notebooks":
        pages += [p.name for p in section.glob("*.py")]
    return sorted(pages)


def unlisted(index: Path) -> list[str]:
    linked = {target for target in LINK.findall(index.read_text(encoding="utf-8"))}
    return [page for page in pages_of(index.parent) if page not in linked]


@pytest.mark.parametrize("index", INDEXES, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_page_of_the_section_is_listed_on_its_index(index):
    missing = unlisted(index)
    where = f"docs/{index.relative_to(DOCS)}"
    assert missing == [], f"{where} does not link {', '.join(missing)}; add it where it belongs"


def test_the_guides_have_an_index():
    assert DOCS / "guides" / "index.md" in INDEXES


def test_a_guide_missing_from_the_index_is_named(tmp_path):
    section = tmp_path / "guides"
    section.mkdir()
    (section / "index.md").write_text("# Guides\n\n1. [Listed](listed.md#part): what it says\n")
    for name in ("listed.md", "forgotten.md"):
        (section / name).write_text(f"# {name}\n")
    assert unlisted(section / "index.md") == ["forgotten.md"]
