"""Find the reader-facing snippets and run them, keeping what each one recorded.

A snippet is a plain script in ``snippets/``. Running it must leave behind:

- ``lrs``: the learning rate used at every optimizer step, in order;
- ``scheduler``: the scheduler that produced them;
- ``epochs``: how many epochs the loop ran (the figure's step unit is derived from it).

Every snippet runs in this one process, so torch is imported once for all of them.
"""

from __future__ import annotations

import contextlib
import io
import numbers
import re
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNIPPETS_DIR = ROOT / "snippets"


class SnippetError(Exception):
    """A snippet failed or broke the contract; the message starts with ``path:line``."""

    def __init__(self, message: str, path: Path):
        super().__init__(message)
        self.path = Path(path)  # the snippet, for tests that must say which one failed


@dataclass
class SnippetRun:
    path: Path
    namespace: dict = field(repr=False)
    stdout: str = ""

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def lrs(self) -> list[float]:
        return self.namespace["lrs"]

    @property
    def scheduler(self):
        return self.namespace["scheduler"]

    @property
    def epochs(self) -> int:
        return self.namespace["epochs"]

    @property
    def steps_per_epoch(self) -> int:
        return len(self.lrs) // self.epochs


def discover(directory: Path = SNIPPETS_DIR) -> list[Path]:
    """Every snippet, by file name: adding a page needs no list to edit."""
    return sorted(p for p in directory.glob("*.py") if not p.name.startswith("_"))


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def run_snippet(path: Path) -> SnippetRun:
    """Execute one snippet as ``__main__`` and check what it left behind.

    Warnings are errors here, as in the test suite: a figure drawn from a run that
    warned (a deprecated argument, steps in the wrong order) would teach the warning.
    """
    path = Path(path)
    where = display_path(path)
    source = path.read_text(encoding="utf-8")
    code = compile(source, str(path), "exec")
    namespace = {"__name__": "__main__", "__file__": str(path)}
    stdout = io.StringIO()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(stdout):
            warnings.simplefilter("error")
            exec(code, namespace)
    except Exception as error:
        line = _line_in(path, error)
        raise SnippetError(
            f"{where}:{line}: {type(error).__name__}: {error}{_progress(namespace)}\n"
            f"{_snippet_traceback(path, error)}",
            path,
        ) from error
    run = SnippetRun(path, namespace, stdout.getvalue())
    _check_contract(run, where, source)
    return run


# Loop variables a training loop leaves behind, outermost first.
LOOP_VARIABLES = ("epoch", "step", "batch", "batch_index", "micro_batch", "iteration")


def _progress(namespace: dict) -> str:
    """How far the loop got when it raised: `` (at epoch 7, 7 optimizer steps recorded)``.

    Read from the loop's own variables: epochs count from 0 as ``range(epochs)`` does;
    the optimizer steps are the entries of ``lrs`` so far (one per step).
    """
    parts = [
        f"{name} {namespace[name]}"
        for name in LOOP_VARIABLES
        if type(namespace.get(name)) is int  # bool is an int too, and no loop counter
    ]
    lrs = namespace.get("lrs")
    if isinstance(lrs, list):
        parts.append(f"{len(lrs)} optimizer steps recorded in lrs")
    return f" (at {', '.join(parts)})" if parts else ""


def _line_in(path: Path, error: BaseException) -> int:
    """The deepest line of the snippet itself in the traceback (1 if none)."""
    lines = [
        frame.lineno
        for frame in traceback.extract_tb(error.__traceback__)
        if Path(frame.filename) == path
    ]
    return lines[-1] if lines else 1


def _snippet_traceback(path: Path, error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    # Drop the runner's own exec() frame: the reader's code starts at the snippet.
    while frames and Path(frames[0].filename) != path:
        frames.pop(0)
    return "".join(traceback.format_list(frames)).rstrip()


RECORDING_LINE = "lrs.append(scheduler.get_last_lr()[0])"


def where_lrs_are_recorded(source: str) -> int:
    """The line a missing ``lrs.append(...)`` belongs after: the first ``optimizer.step()``.

    1-based; the first line when the snippet steps no optimizer by that name.
    """
    for number, line in enumerate(source.splitlines(), start=1):
        code = line.split("#", 1)[0]
        if re.search(r"\boptimizer\.step\(\s*\)", code):
            return number
    return 1


def _check_contract(run: SnippetRun, where: str, source: str = "") -> None:
    namespace = run.namespace
    if not isinstance(namespace.get("lrs"), list) or not namespace["lrs"]:
        line = where_lrs_are_recorded(source)
        found = (
            "defines no 'lrs'"
            if "lrs" not in namespace
            else f"'lrs' must be a non-empty list, got {namespace['lrs']!r:.80}"
        )
        raise SnippetError(
            f"{where}:{line}: {found}: the learning rate used at every optimizer step. "
            f"Put `lrs = []` before the training loop and `{RECORDING_LINE}` on the line "
            f"after this optimizer.step()",
            run.path,
        )
    for name, meaning in [
        ("scheduler", "the learning-rate scheduler being demonstrated"),
        ("epochs", "the number of epochs the training loop ran"),
    ]:
        if name not in namespace:
            raise SnippetError(f"{where}:1: defines no '{name}' ({meaning})", run.path)
    lrs = namespace["lrs"]
    bad = [i for i, lr in enumerate(lrs) if not isinstance(lr, numbers.Real)]
    if bad:
        raise SnippetError(
            f"{where}:1: lrs[{bad[0]}] is {lrs[bad[0]]!r:.80}, not a number; "
            "append scheduler.get_last_lr()[0] or optimizer.param_groups[0]['lr']",
            run.path,
        )
    epochs = namespace["epochs"]
    if not isinstance(epochs, int) or epochs < 1 or len(lrs) % epochs:
        raise SnippetError(
            f"{where}:1: {len(lrs)} recorded learning rates do not split into "
            f"epochs = {epochs!r} equal epochs",
            run.path,
        )
