"""snippets/chained_scheduler.py: chained schedulers multiply their factors every step."""

import math

import pytest
from schedules import dummy_optimizer, lrs_used
from torch.optim.lr_scheduler import (
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    ReduceLROnPlateau,
    StepLR,
)

# The snippet's chain, restated.
LR = 0.1
FACTOR = 0.1
TOTAL_ITERS = 5
GAMMA = 0.9


# Each child's factor at step t: the LR it would give alone, divided by the initial LR.
def constant(factor, total_iters):
    return lambda t: factor if t < total_iters else 1.0


def exponential(gamma):
    return lambda t: gamma**t


def linear(start_factor, end_factor, total_iters):
    return lambda t: start_factor + (end_factor - start_factor) * min(t, total_iters) / total_iters


def step(step_size, gamma):
    return lambda t: gamma ** (t // step_size)


def multi_step(milestones, gamma):
    return lambda t: gamma ** sum(1 for milestone in milestones if milestone <= t)


def polynomial(total_iters, power):
    return lambda t: (1 - min(t, total_iters) / total_iters) ** power


def cosine(t_max):
    return lambda t: (1 + math.cos(math.pi * t / t_max)) / 2


def chained_lr(base_lr, factors, t):
    """The page's formula: the initial LR times every child's own factor at step t."""
    return base_lr * math.prod(factor(t) for factor in factors)


def test_snippet_scheduler_has_the_restated_parameters(snippet):
    scheduler = snippet("chained_scheduler").scheduler
    assert isinstance(scheduler, ChainedScheduler)
    constant_child, decay = scheduler._schedulers
    assert isinstance(constant_child, ConstantLR) and isinstance(decay, ExponentialLR)
    assert (constant_child.factor, constant_child.total_iters, decay.gamma) == (
        FACTOR,
        TOTAL_ITERS,
        GAMMA,
    )
    assert constant_child.base_lrs == decay.base_lrs == [LR]


def test_snippet_lrs_are_the_product_of_both_factors(snippet):
    run = snippet("chained_scheduler")
    factors = [constant(FACTOR, TOTAL_ITERS), exponential(GAMMA)]
    expected = [chained_lr(LR, factors, epoch) for epoch in range(run.epochs)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_one_step_per_epoch_for_every_child(snippet):
    run = snippet("chained_scheduler")
    assert run.epochs == 30
    assert len(run.lrs) == run.epochs
    assert [child.last_epoch for child in run.scheduler._schedulers] == [30, 30]


def test_lr_jumps_tenfold_when_the_constant_factor_ends(snippet):
    lrs = snippet("chained_scheduler").lrs
    assert lrs[0] == pytest.approx(LR * FACTOR, rel=1e-12)
    assert lrs[TOTAL_ITERS] / lrs[TOTAL_ITERS - 1] == pytest.approx(GAMMA / FACTOR, rel=1e-12)
    assert max(lrs) == lrs[TOTAL_ITERS] == pytest.approx(LR * GAMMA**5, rel=1e-12)


def test_multiplying_children_chain_into_the_product_of_their_factors():
    optimizer = dummy_optimizer(LR)
    children = [
        LinearLR(optimizer, start_factor=0.5, total_iters=6),
        StepLR(optimizer, step_size=4, gamma=0.5),
        MultiStepLR(optimizer, milestones=[3, 9, 9], gamma=0.8),  # 9 twice: 0.8 ** 2 there
        ExponentialLR(optimizer, gamma=0.95),
        MultiplicativeLR(optimizer, lambda epoch: 0.99),
    ]
    scheduler = ChainedScheduler(children)
    factors = [
        linear(0.5, 1.0, 6),
        step(4, 0.5),
        multi_step([3, 9, 9], 0.8),
        exponential(0.95),
        exponential(0.99),  # MultiplicativeLR multiplies by 0.99 from step 1 on
    ]
    expected = [chained_lr(LR, factors, t) for t in range(20)]
    assert lrs_used(scheduler, 20) == pytest.approx(expected, rel=1e-12, abs=0)


def test_polynomial_and_cosine_chain_up_to_their_end():
    optimizer = dummy_optimizer(LR)
    children = [
        PolynomialLR(optimizer, total_iters=12, power=2.0),
        CosineAnnealingLR(optimizer, T_max=16),
        ConstantLR(optimizer, factor=0.5, total_iters=3),
    ]
    scheduler = ChainedScheduler(children)
    factors = [polynomial(12, 2.0), cosine(16), constant(0.5, 3)]
    expected = [chained_lr(LR, factors, t) for t in range(17)]
    lrs = lrs_used(scheduler, 17)
    assert lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert lrs[12:] == [0.0] * 5  # the polynomial reaches zero at its total_iters


def test_cosine_past_t_max_adds_rather_than_multiplies():
    optimizer = dummy_optimizer(LR)
    scheduler = ChainedScheduler(
        [CosineAnnealingLR(optimizer, T_max=4), ExponentialLR(optimizer, gamma=0.5)]
    )
    lrs = lrs_used(scheduler, 7)
    expected = [chained_lr(LR, [cosine(4), exponential(0.5)], t) for t in range(7)]
    assert lrs[:5] == pytest.approx(expected[:5], rel=1e-12, abs=0)
    assert lrs[5] != pytest.approx(expected[5], rel=1e-3)


def test_cosine_with_eta_min_does_not_multiply():
    optimizer = dummy_optimizer(LR)
    scheduler = ChainedScheduler(
        [CosineAnnealingLR(optimizer, T_max=4, eta_min=0.01), ExponentialLR(optimizer, gamma=0.5)]
    )
    lrs = lrs_used(scheduler, 3)
    alone = [0.01 + (LR - 0.01) * cosine(4)(t) for t in range(3)]  # the cosine's own LRs
    product = [alone[t] * 0.5**t for t in range(3)]
    assert lrs[:2] == pytest.approx(product[:2], rel=1e-12, abs=0)  # the cosine steps from 0.1 here
    assert lrs[2] != pytest.approx(product[2], rel=1e-3)


def test_lambda_lr_overwrites_the_chain_so_order_matters():
    results = {}
    for order in ("lambda first", "lambda last"):
        optimizer = dummy_optimizer(LR)
        halving = LambdaLR(optimizer, lambda epoch: 1 / (epoch + 1))
        decay = ExponentialLR(optimizer, gamma=0.5)
        chain = [halving, decay] if order == "lambda first" else [decay, halving]
        results[order] = lrs_used(ChainedScheduler(chain), 5)
    # Neither is the product 0.1 / (t + 1) * 0.5 ** t.
    assert results["lambda first"] == pytest.approx(
        [0.1, 0.1 / 2 * 0.5, 0.1 / 3 * 0.5, 0.1 / 4 * 0.5, 0.1 / 5 * 0.5], rel=1e-12
    )
    assert results["lambda last"] == pytest.approx(
        [0.1, 0.1 / 2, 0.1 / 3, 0.1 / 4, 0.1 / 5], rel=1e-12
    )


def test_docstring_example_values_are_ten_times_too_large():
    optimizer = dummy_optimizer(0.05)
    scheduler = ChainedScheduler(
        [ConstantLR(optimizer, factor=0.1, total_iters=20), ExponentialLR(optimizer, gamma=0.9)],
        optimizer=optimizer,
    )
    lrs = lrs_used(scheduler, 22)
    docstring = {0: 0.05, 1: 0.0450, 2: 0.0405, 19: 0.00675, 20: 0.06078, 21: 0.05470}
    factors = [constant(0.1, 20), exponential(0.9)]
    for epoch, claimed in docstring.items():
        assert lrs[epoch] == pytest.approx(chained_lr(0.05, factors, epoch), rel=1e-12)
        assert lrs[epoch] * 10 == pytest.approx(claimed, rel=1e-3)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_invalid_arguments_raise_these_messages():
    optimizer = dummy_optimizer(LR)
    warmup = ConstantLR(optimizer, factor=0.1, total_iters=5)
    cases = [
        (
            [],
            ValueError,
            "ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.",
        ),
        (
            [warmup, ReduceLROnPlateau(optimizer)],
            ValueError,
            "ChainedScheduler does not support `ReduceLROnPlateau` scheduler as it requires "
            "additional kwargs to be specified when calling `step`, but got one at index 1 "
            "in the given schedulers sequence.",
        ),
        (
            [optimizer],
            TypeError,
            "ChainedScheduler at index 0 should have `optimizer` as its attribute.",
        ),
    ]
    for schedulers, error_type, message in cases:
        with pytest.raises(error_type) as raised:
            ChainedScheduler(schedulers, optimizer=optimizer)
        assert str(raised.value) == message


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_a_child_on_another_optimizer_is_refused():
    optimizer = dummy_optimizer(LR)
    other = ExponentialLR(dummy_optimizer(LR), gamma=0.9)
    with pytest.raises(ValueError) as raised:
        ChainedScheduler([ConstantLR(optimizer), other], optimizer=optimizer)
    assert str(raised.value).splitlines()[0] == (
        "ChainedScheduler expects all schedulers to belong to the same optimizer, but got "
        "scheduler ExponentialLR at index 1 has SGD ("
    )
    assert str(raised.value).endswith("which is different from SGD.")
