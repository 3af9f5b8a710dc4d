"""snippets/one_cycle_lr.py: a per-batch cosine cycle of exactly total_steps steps."""

import math

import pytest
import torch

MAX_LR = 0.1
DIV_FACTOR = 25.0  # documented defaults
FINAL_DIV_FACTOR = 1e4
PCT_START = 0.3


def anneal(start: float, end: float, fraction: float) -> float:
    return end + (start - end) / 2 * (1 + math.cos(math.pi * fraction))


def one_cycle_lr(step: int, total_steps: int) -> float:
    initial = MAX_LR / DIV_FACTOR
    final = initial / FINAL_DIV_FACTOR
    warmup_end = PCT_START * total_steps - 1
    if step <= warmup_end:
        return anneal(initial, MAX_LR, step / warmup_end)
    return anneal(MAX_LR, final, (step - warmup_end) / (total_steps - 1 - warmup_end))


def test_lrs_follow_the_cosine_one_cycle_formula(snippet):
    run = snippet("one_cycle_lr")
    assert isinstance(run.scheduler, torch.optim.lr_scheduler.OneCycleLR)
    assert run.scheduler.optimizer.param_groups[0]["max_lr"] == MAX_LR
    expected = [one_cycle_lr(step, run.scheduler.total_steps) for step in range(len(run.lrs))]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_steps_per_batch_exactly_total_steps_times(snippet):
    run = snippet("one_cycle_lr")
    batches_per_epoch = len(run.namespace["loader"])
    assert batches_per_epoch == 8
    assert run.scheduler.total_steps == run.epochs * batches_per_epoch == 80
    assert len(run.lrs) == run.scheduler.total_steps
    assert run.steps_per_epoch == batches_per_epoch


def test_starts_at_max_lr_over_div_factor_not_the_optimizer_lr(snippet):
    run = snippet("one_cycle_lr")
    assert run.lrs[0] == pytest.approx(MAX_LR / DIV_FACTOR, rel=1e-12)
    assert max(run.lrs) == pytest.approx(MAX_LR, rel=1e-12)
    assert run.lrs.index(max(run.lrs)) == 23  # warm-up ends at pct_start * 80 - 1


def test_ends_at_max_lr_over_div_factor_over_final_div_factor(snippet):
    run = snippet("one_cycle_lr")
    assert run.lrs[-1] == pytest.approx(MAX_LR / DIV_FACTOR / FINAL_DIV_FACTOR, rel=1e-12)


def test_one_more_step_raises(snippet):
    run = snippet("one_cycle_lr")
    with pytest.raises(ValueError) as raised:
        run.scheduler.step()
    assert str(raised.value) == (
        "Tried to step 81 times. The specified number of total steps is 80"
    )
