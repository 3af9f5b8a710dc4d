"""Compare two figure folders drawn by ``python -m runner``: the CPU run against the CUDA run.

``python -m runner.compare CPU_DIR CUDA_DIR`` exits 1 and names every difference.

What must agree, and why:

- A schedule that does not read computed values (every scheduler but ``ReduceLROnPlateau``)
  is plain arithmetic on Python floats: its recorded ``lrs`` must be equal, value for value.
- ``ReduceLROnPlateau`` reads the validation loss. CUDA kernels may sum in another order than
  the CPU ones, so the losses can differ in their last bits, and a loss that sits on the
  ``threshold`` could then move a cut by an epoch. What must agree is the epochs at which the
  LR is cut; with the same cuts, the values are the same products of ``factor`` and must be
  equal too.
- A figure is drawn from its recording alone, so equal recordings must give byte-identical
  SVGs; a figure that differs while its recording does not means the drawing is not
  deterministic.

A difference that is understood is listed in ``EXPECTED_DIFFERENCES`` with its reason; it is
reported, and does not fail the comparison.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from runner.figures import KEYS_FILE, Recording

# Schedulers whose LR depends on a metric computed by the training loop.
METRIC_DRIVEN = frozenset({"ReduceLROnPlateau"})

# snippet name -> why its CPU and CUDA results differ. Empty: none is known to differ.
EXPECTED_DIFFERENCES: dict[str, str] = {}


@dataclass
class Comparison:
    """What two figure folders agree on, and every difference, one line each."""

    exact: list[str] = field(default_factory=list)  # snippets whose lrs are equal
    same_cuts: list[str] = field(default_factory=list)  # metric-driven, same cut epochs
    identical_figures: int = 0
    differences: list[str] = field(default_factory=list)
    explained: list[str] = field(default_factory=list)  # differences in EXPECTED_DIFFERENCES

    @property
    def ok(self) -> bool:
        return not self.differences


def cut_steps(lrs: list[float]) -> list[int]:
    """The steps (epochs, for a per-epoch recording) whose LR is lower than the step before."""
    return [step for step in range(1, len(lrs)) if lrs[step] < lrs[step - 1]]


def lrs_differences(
    name: str, scheduler: str, reference: list[float], other: list[float], labels=("CPU", "CUDA")
) -> list[str]:
    """Why the ``other`` run's LRs disagree with the ``reference`` run's; [] when they agree.

    ``scheduler`` is the class name of the scheduler that ran; for one in METRIC_DRIVEN the
    cut epochs are compared first, because that is what a reader of its page is told.
    """
    first, second = labels
    if len(reference) != len(other):
        return [f"{name}: {len(reference)} LRs recorded on {first}, {len(other)} on {second}"]
    problems = []
    if scheduler in METRIC_DRIVEN:
        cuts, other_cuts = cut_steps(reference), cut_steps(other)
        if cuts != other_cuts:
            problems.append(
                f"{name}: {scheduler} cut the LR at steps {cuts} on {first}, "
                f"{other_cuts} on {second}"
            )
    if not problems and reference != other:
        step = next(i for i, (a, b) in enumerate(zip(reference, other)) if a != b)
        problems.append(
            f"{name}: lrs[{step}] is {reference[step]!r} on {first}, {other[step]!r} on {second}"
        )
    return problems


def _recordings(folder: Path) -> dict[str, Recording]:
    paths = sorted(p for p in Path(folder).glob("*.json") if p.name != KEYS_FILE)
    return {p.stem: Recording.load(p) for p in paths}


def compare_folders(reference: Path, other: Path, labels=("CPU", "CUDA")) -> Comparison:
    """Compare every recording and every SVG of two folders written by ``draw_figures``."""
    reference, other = Path(reference), Path(other)
    first, second = labels
    result = Comparison()
    ours, theirs = _recordings(reference), _recordings(other)
    if not ours:
        result.differences.append(f"no recordings in {reference}")
    for name in sorted(ours.keys() - theirs.keys()):
        result.differences.append(f"{name}: recorded on {first} only")
    for name in sorted(theirs.keys() - ours.keys()):
        result.differences.append(f"{name}: recorded on {second} only")
    differing_runs = set()
    for name in sorted(ours.keys() & theirs.keys()):
        a, b = ours[name], theirs[name]
        problems = lrs_differences(name, a.scheduler, a.lrs, b.lrs, labels)
        if a.scheduler != b.scheduler or a.epochs != b.epochs:
            problems.insert(
                0,
                f"{name}: {a.scheduler} over {a.epochs} epochs on {first}, "
                f"{b.scheduler} over {b.epochs} epochs on {second}",
            )
        if problems:
            differing_runs.add(name)
            _record(result, name, problems)
        elif a.scheduler in METRIC_DRIVEN:
            result.same_cuts.append(name)
        else:
            result.exact.append(name)
    for svg in sorted(reference.glob("*.svg")):
        counterpart = other / svg.name
        name = svg.stem.removesuffix("-dark")
        if not counterpart.exists():
            result.differences.append(f"{svg.name}: drawn on {first} only")
        elif svg.read_bytes() == counterpart.read_bytes():
            result.identical_figures += 1
        elif name in differing_runs:
            _record(result, name, [f"{svg.name} differs because its LRs differ (above)"])
        else:
            problem = f"{svg.name} differs although the LRs are equal: the drawing is not"
            _record(result, name, [problem + " deterministic"])
    return result


def _record(result: Comparison, name: str, problems: list[str]) -> None:
    reason = EXPECTED_DIFFERENCES.get(name)
    if reason is None:
        result.differences.extend(problems)
    else:
        result.explained.extend(f"{problem} (expected: {reason})" for problem in problems)


def report(result: Comparison, labels=("CPU", "CUDA")) -> str:
    first, second = labels
    lines = [
        f"{len(result.exact)} snippets record the same LRs on {first} and {second}, value for "
        f"value; {len(result.same_cuts)} metric-driven snippets cut the LR at the same epochs "
        f"({', '.join(result.same_cuts) or 'none'}); {result.identical_figures} figures are "
        "byte-identical",
        *(f"explained: {line}" for line in result.explained),
        *(f"DIFFERENT: {line}" for line in result.differences),
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m runner.compare", description=__doc__)
    parser.add_argument("reference", type=Path, help="figure folder of the CPU run")
    parser.add_argument("other", type=Path, help="figure folder of the CUDA run")
    parser.add_argument("--labels", nargs=2, default=["CPU", "CUDA"], metavar=("FIRST", "SECOND"))
    args = parser.parse_args(argv)
    labels = tuple(args.labels)
    result = compare_folders(args.reference, args.other, labels)
    print(report(result, labels))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
