"""snippets/constant_lr.py: factor * lr for the first total_iters epochs, then the base lr."""

import functools
import math

import pytest
import torch
from schedules import dummy_optimizer, lrs_handed_over, lrs_used

BASE_LR = 0.1
FACTOR = 0.25
TOTAL_ITERS = 8
EPOCHS = 30


def constant_lr(base_lr: float, factor: float, total_iters: int, epoch: int) -> float:
    return base_lr * factor if epoch < total_iters else base_lr


def drive(steps: int, base_lr: float = BASE_LR, **kwargs) -> list[float]:
    scheduler = torch.optim.lr_scheduler.ConstantLR(dummy_optimizer(base_lr), **kwargs)
    return lrs_used(scheduler, steps)


def test_quarter_lr_for_eight_epochs_then_full_lr(snippet):
    run = snippet("constant_lr")
    scheduler = run.scheduler
    assert isinstance(scheduler, torch.optim.lr_scheduler.ConstantLR)
    assert (scheduler.factor, scheduler.total_iters) == (FACTOR, TOTAL_ITERS)
    assert scheduler.base_lrs == [BASE_LR]
    expected = [constant_lr(BASE_LR, FACTOR, TOTAL_ITERS, epoch) for epoch in range(run.epochs)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_one_step_per_epoch_with_both_phases(snippet):
    run = snippet("constant_lr")
    assert run.epochs == EPOCHS
    assert len(run.lrs) == EPOCHS
    assert run.scheduler.last_epoch == EPOCHS
    assert run.lrs.count(run.lrs[0]) == TOTAL_ITERS
    assert run.lrs[TOTAL_ITERS - 1 : TOTAL_ITERS + 1] == pytest.approx([0.025, 0.1], rel=1e-12)


@pytest.mark.parametrize(
    ("factor", "total_iters"), [(1 / 3, 5), (0.5, 1), (0.5, 3), (1.0, 3), (0.01, 12)]
)
def test_torch_matches_the_formula_before_and_after_total_iters(factor, total_iters):
    steps = total_iters + 4
    expected = [constant_lr(BASE_LR, factor, total_iters, epoch) for epoch in range(steps)]
    lrs = drive(steps, factor=factor, total_iters=total_iters)
    assert lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_defaults_are_a_third_for_five_epochs():
    expected = [constant_lr(BASE_LR, 1 / 3, 5, epoch) for epoch in range(8)]
    assert drive(8) == pytest.approx(expected, rel=1e-12, abs=0)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
@pytest.mark.parametrize("factor", [1.5, -0.1])
def test_factor_outside_zero_to_one_is_refused(factor):
    with pytest.raises(ValueError) as raised:
        drive(1, factor=factor)
    assert str(raised.value) == "Constant multiplicative factor expected to be between 0 and 1."


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_factor_zero_is_accepted_but_the_total_iters_th_step_fails():
    optimizer = dummy_optimizer(BASE_LR)
    scheduler = torch.optim.lr_scheduler.ConstantLR(optimizer, factor=0, total_iters=3)
    for _ in range(2):
        optimizer.step()
        scheduler.step()
    assert scheduler.get_last_lr() == [0.0]
    optimizer.step()
    with pytest.raises(ZeroDivisionError) as raised:
        scheduler.step()  # the third step would restore the base LR: lr * (1 / factor)
    assert str(raised.value) == "float division by zero"


@pytest.mark.parametrize("total_iters", [0, -1, 2.5])
def test_factor_stays_forever_unless_total_iters_is_a_positive_integer(total_iters):
    assert drive(6, factor=0.5, total_iters=total_iters) == pytest.approx([0.05] * 6, rel=1e-12)


def test_the_jump_back_returns_to_the_lr_only_up_to_rounding():
    # Two multiplications, by f and by 1/f: at most one unit in the last place off.
    off = []
    for base_lr in (0.1, 0.01, 0.3, 1e-3, 3e-4, 0.05, 1.0, 2e-5):
        for factor in (1 / 3, 0.1, 0.3, 0.7, 0.25, 0.5, 0.9, 0.05):
            restored = drive(4, base_lr, factor=factor, total_iters=2)[3]
            assert abs(restored - base_lr) <= math.ulp(base_lr)
            off += [(base_lr, factor)] if restored != base_lr else []
    assert (0.01, 1 / 3) in off  # the default factor, named on the page
    assert drive(4, 0.1, factor=0.7, total_iters=2)[3] == 0.09999999999999999


# handed_over(steps, **kwargs): A ConstantLR(factor=0.5) behind a SequentialLR hand-over at step 2
handed_over = functools.partial(lrs_handed_over, torch.optim.lr_scheduler.ConstantLR, factor=0.5)


@pytest.mark.parametrize("total_iters", [0, -1, 2.5, [2]])
def test_factor_stays_forever_first_in_a_sequential_lr_or_inside_a_chained_scheduler(
    total_iters,
):
    for wrap in ("sequential", "chained"):
        optimizer = dummy_optimizer(BASE_LR)
        damped = torch.optim.lr_scheduler.ConstantLR(optimizer, 0.5, total_iters=total_iters)
        other = torch.optim.lr_scheduler.ExponentialLR(optimizer, 1.0)
        scheduler = (
            torch.optim.lr_scheduler.SequentialLR(optimizer, [damped, other], milestones=[8])
            if wrap == "sequential"
            else torch.optim.lr_scheduler.ChainedScheduler([damped, other])
        )
        assert lrs_used(scheduler, 6) == pytest.approx([0.05] * 6, rel=1e-12), wrap


def test_the_page_example_behind_a_hand_over_removes_the_factor_at_total_iters():
    assert handed_over(6, total_iters=2) == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.1, 0.1])


@pytest.mark.parametrize("total_iters", [0, -1])
def test_total_iters_below_one_never_applies_the_factor_behind_a_sequential_hand_over(
    total_iters,
):
    assert handed_over(6, total_iters=total_iters) == [BASE_LR] * 6


def test_a_fractional_total_iters_keeps_the_factor_behind_a_hand_over_too():
    assert handed_over(6, total_iters=2.5) == pytest.approx([0.1, 0.1] + [0.05] * 4, rel=1e-12)


@pytest.mark.torch_versions("2.13")  # quotes torch's text
def test_a_list_total_iters_fails_at_the_sequential_hand_over():
    optimizer = dummy_optimizer(BASE_LR)
    hold = torch.optim.lr_scheduler.ConstantLR(optimizer, factor=1.0, total_iters=2)
    damped = torch.optim.lr_scheduler.ConstantLR(optimizer, factor=0.5, total_iters=[2])
    scheduler = torch.optim.lr_scheduler.SequentialLR(optimizer, [hold, damped], milestones=[2])
    optimizer.step()
    scheduler.step()  # step 1: still the hold
    optimizer.step()
    with pytest.raises(TypeError) as raised:
        scheduler.step()  # step 2: the hand-over
    assert str(raised.value) == "'>=' not supported between instances of 'int' and 'list'"
