"""snippets/step_lr.py: the LR is multiplied by gamma every step_size epochs."""

import pytest
import torch


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
