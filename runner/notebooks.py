"""Run a jupytext percent-format notebook (``docs/notebooks/*.py``) cell by cell.

Plain Python, no Jupyter: the GPU runner has torch, matplotlib and pytest only. The site
build executes the same notebooks through mkdocs-jupyter; this runner is what the tests use
to check a notebook's results and to name the cell that failed.
"""

from __future__ import annotations

import contextlib
import io
import re
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from runner.snippets import ROOT, display_path

NOTEBOOKS_DIR = ROOT / "docs" / "notebooks"
CELL_MARKER = re.compile(r"^# %%(?P<rest>.*)$")


class NotebookError(Exception):
    """A cell failed; the message starts with ``notebook: cell N (line L)``."""


@dataclass
class Cell:
    number: int  # 1-based, counting markdown cells too, as Jupyter shows them
    line: int  # 1-based line of the cell's first source line in the .py file
    kind: str  # "code" or "markdown"
    source: str


@dataclass
class CellResult:
    cell: Cell
    stdout: str
    figures: int  # matplotlib figures the cell left open (Jupyter would display them)


@dataclass
class NotebookRun:
    path: Path
    namespace: dict = field(repr=False)
    cells: list[CellResult] = field(default_factory=list)

    @property
    def stdout(self) -> str:
        return "".join(result.stdout for result in self.cells)

    @property
    def figures(self) -> int:
        return sum(result.figures for result in self.cells)


def discover(directory: Path = NOTEBOOKS_DIR) -> list[Path]:
    return sorted(directory.glob("*.py"))


def read_cells(path: Path) -> list[Cell]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    cells: list[Cell] = []
    start, kind, body = None, None, []

    def close():
        if start is not None:
            cells.append(Cell(len(cells) + 1, start, kind, "\n".join(body).strip("\n")))

    for number, line in enumerate(lines, start=1):
        marker = CELL_MARKER.match(line)
        if marker:
            close()
            start, body = number + 1, []
            kind = "markdown" if "[markdown]" in marker["rest"] else "code"
        elif start is not None:
            body.append(line)
    close()
    return cells


def run_notebook(path: Path) -> NotebookRun:
    """Execute every code cell in one namespace, as a kernel would, top to bottom."""
    import matplotlib

    matplotlib.use("Agg")  # figures are counted and closed, never shown
    import matplotlib.pyplot as plt

    path = Path(path)
    run = NotebookRun(path, {"__name__": "__main__", "__file__": str(path)})
    for cell in read_cells(path):
        if cell.kind != "code":
            continue
        # Padding keeps the .py file's line numbers in tracebacks.
        code = compile("\n" * (cell.line - 1) + cell.source, str(path), "exec")
        stdout = io.StringIO()
        try:
            with warnings.catch_warnings(), contextlib.redirect_stdout(stdout):
                warnings.simplefilter("error")
                exec(code, run.namespace)
        except Exception as error:
            raise NotebookError(_failure(path, cell, error)) from error
        run.cells.append(CellResult(cell, stdout.getvalue(), len(plt.get_fignums())))
        plt.close("all")
    return run


def _failure(path: Path, cell: Cell, error: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename) == path]
    line = frames[-1].lineno if frames else cell.line
    return (
        f"{display_path(path)}: cell {cell.number} (line {line}): {type(error).__name__}: {error}"
    )
