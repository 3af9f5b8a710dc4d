"""snippets/modern_warmup_stable_decay.py: warm-up, a long stable phase, a short cool-down."""

import pytest
from compositions import assert_same_lrs, wsd
from schedules import dummy_optimizer, lrs_used
from torch.optim.lr_scheduler import ConstantLR, LinearLR

LR, WARMUP, STABLE, DECAY = 1e-2, 16, 112, 32
TOTAL = WARMUP + STABLE + DECAY


def formula(step):
    """The page's formula with the linear cool-down."""
    if step < WARMUP:
        return LR * step / WARMUP
    if step < WARMUP + STABLE:
        return LR
    return LR * (1 - (step - WARMUP - STABLE) / DECAY)


def test_snippet_is_the_composition_and_follows_the_formula(snippet):
    run = snippet("modern_warmup_stable_decay")
    assert run.namespace["stable_steps"] == STABLE and len(run.lrs) == TOTAL
    ours = wsd(dummy_optimizer(LR), WARMUP, STABLE, DECAY, "linear")
    assert_same_lrs(run.lrs, lrs_used(ours, TOTAL))
    assert_same_lrs(run.lrs, [formula(step) for step in range(TOTAL)])
    assert [type(c) for c in run.scheduler._schedulers] == [ConstantLR, LinearLR, LinearLR]
    assert run.scheduler._milestones == [1, WARMUP + STABLE]


def test_snippet_holds_the_peak_through_the_stable_phase(snippet):
    lrs = snippet("modern_warmup_stable_decay").lrs
    assert lrs[WARMUP : WARMUP + STABLE] == pytest.approx([LR] * STABLE, rel=1e-12)
    assert lrs[-1] == pytest.approx(LR / DECAY, rel=1e-12)


def test_what_the_parameters_table_says_is_rejected():
    with pytest.raises(ValueError) as raised:
        wsd(dummy_optimizer(LR), 4, 2, 4, "linear", min_lr_ratio=1.5)
    assert str(raised.value) == (
        "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."
    )
    for decay_type in ("linear", "cosine"):
        scheduler = wsd(dummy_optimizer(LR), 4, 2, 0, decay_type)
        with pytest.raises(ZeroDivisionError):
            lrs_used(scheduler, 7)  # the hand-over at step 6


def test_stepped_past_its_end_the_1_sqrt_cool_down_goes_negative():
    lrs = lrs_used(wsd(dummy_optimizer(LR), 4, 2, 4, "1-sqrt"), 12)
    assert lrs[10] == 0.0
    assert lrs[11] == pytest.approx(LR * (1 - (5 / 4) ** 0.5), rel=1e-12)
    assert lrs[11] < 0
