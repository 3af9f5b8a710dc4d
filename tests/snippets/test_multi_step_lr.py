"""snippets/multi_step_lr.py: the LR is multiplied by gamma at each milestone; repeats compound."""

from collections import Counter

import pytest
import torch
from schedules import dummy_optimizer, lrs_used

BASE_LR = 0.1
MILESTONES = [15, 25, 30]
GAMMA = 0.5
EPOCHS = 35


def multi_step_lr(base_lr: float, gamma: float, milestones: list[int], epoch: int) -> float:
    # gamma to the number of milestones reached so far; a milestone listed twice counts twice
    reached = sum(1 for milestone in milestones if milestone <= epoch)
    return base_lr * gamma**reached


def drive(milestones, gamma: float, steps: int) -> list[float]:
    optimizer = dummy_optimizer(BASE_LR)
    scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=milestones, gamma=gamma)
    return lrs_used(scheduler, steps)


def test_lr_halves_at_epochs_15_25_and_30(snippet):
    run = snippet("multi_step_lr")
    scheduler = run.scheduler
    assert isinstance(scheduler, torch.optim.lr_scheduler.MultiStepLR)
    assert scheduler.milestones == Counter(MILESTONES)
    assert (scheduler.gamma, scheduler.base_lrs) == (GAMMA, [BASE_LR])
    expected = [multi_step_lr(BASE_LR, GAMMA, MILESTONES, epoch) for epoch in range(run.epochs)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_one_step_per_epoch_covering_four_levels(snippet):
    run = snippet("multi_step_lr")
    assert run.epochs == EPOCHS
    assert len(run.lrs) == EPOCHS
    assert run.scheduler.last_epoch == EPOCHS
    assert sorted(set(run.lrs), reverse=True) == pytest.approx([0.1, 0.05, 0.025, 0.0125])


def test_torch_matches_the_formula_through_every_milestone():
    milestones = [2, 5, 5, 9]
    expected = [multi_step_lr(BASE_LR, 0.3, milestones, epoch) for epoch in range(14)]
    assert drive(milestones, 0.3, 14) == pytest.approx(expected, rel=1e-12, abs=0)


def test_a_milestone_listed_twice_multiplies_by_gamma_twice():
    milestones = [int(6 * fraction) for fraction in (0.5, 0.6)]
    assert milestones == [3, 3]
    optimizer = dummy_optimizer(BASE_LR)
    scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones, gamma=0.1)
    assert str(scheduler.milestones) == "Counter({3: 2})"
    lrs = drive(milestones, 0.1, 6)
    assert lrs == pytest.approx([0.1] * 3 + [0.001] * 3, rel=1e-12, abs=0)
    assert lrs == pytest.approx(
        [multi_step_lr(BASE_LR, 0.1, milestones, epoch) for epoch in range(6)], rel=1e-12, abs=0
    )


def test_milestones_need_not_be_sorted():
    assert drive([5, 2], 0.5, 8) == drive([2, 5], 0.5, 8)
    assert drive([5, 2], 0.5, 8) == pytest.approx(
        [multi_step_lr(BASE_LR, 0.5, [2, 5], epoch) for epoch in range(8)], rel=1e-12, abs=0
    )


def test_step_never_reaches_a_negative_or_fractional_milestone():
    assert drive([-1, 5], 0.5, 8) == drive([5], 0.5, 8)
    assert drive([2.5, 5], 0.5, 8) == drive([5], 0.5, 8)


def test_sequential_lr_hand_over_applies_a_negative_milestone():
    # The page's block: SequentialLR evaluates the closed form at 0 when it hands over.
    optimizer = dummy_optimizer(BASE_LR)
    L = torch.optim.lr_scheduler
    hold = L.ConstantLR(optimizer, factor=1.0, total_iters=3)
    decay = L.MultiStepLR(optimizer, milestones=[-1, 5], gamma=0.5)
    scheduler = L.SequentialLR(optimizer, [hold, decay], milestones=[3])
    assert lrs_used(scheduler, 10) == [0.1] * 3 + [0.05] * 5 + [0.025] * 2


def test_sequential_lr_hand_over_never_counts_a_fractional_milestone():
    # The hand-over evaluates the closed form at 0 only; step() then never meets 2.5.
    optimizer = dummy_optimizer(BASE_LR)
    L = torch.optim.lr_scheduler
    hold = L.ConstantLR(optimizer, factor=1.0, total_iters=3)
    decay = L.MultiStepLR(optimizer, milestones=[2.5, 5], gamma=0.5)
    scheduler = L.SequentialLR(optimizer, [hold, decay], milestones=[3])
    assert lrs_used(scheduler, 10) == [0.1] * 8 + [0.05] * 2


@pytest.mark.parametrize("milestones", [[-1, 5], [2.5, 5]])
def test_step_with_epoch_counts_every_milestone_up_to_it(milestones):
    optimizer = dummy_optimizer(BASE_LR)
    scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones, gamma=0.5)
    optimizer.step()
    with pytest.warns(UserWarning, match="epoch parameter in `scheduler.step\\(\\)`"):
        scheduler.step(3)
    assert scheduler.get_last_lr() == [0.05]


def test_milestone_zero_decays_before_the_first_epoch():
    assert drive([0, 2], 0.5, 3) == pytest.approx([0.05, 0.05, 0.025], rel=1e-12, abs=0)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_an_int_is_not_a_list_of_milestones():
    with pytest.raises(TypeError) as raised:
        drive(30, 0.1, 1)
    assert str(raised.value) == "'int' object is not iterable"


@pytest.mark.parametrize(("gamma", "lr_after_three_steps"), [(2.0, 0.2), (0.0, 0.0)])
def test_any_gamma_is_accepted(gamma, lr_after_three_steps):
    assert drive([2], gamma, 4)[3] == pytest.approx(lr_after_three_steps, rel=1e-12, abs=0)
