"""MkDocs hook: draw the LR figures before each build and publish them under figures/.

All the work is in ``runner`` (also run by ``python -m runner``, the tests and CI);
this file only connects it to MkDocs' build and live-reload events.
"""

import html
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # mkdocs loads hooks by path; make `runner` importable

from runner.figures import FIGURES_DIR, THEMES, draw_figures  # noqa: E402
from runner.markdown_fences import fences, missing_includes  # noqa: E402
from runner.snippets import SNIPPETS_DIR, SnippetError  # noqa: E402


def on_pre_build(config):
    try:
        draw_figures()
    except SnippetError as error:
        raise PluginError(f"figure runner: {error}") from error


def on_files(files, config):
    for figure in sorted(FIGURES_DIR.glob("*.svg")):
        files.append(File.generated(config, f"figures/{figure.name}", abs_src_path=str(figure)))
    return files


# ![alt](../figures/step_lr.svg): an LR figure drawn by the runner. The alt text may hold
# one level of brackets ("milestones=[15, 25]").
FIGURE = re.compile(
    r"!\[(?P<alt>(?:[^\[\]]|\[[^\[\]]*\])+)\]"
    r"\((?P<path>(?:\.\./)*figures/(?P<name>\w+))\.svg\)"
)


SVG_SIZE = re.compile(r'<svg [^>]*width="(?P<width>[\d.]+)pt" height="(?P<height>[\d.]+)pt"')
NARROW = "(max-width: 37.5em)"  # 600 px: phones, where the narrow variant is readable


def svg_size(svg: Path) -> tuple[int, int] | None:
    """The intrinsic size of a drawn figure in CSS pixels (matplotlib writes points)."""
    if not svg.is_file():
        return None
    match = SVG_SIZE.search(svg.read_text(encoding="utf-8")[:1000])
    return match and (round(float(match["width"]) * 4 / 3), round(float(match["height"]) * 4 / 3))


def both_themes(match: re.Match, page) -> str:
    """One image per colour scheme, each with its intrinsic size so nothing shifts as it loads;
    a figure with a narrow variant (<name>_narrow.svg) switches to it on phones."""
    images = []
    for theme in THEMES:
        fragment = "#only-dark" if theme.suffix else "#only-light"
        name = f"{match['name']}{theme.suffix}.svg"
        size = svg_size(FIGURES_DIR / name)
        narrow_name = f"{match['name']}_narrow{theme.suffix}.svg"
        narrow = svg_size(FIGURES_DIR / narrow_name)
        if size and narrow:
            # Raw HTML is not rewritten by MkDocs, so its addresses are made relative here.
            src, srcset = (get_relative_url(f"figures/{n}", page.url) for n in (name, narrow_name))
            images.append(
                f'<picture><source media="{NARROW}" srcset="{srcset}" width="{narrow[0]}" '
                f'height="{narrow[1]}"><img alt="{html.escape(match["alt"])}" '
                f'src="{src}{fragment}" width="{size[0]}" height="{size[1]}"></picture>'
            )
        else:
            attributes = f'{{ width="{size[0]}" height="{size[1]}" }}' if size else ""
            images.append(
                f"![{match['alt']}]({match['path']}{theme.suffix}.svg{fragment}){attributes}"
            )
    return "".join(images)


def on_page_markdown(markdown, page, config, files):
    # pymdownx.snippets reports a missing file without naming the page that wanted it.
    for include in missing_includes(markdown, ROOT):
        raise PluginError(
            f"docs/{page.file.src_uri}:{include.lineno}: includes '{include.path}', "
            "which does not exist"
        )
    # Pages name one figure; readers get the variant for their colour scheme
    # (Material hides #only-dark images in the light scheme and vice versa).
    # Code blocks are left alone: an example of the syntax must show it as written.
    in_code = set()
    for fence in fences(markdown):
        in_code.update(range(fence.lineno, fence.lineno + len(fence.body) + 2))
    lines = markdown.split("\n")
    for number, line in enumerate(lines, start=1):
        if number not in in_code:
            lines[number - 1] = FIGURE.sub(lambda match: both_themes(match, page), line)
    return "\n".join(lines)


def on_serve(server, config, builder):
    # Editing a snippet or the runner rebuilds the site, which redraws only stale figures.
    server.watch(str(SNIPPETS_DIR))
    server.watch(str(ROOT / "runner"))
    return server
