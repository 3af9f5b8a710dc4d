"""snippets/warmup_then_cosine.py: a per-batch linear warm-up handed over to a cosine."""

import math

import pytest
import torch

LR, START = 0.1, 0.01


def expected_lr(step, warmup, total):
    if step < warmup:
        return LR * (START + (1 - START) * step / warmup)
    return LR * (1 + math.cos(math.pi * (step - warmup) / (total - warmup))) / 2


def test_lrs_are_warm_up_then_cosine_counted_in_batches(snippet):
    run = snippet("warmup_then_cosine")
    assert type(run.scheduler) is torch.optim.lr_scheduler.SequentialLR
    assert len(run.namespace["loader"]) == 8 == run.steps_per_epoch
    assert (run.namespace["warmup_steps"], run.namespace["total_steps"]) == (24, 160)
    expected = [expected_lr(step, 24, 160) for step in range(160)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_the_three_numbers_agree(snippet):
    run = snippet("warmup_then_cosine")
    warmup, decay = run.namespace["warmup"], run.namespace["decay"]
    assert warmup.total_iters == run.scheduler._milestones[0] == 24
    assert decay.T_max == 160 - 24


def test_peak_at_the_milestone_start_and_end(snippet):
    run = snippet("warmup_then_cosine")
    assert run.lrs[0] == pytest.approx(0.001, rel=1e-12)
    assert max(run.lrs) == pytest.approx(LR, rel=1e-12) and run.lrs.index(max(run.lrs)) == 24
    assert run.lrs[-1] < 2e-5
    assert all(a < b for a, b in zip(run.lrs[:24], run.lrs[1:25]))
    assert all(a > b for a, b in zip(run.lrs[24:], run.lrs[25:]))
