"""The reader checks run on every built page: clean loads, accessibility (axe-core), phone
widths and layout shift.

Used by tests/site/test_readers.py, and run as a script by the suite in the background, in
its own Chromium, as soon as the site is built, so that its minutes overlap the rest of
the tests:

    python tests/site/readers.py SITE_DIR RESULT.json [--only checks|shifts]

Each page is opened once and must load cleanly (no console error, failed request or broken
image, no raw TeX, a copy button on every code block); then axe-core (bundled in
axe-playwright-python, so it runs offline) checks it in the light and the dark scheme at a
desktop width, then again in both schemes at 390 px, where the phone checks run too: no
horizontal page scroll, no code line hidden without a scrollbar, every figure's text at
least MIN_FIGURE_TEXT_PX as rendered. Then each page is loaded again in a Chromium that
shows scrollbars, as desktop browsers do, and must not shift its layout at all (Lighthouse's
CLS 0). The two passes are independent; the suite runs them as two processes side by side
(``--only``), since the layout-shift pass is mostly waiting for late shifts.
"""

import argparse
import json
import time
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LIGHTHOUSE_DESKTOP = {"width": 1350, "height": 940}  # Lighthouse's desktop preset
MIN_FIGURE_TEXT_PX = 9.0
AXE = Axe()


# Colours depend on the scheme and not on the width. Code blocks hold most of a page's text
# nodes (one per token), and a token's colours are fixed by its classes, its ancestors'
# classes and the page's styles. So the colour rules check, in each scheme, code elements
# whose kind (tag and classes up to the article, inline styles, and the page's style sheets)
# no page has shown before, and everything outside code on every page. The other rules run
# on the whole page at both widths.
COLOUR_RULES = {"runOnly": ["color-contrast", "link-in-text-block"]}
NOT_COLOUR = {"rules": {rule: {"enabled": False} for rule in COLOUR_RULES["runOnly"]}}
CODE = [["article pre"], ["article .highlight-ipynb"]]
WHOLE_PAGE = {"include": [["html"]]}
OUTSIDE_CODE = {"include": [["html"]], "exclude": CODE}
NEW_CODE = {"include": [["[data-lr-axe]"]]}

# (width, scheme, rules, context): every page in both schemes at both widths.
AXE_RUNS = [
    ("desktop", "default", NOT_COLOUR, WHOLE_PAGE),
    ("desktop", "default", COLOUR_RULES, OUTSIDE_CODE),
    ("desktop", "default", COLOUR_RULES, NEW_CODE),
    ("desktop", "slate", COLOUR_RULES, OUTSIDE_CODE),
    ("desktop", "slate", COLOUR_RULES, NEW_CODE),
    ("phone", "slate", NOT_COLOUR, WHOLE_PAGE),
    ("phone", "slate", COLOUR_RULES, OUTSIDE_CODE),
    ("phone", "default", COLOUR_RULES, OUTSIDE_CODE),
]

# Marks (data-lr-axe) the visible code elements with text of a kind not in `seen`; returns
# their kinds. A kind hidden here (a closed tab) stays unseen until a page shows it.
MARK_NEW_CODE = """(seen) => {
  const known = new Set(seen), fresh = [];
  let styles = 0;
  const sheets = [...document.querySelectorAll("style, link[rel=stylesheet]")]
    .map(s => s.textContent + (s.getAttribute("href") || "")).join("");
  for (let i = 0; i < sheets.length; i++) styles = (styles * 31 + sheets.charCodeAt(i)) | 0;
  const kind = element => {
    const parts = [styles];
    for (let e = element; e && e.tagName !== "ARTICLE"; e = e.parentElement) {
      const classes = [...e.classList].sort().join(".");
      parts.push(`${e.tagName}.${classes}[${e.getAttribute("style") || ""}]`);
    }
    return parts.join(" < ");
  };
  for (const element of document.querySelectorAll(
      "article pre, article pre *, article .highlight-ipynb, article .highlight-ipynb *")) {
    element.removeAttribute("data-lr-axe");
    const hasText = [...element.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!hasText || !element.getClientRects().length) continue;
    const key = kind(element);
    if (known.has(key)) continue;
    known.add(key);
    fresh.push(key);
    element.setAttribute("data-lr-axe", "");
  }
  return fresh;
}"""


def axe_violations(page, rules: dict | None = None, context: dict = WHOLE_PAGE) -> list[str]:
    """One line per violated rule (all rules by default): its id, how many elements, and the
    first of them."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.axe_script)
    options = {"resultTypes": ["violations"], **(rules or {})}  # "violations": a small answer
    results = page.evaluate("([context, options]) => axe.run(context, options)", [context, options])
    return [
        f"{v['id']} ({len(v['nodes'])}): {v['nodes'][0]['target']} "
        f"{v['nodes'][0]['failureSummary'].splitlines()[-1].strip()}"
        for v in results["violations"]
    ]


# Material fades colours over 250 ms; axe must see the end state, not a blend of the two.
NO_TRANSITIONS = "*, ::before, ::after { transition: none !important; animation: none !important }"


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


# The layout shift Chromium reports (what Lighthouse's CLS adds up) from the page's start to
# `wait` ms after its load event, and the elements that moved first.
LAYOUT_SHIFT = """(wait) => new Promise(resolve => {
  let total = 0, moved = [];
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      total += entry.value;
      if (!moved.length) moved = entry.sources.map(source => !source.node ? "?" :
        source.node.id ? "#" + source.node.id : source.node.nodeName.toLowerCase() +
        [...(source.node.classList || [])].map(c => "." + c).join(""));
    }
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve([total, moved]), wait);
})"""


def layout_shift(page, url: str, wait_ms: int = 1500) -> tuple[float, list[str]]:
    page.goto(url, wait_until="load")
    return tuple(page.evaluate(LAYOUT_SHIFT, wait_ms))


def shifting_pages(browser, base_url: str, paths: list[str]) -> list[str]:
    """Pages whose layout moves after it is first drawn, in Lighthouse's desktop window and a
    browser that shows scrollbars (launch(scrollbars=True)), as a desktop reader's does."""
    context = browser.new_context(viewport=LIGHTHOUSE_DESKTOP)
    page = context.new_page()
    problems = []
    for path in paths:
        url = base_url + (f"{path}/" if path else "")
        # A shift caused by the page repeats; on a busy machine a script can also run after
        # the first paint by chance (Material wrapping a table, say) and shift it once. So a
        # page fails when it shifts on three loads in a row, and the message gives all three.
        shifts = []
        while len(shifts) < 3:
            shift, moved = layout_shift(page, url, wait_ms=500)
            if shift == 0:
                break
            shifts.append(f"{shift:.6f}, moved: {', '.join(moved)}")
        else:
            problems.append(f"/{path} desktop: layout shift on every load: " + "; ".join(shifts))
    context.close()
    return problems


def goto_settled(page, url: str):
    """Open a page and wait for Material's search worker, which starts after the load event:
    leaving the page before its script arrives aborts the request, a "failed request" that
    the next page would be blamed for."""
    with page.expect_response(lambda response: "/workers/search." in response.url):
        page.goto(url, wait_until="load")  # images included


def reader_problems(page, url: str) -> list[str]:
    """Everything a reader would notice is wrong with one page."""
    page.problems.clear()
    goto_settled(page, url)
    problems = list(page.problems)
    broken = page.eval_on_selector_all(
        "article img",
        "imgs => imgs.filter(i => !i.complete || i.naturalWidth === 0)"
        ".map(i => i.getAttribute('src'))",
    )
    problems += [f"image did not load: {src}" for src in broken]
    # Code may hold any character; prose and formulas must not show raw TeX.
    prose = page.eval_on_selector_all(
        "article :is(p, li, td, th, h1, h2, h3)",
        "els => els.filter(e => !e.closest('pre, code')).map(e => e.innerText)",
    )
    if not prose:
        problems.append("no text")
    problems += [
        f"raw math {raw!r} in the text"
        for raw in ("\\(", "\\[", "$$")
        if any(raw in chunk for chunk in prose)
    ]
    blocks = page.locator("article div.highlight pre").count()
    buttons = page.locator("article div.highlight button[data-md-type='copy']").count()
    if buttons != blocks:
        problems.append(f"{blocks} code blocks but {buttons} copy buttons")
    return problems


# Waits for the images the browser started to fetch (a narrow figure variant chosen at phone
# width, say); images it has not asked for (lazy ones out of view) have no currentSrc yet.
IMAGES_LOADED = """() => Promise.all([...document.images]
  .filter(image => image.currentSrc && !image.complete)
  .map(image => new Promise(done => { image.onload = image.onerror = done; })))"""


def check_pages(browser, base_url: str, paths: list[str]) -> list[str]:
    """On each page: reader_problems, every axe run of AXE_RUNS and the phone checks; one
    line per problem."""
    from browser import watch_problems

    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    page = watch_problems(context.new_page())
    problems, seen = [], {"default": [], "slate": []}  # code kinds checked, per scheme
    for path in paths:
        problems += [
            f"/{path}: {p}" for p in reader_problems(page, base_url + (f"{path}/" if path else ""))
        ]
        page.add_style_tag(content=NO_TRANSITIONS)
        if path == "explorer":
            page.wait_for_selector(".lr-explorer__curve--A")
        for width, scheme, rules, where in AXE_RUNS:
            page.set_viewport_size(DESKTOP if width == "desktop" else PHONE)
            set_scheme(page, scheme)
            if where is NEW_CODE:
                fresh = page.evaluate(MARK_NEW_CODE, seen[scheme])
                seen[scheme] += fresh
                if not fresh:
                    continue  # axe refuses an empty context
            found = axe_violations(page, rules, where)
            problems += [f"/{path} {width} {scheme}: {v}" for v in found]
        problems += [f"/{path} phone: {p}" for p in page.evaluate(PHONE_PROBLEMS)]
        problems += [f"/{path} phone: figure text {p}" for p in small_figure_text(page)]
        page.evaluate(IMAGES_LOADED)  # else leaving aborts them, a "failed request" next page
    context.close()
    return problems


PASSES = ("checks", "shifts")


def main(site: Path, result: Path, passes: tuple[str, ...] = PASSES) -> None:
    """Serve `site`, run `passes` on every page in a Chromium of their own (its profile in
    result's folder, one per pass), write {"pages", "problems", "seconds"} to `result`."""
    from browser import launch, serve, stop
    from built_site import page_urls
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    paths = page_urls(site)
    server, url = serve(site)
    problems = []
    try:
        with sync_playwright() as playwright:
            for name in passes:
                home = result.parent / f"chromium-home-{name}"
                browser = launch(playwright.chromium, home, scrollbars=name == "shifts")
                run = check_pages if name == "checks" else shifting_pages
                problems += run(browser, url, paths)
                browser.close()
    finally:
        stop(server)
    seconds = time.monotonic() - started
    result.write_text(json.dumps({"pages": paths, "problems": problems, "seconds": seconds}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="The reader checks on every built page.")
    parser.add_argument("site", type=Path, help="the built site's folder")
    parser.add_argument("result", type=Path, help="where to write the problems (JSON)")
    parser.add_argument("--only", choices=PASSES, help="run one pass (default: both)")
    arguments = parser.parse_args()
    main(arguments.site, arguments.result, (arguments.only,) if arguments.only else PASSES)
