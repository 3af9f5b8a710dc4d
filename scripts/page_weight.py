"""What a reader downloads for each built page: its HTML plus its own images.

Theme assets (CSS, JavaScript, fonts) are shared by every page and cached after the first,
so they are left out. Used by the page-weight test and by `make bench`.
"""

import re
from dataclasses import dataclass
from pathlib import Path

KB = 1024
# Budgets from the site issue: HTML + own images per page, and per LR figure.
PAGE_BUDGET = {"notebooks": 400 * KB}
DEFAULT_PAGE_BUDGET = 150 * KB
FIGURE_BUDGET = 40 * KB


@dataclass
class PageWeight:
    page: str  # "schedulers/step-lr/"
    html: int
    images: int

    @property
    def total(self) -> int:
        return self.html + self.images

    @property
    def budget(self) -> int:
        return PAGE_BUDGET.get(self.page.split("/", 1)[0], DEFAULT_PAGE_BUDGET)


def page_weights(site: Path) -> list[PageWeight]:
    weights = []
    for html_file in sorted(site.rglob("index.html")):
        html = html_file.read_text(encoding="utf-8")
        images = set()
        # data: images (notebook outputs) are part of the HTML and already counted
        for src in re.findall(r'<img[^>]*\ssrc="(?!data:)([^"#?]+)', html):
            image = (html_file.parent / src).resolve()
            if image.is_file() and image.is_relative_to(site.resolve()):
                images.add(image)  # both theme variants count: browsers fetch both
        page = str(html_file.parent.relative_to(site)).replace(".", "") + "/"
        weights.append(
            PageWeight(page.lstrip("/"), len(html.encode()), sum(i.stat().st_size for i in images))
        )
    return weights


def report(site: Path, heaviest: int = 5) -> str:
    weights = sorted(page_weights(site), key=lambda w: w.total, reverse=True)
    lines = [f"{'page':44} {'html':>8} {'images':>8} {'total':>8}  budget"]
    for w in weights[:heaviest]:
        lines.append(
            f"{w.page or '(home)':44} {w.html / KB:7.1f}K {w.images / KB:7.1f}K "
            f"{w.total / KB:7.1f}K  {w.total / w.budget:.0%} of {w.budget // KB} KB"
        )
    figures = sorted((site / "figures").glob("*.svg"), key=lambda p: p.stat().st_size)
    if figures:
        largest = figures[-1]
        size = largest.stat().st_size
        lines.append(
            f"largest figure: {largest.name} {size / KB:.1f}K, "
            f"{size / FIGURE_BUDGET:.0%} of {FIGURE_BUDGET // KB} KB"
        )
    return "\n".join(lines)
