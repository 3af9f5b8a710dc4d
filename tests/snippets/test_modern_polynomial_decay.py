"""snippets/modern_polynomial_decay.py: warm-up, then a polynomial decay to an end LR."""

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
