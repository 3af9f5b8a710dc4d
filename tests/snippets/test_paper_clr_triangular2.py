"""snippets/paper_clr_triangular2.py: CLR triangular2 between 0.001 and 0.006, momentum fixed."""

import math

import pytest
import torch

BASE_LR, MAX_LR = 0.001, 0.006


def clr(iteration: int, stepsize: int, mode: str) -> float:
    """The paper's triangular policy: cycle, position x, and the halving of triangular2."""
    cycle = math.floor(1 + iteration / (2 * stepsize))
    x = abs(iteration / stepsize - 2 * cycle + 1)
    height = (MAX_LR - BASE_LR) * max(0.0, 1 - x)
    return BASE_LR + (height / 2 ** (cycle - 1) if mode == "triangular2" else height)


def test_step_size_is_4_epochs_of_4_iterations(snippet):
    run = snippet("paper_clr_triangular2")
    assert len(run.namespace["loader"]) == 4
    assert isinstance(run.scheduler, torch.optim.lr_scheduler.CyclicLR)
    assert run.scheduler.total_size == 32 and run.scheduler.step_ratio == 0.5  # 16 up, 16 down
    assert run.epochs == 24 and len(run.lrs) == 96  # three cycles


def test_lrs_follow_the_papers_triangular2_formula(snippet):
    run = snippet("paper_clr_triangular2")
    expected = [clr(iteration, 16, "triangular2") for iteration in range(96)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert [run.lrs[i] for i in (16, 48, 80)] == pytest.approx([0.006, 0.0035, 0.00225], rel=1e-12)


def test_momentum_stays_at_0_9(snippet):
    run = snippet("paper_clr_triangular2")
    assert run.scheduler.cycle_momentum is False
    assert run.scheduler.optimizer.param_groups[0]["momentum"] == 0.9
