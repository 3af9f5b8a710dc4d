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
    scheduler = make(name, loaded_optimizer(name), last_epoch=5)
    assert scheduler.last_epoch == 6
    if name == "SequentialLR":
        assert scheduler._schedulers[0].last_epoch == 0
        assert scheduler.get_last_lr() == pytest.approx([0.01])  # LinearLR's start, 0.1 * 0.1
