"""docs/guides/training-loop.md: scheduler.step() after optimizer.step(), or what goes wrong."""

import math
import warnings

import pytest
import torch
from schedules import STEP_ORDER_WARNING, dummy_optimizer, lrs_used_in_order

GET_LR_WARNING = (
    "To get the last learning rate computed by the scheduler, please use `get_last_lr()`."
)


def run_epochs(make_scheduler, epochs: int, scheduler_first):
    """Train `weight` with loss = weight (gradient 1) and return (LRs used, warnings).

    The LR each step used is measured from the update: SGD moves the weight by lr * 1.
    `scheduler_first(epoch)` says whether that epoch calls scheduler.step() first.
    """
    weight = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1)
    scheduler = make_scheduler(optimizer)
    used = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in range(epochs):
            optimizer.zero_grad()
            weight.sum().backward()
            if scheduler_first(epoch):
                scheduler.step()
            before = weight.item()
            optimizer.step()
            used.append(before - weight.item())
            if not scheduler_first(epoch):
                scheduler.step()
    return used, [(w.category, str(w.message)) for w in caught]


def step_lr(optimizer):
    return torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)


def warmup(optimizer):
    return torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.25, total_iters=3)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_wrong_order_warns_once_with_the_documented_message():
    _, caught = run_epochs(step_lr, 5, scheduler_first=lambda epoch: True)
    assert caught == [(UserWarning, STEP_ORDER_WARNING)]


def test_right_order_does_not_warn():
    _, caught = run_epochs(step_lr, 5, scheduler_first=lambda epoch: False)
    assert caught == []


def test_wrong_order_only_after_the_first_epoch_is_not_detected():
    used, caught = run_epochs(step_lr, 5, scheduler_first=lambda epoch: epoch > 0)
    assert caught == []
    assert used == pytest.approx([0.1, 0.05, 0.05, 0.025, 0.025], rel=1e-12, abs=0)


def test_wrong_order_skips_the_first_warmup_value_and_runs_one_ahead():
    def warmup_value(t: int) -> float:  # LinearLR: 0.1 * (0.25 + 0.75 * min(t, 3) / 3)
        return 0.1 * (0.25 + 0.75 * min(t, 3) / 3)

    right, _ = run_epochs(warmup, 5, scheduler_first=lambda epoch: False)
    wrong, _ = run_epochs(warmup, 5, scheduler_first=lambda epoch: True)
    assert right == pytest.approx([warmup_value(t) for t in range(5)], rel=1e-12, abs=0)
    assert wrong == pytest.approx([warmup_value(t + 1) for t in range(5)], rel=1e-12, abs=0)
    assert right == pytest.approx([0.025, 0.05, 0.075, 0.1, 0.1], rel=1e-12, abs=0)
    assert 0.025 not in [round(lr, 12) for lr in wrong]


def test_wrong_order_decays_a_step_lr_one_epoch_early():
    right, _ = run_epochs(step_lr, 6, scheduler_first=lambda epoch: False)
    wrong, _ = run_epochs(step_lr, 6, scheduler_first=lambda epoch: True)
    assert right == pytest.approx([0.1 * 0.5 ** (t // 2) for t in range(6)], rel=1e-12, abs=0)
    assert wrong == pytest.approx([0.1 * 0.5 ** ((t + 1) // 2) for t in range(6)], rel=1e-12, abs=0)


def one_cycle(step: int, total_steps: int = 10, max_lr: float = 0.1) -> float:
    """OneCycleLR's two cosine phases with the default pct_start, div_factor, final_div_factor;
    past the last step the second phase's cosine simply carries on."""
    initial, warmup_end = max_lr / 25, 0.3 * total_steps - 1
    final = initial / 1e4

    def anneal(start, end, fraction):
        return end + (start - end) / 2 * (1 + math.cos(math.pi * fraction))

    if step <= warmup_end:
        return anneal(initial, max_lr, step / warmup_end)
    return anneal(max_lr, final, (step - warmup_end) / (total_steps - 1 - warmup_end))


def one_cycle_used(scheduler_first: bool) -> list[float]:
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=10)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        return lrs_used_in_order(scheduler, 10, scheduler_first)


def test_wrong_order_one_cycle_ends_one_step_past_its_end():
    right, wrong = one_cycle_used(False), one_cycle_used(True)
    assert right == pytest.approx([one_cycle(t) for t in range(10)], rel=1e-12, abs=0)
    assert wrong == pytest.approx([one_cycle(t) for t in range(1, 11)], rel=1e-12, abs=0)
    assert (right[0], right[-1]) == pytest.approx((0.004, 4e-7), rel=1e-12)
    assert wrong[0] == pytest.approx(0.052, rel=1e-12)
    assert f"{wrong[-1]:.3g}" == "0.00495"
    assert 1e4 < wrong[-1] / right[-1] < 1e5  # four orders of magnitude


@pytest.mark.parametrize(
    "placement, grads, weight",
    [
        ("before backward", [2.0, 2.0, 2.0], 1 - 3 * 0.1 * 2),
        ("never", [2.0, 4.0, 6.0], 1 - 0.1 * (2 + 4 + 6)),
        ("between backward and step", [None, None, None], 1.0),
    ],
)
def test_zero_grad_placement(placement, grads, weight):
    w = torch.ones(1, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.1)
    seen = []
    for _ in range(3):
        if placement == "before backward":
            optimizer.zero_grad()
        (2 * w).sum().backward()
        if placement == "between backward and step":
            optimizer.zero_grad()
        seen.append(None if w.grad is None else w.grad.item())
        optimizer.step()
    assert seen == grads
    assert w.item() == pytest.approx(weight, rel=1e-6)


def test_zero_grad_sets_grad_to_none_by_default():
    w = torch.ones(1, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.1)
    w.sum().backward()
    assert w.grad is not None
    optimizer.zero_grad()
    assert w.grad is None


def test_get_last_lr_one_value_per_group_set_by_the_constructor_then_each_step():
    weight, bias = torch.zeros(2, requires_grad=True), torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([{"params": [weight]}, {"params": [bias], "lr": 0.01}], lr=0.1)
    assert [group["lr"] for group in optimizer.param_groups] == [0.1, 0.01]
    scheduler = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.5, total_iters=2)
    history = [scheduler.get_last_lr()]
    for _ in range(3):
        optimizer.step()
        scheduler.step()
        history.append(scheduler.get_last_lr())
        assert scheduler.get_last_lr() == [group["lr"] for group in optimizer.param_groups]
    expected = [[0.05, 0.005], [0.075, 0.0075], [0.1, 0.01], [0.1, 0.01]]
    for got, want in zip(history, expected):
        assert got == pytest.approx(want, rel=1e-12, abs=0)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_get_lr_outside_step_warns_and_applies_a_decay_again():
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    for _ in range(2):
        optimizer.step()
        scheduler.step()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        computed = scheduler.get_lr()
    assert [(w.category, str(w.message)) for w in caught] == [(UserWarning, GET_LR_WARNING)]
    assert scheduler.get_last_lr() == [0.05]
    assert computed == [0.025]
    assert optimizer.param_groups[0]["lr"] == 0.05  # get_lr() changed nothing


def test_the_optimizer_uses_param_groups_not_get_last_lr():
    weight = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
    optimizer.param_groups[0]["lr"] = 0.5
    assert scheduler.get_last_lr() == [0.1]
    weight.sum().backward()
    optimizer.step()
    assert -weight.item() == 0.5  # moved by the hand-set LR, gradient 1
    scheduler.step()
    assert scheduler.get_last_lr() == [0.5]
    for _ in range(9):  # StepLR decays from the current value: the override persists
        optimizer.step()
        scheduler.step()
    assert scheduler.get_last_lr() == [0.25]


def amp_first_step(gradient_factor: float):
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
    scaler = torch.amp.GradScaler("cpu")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        optimizer.zero_grad()
        scaler.scale(weight.sum() * gradient_factor).backward()
        scaler.step(optimizer)
        scaler.update()
        scheduler.step()
    return weight.item(), scaler.get_scale(), [(w.category, str(w.message)) for w in caught]


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_grad_scaler_skipping_the_first_step_triggers_the_order_warning():
    weight, scale, caught = amp_first_step(float("inf"))
    assert weight == 0.0  # the step was skipped
    assert scale == 65536.0 / 2
    assert caught == [(UserWarning, STEP_ORDER_WARNING)]


def test_grad_scaler_with_finite_gradients_does_not_warn():
    weight, scale, caught = amp_first_step(1.0)
    assert weight == pytest.approx(-0.1, rel=1e-6)
    assert scale == 65536.0
    assert caught == []


# --- claims narrowed after the review of issue 12 -----------------------------------------

L = torch.optim.lr_scheduler


@pytest.mark.parametrize(
    "make, floor",
    [
        (lambda o: L.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 0.001),
        (lambda o: L.PolynomialLR(o, total_iters=10), 0.0),
        (lambda o: L.LinearLR(o, start_factor=1.0, end_factor=0.0, total_iters=10), 0.0),
    ],
    ids=["CosineAnnealingLR", "PolynomialLR", "LinearLR"],
)
def test_wrong_order_trains_the_last_epoch_at_the_floor_the_right_order_never_uses(make, floor):
    # training-loop.md and choosing-a-scheduler.md (the cosine over the run, eta_min 0.001)
    right, _ = run_epochs(make, 10, scheduler_first=lambda epoch: False)
    wrong, _ = run_epochs(make, 10, scheduler_first=lambda epoch: True)
    assert wrong[:-1] == pytest.approx(right[1:], rel=1e-9, abs=1e-15)  # one epoch ahead
    assert wrong[-1] == pytest.approx(floor, rel=1e-9, abs=1e-15)
    assert min(right) == right[-1] > floor + 1e-4  # the right order stays above the floor
