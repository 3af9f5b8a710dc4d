"""`mkdocs build --strict` is a test, and so is what it produces."""

import html
import json
import re
import shutil
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from built_site import built_pages, mkdocs_build, stop_unless_built

from runner.figures import FIGURES_DIR, Recording
from runner.markdown_fences import includes

ROOT = Path(__file__).resolve().parents[2]


def visible_text(page_html: str) -> str:
    # Code may legitimately contain backslashes and dollars; prose and math may not.
    without_code = re.sub(r"<(pre|code|script|style)\b.*?</\1>", "", page_html, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", without_code))


def test_strict_validation_is_fully_enabled():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    assert config["strict"] is True
    assert config["validation"] == {
        "omitted_files": "warn",
        "absolute_links": "warn",
        "unrecognized_links": "warn",
        "anchors": "warn",
    }


def test_the_strict_build_passes(site_build, root_causes):
    # The one test that fails with the build's messages when the build fails.
    stop_unless_built(site_build, root_causes)
    assert (site_build.site / "index.html").is_file()


def test_every_page_is_built(site):
    sources = [*(ROOT / "docs").rglob("*.md"), *(ROOT / "docs" / "notebooks").glob("*.py")]
    assert len(built_pages(site)) == len(sources)


def test_every_image_resolves_to_a_built_file(site):
    for page in built_pages(site):
        # data: images (notebook outputs) are inside the page already
        for src in re.findall(r'<img[^>]*\ssrc="(?!data:)([^"#]+)', page.read_text()):
            assert (page.parent / src).resolve().is_file(), f"{page}: broken image {src}"


def test_pages_that_include_a_snippet_show_its_drawn_figure(site):
    checked = 0
    for source in sorted((ROOT / "docs").rglob("*.md")):
        built = site / source.relative_to(ROOT / "docs").with_suffix("") / "index.html"
        if source.name == "index.md":
            built = site / source.relative_to(ROOT / "docs").with_suffix(".html")
        for include in includes(source.read_text()):
            name = Path(include.path).stem
            page_html = built.read_text()
            for variant in (f"{name}.svg#only-light", f"{name}-dark.svg#only-dark"):
                assert re.search(
                    rf'<img alt="[^"]+"[^>]* src="[./]*figures/{variant}"', page_html
                ), f"{built} does not show figures/{variant}"
            for svg in (f"{name}.svg", f"{name}-dark.svg"):
                assert (site / "figures" / svg).read_text().startswith("<?xml")
            checked += 1
    assert checked >= 2


def test_math_is_rendered_to_mathml(site):
    page = (site / "schedulers" / "one-cycle-lr" / "index.html").read_text()
    assert page.count("<math") >= 5
    assert 'display="block"' in page
    for built in built_pages(site):
        text = visible_text(built.read_text())
        for raw in ("\\(", "\\[", "$$"):
            assert raw not in text, f"{built}: raw math {raw!r} left in the page"


def test_site_fetches_nothing_from_the_internet(site):
    for built in built_pages(site):
        page = built.read_text()
        assert "fonts.googleapis.com" not in page and "fonts.gstatic.com" not in page
        tags = re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*>", page)
        # rel="canonical" names the page's public address; it is not fetched.
        loaded = [tag for tag in tags if 'rel="canonical"' not in tag]
        remote = [tag for tag in loaded if re.search(r'\s(?:src|href)="(https?:)?//', tag)]
        assert remote == [], f"{built} loads {remote}"


def test_footer_names_the_torch_version_read_at_build_time(site):
    footer = f"Every example on this site was executed with PyTorch {metadata.version('torch')}"
    for built in built_pages(site):
        assert footer in built.read_text(), built
        # The site fixture builds without LR_ATLAS_PUBLISHED_AFTER_GPU: no GPU claim.
        assert "on a CUDA GPU before it was published" not in built.read_text(), built


@pytest.mark.parametrize(
    ("version", "published_after_gpu", "sentence"),
    [
        (
            "2.13.0+cpu",
            True,
            "Every example on this site was executed with PyTorch 2.13.0+cpu on CPU when the "
            "site was built, and with PyTorch 2.13.0 on a CUDA GPU before it was published.",
        ),
        (
            "2.13.0+cpu",
            False,
            "Every example on this site was executed with PyTorch 2.13.0+cpu on CPU when the "
            "site was built.",
        ),
        # A CUDA build may have run the examples on a GPU or not: no device is named.
        (
            "2.13.0",
            False,
            "Every example on this site was executed with PyTorch 2.13.0 when the site was built.",
        ),
    ],
)
def test_footer_names_a_device_only_where_the_pipeline_ran_one(
    version, published_after_gpu, sentence
):
    from hooks.site_info import verified_with

    assert verified_with(version, published_after_gpu) == sentence


def test_edit_link_points_at_the_page_source_on_github(site):
    page = (site / "schedulers" / "step-lr" / "index.html").read_text()
    assert 'href="https://github.com/example/lr-atlas/edit/main/docs/schedulers/step-lr.md"' in page
    assert "api.github.com" not in page and "md-source" not in page  # no repository widget


def test_included_snippet_appears_verbatim(site):
    page = (site / "schedulers" / "step-lr" / "index.html").read_text()
    code = html.unescape(re.sub(r"<[^>]+>", "", page))
    for line in (ROOT / "snippets" / "step_lr.py").read_text().splitlines():
        assert line in code


def minimal_project(tmp_path: Path) -> Path:
    """The site's configuration, hooks and runner around one page, no snippet, no notebook.

    Not a copy of the working tree: a mistake planted in a page, snippet or notebook of the
    tree must fail that page's or snippet's own test, not these checks of the guards. Small,
    too: each build here takes a few seconds, not a full site's.
    """
    project = tmp_path / "project"
    for folder in ("hooks", "runner", "overrides", "docs/stylesheets", "docs/javascripts"):
        shutil.copytree(
            ROOT / folder, project / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    # The site's nav lists the site's pages; this project has one page, found by file name.
    config = (ROOT / "mkdocs.yml").read_text()
    config = re.sub(r"^nav:\n(?:[ #].*\n|\n)*?(?=\S)", "", config, flags=re.MULTILINE)
    config = re.sub(r"^not_in_nav: \|\n(?:  .*\n)+", "", config, flags=re.MULTILINE)
    (project / "mkdocs.yml").write_text(config)
    (project / "docs" / "index.md").write_text("# LR Atlas\n\nA page.\n\n## A section\n")
    (project / "snippets").mkdir()
    return project


def test_missing_include_fails_the_build_naming_page_line_and_path(tmp_path):
    project = minimal_project(tmp_path)
    (project / "docs" / "broken.md").write_text(
        '# Broken\n\n```python title="snippets/nope.py"\n--8<-- "snippets/nope.py"\n```\n'
    )
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/broken.md:4: includes 'snippets/nope.py', which does not exist" in (
        result.stdout + result.stderr
    )


def test_missing_anchor_fails_the_build_naming_line_and_the_closest_anchors(tmp_path):
    project = minimal_project(tmp_path)
    (project / "docs" / "other.md").write_text(
        "# Other\n\nSee [the section](index.md#a-sectoin) for more.\n"
    )
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert (
        "docs/other.md:3: links to 'index.md#a-sectoin', but docs/index.md has no anchor "
        "'#a-sectoin'; did you mean #a-section?"
    ) in result.stdout + result.stderr


def test_broken_snippet_fails_the_build_naming_snippet_and_line(tmp_path):
    project = minimal_project(tmp_path)
    # Fails before importing torch, so this check stays fast.
    (project / "snippets" / "broken.py").write_text(
        "lrs = []\nepochs = 1\nlrs.append(undefined_lr)\n"
    )
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert (
        "figure runner: snippets/broken.py:3: NameError: name 'undefined_lr' is not defined"
        in output
    ), output


FIGURE_LINK = re.compile(
    r"!\[(?P<alt>(?:[^\[\]]|\[[^\[\]]*\])+)\]\((?:\.\./)*figures/(?P<name>[\w-]+)\.svg\)"
)


def test_figure_alt_text_names_the_scheduler_that_ran_and_its_parameters(site):
    checked = 0
    for source in sorted((ROOT / "docs").rglob("*.md")):
        for match in FIGURE_LINK.finditer(source.read_text()):
            recording = FIGURES_DIR / f"{match['name']}.json"
            if match["name"] in ("overview", "modern-overview"):
                continue
            scheduler = Recording.load(recording).scheduler
            assert scheduler in match["alt"], f"{source.name}: alt text does not name {scheduler}"
            assert "=" in match["alt"], f"{source.name}: alt text gives no parameters"
            checked += 1
    assert checked >= 16


NOTEBOOK_PAGES = {"scheduler-shoot-out": 1, "lr-range-test": 2}  # name: figures


@pytest.mark.parametrize("name, figures", NOTEBOOK_PAGES.items())
def test_notebook_page_shows_its_outputs_and_no_errors(site, name, figures):
    page = (site / "notebooks" / name / "index.html").read_text()
    assert page.count('src="data:image/svg+xml;base64,') == figures
    assert "application/vnd.jupyter.stderr" not in page and "Traceback" not in page
    assert f'<a href="../{name}.ipynb" download>' in page
    downloaded = json.loads((site / "notebooks" / f"{name}.ipynb").read_text())
    assert downloaded["metadata"]["kernelspec"]["name"] == "python3"
    assert len(downloaded["cells"]) >= 8


def test_built_notebook_shows_the_numbers_this_test_run_reproduced(site, notebook):
    page = html.unescape((site / "notebooks" / "scheduler-shoot-out" / "index.html").read_text())
    table = notebook("scheduler-shoot-out").namespace["summary"]
    # The printed Markdown table is shown as an HTML table (hooks/notebooks.py).
    assert "<table>" in page and "<pre>| schedule |" not in page  # not as printed text
    rows = [line.strip("|").split("|") for line in table.splitlines()[2:]]
    assert len(rows) == 6
    for row in rows:  # same seeds, same device: the same numbers, digit for digit
        cells = "".join(f"<td>{cell.strip()}</td>" for cell in row)
        assert cells in re.sub(r">\s+<", "><", page), cells


def test_broken_notebook_cell_fails_the_build_naming_notebook_and_cell(tmp_path):
    project = minimal_project(tmp_path)
    (project / "docs" / "notebooks").mkdir()
    (project / "docs" / "notebooks" / "broken.py").write_text(
        (ROOT / "docs" / "notebooks" / "lr-range-test.py").read_text().split("# %% [markdown]")[0]
        + "# %% [markdown]\n# # Broken\n\n# %%\nrates = [0.1, 0.01]\n\n"
        + "# %%\nratio = rates[0] / (rates[1] - 0.01)\n"
    )
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert (
        "docs/notebooks/broken.py: cell 3 (line 20): ZeroDivisionError: float division by zero"
        in (result.stdout + result.stderr)
    ), result.stdout + result.stderr
