"""Search engines, link previews and assistants find each page under its public address."""

import html
import importlib.util
import re
from pathlib import Path

import pytest
from built_site import built_pages
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parents[2]
PAGES_URL = "https://example.github.io/lr-atlas/"  # the test build runs as example/lr-atlas


def meta(page_html: str, key: str) -> str | None:
    match = re.search(rf'<meta (?:name|property)="{key}" content="([^"]*)"', page_html)
    return match and html.unescape(match[1])


def test_every_page_has_its_canonical_address_in_the_sitemap(site):
    sitemap = (site / "sitemap.xml").read_text()
    listed = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    pages = built_pages(site)
    assert len(listed) == len(pages)
    for page in pages:
        address = PAGES_URL + page.relative_to(site).parent.as_posix().replace(".", "") + "/"
        address = address.replace(PAGES_URL + "/", PAGES_URL)  # the home page
        assert f'<link rel="canonical" href="{address}">' in page.read_text(), page
        assert address in listed


def test_each_page_is_described_by_its_own_first_paragraph(site):
    descriptions = {}
    for page in built_pages(site):
        text = page.read_text()
        description = meta(text, "description")
        assert description and meta(text, "og:description") == description, page
        assert meta(text, "twitter:card") == "summary" and meta(text, "og:title"), page
        descriptions[page] = description
    assert len(set(descriptions.values())) == len(descriptions)  # no two pages alike
    step_lr = descriptions[site / "schedulers" / "step-lr" / "index.html"]
    assert step_lr.startswith("StepLR multiplies the learning rate by gamma every step_size")


def test_llms_txt_lists_every_nav_page_in_reading_order_with_its_markdown_copy(site):
    llms = (site / "llms.txt").read_text()
    assert llms.startswith("# LR Atlas\n")
    links = re.findall(r"^- \[[^\]]+\]\((\S+)\)", llms, flags=re.MULTILINE)
    nav = [p for p in built_pages(site) if "contributing" not in p.as_posix()]
    assert len(links) == len(nav)
    guides = [link for link in links if "/guides/" in link]
    assert guides[1] == PAGES_URL + "guides/training-loop/index.md"
    for link in links:
        copy = site / link.removeprefix(PAGES_URL)
        assert copy.is_file(), link
    step_lr = (site / "schedulers" / "step-lr" / "index.md").read_text()
    assert step_lr.startswith("# StepLR")
    # the included snippet, as code: an assistant reads the example the page runs
    assert "\n```\n" in step_lr
    assert "StepLR(optimizer, step_size=10, gamma=0.5)" in step_lr
    # each figure once, as its alt text; math as LaTeX (hooks/llms_markdown.py)
    assert step_lr.count("Figure: StepLR with lr=0.1, step_size=10, gamma=0.5") == 1
    assert "`\\eta_t = \\eta_0" in step_lr


def _site_info():
    spec = importlib.util.spec_from_file_location("site_info", ROOT / "hooks" / "site_info.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, "http://127.0.0.1:8000/"),  # a local build: where make serve serves it
        ({"GITHUB_REPOSITORY": "someone/atlas"}, "https://someone.github.io/atlas/"),
        (
            {"GITHUB_REPOSITORY": "someone/atlas", "SITE_URL": "https://lr.example.org"},
            "https://lr.example.org/",
        ),
        (
            {"GITHUB_REPOSITORY": "someone/atlas", "SITE_URL": ""},
            "https://someone.github.io/atlas/",
        ),
    ],
)
def test_site_url_comes_from_the_environment_with_a_default(monkeypatch, env, expected):
    for name in ("GITHUB_REPOSITORY", "SITE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = _site_info().on_config(load_config(str(ROOT / "mkdocs.yml")))
    assert config.site_url == expected
