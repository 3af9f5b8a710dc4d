"""snippets/lr_scheduler_subclass.py: a custom LRScheduler, linear warm-up then 1/sqrt(step)."""

import math
import pickle
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from schedules import dummy_optimizer, lrs_used, record_each_step
from test_checkpoint_and_resume import save_and_load_dict
from torch.optim.lr_scheduler import LambdaLR, LRScheduler

BASE_LR = 0.01
WARMUP_STEPS = 16
EPOCHS = 10
BATCHES_PER_EPOCH = 8


def warmup_inverse_sqrt(base_lr: float, warmup_steps: int, t: int) -> float:
    # eta_t = eta_0 * min((t + 1) / W, sqrt(W / (t + 1))), t = last_epoch counted from 0.
    return base_lr * min((t + 1) / warmup_steps, math.sqrt(warmup_steps / (t + 1)))


def adam(*lrs: float) -> torch.optim.Adam:
    """Adam, as in the snippet, with one parameter group per LR."""
    return dummy_optimizer(*lrs, optimizer_class=torch.optim.Adam)


@pytest.fixture
def scheduler_class(snippet):
    return snippet("lr_scheduler_subclass").namespace["WarmupInverseSqrtLR"]


def test_lrs_follow_linear_warmup_then_inverse_square_root(snippet):
    run = snippet("lr_scheduler_subclass")
    assert isinstance(run.scheduler, LRScheduler)
    assert type(run.scheduler).__name__ == "WarmupInverseSqrtLR"
    assert (run.scheduler.warmup_steps, run.scheduler.base_lrs) == (WARMUP_STEPS, [BASE_LR])
    expected = [warmup_inverse_sqrt(BASE_LR, WARMUP_STEPS, t) for t in range(len(run.lrs))]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_steps_once_per_batch(snippet):
    run = snippet("lr_scheduler_subclass")
    assert len(run.namespace["loader"]) == BATCHES_PER_EPOCH
    assert run.epochs == EPOCHS
    assert len(run.lrs) == EPOCHS * BATCHES_PER_EPOCH == 80
    assert run.steps_per_epoch == BATCHES_PER_EPOCH
    assert run.scheduler.last_epoch == 80


def test_peaks_at_the_optimizer_lr_after_warmup_steps(snippet):
    run = snippet("lr_scheduler_subclass")
    assert run.lrs[0] == pytest.approx(BASE_LR / WARMUP_STEPS, rel=1e-12)
    assert max(run.lrs) == run.lrs[WARMUP_STEPS - 1] == pytest.approx(BASE_LR, rel=1e-12)
    assert run.lrs[63] == pytest.approx(BASE_LR / 2, rel=1e-12)  # sqrt(16 / 64) = 1/2


def test_lambda_lr_route_gives_identical_values(snippet):
    run = snippet("lr_scheduler_subclass")
    scheduler = LambdaLR(
        adam(BASE_LR),
        lambda t: min((t + 1) / WARMUP_STEPS, math.sqrt(WARMUP_STEPS / (t + 1))),
    )
    assert lrs_used(scheduler, len(run.lrs)) == run.lrs


def test_driven_directly_every_group_follows_the_formula(scheduler_class):
    # W = 1 has no warm-up at all; W = 5 is run far past its peak; two groups, two base LRs.
    for warmup_steps in (1, 5):
        scheduler = scheduler_class(adam(0.1, 0.003), warmup_steps=warmup_steps)
        recorded = record_each_step(scheduler, 60, LRScheduler.get_last_lr)
        for group, base_lr in enumerate((0.1, 0.003)):
            expected = [warmup_inverse_sqrt(base_lr, warmup_steps, t) for t in range(60)]
            assert [lrs[group] for lrs in recorded] == pytest.approx(expected, rel=1e-12, abs=0)


def test_constructor_stores_initial_lr_and_applies_step_zero(scheduler_class):
    optimizer = adam(0.01)
    scheduler = scheduler_class(optimizer, warmup_steps=4)
    group = optimizer.param_groups[0]
    assert (scheduler.last_epoch, scheduler._step_count) == (0, 1)
    assert (group["initial_lr"], scheduler.base_lrs) == (0.01, [0.01])
    assert group["lr"] == scheduler.get_last_lr()[0] == 0.0025


def test_step_increments_last_epoch_and_writes_the_group_lr(scheduler_class):
    optimizer = adam(0.01)
    scheduler = scheduler_class(optimizer, warmup_steps=4)
    lrs_used(scheduler, 2)
    assert scheduler.last_epoch == 2
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.0075, rel=1e-12)
    assert scheduler.get_last_lr() == [optimizer.param_groups[0]["lr"]]


def test_get_last_lr_is_a_copy_not_the_group_itself(scheduler_class):
    optimizer = adam(0.01)
    scheduler = scheduler_class(optimizer, warmup_steps=4)
    scheduler.get_last_lr()[0] = 123.0
    assert optimizer.param_groups[0]["lr"] == 0.0025


def test_initial_lr_is_kept_when_a_second_scheduler_is_created(scheduler_class):
    # setdefault: the second scheduler's base LR is the first lr, not the current 0.0025.
    optimizer = adam(0.01)
    scheduler_class(optimizer, warmup_steps=4)
    second = scheduler_class(optimizer, warmup_steps=4)
    assert second.base_lrs == [0.01]


def test_state_dict_is_the_instance_dict_without_the_optimizer(scheduler_class):
    scheduler = scheduler_class(adam(0.01), warmup_steps=4)
    lrs_used(scheduler, 2)
    state = scheduler.state_dict()
    assert sorted(state) == [
        "_get_lr_called_within_step",
        "_is_initial",
        "_last_lr",
        "_step_count",
        "base_lrs",
        "last_epoch",
        "warmup_steps",
    ]
    assert (state["warmup_steps"], state["last_epoch"]) == (4, 2)


def test_load_state_dict_restores_the_own_attributes(scheduler_class):
    saved = scheduler_class(adam(0.01), warmup_steps=4)
    lrs_used(saved, 5)
    resumed = scheduler_class(adam(0.01), warmup_steps=100)
    resumed.load_state_dict(saved.state_dict())
    assert (resumed.warmup_steps, resumed.last_epoch) == (4, 5)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_deprecated_step_with_epoch_warns_and_uses_get_lr(scheduler_class):
    scheduler = scheduler_class(adam(0.01), warmup_steps=4)
    scheduler.optimizer.step()
    with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)`"):
        scheduler.step(15)
    assert scheduler.get_last_lr() == [pytest.approx(warmup_inverse_sqrt(0.01, 4, 15))]


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_step_before_optimizer_step_warns(scheduler_class):
    scheduler = scheduler_class(adam(0.01), warmup_steps=4)
    with pytest.warns(UserWarning, match="Detected call of `lr_scheduler.step\\(\\)` before"):
        scheduler.step()


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_invalid_arguments_and_their_messages(scheduler_class):
    weight = torch.zeros(1, requires_grad=True)
    with pytest.raises(TypeError) as raised:
        scheduler_class([weight], warmup_steps=4)
    assert str(raised.value) == "list is not an Optimizer"
    with pytest.raises(ValueError) as raised:
        scheduler_class(adam(0.01), warmup_steps=0)
    assert str(raised.value) == "warmup_steps must be at least 1, got 0"
    with pytest.raises(KeyError) as raised:
        scheduler_class(adam(0.01), warmup_steps=4, last_epoch=10)
    assert raised.value.args[0] == (
        "param 'initial_lr' is not specified in param_groups[0] when resuming scheduler with "
        "last_epoch >= 0.\n"
        "This typically happens when:\n"
        "1. You're trying to resume training from a checkpoint but haven't properly loaded "
        "the optimizer state\n"
        "2. You're using last_epoch >= 0 for a fresh training run (not recommended)"
    )


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_attribute_set_after_super_init_is_missing_when_get_lr_first_runs():
    class WarmupLR(LRScheduler):
        def __init__(self, optimizer, warmup_steps, last_epoch=-1):
            super().__init__(optimizer, last_epoch)
            self.warmup_steps = warmup_steps

        def get_lr(self):
            factor = min(1.0, (self.last_epoch + 1) / self.warmup_steps)
            return [base_lr * factor for base_lr in self.base_lrs]

    with pytest.raises(AttributeError) as raised:
        WarmupLR(adam(0.01), warmup_steps=4)
    assert str(raised.value) == "'WarmupLR' object has no attribute 'warmup_steps'"


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_counting_last_epoch_from_one_divides_by_zero_in_the_constructor():
    class OffByOne(LRScheduler):
        def get_lr(self):
            step = self.last_epoch
            return [base_lr * min(step / 4, math.sqrt(4 / step)) for base_lr in self.base_lrs]

    with pytest.raises(ZeroDivisionError) as raised:
        OffByOne(adam(0.01))
    assert str(raised.value) == "division by zero"


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_get_lr_must_return_one_value_per_group():
    class HalfLR(LRScheduler):
        def get_lr(self):
            return self.base_lrs[0] / 2

    class HalfFirstGroupLR(LRScheduler):
        def get_lr(self):
            return [self.base_lrs[0] / 2]

    with pytest.raises(TypeError) as raised:
        HalfLR(adam(0.01, 0.1))
    assert str(raised.value) == "'float' object is not iterable"
    with pytest.raises(ValueError) as raised:
        HalfFirstGroupLR(adam(0.01, 0.1))
    assert str(raised.value) == "zip() argument 2 is shorter than argument 1"
    assert HalfFirstGroupLR(adam(0.01)).get_last_lr() == [0.005]  # fine with one group


def test_warmup_steps_must_be_an_int_so_a_fractional_or_numpy_value_is_refused(scheduler_class):
    # Without the check, 2.5 is accepted and moves the peak between two steps.
    for value, name in [(2.5, "float"), (np.int64(16), "int64")]:
        with pytest.raises(TypeError) as raised:
            scheduler_class(adam(0.01), warmup_steps=value)
        assert str(raised.value) == f"warmup_steps must be an int, got {name}"


def test_an_int_attribute_loads_with_torch_load_but_a_numpy_integer_does_not(scheduler_class):
    # The page's reason to keep own attributes to plain types: torch.load's default refuses
    # a NumPy scalar, even though torch.save stores it without a word.
    scheduler = scheduler_class(adam(0.01), warmup_steps=16)
    assert save_and_load_dict(scheduler.state_dict())["warmup_steps"] == 16
    scheduler.warmup_steps = np.int64(16)  # as if the class had not checked its type
    with pytest.raises(pickle.UnpicklingError, match="^Weights only load failed"):
        save_and_load_dict(scheduler.state_dict())


def test_the_caption_names_the_batch_where_the_recorded_lr_peaks(snippet):
    # The figure's x axis counts batches from 0, like the recorded lrs.
    run = snippet("lr_scheduler_subclass")
    page = Path(__file__).resolve().parents[2] / "docs" / "schedulers" / "lr-scheduler.md"
    caption = re.search(r"!\[WarmupInverseSqrtLR[^\]]*\]", page.read_text(encoding="utf-8"))
    peak_batch = int(re.search(r"rise to 0\.01 at batch (\d+)", caption.group()).group(1))
    assert run.lrs.index(max(run.lrs)) == peak_batch == WARMUP_STEPS - 1
    assert max(run.lrs) == pytest.approx(0.01, rel=1e-12)


def test_a_numpy_warmup_steps_spoils_the_optimizers_checkpoint_during_the_warm_up(scheduler_class):
    # step / np.int64(16) is a numpy.float64 and min() keeps it while it is the smaller
    # factor, so group["lr"] is NumPy during the warm-up; after it, math.sqrt's float wins.
    optimizer = adam(0.01, 0.02)
    scheduler = scheduler_class(optimizer, warmup_steps=16)
    scheduler.warmup_steps = np.int64(16)  # as if the class had not checked its type
    kinds = []
    for _ in range(20):
        optimizer.step()
        scheduler.step()
        group_kinds = {type(group["lr"]).__name__ for group in optimizer.param_groups}
        assert len(group_kinds) == 1  # every group alike
        lr = optimizer.param_groups[0]["lr"]
        kinds.append(type(lr).__name__)
        if type(lr) is float:
            assert save_and_load_dict(optimizer.state_dict())["param_groups"][0]["lr"] == lr
        else:
            with pytest.raises(pickle.UnpicklingError, match="^Weights only load failed"):
                save_and_load_dict(optimizer.state_dict())
    # last_epoch 1 .. 20, step = last_epoch + 1: NumPy up to step 16 (the peak), float after.
    assert kinds == ["float64"] * 15 + ["float"] * 5
