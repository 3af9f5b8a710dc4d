"""snippets/modern_linear_decay.py: Hugging Face's default schedule, in torch parts."""

import pytest
from compositions import assert_same_lrs, linear_decay
from schedules import dummy_optimizer, lrs_used
from torch.optim.lr_scheduler import ConstantLR, LinearLR

LR, WARMUP, TOTAL = 1e-2, 16, 160


def formula(step):
    """The page's formula."""
    if step < WARMUP:
        return LR * step / WARMUP
    return LR * (TOTAL - step) / (TOTAL - WARMUP)


def test_snippet_is_the_composition_and_follows_the_formula(snippet):
    run = snippet("modern_linear_decay")
    assert (run.namespace["warmup_steps"], run.namespace["total_steps"]) == (WARMUP, TOTAL)
    assert_same_lrs(run.lrs, lrs_used(linear_decay(dummy_optimizer(LR), WARMUP, TOTAL), TOTAL))
    assert_same_lrs(run.lrs, [formula(step) for step in range(TOTAL)])
    assert [type(c) for c in run.scheduler._schedulers] == [ConstantLR, LinearLR, LinearLR]
    assert run.scheduler._milestones == [1, WARMUP]


def test_snippet_starts_at_zero_peaks_at_the_milestone_and_ends_one_step_above_zero(snippet):
    lrs = snippet("modern_linear_decay").lrs
    assert lrs[0] == 0.0
    assert lrs[1] == pytest.approx(LR / WARMUP, rel=1e-12)
    assert lrs.index(max(lrs)) == WARMUP and max(lrs) == pytest.approx(LR, rel=1e-12)
    assert lrs[-1] == pytest.approx(LR / (TOTAL - WARMUP), rel=1e-12)
