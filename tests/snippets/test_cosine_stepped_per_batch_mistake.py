"""snippets/cosine_stepped_per_batch_mistake.py: T_max in epochs, stepped per batch: many cycles."""

import math
import runpy
import warnings

import pytest
import torch
from torch import nn

from runner.snippets import SNIPPETS_DIR

BASE_LR = 0.1
ETA_MIN = 0.001
BATCHES_PER_EPOCH = 8


def cosine(step: int, t_max: int) -> float:
    return ETA_MIN + (BASE_LR - ETA_MIN) * (1 + math.cos(math.pi * step / t_max)) / 2


def test_t_max_counts_epochs_but_the_scheduler_steps_every_batch(snippet):
    run = snippet("cosine_stepped_per_batch_mistake")
    assert isinstance(run.scheduler, torch.optim.lr_scheduler.CosineAnnealingLR)
    assert run.scheduler.T_max == run.epochs == 10
    assert len(run.namespace["loader"]) == BATCHES_PER_EPOCH
    assert len(run.lrs) == run.scheduler.last_epoch == 80  # one step per batch


def test_lrs_follow_a_cosine_of_period_twenty_batches(snippet):
    run = snippet("cosine_stepped_per_batch_mistake")
    expected = [cosine(step, 10) for step in range(len(run.lrs))]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_four_full_cycles_minimum_at_10_30_50_70_back_at_lr_in_between(snippet):
    lrs = snippet("cosine_stepped_per_batch_mistake").lrs
    minima = [t for t in range(1, len(lrs) - 1) if lrs[t - 1] > lrs[t] < lrs[t + 1]]
    maxima = [t for t in range(1, len(lrs) - 1) if lrs[t - 1] < lrs[t] > lrs[t + 1]]
    assert minima == [10, 30, 50, 70]
    assert maxima == [20, 40, 60]
    assert [lrs[t] for t in minima] == pytest.approx([ETA_MIN] * 4, rel=1e-12)
    assert [lrs[t] for t in maxima] == pytest.approx([BASE_LR] * 3, rel=1e-12)


def test_the_fourth_cycle_is_back_at_lr_when_the_run_ends(snippet):
    run = snippet("cosine_stepped_per_batch_mistake")
    # 80 batches, 20 per down-and-up cycle: the climb of the fourth cycle ends with the run.
    assert len(run.lrs) // 20 == 4
    assert run.lrs[-1] < BASE_LR
    assert run.scheduler.get_last_lr() == pytest.approx([BASE_LR], rel=1e-12)


def test_nothing_warns_and_the_loss_still_goes_down():
    path = SNIPPETS_DIR / "cosine_stepped_per_batch_mistake.py"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        namespace = runpy.run_path(str(path), run_name="__main__")
    assert caught == []
    # The untrained model, rebuilt from the same seed as the snippet, against the trained one.
    torch.manual_seed(0)
    inputs = torch.randn(256, 8)
    targets = inputs.sum(dim=1, keepdim=True)
    untrained = nn.Linear(8, 1)
    trained = namespace["model"].cpu()
    with torch.no_grad():
        before = nn.functional.mse_loss(untrained(inputs), targets).item()
        after = nn.functional.mse_loss(trained(inputs), targets).item()
    assert after < before / 100
