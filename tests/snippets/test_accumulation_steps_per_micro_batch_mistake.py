"""snippets/accumulation_steps_per_micro_batch_mistake.py.

Sized in micro-batches, stepped per update.
"""

import pytest
import torch
from test_accumulation_steps_per_update import MAX_LR, one_cycle_lr


def test_the_schedule_counts_160_micro_batches_but_is_stepped_40_times(snippet):
    run = snippet("accumulation_steps_per_micro_batch_mistake")
    assert isinstance(run.scheduler, torch.optim.lr_scheduler.OneCycleLR)
    assert run.scheduler.total_steps == 160 == run.epochs * len(run.namespace["loader"])
    assert len(run.lrs) == 40
    assert run.scheduler.last_epoch == 40


def test_lrs_are_the_first_quarter_of_a_160_step_cycle(snippet):
    run = snippet("accumulation_steps_per_micro_batch_mistake")
    expected = [one_cycle_lr(step, 160) for step in range(40)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_the_warm_up_outlasts_the_run_so_the_lr_rises_until_the_end(snippet):
    run = snippet("accumulation_steps_per_micro_batch_mistake")
    warmup_end = 0.3 * 160 - 1  # 47: beyond the last update, 39
    assert warmup_end > len(run.lrs) - 1
    assert all(later > earlier for earlier, later in zip(run.lrs, run.lrs[1:]))
    assert max(run.lrs) < MAX_LR
    assert run.lrs[-1] == pytest.approx(0.0933, abs=5e-5)  # "ends at 0.093" on the page
