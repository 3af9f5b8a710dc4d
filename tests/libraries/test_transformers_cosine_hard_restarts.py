"""transformers' get_cosine_with_hard_restarts_schedule_with_warmup
against the torch composition of snippets/modern_cosine_hard_restarts.py, at every step."""

import math

import pytest
from compositions import assert_same_lrs, cosine_hard_restarts
from hugging_face import hf
from schedules import dummy_optimizer, lrs_used

LR, WARMUP, TOTAL, CYCLES = 1e-2, 16, 160, 4


def hf_restarts(optimizer, warmup, total, cycles):
    return hf.get_cosine_with_hard_restarts_schedule_with_warmup(
        optimizer, warmup, total, num_cycles=cycles
    )


@pytest.mark.parametrize(
    "warmup, total, cycles", [(16, 160, 4), (10, 100, 3), (5, 45, 4), (1, 21, 5), (0, 30, 1)]
)
def test_composition_equals_transformers_when_the_cycles_divide_the_decay(warmup, total, cycles):
    ours = lrs_used(cosine_hard_restarts(dummy_optimizer(LR), warmup, total, cycles), total)
    theirs = lrs_used(hf_restarts(dummy_optimizer(LR), warmup, total, cycles), total)
    assert_same_lrs(ours, theirs)


def test_cycles_that_do_not_divide_the_decay_restart_between_steps():
    # 10 decay steps in 3 cycles: a cycle of 3.33 steps, which no T_0 can be.
    theirs = lrs_used(hf_restarts(dummy_optimizer(LR), 0, 10, 3), 10)
    restarts = [step for step, lr in enumerate(theirs) if lr == pytest.approx(LR, rel=1e-12)]
    assert restarts == [0]  # step 4 and 7 start 0.2 and 0.1 of the way into a cycle
    assert theirs[4] == pytest.approx(LR / 2 * (1 + math.cos(math.pi * 0.2)), rel=1e-12)
    with pytest.raises(ValueError, match="whole number of steps"):
        cosine_hard_restarts(dummy_optimizer(LR), 0, 10, 3)


def test_past_the_end_hugging_face_holds_zero_and_the_restarts_go_on():
    ours = lrs_used(cosine_hard_restarts(dummy_optimizer(LR), 2, 10, 2), 14)
    theirs = lrs_used(hf_restarts(dummy_optimizer(LR), 2, 10, 2), 14)
    assert theirs[10:] == [0.0] * 4
    expected = [LR / 2 * (1 + math.cos(math.pi * k / 4)) for k in range(4)]
    assert ours[10:] == pytest.approx(expected, rel=1e-12)  # a third cycle begins
