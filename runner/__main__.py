"""Command line: ``python -m runner [--force] [--out DIR] [SNIPPET ...]``."""

import argparse
import sys
import time
from pathlib import Path

from runner.figures import (
    FIGURES_DIR,
    NARROW_SUFFIX,
    OVERVIEWS,
    draw_figures,
    draw_overview_if_stale,
    stale,
)
from runner.snippets import SnippetError, discover, display_path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m runner", description=__doc__)
    parser.add_argument("snippets", nargs="*", type=Path, help="default: every snippet")
    parser.add_argument("--out", type=Path, default=FIGURES_DIR, help="figure folder")
    parser.add_argument("--force", action="store_true", help="ignore the cache")
    parser.add_argument(
        "--overview-only",
        action="store_true",
        help="redraw only the overview, if stale, without recording its key (mkdocs serve)",
    )
    args = parser.parse_args(argv)
    if args.overview_only:
        for figure in draw_overview_if_stale(args.out, record_key=False):
            print(f"drew {display_path(figure)}")
        return 0
    snippets = args.snippets or discover()
    start = time.perf_counter()
    todo = len(snippets) if args.force else len(stale(snippets, args.out))
    if todo:
        # The first snippet also pays for importing torch and matplotlib.
        print(f"running {todo} of {len(snippets)} snippets (the rest are up to date)", flush=True)
    done = 0

    def report(snippet: Path, seconds: float) -> None:
        nonlocal done
        done += 1
        print(f"[{done}/{todo}] {display_path(snippet)} {seconds:.2f} s", flush=True)

    try:
        drawn = draw_figures(snippets, args.out, force=args.force, on_run=report)
    except SnippetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    overviews = {name + width for name in OVERVIEWS for width in ("", NARROW_SUFFIX)}
    rerun = {figure.stem.removesuffix("-dark") for figure in drawn} - overviews
    print(
        f"{len(drawn)} figures drawn, {len(rerun)} snippets run, "
        f"{len(snippets) - len(rerun)} up to date, {seconds:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
