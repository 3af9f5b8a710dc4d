"""snippets/paper_goyal_warmup.py: per-iteration warm-up from 0.1 to 0.8, then /10 at 30, 60, 80."""

import math

import pytest
import torch
from snippet_variants import CLASSIFIER_TO_REGRESSION, run_variant

ITERS = 2  # per epoch, shortened


def goyal(iteration: int) -> float:
    warmup_iterations = 5 * ITERS
    if iteration < warmup_iterations:  # from eta = 0.1, a constant increment per iteration
        return 0.1 + (0.8 - 0.1) * iteration / warmup_iterations
    epoch = iteration // ITERS
    return 0.8 * 0.1 ** sum(epoch >= milestone for milestone in (30, 60, 80))


def test_settings(snippet):
    run = snippet("paper_goyal_warmup")
    assert isinstance(run.scheduler, torch.optim.lr_scheduler.ChainedScheduler)
    assert len(run.namespace["loader"]) == ITERS
    assert run.epochs == 90 and len(run.lrs) == 180
    warmup, decay = run.scheduler._schedulers
    assert (warmup.start_factor, warmup.total_iters) == (1 / 8, 10)
    assert sorted(decay.milestones) == [60, 120, 160] and decay.gamma == 0.1
    group = run.scheduler.optimizer.param_groups[0]
    assert (group["initial_lr"], group["momentum"], group["weight_decay"]) == (0.8, 0.9, 1e-4)


def test_lrs_follow_the_papers_warm_up_and_steps(snippet):
    run = snippet("paper_goyal_warmup")
    assert run.lrs == pytest.approx([goyal(i) for i in range(180)], rel=1e-12, abs=0)
    assert run.lrs[0] == pytest.approx(0.1, rel=1e-12)
    assert run.lrs.index(max(run.lrs)) == 10 and max(run.lrs) == pytest.approx(0.8, rel=1e-12)
    assert [run.lrs[i] for i in (59, 60, 120, 160)] == pytest.approx(
        [0.8, 0.08, 0.008, 0.0008], rel=1e-12
    )


def test_regression_on_the_same_inputs_diverges_at_0_8():
    namespace = run_variant("paper_goyal_warmup", CLASSIFIER_TO_REGRESSION)
    assert math.isnan(namespace["loss"].item())
