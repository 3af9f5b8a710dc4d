"""Scaffold a new page: the page, its snippet and its test module, named by the conventions.

python scripts/new_page.py guide warm-up-stable-decay     (make new-guide NAME=...)
python scripts/new_page.py scheduler WarmupLR              (make new-scheduler NAME=...)

A guide NAME is the page's file name without .md (lower case, hyphens); a scheduler NAME is
the class name in torch.optim.lr_scheduler. The files created:

    docs/guides/<name>.md           or  docs/schedulers/<class-name>.md
    snippets/<name_with_underscores>.py    a runnable, seeded training loop that records lrs
    tests/snippets/test_<name_with_underscores>.py

Every place that still needs your words is marked with SCAFFOLD and a colon; the test
``tests/contributing/test_new_page.py::test_no_scaffold_placeholder_is_left`` fails, naming
file and line, until none is left, and the test module's formula test fails until written.
Existing files are never overwritten. At the end the cross-links the tests ask for are
listed, each with the test that asks.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARK = "SCAFFOLD" + ":"  # split so that this file is not itself a placeholder

OFFICIAL = "https://docs.pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.{name}.html"


def snake_case(class_name: str) -> str:
    # The runner's rule (runner/figures.py), repeated so that this script imports no torch
    # for a guide; tests/contributing/test_new_page.py checks that both agree.
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", class_name).lower()


SNIPPET = """\
import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# A tiny regression problem, trained on the whole set at once: one optimizer step per epoch.
inputs = torch.randn(64, 8, device=device)
targets = inputs.sum(dim=1, keepdim=True)
model = nn.Linear(8, 1).to(device)
loss_fn = nn.MSELoss()

optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
{scheduler_line}

epochs = 20
lrs = []
for epoch in range(epochs):
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    lrs.append(scheduler.get_last_lr()[0])  # the LR this epoch's step used
    scheduler.step()  # once per epoch, after optimizer.step()

print(f"final loss {{loss.item():.4f}}, final lr {{scheduler.get_last_lr()[0]:g}}")
"""

TEST_MODULE = '''\
"""snippets/{snippet}.py: {mark} the page's claim, in one line."""

import pytest
import torch


def test_one_scheduler_step_per_epoch(snippet):
    run = snippet("{snippet}")
    assert isinstance(run.scheduler, torch.optim.lr_scheduler.{scheduler_class})
    assert len(run.lrs) == run.epochs == 20
    assert run.scheduler.last_epoch == run.epochs


def test_lrs_follow_the_formula_the_page_states(snippet):
    run = snippet("{snippet}")
    # {mark} the LRs computed from the formula the page states, independently of torch
    expected = []
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0), "compare with the page's formula"
'''

SCHEDULER_PAGE = """\
# {name}

<!-- {mark} one paragraph: what {name} does to the learning rate, and when to reach for it. -->

## The formula

<!-- {mark} the formula in LaTeX, then a table with the columns
Parameter | Default | Valid values | Meaning -->

## A complete example

The training loop below records the learning rate that each optimizer step used in `lrs`;
the figure is drawn from exactly that list.

```python title="snippets/{snippet}.py"
--8<-- "snippets/{snippet}.py"
```

![{name} with {mark} its parameters (name=value), what the curve shows](../figures/{snippet}.svg)

## Reference

[`torch.optim.lr_scheduler.{name}`]({official}) in the PyTorch documentation.
"""

GUIDE_PAGE = """\
# {title}

<!-- {mark} the question this guide answers, and the answer in two sentences. -->

## A complete example

The training loop below records the learning rate that each optimizer step used in `lrs`;
the figure is drawn from exactly that list.

```python title="snippets/{snippet}.py"
--8<-- "snippets/{snippet}.py"
```

![{mark} the scheduler, its parameters (name=value), what it shows](../figures/{snippet}.svg)

<!-- {mark} each number you state comes from a python block with an expected-output block;
write the block, then fill its output with: make update-outputs PAGE=docs/guides/{name}.md -->
"""


def _scheduler_line(class_name: str) -> str:
    import torch  # only for a scheduler page: its required arguments

    scheduler_class = getattr(torch.optim.lr_scheduler, class_name, None)
    if not (inspect.isclass(scheduler_class) and class_name in torch.optim.lr_scheduler.__all__):
        raise SystemExit(
            f"error: torch {torch.__version__} has no torch.optim.lr_scheduler.{class_name}; "
            "a scheduler page is named after the class (StepLR, OneCycleLR)"
        )
    required = [
        name
        for name, parameter in list(inspect.signature(scheduler_class).parameters.items())[1:]
        if parameter.default is inspect.Parameter.empty
        and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
    ]
    arguments = "".join(f", {name}=..." for name in required)
    return (
        f"# {MARK} the values the page explains\n"
        f"scheduler = torch.optim.lr_scheduler.{class_name}(optimizer{arguments})"
    )


def plan(kind: str, name: str) -> dict[Path, str]:
    """The files to create, by path relative to the project root."""
    if kind == "scheduler":
        if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", name):
            raise SystemExit(f"error: {name!r}: a scheduler is named by its class, e.g. StepLR")
        snippet = snake_case(name)
        page = Path("docs/schedulers") / (snippet.replace("_", "-") + ".md")
        scheduler_class = name
        scheduler_line = _scheduler_line(name)
        text = SCHEDULER_PAGE.format(
            name=name, snippet=snippet, mark=MARK, official=OFFICIAL.format(name=name)
        )
    else:
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name):
            raise SystemExit(
                f"error: {name!r}: a guide is named by its file name, lower case with hyphens, "
                "e.g. warm-up-stable-decay"
            )
        snippet = name.replace("-", "_")
        page = Path("docs/guides") / f"{name}.md"
        scheduler_class = "ConstantLR"
        scheduler_line = (
            f"# {MARK} the schedule this guide is about\n"
            "scheduler = torch.optim.lr_scheduler.ConstantLR(optimizer, factor=1.0, total_iters=0)"
        )
        title = name.replace("-", " ").capitalize()
        text = GUIDE_PAGE.format(title=title, name=name, snippet=snippet, mark=MARK)
    return {
        page: text,
        Path("snippets") / f"{snippet}.py": SNIPPET.format(scheduler_line=scheduler_line),
        Path("tests/snippets") / f"test_{snippet}.py": TEST_MODULE.format(
            snippet=snippet, scheduler_class=scheduler_class, mark=MARK
        ),
    }


def cross_links(kind: str, page: Path) -> list[str]:
    """What the tests will ask for next, each with the test that asks."""
    site_path = page.relative_to("docs")
    todo = []
    if kind == "scheduler":
        todo.append(
            f"docs/schedulers/index.md: a row linking {site_path.name} in the overview table "
            "(tests/snippets/test_coverage.py::"
            "test_overview_links_every_scheduler_page_and_shows_the_overview_figure)"
        )
    else:
        todo.append(
            f"docs/guides/index.md: a numbered entry linking {site_path.name} where it belongs "
            "in the reading order (tests/site/test_section_indexes.py)"
        )
        todo.append(
            f'docs/guides/faq.md: a ??? question "..." whose answer links to {site_path.name} '
            "(tests/snippets/test_faq.py::test_every_guide_answers_a_question)"
        )
    todo.append(
        "docs/guides/pitfalls.md: a link to every 'Pitfall' heading and warning box the page "
        "gets (tests/snippets/test_pitfalls.py::"
        "test_every_pitfall_section_and_warning_of_the_site_is_linked)"
    )
    mkdocs = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if re.search(r"^nav:", mkdocs, re.M):
        todo.append(f"mkdocs.yml: add {site_path} to nav: in its reading position")
    return todo


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/new_page.py", description=__doc__)
    parser.add_argument("kind", choices=["guide", "scheduler"])
    parser.add_argument("name", help="guide: file name without .md; scheduler: class name")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)  # tests
    args = parser.parse_args(argv)
    files = plan(args.kind, args.name)
    existing = [str(path) for path in files if (args.root / path).exists()]
    if existing:
        print(f"error: already exists, nothing written: {', '.join(existing)}", file=sys.stderr)
        return 1
    for path, text in files.items():
        target = args.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"created {path}")
    page = next(iter(files))
    print(f"\nFill in every line marked {MARK} (the tests name each one), then link the page:")
    for item in cross_links(args.kind, page):
        print(f"  - {item}")
    print(f"\nCheck it: make test-page PAGE={page}   (docs/contributing.md lists every rule)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
