"""Every reader, every screen: accessibility (axe-core), layout shift, and phones.

The checks on every page are in readers.py (see its docstring); the suite runs them in the
background and the first test here reports them. The others prove that the checks catch
what they look for, and measure the explorer's layout shift.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browser import launch, serve, stop
from built_site import page_urls
from readers import (
    DESKTOP,
    PHONE,
    PHONE_PROBLEMS,
    axe_violations,
    check_pages,
    layout_shift,
    shifting_pages,
    small_figure_text,
)

MAX_LAYOUT_SHIFT = 0.01


def test_every_page_loads_cleanly_passes_axe_and_the_phone_checks_and_does_not_shift(
    site, reader_sweep
):
    """Every built page loads cleanly, axe finds nothing in both schemes at both widths, the
    phone checks pass, and no page shifts on three loads in a row (readers.py, run in the
    background since the build finished)."""
    assert reader_sweep["pages"] == page_urls(site)
    assert len(reader_sweep["pages"]) >= 30
    problems, seconds = reader_sweep["problems"], reader_sweep["seconds"]
    print(f"{len(reader_sweep['pages'])} pages x 2 schemes x 2 widths in {seconds:.0f} s")
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)


def test_axe_and_the_phone_checks_catch_planted_problems(site, browser, tmp_path):  # noqa: F811
    broken = tmp_path / "site"
    shutil.copytree(site, broken)
    step_lr = broken / "schedulers" / "step-lr" / "index.html"
    planted = (
        '<p style="color:#999;background:#fff">faint text</p><img src="../../figures/step_lr.svg">'
        '<pre><code style="white-space:pre;overflow:hidden">' + "x" * 300 + "</code></pre>"
        '<img src="../../figures/overview.svg" style="width:300px">'
    )
    step_lr.write_text(step_lr.read_text().replace("<h1", planted + "<h1", 1))
    server, url = serve(broken)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(url + "schedulers/step-lr/", wait_until="load")
        violations = axe_violations(page)
        phone = page.evaluate(PHONE_PROBLEMS)
        small = small_figure_text(page)
    finally:
        context.close()
        stop(server)
    assert {v.split(" ")[0] for v in violations} >= {"color-contrast", "image-alt"}, violations
    assert any(p.startswith("code hides ") for p in phone), phone
    assert any("figures/overview.svg: " in s for s in small), small


def test_code_colours_are_checked_again_where_a_page_styles_them_differently(
    site,
    browser,  # noqa: F811
    tmp_path,
):
    # Code kinds already checked are skipped, but a page's own style sheet makes every kind
    # on it new: faint comments planted on the second page are found.
    broken = tmp_path / "site"
    shutil.copytree(site, broken)
    second = broken / "schedulers" / "one-cycle-lr" / "index.html"
    faint = "<style>.md-typeset .highlight .c1 { color: #e4e4e4 }</style>"
    second.write_text(second.read_text().replace("</head>", faint + "</head>", 1))
    server, url = serve(broken)
    try:
        problems = check_pages(browser, url, ["schedulers/step-lr", "schedulers/one-cycle-lr"])
    finally:
        stop(server)
    assert [p.split(" (")[0] for p in problems] == [
        "/schedulers/one-cycle-lr desktop default: color-contrast"
    ], problems


def explorer_shift(browser, url: str, viewport: dict) -> float:  # noqa: F811
    context = browser.new_context(viewport=viewport)
    try:
        return layout_shift(context.new_page(), url)[0]
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("query", ["", "?scheduler=OneCycleLR"])
def test_the_explorer_does_not_shift_the_page_as_it_starts(base_url, browser, viewport, query):  # noqa: F811
    assert explorer_shift(browser, f"{base_url}explorer/{query}", viewport) <= MAX_LAYOUT_SHIFT


def test_layout_shift_measure_catches_a_late_block(site, browser, tmp_path):  # noqa: F811
    broken = tmp_path / "site"
    shutil.copytree(site, broken)
    explorer = broken / "explorer" / "index.html"
    late = (
        "<script>setTimeout(() => document.querySelector('article h1')"
        ".insertAdjacentHTML('afterend', '<div style=\"height:400px\"></div>'), 300)</script>"
    )
    explorer.write_text(explorer.read_text().replace("</body>", late + "</body>"))
    server, url = serve(broken)
    with_scrollbars = launch(browser.browser_type, tmp_path / "home", scrollbars=True)
    try:
        assert explorer_shift(browser, url + "explorer/", DESKTOP) > MAX_LAYOUT_SHIFT
        # The sweep's pass: a shift on three loads in a row fails the page, with all three.
        found = shifting_pages(with_scrollbars, url, ["explorer", "schedulers/step-lr"])
    finally:
        with_scrollbars.close()
        stop(server)
    assert len(found) == 1
    assert found[0].startswith("/explorer desktop: layout shift on every load: ")
    assert found[0].count("moved: ") == 3


def test_the_sidebar_scrollbar_gutter_is_reserved(site):
    # Material lets the sidebar's thin scrollbar come and go on WebKit as the page starts,
    # which moved the navigation's arrows (a layout shift on every page, seen by Lighthouse).
    # readers.css reserves its gutter; without the rule the shift depends on timing (a busy
    # machine hides it), so this pins the rule, and the sweep's shift pass checks its effect
    # on every page in a browser that shows scrollbars.
    css = (site / "stylesheets" / "readers.css").read_text()
    assert ".md-sidebar__scrollwrap {\n  scrollbar-gutter: stable;\n}" in css


def test_copy_button_copies_the_unwrapped_code_on_a_phone(base_url, browser):  # noqa: F811
    context = browser.new_context(viewport=PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(base_url + "schedulers/one-cycle-lr/", wait_until="load")
        block = page.locator("article div.highlight").first
        code = block.locator("pre > code")
        source = code.evaluate("c => c.textContent")
        lines = source.rstrip("\n").count("\n") + 1
        line_height = float(code.evaluate("c => parseFloat(getComputedStyle(c).lineHeight)"))
        shown_lines = round(code.evaluate("c => c.getBoundingClientRect().height") / line_height)
        assert shown_lines > lines, "no line wraps at 390 px: the test proves nothing"
        block.hover()
        block.locator("button[data-md-type='copy']").click()
        copied = page.evaluate("navigator.clipboard.readText()")
    finally:
        context.close()
    assert copied.rstrip("\n") == source.rstrip("\n")


def test_explorer_script_loads_on_the_explorer_page_only_and_minified(site):
    explorer = (site / "explorer" / "index.html").read_text()
    assert explorer.count('src="../javascripts/explorer.js"') == 1
    others = [p for p in site.rglob("*.html") if "javascripts/explorer.js" in p.read_text()]
    assert [p.relative_to(site).as_posix() for p in others] == ["explorer/index.html"]
    served = (site / "javascripts" / "explorer.js").read_text()
    assert "/*" not in served and "\n  " not in served  # no comments, no indentation


def test_readers_script_names_the_passes_when_given_an_unknown_one(tmp_path):
    readers = Path(__file__).with_name("readers.py")
    command = [sys.executable, readers, tmp_path, tmp_path / "out.json", "--only", "axe"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    choices = "(choose from 'checks', 'shifts')"
    assert result.stderr.endswith(f"error: argument --only: invalid choice: 'axe' {choices}\n")
    assert not (tmp_path / "out.json").exists()
