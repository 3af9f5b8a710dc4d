"""Turn each snippet's recorded learning rates into figures.

snippet --run--> Recording (``<name>.json``: the snippet's own ``lrs``) --draw--> ``<name>.svg``
all main recordings --draw--> ``overview.svg`` (small multiples, one panel per scheduler)
all ``modern_*`` recordings --draw--> ``modern-overview.svg`` (one panel per modern schedule)
each overview is also drawn in two columns, ``<overview>_narrow.svg``, for phones

The curves are the snippets' own ``lrs``: no figure re-implements a schedule.

A snippet is rerun only when its cache key changes: the snippet's bytes, the runner's
code, and the torch and matplotlib versions. Checking the keys reads files and package
metadata only, so an up-to-date build never imports torch or matplotlib.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from runner.snippets import ROOT, discover, run_snippet

FIGURES_DIR = ROOT / "generated" / "figures"
KEYS_FILE = "cache-keys.json"
OVERVIEW = "overview"
# docs/modern/: the snippets named modern_<schedule>.py, drawn together on their own overview
MODERN_PREFIX = "modern_"
MODERN_OVERVIEW = "modern-overview"
# Each overview figure and the Recording property that picks its panels.
OVERVIEWS = {OVERVIEW: "is_main_example", MODERN_OVERVIEW: "is_modern_schedule"}
NARROW_SUFFIX = "_narrow"  # <overview>_narrow.svg: pages show it on screens under 600 px
OVERVIEW_NARROW = OVERVIEW + NARROW_SUFFIX
# Figures are shown at most as wide as the text: 358 CSS px on a 390 px phone. At that
# width every label must render at 9 px or more (tests/site/test_readers.py measures it):
# a 10-unit font in a figure 5.2 in (374 units) wide renders at 358 / 374 * 10 = 9.6 px.
FIGURE_SIZE = (5.2, 2.9)  # inches; 1 in = 72 SVG units
RUNNER_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Theme:
    suffix: str  # file name suffix: step_lr.svg, step_lr-dark.svg
    line: str
    text: str
    grid: str
    epoch: str


# Material's default (light) and slate (dark) schemes; backgrounds stay transparent.
THEMES = (
    Theme(suffix="", line="#3f51b5", text="#333333", grid="#e0e0e0", epoch="#bbbbbb"),
    Theme(suffix="-dark", line="#9fa8da", text="#d5d8e0", grid="#3b4050", epoch="#596070"),
)


@dataclass
class Recording:
    """What a snippet run leaves for the figures: enough to draw, nothing to recompute."""

    name: str
    scheduler: str  # the class name of the scheduler that ran
    epochs: int
    lrs: list[float]

    @property
    def steps_per_epoch(self) -> int:
        return len(self.lrs) // self.epochs

    @property
    def step_unit(self) -> str:
        return "epoch" if self.steps_per_epoch == 1 else "batch"

    @property
    def is_main_example(self) -> bool:
        """``step_lr.py`` running a StepLR is the StepLR example; variants are not."""
        return self.name == snake_case(self.scheduler)

    @property
    def is_modern_schedule(self) -> bool:
        """``modern_warmup_stable_decay.py`` is the WSD example of docs/modern/."""
        return self.name.startswith(MODERN_PREFIX)

    @property
    def panel_title(self) -> str:
        """An overview panel's title: the class for torch's schedulers, the schedule's name
        (``modern_linear_decay`` -> ``linear decay``) for the modern ones, all SequentialLR."""
        if self.is_modern_schedule:
            return self.name.removeprefix(MODERN_PREFIX).replace("_", " ")
        return self.scheduler

    @classmethod
    def load(cls, path: Path) -> Recording:
        return cls(**json.loads(path.read_text()))

    def save(self, path: Path) -> None:
        _write_atomically(path, json.dumps(asdict(self)) + "\n")


def snake_case(class_name: str) -> str:
    """StepLR -> step_lr, ReduceLROnPlateau -> reduce_lr_on_plateau."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", class_name).lower()


def _write_atomically(path: Path, text: str) -> None:
    # Builds and tests may run side by side; a reader must never see half a file.
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


@functools.cache  # metadata lookups scan site-packages; once per process is enough
def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # e.g. a torch built from source
        module = __import__(name)
        return module.__version__


def _runner_digest() -> hashlib.sha256:
    digest = hashlib.sha256()
    for source in ("snippets.py", "figures.py"):  # the code that runs and draws
        digest.update((RUNNER_DIR / source).read_bytes())
    digest.update(f"matplotlib=={_package_version('matplotlib')}".encode())
    return digest


def cache_key(snippet: Path) -> str:
    digest = _runner_digest()
    digest.update(f"torch=={_package_version('torch')}".encode())
    digest.update(Path(snippet).read_bytes())
    return digest.hexdigest()


def overview_key(recordings: list[Path]) -> str:
    digest = _runner_digest()
    for path in recordings:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _read_keys(out_dir: Path) -> dict[str, str]:
    try:
        return json.loads((out_dir / KEYS_FILE).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def figure_paths(out_dir: Path, name: str) -> list[Path]:
    """One figure per theme: ``<name>.svg`` for light pages, ``<name>-dark.svg`` for dark."""
    return [out_dir / f"{name}{theme.suffix}.svg" for theme in THEMES]


def _outputs(out_dir: Path, name: str) -> list[Path]:
    return [*figure_paths(out_dir, name), out_dir / f"{name}.json"]


def stale(snippets: list[Path], out_dir: Path) -> dict[Path, str]:
    """Snippets whose outputs are missing or came from other inputs, with their new key."""
    keys = _read_keys(out_dir)
    result = {}
    for snippet in snippets:
        key = cache_key(snippet)
        outputs_exist = all(p.exists() for p in _outputs(out_dir, snippet.stem))
        if keys.get(snippet.stem) != key or not outputs_exist:
            result[snippet] = key
    return result


def draw_figures(
    snippets: list[Path] | None = None,
    out_dir: Path = FIGURES_DIR,
    force: bool = False,
    on_run: Callable[[Path, float], None] | None = None,
    overview: bool = True,
) -> list[Path]:
    """Run every stale snippet of ``snippets``, draw its figure and the overview.

    Returns the figures drawn. ``snippets`` may be a few of a folder's snippets
    (``python -m runner snippets/step_lr.py``): only those are run, and the figures and
    cache keys of the folder's other snippets are kept. Outputs are removed only for names
    that no longer exist as a snippet in any of the given snippets' folders (a deleted or
    renamed snippet).

    ``on_run(snippet, seconds)`` is called after each snippet has run and been drawn, so
    a caller can show progress (the command line prints a line per snippet, the MkDocs
    hook logs one). ``overview=False`` leaves the overview to ``draw_overview_if_stale``
    (``mkdocs serve`` draws it after the rebuild, so that an edit is not held up by it).
    """
    snippets = discover() if snippets is None else [Path(s) for s in snippets]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = _existing_names(snippets)
    todo = {s: cache_key(s) for s in snippets} if force else stale(snippets, out_dir)
    _remove_orphans(names, out_dir)
    keys = {k: v for k, v in _read_keys(out_dir).items() if k in names | set(OVERVIEWS)}
    drawn = []
    for snippet, key in todo.items():
        start = time.perf_counter()
        run = run_snippet(snippet)
        recording = Recording(snippet.stem, type(run.scheduler).__name__, run.epochs, run.lrs)
        recording.save(out_dir / f"{snippet.stem}.json")
        for theme, svg in zip(THEMES, figure_paths(out_dir, snippet.stem)):
            draw_lr_figure(recording, svg, theme)
            drawn.append(svg)
        keys[snippet.stem] = key
        # Saved after every snippet, so a later failing one keeps earlier work cached.
        _write_atomically(out_dir / KEYS_FILE, json.dumps(keys, indent=2, sort_keys=True))
        if on_run is not None:
            on_run(snippet, time.perf_counter() - start)
    if overview:
        for name in OVERVIEWS:
            drawn += _draw_overview_if_stale(out_dir, keys, force, name)
    return drawn


def draw_overview_if_stale(out_dir: Path = FIGURES_DIR, record_key: bool = True) -> list[Path]:
    """Redraw each overview whose recordings changed since it was drawn.

    ``record_key=False`` leaves the cache keys file alone, for a caller that draws in another
    process and records the keys itself (``mkdocs serve``; see ``record_overview_key``).
    """
    keys = _read_keys(Path(out_dir))
    drawn = []
    for name in OVERVIEWS:
        drawn += _draw_overview_if_stale(Path(out_dir), keys, False, name, record_key)
    return drawn


def _overview_recordings(out_dir: Path, name: str) -> list[Path]:
    """The recordings that overview ``name`` draws (see ``OVERVIEWS``)."""
    records = sorted(p for p in out_dir.glob("*.json") if p.name != KEYS_FILE)
    return [p for p in records if getattr(Recording.load(p), OVERVIEWS[name])]


def stale_overview_keys(out_dir: Path = FIGURES_DIR) -> dict[str, str]:
    """``{overview name: new cache key}`` for each overview that must be redrawn (reads files
    only; an overview with no recordings is never stale)."""
    out_dir = Path(out_dir)
    keys = _read_keys(out_dir)
    stale_keys = {}
    for name in OVERVIEWS:
        chosen = _overview_recordings(out_dir, name)
        if not chosen:
            continue
        key = overview_key(chosen)
        if keys.get(name) != key or not all(f.exists() for f in overview_figures(out_dir, name)):
            stale_keys[name] = key
    return stale_keys


def record_overview_key(out_dir: Path, name: str, key: str) -> None:
    keys = _read_keys(Path(out_dir))
    keys[name] = key
    _write_atomically(Path(out_dir) / KEYS_FILE, json.dumps(keys, indent=2, sort_keys=True))


def _draw_overview_if_stale(
    out_dir: Path, keys: dict[str, str], force: bool, name: str, record_key: bool = True
) -> list[Path]:
    """Draw overview ``name`` from its recordings unless its cache key is current."""
    chosen = _overview_recordings(out_dir, name)
    figures = overview_figures(out_dir, name)
    if not chosen:
        for figure in figures:
            figure.unlink(missing_ok=True)
        return []
    key = overview_key(chosen)
    if not force and keys.get(name) == key and all(f.exists() for f in figures):
        return []
    recordings = [Recording.load(p) for p in chosen]
    for theme, wide, narrow in zip(THEMES, figures[:2], figures[2:]):
        draw_overview(recordings, wide, theme)
        draw_overview(recordings, narrow, theme, narrow=True)
    if record_key:
        keys[name] = key
        _write_atomically(out_dir / KEYS_FILE, json.dumps(keys, indent=2, sort_keys=True))
    return figures


def overview_figures(out_dir: Path, name: str) -> list[Path]:
    """Overview ``name``'s light and dark figures, then its narrow (phone) pair."""
    return [*figure_paths(out_dir, name), *figure_paths(out_dir, name + NARROW_SUFFIX)]


def _existing_names(snippets: list[Path]) -> set[str]:
    """The names whose outputs may stay: every snippet in the given snippets' folders."""
    folders = {snippet.parent for snippet in snippets}
    return {s.stem for s in snippets} | {s.stem for f in folders for s in discover(f)}


def _remove_orphans(names: set[str], out_dir: Path) -> None:
    """Outputs of a deleted or renamed snippet must not linger on the site."""
    keep = {KEYS_FILE}
    for overview in OVERVIEWS:
        keep.update(p.name for p in overview_figures(out_dir, overview))
    for name in names:
        keep.update(p.name for p in _outputs(out_dir, name))
    for output in [*out_dir.glob("*.svg"), *out_dir.glob("*.json")]:
        if output.name not in keep:
            output.unlink()


def _svg_style(theme: Theme):
    import matplotlib

    return matplotlib.rc_context(
        {
            "svg.hashsalt": "lr-atlas",  # fixed ids: the same run gives the same bytes
            "svg.fonttype": "none",  # text stays text: smaller files, the page's font
            "font.size": 10,
            # One family, not matplotlib's ten-name fallback list repeated in every <text>.
            "font.family": "sans-serif",
            "font.sans-serif": ["DejaVu Sans"],
            "text.color": theme.text,
            "axes.labelcolor": theme.text,
            "axes.edgecolor": theme.text,
            "xtick.color": theme.text,
            "ytick.color": theme.text,
            "grid.color": theme.grid,
            "lines.color": theme.line,
        }
    )


def _save(figure, path: Path) -> None:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, transparent=True)
    _write_atomically(path, compact_svg(buffer.getvalue()))


def compact_svg(svg: str) -> str:
    """Shrink matplotlib's SVG without changing the picture, to keep pages light.

    Coordinates are in points: a tenth of a point is below a screen pixel.
    """
    # Only inside attribute values (coordinates, path data): text such as tick labels stays.
    svg = re.sub(r'="[^"]*"', lambda value: re.sub(r"(\d\.\d)\d+", r"\1", value.group(0)), svg)
    svg = re.sub(r' transform="rotate\(-?0[ ,][^)]*\)"', "", svg)  # rotation by zero
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)  # RDF boilerplate
    svg = _shared_styles_as_classes(svg)
    return re.sub(r"\n\s+", "\n", svg)  # indentation


def _shared_styles_as_classes(svg: str) -> str:
    """Every tick label repeats the same long style attribute; say it once, in CSS."""
    counts = Counter(re.findall(r' style="([^"]*)"', svg))
    shared = [style for style, count in counts.most_common() if count > 1]
    if not shared:
        return svg
    names = {style: f"s{index}" for index, style in enumerate(shared)}
    svg = re.sub(
        r' style="([^"]*)"',
        lambda m: f' class="{names[m[1]]}"' if m[1] in names else m.group(0),
        svg,
    )
    rules = "".join(f".{name}{{{style}}}" for style, name in names.items())
    return svg.replace("</style>", rules + "</style>", 1)


def draw_lr_figure(recording: Recording, path: Path, theme: Theme = THEMES[0]) -> None:
    # Imported here so that a cache hit never pays for matplotlib.
    from matplotlib.figure import Figure

    with _svg_style(theme):
        figure = Figure(figsize=FIGURE_SIZE, layout="constrained")
        axes = figure.add_subplot()
        _plot_lrs(axes, recording, theme)
        per_epoch = recording.step_unit == "epoch"
        if per_epoch:
            axes.set_xlabel("epoch (one scheduler.step() per epoch)")
        else:
            axes.set_xlabel(  # two lines: one is wider than the figure
                f"batch (one scheduler.step() per batch;\n"
                f"{recording.steps_per_epoch} batches per epoch, {recording.epochs} epochs)"
            )
            if recording.epochs <= 30:
                for epoch in range(1, recording.epochs):
                    boundary = epoch * recording.steps_per_epoch
                    axes.axvline(boundary, color=theme.epoch, lw=0.6, zorder=0)
        axes.set_ylabel("learning rate")
        axes.set_title(recording.scheduler, loc="left", fontweight="bold")
        axes.grid(True, axis="y", lw=0.6)
        _save(figure, path)


def draw_overview(
    recordings: list[Recording], path: Path, theme: Theme = THEMES[0], narrow: bool = False
) -> None:
    """Small multiples: every schedule's own recorded curve, on the same kind of axes.

    The wide layout has four columns (9.6 in); the narrow one, for phones, two columns in
    4.2 in (302 units), where its 8-unit labels render at 358 / 302 * 8 = 9.5 px.
    """
    from matplotlib.figure import Figure

    columns, width, panel_height = (2, 4.2, 1.6) if narrow else (4, 9.6, 1.9)
    title, label, ticks = (8.5, 8, 8) if narrow else (7.5, 8, 7)
    rows = -(-len(recordings) // columns)
    with _svg_style(theme):
        figure = Figure(figsize=(width, panel_height * rows), layout="constrained")
        grid = figure.subplots(rows, columns, squeeze=False)
        for axes, recording in zip(grid.flat, sorted(recordings, key=lambda r: r.panel_title)):
            _plot_lrs(axes, recording, theme, markers=False)
            axes.set_title(recording.panel_title, loc="left", fontsize=title, fontweight="bold")
            unit = "epochs" if recording.step_unit == "epoch" else "batches"
            axes.set_xlabel(unit, fontsize=label, labelpad=1)
            # Labels without tick marks: at this size the marks add bytes, not information.
            axes.tick_params(labelsize=ticks, bottom=False, left=False)
            axes.locator_params(nbins=3)
        for axes in grid.flat[len(recordings) :]:
            axes.set_visible(False)
        _save(figure, path)


def _plot_lrs(axes, recording: Recording, theme: Theme, markers: bool = True) -> None:
    per_epoch = recording.step_unit == "epoch"
    axes.plot(
        range(len(recording.lrs)),
        recording.lrs,
        drawstyle="steps-post" if per_epoch else "default",
        marker="o" if markers and per_epoch and len(recording.lrs) <= 40 else None,
        markersize=3,
        color=theme.line,
    )
    axes.set_xlim(0, max(len(recording.lrs) - 1, 1))
    axes.set_ylim(bottom=0)
    axes.spines[["top", "right"]].set_visible(False)
