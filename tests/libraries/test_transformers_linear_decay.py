"""transformers' get_linear_schedule_with_warmup
against the torch composition of snippets/modern_linear_decay.py, at every step."""

import pytest
from compositions import assert_same_lrs, linear_decay
from hugging_face import hf
from schedules import dummy_optimizer, lrs_used
from torch.optim.lr_scheduler import LinearLR, SequentialLR

LR, WARMUP, TOTAL = 1e-2, 16, 160


@pytest.mark.parametrize(
    "warmup, total", [(16, 160), (0, 50), (1, 30), (2, 7), (100, 1000), (10, 11)]
)
def test_composition_equals_transformers(warmup, total):
    steps = total + 5  # past the end both hold 0
    ours = lrs_used(linear_decay(dummy_optimizer(LR), warmup, total), steps)
    theirs = lrs_used(hf.get_linear_schedule_with_warmup(dummy_optimizer(LR), warmup, total), steps)
    assert_same_lrs(ours, theirs)


def test_linear_lr_refuses_a_warm_up_from_zero():
    with pytest.raises(
        ValueError, match="^Starting multiplicative factor expected to be greater than 0"
    ):
        LinearLR(dummy_optimizer(LR), start_factor=0.0, total_iters=WARMUP)


def test_the_usual_torch_warm_up_is_one_step_ahead_of_hugging_face():
    optimizer = dummy_optimizer(LR)
    warmup = LinearLR(optimizer, start_factor=1 / 4, total_iters=3)
    decay = LinearLR(optimizer, 1.0, 0.0, total_iters=6)
    usual = lrs_used(SequentialLR(optimizer, [warmup, decay], milestones=[4]), 10)
    theirs = lrs_used(hf.get_linear_schedule_with_warmup(dummy_optimizer(LR), 4, 10), 10)
    assert usual[:4] == pytest.approx([0.0025, 0.005, 0.0075, 0.01], rel=1e-12)
    assert theirs[:4] == pytest.approx([0.0, 0.0025, 0.005, 0.0075], rel=1e-12, abs=0)
    assert usual[4:] == pytest.approx(theirs[4:], rel=1e-12)
