"""snippets/step_lr.py: the LR is multiplied by gamma every step_size epochs."""

import math

import pytest
import torch
from schedules import dummy_optimizer, lrs_used


def step_lr(base_lr: float, gamma: float, step_size: int, epoch: int) -> float:
    return base_lr * gamma ** (epoch // step_size)


def test_lr_halves_every_ten_epochs(snippet):
    run = snippet("step_lr")
    scheduler = run.scheduler
    assert isinstance(scheduler, torch.optim.lr_scheduler.StepLR)
    assert (scheduler.step_size, scheduler.gamma, scheduler.base_lrs) == (10, 0.5, [0.1])
    expected = [step_lr(0.1, 0.5, 10, epoch) for epoch in range(run.epochs)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_one_step_per_epoch_covering_four_stairs(snippet):
    run = snippet("step_lr")
    assert run.epochs == 40
    assert len(run.lrs) == run.epochs
    assert sorted(set(run.lrs), reverse=True) == pytest.approx([0.1, 0.05, 0.025, 0.0125])
    assert run.scheduler.last_epoch == run.epochs  # scheduler.step() once per epoch


def drive(steps: int, base_lr: float = 0.1, **kwargs) -> list[float]:
    scheduler = torch.optim.lr_scheduler.StepLR(dummy_optimizer(base_lr), **kwargs)
    return lrs_used(scheduler, steps)


def test_recursion_gives_the_formulas_values_up_to_rounding():
    differ = 0
    for base_lr in (0.1, 0.01, 0.3, 1e-3, 3e-4, 0.05):
        for gamma in (0.1, 0.5, 0.3, 0.9, 0.2, 0.7):
            for step_size in (1, 3):
                lrs = drive(31, base_lr, step_size=step_size, gamma=gamma)
                formula = [step_lr(base_lr, gamma, step_size, t) for t in range(31)]
                assert lrs == pytest.approx(formula, rel=1e-13, abs=0)
                differ += sum(lr != value for lr, value in zip(lrs, formula))
    assert differ > 0  # "up to rounding": some last digits do differ


def test_a_fractional_step_size_decays_only_at_its_whole_multiples():
    lrs = drive(11, step_size=2.5, gamma=0.5)
    assert lrs == [0.1] * 5 + [0.05] * 5 + [0.025]  # t = 5 and 10
    formula = [step_lr(0.1, 0.5, 2.5, t) for t in range(11)]
    exponents = [round(math.log(lr / 0.1, 0.5)) for lr in formula]
    assert [t for t in range(1, 11) if exponents[t] > exponents[t - 1]] == [3, 5, 8, 10]


def test_a_negative_step_size_decays_at_every_step_while_the_formula_grows():
    lrs = drive(5, step_size=-1, gamma=0.5)
    assert lrs == pytest.approx([0.1 * 0.5**t for t in range(5)], rel=1e-12)
    assert [step_lr(0.1, 0.5, -1, t) for t in range(5)] == pytest.approx(
        [0.1 * 2.0**t for t in range(5)], rel=1e-12
    )


def decay_steps(step_size, steps: int = 10) -> list[int]:
    optimizer = dummy_optimizer(0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=step_size, gamma=0.5)
    decays, before = [], 0.1
    for t in range(1, steps + 1):
        optimizer.step()
        scheduler.step()
        if optimizer.param_groups[0]["lr"] != before:
            decays.append(t)
        before = optimizer.param_groups[0]["lr"]
    return decays


def test_torch_decays_where_the_float_remainder_of_t_by_step_size_is_zero():
    """step-lr.md: 2.5 every 5 steps, 0.1 and 0.3 never, -1 every step, -2 every second."""
    assert decay_steps(2.5) == [5, 10]
    assert decay_steps(0.1) == decay_steps(0.3) == []
    assert decay_steps(-1) == list(range(1, 11))
    assert decay_steps(-2) == [2, 4, 6, 8, 10]
