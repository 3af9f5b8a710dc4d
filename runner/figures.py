"""Draw each snippet's recorded learning rates into ``<name>.svg``.

The curve is the snippet's own ``lrs``: the figure never re-implements a schedule.

A figure is redrawn only when its cache key changes: the snippet's bytes, the runner's
code, and the torch and matplotlib versions. Checking the keys reads files and package
metadata only, so an up-to-date build never imports torch or matplotlib.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

from runner.snippets import ROOT, SnippetRun, discover, run_snippet

FIGURES_DIR = ROOT / "generated" / "figures"
KEYS_FILE = "cache-keys.json"
RUNNER_DIR = Path(__file__).resolve().parent


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # e.g. a torch built from source
        module = __import__(name)
        return module.__version__


def cache_key(snippet: Path) -> str:
    digest = hashlib.sha256()
    digest.update(Path(snippet).read_bytes())
    for source in ("snippets.py", "figures.py"):  # the code that runs and draws
        digest.update((RUNNER_DIR / source).read_bytes())
    for package in ("torch", "matplotlib"):
        digest.update(f"{package}=={_package_version(package)}".encode())
    return digest.hexdigest()


def _read_keys(out_dir: Path) -> dict[str, str]:
    try:
        return json.loads((out_dir / KEYS_FILE).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def stale(snippets: list[Path], out_dir: Path) -> dict[Path, str]:
    """Snippets whose figure is missing or was drawn from other inputs, with their new key."""
    keys = _read_keys(out_dir)
    result = {}
    for snippet in snippets:
        key = cache_key(snippet)
        if keys.get(snippet.stem) != key or not (out_dir / f"{snippet.stem}.svg").exists():
            result[snippet] = key
    return result


def draw_figures(
    snippets: list[Path] | None = None,
    out_dir: Path = FIGURES_DIR,
    force: bool = False,
) -> list[Path]:
    """Run every stale snippet and draw its figure; return the figures (re)drawn."""
    snippets = discover() if snippets is None else [Path(s) for s in snippets]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    todo = {s: cache_key(s) for s in snippets} if force else stale(snippets, out_dir)
    _remove_orphans(snippets, out_dir)
    keys = _read_keys(out_dir)
    keys = {name: key for name, key in keys.items() if name in {s.stem for s in snippets}}
    drawn = []
    for snippet, key in todo.items():
        figure = out_dir / f"{snippet.stem}.svg"
        draw_lr_figure(run_snippet(snippet), figure)
        keys[snippet.stem] = key
        # Saved after every figure, so a later failing snippet keeps earlier work cached.
        (out_dir / KEYS_FILE).write_text(json.dumps(keys, indent=2, sort_keys=True) + "\n")
        drawn.append(figure)
    return drawn


def _remove_orphans(snippets: list[Path], out_dir: Path) -> None:
    """A figure whose snippet was deleted or renamed must not linger on the site."""
    names = {s.stem for s in snippets}
    for figure in out_dir.glob("*.svg"):
        if figure.stem not in names:
            figure.unlink()


def step_unit(run: SnippetRun) -> str:
    return "epoch" if run.steps_per_epoch == 1 else "batch"


def draw_lr_figure(run: SnippetRun, path: Path) -> None:
    # Imported here so that a cache hit never pays for matplotlib.
    import matplotlib
    from matplotlib.figure import Figure

    rc = {
        "svg.hashsalt": "lr-atlas",  # fixed ids: the same run gives the same bytes
        "svg.fonttype": "none",  # text stays text: smaller files, the page's font
        "font.size": 10,
    }
    with matplotlib.rc_context(rc):
        figure = Figure(figsize=(6.4, 3.2), layout="constrained")
        axes = figure.add_subplot()
        steps = range(len(run.lrs))
        per_epoch = step_unit(run) == "epoch"
        axes.plot(
            steps,
            run.lrs,
            drawstyle="steps-post" if per_epoch else "default",
            marker="o" if per_epoch and len(run.lrs) <= 40 else None,
            markersize=3,
            color="#3f51b5",
        )
        if per_epoch:
            axes.set_xlabel("epoch (one scheduler.step() per epoch)")
        else:
            axes.set_xlabel(
                f"batch (one scheduler.step() per batch; "
                f"{run.steps_per_epoch} batches per epoch, {run.epochs} epochs)"
            )
            if run.epochs <= 30:
                for epoch in range(1, run.epochs):
                    axes.axvline(epoch * run.steps_per_epoch, color="#bbbbbb", lw=0.6, zorder=0)
        axes.set_ylabel("learning rate")
        axes.set_title(type(run.scheduler).__name__, loc="left", fontweight="bold")
        axes.set_xlim(0, max(len(run.lrs) - 1, 1))
        axes.set_ylim(bottom=0)
        axes.grid(True, axis="y", color="#e0e0e0", lw=0.6)
        axes.spines[["top", "right"]].set_visible(False)
        figure.savefig(path, format="svg", metadata={"Date": None})
