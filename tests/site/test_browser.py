"""The built site as a reader meets it: served on 127.0.0.1 and driven in Chromium.

Needs the system Chromium (`apt-get install -y chromium`; .ci/run installs it). Under
CI=true a missing browser fails the suite; on a laptop without it these tests skip and say so.
"""

import shutil
from urllib.parse import urlsplit

import pytest
from browser import serve
from readers import reader_problems


def open_page(page, base_url: str, path: str):
    page.goto(base_url + (f"{path}/" if path else ""), wait_until="load")  # images included


def test_reader_problems_catches_missing_figure_console_error_and_raw_math(site, page, tmp_path):
    broken = tmp_path / "site"
    shutil.copytree(site, broken)
    (broken / "figures" / "step_lr.svg").unlink()
    step_lr = broken / "schedulers" / "step-lr" / "index.html"
    step_lr.write_text(
        step_lr.read_text().replace(
            "<h1", '<script>console.error("planted")</script><p>raw \\(\\eta_t\\)</p><h1', 1
        )
    )
    server, url = serve(broken)
    try:
        problems = reader_problems(page, url + "schedulers/step-lr/")
    finally:
        server.shutdown()
        server.server_close()
    assert any(p.startswith("console: planted") for p in problems), problems
    assert any("HTTP 404" in p and p.endswith("figures/step_lr.svg") for p in problems), problems
    assert any(
        p.startswith("image did not load: ") and p.endswith("figures/step_lr.svg#only-light")
        for p in problems
    ), problems
    assert "raw math '\\\\(' in the text" in problems


def test_formulas_render_as_mathml(base_url, page):
    open_page(page, base_url, "schedulers/one-cycle-lr")
    assert page.locator("article math").count() >= 5
    box = page.locator("article math[display='block']").first.bounding_box()
    assert box is not None and box["height"] > 20  # laid out as math, not as a raw string


def test_search_offers_the_one_cycle_lr_page_first(base_url, page):
    open_page(page, base_url, "")
    page.keyboard.press("/")  # Material's search shortcut, as a keyboard user would
    page.keyboard.type("OneCycleLR")
    first = page.locator(".md-search-result__item a").first
    first.wait_for(timeout=10_000)
    assert urlsplit(first.get_attribute("href")).path == "/schedulers/one-cycle-lr/"


def visible_figures(page) -> list[str]:
    return page.eval_on_selector_all(
        "article img[src*='figures/']",
        "imgs => imgs.filter(i => i.offsetParent !== null).map(i => i.getAttribute('src'))",
    )


@pytest.mark.parametrize("path", ["schedulers/step-lr", "schedulers", "schedulers/cyclic-lr"])
def test_dark_mode_switches_every_figure_to_its_dark_variant(base_url, page, path, tmp_path):
    open_page(page, base_url, path)
    light = visible_figures(page)
    assert light and all(src.endswith(".svg#only-light") for src in light), light
    page.screenshot(path=tmp_path / "light.png", full_page=True)

    page.click("form[data-md-component='palette'] label:visible")
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    dark = visible_figures(page)
    assert dark == [src.replace(".svg#only-light", "-dark.svg#only-dark") for src in light]
    page.screenshot(path=tmp_path / "dark.png", full_page=True)
    assert page.problems == []


def test_home_and_scheduler_page_screenshots(base_url, page, tmp_path):
    for path, name in [("", "home"), ("schedulers/one-cycle-lr", "one-cycle-lr")]:
        open_page(page, base_url, path)
        page.screenshot(path=tmp_path / f"{name}-light.png", full_page=True)
        page.click("form[data-md-component='palette'] label:visible")
        page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
        page.screenshot(path=tmp_path / f"{name}-dark.png", full_page=True)
        # back to light for the next page: the choice is remembered in localStorage
        page.click("form[data-md-component='palette'] label:visible")
        page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
    shots = sorted(p.name for p in tmp_path.glob("*.png"))
    assert shots == [
        "home-dark.png",
        "home-light.png",
        "one-cycle-lr-dark.png",
        "one-cycle-lr-light.png",
    ]
    assert all((tmp_path / shot).stat().st_size > 10_000 for shot in shots)
