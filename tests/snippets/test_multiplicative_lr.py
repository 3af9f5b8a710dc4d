"""snippets/multiplicative_lr.py: each step multiplies the current LR by lr_lambda(step)."""

import pytest
from schedules import dummy_optimizer, lrs_used, record_each_step
from torch.optim.lr_scheduler import (
    ConstantLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    SequentialLR,
)

BASE_LR = 0.1
EPOCHS = 40
HOLD_EPOCHS = 10
DECAY = 0.9


def hold_then_decay(epoch: int) -> float:
    return 1.0 if epoch < HOLD_EPOCHS else DECAY


def multiplicative_lr(base_lr: float, factor, steps: int) -> list[float]:
    """eta_0 = base_lr, eta_t = eta_{t-1} * factor(t), in the order torch multiplies."""
    lrs = [base_lr]
    for step in range(1, steps):
        lrs.append(lrs[-1] * factor(step))
    return lrs


def test_lr_holds_for_ten_epochs_then_shrinks_by_ten_percent_per_epoch(snippet):
    run = snippet("multiplicative_lr")
    assert isinstance(run.scheduler, MultiplicativeLR)
    assert run.scheduler.base_lrs == [BASE_LR]
    assert [run.scheduler.lr_lambdas[0](epoch) for epoch in range(EPOCHS)] == [
        hold_then_decay(epoch) for epoch in range(EPOCHS)
    ]
    assert run.lrs == pytest.approx(
        multiplicative_lr(BASE_LR, hold_then_decay, EPOCHS), rel=1e-12, abs=0
    )


def test_closed_form_of_the_snippet_is_a_delayed_exponential(snippet):
    run = snippet("multiplicative_lr")
    expected = [BASE_LR * DECAY ** max(0, epoch - (HOLD_EPOCHS - 1)) for epoch in range(EPOCHS)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert run.lrs[HOLD_EPOCHS - 1] == BASE_LR
    assert run.lrs[HOLD_EPOCHS] == pytest.approx(0.09, rel=1e-12)


def test_one_step_per_epoch(snippet):
    run = snippet("multiplicative_lr")
    assert run.epochs == EPOCHS
    assert len(run.lrs) == EPOCHS
    assert run.scheduler.last_epoch == EPOCHS


def test_stepped_alone_creating_leaves_the_lr_and_lambda_zero_is_not_called():
    calls = []
    optimizer = dummy_optimizer(0.1)
    scheduler = MultiplicativeLR(optimizer, lambda step: calls.append(step) or 0.5)
    assert optimizer.param_groups[0]["lr"] == 0.1
    assert calls == []
    lrs_used(scheduler, 3)
    assert calls == [1, 2, 3]


def test_each_group_is_multiplied_by_its_own_factor():
    # Driving torch directly, with factors that change with the step and a factor above 1.
    first = lambda step: 1.0 if step % 3 else 0.5  # noqa: E731
    second = lambda step: 1.1 if step < 4 else 0.8  # noqa: E731
    scheduler = MultiplicativeLR(dummy_optimizer(0.01, 0.1), [first, second])
    recorded = record_each_step(scheduler, 12, MultiplicativeLR.get_last_lr)
    assert [lrs[0] for lrs in recorded] == pytest.approx(
        multiplicative_lr(0.01, first, 12), rel=1e-12, abs=0
    )
    assert [lrs[1] for lrs in recorded] == pytest.approx(
        multiplicative_lr(0.1, second, 12), rel=1e-12, abs=0
    )


def test_recursion_carries_on_from_an_lr_changed_in_between():
    optimizer = dummy_optimizer(0.1)
    scheduler = MultiplicativeLR(optimizer, lambda step: 0.5)
    lrs_used(scheduler, 2)
    optimizer.param_groups[0]["lr"] = 1.0
    optimizer.step()
    scheduler.step()
    assert scheduler.get_last_lr() == [0.5]


def test_a_zero_factor_ends_the_schedule():
    scheduler = MultiplicativeLR(dummy_optimizer(0.1), lambda step: 0.0 if step == 1 else 2.0)
    assert lrs_used(scheduler, 4) == [0.1, 0.0, 0.0, 0.0]


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_non_callable_is_refused_when_created():
    with pytest.raises(TypeError) as raised:
        MultiplicativeLR(dummy_optimizer(0.1, 0.1), 0.5)
    assert str(raised.value) == "lr_lambda should be a function, but got float"


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_list_length_must_match_the_parameter_groups():
    with pytest.raises(ValueError) as raised:
        MultiplicativeLR(dummy_optimizer(0.1, 0.1), [lambda epoch: 1.0])
    assert str(raised.value) == "Expected 2 lr_lambdas, but got 1"


def test_constant_factor_is_one_cut_in_lambda_lr_but_a_decay_here():
    constant = lambda epoch: 0.9  # noqa: E731
    lambda_lrs = lrs_used(LambdaLR(dummy_optimizer(0.1), constant), 21)
    multiplicative_lrs = lrs_used(MultiplicativeLR(dummy_optimizer(0.1), constant), 21)
    assert lambda_lrs == pytest.approx([0.09] * 21, rel=1e-12)
    assert multiplicative_lrs == pytest.approx([0.1 * 0.9**t for t in range(21)], rel=1e-12)


def test_exponential_lambda_compounds_to_triangular_exponents():
    exponential = lambda epoch: 0.9**epoch  # noqa: E731
    lambda_lrs = lrs_used(LambdaLR(dummy_optimizer(0.1), exponential), 21)
    multiplicative_lrs = lrs_used(MultiplicativeLR(dummy_optimizer(0.1), exponential), 21)
    assert lambda_lrs == pytest.approx([0.1 * 0.9**t for t in range(21)], rel=1e-12)
    expected = [0.1 * 0.9 ** (t * (t + 1) // 2) for t in range(21)]
    assert multiplicative_lrs == pytest.approx(expected, rel=1e-12)
    assert multiplicative_lrs[20] == pytest.approx(2.46e-11, rel=1e-3)  # the page's last row


def test_state_dict_holds_none_for_a_lambda():
    scheduler = MultiplicativeLR(dummy_optimizer(0.1), lambda epoch: 0.5)
    lrs_used(scheduler, 3)
    saved = scheduler.state_dict()
    assert (saved["last_epoch"], saved["lr_lambdas"]) == (3, [None])


def test_resuming_without_the_optimizer_state_restarts_from_its_lr():
    scheduler = MultiplicativeLR(dummy_optimizer(0.1), lambda epoch: 0.5)
    lrs_used(scheduler, 3)
    fresh_optimizer = dummy_optimizer(0.1)
    resumed = MultiplicativeLR(fresh_optimizer, lambda epoch: 0.5)
    resumed.load_state_dict(scheduler.state_dict())
    assert resumed.get_last_lr() == [0.0125]  # restored, but not what the optimizer uses
    assert fresh_optimizer.param_groups[0]["lr"] == 0.1
    lrs_used(resumed, 1)
    assert resumed.get_last_lr() == [0.05]


def test_resuming_with_the_optimizer_state_continues_the_schedule():
    original = dummy_optimizer(0.1)
    scheduler = MultiplicativeLR(original, lambda epoch: 0.5)
    lrs_used(scheduler, 3)
    optimizer = dummy_optimizer(0.1)
    resumed = MultiplicativeLR(optimizer, lambda epoch: 0.5)
    optimizer.load_state_dict(original.state_dict())
    resumed.load_state_dict(scheduler.state_dict())
    lrs_used(resumed, 1)
    assert resumed.get_last_lr() == [0.00625]


def halve_at_zero(calls: list):
    return lambda epoch: calls.append(epoch) or (0.5 if epoch == 0 else 1.0)


def test_sequential_lr_hand_over_multiplies_by_lambda_zero():
    calls = []
    optimizer = dummy_optimizer(0.1)
    hold = ConstantLR(optimizer, factor=1.0, total_iters=2)
    multiplicative = MultiplicativeLR(optimizer, halve_at_zero(calls))
    scheduler = SequentialLR(optimizer, [hold, multiplicative], milestones=[2])
    assert lrs_used(scheduler, 5) == [0.1, 0.1, 0.05, 0.05, 0.05]
    assert calls == [0, 1, 2, 3]


def test_deprecated_step_zero_multiplies_by_lambda_zero():
    calls = []
    optimizer = dummy_optimizer(0.1)
    scheduler = MultiplicativeLR(optimizer, halve_at_zero(calls))
    optimizer.step()
    with pytest.warns(UserWarning, match="epoch parameter in `scheduler.step\\(\\)`"):
        scheduler.step(0)
    assert (calls, scheduler.get_last_lr()) == ([0], [0.05])


def test_eta_zero_is_the_groups_lr_when_created_not_its_initial_lr():
    optimizer = dummy_optimizer(0.1)
    LinearLR(optimizer, start_factor=0.1, total_iters=5)
    scheduler = MultiplicativeLR(optimizer, lambda epoch: 0.5)
    assert scheduler.base_lrs == [0.1]  # initial_lr, left by LinearLR
    assert lrs_used(scheduler, 2) == pytest.approx([0.01, 0.005], rel=1e-12)
