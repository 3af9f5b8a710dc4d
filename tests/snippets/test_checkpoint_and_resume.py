"""docs/guides/checkpoint-and-resume.md: every scheduler torch exports resumes exactly from
its state_dict and the optimizer's; the pitfalls the page shows, with their real messages."""

import inspect
import io
import math
import random

import every_scheduler
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


def save_and_load_dict(state: dict) -> dict:
    """``state`` through ``torch.save`` and ``torch.load(weights_only=True)``, in memory."""
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


def save_and_load(optimizer, scheduler):
    # works for every scheduler in torch 2.13
    return save_and_load_dict(
        {"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}
    )


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


# --- claims narrowed after the review of issue 12 -----------------------------------------


def test_last_epoch_on_a_fresh_optimizer_fails_for_twelve_but_not_sequential_lr():
    failed, ran = set(), {}
    for name in SCHEDULERS:
        if "last_epoch" not in inspect.signature(getattr(L, name)).parameters:
            continue
        optimizer = fresh_optimizer()
        try:  # last_epoch to the outer scheduler only: a SequentialLR's children keep -1
            scheduler = every_scheduler.make(name, optimizer, last_epoch=11)
            ran[name] = (scheduler.last_epoch, optimizer.param_groups[0]["lr"])
        except KeyError as error:
            assert "initial_lr" in error.args[0], name
            failed.add(name)
    assert len(failed) == 12
    assert set(ran) == {"SequentialLR"}
    last_epoch, lr = ran["SequentialLR"]
    assert last_epoch == 12
    assert lr == pytest.approx(0.1 * 0.1, rel=1e-12)  # the warm-up's first value


def test_sequential_lr_with_last_epoch_runs_its_cosine_from_the_warm_up_first_value():
    optimizer = fresh_optimizer()
    warmup = L.LinearLR(optimizer, start_factor=0.1, total_iters=5)
    cosine = L.CosineAnnealingLR(optimizer, T_max=25)
    scheduler = L.SequentialLR(optimizer, [warmup, cosine], milestones=[5], last_epoch=11)
    assert scheduler.last_epoch == 12
    resumed = []
    for t in range(12, 30):
        resumed.append(optimizer.param_groups[0]["lr"])
        step(scheduler, optimizer, t)
    uninterrupted, _, _ = warmup_cosine_resumed_after_12("build, then load")
    assert resumed[0] == pytest.approx(0.01, rel=1e-12)  # the warm-up's first value
    # then the cosine from its own start, with a peak of about 0.01 instead of 0.1
    assert scheduler._schedulers[1] is cosine and cosine.last_epoch == 17
    shape = [0.01 * (1 + math.cos(math.pi * (k - 1) / 25)) / 2 for k in range(1, 18)]
    assert resumed[1:] == pytest.approx(shape, abs=1e-4)  # step 0 at epoch 13, not 5
    assert scheduler._milestones == [5]
    assert max(resumed) < 0.0101
    assert all(later < earlier for earlier, later in zip(resumed[1:], resumed[2:]))
    # the page: about eight times too small at first, too large at the end
    assert 7 < uninterrupted[0] / resumed[0] < 9
    assert 7 < uninterrupted[1] / resumed[1] < 8
    assert resumed[-1] > 7 * uninterrupted[-1]
    assert all(r != u for r, u in zip(resumed, uninterrupted))


def test_last_epoch_saved_minus_one_at_constant_lr_total_iters_raises_the_lr_to_lr_over_factor():
    uninterrupted = run("ConstantLR")
    resumed = resumed_with_last_epoch("ConstantLR", 12)
    assert uninterrupted[12][0] == pytest.approx(0.1, rel=1e-12)
    assert resumed[0][0] == pytest.approx(0.1 / 0.25, rel=1e-12)  # lr / factor, an increase
    assert all(lr == pytest.approx(0.4, rel=1e-12) for lr, _ in resumed)


def test_last_epoch_saved_minus_one_warm_restarts_count_modulo_t_0_from_2_t_0_on():
    def resumed_counter(stop):
        optimizer = fresh_optimizer()
        scheduler = make("CosineAnnealingWarmRestarts", optimizer)
        for t in range(stop):
            step(scheduler, optimizer, t)
        expected = (scheduler.T_cur, scheduler.T_i)
        resumed = L.CosineAnnealingWarmRestarts(
            optimizer, T_0=5, T_mult=2, eta_min=0.001, last_epoch=stop - 1
        )
        return (resumed.T_cur, resumed.T_i), expected

    for stop in range(5, 10):  # the second cycle's first T_0 steps: right
        got, expected = resumed_counter(stop)
        assert got == expected == (stop - 5, 10)
    for stop in range(10, 15):  # the rest of the second cycle: counted modulo T_0
        got, expected = resumed_counter(stop)
        assert got == (stop % 5, 10) and expected == (stop - 5, 10)


def wrong_steps_with_the_scheduler_state_alone(name, stop):
    uninterrupted = [lr for lr, _ in run(name)]
    resumed = [lr for lr, _ in run(name, stop, optimizer_state=False)]
    return [t for t in range(STEPS) if resumed[t] != uninterrupted[t]]


def test_scheduler_state_alone_cosine_and_polynomial_recover_at_their_floor_the_rest_stay_wrong():
    # CosineAnnealingLR(T_max=40), PolynomialLR(total_iters=45): right from their floor on,
    # if stopped before it; stopped after it, wrong to the end like the others.
    assert wrong_steps_with_the_scheduler_state_alone("CosineAnnealingLR", 21) == list(
        range(21, 40)
    )
    assert wrong_steps_with_the_scheduler_state_alone("CosineAnnealingLR", 44) == list(
        range(44, 60)
    )
    assert wrong_steps_with_the_scheduler_state_alone("PolynomialLR", 21) == list(range(21, 45))
    # SequentialLR(LinearLR 8 steps, cosine T_max=30): its milestone at 8, its floor at 38.
    assert wrong_steps_with_the_scheduler_state_alone("SequentialLR", 6) == [6, 7]
    assert wrong_steps_with_the_scheduler_state_alone("SequentialLR", 8) == list(range(8, 38))
    to_the_end = [
        "ChainedScheduler",
        "ConstantLR",
        "ExponentialLR",
        "LinearLR",
        "MultiStepLR",
        "MultiplicativeLR",
        "ReduceLROnPlateau",
        "StepLR",
    ]
    for name in to_the_end:
        for stop in interruption_points(name):
            wrong = wrong_steps_with_the_scheduler_state_alone(name, stop)
            assert wrong in ([], list(range(stop, STEPS))), (name, stop)
        assert any(wrong_steps_with_the_scheduler_state_alone(name, s) for s in (28, 47)), name
    for name in ("CosineAnnealingWarmRestarts", "CyclicLR", "LambdaLR", "OneCycleLR"):
        for stop in interruption_points(name):
            assert wrong_steps_with_the_scheduler_state_alone(name, stop) == [stop], name


@pytest.mark.torch_versions("2.13")  # quotes torch's text
def test_weights_only_load_refuses_a_numpy_setting_and_accepts_it_converted():
    # np.ceil(50000 / 64) * 10, made without importing numpy (not one of the GPU run's pins):
    t_max = torch.tensor([math.ceil(50000 / 64) * 10.0], dtype=torch.float64).numpy()[0]
    assert (type(t_max).__module__, type(t_max).__name__) == ("numpy", "float64")
    for value, loads in ((t_max, False), (float(t_max), True), (int(t_max), True)):
        buffer = io.BytesIO()
        torch.save(L.CosineAnnealingLR(fresh_optimizer(), T_max=value).state_dict(), buffer)
        buffer.seek(0)
        if loads:
            assert torch.load(buffer, weights_only=True)["T_max"] == value
        else:
            with pytest.raises(torch.serialization.pickle.UnpicklingError) as raised:
                torch.load(buffer, weights_only=True)
            assert str(raised.value).startswith("Weights only load failed")


def warmup_over(step, warmup_steps):
    return min(1.0, (step + 1) / warmup_steps)


class Warmup:
    """A callable object: its settings are attributes, so state_dict() saves them."""

    def __init__(self, warmup_steps):
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        return warmup_over(step, self.warmup_steps)

    def factor(self, step):
        return self(step)


def test_partials_and_bound_methods_are_saved_as_empty_dicts_and_the_resuming_code_decides():
    import functools

    saved = {
        "partial": functools.partial(warmup_over, warmup_steps=10),
        "bound method": Warmup(10).factor,
        "callable object": Warmup(10),
    }
    resumed_with = {
        "partial": functools.partial(warmup_over, warmup_steps=20),
        "bound method": Warmup(20).factor,
        "callable object": Warmup(20),
    }
    lr_at_step_4 = {}
    for kind, fn in saved.items():
        optimizer = fresh_optimizer()
        scheduler = L.LambdaLR(optimizer, fn)
        for t in range(3):
            step(scheduler, optimizer, t)
        checkpoint = save_and_load(optimizer, scheduler)
        expected = [{"warmup_steps": 10}] if kind == "callable object" else [{}]
        assert checkpoint["scheduler"]["lr_lambdas"] == expected, kind
        optimizer = fresh_optimizer()
        scheduler = L.LambdaLR(optimizer, resumed_with[kind])
        optimizer.load_state_dict(checkpoint["optimizer"])
        scheduler.load_state_dict(checkpoint["scheduler"])
        step(scheduler, optimizer, 3)
        lr_at_step_4[kind] = scheduler.get_last_lr()[0]
    assert lr_at_step_4["partial"] == pytest.approx(0.1 * 5 / 20, rel=1e-12)
    assert lr_at_step_4["bound method"] == pytest.approx(0.1 * 5 / 20, rel=1e-12)
    assert lr_at_step_4["callable object"] == pytest.approx(0.1 * 5 / 10, rel=1e-12)


def test_hugging_face_linear_warmup_is_a_partial_saved_as_an_empty_dict():
    import functools

    from transformers import optimization as hf  # offline: the root conftest sets HF_HUB_OFFLINE

    scheduler = hf.get_linear_schedule_with_warmup(fresh_optimizer(), 10, 100)
    assert isinstance(scheduler.lr_lambdas[0], functools.partial)
    state = scheduler.state_dict()
    assert state["lr_lambdas"] == [{}]  # not None: a check for None does not flag it


def shuffled_training(resume_at=None, restore_generator=True):
    """Weights after 6 epochs of a shuffled DataLoader; at ``resume_at``, everything is built
    again and model, optimizer and scheduler states are loaded (the generator's too, if
    ``restore_generator``)."""
    from torch.utils.data import DataLoader, TensorDataset

    data = torch.Generator().manual_seed(0)
    inputs = torch.randn(64, 4, generator=data)
    dataset = TensorDataset(inputs, inputs.sum(1, keepdim=True))

    def build():
        model = torch.nn.Linear(4, 1)
        with torch.no_grad():
            model.weight.fill_(0.1)
            model.bias.zero_()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        generator = torch.Generator().manual_seed(123)
        loader = DataLoader(dataset, batch_size=8, shuffle=True, generator=generator)
        return model, optimizer, L.CosineAnnealingLR(optimizer, T_max=6), loader, generator

    model, optimizer, scheduler, loader, generator = build()
    for epoch in range(6):
        if epoch == resume_at:
            states = [save_and_load_dict(s.state_dict()) for s in (model, optimizer, scheduler)]
            rng = generator.get_state()
            model, optimizer, scheduler, loader, generator = build()
            model.load_state_dict(states[0])
            optimizer.load_state_dict(states[1])
            scheduler.load_state_dict(states[2])
            if restore_generator:
                generator.set_state(rng)
        for x, y in loader:
            optimizer.zero_grad()
            torch.nn.functional.mse_loss(model(x), y).backward()
            optimizer.step()
        scheduler.step()
    return torch.cat([model.weight.detach().flatten(), model.bias.detach()])


def test_a_shuffled_loader_needs_its_generator_state_for_the_same_weights():
    uninterrupted = shuffled_training()
    assert torch.equal(shuffled_training(resume_at=3), uninterrupted)
    three_states_only = shuffled_training(resume_at=3, restore_generator=False)
    assert (three_states_only - uninterrupted).abs().max().item() > 1e-3


def test_a_fresh_grad_scaler_skips_again_the_steps_the_first_run_skipped():
    def skipped_steps(scaler, weight, optimizer, steps=10):
        skipped = 0
        for _ in range(steps):
            optimizer.zero_grad()
            scaler.scale((weight * 1e35).sum()).backward()  # overflows while the scale is large
            before = weight.detach().clone()
            scaler.step(optimizer)
            scaler.update()
            skipped += torch.equal(before, weight.detach())
        return skipped

    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=1e-40)
    first = torch.amp.GradScaler("cpu")
    assert skipped_steps(first, weight, optimizer) > 0
    fresh = torch.amp.GradScaler("cpu")
    loaded = torch.amp.GradScaler("cpu")
    loaded.load_state_dict(first.state_dict())
    assert skipped_steps(loaded, weight, optimizer) == 0
    assert skipped_steps(fresh, weight, optimizer) > 0


def lrs_with_the_scheduler_state_alone(build, steps, stop=None, metric=None):
    """The LR of each of ``steps`` steps; at step ``stop`` the run goes on with a fresh
    optimizer and a new scheduler given only the saved scheduler state (never: ``None``)."""
    optimizer = fresh_optimizer()
    scheduler = build(optimizer)
    used = []
    for t in range(steps):
        if t == stop:
            state = save_and_load(optimizer, scheduler)["scheduler"]
            optimizer = fresh_optimizer()
            scheduler = build(optimizer)
            scheduler.load_state_dict(state)
        used.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step(metric) if metric is not None else scheduler.step()
    return used


def wrong_steps_with_the_scheduler_state_alone_for(build, stop, steps, metric=None):
    """Steps whose LR differs when only the scheduler's state is loaded at ``stop``."""
    uninterrupted = lrs_with_the_scheduler_state_alone(build, steps, metric=metric)
    resumed = lrs_with_the_scheduler_state_alone(build, steps, stop, metric)
    return [t for t in range(steps) if resumed[t] != uninterrupted[t]]


def test_scheduler_state_alone_multiplying_schedulers_stay_wrong_until_they_reach_a_floor():
    wrong = wrong_steps_with_the_scheduler_state_alone_for
    # LinearLR with end_factor=0: the factor is exactly 0 at total_iters.
    linear = lambda o: L.LinearLR(o, start_factor=1.0, end_factor=0.0, total_iters=20)  # noqa: E731
    assert wrong(linear, 6, 30) == list(range(6, 20))
    # ReduceLROnPlateau with min_lr > 0 on a plateau: right once both runs are cut to min_lr.
    plateau = lambda o: L.ReduceLROnPlateau(o, factor=0.5, patience=1, min_lr=0.01)  # noqa: E731
    assert wrong(plateau, 4, 20, metric=1.0) == list(range(4, 11))
    # ChainedScheduler with a CosineAnnealingLR child: right from that child's T_max.
    chained = lambda o: L.ChainedScheduler(  # noqa: E731
        [L.ExponentialLR(o, gamma=0.95), L.CosineAnnealingLR(o, T_max=20)]
    )
    assert wrong(chained, 6, 30) == list(range(6, 20))
    chained_polynomial = lambda o: L.ChainedScheduler(  # noqa: E731
        [L.ExponentialLR(o, gamma=0.95), L.PolynomialLR(o, total_iters=20)]
    )
    assert wrong(chained_polynomial, 6, 30) == list(range(6, 20))
    # A factor of 0 (gamma=0) is a floor too, reached at the first decay after the stop.
    step_to_zero = lambda o: L.StepLR(o, step_size=5, gamma=0.0)  # noqa: E731
    assert wrong(step_to_zero, 7, 12) == [7, 8, 9]  # 0 from step 5, 0.1 again at 7
    # Without a floor ahead of the stop, to the end of the run.
    assert wrong(linear, 21, 30) == list(range(21, 30))  # stopped past the floor
    no_floor = lambda o: L.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=20)  # noqa: E731
    assert wrong(no_floor, 6, 30) == list(range(6, 30))
    assert wrong(lambda o: L.ExponentialLR(o, gamma=0.95), 6, 30) == list(range(6, 30))


def test_last_epoch_saved_minus_one_warm_restarts_counter_is_right_below_2_t_0_or_with_t_mult_1():
    for t_0, t_mult in [(5, 2), (3, 2), (3, 3), (4, 1)]:
        right = []
        for stop in range(1, 40):
            optimizer = fresh_optimizer()
            scheduler = L.CosineAnnealingWarmRestarts(optimizer, T_0=t_0, T_mult=t_mult)
            for t in range(stop):
                step(scheduler, optimizer, t)
            resumed = L.CosineAnnealingWarmRestarts(
                optimizer, T_0=t_0, T_mult=t_mult, last_epoch=stop - 1
            )
            right.append((resumed.T_cur, resumed.T_i) == (scheduler.T_cur, scheduler.T_i))
        if t_mult == 1:
            assert all(right), t_0
        else:  # right past the first restart (stop t_0) up to 2 * t_0 - 1, wrong from 2 * t_0
            assert right == [stop < 2 * t_0 for stop in range(1, 40)], (t_0, t_mult)


def test_linear_lr_to_end_factor_0_is_a_floor_only_from_start_factor_1():
    def run_to(total_iters, start_factor, stop=None):
        """LRs at steps 0 .. total_iters + 4; at ``stop``, the scheduler's state alone."""
        build = lambda o: L.LinearLR(  # noqa: E731
            o, start_factor=start_factor, end_factor=0.0, total_iters=total_iters
        )
        return lrs_with_the_scheduler_state_alone(build, total_iters + 5, stop)

    default = inspect.signature(L.LinearLR).parameters["start_factor"].default
    assert default == 1.0 / 3
    for total_iters in range(1, 51):
        assert run_to(total_iters, 1.0)[total_iters] == 0.0, total_iters
        if total_iters > 1:  # the floor lies after the stop: right again from it on
            assert run_to(total_iters, 1.0, stop=1)[total_iters:] == [0.0] * 5, total_iters
    signs = set()
    for total_iters in range(3, 51):
        uninterrupted = run_to(total_iters, default)
        at_floor = uninterrupted[total_iters]
        assert at_floor != 0.0 and abs(at_floor) < 1e-15, total_iters  # tiny, not 0
        signs.add(math.copysign(1, at_floor))
        for stop in sorted({1, total_iters // 2, total_iters - 1}):
            resumed = run_to(total_iters, default, stop=stop)
            assert all(resumed[t] != uninterrupted[t] for t in range(stop, total_iters + 5))
            # Proportional to the wrong learning rate: the stop's ratio is kept to the end.
            ratio = resumed[stop] / uninterrupted[stop]
            assert resumed[total_iters] / at_floor == pytest.approx(ratio, rel=1e-9)
            assert resumed[-1] / uninterrupted[-1] == pytest.approx(ratio, rel=1e-9)
    assert signs == {1.0, -1.0}  # tiny of either sign (total_iters=5, the default, is negative)
    assert run_to(5, default)[5] < 0


def loads_weights_only(state):
    try:
        save_and_load_dict(state)
    except torch.serialization.pickle.UnpicklingError as error:
        assert str(error).startswith("Weights only load failed")
        return False
    return True


def test_a_numpy_gamma_makes_the_optimizers_lr_numpy_and_its_state_unloadable_too():
    # np.float64(0.5), made without importing numpy (not one of the GPU run's pins):
    gamma = torch.tensor([0.5], dtype=torch.float64).numpy()[0]
    assert (type(gamma).__module__, type(gamma).__name__) == ("numpy", "float64")
    for build in (
        lambda o, g: L.StepLR(o, step_size=1, gamma=g),
        lambda o, g: L.ExponentialLR(o, gamma=g),
    ):
        for value, loads in ((gamma, False), (float(gamma), True)):
            optimizer = fresh_optimizer()
            scheduler = build(optimizer, value)
            for t in range(3):
                step(scheduler, optimizer, t)
            lr = optimizer.param_groups[0]["lr"]
            assert type(lr).__name__ == ("float64" if not loads else "float"), build
            assert loads_weights_only(scheduler.state_dict()) is loads
            assert loads_weights_only(optimizer.state_dict()) is loads
    # A NumPy T_max stays in the scheduler's state only: the cosine's factor is a Python float.
    t_max = torch.tensor([math.ceil(50000 / 64) * 10.0], dtype=torch.float64).numpy()[0]
    optimizer = fresh_optimizer()
    scheduler = L.CosineAnnealingLR(optimizer, T_max=t_max)
    for t in range(3):
        step(scheduler, optimizer, t)
    assert type(optimizer.param_groups[0]["lr"]) is float
    assert not loads_weights_only(scheduler.state_dict())
    assert loads_weights_only(optimizer.state_dict())


def test_cyclic_lr_converts_numpy_step_sizes_with_float_so_its_state_loads():
    four = torch.tensor([4]).numpy()[0]
    assert (type(four).__module__, type(four).__name__) == ("numpy", "int64")
    optimizer = fresh_optimizer()
    scheduler = L.CyclicLR(optimizer, 0.01, 0.1, step_size_up=four, step_size_down=four)
    for t in range(3):
        step(scheduler, optimizer, t)
    state = scheduler.state_dict()
    assert type(state["total_size"]) is float and type(state["step_ratio"]) is float
    assert loads_weights_only(state)
    assert loads_weights_only(optimizer.state_dict())


def test_the_pages_partial_example_names_a_function_that_takes_warmup_steps():
    from pathlib import Path

    page = Path(__file__).resolve().parents[2] / "docs" / "guides" / "checkpoint-and-resume.md"
    text = " ".join(page.read_text(encoding="utf-8").split())
    for warmup_steps in (10, 20):
        assert f"`functools.partial(warmup_over, warmup_steps={warmup_steps})`" in text
    assert "`warmup_over(epoch, warmup_steps)`" in text
    assert list(inspect.signature(warmup_over).parameters)[1] == "warmup_steps"
