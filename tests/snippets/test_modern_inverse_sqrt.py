"""snippets/modern_inverse_sqrt.py: warm-up, 1/sqrt decay, and a linear cool-down to zero."""

import pytest
from compositions import assert_same_lrs, inverse_sqrt
from schedules import dummy_optimizer, lrs_used
from torch.optim.lr_scheduler import ConstantLR, LambdaLR, LinearLR

LR, WARMUP, TOTAL, COOLDOWN = 1e-2, 16, 160, 32


def expected_lr(step):
    """The page's formula, with the cool-down; Hugging Face has none."""
    start = TOTAL - COOLDOWN
    if step < WARMUP:
        return LR * step / WARMUP
    if step < start:
        return LR * (WARMUP / (step - WARMUP + WARMUP)) ** 0.5
    reached = (WARMUP / (start - WARMUP + WARMUP)) ** 0.5
    return LR * reached * (1 - (step - start) / COOLDOWN)


def test_snippet_is_the_composition_until_the_cool_down(snippet):
    run = snippet("modern_inverse_sqrt")
    start = run.namespace["cooldown_start"]
    assert start == TOTAL - COOLDOWN
    theirs = lrs_used(inverse_sqrt(dummy_optimizer(LR), WARMUP), TOTAL)
    assert_same_lrs(run.lrs[:start], theirs[:start])
    assert run.lrs[start] == pytest.approx(theirs[start], rel=1e-12)  # the cool-down's step 0
    assert run.lrs[-1] < theirs[-1] / 20
    children = [type(c) for c in run.scheduler._schedulers]
    assert children == [ConstantLR, LinearLR, LambdaLR, LinearLR]


def test_snippet_follows_the_formula_with_its_cool_down(snippet):
    lrs = snippet("modern_inverse_sqrt").lrs
    assert lrs == pytest.approx([expected_lr(step) for step in range(TOTAL)], rel=1e-12, abs=0)
    assert lrs[4 * WARMUP] == pytest.approx(LR / 2, rel=1e-12)  # a quarter: (1/4) ** 0.5


def test_a_timescale_of_zero_divides_by_zero_at_the_hand_over():
    from torch.optim.lr_scheduler import LambdaLR, LinearLR, SequentialLR

    optimizer = dummy_optimizer(LR)
    warmup = LinearLR(optimizer, start_factor=0.25, total_iters=4)
    with pytest.raises(ZeroDivisionError):
        decay = LambdaLR(optimizer, lambda step: (0 / (step + 0)) ** 0.5)
        lrs_used(SequentialLR(optimizer, [warmup, decay], milestones=[4]), 6)


def test_the_timescale_sets_the_lr_a_thousand_steps_after_the_peak():
    def lr_after(steps, warmup, timescale):
        scheduler = inverse_sqrt(dummy_optimizer(LR), warmup, timescale)
        return lrs_used(scheduler, warmup + steps + 1)[-1]

    assert lr_after(1000, 16, 16) == pytest.approx(LR * (16 / 1016) ** 0.5, rel=1e-12)
    assert lr_after(1000, 160, 160) == pytest.approx(lr_after(1000, 16, 160), rel=1e-12)
