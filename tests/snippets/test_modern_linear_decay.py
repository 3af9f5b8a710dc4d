"""snippets/modern_linear_decay.py: Hugging Face's default schedule, in torch parts."""

import pytest
from hugging_face import assert_same_lrs, hf, linear_decay
from schedules import dummy_optimizer, lrs_used
from torch.optim.lr_scheduler import ConstantLR, LinearLR, SequentialLR

LR, WARMUP, TOTAL = 1e-2, 16, 160


def test_snippet_equals_get_linear_schedule_with_warmup_at_every_step(snippet):
    run = snippet("modern_linear_decay")
    assert (run.namespace["warmup_steps"], run.namespace["total_steps"]) == (WARMUP, TOTAL)
    theirs = lrs_used(hf.get_linear_schedule_with_warmup(dummy_optimizer(LR), WARMUP, TOTAL), TOTAL)
    assert_same_lrs(run.lrs, theirs)
    assert [type(c) for c in run.scheduler._schedulers] == [ConstantLR, LinearLR, LinearLR]
    assert run.scheduler._milestones == [1, WARMUP]


def test_snippet_starts_at_zero_peaks_at_the_milestone_and_ends_one_step_above_zero(snippet):
    lrs = snippet("modern_linear_decay").lrs
    assert lrs[0] == 0.0
    assert lrs[1] == pytest.approx(LR / WARMUP, rel=1e-12)
    assert lrs.index(max(lrs)) == WARMUP and max(lrs) == pytest.approx(LR, rel=1e-12)
    assert lrs[-1] == pytest.approx(LR / (TOTAL - WARMUP), rel=1e-12)


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
