"""snippets/lambda_lr.py: the LR is the initial lr times lr_lambda(step)."""

import functools
import pickle

import numpy as np
import pytest
from schedules import dummy_optimizer, record_each_step
from test_checkpoint_and_resume import save_and_load_dict
from torch.optim.lr_scheduler import LambdaLR, LinearLR

BASE_LR = 0.1
EPOCHS = 40
WARMUP_EPOCHS = 5


def warmup_then_linear_decay(epoch: int) -> float:
    # The page's shape: (epoch + 1) / 5 up to epoch 4, then (40 - epoch) / 35, never below 0.
    if epoch < WARMUP_EPOCHS:
        return (epoch + 1) / WARMUP_EPOCHS
    return max(0.0, (EPOCHS - epoch) / (EPOCHS - WARMUP_EPOCHS))


def lambda_lr(base_lr: float, factor, step: int) -> float:
    return base_lr * factor(step)


def test_lr_is_base_lr_times_warmup_then_linear_decay(snippet):
    run = snippet("lambda_lr")
    assert isinstance(run.scheduler, LambdaLR)
    assert run.scheduler.base_lrs == [BASE_LR]
    assert run.namespace["warmup_epochs"] == WARMUP_EPOCHS
    expected = [lambda_lr(BASE_LR, warmup_then_linear_decay, epoch) for epoch in range(EPOCHS)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_one_step_per_epoch(snippet):
    run = snippet("lambda_lr")
    assert run.epochs == EPOCHS
    assert len(run.lrs) == EPOCHS
    assert run.scheduler.last_epoch == EPOCHS


def test_warms_up_from_a_fifth_to_the_full_lr_then_decays_to_a_35th(snippet):
    run = snippet("lambda_lr")
    assert run.lrs[0] == pytest.approx(BASE_LR / 5, rel=1e-12)
    assert run.lrs[4] == run.lrs[5] == pytest.approx(BASE_LR, rel=1e-12)
    assert max(run.lrs) == pytest.approx(BASE_LR, rel=1e-12)
    assert run.lrs[-1] == pytest.approx(BASE_LR / 35, rel=1e-12)


def test_lambda_is_applied_when_the_scheduler_is_created():
    optimizer = dummy_optimizer(0.1)
    LambdaLR(optimizer, lambda epoch: 0.5)
    assert optimizer.param_groups[0]["lr"] == 0.05
    assert optimizer.param_groups[0]["initial_lr"] == 0.1


def test_lambda_receives_the_step_count():
    calls = []
    optimizer = dummy_optimizer(0.1)
    scheduler = LambdaLR(optimizer, lambda step: calls.append(step) or 1.0)
    for _ in range(4):
        optimizer.step()
        scheduler.step()
    assert calls == [0, 1, 2, 3, 4]


def test_each_group_follows_its_own_lambda_and_base_lr():
    # The page's frozen backbone and decaying head, run past the unfreezing.
    backbone = lambda epoch: 0.0 if epoch < 3 else 1.0  # noqa: E731
    head = lambda epoch: 0.9**epoch  # noqa: E731
    optimizer = dummy_optimizer(0.01, 0.1)
    scheduler = LambdaLR(optimizer, [backbone, head])
    recorded = record_each_step(scheduler, 8, LambdaLR.get_last_lr)
    expected_backbone = [lambda_lr(0.01, backbone, step) for step in range(8)]
    expected_head = [lambda_lr(0.1, head, step) for step in range(8)]
    assert [lrs[0] for lrs in recorded] == pytest.approx(expected_backbone, rel=1e-12, abs=0)
    assert [lrs[1] for lrs in recorded] == pytest.approx(expected_head, rel=1e-12, abs=0)


def test_lr_depends_on_the_step_only_not_on_the_previous_lr():
    # Driving torch directly, through warm-up, peak, decay and past the planned end.
    optimizer = dummy_optimizer(BASE_LR)
    scheduler = LambdaLR(optimizer, warmup_then_linear_decay)
    recorded = []
    for step in range(EPOCHS + 3):
        if step == 20:
            optimizer.param_groups[0]["lr"] = 123.0  # overwritten at the next step()
        recorded.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
    expected = [lambda_lr(BASE_LR, warmup_then_linear_decay, s) for s in range(EPOCHS + 3)]
    assert recorded == pytest.approx(expected, rel=1e-12, abs=0)
    assert recorded[EPOCHS:] == [0.0, 0.0, 0.0]  # held at zero past the planned end


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_non_callable_fails_only_when_called():
    with pytest.raises(TypeError) as raised:
        LambdaLR(dummy_optimizer(0.1, 0.1), 0.5)
    assert str(raised.value) == "'float' object is not callable"


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_list_length_must_match_the_parameter_groups():
    with pytest.raises(ValueError) as raised:
        LambdaLR(dummy_optimizer(0.1, 0.1), [lambda epoch: 1.0])
    assert str(raised.value) == "Expected 2 lr_lambdas, but got 1"


def test_negative_factor_is_accepted():
    assert LambdaLR(dummy_optimizer(0.1, 0.1), lambda epoch: -1.0).get_last_lr() == [-0.1, -0.1]


def test_factor_is_a_multiplier_not_a_learning_rate():
    scheduler = LambdaLR(dummy_optimizer(0.1), lambda epoch: 0.01)
    assert scheduler.get_last_lr() == [pytest.approx(0.001)]


class WarmupFactor:
    def __init__(self, warmup_epochs):
        self.warmup_epochs = warmup_epochs

    def __call__(self, epoch):
        return min(1.0, (epoch + 1) / self.warmup_epochs)


def warmup_factor(epoch):
    return min(1.0, (epoch + 1) / 5)


@pytest.mark.parametrize(
    "lr_lambda", [warmup_factor, lambda epoch: 1.0], ids=["function", "lambda"]
)
def test_state_dict_holds_none_for_a_function_or_lambda(lr_lambda):
    optimizer = dummy_optimizer(0.1)
    scheduler = LambdaLR(optimizer, lr_lambda)
    for _ in range(3):
        optimizer.step()
        scheduler.step()
    state = scheduler.state_dict()
    assert state["lr_lambdas"] == [None]
    assert state["last_epoch"] == 3
    assert list(state) == [
        "base_lrs",
        "last_epoch",
        "_step_count",
        "_is_initial",
        "_get_lr_called_within_step",
        "_last_lr",
        "lr_lambdas",
    ]


def test_state_dict_holds_the_attributes_of_a_callable_object():
    saved = LambdaLR(dummy_optimizer(0.1), WarmupFactor(5)).state_dict()
    assert saved["lr_lambdas"] == [{"warmup_epochs": 5}]


def test_load_state_dict_writes_the_saved_attributes_into_the_new_object():
    saved = LambdaLR(dummy_optimizer(0.1), WarmupFactor(5)).state_dict()
    resumed = LambdaLR(dummy_optimizer(0.1), WarmupFactor(10))
    resumed.load_state_dict(saved)
    assert resumed.lr_lambdas[0].warmup_epochs == 5
    assert saved["lr_lambdas"] == [{"warmup_epochs": 5}]  # the saved state is left intact


def test_load_state_dict_keeps_the_resuming_codes_function():
    saved = LambdaLR(dummy_optimizer(0.1), warmup_factor).state_dict()
    different = lambda epoch: 0.5  # noqa: E731
    resumed = LambdaLR(dummy_optimizer(0.1), different)
    resumed.load_state_dict(saved)
    assert resumed.lr_lambdas == [different]


def test_base_lr_is_the_initial_lr_left_by_an_earlier_scheduler():
    optimizer = dummy_optimizer(0.1)
    LinearLR(optimizer, start_factor=0.1, total_iters=5)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.01, rel=1e-12)
    scheduler = LambdaLR(optimizer, lambda epoch: 1.0)
    assert scheduler.base_lrs == [0.1]
    assert optimizer.param_groups[0]["lr"] == 0.1


def test_base_lr_is_the_initial_lr_restored_with_the_optimizer_state():
    original = dummy_optimizer(0.1)
    LambdaLR(original, lambda epoch: 1.0)
    optimizer = dummy_optimizer(0.5)
    optimizer.load_state_dict(original.state_dict())
    assert LambdaLR(optimizer, lambda epoch: 1.0).base_lrs == [0.1]


def test_an_lr_lowered_by_hand_is_overwritten_with_the_old_initial_lr():
    optimizer = dummy_optimizer(0.1)
    LambdaLR(optimizer, lambda epoch: 1.0)
    optimizer.param_groups[0]["lr"] = 0.02
    scheduler = LambdaLR(optimizer, lambda epoch: 1.0)
    assert (scheduler.base_lrs, optimizer.param_groups[0]["lr"]) == ([0.1], 0.1)


def test_setting_initial_lr_too_starts_a_new_lambda_lr_from_it():
    optimizer = dummy_optimizer(0.1)
    LambdaLR(optimizer, lambda epoch: 1.0)
    optimizer.param_groups[0]["lr"] = optimizer.param_groups[0]["initial_lr"] = 0.02
    scheduler = LambdaLR(optimizer, lambda epoch: 0.5)
    assert (scheduler.base_lrs, optimizer.param_groups[0]["lr"]) == ([0.02], 0.01)


def warmup(epoch, warmup_epochs):
    return min(1.0, (epoch + 1) / warmup_epochs)


def test_loading_keeps_the_resuming_codes_partial_settings():
    saved = LambdaLR(dummy_optimizer(0.1), functools.partial(warmup, warmup_epochs=5))
    resumed = LambdaLR(dummy_optimizer(0.1), functools.partial(warmup, warmup_epochs=10))
    resumed.load_state_dict(saved.state_dict())
    assert resumed.lr_lambdas[0].keywords == {"warmup_epochs": 10}
    resumed.optimizer.step()
    resumed.step()  # last_epoch 1: 2/10 of the lr with the resuming code's 10, not 2/5
    assert resumed.get_last_lr() == [pytest.approx(0.02, rel=1e-12)]


def test_callable_object_attributes_must_be_types_torch_load_reads_by_default():
    loaded = save_and_load_dict(LambdaLR(dummy_optimizer(0.1), WarmupFactor(5)).state_dict())
    assert loaded["lr_lambdas"] == [{"warmup_epochs": 5}]
    numpy_state = LambdaLR(dummy_optimizer(0.1), WarmupFactor(np.int64(5))).state_dict()
    with pytest.raises(pickle.UnpicklingError, match="^Weights only load failed"):
        save_and_load_dict(numpy_state)
    converted = LambdaLR(dummy_optimizer(0.1), WarmupFactor(int(np.int64(5)))).state_dict()
    assert save_and_load_dict(converted)["lr_lambdas"] == [{"warmup_epochs": 5}]


def test_one_cycle_and_cyclic_lr_set_the_initial_lr_a_later_lambda_lr_starts_from():
    """lambda-lr.md: OneCycleLR always writes max_lr / div_factor, CyclicLR its base_lr,
    ReduceLROnPlateau none."""
    from torch.optim.lr_scheduler import CyclicLR, OneCycleLR, ReduceLROnPlateau

    optimizer = dummy_optimizer(0.1, momentum=0.9)
    LinearLR(optimizer, start_factor=0.5, total_iters=3)  # writes initial_lr 0.1
    OneCycleLR(optimizer, max_lr=1.0, total_steps=10)  # overwrites it
    assert LambdaLR(optimizer, lambda t: 1.0).base_lrs == [1.0 / 25]
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    CyclicLR(optimizer, base_lr=0.001, max_lr=0.1)
    assert LambdaLR(optimizer, lambda t: 1.0).base_lrs == [0.001]
    optimizer = dummy_optimizer(0.1)
    ReduceLROnPlateau(optimizer)
    assert "initial_lr" not in optimizer.param_groups[0]
