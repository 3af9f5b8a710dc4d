"""MkDocs hook: draw the LR figures before each build and publish them under figures/.

All the work is in ``runner`` (also run by ``python -m runner``, the tests and CI);
this file only connects it to MkDocs' build and live-reload events.

Under ``mkdocs serve`` this module lives as long as the server: torch is imported by the
first snippet run and stays imported, so a rebuild after a snippet edit only reruns that
snippet. An edit to ``runner/`` reloads the runner's modules before the next rebuild, so
figures are never drawn by the old code under the new code's cache key.
"""

import html
import importlib
import io
import logging
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # mkdocs loads hooks by path; make `runner` importable

# Used as module attributes (figures.draw_figures), so that a reload takes effect here.
from runner import figures, markdown_fences, snippets  # noqa: E402
from runner.snippets import display_path  # noqa: E402

log = logging.getLogger("mkdocs.hooks.figures")  # under "mkdocs": shown by build and serve

RUNNER_DIR = ROOT / "runner"
RELOAD_ORDER = (snippets, markdown_fences, figures)  # dependencies first


def _runner_sources() -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(RUNNER_DIR.glob("*.py"))}


_loaded_runner = _runner_sources()


def _reload_runner_if_edited() -> None:
    global _loaded_runner
    current = _runner_sources()
    if current != _loaded_runner:
        for module in RELOAD_ORDER:
            importlib.reload(module)
        _loaded_runner = current
        log.info("runner/ changed: reloaded the figure runner")


def _log_redraw(snippet: Path, seconds: float) -> None:
    log.info(f"redrew {display_path(snippet)} in {seconds:.2f} s")


# Drawing uses matplotlib's global rcParams and snippets seed torch's global generator:
# one drawing at a time, in the build and in the background overview thread alike.
_drawing = threading.Lock()
_serving = False


def on_startup(command, dirty):
    global _serving
    _serving = command == "serve"


def on_pre_build(config):
    _reload_runner_if_edited()
    try:
        with _drawing:
            # Under serve the overview (16 panels, 2 to 6 s) is drawn after the rebuild.
            figures.draw_figures(on_run=_log_redraw, overview=not _serving)
    except snippets.SnippetError as error:
        raise PluginError(f"figure runner: {error}") from error


def on_post_build(config):
    if _serving:
        site_figures = Path(config.site_dir) / "figures"
        threading.Thread(target=_redraw_overview, args=(site_figures,), daemon=True).start()


def _redraw_overview(site_figures: Path) -> None:
    stale_keys = figures.stale_overview_keys()
    if not stale_keys:
        return
    start = time.perf_counter()
    # In another process: drawing 16 panels holds this interpreter for seconds, and the
    # next edit's rebuild must not wait for it. The keys are those of the recordings read
    # before drawing, so a recording that changes meanwhile makes its overview stale again.
    result = subprocess.run(
        [sys.executable, "-m", "runner", "--overview-only"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode:  # info, not error: a strict build running now would count it
        log.info(f"overview not redrawn: {result.stderr.strip().splitlines()[-1:]}")
        return
    with _drawing:
        for name, key in stale_keys.items():
            figures.record_overview_key(figures.FIGURES_DIR, name, key)
            for figure in figures.overview_figures(figures.FIGURES_DIR, name):
                if site_figures.is_dir():  # published at once; the next rebuild copies it too
                    (site_figures / figure.name).write_bytes(figure.read_bytes())
    log.info(f"redrew the overview figure in {time.perf_counter() - start:.2f} s")


def on_files(files, config):
    for figure in sorted(figures.FIGURES_DIR.glob("*.svg")):
        files.append(File.generated(config, f"figures/{figure.name}", abs_src_path=str(figure)))
    _mark_pages_whose_includes_changed(files)
    return files


def _mark_pages_whose_includes_changed(files) -> None:
    """A page that includes an edited snippet has changed, though its own file has not.

    ``make serve`` runs ``mkdocs serve --dirty``, which rebuilds only the pages whose file is
    newer than their HTML (a full rebuild re-renders every page and notebook: 5 to 30 s).
    Without this, an edited snippet would redraw its figure but leave its code on the page
    stale. A full build never asks ``is_modified``, so this only matters under --dirty.
    """
    for file in files.documentation_pages():
        built = Path(file.abs_dest_path)
        if not file.src_uri.endswith(".md") or not built.exists():
            continue  # never built: MkDocs builds it anyway
        built_at = built.stat().st_mtime
        text = Path(file.abs_src_path).read_text(encoding="utf-8")
        included = [ROOT / include.path for include in markdown_fences.includes(text)]
        if any(path.is_file() and path.stat().st_mtime > built_at for path in included):
            file.is_modified = lambda: True


# ![alt](../figures/step_lr.svg): an LR figure drawn by the runner. The alt text may hold
# one level of brackets ("milestones=[15, 25]").
FIGURE = re.compile(
    r"!\[(?P<alt>(?:[^\[\]]|\[[^\[\]]*\])+)\]"
    r"\((?P<path>(?:\.\./)*figures/(?P<name>[\w-]+))\.svg\)"
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
    for theme in figures.THEMES:
        fragment = "#only-dark" if theme.suffix else "#only-light"
        name = f"{match['name']}{theme.suffix}.svg"
        size = svg_size(figures.FIGURES_DIR / name)
        narrow_name = f"{match['name']}_narrow{theme.suffix}.svg"
        narrow = svg_size(figures.FIGURES_DIR / narrow_name)
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
    for include in markdown_fences.missing_includes(markdown, ROOT):
        raise PluginError(
            f"docs/{page.file.src_uri}:{include.lineno}: includes '{include.path}', "
            "which does not exist"
        )
    # Pages name one figure; readers get the variant for their colour scheme
    # (Material hides #only-dark images in the light scheme and vice versa).
    # Code blocks are left alone: an example of the syntax must show it as written.
    in_code = set()
    for fence in markdown_fences.fences(markdown):
        in_code.update(range(fence.lineno, fence.lineno + len(fence.body) + 2))
    lines = markdown.split("\n")
    for number, line in enumerate(lines, start=1):
        if number not in in_code:
            lines[number - 1] = FIGURE.sub(lambda match: both_themes(match, page), line)
    return "\n".join(lines)


def on_serve(server, config, builder):
    # Editing a snippet or the runner rebuilds the site, which redraws only stale figures.
    server.watch(str(snippets.SNIPPETS_DIR))
    server.watch(str(RUNNER_DIR))
    # The first build found every figure cached and imported no torch; import it now, while
    # the contributor reads, so that the first edit does not wait for it (5 to 10 s).
    threading.Thread(target=_import_torch_and_matplotlib, daemon=True).start()
    return server


def _import_torch_and_matplotlib() -> None:
    start = time.perf_counter()
    with _drawing:
        torch = importlib.import_module("torch")
        # A first optimizer and scheduler step loads what torch imports lazily (seconds).
        model = torch.nn.Linear(2, 1)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1)
        model(torch.zeros(1, 2)).sum().backward()
        optimizer.step()
        scheduler.step()
        # The first drawing loads fonts: do it now, into memory.
        figure = importlib.import_module("matplotlib.figure").Figure()
        figure.add_subplot().set_title("warm-up")
        figure.savefig(io.StringIO(), format="svg")
    log.info(
        f"ready to redraw: torch and matplotlib imported in {time.perf_counter() - start:.1f} s"
    )
