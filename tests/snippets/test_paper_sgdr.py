"""snippets/paper_sgdr.py: SGDR with eta_max 0.05, T_0 = 10, T_mult = 2, stepped per batch."""

import math

import pytest
import torch

ETA_MAX, T_0, T_MULT = 0.05, 10, 2


def sgdr(epoch: float) -> float:
    """Eq. (5) of the paper with eta_min = 0, walking the periods 10, 20, 40, ..."""
    start, period = 0, T_0
    while epoch >= start + period:
        start, period = start + period, period * T_MULT
    return ETA_MAX / 2 * (1 + math.cos(math.pi * (epoch - start) / period))


def test_the_papers_cifar_settings(snippet):
    run = snippet("paper_sgdr")
    scheduler = run.scheduler
    assert isinstance(scheduler, torch.optim.lr_scheduler.CosineAnnealingWarmRestarts)
    assert (scheduler.T_0, scheduler.T_mult, scheduler.eta_min, scheduler.base_lrs) == (
        10,
        2,
        0.0,
        [0.05],
    )
    group = scheduler.optimizer.param_groups[0]
    assert (group["momentum"], group["nesterov"], group["weight_decay"]) == (0.9, True, 5e-4)


def test_shortened_to_two_batches_per_epoch_over_150_epochs(snippet):
    run = snippet("paper_sgdr")
    assert len(run.namespace["loader"]) == 2
    assert run.epochs == 150 and len(run.lrs) == 300


def test_each_batch_trains_at_its_fractional_epoch(snippet):
    run = snippet("paper_sgdr")
    expected = [sgdr(step / 2) for step in range(300)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=1e-18)


def test_restarts_at_epochs_10_30_70_and_150(snippet):
    run = snippet("paper_sgdr")
    for epoch in (0, 10, 30, 70):
        assert run.lrs[2 * epoch] == pytest.approx(ETA_MAX, rel=1e-12)
        assert epoch == 0 or run.lrs[2 * epoch - 1] < 0.001
    assert run.scheduler.get_last_lr()[0] == pytest.approx(ETA_MAX, rel=1e-12)  # epoch 150
    peaks = [step for step, lr in enumerate(run.lrs) if lr == pytest.approx(ETA_MAX, rel=1e-12)]
    assert peaks == [0, 20, 60, 140]
