"""snippets/modern_polynomial_decay.py: warm-up, then a polynomial decay to an end LR."""

import pytest
from compositions import assert_same_lrs, polynomial_decay
from schedules import dummy_optimizer, lrs_used
from torch.optim.lr_scheduler import ConstantLR, LinearLR, PolynomialLR

LR, WARMUP, TOTAL = 1e-2, 16, 160


def formula(step, power=2.0):
    """The page's formula with lr_end = 0."""
    if step < WARMUP:
        return LR * step / WARMUP
    return LR * (1 - (step - WARMUP) / (TOTAL - WARMUP)) ** power


def test_snippet_is_the_composition_and_follows_the_formula(snippet):
    run = snippet("modern_polynomial_decay")
    ours = polynomial_decay(dummy_optimizer(LR, lr=LR), WARMUP, TOTAL, 0.0, 2.0)
    assert_same_lrs(run.lrs, lrs_used(ours, TOTAL))
    assert_same_lrs(run.lrs, [formula(step) for step in range(TOTAL)])
    children = run.scheduler._schedulers
    assert [type(c) for c in children] == [ConstantLR, LinearLR, PolynomialLR]
    assert (children[2].total_iters, children[2].power) == (TOTAL - WARMUP, 2.0)


def test_a_negative_power_divides_by_zero_at_the_last_step():
    scheduler = polynomial_decay(dummy_optimizer(LR, lr=LR), 2, 10, 0.0, -1.0)
    lrs = lrs_used(scheduler, 9)  # steps 0-8 run
    assert lrs[8] == pytest.approx(LR * 4, rel=1e-12)  # (1 - 6/8) ** -1: climbing, not decaying
    with pytest.raises(ZeroDivisionError):
        scheduler.optimizer.step()
        scheduler.step()  # the decay's step 8 of 8: 0.0 ** -1.0
