"""Rewrite expected-output blocks from real runs, and show the diff to review.

python scripts/update_outputs.py [PAGE ...] [--check]      (make update-outputs [PAGE=...])

A page's number is program output: the ``text`` block after
``<!--pytest-codeblocks:expected-output-->`` holds what the ``python`` block just above it
prints, and pytest-codeblocks fails when they differ. After a deliberate change (a new
parameter, a new torch), this runs every such ``python`` block as pytest-codeblocks does
(its own namespace, warnings as errors), puts what it printed into the ``text`` block and
prints a unified diff of each page it changed. Read the diff before committing: it is
the page's claims that changed. Blocks the tests skip are left alone, and so, on a machine
with CUDA, are blocks marked ``without_cuda`` (they show torch without it).

Default pages: every page in docs/, README.md and CONTRIBUTING.md. ``--check`` writes
nothing and exits 1 when an output would change. A block that raises is left as it is and
reported as ``page:line: error``; the exit status is then 1.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import re
import sys
import textwrap
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

from _pytest.config import parse_warning_filter  # how pytest reads a filterwarnings marker

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: make `runner` importable

from runner.markdown_fences import fences  # noqa: E402

EXPECTED_OUTPUT = "pytest-codeblocks:expected-output"


@dataclass
class Update:
    page: Path
    old: str
    new: str
    errors: list[str]

    def diff(self) -> str:
        name = _display(self.page)
        return "".join(
            difflib.unified_diff(
                self.old.splitlines(keepends=True),
                self.new.splitlines(keepends=True),
                f"a/{name}",
                f"b/{name}",
            )
        )


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def default_pages() -> list[Path]:
    pages = sorted((ROOT / "docs").rglob("*.md"))
    return pages + [ROOT / "README.md", ROOT / "CONTRIBUTING.md"]


FILTER_MARK = re.compile(r"""pytest\.mark\.filterwarnings\((["'])(?P<spec>.*)\1\)""")


def run_block(code: str, markers: list[str] = ()) -> str:
    """What the block prints, run as pytest-codeblocks runs it: warnings are errors, as
    pyproject.toml's filterwarnings makes them in the tests, except those its
    ``pytest.mark.filterwarnings("action:message:Category")`` markers let through."""
    stdout = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(stdout):
        warnings.simplefilter("error")
        for marker in markers:
            spec = FILTER_MARK.fullmatch(marker.strip())
            if spec:  # parsed as pytest parses the marker, dotted categories included
                warnings.filterwarnings(*parse_warning_filter(spec["spec"], escape=False))
        exec(compile(code, "<block>", "exec"), {"__MODULE__": "__main__"})
    return stdout.getvalue()


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def updated(page: Path) -> Update:
    """The page with every expected-output block replaced by what its block prints now."""
    old = page.read_text(encoding="utf-8")
    lines = old.split("\n")
    found = fences(old)
    errors = []
    # From the end, so that a block that grows or shrinks moves nothing still to do.
    for before, output in reversed(list(zip(found, found[1:]))):
        if output.marker != EXPECTED_OUTPUT or before.info != "python":
            continue
        markers = getattr(before, "markers", None) or [before.marker or ""]
        if any(m.startswith(("pytest.mark.skip", "pytest-codeblocks:skip")) for m in markers):
            continue  # the tests do not run it either
        if any(m.startswith("pytest.mark.without_cuda") for m in markers) and _cuda():
            errors.append(
                f"{_display(page)}:{before.lineno}: shows torch without CUDA; "
                "update it on a machine without CUDA"
            )
            continue
        code = textwrap.dedent("\n".join(before.body)) + "\n"
        try:
            printed = run_block(code, markers)
        except Exception as error:
            frames = [
                f for f in traceback.extract_tb(error.__traceback__) if f.filename == "<block>"
            ]
            line = before.lineno + (frames[-1].lineno if frames else 1)
            errors.append(f"{_display(page)}:{line}: {type(error).__name__}: {error}")
            continue
        indent = _indent_of(lines[output.lineno - 1])
        body = printed[:-1] if printed.endswith("\n") else printed
        new_body = [indent + row if row else row for row in body.split("\n")] if body else []
        start = output.lineno  # 0-based index of the text fence's first body line
        lines[start : start + len(output.body)] = new_body
    return Update(page, old, "\n".join(lines), errors)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/update_outputs.py", description=__doc__)
    parser.add_argument("pages", nargs="*", type=Path, help="default: every page")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 on a change")
    args = parser.parse_args(argv)
    pages = args.pages or default_pages()
    missing = [str(page) for page in pages if not page.is_file()]
    if missing:
        print(f"error: no such page: {', '.join(missing)}", file=sys.stderr)
        return 2
    changed, failed = [], False
    for page in pages:
        update = updated(page)
        for error in update.errors:
            print(f"error: {error}", file=sys.stderr)
            failed = True
        if update.new != update.old:
            changed.append(_display(page))
            print(update.diff(), end="")
            if not args.check:
                page.write_text(update.new, encoding="utf-8")
    verb = "would change" if args.check else "rewrote"
    if changed:
        print(f"{verb} expected output in {len(changed)} page(s): {', '.join(changed)}")
        if not args.check:
            print("review the diff above: these are the numbers the pages now claim")
    else:
        print(f"every expected output in {len(pages)} page(s) is what its block prints")
    return 1 if failed or (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
