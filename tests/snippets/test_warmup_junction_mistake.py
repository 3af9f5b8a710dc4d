"""snippets/warmup_junction_mistake.py: ChainedScheduler with T_max counted from step 0."""

import math

import pytest
import torch

LR, START, WARMUP, T_MAX = 0.1, 0.01, 24, 136


def chained_lr(step):
    warmup = START + (1 - START) * min(step, WARMUP) / WARMUP
    return LR * warmup * (1 + math.cos(math.pi * step / T_MAX)) / 2


def test_lrs_are_the_product_of_both_factors_from_step_0(snippet):
    run = snippet("warmup_junction_mistake")
    assert type(run.scheduler) is torch.optim.lr_scheduler.ChainedScheduler
    assert len(run.lrs) == 160 and run.steps_per_epoch == 8
    expected = [chained_lr(step) for step in range(160)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=1e-18)


def test_decay_during_warm_up_lowers_the_peak(snippet):
    run = snippet("warmup_junction_mistake")
    assert run.lrs.index(max(run.lrs)) == WARMUP
    assert round(max(run.lrs), 4) == 0.0925


def test_zero_at_step_136_then_rising_over_the_last_epochs(snippet):
    run = snippet("warmup_junction_mistake")
    assert run.lrs[136] == 0.0
    assert 136 // run.steps_per_epoch == 17  # the last 3 epochs are 17, 18, 19
    assert all(a < b for a, b in zip(run.lrs[136:], run.lrs[137:]))
    assert run.lrs[-1] > 0.005


def test_only_the_scheduler_differs_from_the_recipe():
    from pathlib import Path

    snippets = Path(__file__).resolve().parents[2] / "snippets"
    mistake = (snippets / "warmup_junction_mistake.py").read_text().splitlines()
    recipe = (snippets / "warmup_then_cosine.py").read_text().splitlines()
    changed = [line for line in mistake if line not in recipe and not line.startswith("#")]
    assert changed == [
        "from torch.optim.lr_scheduler import ChainedScheduler, CosineAnnealingLR, LinearLR",
        "decay = CosineAnnealingLR(optimizer, T_max=total_steps - warmup_steps)",
        "scheduler = ChainedScheduler([warmup, decay])",
    ]
