"""snippets/polynomial_lr.py: lr * (1 - t / total_iters) ** power, reaching 0 at total_iters."""

import functools
import re

import pytest
import torch
from schedules import dummy_optimizer, lrs_handed_over, lrs_used

BASE_LR = 0.1
TOTAL_ITERS = 40
POWER = 2.0
EPOCHS = 40


def polynomial_lr(base_lr: float, total_iters: int, power: float, epoch: int) -> float:
    return base_lr * (1 - min(epoch, total_iters) / total_iters) ** power


def drive(steps: int, base_lr: float = BASE_LR, **kwargs) -> list[float]:
    scheduler = torch.optim.lr_scheduler.PolynomialLR(dummy_optimizer(base_lr), **kwargs)
    return lrs_used(scheduler, steps)


def test_lr_decays_quadratically_over_the_whole_run(snippet):
    run = snippet("polynomial_lr")
    scheduler = run.scheduler
    assert isinstance(scheduler, torch.optim.lr_scheduler.PolynomialLR)
    assert (scheduler.total_iters, scheduler.power) == (TOTAL_ITERS, POWER)
    assert scheduler.base_lrs == [BASE_LR]
    expected = [polynomial_lr(BASE_LR, TOTAL_ITERS, POWER, epoch) for epoch in range(run.epochs)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_one_step_per_epoch_ending_just_before_zero(snippet):
    run = snippet("polynomial_lr")
    assert run.epochs == EPOCHS == TOTAL_ITERS
    assert len(run.lrs) == EPOCHS
    assert run.scheduler.last_epoch == EPOCHS
    assert run.lrs[-1] > 0
    assert run.scheduler.get_last_lr() == [0.0]  # the LR an epoch 41 would use


@pytest.mark.parametrize(
    ("total_iters", "power"),
    [(5, 1.0), (50, 0.9), (40, 2.0), (100, 3.0), (1000, 0.5), (7, 1.7), (1, 2.0)],
)
def test_torch_matches_the_closed_form_and_stays_at_zero(total_iters, power):
    steps = total_iters + 6
    expected = [polynomial_lr(BASE_LR, total_iters, power, epoch) for epoch in range(steps)]
    lrs = drive(steps, total_iters=total_iters, power=power)
    assert lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert lrs[total_iters:] == [0.0] * 6


def test_docstring_example_is_one_epoch_ahead_of_the_code():
    docstring = torch.optim.lr_scheduler.PolynomialLR.__doc__
    assert "scheduler = PolynomialLR(optimizer, total_iters=50, power=0.9)" in docstring
    claims = re.findall(r"# lr = ([\d.]+)\s+if epoch == (\d+)", docstring)
    assert claims == [("0.0490", "0"), ("0.0481", "1"), ("0.0472", "2")]
    lrs = drive(51, base_lr=0.05, total_iters=50, power=0.9)
    assert lrs[0] == 0.05
    for claimed, epoch in claims:
        # each claim is the next epoch's LR, cut (not rounded) to four digits
        assert int(lrs[int(epoch) + 1] * 1e4) / 1e4 == float(claimed)
        assert round(lrs[int(epoch) + 1], 4) != float(claimed)
    assert lrs[50] == 0.0


def test_the_default_total_iters_reaches_zero_after_five_steps():
    lrs = drive(8, power=0.9)
    expected = [polynomial_lr(BASE_LR, 5, 0.9, epoch) for epoch in range(8)]
    assert lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert lrs[4] > 0
    assert lrs[5:] == [0.0] * 3


@pytest.mark.parametrize("total_iters", [0, -2])
def test_total_iters_below_one_never_decays(total_iters):
    assert drive(5, total_iters=total_iters) == [BASE_LR] * 5


def test_power_zero_keeps_the_lr_constant():
    assert drive(5, total_iters=3, power=0.0) == [BASE_LR] * 5


def test_a_fractional_total_iters_stops_at_its_floor_short_of_zero():
    lrs = drive(6, total_iters=2.5, power=1.0)
    expected = [polynomial_lr(BASE_LR, 2.5, 1.0, epoch) for epoch in range(3)]
    assert lrs[:3] == pytest.approx(expected, rel=1e-12, abs=0)
    assert lrs[3:] == [lrs[2]] * 3
    assert lrs[2] > 0


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_a_negative_power_fails_at_the_total_iters_th_step():
    optimizer = dummy_optimizer(BASE_LR)
    scheduler = torch.optim.lr_scheduler.PolynomialLR(optimizer, total_iters=3, power=-1.0)
    for _ in range(2):
        optimizer.step()
        scheduler.step()
    optimizer.step()
    with pytest.raises(ZeroDivisionError) as raised:
        scheduler.step()
    assert str(raised.value) == "0.0 cannot be raised to a negative power"


@pytest.mark.parametrize("total_iters", [0.5, 2.5, 7.25])
def test_closed_form_and_recursion_part_for_a_fractional_total_iters(total_iters):
    floor = int(total_iters)
    lrs = drive(floor + 4, total_iters=total_iters, power=2.0)
    closed_form = [polynomial_lr(BASE_LR, total_iters, 2.0, t) for t in range(floor + 4)]
    assert lrs[: floor + 1] == pytest.approx(closed_form[: floor + 1], rel=1e-12, abs=0)
    assert lrs[floor + 1 :] == [lrs[floor]] * 3 and lrs[floor] > 0  # above zero for good
    assert closed_form[floor + 1 :] == [0.0] * 3


@pytest.mark.parametrize("total_iters", [0, -1])
def test_closed_form_and_recursion_part_for_total_iters_below_one(total_iters):
    assert drive(4, total_iters=total_iters) == [BASE_LR] * 4


# handed_over(steps, **kwargs): A PolynomialLR behind a SequentialLR hand-over at step 2
handed_over = functools.partial(lrs_handed_over, torch.optim.lr_scheduler.PolynomialLR)


def test_a_decay_behind_a_hand_over_follows_the_closed_form_from_t_zero():
    expected = [BASE_LR, BASE_LR] + [polynomial_lr(BASE_LR, 4, 1.0, t) for t in range(4)]
    assert handed_over(6, total_iters=4) == pytest.approx(expected, rel=1e-12)


@pytest.mark.torch_versions("2.13")  # quotes torch's text
def test_total_iters_zero_divides_by_zero_at_the_sequential_hand_over():
    assert handed_over(1, total_iters=0) == [BASE_LR]  # the hand-over is the second step()
    with pytest.raises(ZeroDivisionError) as raised:
        handed_over(2, total_iters=0)
    assert str(raised.value) == "division by zero"


@pytest.mark.parametrize("power", [1.0, 2.0, 0.5])
def test_negative_total_iters_drops_the_lr_to_zero_at_the_sequential_hand_over(power):
    assert handed_over(6, total_iters=-1, power=power) == [BASE_LR] * 2 + [0.0] * 4


@pytest.mark.torch_versions("2.13")  # quotes torch's text
def test_a_list_total_iters_fails_at_the_sequential_hand_over():
    assert handed_over(1, total_iters=[4]) == [BASE_LR]  # the hand-over is the second step()
    with pytest.raises(TypeError) as raised:
        handed_over(2, total_iters=[4])
    assert str(raised.value) == "'<' not supported between instances of 'int' and 'list'"


@pytest.mark.parametrize("total_iters", [0, -1])
def test_total_iters_below_one_never_decays_first_in_a_sequential_lr(total_iters):
    optimizer = dummy_optimizer(BASE_LR)
    decay = torch.optim.lr_scheduler.PolynomialLR(optimizer, total_iters=total_iters)
    other = torch.optim.lr_scheduler.ExponentialLR(optimizer, 1.0)
    scheduler = torch.optim.lr_scheduler.SequentialLR(optimizer, [decay, other], milestones=[8])
    assert lrs_used(scheduler, 6) == [BASE_LR] * 6
