"""snippets/cosine_per_batch.py: T_max = epochs * len(loader), one half cosine over all batches."""

import math

import pytest
import torch

BASE_LR = 0.1
ETA_MIN = 0.001
BATCHES_PER_EPOCH = 8


def cosine(step: float, t_max: float) -> float:
    return ETA_MIN + (BASE_LR - ETA_MIN) * (1 + math.cos(math.pi * step / t_max)) / 2


def test_t_max_is_epochs_times_batches_per_epoch(snippet):
    run = snippet("cosine_per_batch")
    assert isinstance(run.scheduler, torch.optim.lr_scheduler.CosineAnnealingLR)
    assert len(run.namespace["loader"]) == BATCHES_PER_EPOCH
    assert run.scheduler.T_max == run.epochs * BATCHES_PER_EPOCH == 80
    assert len(run.lrs) == run.scheduler.last_epoch == 80


def test_lrs_follow_one_half_cosine_over_the_batches(snippet):
    run = snippet("cosine_per_batch")
    expected = [cosine(step, 80) for step in range(len(run.lrs))]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert all(a > b for a, b in zip(run.lrs, run.lrs[1:]))  # one smooth descent
    assert run.lrs[-1] > ETA_MIN  # eta_min would be the 81st step's LR


def test_each_epochs_first_batch_matches_the_per_epoch_schedule(snippet):
    run = snippet("cosine_per_batch")
    per_epoch = snippet("canonical_training_loop")  # T_max=10, stepped once per epoch
    firsts = run.lrs[::BATCHES_PER_EPOCH]
    assert firsts == pytest.approx([cosine(epoch, 10) for epoch in range(10)], rel=1e-12, abs=0)
    assert firsts == pytest.approx(per_epoch.lrs[::BATCHES_PER_EPOCH], rel=1e-12, abs=0)


def test_loss_goes_down(snippet):
    run = snippet("cosine_per_batch")
    assert run.namespace["loss"].item() < 1e-3
