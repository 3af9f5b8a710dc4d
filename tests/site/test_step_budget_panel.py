"""The explorer's step-budget panel: its JavaScript against the Python function it mirrors.

window.LRAtlasStepBudget (docs/javascripts/step-budget.js) runs in the browser tests'
Chromium on the built explorer page; optimizer_steps_per_epoch is taken from
snippets/step_budget.py, the function docs/guides/how-many-steps.md shows (and
tests/snippets/test_step_budget.py checks against real DataLoaders). They must agree on every
point of a grid, errors included, and the code the panel shows must build those lengths.
"""

import ast
import itertools
import math

import pytest
import torch

from runner.snippets import SNIPPETS_DIR

FUNCTION = "optimizer_steps_per_epoch"


def python_function():
    """The function as the snippet defines it, without running the snippet's training."""
    source = (SNIPPETS_DIR / "step_budget.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    [node] = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == FUNCTION]
    namespace = {"math": math}
    exec(compile(ast.Module([node], type_ignores=[]), "step_budget.py", "exec"), namespace)
    return namespace[FUNCTION]


steps_per_epoch = python_function()

GRID = [
    dict(
        dataset_size=n,
        batch_size=b,
        drop_last=drop,
        accumulation_steps=a,
        world_size=w,
        step_on_last_partial_window=partial,
    )
    for n, b, drop, a, w, partial in itertools.product(
        [1, 7, 17, 200, 257, 1_281_167],  # 1_281_167: ImageNet's training set
        [1, 4, 16, 256],
        [False, True],
        [1, 3, 16],
        [1, 3, 8],
        [True, False],
    )
]
REJECTED = [
    dict(dataset_size=0, batch_size=16),
    dict(dataset_size=100, batch_size=-3),
    dict(dataset_size=100, batch_size=16, accumulation_steps=2.5),
    dict(dataset_size=100, batch_size=16, world_size=0),
]


@pytest.fixture(scope="module")
def budget_page(browser, base_url):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base_url}explorer/", wait_until="load")
    page.wait_for_function("window.LRAtlasStepBudget")
    yield page
    assert errors == []
    context.close()


def js_results(page, cases):
    return page.evaluate(
        """cases => cases.map(args => {
            try { return {steps: LRAtlasStepBudget.stepsPerEpoch(args)}; }
            catch (error) { return {error: error.message}; }
        })""",
        cases,
    )


def test_javascript_matches_the_python_function_on_the_grid(budget_page):
    assert len(GRID) == 864
    results = js_results(budget_page, GRID)
    mismatches = [
        (case, result)
        for case, result in zip(GRID, results)
        if result != {"steps": steps_per_epoch(**case)}
    ]
    assert mismatches == []


def test_javascript_rejects_what_the_python_function_rejects_with_its_message(budget_page):
    for case, result in zip(REJECTED, js_results(budget_page, REJECTED)):
        with pytest.raises(ValueError) as raised:
            steps_per_epoch(**case)
        assert result == {"error": str(raised.value)}


def test_the_panel_counts_and_shows_code_that_builds_those_lengths(budget_page):
    page = budget_page
    panel = page.locator("#step-budget-panel")
    # The defaults: the snippet's run, 200 samples, micro-batches of 16, 4 per step, 6 epochs.
    readout = panel.locator("[data-role=budget]")
    assert readout.inner_text() == "4 optimizer steps per epoch on each device, 24 in 6 epochs."

    panel.locator("#sb-dataset_size").fill("1281167")  # ImageNet's training set
    panel.locator("#sb-batch_size").fill("256")
    panel.locator("#sb-accumulation_steps").fill("1")
    panel.locator("#sb-world_size").fill("8")
    panel.locator("#sb-epochs").fill("90")
    panel.locator("#sb-drop_last").check()
    per_epoch = steps_per_epoch(1281167, 256, drop_last=True, world_size=8)
    assert per_epoch == 625
    assert readout.inner_text() == (
        f"{per_epoch} optimizer steps per epoch on each device, {per_epoch * 90} in 90 epochs."
    )

    namespace = {"optimizer": torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)}
    exec("from torch.optim.lr_scheduler import *", namespace)
    lines = panel.locator("[data-role=budget-code]").inner_text().splitlines()
    built = [eval(line.split("  #")[0], namespace) for line in lines[2:]]
    assert [type(s).__name__ for s in built] == [
        "CosineAnnealingLR",
        "OneCycleLR",
        "PolynomialLR",
        "MultiStepLR",
    ]
    assert built[0].T_max == built[1].total_steps == built[2].total_iters == 625 * 90
    assert list(built[3].milestones) == [45 * 625]


def test_the_panel_shows_the_error_for_a_size_below_one(budget_page):
    panel = budget_page.locator("#step-budget-panel")
    panel.locator("#sb-batch_size").fill("0")
    assert panel.locator("[data-role=budget]").inner_text() == (
        "ValueError: batch_size must be a whole number of at least 1, got 0"
    )
    assert panel.locator("[data-role=budget-code]").inner_text() == ""
    panel.locator("#sb-batch_size").fill("16")
