"""docs/guides/checkpoint-and-resume.md: every scheduler torch exports resumes exactly from
its state_dict and the optimizer's; the pitfalls the page shows, with their real messages."""

import io
import random

import pytest
import torch
from schedules import dummy_optimizer
from torch.optim import lr_scheduler as L

SCHEDULERS = sorted(set(L.__all__) - {"LRScheduler"})
STEPS = 60
# A validation loss that improves for 20 steps, then wobbles on a plateau.
METRICS = [1.0 / (1 + t) if t < 20 else 0.05 + 0.001 * (t % 4) for t in range(STEPS)]


# Module-level functions (a lambda could not be pickled either; neither is saved).
def warmup_factor(step):
    return min(1.0, (step + 1) / 10)


def halve_every_third(step):
    return 0.5 if step % 3 == 0 else 1.0


def make(name, optimizer):
    """Each scheduler with settings under which it changes the LR within STEPS steps."""
    if name == "LambdaLR":
        return L.LambdaLR(optimizer, warmup_factor)
    if name == "MultiplicativeLR":
        return L.MultiplicativeLR(optimizer, halve_every_third)
    if name == "StepLR":
        return L.StepLR(optimizer, step_size=7, gamma=0.5)
    if name == "MultiStepLR":
        return L.MultiStepLR(optimizer, milestones=[10, 25, 25, 40], gamma=0.5)
    if name == "ConstantLR":
        return L.ConstantLR(optimizer, factor=0.25, total_iters=12)
    if name == "LinearLR":
        return L.LinearLR(optimizer, start_factor=0.1, total_iters=15)
    if name == "ExponentialLR":
        return L.ExponentialLR(optimizer, gamma=0.95)
    if name == "SequentialLR":
        return L.SequentialLR(
            optimizer,
            [
                L.LinearLR(optimizer, start_factor=0.1, total_iters=8),
                L.CosineAnnealingLR(optimizer, T_max=30),
            ],
            milestones=[8],
        )
    if name == "CosineAnnealingLR":
        return L.CosineAnnealingLR(optimizer, T_max=40, eta_min=0.001)
    if name == "ChainedScheduler":
        return L.ChainedScheduler(
            [
                L.ConstantLR(optimizer, factor=0.5, total_iters=10),
                L.ExponentialLR(optimizer, gamma=0.97),
            ]
        )
    if name == "ReduceLROnPlateau":
        return L.ReduceLROnPlateau(optimizer, factor=0.5, patience=2, cooldown=1)
    if name == "CyclicLR":
        return L.CyclicLR(optimizer, base_lr=0.01, max_lr=0.1, step_size_up=5, mode="triangular2")
    if name == "CosineAnnealingWarmRestarts":
        return L.CosineAnnealingWarmRestarts(optimizer, T_0=5, T_mult=2, eta_min=0.001)
    if name == "OneCycleLR":
        return L.OneCycleLR(optimizer, max_lr=0.1, total_steps=STEPS)
    if name == "PolynomialLR":
        return L.PolynomialLR(optimizer, total_iters=45, power=2.0)
    raise AssertionError(f"no settings for {name}: add them when torch adds a scheduler")


def fresh_optimizer():
    return dummy_optimizer(0.1, momentum=0.9)


def step(scheduler, optimizer, t):
    optimizer.step()
    if isinstance(scheduler, L.ReduceLROnPlateau):
        scheduler.step(METRICS[t])
    else:
        scheduler.step()


def save_and_load(optimizer, scheduler):
    buffer = io.BytesIO()
    torch.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)  # works for every scheduler in torch 2.13


def run(name, stop=None, order="build, then load", optimizer_state=True):
    """(lr, momentum) at every step; at ``stop``, checkpoint, start from scratch, resume."""
    optimizer = fresh_optimizer()
    scheduler = make(name, optimizer)
    used = []
    for t in range(STEPS):
        if t == stop:
            checkpoint = save_and_load(optimizer, scheduler)
            optimizer = fresh_optimizer()
            if order == "build, then load":
                scheduler = make(name, optimizer)
                if optimizer_state:
                    optimizer.load_state_dict(checkpoint["optimizer"])
            else:  # "load, then build"
                optimizer.load_state_dict(checkpoint["optimizer"])
                scheduler = make(name, optimizer)
            scheduler.load_state_dict(checkpoint["scheduler"])
        group = optimizer.param_groups[0]
        used.append((group["lr"], group["momentum"]))
        step(scheduler, optimizer, t)
    return used


def interruption_points(name, count=5):
    return sorted(random.Random(f"resume {name}").sample(range(1, STEPS), count))


def test_every_exported_scheduler_is_covered():
    assert len(SCHEDULERS) == 15
    for name in SCHEDULERS:
        make(name, fresh_optimizer())


@pytest.mark.parametrize("name", SCHEDULERS)
def test_the_schedule_is_not_trivial(name):
    lrs = [lr for lr, _ in run(name)]
    changes = sum(a != b for a, b in zip(lrs, lrs[1:]))
    assert changes >= (1 if name == "ConstantLR" else 3), (
        f"{name}: the resume test would prove little"
    )


@pytest.mark.parametrize("name", SCHEDULERS)
def test_resumed_run_equals_the_uninterrupted_run_exactly(name):
    uninterrupted = run(name)
    for stop in interruption_points(name):
        assert run(name, stop) == uninterrupted, f"{name} resumed at step {stop}"


# What the page says about building the scheduler after optimizer.load_state_dict().
WRONG_FROM_THE_RESUME_ON = {"ChainedScheduler", "ConstantLR", "LinearLR", "SequentialLR"}
WRONG_FOR_ONE_STEP = {"CosineAnnealingWarmRestarts", "CyclicLR", "LambdaLR", "OneCycleLR"}


@pytest.mark.parametrize("name", SCHEDULERS)
def test_building_after_loading_the_optimizer(name):
    uninterrupted = [lr for lr, _ in run(name)]
    for stop in (13, 25):  # inside a phase, where no constructor's value happens to be right
        resumed = [lr for lr, _ in run(name, stop, order="load, then build")]
        wrong = [t for t in range(STEPS) if resumed[t] != uninterrupted[t]]
        if name in WRONG_FROM_THE_RESUME_ON:
            assert wrong and wrong[0] == stop and len(wrong) > 1, (name, stop, wrong)
        elif name in WRONG_FOR_ONE_STEP:
            assert wrong == [stop], (name, stop, wrong)
        else:
            assert wrong == [], (name, stop, wrong)


def test_sequential_lr_recovers_at_its_next_milestone():
    uninterrupted = [lr for lr, _ in run("SequentialLR")]
    resumed = [lr for lr, _ in run("SequentialLR", 7, order="load, then build")]
    assert [t for t in range(STEPS) if resumed[t] != uninterrupted[t]] == [7]  # milestone at 8


@pytest.mark.parametrize("name", SCHEDULERS)
def test_the_scheduler_state_alone_does_not_resume(name):
    uninterrupted = run(name)
    assert any(
        run(name, stop, optimizer_state=False) != uninterrupted
        for stop in interruption_points(name)
    )


def test_base_class_docstring_says_build_the_scheduler_first():
    doc = " ".join(L.LRScheduler.__doc__.split())
    assert "initialize the scheduler **before** calling your optimizer's" in doc


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_last_epoch_on_a_fresh_optimizer_raises_key_error():
    with pytest.raises(KeyError) as raised:
        L.StepLR(fresh_optimizer(), step_size=10, last_epoch=24)
    assert raised.value.args[0] == (
        "param 'initial_lr' is not specified in param_groups[0] when resuming scheduler with "
        "last_epoch >= 0.\n"
        "This typically happens when:\n"
        "1. You're trying to resume training from a checkpoint but haven't properly loaded the "
        "optimizer state\n"
        "2. You're using last_epoch >= 0 for a fresh training run (not recommended)"
    )


def step_lr_resumed(how):
    optimizer = fresh_optimizer()
    scheduler = L.StepLR(optimizer, step_size=10, gamma=0.5)
    for t in range(20):
        step(scheduler, optimizer, t)
    saved_optimizer, saved_scheduler = optimizer.state_dict(), scheduler.state_dict()
    optimizer = fresh_optimizer()
    optimizer.load_state_dict(saved_optimizer)
    if how == "load_state_dict":
        scheduler = L.StepLR(optimizer, step_size=10, gamma=0.5)
        scheduler.load_state_dict(saved_scheduler)
    else:
        scheduler = L.StepLR(optimizer, step_size=10, gamma=0.5, last_epoch=how)
    used = []
    for t in range(20, 32):
        used.append(optimizer.param_groups[0]["lr"])
        step(scheduler, optimizer, t)
    return used


def test_last_epoch_is_off_by_one_either_way():
    expected = [0.1 * 0.5 ** (epoch // 10) for epoch in range(20, 32)]
    assert step_lr_resumed("load_state_dict") == pytest.approx(expected, rel=1e-12, abs=0)
    early = step_lr_resumed(20)  # the saved last_epoch: the decay comes one epoch early
    assert early[:9] == pytest.approx(expected[:9], rel=1e-12) and early[9] == pytest.approx(0.0125)
    double = step_lr_resumed(19)  # one less: the epoch-20 decay is applied a second time
    assert double[0] == pytest.approx(0.0125) and double[10] == pytest.approx(0.00625)


def test_functions_are_not_saved_and_the_resuming_code_decides():
    optimizer = fresh_optimizer()
    scheduler = L.LambdaLR(optimizer, warmup_factor)
    for t in range(3):
        step(scheduler, optimizer, t)
    checkpoint = save_and_load(optimizer, scheduler)
    assert checkpoint["scheduler"]["lr_lambdas"] == [None]
    resumed_optimizer = fresh_optimizer()
    resumed = L.LambdaLR(resumed_optimizer, lambda step: min(1.0, (step + 1) / 20))
    resumed_optimizer.load_state_dict(checkpoint["optimizer"])
    resumed.load_state_dict(checkpoint["scheduler"])
    step(resumed, resumed_optimizer, 3)
    assert resumed.get_last_lr()[0] == pytest.approx(0.1 * 5 / 20, rel=1e-12)
    assert 0.1 * warmup_factor(4) == pytest.approx(0.05, rel=1e-12)


def warmup_cosine_resumed_after_12(order):
    """The page's tabs: SequentialLR(LinearLR, CosineAnnealingLR) resumed after 12 epochs."""

    def build_scheduler(optimizer):
        return L.SequentialLR(
            optimizer,
            [
                L.LinearLR(optimizer, start_factor=0.1, total_iters=5),
                L.CosineAnnealingLR(optimizer, T_max=25),
            ],
            milestones=[5],
        )

    optimizer = fresh_optimizer()
    scheduler = build_scheduler(optimizer)
    uninterrupted = []
    for t in range(30):
        if t == 12:
            checkpoint = save_and_load(optimizer, scheduler)
        uninterrupted.append(optimizer.param_groups[0]["lr"])
        step(scheduler, optimizer, t)
    optimizer = fresh_optimizer()
    if order == "build, then load":
        scheduler = build_scheduler(optimizer)
        optimizer.load_state_dict(checkpoint["optimizer"])
    else:
        optimizer.load_state_dict(checkpoint["optimizer"])
        scheduler = build_scheduler(optimizer)
    scheduler.load_state_dict(checkpoint["scheduler"])
    last_lr = scheduler.get_last_lr()[0]
    resumed = []
    for t in range(12, 30):
        resumed.append(optimizer.param_groups[0]["lr"])
        step(scheduler, optimizer, t)
    return uninterrupted[12:], resumed, last_lr


def test_tabs_build_then_load_is_exact():
    uninterrupted, resumed, last_lr = warmup_cosine_resumed_after_12("build, then load")
    assert resumed == uninterrupted
    assert last_lr == resumed[0]


def test_tabs_load_then_build_is_eight_times_too_small_to_the_end():
    uninterrupted, resumed, last_lr = warmup_cosine_resumed_after_12("load, then build")
    assert resumed[0] == pytest.approx(0.1 * 0.1, rel=1e-12)  # initial_lr * start_factor
    assert round(uninterrupted[0], 6) == 0.081871
    ratios = [r / u for r, u in zip(resumed, uninterrupted)]
    assert ratios == pytest.approx([0.01 / uninterrupted[0]] * 18, rel=1e-9)
    assert 1 / ratios[0] == pytest.approx(8, abs=0.5)
    assert last_lr == uninterrupted[0] != resumed[0]  # get_last_lr() does not notice


def test_sequential_lr_recovers_when_its_cosine_passes_through_zero():
    uninterrupted = [lr for lr, _ in run("SequentialLR")]
    resumed = [lr for lr, _ in run("SequentialLR", 37, order="load, then build")]
    assert uninterrupted[38] == resumed[38] == 0.0  # cosine step 30 = T_max
    assert [t for t in range(STEPS) if resumed[t] != uninterrupted[t]] == [37]


# --- last_epoch = saved - 1, scheduler by scheduler -------------------------------------

TAKES_NO_LAST_EPOCH = {"ChainedScheduler", "ReduceLROnPlateau"}
SAVED_MINUS_ONE_EXACT = {
    "CosineAnnealingLR",
    "CyclicLR",
    "ExponentialLR",
    "LambdaLR",
    "LinearLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
}
# Stopping points (steps taken before the checkpoint) at which saved - 1 is wrong.
SAVED_MINUS_ONE_WRONG_AT = {
    "StepLR": set(range(7, STEPS, 7)),  # just after each decay (step_size=7)
    "MultiStepLR": {10, 25, 40},  # just after each milestone
    "ConstantLR": {12},  # at total_iters
    "CosineAnnealingWarmRestarts": set(range(10, STEPS)),  # T_0=5, T_mult=2: from step 10 on
    "SequentialLR": set(range(1, STEPS)),
}


def test_chained_scheduler_and_reduce_lr_on_plateau_take_no_last_epoch():
    import inspect

    takes = {n for n in SCHEDULERS if "last_epoch" in inspect.signature(getattr(L, n)).parameters}
    assert set(SCHEDULERS) - takes == TAKES_NO_LAST_EPOCH
    assert len(takes) == 13


def resumed_with_last_epoch(name, stop):
    """(lr, momentum) from ``stop`` on, resumed by passing last_epoch = saved - 1 to the
    constructor, on an optimizer with the checkpoint's state loaded."""
    optimizer = fresh_optimizer()
    scheduler = make(name, optimizer)
    for t in range(stop):
        step(scheduler, optimizer, t)
    checkpoint = save_and_load(optimizer, scheduler)
    optimizer = fresh_optimizer()
    optimizer.load_state_dict(checkpoint["optimizer"])
    original_init = type(scheduler).__init__
    last_epoch = checkpoint["scheduler"]["last_epoch"] - 1

    # make() builds children too; only the outer scheduler gets last_epoch.
    def with_last_epoch(self, *args, **kwargs):
        kwargs.setdefault("last_epoch", last_epoch)
        original_init(self, *args, **kwargs)

    outer = type(scheduler)
    outer.__init__ = with_last_epoch
    try:
        scheduler = make(name, optimizer)
    finally:
        outer.__init__ = original_init
    used = []
    for t in range(stop, STEPS):
        group = optimizer.param_groups[0]
        used.append((group["lr"], group["momentum"]))
        if t == STEPS - 1 and name == "OneCycleLR":
            break  # the uninterrupted run records this step too, and steps no further
        step(scheduler, optimizer, t)
    return used


@pytest.mark.parametrize("name", sorted(set(SCHEDULERS) - TAKES_NO_LAST_EPOCH))
def test_last_epoch_saved_minus_one_reproduces_the_run_only_where_the_page_says(name):
    uninterrupted = run(name)
    wrong = set()
    for stop in range(1, STEPS):
        resumed = resumed_with_last_epoch(name, stop)
        flat = [value for pair in resumed for value in pair]
        expected = [value for pair in uninterrupted[stop:] for value in pair]
        if flat != pytest.approx(expected, rel=1e-12, abs=1e-15):
            wrong.add(stop)
    assert wrong == (set() if name in SAVED_MINUS_ONE_EXACT else SAVED_MINUS_ONE_WRONG_AT[name])
