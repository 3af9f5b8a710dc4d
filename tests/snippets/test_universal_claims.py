"""Claims the pages make about every scheduler (or all, only, never, once), each checked
against all the schedulers torch exports, so that a claim too general for one of them, or a
new scheduler in torch, fails here by name.

Each test is named after the claim; the pages that make it are listed in its docstring.
"""

import inspect
import warnings

import pytest
from every_scheduler import SCHEDULERS, make, step
from schedules import STEP_ORDER_WARNING, dummy_optimizer
from torch.optim import lr_scheduler as L

NEVER_CHECK_THE_ORDER = {"CosineAnnealingWarmRestarts", "ReduceLROnPlateau"}


def test_every_scheduler_torch_exports_has_settings_here():
    for name in SCHEDULERS:
        make(name, dummy_optimizer(0.1, momentum=0.9))
    assert len(SCHEDULERS) == 15


def warnings_in_the_wrong_order(name: str, epochs: int = 5) -> list[str]:
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    scheduler = make(name, optimizer)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(epochs):
            step(scheduler)
            optimizer.step()
    return [str(warning.message) for warning in caught]


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
@pytest.mark.parametrize("name", SCHEDULERS)
def test_the_wrong_order_warns_once_except_warm_restarts_plateau_and_chained(name):
    """training-loop.md, pitfalls.md, faq.md, choosing-a-scheduler.md,
    the-example-everyone-copies.md: most schedulers warn once; CosineAnnealingWarmRestarts
    and ReduceLROnPlateau never; ChainedScheduler once per child (two here)."""
    expected = 0 if name in NEVER_CHECK_THE_ORDER else 2 if name == "ChainedScheduler" else 1
    assert warnings_in_the_wrong_order(name) == [STEP_ORDER_WARNING] * expected


@pytest.mark.parametrize("name", SCHEDULERS)
def test_the_right_order_never_warns(name):
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    scheduler = make(name, optimizer)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(5):
            optimizer.step()
            step(scheduler)
    assert caught == []


def takes_last_epoch(name: str) -> bool:
    return "last_epoch" in inspect.signature(getattr(L, name)).parameters


def test_every_scheduler_takes_last_epoch_but_chained_scheduler_and_reduce_lr_on_plateau():
    """The reference pages' parameter tables; chained-scheduler.md and
    reduce-lr-on-plateau.md say they take none."""
    assert [name for name in SCHEDULERS if not takes_last_epoch(name)] == [
        "ChainedScheduler",
        "ReduceLROnPlateau",
    ]


def loaded_optimizer(name):
    """An optimizer loaded from the state of one that a ``name`` scheduler had run on, as
    when resuming from a checkpoint (it holds initial_lr and the like)."""
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    make(name, optimizer)
    loaded = dummy_optimizer(0.1, momentum=0.9)
    loaded.load_state_dict(optimizer.state_dict())
    return loaded


@pytest.mark.parametrize("name", [name for name in SCHEDULERS if takes_last_epoch(name)])
def test_last_epoch_n_makes_the_constructor_step_once_to_n_plus_1(name):
    """The `last_epoch` row of every reference page that has one; for SequentialLR only its
    own count moves, and its first child starts at its first value (sequential-lr.md)."""
    if name == "OneCycleLR":  # it needs more than initial_lr: see the test below
        optimizer = loaded_optimizer(name)
    else:  # initial_lr is all the row asks for
        optimizer = dummy_optimizer(0.1, momentum=0.9)
        optimizer.param_groups[0]["initial_lr"] = 0.1
    scheduler = make(name, optimizer, last_epoch=5)
    assert scheduler.last_epoch == 6
    if name == "SequentialLR":
        assert scheduler._schedulers[0].last_epoch == 0
        assert scheduler.get_last_lr() == pytest.approx([0.01])  # LinearLR's start, 0.1 * 0.1


def test_every_scheduler_is_a_subclass_of_lr_scheduler():
    """lr-scheduler.md: "Every scheduler in torch.optim.lr_scheduler is a subclass"."""
    assert [n for n in SCHEDULERS if not issubclass(getattr(L, n), L.LRScheduler)] == []


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_verbose_was_removed_from_every_scheduler():
    """pitfalls.md: "`verbose=True` was removed from every scheduler in torch 2.7"."""
    for name in SCHEDULERS:
        assert "verbose" not in inspect.signature(getattr(L, name)).parameters, name
        with pytest.raises(TypeError, match="unexpected keyword argument 'verbose'"):
            make(name, dummy_optimizer(0.1, momentum=0.9), verbose=True)


def test_only_reduce_lr_on_plateau_steps_with_a_metric():
    """the-example-everyone-copies.md: "the only built-in scheduler whose step() takes a
    measured metric"."""
    needs_an_argument = [
        name
        for name in SCHEDULERS
        if any(
            parameter.default is inspect.Parameter.empty
            for parameter in list(inspect.signature(getattr(L, name).step).parameters.values())[1:]
        )
    ]
    assert needs_an_argument == ["ReduceLROnPlateau"]


EPOCH_DEPRECATED = "The epoch parameter in `scheduler.step()` was not necessary"


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
@pytest.mark.parametrize("name", SCHEDULERS)
def test_step_with_an_epoch_warns_but_in_warm_restarts_sequential_and_chained_refuse_it(name):
    """faq.md, pitfalls.md, per-epoch-or-per-batch.md: only CosineAnnealingWarmRestarts takes
    an epoch without a warning; SequentialLR and ChainedScheduler take no argument at all."""
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    scheduler = make(name, optimizer)
    optimizer.step()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if name in ("SequentialLR", "ChainedScheduler"):
            with pytest.raises(TypeError, match="takes 1 positional argument but 2 were given"):
                scheduler.step(2)
            return
        if name == "ReduceLROnPlateau":
            scheduler.step(1.0, 2)
        else:
            scheduler.step(2)
    messages = [str(warning.message) for warning in caught]
    if name == "CosineAnnealingWarmRestarts":
        assert messages == []
    else:
        assert len(messages) == 1 and messages[0].startswith(EPOCH_DEPRECATED)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
@pytest.mark.parametrize("name", SCHEDULERS)
def test_only_one_cycle_lr_refuses_to_run_past_its_end(name):
    """faq.md: "unlike other schedulers it refuses to run past its end"; one-cycle-lr.md.
    Every length in every_scheduler.make is at most 20 steps."""
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    scheduler = make(name, optimizer)
    for steps in range(1, 101):
        optimizer.step()
        if name != "OneCycleLR":
            step(scheduler)
            continue
        if steps <= 20:
            step(scheduler)
        else:
            with pytest.raises(
                ValueError,
                match="Tried to step 21 times. The specified number of total steps is 20",
            ):
                step(scheduler)
            break


def test_reduce_lr_on_plateau_writes_the_groups_only_at_a_cut():
    """parameter-groups.md: schedulers write every group at each step, ReduceLROnPlateau only
    at a cut: a learning rate set by hand survives its steps until then."""
    optimizer = dummy_optimizer(0.1, 0.01)
    scheduler = L.ReduceLROnPlateau(optimizer, patience=2)
    optimizer.param_groups[1]["lr"] = 0.05
    for metric in (1.0, 0.9, 0.8):
        optimizer.step()
        scheduler.step(metric)
    assert [group["lr"] for group in optimizer.param_groups] == [0.1, 0.05]
    for metric in (0.8, 0.8, 0.8):
        optimizer.step()
        scheduler.step(metric)
    assert [group["lr"] for group in optimizer.param_groups] == pytest.approx([0.01, 0.005])


@pytest.mark.parametrize("mode", ["min", "max"])
def test_the_first_metric_counts_as_an_improvement_unless_it_is_nan(mode):
    """reduce-lr-on-plateau.md, the formula: b starts at +-inf."""
    for first, bad_epochs in [(1e30, 0), (-1e30, 0), (float("nan"), 1)]:
        optimizer = dummy_optimizer(0.1)
        scheduler = L.ReduceLROnPlateau(optimizer, mode=mode)
        optimizer.step()
        scheduler.step(first)
        assert scheduler.num_bad_epochs == bad_epochs


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_one_cycle_lr_resumed_with_last_epoch_needs_every_value_it_stores_in_the_groups():
    """one-cycle-lr.md, the `last_epoch` row: initial_lr alone is not enough."""
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    for key in ("initial_lr", "max_lr", "min_lr"):
        optimizer.param_groups[0][key] = 0.1
    with pytest.raises(KeyError, match="base_momentum"):
        L.OneCycleLR(optimizer, max_lr=0.1, total_steps=10, last_epoch=5)
    assert make("OneCycleLR", loaded_optimizer("OneCycleLR"), last_epoch=5).last_epoch == 6


def test_seven_built_in_schedulers_define_a_closed_form():
    """write-your-own-scheduler.md names the seven that define _get_closed_form_lr()."""
    assert [name for name in SCHEDULERS if hasattr(getattr(L, name), "_get_closed_form_lr")] == [
        "ConstantLR",
        "CosineAnnealingLR",
        "ExponentialLR",
        "LinearLR",
        "MultiStepLR",
        "PolynomialLR",
        "StepLR",
    ]


# --- claims corrected after the expert review of the guides ---------------------------


@pytest.mark.parametrize("name", SCHEDULERS)
def test_only_one_cycle_lr_overwrites_initial_lr_and_reduce_lr_on_plateau_never_sets_it(name):
    """what-a-checkpoint-holds.md, faq.md: a group that already holds ``initial_lr`` (a loaded
    optimizer, a second stage) keeps it under every scheduler but OneCycleLR."""
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    optimizer.param_groups[0]["initial_lr"] = 0.5
    make(name, optimizer)
    kept = optimizer.param_groups[0]["initial_lr"]
    assert (kept != 0.5) if name == "OneCycleLR" else (kept == 0.5)
    fresh = dummy_optimizer(0.1, momentum=0.9)
    make(name, fresh)
    assert ("initial_lr" in fresh.param_groups[0]) is (name != "ReduceLROnPlateau")


def test_cyclic_lr_trains_its_first_step_at_a_stale_initial_lr():
    """what-a-checkpoint-holds.md: CyclicLR keeps an existing initial_lr and uses it once."""
    optimizer = dummy_optimizer(0.1)
    L.StepLR(optimizer, step_size=3)  # a first stage: sets initial_lr = 0.1
    scheduler = L.CyclicLR(optimizer, base_lr=0.001, max_lr=0.01, step_size_up=4)
    lrs = []
    for _ in range(3):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    assert lrs == pytest.approx([0.1, 0.00325, 0.0055])


def lrs_resumed_from_the_scheduler_state_alone(name: str, stop: int = 6, steps: int = 12):
    """The LRs of a run stopped after ``stop`` steps and resumed with a fresh optimizer and the
    saved scheduler state only, next to the uninterrupted run's."""

    def run(optimizer, scheduler, count, lrs):
        for _ in range(count):
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            step(scheduler)

    whole = []
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    run(optimizer, make(name, optimizer), steps, whole)
    resumed = []
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    scheduler = make(name, optimizer)
    run(optimizer, scheduler, stop, resumed)
    saved = scheduler.state_dict()
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    scheduler = make(name, optimizer)
    scheduler.load_state_dict(saved)
    run(optimizer, scheduler, steps - stop, resumed)
    return whole, resumed


@pytest.mark.parametrize("name", ["LambdaLR", "CyclicLR", "CosineAnnealingWarmRestarts"])
def test_a_scheduler_state_alone_is_wrong_for_one_step_where_lrs_come_from_base_lrs(name):
    """checkpoint-and-resume.md: schedulers that compute from base_lrs recover a step later."""
    # Stopped mid-cycle: at a restart the fresh optimizer's LR happens to be the right one.
    whole, resumed = lrs_resumed_from_the_scheduler_state_alone(name, stop=5)
    wrong = [i for i, (a, b) in enumerate(zip(whole, resumed)) if a != pytest.approx(b)]
    assert wrong == [5]


@pytest.mark.parametrize("name", ["StepLR", "ExponentialLR", "MultiplicativeLR"])
def test_a_scheduler_state_alone_stays_wrong_where_schedulers_multiply_the_current_lr(name):
    """checkpoint-and-resume.md: those that multiply the current rate stay wrong to the end."""
    whole, resumed = lrs_resumed_from_the_scheduler_state_alone(name)
    wrong = [i for i, (a, b) in enumerate(zip(whole, resumed)) if a != pytest.approx(b)]
    assert wrong == list(range(6, 12))


def test_factors_are_checked_by_linear_constant_and_plateau_only():
    """faq.md ("Why is my learning rate negative?")."""
    with pytest.raises(ValueError):
        L.LinearLR(dummy_optimizer(0.1), start_factor=-0.5)
    with pytest.raises(ValueError):
        L.ConstantLR(dummy_optimizer(0.1), factor=-0.5)
    with pytest.raises(ValueError):
        L.ReduceLROnPlateau(dummy_optimizer(0.1), factor=1.5)
    for unchecked in (L.ExponentialLR, L.StepLR):
        optimizer = dummy_optimizer(0.1)
        scheduler = unchecked(
            optimizer, **({"step_size": 1} if unchecked is L.StepLR else {}), gamma=-0.5
        )
        optimizer.step()
        scheduler.step()
        assert optimizer.param_groups[0]["lr"] == pytest.approx(-0.05)


# A group added after the scheduler: tests/snippets/test_parameter_groups.py, step by step.


@pytest.mark.parametrize("name", SCHEDULERS)
def test_every_scheduler_but_reduce_lr_on_plateau_wraps_optimizer_step(name):
    """distributed-and-compiled-training.md: besides its param_groups, the one thing a
    scheduler does to its optimizer is to wrap optimizer.step (ReduceLROnPlateau does not)."""
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    make(name, optimizer)
    wrapped = hasattr(optimizer.step, "_wrapped_by_lr_sched")
    assert wrapped is (name != "ReduceLROnPlateau")
