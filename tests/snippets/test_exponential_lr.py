"""snippets/exponential_lr.py: the LR is multiplied by gamma at every step, for ever."""

import pytest
import torch
from schedules import dummy_optimizer, lrs_used

BASE_LR = 0.1
GAMMA = 0.9
EPOCHS = 40


def exponential_lr(base_lr: float, gamma: float, epoch: int) -> float:
    return base_lr * gamma**epoch


def drive(steps: int, gamma: float) -> list[float]:
    scheduler = torch.optim.lr_scheduler.ExponentialLR(dummy_optimizer(BASE_LR), gamma=gamma)
    return lrs_used(scheduler, steps)


def test_lr_shrinks_by_ten_percent_every_epoch(snippet):
    run = snippet("exponential_lr")
    scheduler = run.scheduler
    assert isinstance(scheduler, torch.optim.lr_scheduler.ExponentialLR)
    assert (scheduler.gamma, scheduler.base_lrs) == (GAMMA, [BASE_LR])
    expected = [exponential_lr(BASE_LR, GAMMA, epoch) for epoch in range(run.epochs)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_one_step_per_epoch(snippet):
    run = snippet("exponential_lr")
    assert run.epochs == EPOCHS
    assert len(run.lrs) == EPOCHS
    assert run.scheduler.last_epoch == EPOCHS


@pytest.mark.parametrize("gamma", [0.9, 0.95, 0.99, 0.5])
def test_torch_matches_the_closed_form_over_hundreds_of_steps(gamma):
    expected = [exponential_lr(BASE_LR, gamma, epoch) for epoch in range(300)]
    assert drive(300, gamma) == pytest.approx(expected, rel=1e-12, abs=0)


def test_the_decay_never_stops():
    lrs = drive(201, 0.95)
    assert all(later < earlier for earlier, later in zip(lrs, lrs[1:]))
    assert lrs[200] == pytest.approx(exponential_lr(BASE_LR, 0.95, 200), rel=1e-12)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_gamma_is_required():
    optimizer = dummy_optimizer(BASE_LR)
    with pytest.raises(TypeError) as raised:
        torch.optim.lr_scheduler.ExponentialLR(optimizer)
    assert str(raised.value) == (
        "ExponentialLR.__init__() missing 1 required positional argument: 'gamma'"
    )


@pytest.mark.parametrize("gamma", [1.5, 1.0, 0.0, -0.5])
def test_any_gamma_is_accepted(gamma):
    expected = [exponential_lr(BASE_LR, gamma, epoch) for epoch in range(4)]
    assert drive(4, gamma) == pytest.approx(expected, rel=1e-12, abs=0)


def test_a_negative_lr_from_a_negative_gamma_makes_sgd_ascend():
    weight = torch.ones(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=BASE_LR)
    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=-0.5)
    optimizer.step()  # no gradient yet: nothing moves
    scheduler.step()
    assert scheduler.get_last_lr() == [-0.05]
    (weight**2).sum().backward()
    before = weight.item()
    optimizer.step()
    assert abs(weight.item()) > abs(before)  # the step went up the loss, not down


def test_gamma_from_a_target_reaches_it_and_keeps_decaying():
    gamma = 0.01 ** (1 / 40)
    lrs = drive(201, gamma)
    assert lrs == pytest.approx(
        [exponential_lr(BASE_LR, gamma, epoch) for epoch in range(201)], rel=1e-12, abs=0
    )
    assert [lrs[40], lrs[80], lrs[200]] == pytest.approx([1e-3, 1e-5, 1e-11], rel=1e-9)
