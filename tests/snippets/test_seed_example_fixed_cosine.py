"""snippets/seed_example_fixed_cosine.py: the example's cosine, alone on its optimizer."""

import math

import pytest
import torch

LR, T_MAX, ETA_MIN = 0.2, 100, 1e-6


def test_lrs_follow_the_cosine_from_the_optimizer_lr(snippet):
    run = snippet("seed_example_fixed_cosine")
    assert type(run.scheduler) is torch.optim.lr_scheduler.CosineAnnealingLR
    assert (run.scheduler.T_max, run.scheduler.eta_min, run.scheduler.base_lrs) == (
        T_MAX,
        ETA_MIN,
        [LR],
    )
    expected = [
        ETA_MIN + (LR - ETA_MIN) * (1 + math.cos(math.pi * t / T_MAX)) / 2
        for t in range(run.epochs)
    ]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_one_full_batch_step_per_epoch_over_t_max_epochs(snippet):
    run = snippet("seed_example_fixed_cosine")
    assert run.epochs == T_MAX == len(run.lrs)
    assert run.scheduler.last_epoch == run.epochs


def test_the_optimizer_belongs_to_this_scheduler_alone(snippet):
    run = snippet("seed_example_fixed_cosine")
    group = run.scheduler.optimizer.param_groups[0]
    assert "max_lr" not in group  # no OneCycleLR was created on it
    assert group["betas"] == (0.9, 0.999)  # AdamW's own, not cycled


def test_helpers_exist_and_the_model_reaches_the_noise_floor(snippet):
    run = snippet("seed_example_fixed_cosine")
    assert callable(run.namespace["train_one_epoch"]) and callable(run.namespace["validate"])
    # targets carry noise of variance 0.25: no model gets far below it
    assert 0.2 < run.namespace["val_loss"] < 0.3
