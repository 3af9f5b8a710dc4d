"""snippets/paper_goyal_warmup.py: per-iteration warm-up from 0.1 to 0.8, then /10 at 30, 60, 80."""

import math
import re

import pytest
import torch

from runner.snippets import SNIPPETS_DIR

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
    source = (SNIPPETS_DIR / "paper_goyal_warmup.py").read_text()
    source, swapped = re.subn(
        r"\(inputs\.sum\(dim=1, keepdim=True\) > 0\)\.float\(\)",
        "inputs.sum(dim=1, keepdim=True)",
        source,
    )
    source, swapped_loss = re.subn(r"nn\.BCEWithLogitsLoss\(\)", "nn.MSELoss()", source)
    assert swapped == swapped_loss == 1
    namespace = {"__name__": "__main__", "print": lambda *args: None}
    exec(compile(source, "paper_goyal_warmup_as_regression", "exec"), namespace)
    assert math.isnan(namespace["loss"].item())
