"""transformers' get_cosine_with_min_lr_schedule_with_warmup and get_cosine_schedule_with_warmup
against the torch composition of snippets/modern_cosine_min_lr.py, at every step."""

import math

import pytest
from compositions import assert_same_lrs, cosine
from hugging_face import hf
from schedules import dummy_optimizer, lrs_used
from torch.optim.lr_scheduler import LambdaLR

LR, WARMUP, TOTAL, RATIO = 1e-2, 16, 160, 0.1


def hf_cosine_min_lr(optimizer, warmup, total, **kwargs):
    return hf.get_cosine_with_min_lr_schedule_with_warmup(optimizer, warmup, total, **kwargs)


@pytest.mark.parametrize(
    "warmup, total, ratio",
    [(16, 160, 0.1), (0, 40, 0.0), (1, 30, 0.5), (100, 1000, 0.01), (5, 45, 1.0)],
)
def test_composition_equals_transformers(warmup, total, ratio):
    # Compared over the run and 10 steps past it, where both cosines climb again.
    ours = lrs_used(cosine(dummy_optimizer(LR), warmup, total, ratio), total + 10)
    theirs = lrs_used(
        hf_cosine_min_lr(dummy_optimizer(LR), warmup, total, min_lr_rate=ratio), total + 10
    )
    assert_same_lrs(ours, theirs)


@pytest.mark.parametrize("warmup, total", [(16, 160), (0, 40), (1, 30), (100, 1000)])
def test_zero_floor_equals_get_cosine_schedule_with_warmup(warmup, total):
    ours = lrs_used(cosine(dummy_optimizer(LR), warmup, total), total)
    theirs = lrs_used(hf.get_cosine_schedule_with_warmup(dummy_optimizer(LR), warmup, total), total)
    assert_same_lrs(ours, theirs)


def test_a_ratio_is_per_group_but_eta_min_is_one_lr_for_all():
    # Two groups, the second at a tenth of the first: Hugging Face's floor is 10 % of each.
    theirs = hf_cosine_min_lr(dummy_optimizer(LR, LR / 10), 2, 12, min_lr_rate=RATIO)
    eta_min = cosine(dummy_optimizer(LR, LR / 10), 2, 12, RATIO)
    assert lrs_used(theirs, 12, group=1)[-1] == pytest.approx(1.2202456766718093e-4, rel=1e-12)
    # eta_min = 0.1 * 1e-2 is the second group's own LR: its cosine is flat.
    assert lrs_used(eta_min, 12, group=1)[2:] == pytest.approx([LR / 10] * 10, rel=1e-12)


def test_min_lr_is_turned_into_a_ratio_of_the_optimizer_default_lr():
    # min_lr=1e-3 with defaults lr 1e-2 is a ratio of 0.1 for every group, whatever its LR.
    optimizer = dummy_optimizer(LR, LR / 10, lr=LR)
    by_lr = lrs_used(hf_cosine_min_lr(optimizer, 2, 12, min_lr=1e-3), 12, group=1)
    by_ratio = lrs_used(
        hf_cosine_min_lr(dummy_optimizer(LR, LR / 10, lr=LR), 2, 12, min_lr_rate=0.1), 12, group=1
    )
    assert by_lr == by_ratio


def test_one_lambda_lr_keeps_the_ratio_in_every_group():
    def factor(step, warmup=2, total=12):
        if step < warmup:
            return step / warmup
        progress = (step - warmup) / (total - warmup)
        return RATIO + (1 - RATIO) * 0.5 * (1 + math.cos(math.pi * progress))

    for group in (0, 1):
        ours = lrs_used(LambdaLR(dummy_optimizer(LR, LR / 10), factor), 12, group=group)
        theirs = hf_cosine_min_lr(dummy_optimizer(LR, LR / 10), 2, 12, min_lr_rate=RATIO)
        assert_same_lrs(ours, lrs_used(theirs, 12, group=group))
