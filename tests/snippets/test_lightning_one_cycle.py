"""snippets/lightning_one_cycle.py: the LRs a Lightning Trainer really used, step by step."""

import math

import pytest
import torch

MAX_LR, DIV_FACTOR, FINAL_DIV_FACTOR, PCT_START = 0.1, 25.0, 1e4, 0.3  # OneCycleLR's defaults


def one_cycle_lr(step: int, total_steps: int) -> float:
    """Cosine one-cycle, written out from the documented formula."""
    initial = MAX_LR / DIV_FACTOR
    final = initial / FINAL_DIV_FACTOR
    warmup_end = PCT_START * total_steps - 1

    def anneal(start, end, fraction):
        return end + (start - end) / 2 * (1 + math.cos(math.pi * fraction))

    if step <= warmup_end:
        return anneal(initial, MAX_LR, step / warmup_end)
    return anneal(MAX_LR, final, (step - warmup_end) / (total_steps - 1 - warmup_end))


def test_estimated_stepping_batches_counts_the_last_partial_window(snippet):
    run = snippet("lightning_one_cycle")
    trainer = run.namespace["trainer"]
    assert len(run.namespace["loader"]) == 16
    assert trainer.accumulate_grad_batches == 3
    assert trainer.estimated_stepping_batches == math.ceil(16 / 3) * 5 == 30
    assert trainer.global_step == 30  # optimizer steps Lightning made


def test_interval_step_steps_the_scheduler_once_per_optimizer_step(snippet):
    run = snippet("lightning_one_cycle")
    assert isinstance(run.scheduler, torch.optim.lr_scheduler.OneCycleLR)
    assert run.scheduler.total_steps == 30
    assert run.scheduler.last_epoch == 30  # not 80 (micro-batches), not 5 (epochs)
    expected = [one_cycle_lr(step, 30) for step in range(30)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert run.lrs.index(max(run.lrs)) == 8  # pct_start * 30 - 1, as the figure says


def test_trainer_runs_quietly(snippet):
    # Progress bar, logger, checkpoints and summary off: nothing on stdout but the prints.
    lines = snippet("lightning_one_cycle").stdout.splitlines()
    assert lines[0] == "30 optimizer steps, 30 learning rates recorded"
    assert lines[1].startswith("final loss ") and lines[1].endswith(", last lr used 4e-07")
    assert len(lines) == 2
