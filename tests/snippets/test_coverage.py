"""Every scheduler torch ships has its page and its example; a new one fails here first."""

import shutil
from pathlib import Path

import pytest
import torch

from runner.figures import snake_case

ROOT = Path(__file__).resolve().parents[2]
SCHEDULER_PAGES = ROOT / "docs" / "schedulers"
BASE_CLASS = "LRScheduler"
SCHEDULERS = sorted(set(torch.optim.lr_scheduler.__all__) - {BASE_CLASS})


def page_name(class_name: str) -> str:
    return snake_case(class_name).replace("_", "-") + ".md"


def page_coverage(pages_dir: Path) -> tuple[list[str], list[str]]:
    """Scheduler pages that torch needs but are missing, and pages torch knows nothing of."""
    pages = {p.name for p in pages_dir.glob("*.md")} - {"index.md"}
    expected = {page_name(name) for name in [*SCHEDULERS, BASE_CLASS]}
    return sorted(expected - pages), sorted(pages - expected)


def test_one_page_per_public_scheduler_and_one_for_the_base_class():
    missing, extra = page_coverage(SCHEDULER_PAGES)
    assert missing == [], "schedulers without a page"
    assert extra == [], "pages for names torch does not export"


def test_coverage_guard_names_a_removed_page(tmp_path):
    shutil.copytree(SCHEDULER_PAGES, tmp_path / "schedulers")
    (tmp_path / "schedulers" / "one-cycle-lr.md").unlink()
    (tmp_path / "schedulers" / "warmup-lr.md").write_text("# WarmupLR\n")
    assert page_coverage(tmp_path / "schedulers") == (["one-cycle-lr.md"], ["warmup-lr.md"])


@pytest.mark.parametrize("class_name", SCHEDULERS)
def test_main_example_runs_the_scheduler_it_is_named_after(class_name, snippet):
    run = snippet(snake_case(class_name))
    assert type(run.scheduler).__name__ == class_name


@pytest.mark.parametrize("class_name", SCHEDULERS)
def test_page_includes_its_main_example_and_links_the_official_docs(class_name):
    text = (SCHEDULER_PAGES / page_name(class_name)).read_text(encoding="utf-8")
    assert text.startswith(f"# {class_name}")
    assert f'--8<-- "snippets/{snake_case(class_name)}.py"' in text
    official = (
        f"https://docs.pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.{class_name}.html"
    )
    assert official in text


def test_overview_links_every_scheduler_page_and_shows_the_overview_figure():
    overview = (SCHEDULER_PAGES / "index.md").read_text(encoding="utf-8")
    rows = [line for line in overview.splitlines() if line.startswith("| [")]
    linked = [line.split("](", 1)[1].split(")", 1)[0] for line in rows]
    torch_rows = [link for link in linked if "/" not in link]
    assert sorted(torch_rows) == sorted(page_name(name) for name in SCHEDULERS)
    assert "(../figures/overview.svg)" in overview
    # and the modern schedules, each page of docs/modern/ once, with their own overview
    modern = sorted(p.name for p in (ROOT / "docs" / "modern").glob("*.md") if p.name != "index.md")
    assert sorted(link for link in linked if "/" in link) == [f"../modern/{p}" for p in modern]
    assert len(modern) == 6
    assert "(../figures/modern-overview.svg)" in overview
    section = (ROOT / "docs" / "modern" / "index.md").read_text(encoding="utf-8")
    section_rows = [line for line in section.splitlines() if line.startswith("| [")]
    assert sorted(line.split("](", 1)[1].split(")", 1)[0] for line in section_rows) == modern
    assert "(../figures/modern-overview.svg)" in section
