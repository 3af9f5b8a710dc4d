"""snippets/linear_lr.py: the factor moves linearly from start_factor to end_factor, then stays."""

import functools
import re

import pytest
import torch
from schedules import dummy_optimizer, lrs_handed_over, lrs_used

BASE_LR = 0.1
START_FACTOR = 0.1
END_FACTOR = 1.0
TOTAL_ITERS = 10
EPOCHS = 30


def linear_lr(base_lr: float, start: float, end: float, total_iters: int, epoch: int) -> float:
    return base_lr * (start + (end - start) * min(epoch, total_iters) / total_iters)


def linear_lr_recursive(base_lr: float, start: float, end: float, total_iters: int, steps: int):
    """The update torch applies at each step t <= total_iters, as the page writes it."""
    lr = base_lr * start
    lrs = [lr]
    for t in range(1, steps):
        if t <= total_iters:
            lr = lr * (1 + (end - start) / (total_iters * start + (t - 1) * (end - start)))
        lrs.append(lr)
    return lrs


def drive(steps: int, base_lr: float = BASE_LR, **kwargs) -> list[float]:
    scheduler = torch.optim.lr_scheduler.LinearLR(dummy_optimizer(base_lr), **kwargs)
    return lrs_used(scheduler, steps)


def test_lr_warms_up_linearly_over_ten_epochs_then_stays(snippet):
    run = snippet("linear_lr")
    scheduler = run.scheduler
    assert isinstance(scheduler, torch.optim.lr_scheduler.LinearLR)
    assert (scheduler.start_factor, scheduler.end_factor) == (START_FACTOR, END_FACTOR)
    assert (scheduler.total_iters, scheduler.base_lrs) == (TOTAL_ITERS, [BASE_LR])
    expected = [
        linear_lr(BASE_LR, START_FACTOR, END_FACTOR, TOTAL_ITERS, epoch)
        for epoch in range(run.epochs)
    ]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_one_step_per_epoch_with_ramp_and_plateau(snippet):
    run = snippet("linear_lr")
    assert run.epochs == EPOCHS
    assert len(run.lrs) == EPOCHS
    assert run.scheduler.last_epoch == EPOCHS
    assert run.lrs[0] == pytest.approx(0.01, rel=1e-12)
    assert run.lrs[TOTAL_ITERS:] == pytest.approx([0.1] * (EPOCHS - TOTAL_ITERS), rel=1e-12)


@pytest.mark.parametrize(
    ("start", "end", "total_iters"),
    [(1 / 3, 1.0, 5), (0.05, 1.0, 40), (1.0, 0.1, 20), (0.2, 0.6, 7), (0.5, 0.5, 4), (0.3, 1, 1)],
)
def test_torch_matches_the_closed_form_during_and_after_the_ramp(start, end, total_iters):
    steps = total_iters + 5
    expected = [linear_lr(BASE_LR, start, end, total_iters, epoch) for epoch in range(steps)]
    lrs = drive(steps, start_factor=start, end_factor=end, total_iters=total_iters)
    assert lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_torch_follows_the_recursion_exactly_as_the_page_writes_it():
    lrs = drive(30, start_factor=0.05, end_factor=1.0, total_iters=23)
    assert lrs == pytest.approx(linear_lr_recursive(BASE_LR, 0.05, 1.0, 23, 30), rel=1e-12, abs=0)


def test_end_factor_zero_can_leave_a_tiny_positive_lr_instead_of_zero():
    lrs = drive(6, start_factor=1 / 3, end_factor=0.0, total_iters=3)
    assert lrs == pytest.approx(linear_lr_recursive(BASE_LR, 1 / 3, 0.0, 3, 6), rel=1e-12, abs=0)
    assert linear_lr(BASE_LR, 1 / 3, 0.0, 3, 3) == 0.0
    assert 0 < lrs[3] < 1e-17
    assert lrs[3:] == [lrs[3]] * 3


def test_docstring_example_is_one_epoch_ahead_of_the_code():
    docstring = torch.optim.lr_scheduler.LinearLR.__doc__
    assert "scheduler = LinearLR(optimizer, start_factor=0.05, total_iters=40)" in docstring
    claims = re.findall(r"# lr = ([\d.]+)\s+if epoch == (\d+)", docstring)
    assert claims == [("0.003687", "0"), ("0.004875", "1"), ("0.006062", "2"), ("0.00725", "3")]
    lrs = drive(41, base_lr=0.05, start_factor=0.05, total_iters=40)
    assert lrs[0] == pytest.approx(0.0025, rel=1e-12)
    for claimed, epoch in claims:
        assert lrs[int(epoch)] != pytest.approx(float(claimed), abs=1e-6)
        assert lrs[int(epoch) + 1] == pytest.approx(float(claimed), abs=1e-6)
    assert lrs[40] == pytest.approx(0.05, rel=1e-12)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
@pytest.mark.parametrize("start_factor", [0, -0.5, 1.5])
def test_start_factor_must_be_in_zero_exclusive_to_one(start_factor):
    with pytest.raises(ValueError) as raised:
        drive(1, start_factor=start_factor)
    assert str(raised.value) == (
        "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."
    )


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
@pytest.mark.parametrize("end_factor", [-0.1, 1.5])
def test_end_factor_must_be_in_zero_to_one(end_factor):
    with pytest.raises(ValueError) as raised:
        drive(1, end_factor=end_factor)
    assert str(raised.value) == "Ending multiplicative factor expected to be between 0 and 1."


@pytest.mark.parametrize("total_iters", [0, -3])
def test_total_iters_below_one_keeps_start_factor_forever(total_iters):
    lrs = drive(6, start_factor=0.25, total_iters=total_iters)
    assert lrs == pytest.approx([0.025] * 6, rel=1e-12)


@pytest.mark.parametrize("total_iters", [1, 3])
def test_total_iters_of_one_or_more_ramps_to_end_factor(total_iters):
    expected = [linear_lr(BASE_LR, 0.25, 1.0, total_iters, epoch) for epoch in range(6)]
    assert drive(6, start_factor=0.25, total_iters=total_iters) == pytest.approx(
        expected, rel=1e-12, abs=0
    )


def test_a_fractional_total_iters_stops_the_recursion_short_of_the_formula():
    # The page's third exception: torch stops at floor(T) = 2, the formula reaches e at T.
    lrs = drive(5, start_factor=0.25, total_iters=2.5)
    formula = [linear_lr(BASE_LR, 0.25, 1.0, 2.5, epoch) for epoch in range(5)]
    assert lrs[:3] == pytest.approx(formula[:3], rel=1e-12, abs=0)
    assert lrs[3:] == [lrs[2]] * 2
    assert lrs[2] == pytest.approx(0.085, rel=1e-12)
    assert formula[3:] == [pytest.approx(BASE_LR, rel=1e-12)] * 2


def test_lr_never_exceeds_the_optimizers_lr_except_by_rounding():
    above = 0
    for base_lr in (0.1, 0.01, 0.3, 1e-3, 3e-4, 0.05, 1.0, 2e-5):
        for start in (0.1, 1 / 3, 0.01, 0.25, 0.05, 0.5, 1.0):
            for end in (1.0, 0.5):
                for total_iters in (1, 3, 10, 40, 100):
                    lrs = drive(
                        total_iters + 2,
                        base_lr,
                        start_factor=start,
                        end_factor=end,
                        total_iters=total_iters,
                    )
                    assert max(lrs) <= base_lr * (1 + 1e-14)
                    above += max(lrs) > base_lr
    assert above > 0  # "except by rounding": it does happen
    assert drive(41, 0.0003, start_factor=0.05, total_iters=40)[40] == 0.0003000000000000001


# handed_over(steps, **kwargs): A LinearLR behind a SequentialLR hand-over at step 2
handed_over = functools.partial(lrs_handed_over, torch.optim.lr_scheduler.LinearLR)


@pytest.mark.parametrize("total_iters", [0, -1])
def test_total_iters_below_one_keeps_start_factor_first_in_a_sequential_lr(total_iters):
    optimizer = dummy_optimizer(BASE_LR)
    warmup = torch.optim.lr_scheduler.LinearLR(optimizer, 0.25, total_iters=total_iters)
    other = torch.optim.lr_scheduler.ExponentialLR(optimizer, 1.0)
    scheduler = torch.optim.lr_scheduler.SequentialLR(optimizer, [warmup, other], milestones=[8])
    assert lrs_used(scheduler, 6) == pytest.approx([0.025] * 6, rel=1e-12)


def test_a_decay_behind_a_hand_over_follows_the_formula_from_t_zero():
    lrs = handed_over(6, start_factor=1.0, end_factor=0.1, total_iters=2)
    assert lrs == pytest.approx([0.1, 0.1, 0.1, 0.055, 0.01, 0.01], rel=1e-12)


@pytest.mark.torch_versions("2.13")  # quotes torch's text
def test_total_iters_zero_divides_by_zero_at_the_sequential_hand_over():
    with pytest.raises(ZeroDivisionError) as raised:
        handed_over(2, start_factor=1.0, end_factor=0.1, total_iters=0)
    assert str(raised.value) == "float division by zero"
    assert handed_over(1, start_factor=1.0, end_factor=0.1, total_iters=0) == [
        BASE_LR
    ]  # the hand-over is the second step()


def test_negative_total_iters_jumps_to_end_factor_at_the_sequential_hand_over():
    lrs = handed_over(6, start_factor=1.0, end_factor=0.1, total_iters=-1)
    assert lrs == pytest.approx([0.1, 0.1] + [0.01] * 4, rel=1e-12)


@pytest.mark.torch_versions("2.13")  # quotes torch's text
def test_a_list_total_iters_fails_at_the_sequential_hand_over():
    assert handed_over(1, start_factor=0.5, total_iters=[2]) == [
        BASE_LR
    ]  # the hand-over is the second step()
    with pytest.raises(TypeError) as raised:
        handed_over(2, start_factor=0.5, total_iters=[2])
    assert str(raised.value) == "'<' not supported between instances of 'int' and 'list'"
