"""docs/guides/what-a-checkpoint-holds.md: load_state_dict() restores the saved
hyperparameters over the constructor's, a new scheduler keeps a loaded initial_lr, and
state_dict() leaves out only the optimizer; the page's fixes, checked against runs."""

import math

import pytest
import torch
from schedules import dummy_optimizer, lrs_used
from test_checkpoint_and_resume import (
    SCHEDULERS,
    fresh_optimizer,
    make,
    save_and_load,
    step,
)
from torch.optim import lr_scheduler as L

# --- resuming with something changed ------------------------------------------------------

DIFFERENT = {float: lambda v: v * 3 + 1, int: lambda v: v * 3 + 1}  # another valid value


@pytest.mark.parametrize("name", SCHEDULERS)
def test_load_state_dict_overrides_the_constructors_hyperparameters(name):
    """Every public number in the state, changed in a new scheduler, is the saved one after
    load_state_dict(): what the resuming code passes does not count."""
    optimizer = fresh_optimizer()
    saved = make(name, optimizer).state_dict()
    resumed = make(name, fresh_optimizer())
    numbers = [k for k, v in saved.items() if not k.startswith("_") and type(v) in DIFFERENT]
    for key in numbers:
        setattr(resumed, key, DIFFERENT[type(saved[key])](saved[key]))
    resumed.load_state_dict(saved)
    assert {k: getattr(resumed, k) for k in numbers} == {k: saved[k] for k in numbers}


@pytest.mark.torch_versions("2.13")  # quotes torch's text
def test_page_extending_a_cosine_and_a_one_cycle():
    optimizer = fresh_optimizer()
    scheduler = L.CosineAnnealingLR(optimizer, T_max=30)
    for t in range(20):
        step(scheduler, optimizer, t)
    checkpoint = save_and_load(optimizer, scheduler)
    optimizer = fresh_optimizer()
    scheduler = L.CosineAnnealingLR(optimizer, T_max=60)
    optimizer.load_state_dict(checkpoint["optimizer"])
    scheduler.load_state_dict(checkpoint["scheduler"])
    assert scheduler.T_max == 30
    scheduler.T_max = 60
    lrs = [optimizer.param_groups[0]["lr"]]
    for t in range(20, 60):
        step(scheduler, optimizer, t)
        lrs.append(optimizer.param_groups[0]["lr"])
    # from the loaded 0.025, the 60-epoch cosine's shape: 0.025 * (1 + cos(pi t/60)) / 1.5
    shape = [0.025 * (1 + math.cos(math.pi * t / 60)) / 1.5 for t in range(20, 61)]
    assert lrs == pytest.approx(shape, rel=1e-9, abs=1e-15)

    optimizer = fresh_optimizer()
    scheduler = L.OneCycleLR(optimizer, max_lr=0.1, total_steps=100)
    for t in range(60):
        step(scheduler, optimizer, t)
    checkpoint = save_and_load(optimizer, scheduler)
    scheduler = L.OneCycleLR(optimizer, max_lr=0.1, total_steps=200)
    scheduler.load_state_dict(checkpoint["scheduler"])
    assert scheduler.total_steps == 100
    with pytest.raises(ValueError, match="Tried to step 101 times"):
        for t in range(60, 200):
            step(scheduler, optimizer, t)


def test_page_changing_the_peak_scales_base_lrs_lr_and_initial_lr():
    def cosine_run(lr, stop=None, scale=None):
        optimizer = dummy_optimizer(lr, momentum=0.9)
        scheduler = L.CosineAnnealingLR(optimizer, T_max=30)
        used = []
        for t in range(30):
            if t == stop:
                checkpoint = save_and_load(optimizer, scheduler)
                optimizer = dummy_optimizer(lr * scale, momentum=0.9)
                scheduler = L.CosineAnnealingLR(optimizer, T_max=30)
                optimizer.load_state_dict(checkpoint["optimizer"])
                scheduler.load_state_dict(checkpoint["scheduler"])
                assert scheduler.base_lrs == [lr]  # not lr * scale: the saved one
                scheduler.base_lrs = [b * scale for b in scheduler.base_lrs]
                for group in optimizer.param_groups:
                    group["lr"] *= scale
                    group["initial_lr"] *= scale
            used.append(optimizer.param_groups[0]["lr"])
            step(scheduler, optimizer, t)
        return used

    assert cosine_run(0.1, stop=20, scale=2.0)[20:] == pytest.approx(
        cosine_run(0.2)[20:], rel=1e-12
    )


BASE_LR_FROM_OWN_ARGUMENTS = {"CyclicLR", "OneCycleLR"}


@pytest.mark.parametrize("name", SCHEDULERS)
def test_a_new_scheduler_keeps_an_initial_lr_it_finds(name):
    optimizer = fresh_optimizer()
    optimizer.param_groups[0]["initial_lr"] = 0.5  # as a loaded optimizer state has it
    scheduler = make(name, optimizer)
    if name in BASE_LR_FROM_OWN_ARGUMENTS:
        assert scheduler.base_lrs != [0.5]
    elif hasattr(scheduler, "base_lrs"):
        assert scheduler.base_lrs == [0.5]
    else:  # containers and ReduceLROnPlateau: no base_lrs; the children's are checked
        children = getattr(scheduler, "_schedulers", [])
        assert all(child.base_lrs == [0.5] for child in children)
        assert children or name == "ReduceLROnPlateau"


def test_state_dict_leaves_out_only_the_optimizer_and_saves_functions_as_none():
    for name in SCHEDULERS:
        optimizer = fresh_optimizer()
        scheduler = make(name, optimizer)
        state = scheduler.state_dict()
        # CyclicLR's weak reference to its built-in scale function is rebuilt on loading.
        left_out = {"optimizer", "_scale_fn_ref"} if name == "CyclicLR" else {"optimizer"}
        assert set(vars(scheduler)) - set(state) == left_out, name
        assert (state.get("lr_lambdas") == [None]) == (name in {"LambdaLR", "MultiplicativeLR"})


def test_one_cycle_peak_is_changed_in_the_optimizers_param_groups():
    def cycle(max_lr, stop=None, new_peak=None):
        optimizer = dummy_optimizer(0.1, momentum=0.9)
        scheduler = L.OneCycleLR(optimizer, max_lr=max_lr, total_steps=100)
        used = []
        for t in range(100):
            if t == stop:
                checkpoint = save_and_load(optimizer, scheduler)
                assert "max_lr" not in checkpoint["scheduler"]
                assert checkpoint["optimizer"]["param_groups"][0]["max_lr"] == max_lr
                optimizer = dummy_optimizer(0.1, momentum=0.9)
                scheduler = L.OneCycleLR(optimizer, max_lr=new_peak, total_steps=100)
                optimizer.load_state_dict(checkpoint["optimizer"])
                scheduler.load_state_dict(checkpoint["scheduler"])
                assert optimizer.param_groups[0]["max_lr"] == max_lr  # the new one is lost
                optimizer.param_groups[0]["max_lr"] = new_peak
            used.append(optimizer.param_groups[0]["lr"])
            if t < 99:
                step(scheduler, optimizer, t)
        return used

    resumed = cycle(0.1, stop=10, new_peak=0.2)
    assert max(resumed) == pytest.approx(0.2, rel=1e-12)  # the peak, at step 29
    assert resumed.index(max(resumed)) == 29


@pytest.mark.parametrize(
    "optimizer_class, defaults, keys",
    [
        (torch.optim.SGD, {"momentum": 0.9}, {"momentum_buffer"}),
        (torch.optim.AdamW, {}, {"step", "exp_avg", "exp_avg_sq"}),
    ],
)
def test_momentum_buffers_are_in_optimizer_state_not_in_param_groups(
    optimizer_class, defaults, keys
):
    weight = torch.zeros(2, requires_grad=True)
    optimizer = optimizer_class([weight], lr=0.1, **defaults)
    weight.grad = torch.ones(2)
    optimizer.step()
    state = optimizer.state_dict()
    assert set(state["state"][0]) == keys
    assert not keys & set(state["param_groups"][0])


# Their load_state_dict() pops a key of their own (functions, scale function, children).
OWN_KEY = {
    "ChainedScheduler": "_schedulers",
    "CyclicLR": "_scale_fn_custom",
    "LambdaLR": "lr_lambdas",
    "MultiplicativeLR": "lr_lambdas",
    "SequentialLR": "_schedulers",
}


@pytest.mark.parametrize("name", SCHEDULERS)
def test_load_state_dict_accepts_another_schedulers_state_without_error(name):
    other = "StepLR" if name != "StepLR" else "ExponentialLR"
    saved = make(other, fresh_optimizer()).state_dict()
    scheduler = make(name, fresh_optimizer())
    if name in OWN_KEY:
        with pytest.raises(KeyError) as raised:
            scheduler.load_state_dict(dict(saved))
        assert raised.value.args[0] == OWN_KEY[name]
        return
    scheduler.load_state_dict(dict(saved))  # no exception, whatever the class
    assert scheduler.last_epoch == saved["last_epoch"]
    assert {k for k in saved if not k.startswith("_")} <= set(vars(scheduler))


@pytest.mark.torch_versions("2.13")  # quotes torch's text
def test_nine_schedulers_check_nothing_on_loading_reduce_lr_on_plateau_checks_its_modes():
    for name in sorted(set(SCHEDULERS) - set(OWN_KEY)):
        saved = make(name, fresh_optimizer()).state_dict()
        for key, message in (("mode", "mode bogus"), ("threshold_mode", "threshold mode bogus")):
            bogus = "bogus"
            scheduler = make(name, fresh_optimizer())
            if name == "ReduceLROnPlateau":
                with pytest.raises(ValueError, match=f"^{message} is unknown!$"):
                    scheduler.load_state_dict({**saved, key: bogus})
            else:  # copied as it is, nothing checked
                scheduler.load_state_dict({**saved, key: bogus})
                assert getattr(scheduler, key) == bogus
    checks_nothing = set(SCHEDULERS) - set(OWN_KEY) - {"ReduceLROnPlateau"}
    assert len(checks_nothing) == 9


# --- claims narrowed after the review of issue 12 -----------------------------------------


def cosine_resumed_at_a_new_peak(eta_min, rescale, stop=20, old=0.1, new=0.2):
    """CosineAnnealingLR(T_max=30, eta_min) trained at ``old``, resumed at ``stop`` with the
    peak changed to ``new`` by ``rescale(lr)`` and base_lrs = initial_lr = new."""
    optimizer = dummy_optimizer(old, momentum=0.9)
    scheduler = L.CosineAnnealingLR(optimizer, T_max=30, eta_min=eta_min)
    used = []
    for t in range(30):
        if t == stop:
            checkpoint = save_and_load(optimizer, scheduler)
            optimizer = dummy_optimizer(new, momentum=0.9)
            scheduler = L.CosineAnnealingLR(optimizer, T_max=30, eta_min=eta_min)
            optimizer.load_state_dict(checkpoint["optimizer"])
            scheduler.load_state_dict(checkpoint["scheduler"])
            scheduler.base_lrs = [new]
            for group in optimizer.param_groups:
                group["lr"] = rescale(group["lr"])
                group["initial_lr"] = new
        used.append(optimizer.param_groups[0]["lr"])
        step(scheduler, optimizer, t)
    return used[stop:]


def cosine_from_the_start(eta_min, lr=0.2):
    optimizer = dummy_optimizer(lr, momentum=0.9)
    return lrs_used(L.CosineAnnealingLR(optimizer, T_max=30, eta_min=eta_min), 30)[20:]


def test_scaling_the_peak_is_exact_only_with_eta_min_0_and_eta_min_needs_the_affine_map():
    def times_two(lr):
        return lr * 2

    assert cosine_resumed_at_a_new_peak(0.0, times_two) == pytest.approx(
        cosine_from_the_start(0.0), rel=1e-12
    )
    eta_min = 0.01
    reference = cosine_from_the_start(eta_min)
    scaled = cosine_resumed_at_a_new_peak(eta_min, times_two)
    assert scaled[0] == pytest.approx(0.065, rel=1e-9) and reference[0] == pytest.approx(0.0575)
    assert all(s > r for s, r in zip(scaled, reference))  # too high at every resumed step

    def affine(lr):
        return eta_min + (lr - eta_min) * (0.2 - eta_min) / (0.1 - eta_min)

    assert cosine_resumed_at_a_new_peak(eta_min, affine) == pytest.approx(reference, rel=1e-12)


def one_cycle_resumed_at_a_new_peak(keys, stop=10, scale=2.0):
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    scheduler = L.OneCycleLR(optimizer, max_lr=0.1, total_steps=100)
    used = []
    for t in range(100):
        if t == stop:
            checkpoint = save_and_load(optimizer, scheduler)
            optimizer = dummy_optimizer(0.1, momentum=0.9)
            scheduler = L.OneCycleLR(optimizer, max_lr=0.1 * scale, total_steps=100)
            optimizer.load_state_dict(checkpoint["optimizer"])
            scheduler.load_state_dict(checkpoint["scheduler"])
            for group in optimizer.param_groups:
                for key in keys:
                    group[key] *= scale
        used.append(optimizer.param_groups[0]["lr"])
        if t < 99:
            step(scheduler, optimizer, t)
    return used


def test_one_cycle_new_peak_needs_initial_lr_max_lr_min_lr_and_lr_scaled():
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    reference = lrs_used(L.OneCycleLR(optimizer, max_lr=0.2, total_steps=100), 100)
    all_four = one_cycle_resumed_at_a_new_peak(["initial_lr", "max_lr", "min_lr", "lr"])
    assert all_four[10:] == pytest.approx(reference[10:], rel=1e-12)
    max_lr_only = one_cycle_resumed_at_a_new_peak(["max_lr"])
    assert max_lr_only[10] == pytest.approx(reference[10] / 2, rel=1e-12)  # the old lr
    assert max_lr_only[20] < reference[20]  # the warm-up starts from the old initial_lr
    assert max_lr_only[29] == pytest.approx(0.2, rel=1e-12) == reference[29]  # the peak moved
    assert max_lr_only[99] == pytest.approx(reference[99] / 2, rel=1e-9)  # the old min_lr
    group = optimizer.param_groups[0]
    assert group["initial_lr"] == pytest.approx(group["max_lr"] / 25, rel=1e-12)  # div_factor
    assert group["min_lr"] == pytest.approx(group["initial_lr"] / 1e4, rel=1e-12)


@pytest.mark.parametrize(
    "build, key",
    [
        (lambda o, fn: L.LambdaLR(o, fn), None),
        (lambda o, fn: L.MultiplicativeLR(o, fn), None),
        (lambda o, fn: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, scale_fn=fn), "_scale_fn_custom"),
    ],
    ids=["LambdaLR", "MultiplicativeLR", "CyclicLR"],
)
def test_a_partial_or_a_bound_method_is_saved_as_an_empty_dict_not_none(build, key):
    # what-a-checkpoint-holds.md, lambda-lr.md, multiplicative-lr.md, cyclic-lr.md
    import functools

    class Factor:
        def __init__(self, gamma):
            self.gamma = gamma

        def __call__(self, step):
            return self.gamma**step

        def method(self, step):
            return self.gamma**step

    def power(step, gamma):
        return gamma**step

    for fn, expected in (
        (functools.partial(power, gamma=0.9), {}),
        (Factor(0.9).method, {}),
        (Factor(0.9), {"gamma": 0.9}),
        (lambda step: 0.9**step, None),
    ):
        state = build(fresh_optimizer(), fn).state_dict()
        saved = state[key] if key else state["lr_lambdas"][0]
        assert saved == expected, fn


def test_one_cycle_scaling_all_four_gives_the_new_peaks_run_up_to_rounding():
    def from_the_start(max_lr):
        optimizer = dummy_optimizer(0.1, momentum=0.9)
        scheduler = L.OneCycleLR(optimizer, max_lr=max_lr, total_steps=100)
        used = []
        for t in range(100):
            used.append(optimizer.param_groups[0]["lr"])
            if t < 99:
                step(scheduler, optimizer, t)
        return used

    four = ["initial_lr", "max_lr", "min_lr", "lr"]
    for scale in (2.0, 4.0, 0.5, 1.5, 3.0):
        scaled = one_cycle_resumed_at_a_new_peak(four, scale=scale)[10:]
        reference = from_the_start(0.1 * scale)[10:]
        assert scaled == pytest.approx(reference, rel=1e-15, abs=0), scale
        differ = sum(a != b for a, b in zip(scaled, reference))
        if scale in (2.0, 4.0, 0.5):  # powers of two: every multiplication by one is exact
            assert differ == 0
        else:  # otherwise the last bit may differ (here at some steps)
            assert differ > 0, scale


@pytest.mark.parametrize(
    "build",
    [
        lambda o, fn: L.LambdaLR(o, fn),
        lambda o, fn: L.MultiplicativeLR(o, fn),
        lambda o, fn: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, scale_fn=fn),
    ],
    ids=["LambdaLR", "MultiplicativeLR", "CyclicLR"],
)
def test_a_callable_without_a_dict_makes_state_dict_raise_attribute_error(build):
    # what-a-checkpoint-holds.md, checkpoint-and-resume.md, lambda-lr.md, multiplicative-lr.md
    class Slotted:
        __slots__ = ("gamma",)

        def __init__(self, gamma):
            self.gamma = gamma

        def __call__(self, step):
            return self.gamma**step

    for fn, kind in ((math.exp, "builtin_function_or_method"), (Slotted(0.9), "Slotted")):
        scheduler = build(fresh_optimizer(), fn)  # building and stepping work
        with pytest.raises(AttributeError) as raised:
            scheduler.state_dict()
        assert str(raised.value) == f"'{kind}' object has no attribute '__dict__'"
