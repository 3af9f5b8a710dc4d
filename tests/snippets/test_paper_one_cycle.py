"""snippets/paper_one_cycle.py: the paper's three linear phases, 0.1 -> 3.0 -> 0.1 -> 1e-5."""

import math

import pytest
import torch
from snippet_variants import CLASSIFIER_TO_REGRESSION, run_variant

# The paper's schedule in OneCycleLR's terms: linear ramps, 0.1 -> 3.0 -> 0.1 -> 1e-5.
PAPER_ONE_CYCLE = dict(
    max_lr=3.0,
    total_steps=80,
    pct_start=0.45,
    anneal_strategy="linear",
    three_phase=True,
    div_factor=30.0,
    final_div_factor=1e4,
)


def one_cycle_three_phase(step: int, total: int = 80, pct: float = 0.45):
    """Linear ramps between the ends of the phases at pT - 1, 2pT - 2 and T - 1."""
    ends = [pct * total - 1, 2 * pct * total - 2, total - 1]
    lrs, momenta = [0.1, 3.0, 0.1, 1e-5], [0.95, 0.85, 0.95, 0.95]
    start = 0.0
    for phase, end in enumerate(ends):
        if step <= end or phase == 2:
            x = (step - start) / (end - start)
            return (
                lrs[phase] + (lrs[phase + 1] - lrs[phase]) * x,
                momenta[phase] + (momenta[phase + 1] - momenta[phase]) * x,
            )
        start = end
    raise AssertionError("unreachable")


def test_settings(snippet):
    run = snippet("paper_one_cycle")
    scheduler = run.scheduler
    assert isinstance(scheduler, torch.optim.lr_scheduler.OneCycleLR)
    assert scheduler.total_steps == 80 == len(run.lrs)
    group = scheduler.optimizer.param_groups[0]
    assert (group["initial_lr"], group["max_lr"], group["min_lr"]) == pytest.approx(
        (0.1, 3.0, 1e-5), rel=1e-12
    )


def test_lrs_are_three_straight_lines(snippet):
    run = snippet("paper_one_cycle")
    expected = [one_cycle_three_phase(step)[0] for step in range(80)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert run.lrs.index(max(run.lrs)) == 35
    assert run.lrs[70] == pytest.approx(0.1, rel=1e-12) and run.lrs[79] == pytest.approx(
        1e-5, rel=1e-12
    )


def test_momentum_goes_from_0_95_to_0_85_and_back():
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, **PAPER_ONE_CYCLE)
    for step in range(80):
        lr, momentum = one_cycle_three_phase(step)
        group = optimizer.param_groups[0]
        assert (group["lr"], group["momentum"]) == pytest.approx((lr, momentum), rel=1e-12)
        optimizer.step()
        scheduler.step()


def test_regression_on_the_same_inputs_diverges_at_this_learning_rate():
    namespace = run_variant("paper_one_cycle", CLASSIFIER_TO_REGRESSION)
    assert math.isnan(namespace["loss"].item())


def test_the_80th_scheduler_step_leaves_a_negative_lr_and_the_next_update_goes_uphill():
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, **PAPER_ONE_CYCLE)
    for _ in range(80):
        optimizer.step()
        scheduler.step()
    lr, _ = one_cycle_three_phase(80)  # the last phase's line, one step past its end
    assert lr == pytest.approx(1e-5 - (0.1 - 1e-5) / 9, rel=1e-12)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(lr, rel=1e-9)
    assert round(lr, 4) == -0.0111
    weight.grad = torch.ones(1)
    optimizer.step()
    assert weight.item() == pytest.approx(-lr, rel=1e-6) and weight.item() > 0
