"""The navigation is the reading order, written by hand in mkdocs.yml; no page falls out of it."""

import logging
import shutil
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.nav import get_navigation

ROOT = Path(__file__).resolve().parents[2]

# The order a learner needs the guides in, as the home page and the guides index tell it.
GUIDES_IN_READING_ORDER = [
    "training-loop",
    "per-epoch-or-per-batch",
    "choosing-a-scheduler",
    "warm-up-then-decay",
    "checkpoint-and-resume",
    "gradient-accumulation-and-mixed-precision",
    "parameter-groups",
    "write-your-own-scheduler",
    "schedules-from-the-papers",
    "pitfalls",
    "faq",
]


def nav_files(entries) -> list[str]:
    found = []
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        found += nav_files(value) if isinstance(value, list) else [value]
    return found


def omitted_pages(project: Path, caplog) -> list[str]:
    """Pages mkdocs reports as missing from the nav, read from its own warning."""
    config = load_config(str(project / "mkdocs.yml"))
    files = config.plugins.on_files(get_files(config), config=config)
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        caplog.clear()
        get_navigation(files, config)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    return [
        line.strip()[2:]
        for message in warnings
        if 'not included in the "nav" configuration' in message
        for line in message.splitlines()[1:]
    ]


def test_guides_follow_the_reading_order():
    config = load_config(str(ROOT / "mkdocs.yml"))
    guides = [Path(f).stem for f in nav_files(config.nav) if f.startswith("guides/")]
    assert guides[0] == "index"
    assert [g for g in guides if g in GUIDES_IN_READING_ORDER] == GUIDES_IN_READING_ORDER


def test_every_page_is_in_the_nav_but_the_contributor_guide():
    config = load_config(str(ROOT / "mkdocs.yml"))
    pages = {
        str(p.relative_to(ROOT / "docs"))
        for p in [*(ROOT / "docs").rglob("*.md"), *(ROOT / "docs" / "notebooks").glob("*.py")]
    }
    listed = nav_files(config.nav)
    assert len(listed) == len(set(listed)), "a page is listed twice"
    assert pages - set(listed) == {"contributing.md"}
    assert set(listed) <= pages
    assert nav_files(config.nav)[0] == "index.md"


def test_a_page_missing_from_the_nav_fails_the_strict_build(tmp_path, caplog):
    project = tmp_path / "project"
    for folder in ("docs", "hooks", "runner", "overrides"):
        shutil.copytree(
            ROOT / folder, project / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    assert omitted_pages(project, caplog) == []
    (project / "docs" / "guides" / "planted.md").write_text("# Planted\n\nNot in the nav.\n")
    # A warning: strict mode (asserted in test_build.py) turns it into a failed build.
    assert omitted_pages(project, caplog) == ["guides/planted.md"]


@pytest.mark.parametrize("page", ["guides/index.md", "index.md"])
def test_pages_that_list_the_guides_list_them_in_nav_order(page):
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    positions = [
        text.find(f"{name}.md") for name in GUIDES_IN_READING_ORDER if f"{name}.md" in text
    ]
    assert positions == sorted(positions), page
