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
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNIPPETS_DIR = ROOT / "snippets"


class SnippetError(Exception):
    """A snippet failed or broke the contract; the message starts with ``path:line``."""


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
            f"{where}:{line}: {type(error).__name__}: {error}\n{_snippet_traceback(path, error)}"
        ) from error
    run = SnippetRun(path, namespace, stdout.getvalue())
    _check_contract(run, where)
    return run


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


def _check_contract(run: SnippetRun, where: str) -> None:
    namespace = run.namespace
    for name, meaning in [
        ("lrs", "a list of the learning rate used at every optimizer step"),
        ("scheduler", "the learning-rate scheduler being demonstrated"),
        ("epochs", "the number of epochs the training loop ran"),
    ]:
        if name not in namespace:
            raise SnippetError(f"{where}:1: defines no '{name}' ({meaning})")
    lrs = namespace["lrs"]
    if not isinstance(lrs, list) or not lrs:
        raise SnippetError(f"{where}:1: 'lrs' must be a non-empty list, got {lrs!r:.80}")
    bad = [i for i, lr in enumerate(lrs) if not isinstance(lr, numbers.Real)]
    if bad:
        raise SnippetError(
            f"{where}:1: lrs[{bad[0]}] is {lrs[bad[0]]!r:.80}, not a number; "
            "append scheduler.get_last_lr()[0] or optimizer.param_groups[0]['lr']"
        )
    epochs = namespace["epochs"]
    if not isinstance(epochs, int) or epochs < 1 or len(lrs) % epochs:
        raise SnippetError(
            f"{where}:1: {len(lrs)} recorded learning rates do not split into "
            f"epochs = {epochs!r} equal epochs"
        )
