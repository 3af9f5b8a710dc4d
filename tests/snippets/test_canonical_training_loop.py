"""snippets/canonical_training_loop.py: a per-epoch cosine in a mini-batch loop, in order."""

import math
import re

import pytest
import torch

BASE_LR = 0.1
ETA_MIN = 0.001
BATCHES_PER_EPOCH = 8


def cosine(step: int, t_max: int) -> float:
    return ETA_MIN + (BASE_LR - ETA_MIN) * (1 + math.cos(math.pi * step / t_max)) / 2


def test_each_batch_uses_the_cosine_value_of_its_epoch(snippet):
    run = snippet("canonical_training_loop")
    scheduler = run.scheduler
    assert isinstance(scheduler, torch.optim.lr_scheduler.CosineAnnealingLR)
    assert (scheduler.T_max, scheduler.eta_min, scheduler.base_lrs) == (
        run.epochs,
        ETA_MIN,
        [BASE_LR],
    )
    expected = [cosine(step // BATCHES_PER_EPOCH, run.epochs) for step in range(len(run.lrs))]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_ten_epochs_of_eight_batches_one_scheduler_step_per_epoch(snippet):
    run = snippet("canonical_training_loop")
    assert len(run.namespace["loader"]) == BATCHES_PER_EPOCH
    assert run.epochs == 10
    assert len(run.lrs) == run.epochs * BATCHES_PER_EPOCH == 80
    assert run.scheduler.last_epoch == run.epochs
    for epoch in range(run.epochs):
        assert len(set(run.lrs[epoch * 8 : (epoch + 1) * 8])) == 1  # one LR per epoch


def test_first_batch_trains_at_the_optimizer_lr_the_schedules_first_value(snippet):
    run = snippet("canonical_training_loop")
    assert run.lrs[0] == BASE_LR


def test_get_last_lr_after_step_is_the_next_epochs_lr(snippet):
    # The snippet prints get_last_lr() right after scheduler.step() for each epoch.
    run = snippet("canonical_training_loop")
    printed = [float(x) for x in re.findall(r"next epoch's lr ([0-9.e-]+)", run.stdout)]
    assert len(printed) == run.epochs
    next_epoch_lrs = run.lrs[BATCHES_PER_EPOCH::BATCHES_PER_EPOCH]
    assert printed[:-1] == pytest.approx(next_epoch_lrs, rel=1e-3)
    assert printed[-1] == pytest.approx(ETA_MIN, rel=1e-12)  # the epoch after the last one


def test_loss_goes_down(snippet):
    run = snippet("canonical_training_loop")
    assert run.namespace["loss"].item() < 1e-3
