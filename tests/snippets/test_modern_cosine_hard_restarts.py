"""snippets/modern_cosine_hard_restarts.py: warm-up, then equal cosines that restart at the peak."""

import math

import pytest
from compositions import assert_same_lrs, cosine_hard_restarts
from schedules import dummy_optimizer, lrs_used
from torch.optim.lr_scheduler import ConstantLR, CosineAnnealingWarmRestarts, LinearLR

LR, WARMUP, TOTAL, CYCLES = 1e-2, 16, 160, 4


def formula(step):
    """The page's formula."""
    if step < WARMUP:
        return LR * step / WARMUP
    progress = (step - WARMUP) / (TOTAL - WARMUP)
    return LR * (1 + math.cos(math.pi * (CYCLES * progress % 1))) / 2


def test_snippet_is_the_composition_and_follows_the_formula(snippet):
    run = snippet("modern_cosine_hard_restarts")
    ours = lrs_used(cosine_hard_restarts(dummy_optimizer(LR), WARMUP, TOTAL, CYCLES), TOTAL)
    assert_same_lrs(run.lrs, ours)
    assert_same_lrs(run.lrs, [formula(step) for step in range(TOTAL)])
    children = run.scheduler._schedulers
    assert [type(c) for c in children] == [ConstantLR, LinearLR, CosineAnnealingWarmRestarts]
    assert children[2].T_0 == run.namespace["cycle_steps"] == 36


def test_snippet_restarts_at_the_peak_every_cycle(snippet):
    lrs = snippet("modern_cosine_hard_restarts").lrs
    restarts = [step for step in range(WARMUP, TOTAL) if lrs[step] == pytest.approx(LR, rel=1e-12)]
    assert restarts == [16, 52, 88, 124]
    assert lrs[51] == pytest.approx(LR / 2 * (1 + math.cos(math.pi * 35 / 36)), rel=1e-12)


def test_a_t_0_of_zero_is_refused_with_the_message_on_the_page():
    with pytest.raises(ValueError) as raised:
        CosineAnnealingWarmRestarts(dummy_optimizer(LR), T_0=(20 - 16) // 5)
    assert str(raised.value) == "Expected positive integer T_0, but got 0"
