"""docs/guides/pitfalls.md: every pitfall on the site, each reproduced with torch's own words.

The page's checked blocks compare their whole output already. This module pins each message
by name (so that a PyTorch release that rewords one fails as "MESSAGES[name]"), recomputes
the wrong learning rates the page prints from independent formulas, and checks that the page
links every pitfall section of the site.
"""

import bisect
import math
import re
import unicodedata
import warnings
from pathlib import Path

import pytest
import torch
from every_scheduler import SCHEDULERS, make, step
from schedules import (
    STEP_ORDER_WARNING,
    dummy_optimizer,
    lrs_handed_over,
    lrs_used,
    record_each_step,
)
from torch.optim import lr_scheduler as sched

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGE = DOCS / "guides" / "pitfalls.md"

EPOCH_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated "
    "where possible. Please use `scheduler.step()` to step the scheduler. During the "
    "deprecation, if epoch is different from None, the closed form is used instead of the "
    "new chainable form, where available. Please open an issue if you are unable to replicate "
    "your use case: https://github.com/pytorch/pytorch/issues/new/choose."
)
UNSUPPORTED_PLATEAU = (
    "{} does not support `ReduceLROnPlateau` scheduler as it requires additional kwargs to be "
    "specified when calling `step`, but got one at index 1 in the given schedulers sequence."
)
INITIAL_LR = (
    "param 'initial_lr' is not specified in param_groups[0] when resuming scheduler with "
    "last_epoch >= 0.\nThis typically happens when:\n1. You're trying to resume training from "
    "a checkpoint but haven't properly loaded the optimizer state\n2. You're using "
    "last_epoch >= 0 for a fresh training run (not recommended)"
)


# --- what raises or warns, by name -----------------------------------------------------


def step_before_optimizer():
    scheduler = sched.StepLR(dummy_optimizer(0.1), step_size=1)
    scheduler.step()


def get_lr_from_outside():
    sched.StepLR(dummy_optimizer(0.1), step_size=1).get_lr()


def step_with_epoch():
    optimizer = dummy_optimizer(0.1)
    scheduler = sched.StepLR(optimizer, step_size=2)
    optimizer.step()
    scheduler.step(3)


def sequential_of_one():
    optimizer = dummy_optimizer(0.1)
    return sched.SequentialLR(optimizer, [sched.StepLR(optimizer, 2)], milestones=[])


def one_cycle_stepped_per_micro_batch():
    optimizer = dummy_optimizer(0.1)
    scheduler = sched.OneCycleLR(optimizer, max_lr=0.1, total_steps=40)
    for micro_batch in range(160):
        if micro_batch % 4 == 3:
            optimizer.step()
        scheduler.step()


def step_at_once(scheduler_class, **kwargs):
    def make_and_step():
        optimizer = dummy_optimizer(0.1)
        scheduler = scheduler_class(optimizer, **kwargs)
        for _ in range(4):
            optimizer.step()
            scheduler.step()

    return make_and_step


def group_added_after(scheduler_class, **kwargs):
    def add_and_step():
        optimizer = dummy_optimizer(0.1)
        scheduler = scheduler_class(optimizer, **kwargs)
        optimizer.add_param_group({"params": [torch.zeros(1, requires_grad=True)], "lr": 0.01})
        for _ in range(4):
            optimizer.step()
            scheduler.step()

    return add_and_step


def container_with_plateau(container):
    optimizer = dummy_optimizer(0.1)
    children = [sched.CosineAnnealingLR(optimizer, T_max=100), sched.ReduceLROnPlateau(optimizer)]
    if container is sched.SequentialLR:
        sched.SequentialLR(optimizer, children, milestones=[5])
    else:
        sched.ChainedScheduler(children)


class LateAttribute(sched.LRScheduler):
    def __init__(self, optimizer, warmup_steps):
        super().__init__(optimizer)
        self.warmup_steps = warmup_steps

    def get_lr(self):
        return [lr * min(1, (self.last_epoch + 1) / self.warmup_steps) for lr in self.base_lrs]


class CountsFromOne(sched.LRScheduler):
    def get_lr(self):
        return [lr / self.last_epoch for lr in self.base_lrs]


class ReturnsANumber(sched.LRScheduler):
    def get_lr(self):
        return self.base_lrs[0] / 2


class ReturnsOneValue(sched.LRScheduler):
    def get_lr(self):
        return [self.base_lrs[0] / 2]


def grad_scaler_without_device(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)  # also on the GPU runner
    assert not torch.amp.GradScaler().is_enabled()


# name: (what to run, what it raises or warns, the exact message)
MESSAGES = {
    "scheduler.step() before optimizer.step()": (
        step_before_optimizer,
        UserWarning,
        STEP_ORDER_WARNING,
    ),
    "get_lr() called from outside": (
        get_lr_from_outside,
        UserWarning,
        "To get the last learning rate computed by the scheduler, please use `get_last_lr()`.",
    ),
    "ReduceLROnPlateau.step() without the metric": (
        lambda: sched.ReduceLROnPlateau(dummy_optimizer(0.1)).step(),
        TypeError,
        "ReduceLROnPlateau.step() missing 1 required positional argument: 'metrics'",
    ),
    "SequentialLR.step(epoch)": (
        lambda: sequential_of_one().step(3),
        TypeError,
        "SequentialLR.step() takes 1 positional argument but 2 were given",
    ),
    "step(epoch) is deprecated": (step_with_epoch, UserWarning, EPOCH_WARNING),
    "OneCycleLR stepped past total_steps": (
        one_cycle_stepped_per_micro_batch,
        ValueError,
        "Tried to step 41 times. The specified number of total steps is 40",
    ),
    "StepLR(step_size=0)": (
        step_at_once(sched.StepLR, step_size=0),
        ZeroDivisionError,
        "integer modulo by zero",
    ),
    "CosineAnnealingLR(T_max=0)": (
        step_at_once(sched.CosineAnnealingLR, T_max=0),
        ZeroDivisionError,
        "integer modulo by zero",
    ),
    "ConstantLR(factor=0.0)": (
        step_at_once(sched.ConstantLR, factor=0.0, total_iters=2),
        ZeroDivisionError,
        "float division by zero",
    ),
    "CosineAnnealingLR(eta_min=[0.001])": (
        step_at_once(sched.CosineAnnealingLR, T_max=10, eta_min=[0.001]),
        TypeError,
        "unsupported operand type(s) for -: 'float' and 'list'",
    ),
    "MultiStepLR(milestones=30)": (
        lambda: sched.MultiStepLR(dummy_optimizer(0.1), 30),
        TypeError,
        "'int' object is not iterable",
    ),
    "LambdaLR(lr_lambda=0.5)": (
        lambda: sched.LambdaLR(dummy_optimizer(0.1), 0.5),
        TypeError,
        "'float' object is not callable",
    ),
    "LinearLR(start_factor=0)": (
        lambda: sched.LinearLR(dummy_optimizer(0.1), start_factor=0),
        ValueError,
        "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.",
    ),
    "CosineAnnealingWarmRestarts(T_0=10.0)": (
        lambda: sched.CosineAnnealingWarmRestarts(dummy_optimizer(0.1), T_0=10.0),
        ValueError,
        "Expected positive integer T_0, but got 10.0",
    ),
    "verbose=True": (
        lambda: sched.ReduceLROnPlateau(dummy_optimizer(0.1), verbose=True),
        TypeError,
        "ReduceLROnPlateau.__init__() got an unexpected keyword argument 'verbose'",
    ),
    "CosineAnnealingLR without T_max": (
        lambda: sched.CosineAnnealingLR(dummy_optimizer(0.1)),
        TypeError,
        "CosineAnnealingLR.__init__() missing 1 required positional argument: 'T_max'",
    ),
    "OneCycleLR without a length": (
        lambda: sched.OneCycleLR(dummy_optimizer(0.1), max_lr=0.1),
        ValueError,
        "You must define either total_steps OR (epochs AND steps_per_epoch)",
    ),
    "ExponentialLR without gamma": (
        lambda: sched.ExponentialLR(dummy_optimizer(0.1)),
        TypeError,
        "ExponentialLR.__init__() missing 1 required positional argument: 'gamma'",
    ),
    "ReduceLROnPlateau in SequentialLR": (
        lambda: container_with_plateau(sched.SequentialLR),
        ValueError,
        UNSUPPORTED_PLATEAU.format("SequentialLR"),
    ),
    "ReduceLROnPlateau in ChainedScheduler": (
        lambda: container_with_plateau(sched.ChainedScheduler),
        ValueError,
        UNSUPPORTED_PLATEAU.format("ChainedScheduler"),
    ),
    "last_epoch on a fresh optimizer": (
        lambda: sched.StepLR(dummy_optimizer(0.1), step_size=10, last_epoch=2),
        KeyError,
        INITIAL_LR,
    ),
    "LambdaLR, group added later": (
        group_added_after(sched.LambdaLR, lr_lambda=lambda t: 0.9**t),
        ValueError,
        "zip() argument 2 is shorter than argument 1",
    ),
    "OneCycleLR, group added later": (
        group_added_after(sched.OneCycleLR, max_lr=0.1, total_steps=10),
        KeyError,
        "initial_lr",
    ),
    "own scheduler: attribute after super().__init__()": (
        lambda: LateAttribute(dummy_optimizer(0.1, 0.1), 4),
        AttributeError,
        "'LateAttribute' object has no attribute 'warmup_steps'",
    ),
    "own scheduler: last_epoch counted from 1": (
        lambda: CountsFromOne(dummy_optimizer(0.1, 0.1)),
        ZeroDivisionError,
        "float division by zero",
    ),
    "own scheduler: get_lr() returns a number": (
        lambda: ReturnsANumber(dummy_optimizer(0.1, 0.1)),
        TypeError,
        "'float' object is not iterable",
    ),
    "own scheduler: one value for two groups": (
        lambda: ReturnsOneValue(dummy_optimizer(0.1, 0.1)),
        ValueError,
        "zip() argument 2 is shorter than argument 1",
    ),
    "GradScaler() without CUDA": (
        grad_scaler_without_device,
        UserWarning,
        "torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.",
    ),
    "torch.cpu.amp.GradScaler": (
        lambda: torch.cpu.amp.GradScaler(),
        FutureWarning,
        "`torch.cpu.amp.GradScaler(args...)` is deprecated. "
        "Please use `torch.amp.GradScaler('cpu', args...)` instead.",
    ),
}


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
@pytest.mark.parametrize("name", MESSAGES)
def test_message_is_the_one_the_page_shows(name, monkeypatch):
    run, category, message = MESSAGES[name]
    call = (lambda: run(monkeypatch)) if run is grad_scaler_without_device else run
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if issubclass(category, Warning):
            call()
            assert [(w.category, str(w.message)) for w in caught] == [(category, message)]
            return
        with pytest.raises(category) as raised:
            call()
    assert raised.value.args[0] == message


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_every_message_is_on_the_page():
    text = PAGE.read_text(encoding="utf-8")
    missing = [
        name
        for name, (_, category, message) in MESSAGES.items()
        if not all(line in text for line in f"{category.__name__}: {message}".splitlines())
        and not (category is KeyError and f"KeyError: '{message}'" in text)
    ]
    assert missing == []


def in_the_table(category: str, shown: str) -> bool:
    """Whether a message printed on the page is one of MESSAGES, maybe cut after a sentence
    (the step-order warning, shown in full once) or quoted (str() of a KeyError)."""
    return any(
        category == known_category.__name__
        and (known.startswith(shown.removesuffix(".")) or shown == f"'{known}'")
        for _, known_category, known in MESSAGES.values()
    )


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_every_message_on_the_page_is_in_the_table():
    text = PAGE.read_text(encoding="utf-8")
    outputs = "\n".join(re.findall(r"^```text\n(.*?)^```$", text, re.M | re.S))
    shown = re.findall(r"\b(\w+(?:Error|Warning)): (.+)$", outputs, re.M)
    assert len(shown) >= len(MESSAGES)
    assert [f"{c}: {m}" for c, m in shown if not in_the_table(c, m)] == []


# --- the wrong learning rates the page prints ------------------------------------------


def cosine(t, t_max, lr=0.1, eta_min=0.0):
    return eta_min + (lr - eta_min) / 2 * (1 + math.cos(math.pi * t / t_max))


def one_cycle_warmup(t, total, max_lr=0.1):
    """OneCycleLR's default warm-up: a cosine from max_lr / 25 up to max_lr at step 0.3 T - 1."""
    start, peak_step = max_lr / 25, 0.3 * total - 1
    assert t <= peak_step  # every value checked here is still in the warm-up
    return max_lr + (start - max_lr) / 2 * (1 + math.cos(math.pi * t / peak_step))


def approx(values):
    return pytest.approx(values, rel=1e-12, abs=0)


def test_wrong_order_skips_the_first_value_and_get_lr_decays_twice():
    weight = torch.ones(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1)
    scheduler = sched.StepLR(optimizer, step_size=1, gamma=0.5)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        scheduler.step()
        assert optimizer.param_groups[0]["lr"] == approx(0.1 * 0.5)
        weight.sum().backward()
        optimizer.zero_grad()
        optimizer.step()
        assert (weight.grad, weight.item()) == (None, 1.0)  # nothing trained
        assert scheduler.get_lr() == approx([0.1 * 0.5**2])
    optimizer.param_groups[0]["lr"] = 0.5
    assert scheduler.get_last_lr() == approx([0.05])


@pytest.mark.parametrize("shift, positions", [(0, [0, 0, 1, 2]), (1, [0, 1, 2, 3])])
def test_warm_restarts_stepped_to_i_over_iters_train_one_batch_behind(shift, positions):
    optimizer = dummy_optimizer(0.1)
    scheduler = sched.CosineAnnealingWarmRestarts(optimizer, T_0=1)
    used = []
    for i in range(4):
        used.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step((i + shift) / 4)
    assert used == approx([cosine(p / 4, 1) for p in positions])


def test_an_explicit_epoch_misses_the_restart_that_counting_hits():
    optimizer = dummy_optimizer(0.1)
    explicit = sched.CosineAnnealingWarmRestarts(optimizer, T_0=1, T_mult=3)
    optimizer.step()
    explicit.step(121)  # 1 + 3 + 9 + 27 + 81 = 121: a cycle starts here
    assert explicit.get_last_lr() == [0.0]
    counted = sched.CosineAnnealingWarmRestarts(dummy_optimizer(0.1), T_0=1, T_mult=3)
    lrs_used(counted, 121)
    assert counted.get_last_lr() == approx([0.1])


def test_lengths_counted_in_the_wrong_unit():
    per_batch = lrs_used(sched.CosineAnnealingLR(dummy_optimizer(0.1), T_max=10), 80)
    assert per_batch[::8] == approx([cosine(t, 10) for t in range(0, 80, 8)])
    assert [per_batch[20], per_batch[40]] == approx([0.1, 0.1])  # the top, every 2 * T_max
    step = lrs_used(sched.StepLR(dummy_optimizer(0.1), step_size=10, gamma=0.5), 51)
    assert step[50] == approx(0.1 * 0.5**5)  # five halvings in the first 50 batches
    per_epoch = lrs_used(
        sched.OneCycleLR(dummy_optimizer(0.1), max_lr=0.1, epochs=10, steps_per_epoch=8), 10
    )
    assert per_epoch == approx([one_cycle_warmup(t, 80) for t in range(10)])
    assert f"{max(per_epoch):.3g}" == "0.0359"  # still warming up when the run ends
    cyclic = lrs_used(sched.CyclicLR(dummy_optimizer(0.1), base_lr=0.001, max_lr=0.1), 100)
    assert cyclic[99] == approx(0.001 + 0.099 * 99 / 2000)


def test_lengths_with_a_default_or_per_step_factor():
    poly = lrs_used(sched.PolynomialLR(dummy_optimizer(0.1), power=0.9), 8)
    assert poly[:5] == approx([0.1 * (1 - t / 5) ** 0.9 for t in range(5)])
    assert poly[5:] == [0.0, 0.0, 0.0]
    gamma = 0.01 ** (1 / 40)
    exponential = lrs_used(sched.ExponentialLR(dummy_optimizer(0.1), gamma=gamma), 201)
    assert exponential[::40] == approx([0.1 * gamma ** (40 * k) for k in range(6)])
    assert [f"{lr:.3g}" for lr in exponential[::40]] == [f"{0.1 * 0.01**k:.3g}" for k in range(6)]
    exp_range = lrs_used(
        sched.CyclicLR(
            dummy_optimizer(0.1), 0.001, 0.1, step_size_up=500, mode="exp_range", gamma=0.99
        ),
        501,
    )
    assert exp_range[500] == approx(0.001 + 0.099 * 0.99**500)
    assert f"{exp_range[500]:.3g}" == "0.00165"


def test_accumulation_sized_in_micro_batches_still_warms_up_at_the_end():
    optimizer = dummy_optimizer(0.1)
    scheduler = sched.OneCycleLR(optimizer, max_lr=0.1, epochs=10, steps_per_epoch=16)
    used = lrs_used(scheduler, 40)
    assert used == approx([one_cycle_warmup(t, 160) for t in range(40)])
    assert used[-1] == max(used) < 0.1


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_stepping_per_micro_batch_warns_at_once_and_raises_a_quarter_in():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError):
            one_cycle_stepped_per_micro_batch()
    assert [str(w.message) for w in caught] == [STEP_ORDER_WARNING]


@pytest.mark.parametrize(
    "scheduler_class, kwargs, expected",
    [
        (sched.MultiStepLR, {"milestones": [2, 2]}, [0.1, 0.1, 0.1 * 0.1**2, 0.1 * 0.1**2]),
        (sched.MultiStepLR, {"milestones": [0, 2]}, [0.01, 0.01, 0.001, 0.001]),
        (sched.ConstantLR, {"factor": 0.5, "total_iters": 0}, [0.05] * 4),
        (sched.LinearLR, {"start_factor": 0.5, "total_iters": 0}, [0.05] * 4),
        (sched.PolynomialLR, {"total_iters": 0}, [0.1] * 4),
        (sched.ExponentialLR, {"gamma": -0.5}, [0.1 * (-0.5) ** t for t in range(4)]),
        (sched.MultiplicativeLR, {"lr_lambda": lambda t: 0.0 if t == 1 else 2.0}, [0.1, 0, 0, 0]),
        (sched.LambdaLR, {"lr_lambda": lambda t: 0.01}, [0.1 * 0.01] * 4),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_unchecked_arguments_train_at_these_rates(scheduler_class, kwargs, expected):
    scheduler = scheduler_class(dummy_optimizer(0.1), **kwargs)
    assert lrs_used(scheduler, 4) == approx(expected)


@pytest.mark.parametrize(
    "kwargs, metrics, expected",
    [
        ({}, [0.5, 0.6, 0.7, 0.8], 0.01),  # an accuracy in mode="min": cut while improving
        ({}, [-2.0] * 6, 0.1),  # relative threshold, negative metric: never cut
        ({"threshold_mode": "abs"}, [-2.0] * 6, 0.01),
        ({"factor": -0.5}, [1.0, 1.1, 1.2, 1.3], 0),  # straight to min_lr
    ],
)
def test_plateau_metric_pitfalls(kwargs, metrics, expected):
    optimizer = dummy_optimizer(0.1)
    scheduler = sched.ReduceLROnPlateau(optimizer, patience=2, **kwargs)
    for metric in metrics:
        optimizer.step()
        scheduler.step(metric)
    assert scheduler.get_last_lr() == approx([expected])


def test_a_never_stepped_one_cycle_rewrites_another_schedulers_optimizer():
    optimizer = dummy_optimizer(1e-3, optimizer_class=torch.optim.AdamW)
    cosine_scheduler = sched.CosineAnnealingLR(optimizer, T_max=100)
    sched.OneCycleLR(optimizer, max_lr=1e-2, total_steps=1000)
    assert optimizer.param_groups[0]["lr"] == approx(1e-2 / 25)
    assert optimizer.param_groups[0]["betas"] == (0.95, 0.999)
    assert cosine_scheduler.get_last_lr() == [1e-3]


def warmup_then_cosine(warmup, t_max):
    def make(optimizer):
        return sched.SequentialLR(
            optimizer,
            [
                sched.LinearLR(optimizer, 0.1, total_iters=warmup),
                sched.CosineAnnealingLR(optimizer, T_max=t_max),
            ],
            milestones=[5],
        )

    return make


def test_sequential_junction_mistakes():
    long_warmup = lrs_used(warmup_then_cosine(10, 35)(dummy_optimizer(0.1)), 7)
    assert long_warmup[3:] == approx(
        [0.1 * (0.1 + 0.9 * t / 10) for t in (3, 4)] + [0.1, cosine(1, 35)]
    )
    right = lrs_used(warmup_then_cosine(5, 35)(dummy_optimizer(0.1)), 40)
    wrong = lrs_used(warmup_then_cosine(5, 40)(dummy_optimizer(0.1)), 40)
    assert (right[39], wrong[39]) == approx((cosine(34, 35), cosine(34, 40)))
    optimizer = dummy_optimizer(0.1)
    children = [
        sched.ConstantLR(optimizer, 0.5, 10),
        sched.ExponentialLR(optimizer, 0.5),
        sched.StepLR(optimizer, 2),
    ]
    out_of_order = lrs_used(sched.SequentialLR(optimizer, children, [6, 3]), 8)
    assert out_of_order == approx([0.05] * 3 + [0.1, 0.1, 0.01, 0.01, 0.001])
    assert children[1].last_epoch == -1  # the ExponentialLR phase never ran


def test_chained_scheduler_mistakes():
    optimizer = dummy_optimizer(0.1)
    chain = sched.ChainedScheduler(
        [sched.LinearLR(optimizer, 0.01, total_iters=24), sched.CosineAnnealingLR(optimizer, 136)]
    )
    junction = lrs_used(chain, 160)
    assert junction[24] == approx(cosine(24, 136))
    assert junction[136] == pytest.approx(0, abs=1e-15)
    assert junction[159] == approx(cosine(159, 136))
    optimizer = dummy_optimizer(0.1)
    chain = sched.ChainedScheduler(
        [sched.LambdaLR(optimizer, lambda t: 1 / (t + 1)), sched.ExponentialLR(optimizer, 0.5)]
    )
    # LambdaLR rewrites 0.1 / (t + 1); only the ExponentialLR step after it survives
    assert lrs_used(chain, 4) == approx([0.1] + [0.1 / (t + 1) * 0.5 for t in range(1, 4)])


def test_a_function_means_something_else_in_multiplicative_lr():
    lambda_lr = lrs_used(sched.LambdaLR(dummy_optimizer(0.1), lambda t: 0.9), 4)
    multiplicative = lrs_used(sched.MultiplicativeLR(dummy_optimizer(0.1), lambda t: 0.9), 4)
    assert lambda_lr == approx([0.09] * 4)
    assert multiplicative == approx([0.1 * 0.9**t for t in range(4)])


def linear_warmup(t):  # LinearLR(start_factor=0.25, total_iters=4) on lr=0.1
    return 0.1 * (0.25 + 0.75 * min(t, 4) / 4)


@pytest.mark.parametrize(
    "order, expected",
    [
        ("build, then load", linear_warmup(3)),
        ("load, then build", linear_warmup(2) * 0.25 * linear_warmup(3) / linear_warmup(2)),
        ("scheduler state only", 0.1 * 0.25 * linear_warmup(3) / linear_warmup(2)),
    ],
)
def test_resuming_in_the_wrong_order(order, expected):
    optimizer = dummy_optimizer(0.1)
    scheduler = sched.LinearLR(optimizer, start_factor=0.25, total_iters=4)
    lrs_used(scheduler, 2)
    saved_optimizer, saved_scheduler = optimizer.state_dict(), scheduler.state_dict()
    optimizer = dummy_optimizer(0.1)
    if order == "build, then load":
        scheduler = sched.LinearLR(optimizer, start_factor=0.25, total_iters=4)
    if order != "scheduler state only":
        optimizer.load_state_dict(saved_optimizer)
    if order != "build, then load":
        scheduler = sched.LinearLR(optimizer, start_factor=0.25, total_iters=4)
    scheduler.load_state_dict(saved_scheduler)
    lrs_used(scheduler, 1)
    assert optimizer.param_groups[0]["lr"] == approx(expected)


def test_lambda_lr_saves_no_function():
    state = sched.LambdaLR(dummy_optimizer(0.1), lambda t: 0.5).state_dict()
    assert state["lr_lambdas"] == [None]


def head_and_backbone():
    return dummy_optimizer(0.1, 0.01)


def test_single_max_lr_and_base_lr_ignore_the_groups_and_switch_momentum_on():
    optimizer = head_and_backbone()
    scheduler = sched.OneCycleLR(optimizer, max_lr=0.1, total_steps=10)
    assert scheduler.get_last_lr() == approx([0.1 / 25, 0.1 / 25])
    assert optimizer.param_groups[0]["momentum"] == 0.95
    optimizer = head_and_backbone()
    scheduler = sched.CyclicLR(optimizer, base_lr=0.001, max_lr=0.1)
    assert scheduler.get_last_lr() == [0.001, 0.001]
    assert optimizer.param_groups[0]["momentum"] == 0.9


def test_a_shared_floor_and_a_group_added_later():
    scheduler = sched.CosineAnnealingLR(head_and_backbone(), T_max=10, eta_min=0.001)
    lrs_used(scheduler, 10)
    assert scheduler.get_last_lr() == approx([0.001, 0.001])
    optimizer = dummy_optimizer(0.1)
    scheduler = sched.LinearLR(optimizer, start_factor=0.5, total_iters=4)
    optimizer.add_param_group({"params": [torch.zeros(1, requires_grad=True)], "lr": 0.01})
    lrs_used(scheduler, 4)
    assert scheduler.get_last_lr() == approx([0.1, 0.01 / 0.5])


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_grad_scaler_skipped_updates_still_advance_the_schedule():
    model = torch.nn.Linear(1, 1, bias=False)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = sched.LinearLR(optimizer, start_factor=0.25, total_iters=3)
    scaler = torch.amp.GradScaler("cpu")
    record = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            optimizer.zero_grad()
            with torch.autocast("cpu", dtype=torch.float16):
                loss = 2 * model(torch.ones(1, 1)).sum()
            scaler.scale(loss).backward()
            lr, scale = scheduler.get_last_lr()[0], scaler.get_scale()
            scaler.step(optimizer)
            scaler.update()
            scheduler.step()
            record.append((lr, scaler.get_scale() < scale))
    assert [skipped for _, skipped in record] == [True, True, False]
    assert [lr for lr, _ in record] == approx([0.025, 0.05, 0.075])
    assert [str(w.message) for w in caught] == [STEP_ORDER_WARNING]


def docstring_example(name):
    """The LRs the docstring claims (as written) and those its own code uses at epochs 0-2."""
    docstring = getattr(sched, name).__doc__
    claims = [lr for lr, _ in re.findall(r"lr = ([\d.]+)\s+if epoch == (\d+)", docstring)]
    optimizer = dummy_optimizer(0.05)
    namespace = {**vars(sched), "optimizer": optimizer}
    for line in re.findall(r">>> (scheduler\d? = .*)", docstring):
        exec(line, namespace)
    used = record_each_step(namespace["scheduler"], 3, lambda s: s.get_last_lr()[0])
    return claims, used


@pytest.mark.parametrize("name", ["LinearLR", "PolynomialLR"])
def test_docstring_examples_are_one_epoch_ahead(name):
    claims, used = docstring_example(name)
    assert float(claims[0]) != pytest.approx(used[0], rel=1e-2)
    for epoch in (0, 1):  # the next epoch's value, cut to the decimals the claim shows
        decimals = len(claims[epoch].split(".")[1])
        assert -1e-12 <= used[epoch + 1] - float(claims[epoch]) < 10**-decimals


def test_chained_scheduler_docstring_is_ten_times_too_high():
    claims, used = docstring_example("ChainedScheduler")
    assert [float(claim) for claim in claims[:2]] == approx([10 * lr for lr in used[:2]])


# --- the page covers every pitfall of the site -----------------------------------------


def slug(heading: str) -> str:
    """Python-Markdown's toc slug of a heading, as MkDocs builds the anchor."""
    text = re.sub(r"`([^`]*)`", r"\1", heading)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def linked_from_the_page() -> set[str]:
    links = re.findall(r"\]\(([^)\s#]+\.md)(#[^)\s]+)?\)", PAGE.read_text(encoding="utf-8"))
    found = set()
    for target, anchor in links:
        path = (PAGE.parent / target).resolve().relative_to(DOCS.resolve())
        found.add(f"{path}{anchor}")
        found.add(str(path))
    return found


PAGES = (
    sorted(DOCS.glob("schedulers/*.md"))
    + sorted(DOCS.glob("modern/*.md"))
    + sorted(
        p for p in DOCS.glob("guides/*.md") if p.name not in {"pitfalls.md", "faq.md", "index.md"}
    )
)


def pitfall_sections(page: Path) -> list[str]:
    headings = re.findall(r"^#{2,3} (.+)$", page.read_text(encoding="utf-8"), re.M)
    return [slug(h) for h in headings if re.match(r"Pitfalls?\b", h) or "mistake:" in h]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_pitfall_section_and_warning_of_the_site_is_linked(page):
    where = str(page.relative_to(DOCS))
    linked = linked_from_the_page()
    missing = [f"{where}#{a}" for a in pitfall_sections(page) if f"{where}#{a}" not in linked]
    assert missing == [], "docs/guides/pitfalls.md does not link " + ", ".join(missing)
    if re.search(r"^!!! (warning|danger)", page.read_text(encoding="utf-8"), re.M):
        assert where in linked, f"{where} has a warning but pitfalls.md does not link it"


def test_slug_matches_the_built_anchors():
    assert slug("Pitfall: `total_iters=0` does not switch the warm-up off") == (
        "pitfall-total_iters0-does-not-switch-the-warm-up-off"
    )
    assert slug('Pitfall: `mode="min"` on a metric that should rise') == (
        "pitfall-modemin-on-a-metric-that-should-rise"
    )
    assert slug("The classic mistake: a per-epoch cosine stepped per batch") == (
        "the-classic-mistake-a-per-epoch-cosine-stepped-per-batch"
    )


FROM_THE_BASE_RATE = {"LambdaLR", "CyclicLR", "CosineAnnealingWarmRestarts", "OneCycleLR"}
GET_LR_NOT_IMPLEMENTED = {"SequentialLR", "ChainedScheduler", "ReduceLROnPlateau"}


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
@pytest.mark.parametrize("name", SCHEDULERS)
def test_get_lr_from_outside_recomputes_the_current_step(name):
    """pitfalls.md, faq.md, training-loop.md: get_lr() called from outside warns (twelve) or
    raises NotImplementedError without a warning (three), and recomputes the current step:
    for four, what they last wrote, from the step count (a value set by hand is not seen);
    for the others this step's factor applied a second time (the next value for
    ExponentialLR and MultiplicativeLR)."""
    for steps in (1, 2, 3):
        optimizer = dummy_optimizer(0.1)
        scheduler = make(name, optimizer)
        for _ in range(steps):
            previous = optimizer.param_groups[0]["lr"]
            optimizer.step()
            step(scheduler)
        current = optimizer.param_groups[0]["lr"]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if name in GET_LR_NOT_IMPLEMENTED:
                with pytest.raises(NotImplementedError):
                    scheduler.get_lr()
                assert caught == []
                continue
            recomputed = scheduler.get_lr()[0]
        assert [str(w.message) for w in caught] == [MESSAGES["get_lr() called from outside"][2]]
        optimizer.step()
        step(scheduler)
        following = optimizer.param_groups[0]["lr"]
        if name in FROM_THE_BASE_RATE:
            assert recomputed == approx(current) and following != approx(current)
            optimizer.param_groups[0]["lr"] = 0.5  # set by hand: not what get_lr() sees
            written = scheduler.get_last_lr()[0]
            assert get_lr_warned(scheduler) == approx(written) and written != 0.5
        else:
            assert recomputed == approx(current * current / previous), (name, steps)
        if name in {"ExponentialLR", "MultiplicativeLR"}:  # a constant factor
            assert recomputed == approx(following)


def get_lr_warned(scheduler) -> float:
    """scheduler.get_lr()[0] called from outside, asserting torch's one warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = scheduler.get_lr()[0]
    assert [str(w.message) for w in caught] == [MESSAGES["get_lr() called from outside"][2]]
    return value


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
@pytest.mark.parametrize("name", sorted(set(SCHEDULERS) - GET_LR_NOT_IMPLEMENTED))
def test_get_lr_before_the_first_step_repeats_step_0_except_for_four(name):
    """pitfalls.md: before the first step(), get_lr() returns the current value for the four
    that compute from the base rate, applies step 0's factor again for StepLR, MultiStepLR,
    ConstantLR and LinearLR, returns ExponentialLR's next value, multiplies MultiplicativeLR's
    lr by its function at 0, and applies PolynomialLR's and CosineAnnealingLR's change from a
    step -1 to step 0 (CosineAnnealingLR above lr for an eta_min below it)."""
    optimizer = dummy_optimizer(0.1)
    if name == "MultiplicativeLR":  # f(0) differs from every factor a run uses
        scheduler = sched.MultiplicativeLR(optimizer, lambda t: 0.5 if t == 0 else 0.9)
    else:
        scheduler = make(name, optimizer)
    current = optimizer.param_groups[0]["lr"]
    recomputed = get_lr_warned(scheduler)
    optimizer.step()
    step(scheduler)
    following = optimizer.param_groups[0]["lr"]
    if name in FROM_THE_BASE_RATE:
        assert recomputed == approx(current)
    elif name in {"StepLR", "MultiStepLR", "ConstantLR", "LinearLR"}:
        assert recomputed == approx(current * current / 0.1)  # step 0's factor twice
    elif name == "ExponentialLR":
        assert recomputed == approx(following) != approx(current)
    elif name == "MultiplicativeLR":
        assert recomputed == approx(0.1 * 0.5) and following == approx(0.1 * 0.9)
    elif name == "PolynomialLR":  # total_iters=8, power=1: (1 - 0/8) / (1 - (-1)/8)
        assert recomputed == approx(0.1 * 8 / 9) and following == approx(0.1 * 7 / 8)
    else:  # CosineAnnealingLR, T_max=8: cos(0 pi/8) against cos(-1 pi/8)
        assert name == "CosineAnnealingLR"
        assert recomputed == approx(0.1 * 2 / (1 + math.cos(math.pi / 8)))
        assert recomputed > current


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
@pytest.mark.parametrize("eta_min", [0.0, 0.05])
def test_get_lr_of_a_cosine_repeats_its_update_from_eta_min_and_starts_above_lr(eta_min):
    """pitfalls.md: CosineAnnealingLR's get_lr() applies the current step's update again, a
    change of the distance to eta_min; before the first step() it returns more than lr."""
    optimizer = dummy_optimizer(0.1)
    scheduler = sched.CosineAnnealingLR(optimizer, T_max=6, eta_min=eta_min)
    assert get_lr_warned(scheduler) > 0.1
    previous = 0.1
    for _ in range(4):
        optimizer.step()
        scheduler.step()
        current = optimizer.param_groups[0]["lr"]
        again = eta_min + (current - eta_min) * (current - eta_min) / (previous - eta_min)
        assert get_lr_warned(scheduler) == approx(again)
        previous = current


def test_get_lr_of_multiplicative_lr_is_the_next_value_only_for_a_constant_factor():
    """pitfalls.md: MultiplicativeLR's get_lr() multiplies by lambda(t), the next step by
    lambda(t + 1); they differ when the function changes between steps."""
    optimizer = dummy_optimizer(0.1)
    scheduler = sched.MultiplicativeLR(optimizer, lambda t: 0.5 if t % 2 else 0.9)
    from_get_lr, following = [], []
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        for _ in range(3):
            from_get_lr.append(scheduler.get_lr()[0])
            optimizer.step()
            scheduler.step()
            following.append(optimizer.param_groups[0]["lr"])
    assert from_get_lr == approx([0.1 * 0.9, 0.05 * 0.5, 0.05 * 0.9 * 0.9])
    assert following == approx([0.1 * 0.5, 0.05 * 0.9, 0.05 * 0.9 * 0.5])


def test_get_lr_right_at_a_step_lr_decay_decays_twice():
    optimizer = dummy_optimizer(0.1)
    scheduler = sched.StepLR(optimizer, step_size=2, gamma=0.5)
    lrs_used(scheduler, 2)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert scheduler.get_lr() == approx([0.1 * 0.5**2])
    assert scheduler.get_last_lr() == approx([0.05])


def test_wrong_order_is_silent_for_a_scheduler_created_after_the_optimizer_stepped():
    """pitfalls.md, faq.md, training-loop.md: torch warns only while the optimizer has never
    stepped."""
    optimizer = dummy_optimizer(0.1)
    warm_up = sched.LinearLR(optimizer, start_factor=0.1, total_iters=3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lrs_used(warm_up, 3)  # right order
        decay = sched.StepLR(optimizer, step_size=2)  # the second phase, started by hand
        used = []
        for _ in range(4):
            decay.step()  # wrong order
            used.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
    assert caught == []
    assert used == approx([0.1, 0.01, 0.01, 0.001])  # the second phase's first 0.1 step is lost


def test_wrong_order_still_warns_when_the_optimizer_stepped_before_any_scheduler_existed():
    """pitfalls.md, faq.md, training-loop.md: only steps taken after the first scheduler was
    created count;
    a run with no scheduler until partway still gets the warning."""
    optimizer = dummy_optimizer(0.1)
    for _ in range(3):
        optimizer.step()  # a constant rate, no scheduler yet
    decay = sched.StepLR(optimizer, step_size=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            decay.step()  # wrong order
            optimizer.step()
    assert [str(w.message) for w in caught] == [STEP_ORDER_WARNING]


@pytest.mark.parametrize(
    "create, expected",
    [
        (lambda o: sched.ChainedScheduler([sched.LinearLR(o), sched.ExponentialLR(o, 0.9)]), 2),
        (
            lambda o: sched.ChainedScheduler(
                [sched.CosineAnnealingWarmRestarts(o, 3), sched.ExponentialLR(o, 0.9)]
            ),
            1,
        ),
        (
            lambda o: sched.SequentialLR(
                o, [sched.LinearLR(o), sched.ExponentialLR(o, 0.9)], milestones=[3]
            ),
            1,
        ),
        (
            lambda o: sched.SequentialLR(
                o, [sched.CosineAnnealingWarmRestarts(o, 3), sched.ExponentialLR(o, 0.9)], [3]
            ),
            0,
        ),
        (
            lambda o: sched.SequentialLR(
                o, [sched.LinearLR(o), sched.ExponentialLR(o, 0.9)], milestones=[1]
            ),
            0,
        ),
    ],
    ids=["chained", "chained-warm-restarts", "sequential", "sequential-warm-restarts", "at-1"],
)
def test_wrong_order_warns_once_per_warning_child_and_sequential_can_be_silent(create, expected):
    """pitfalls.md, training-loop.md, choosing-a-scheduler.md: ChainedScheduler warns once
    per child that warns; SequentialLR is silent when its first child is
    CosineAnnealingWarmRestarts or its first milestone is 1."""
    optimizer = dummy_optimizer(0.1)
    scheduler = create(optimizer)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(5):
            scheduler.step()
            optimizer.step()
    assert [str(w.message) for w in caught] == [STEP_ORDER_WARNING] * expected


@pytest.mark.parametrize(
    "kwargs, sign",
    [
        ({"total_steps": 1000}, -1),
        ({"total_steps": 357_100}, -1),
        ({"total_steps": 357_200}, 1),
        ({"total_steps": 400_000}, 1),
        ({"total_steps": 1000, "final_div_factor": 1}, 1),
    ],
)
def test_linear_one_cycle_past_its_end_is_below_min_lr_and_negative_only_for_short_runs(
    kwargs, sign
):
    """pitfalls.md, faq.md: after the last allowed step a linear OneCycleLR is below min_lr, and
    negative when (max_lr - min_lr) / the last phase's length exceeds min_lr (with the
    default factors, below about 357,000 steps)."""
    optimizer = dummy_optimizer(0.1)
    scheduler = sched.OneCycleLR(optimizer, max_lr=0.1, anneal_strategy="linear", **kwargs)
    total = kwargs["total_steps"]
    # Fast-forward to the last step; scheduler.step() computes from last_epoch alone, which
    # the short run below checks against stepping every time.
    scheduler.last_epoch = total - 1
    optimizer.step()
    scheduler.step()
    after = optimizer.param_groups[0]["lr"]
    min_lr = 0.1 / 25 / kwargs.get("final_div_factor", 1e4)
    last_phase = total - 1 - (0.3 * total - 1)
    # abs: near zero, torch's interpolation and this formula round differently.
    assert after == pytest.approx(min_lr - (0.1 - min_lr) / last_phase, rel=0, abs=1e-15)
    assert after < min_lr and math.copysign(1, after) == sign
    if total == 1000:
        stepped = sched.OneCycleLR(dummy_optimizer(0.1), 0.1, anneal_strategy="linear", **kwargs)
        lrs_used(stepped, total)
        assert stepped.get_last_lr() == approx([after])


REWRITE_A_LOADED_LR = {
    "LambdaLR",
    "ConstantLR",
    "LinearLR",
    "CyclicLR",
    "CosineAnnealingWarmRestarts",
    "OneCycleLR",
    "SequentialLR",
    "ChainedScheduler",  # every_scheduler's holds a ConstantLR
}
RESUME_CASES = {name: lambda o, name=name: make(name, o) for name in SCHEDULERS} | {
    "MultiStepLR with a milestone at 0": lambda o: sched.MultiStepLR(o, milestones=[0, 2]),
    "ChainedScheduler of ExponentialLR and StepLR": lambda o: sched.ChainedScheduler(
        [sched.ExponentialLR(o, 0.9), sched.StepLR(o, 2)]
    ),
}


def lrs_from_here(optimizer, scheduler, steps: int) -> list[float]:
    """The lr each of the next `steps` updates uses, stepping optimizer then scheduler."""
    used = []
    for _ in range(steps):
        used.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        step(scheduler)
    return used


def saved_after_two_steps(create, then: int):
    """Train two steps with create(optimizer), save both states, go on for `then` steps:
    (weight, optimizer state, scheduler state, the lrs of those `then` steps)."""
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1)
    scheduler = create(optimizer)
    lrs_from_here(optimizer, scheduler, 2)
    saved = optimizer.state_dict(), scheduler.state_dict()
    return weight, *saved, lrs_from_here(optimizer, scheduler, then)


@pytest.mark.parametrize("case", RESUME_CASES)
def test_building_after_loading_rewrites_the_loaded_lr_only_where_step_0_uses_the_base_rate(case):
    """pitfalls.md, faq.md: built after optimizer.load_state_dict(), these schedulers
    rewrite the loaded lr and the others keep it; building first, then loading, resumes
    every one of them exactly."""
    create = RESUME_CASES[case]
    weight, saved_optimizer, saved_scheduler, uninterrupted = saved_after_two_steps(create, 4)

    late = torch.optim.SGD([weight], lr=0.1)
    late.load_state_dict(saved_optimizer)
    loaded = late.param_groups[0]["lr"]
    create(late)
    rewritten = late.param_groups[0]["lr"] != approx(loaded)
    assert rewritten is (case in REWRITE_A_LOADED_LR or case == "MultiStepLR with a milestone at 0")

    optimizer = torch.optim.SGD([weight], lr=0.1)
    scheduler = create(optimizer)  # build first, then load
    optimizer.load_state_dict(saved_optimizer)
    scheduler.load_state_dict(saved_scheduler)
    assert lrs_from_here(optimizer, scheduler, 4) == approx(uninterrupted)


WRONG_FOR_GOOD = {
    "ConstantLR",
    "LinearLR",
    "MultiStepLR with a milestone at 0",
    "ChainedScheduler",  # every_scheduler's holds a ConstantLR
}
LATE_BUILD_CASES = RESUME_CASES | {
    "LinearLR(start_factor=0.5, total_iters=10)": lambda o: sched.LinearLR(
        o, start_factor=0.5, total_iters=10
    ),
    "SequentialLR, LinearLR until step 6": lambda o: sched.SequentialLR(
        o, [sched.LinearLR(o, 0.5, total_iters=6), sched.ExponentialLR(o, 0.9)], milestones=[6]
    ),
}


@pytest.mark.parametrize("case", LATE_BUILD_CASES)
def test_built_after_loading_a_multiplying_scheduler_stays_wrong_and_the_others_only_once(case):
    """pitfalls.md, faq.md: built after optimizer.load_state_dict() and then given its
    state, ConstantLR, LinearLR and MultiStepLR with a milestone at 0 (and a ChainedScheduler
    holding one) stay off for the whole run; LambdaLR, CyclicLR, CosineAnnealingWarmRestarts,
    OneCycleLR only at the first update; the others resume exactly. (every_scheduler's
    SequentialLR, saved at 2, is off for one update, up to its milestone at 3: see
    test_a_sequential_lr_built_after_loading_restarts_and_stays_wrong_until_a_milestone.)"""
    create = LATE_BUILD_CASES[case]
    weight, saved_optimizer, saved_scheduler, uninterrupted = saved_after_two_steps(create, 8)

    late = torch.optim.SGD([weight], lr=0.1)
    late.load_state_dict(saved_optimizer)
    scheduler = create(late)
    scheduler.load_state_dict(saved_scheduler)
    resumed = lrs_from_here(late, scheduler, 8)
    wrong = [r != approx(u) for r, u in zip(resumed, uninterrupted)]
    if case in WRONG_FOR_GOOD or case.startswith("LinearLR("):
        assert all(wrong)
    elif case == "SequentialLR, LinearLR until step 6":  # saved at 2: steps 2-5 are off
        assert wrong == [True] * 4 + [False] * 4
    elif case in REWRITE_A_LOADED_LR or case == "MultiStepLR with a milestone at 0":
        assert wrong == [True] + [False] * 7
    else:
        assert not any(wrong)
    if case.startswith("LinearLR("):  # the page's example: half the rate for good
        assert resumed == approx([u / 2 for u in uninterrupted])


SEQUENTIAL_CHILDREN = {
    "LambdaLR": lambda o: sched.LambdaLR(o, lambda t: 0.95**t),
    "MultiplicativeLR": lambda o: sched.MultiplicativeLR(o, lambda t: 0.95),
    "StepLR": lambda o: sched.StepLR(o, 2, 0.5),
    "MultiStepLR": lambda o: sched.MultiStepLR(o, [2, 5], 0.5),
    "ConstantLR": lambda o: sched.ConstantLR(o, 0.5, 3),
    "LinearLR": lambda o: sched.LinearLR(o, 0.5, 1.0, 3),
    "ExponentialLR": lambda o: sched.ExponentialLR(o, 0.9),
    "PolynomialLR": lambda o: sched.PolynomialLR(o, 30, 2),
    "CosineAnnealingLR": lambda o: sched.CosineAnnealingLR(o, 30),
    "CyclicLR": lambda o: sched.CyclicLR(o, 0.01, 0.1, 3),
    "CosineAnnealingWarmRestarts": lambda o: sched.CosineAnnealingWarmRestarts(o, 4),
    "OneCycleLR": lambda o: sched.OneCycleLR(o, 0.1, total_steps=40),
}


def resumed_lrs(create, resume_at: int, steps: int, build_first: bool):
    """lrs of `steps` updates, the run saved and resumed before update `resume_at`, the
    scheduler built before (build_first) or after optimizer.load_state_dict(); and the lr
    its constructor wrote when built after."""
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1)
    scheduler = create(optimizer)
    used = lrs_from_here(optimizer, scheduler, resume_at)
    saved_optimizer, saved_scheduler = optimizer.state_dict(), scheduler.state_dict()
    optimizer = torch.optim.SGD([weight], lr=0.1)
    if build_first:
        scheduler = create(optimizer)
    optimizer.load_state_dict(saved_optimizer)
    if not build_first:
        scheduler = create(optimizer)
    written = optimizer.param_groups[0]["lr"]
    scheduler.load_state_dict(saved_scheduler)
    return used + lrs_from_here(optimizer, scheduler, steps - resume_at), written


@pytest.mark.parametrize("first", SEQUENTIAL_CHILDREN)
def test_a_sequential_lr_built_after_loading_restarts_and_stays_wrong_until_a_milestone(first):
    """pitfalls.md, faq.md: built after optimizer.load_state_dict(), SequentialLR resets the
    rate to initial_lr and restarts its first child, whatever was loaded; the rate it wrote
    is used once if the running child computes from the base rate, otherwise the error lasts
    until the next milestone, past it into a MultiplicativeLR, and to the end after the last.
    Every child first, then every child second, before ExponentialLR or MultiplicativeLR."""
    milestones, steps = [4, 9], 16
    from_the_base_rate = {"LambdaLR", "CyclicLR", "CosineAnnealingWarmRestarts", "OneCycleLR"}
    for second in SEQUENTIAL_CHILDREN:
        for third in ("ExponentialLR", "MultiplicativeLR"):
            names = [first, second, third]

            def create(o, names=names):
                children = [SEQUENTIAL_CHILDREN[name](o) for name in names]
                return sched.SequentialLR(o, children, milestones)

            fresh = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
            first_value = (create(fresh), fresh.param_groups[0]["lr"])[1]
            uninterrupted, _ = resumed_lrs(create, 0, steps, build_first=True)
            for resume_at in (2, 4, 6, 9, 12):
                built_first, _ = resumed_lrs(create, resume_at, steps, build_first=True)
                assert built_first == approx(uninterrupted)
                late, written = resumed_lrs(create, resume_at, steps, build_first=False)
                if "OneCycleLR" not in names[1:]:  # it rewrites initial_lr when created
                    assert written == approx(first_value), names
                wrong = [t for t in range(steps) if late[t] != approx(uninterrupted[t])]
                expected = []
                if written != approx(uninterrupted[resume_at]):
                    expected = [resume_at]
                    for t in range(resume_at + 1, steps):
                        running = names[bisect.bisect_right(milestones, t)]
                        if running in from_the_base_rate:
                            break
                        if t in milestones and running != "MultiplicativeLR":
                            break
                        expected.append(t)
                assert wrong == expected, (names, resume_at)


def test_a_sequential_lr_built_after_loading_past_its_last_milestone_is_off_by_a_constant():
    """pitfalls.md: after the last milestone the error lasts to the end of the run: an
    ExponentialLR warm-up then a cosine, resumed at step 30, runs 2.287 times too high."""

    def create(o):
        children = [sched.ExponentialLR(o, 0.9), sched.CosineAnnealingLR(o, T_max=50)]
        return sched.SequentialLR(o, children, milestones=[3])

    uninterrupted, _ = resumed_lrs(create, 0, 50, build_first=True)
    late, written = resumed_lrs(create, 30, 50, build_first=False)
    assert written == 0.1 and late[:30] == uninterrupted[:30]
    ratios = [late[t] / uninterrupted[t] for t in range(30, 50)]
    assert ratios == approx([0.1 / uninterrupted[30]] * 20)
    assert f"{ratios[0]:.3f}" == "2.287"


SILENT_AT_THE_FIRST_MICRO_BATCH = {
    "CosineAnnealingWarmRestarts": lambda o: sched.CosineAnnealingWarmRestarts(o, 3),
    "ReduceLROnPlateau": lambda o: make("ReduceLROnPlateau", o),
    "SequentialLR, CosineAnnealingWarmRestarts first": lambda o: sched.SequentialLR(
        o, [sched.CosineAnnealingWarmRestarts(o, 3), sched.ExponentialLR(o, 0.9)], [3]
    ),
    "SequentialLR, first milestone 1": lambda o: sched.SequentialLR(
        o, [sched.LinearLR(o), sched.ExponentialLR(o, 0.9)], milestones=[1]
    ),
    "ChainedScheduler of CosineAnnealingWarmRestarts": lambda o: sched.ChainedScheduler(
        [sched.CosineAnnealingWarmRestarts(o, 3)]
    ),
}
MICRO_BATCH_CASES = {
    name: lambda o, name=name: make(name, o) for name in SCHEDULERS
} | SILENT_AT_THE_FIRST_MICRO_BATCH


@pytest.mark.parametrize("case", MICRO_BATCH_CASES)
def test_stepping_every_micro_batch_warns_at_the_first_except_where_the_wrong_order_is_silent(
    case,
):
    """pitfalls.md: scheduler.step() on every micro-batch (accumulation_steps=4) gives the
    step-order warning at the first micro-batch, except for the silent cases named; a
    SequentialLR with its first milestone at 1 warns at the second, when ExponentialLR takes
    its first step before the first update."""
    optimizer = dummy_optimizer(0.1)
    scheduler = MICRO_BATCH_CASES[case](optimizer)
    warned_at = []
    for micro_batch in range(8):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if (micro_batch + 1) % 4 == 0:
                optimizer.step()
            step(scheduler)
        if any(str(w.message) == STEP_ORDER_WARNING for w in caught):
            warned_at.append(micro_batch)
    if case == "SequentialLR, first milestone 1":  # ExponentialLR's first step, no update yet
        assert warned_at == [1]
    elif case in SILENT_AT_THE_FIRST_MICRO_BATCH:
        assert warned_at == []
    else:
        assert warned_at == [0]


@pytest.mark.parametrize(
    ("kwargs", "climbs"),
    [
        ({}, True),
        ({"three_phase": True}, True),
        ({"final_div_factor": 1}, True),
        ({"three_phase": True, "final_div_factor": 1}, False),
    ],
)
def test_cos_one_cycle_past_its_end_climbs_back_unless_its_last_phase_is_flat(kwargs, climbs):
    """pitfalls.md: after the last allowed step a cosine OneCycleLR leaves a value above
    min_lr; a flat last phase (three_phase=True, final_div_factor=1) leaves min_lr, with
    either anneal_strategy."""
    for strategy in ("cos", "linear"):
        scheduler = sched.OneCycleLR(
            dummy_optimizer(0.1), 0.1, total_steps=100, anneal_strategy=strategy, **kwargs
        )
        used = lrs_used(scheduler, 100)
        after = scheduler.optimizer.param_groups[0]["lr"]
        min_lr = 0.1 / 25 / kwargs.get("final_div_factor", 1e4)
        assert used[-1] == pytest.approx(min_lr, rel=1e-9)
        if not climbs:
            assert after == pytest.approx(min_lr, rel=1e-12)
        elif strategy == "cos":
            assert after > min_lr * (1 + 1e-6)


def test_total_iters_0_behind_a_sequential_hand_over_divides_by_zero_or_drops_the_factor():
    """pitfalls.md, faq.md: stepped from creation, total_iters=0 keeps the start factor;
    as a later SequentialLR child, LinearLR and PolynomialLR divide by zero at the hand-over
    and ConstantLR never applies its factor."""
    for scheduler_class in (sched.LinearLR, sched.PolynomialLR):
        with pytest.raises(ZeroDivisionError):
            lrs_handed_over(scheduler_class, 4, total_iters=0)
    handed_over = lrs_handed_over(sched.ConstantLR, 6, factor=0.5, total_iters=0)
    assert handed_over == approx([0.1] * 6)  # the hold's 0.1, then 0.1: 0.5 never applied
    alone = sched.ConstantLR(dummy_optimizer(0.1), factor=0.5, total_iters=0)
    assert lrs_used(alone, 6) == approx([0.05] * 6)
    alone = sched.LinearLR(dummy_optimizer(0.1), start_factor=0.5, total_iters=0)
    assert lrs_used(alone, 6) == approx([0.05] * 6)
    alone = sched.PolynomialLR(dummy_optimizer(0.1), total_iters=0)
    assert lrs_used(alone, 6) == approx([0.1] * 6)


def test_get_lr_of_a_waiting_sequential_lr_child_is_its_formula_at_step_minus_1():
    """pitfalls.md, faq.md: the exception to get_lr() returning what LambdaLR, CyclicLR and
    OneCycleLR last wrote: a later SequentialLR child before its milestone (SequentialLR set
    its last_epoch back to -1); CosineAnnealingWarmRestarts still returns what it wrote."""
    children = {
        "LambdaLR": lambda o: sched.LambdaLR(o, lambda epoch: 0.5**epoch),
        "CyclicLR": lambda o: sched.CyclicLR(o, 0.01, 0.1, step_size_up=4),
        "OneCycleLR": lambda o: sched.OneCycleLR(o, 0.1, total_steps=20),
        "CosineAnnealingWarmRestarts": lambda o: sched.CosineAnnealingWarmRestarts(o, T_0=5),
    }
    at_minus_1 = {"LambdaLR": 0.2, "CyclicLR": 0.01 + 0.09 * 0.25}
    for name, build in children.items():
        optimizer = dummy_optimizer(0.1)
        first = sched.ConstantLR(optimizer, factor=1.0, total_iters=0)
        waiting = build(optimizer)
        sched.SequentialLR(optimizer, [first, waiting], milestones=[3])
        assert waiting.last_epoch == -1
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            got = waiting.get_lr()[0]
        if name == "CosineAnnealingWarmRestarts":
            assert got == pytest.approx(waiting.get_last_lr()[0])
        else:
            assert got != pytest.approx(waiting.get_last_lr()[0])
        if name in at_minus_1:
            assert got == pytest.approx(at_minus_1[name])
