"""Every reader, every screen: accessibility (axe-core), layout shift, and phones.

Each built page is opened once; axe-core (bundled in axe-playwright-python, so it runs
offline) checks it in the light and the dark scheme at a desktop width, then again in both
schemes at 390 px, where the phone checks run too: no horizontal page scroll, no code line
hidden without a scrollbar, every figure's text at least MIN_FIGURE_TEXT_PX as rendered.
"""

import shutil
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import serve
from test_browser import page_urls

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
MIN_FIGURE_TEXT_PX = 9.0
MAX_LAYOUT_SHIFT = 0.01
AXE = Axe()


# Colours depend on the scheme and not on the width; code blocks hold most of a page's text
# nodes (one per token) and keep their colours at every width. So the full rule set runs once
# per width, the colour rules once more for the other scheme, and at 390 px the colour rules
# skip code blocks, whose colours the 1280 px runs checked in both schemes on the same page.
ALL_RULES = {}
COLOUR_RULES = {"runOnly": ["color-contrast", "link-in-text-block"]}
NOT_COLOUR = {"rules": {rule: {"enabled": False} for rule in COLOUR_RULES["runOnly"]}}
CODE = [["article pre"], ["article .highlight-ipynb"]]


def axe_violations(page, rules: dict = ALL_RULES, skip_code: bool = False) -> list[str]:
    """One line per violated rule: its id, how many elements, and the first of them."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.axe_script)
    options = {"resultTypes": ["violations"], **rules}  # "violations": a small answer
    context = {"include": [["html"]], "exclude": CODE} if skip_code else {"include": [["html"]]}
    results = page.evaluate("([context, options]) => axe.run(context, options)", [context, options])
    return [
        f"{v['id']} ({len(v['nodes'])}): {v['nodes'][0]['target']} "
        f"{v['nodes'][0]['failureSummary'].splitlines()[-1].strip()}"
        for v in results["violations"]
    ]


# (width, scheme, rules, skip code): every page in both schemes at both widths.
AXE_RUNS = [
    ("desktop", "default", ALL_RULES, False),
    ("desktop", "slate", COLOUR_RULES, False),
    ("phone", "slate", NOT_COLOUR, False),
    ("phone", "slate", COLOUR_RULES, True),
    ("phone", "default", COLOUR_RULES, True),
]


# Material fades colours over 250 ms; axe must see the end state, not a blend of the two.
NO_TRANSITIONS = "*, ::before, ::after { transition: none !important; animation: none !important }"


def open_for_checks(page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.add_style_tag(content=NO_TRANSITIONS)


def set_scheme(page, scheme: str) -> None:
    # What Material's palette toggle does; the page's CSS and figures follow the attribute.
    page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")


PHONE_PROBLEMS = """() => {
  const problems = [];
  const page = document.scrollingElement;
  if (page.scrollWidth > window.innerWidth) {
    problems.push(`page scrolls sideways: ${page.scrollWidth} px wide`);
  }
  const code = document.querySelectorAll(
    "article pre > code, article .highlight-ipynb pre, article .jp-OutputArea-output pre");
  for (const box of code) {
    if (box.offsetParent === null) continue;  // a hidden tab
    const hidden = box.scrollWidth - box.clientWidth;
    const scrollbar = box.offsetHeight - box.clientHeight
      - parseFloat(getComputedStyle(box).borderTopWidth)
      - parseFloat(getComputedStyle(box).borderBottomWidth);
    if (hidden > 1 && scrollbar <= 0) {
      problems.push(`code hides ${hidden} px without a scrollbar: ${box.textContent.slice(0, 40)}`);
    }
  }
  return problems;
}"""

# The smallest text of each figure as drawn: font size (SVG units) times the scale at which
# the image is shown (rendered width / the SVG's own width). Inline SVG charts are measured
# from their text elements' screen transform.
FIGURE_TEXT = """async () => {
  const sizes = [];
  const images = [...document.querySelectorAll("article img")].filter(
    i => i.offsetParent !== null && /(figures\\/|data:image\\/svg)/.test(i.currentSrc));
  for (const image of images) {
    const svg = await (await fetch(image.currentSrc)).text();
    const box = svg.match(/viewBox="[\\d.]+ [\\d.]+ ([\\d.]+)/);
    const fonts = [...svg.matchAll(/font-size[:=]\\s*"?([\\d.]+)/g)].map(m => +m[1]);
    if (!box || !fonts.length) continue;
    const src = image.currentSrc.startsWith("data:") ? "notebook figure" : image.currentSrc;
    sizes.push([src, Math.min(...fonts) * image.clientWidth / +box[1]]);
  }
  for (const text of document.querySelectorAll("article svg text")) {
    if (!text.getClientRects().length || !text.textContent.trim()) continue;
    const scale = text.getScreenCTM().a;
    sizes.push([`svg text "${text.textContent}"`,
                parseFloat(getComputedStyle(text).fontSize) * scale]);
  }
  return sizes;
}"""


def small_figure_text(page) -> list[str]:
    return [
        f"{what}: {px:.1f} px" for what, px in page.evaluate(FIGURE_TEXT) if px < MIN_FIGURE_TEXT_PX
    ]


def test_every_page_in_both_schemes_on_desktop_and_phone(site, base_url, browser):  # noqa: F811
    """axe finds nothing, and the phone checks pass, on every built page."""
    paths = page_urls(site)
    assert len(paths) >= 30
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    page = context.new_page()
    problems, started = [], time.monotonic()
    for path in paths:
        open_for_checks(page, base_url + (f"{path}/" if path else ""))
        if path == "explorer":
            page.wait_for_selector(".lr-explorer__curve--A")
        for width, scheme, rules, skip_code in AXE_RUNS:
            page.set_viewport_size(DESKTOP if width == "desktop" else PHONE)
            set_scheme(page, scheme)
            found = axe_violations(page, rules, skip_code)
            problems += [f"/{path} {width} {scheme}: {v}" for v in found]
        problems += [f"/{path} phone: {p}" for p in page.evaluate(PHONE_PROBLEMS)]
        problems += [f"/{path} phone: figure text {p}" for p in small_figure_text(page)]
    context.close()
    print(f"{len(paths)} pages x 2 schemes x 2 widths in {time.monotonic() - started:.0f} s")
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
        server.shutdown()
        server.server_close()
    assert {v.split(" ")[0] for v in violations} >= {"color-contrast", "image-alt"}, violations
    assert any(p.startswith("code hides ") for p in phone), phone
    assert any("figures/overview.svg: " in s for s in small), small


LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 1500);
})"""


def layout_shift(browser, url: str, viewport: dict) -> float:  # noqa: F811
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        return page.evaluate(LAYOUT_SHIFT)
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("query", ["", "?scheduler=OneCycleLR"])
def test_the_explorer_does_not_shift_the_page_as_it_starts(base_url, browser, viewport, query):  # noqa: F811
    assert layout_shift(browser, f"{base_url}explorer/{query}", viewport) <= MAX_LAYOUT_SHIFT


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
    try:
        assert layout_shift(browser, url + "explorer/", DESKTOP) > MAX_LAYOUT_SHIFT
    finally:
        server.shutdown()
        server.server_close()


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
