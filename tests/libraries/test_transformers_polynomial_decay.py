"""transformers' get_polynomial_decay_schedule_with_warmup
against the torch composition of snippets/modern_polynomial_decay.py, at every step."""

import pytest
from compositions import assert_same_lrs, polynomial_decay
from hugging_face import hf
from schedules import dummy_optimizer, lrs_used
from torch.optim.lr_scheduler import LambdaLR, LinearLR, PolynomialLR

LR, WARMUP, TOTAL = 1e-2, 16, 160


def hf_polynomial(optimizer, warmup, total, lr_end, power):
    return hf.get_polynomial_decay_schedule_with_warmup(
        optimizer, warmup, total, lr_end=lr_end, power=power
    )


@pytest.mark.parametrize(
    "warmup, total, lr_end, power, kind",
    [
        (16, 160, 0.0, 2.0, PolynomialLR),
        (10, 100, 0.0, 0.5, PolynomialLR),
        (0, 40, 0.0, 3.0, PolynomialLR),
        (10, 100, 1e-3, 1.0, LinearLR),
        (1, 30, 5e-3, 1.0, LinearLR),
        (10, 100, 1e-3, 2.0, LambdaLR),
        (100, 1000, 1e-4, 0.5, LambdaLR),
    ],
)
def test_composition_equals_transformers(warmup, total, lr_end, power, kind):
    # Past the end too: both hold lr_end.
    scheduler = polynomial_decay(dummy_optimizer(LR, lr=LR), warmup, total, lr_end, power)
    decay = scheduler._schedulers[-1] if warmup else scheduler
    assert type(decay) is kind
    ours = lrs_used(scheduler, total + 5)
    theirs = lrs_used(
        hf_polynomial(dummy_optimizer(LR, lr=LR), warmup, total, lr_end, power), total + 5
    )
    assert_same_lrs(ours, theirs)


def test_the_default_end_lr_needs_an_absolute_tolerance():
    # lr_end=1e-7 (the default) is 1e-5 of the peak. LinearLR's chainable form rounds each step
    # relative to the LR it started from, which leaves 3e-18 on 1e-7: 3e-11 relative, 3e-16 of
    # the peak. Hence an absolute tolerance of 1e-15 times the peak for this one comparison.
    ours = lrs_used(polynomial_decay(dummy_optimizer(LR, lr=LR), 10, 100, 1e-7, 1.0), 105)
    theirs = lrs_used(hf_polynomial(dummy_optimizer(LR, lr=LR), 10, 100, 1e-7, 1.0), 105)
    assert_same_lrs(ours, theirs, abs=1e-15 * LR)
    with pytest.raises(AssertionError):
        assert_same_lrs(ours, theirs)


def test_an_end_lr_is_of_the_optimizer_default_not_of_each_group():
    # Hugging Face scales every group by (lr - lr_end) / lr of optimizer.defaults: a group at
    # a tenth of the default LR ends at a tenth of lr_end.
    def end_of(group):
        scheduler = hf_polynomial(dummy_optimizer(LR, LR / 10, lr=LR), 0, 10, 1e-3, 1.0)
        return lrs_used(scheduler, 11, group=group)[-1]

    assert end_of(0) == pytest.approx(1e-3, rel=1e-12)
    assert end_of(1) == pytest.approx(1e-4, rel=1e-12)


def test_an_end_lr_at_or_above_lr_is_refused():
    with pytest.raises(ValueError) as raised:
        hf_polynomial(dummy_optimizer(LR, lr=LR), 10, 100, LR, 1.0)
    assert str(raised.value) == "lr_end (0.01) must be smaller than initial lr (0.01)"
