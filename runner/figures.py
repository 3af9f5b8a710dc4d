"""Turn each snippet's recorded learning rates into figures.

snippet --run--> Recording (``<name>.json``: the snippet's own ``lrs``) --draw--> ``<name>.svg``
all main recordings --draw--> ``overview.svg`` (small multiples, one panel per scheduler)
                         and ``overview_narrow.svg`` (the same in two columns, for phones)

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
from collections import Counter
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from runner.snippets import ROOT, discover, run_snippet

FIGURES_DIR = ROOT / "generated" / "figures"
KEYS_FILE = "cache-keys.json"
OVERVIEW = "overview"
OVERVIEW_NARROW = "overview_narrow"  # pages show it on screens narrower than 600 px
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
) -> list[Path]:
    """Run every stale snippet, draw its figure and the overview; return what was drawn."""
    snippets = discover() if snippets is None else [Path(s) for s in snippets]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = {s.stem for s in snippets}
    todo = {s: cache_key(s) for s in snippets} if force else stale(snippets, out_dir)
    _remove_orphans(names, out_dir)
    keys = {k: v for k, v in _read_keys(out_dir).items() if k in names | {OVERVIEW}}
    drawn = []
    for snippet, key in todo.items():
        run = run_snippet(snippet)
        recording = Recording(snippet.stem, type(run.scheduler).__name__, run.epochs, run.lrs)
        recording.save(out_dir / f"{snippet.stem}.json")
        for theme, svg in zip(THEMES, figure_paths(out_dir, snippet.stem)):
            draw_lr_figure(recording, svg, theme)
            drawn.append(svg)
        keys[snippet.stem] = key
        # Saved after every snippet, so a later failing one keeps earlier work cached.
        _write_atomically(out_dir / KEYS_FILE, json.dumps(keys, indent=2, sort_keys=True))
    drawn += _draw_overview_if_stale(out_dir, keys, force)
    return drawn


def _draw_overview_if_stale(out_dir: Path, keys: dict[str, str], force: bool) -> list[Path]:
    records = sorted(p for p in out_dir.glob("*.json") if p.name != KEYS_FILE)
    main = [p for p in records if Recording.load(p).is_main_example]
    figures = [*figure_paths(out_dir, OVERVIEW), *figure_paths(out_dir, OVERVIEW_NARROW)]
    if not main:
        for figure in figures:
            figure.unlink(missing_ok=True)
        return []
    key = overview_key(main)
    if not force and keys.get(OVERVIEW) == key and all(f.exists() for f in figures):
        return []
    recordings = [Recording.load(p) for p in main]
    for theme, wide, narrow in zip(THEMES, figures[:2], figures[2:]):
        draw_overview(recordings, wide, theme)
        draw_overview(recordings, narrow, theme, narrow=True)
    keys[OVERVIEW] = key
    _write_atomically(out_dir / KEYS_FILE, json.dumps(keys, indent=2, sort_keys=True))
    return figures


def _remove_orphans(names: set[str], out_dir: Path) -> None:
    """Outputs of a deleted or renamed snippet must not linger on the site."""
    overviews = [*figure_paths(out_dir, OVERVIEW), *figure_paths(out_dir, OVERVIEW_NARROW)]
    keep = {KEYS_FILE, *(p.name for p in overviews)}
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
    """Small multiples: every scheduler's own recorded curve, on the same kind of axes.

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
        for axes, recording in zip(grid.flat, sorted(recordings, key=lambda r: r.scheduler)):
            _plot_lrs(axes, recording, theme, markers=False)
            axes.set_title(recording.scheduler, loc="left", fontsize=title, fontweight="bold")
            axes.set_xlabel(f"{recording.step_unit}s", fontsize=label, labelpad=1)
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
