"""snippets/cosine_annealing_warm_restarts_per_batch.py: the same cycles, moved every batch."""

import warnings

import pytest
import torch
from schedules import dummy_optimizer
from test_cosine_annealing_warm_restarts import warm_restarts_lr  # the same formula

BASE_LR = 0.1
ETA_MIN = 0.001
T_0 = 5  # in epochs, also when stepping per batch
T_MULT = 2
BATCHES_PER_EPOCH = 8


def expected_lrs(steps: int, iters: int, t_0: int = T_0, t_mult: int = T_MULT) -> list[float]:
    return [warm_restarts_lr(k / iters, BASE_LR, ETA_MIN, t_0, t_mult) for k in range(steps)]


def drive_fractional(epochs: int, iters: int, next_batch: bool, t_0: int, t_mult: int):
    """A real scheduler stepped with step(epoch + (i + 1) / iters), or the docstring's
    step(epoch + i / iters) when next_batch is False."""
    optimizer = dummy_optimizer(BASE_LR)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        optimizer, T_0=t_0, T_mult=t_mult, eta_min=ETA_MIN
    )
    lrs = []
    for epoch in range(epochs):
        for i in range(iters):
            optimizer.step()
            lrs.append(scheduler.get_last_lr()[0])
            scheduler.step(epoch + (i + 1 if next_batch else i) / iters)
    return lrs


def test_batch_k_trains_at_fractional_epoch_k_over_batches_per_epoch(snippet):
    run = snippet("cosine_annealing_warm_restarts_per_batch")
    scheduler = run.scheduler
    assert isinstance(scheduler, torch.optim.lr_scheduler.CosineAnnealingWarmRestarts)
    assert (scheduler.T_0, scheduler.T_mult, scheduler.eta_min) == (T_0, T_MULT, ETA_MIN)
    assert scheduler.base_lrs == [BASE_LR]
    assert run.lrs == pytest.approx(expected_lrs(len(run.lrs), BATCHES_PER_EPOCH), rel=1e-12, abs=0)


def test_one_step_per_batch_for_35_epochs_of_8_batches(snippet):
    run = snippet("cosine_annealing_warm_restarts_per_batch")
    assert len(run.namespace["loader"]) == run.namespace["iters"] == BATCHES_PER_EPOCH
    assert run.epochs == 35
    assert len(run.lrs) == run.epochs * BATCHES_PER_EPOCH == 280
    assert run.steps_per_epoch == BATCHES_PER_EPOCH


def test_restarts_land_on_the_first_batch_of_epochs_5_and_15(snippet):
    run = snippet("cosine_annealing_warm_restarts_per_batch")
    restarts = [k for k in range(1, len(run.lrs)) if run.lrs[k] > run.lrs[k - 1]]
    assert restarts == [5 * BATCHES_PER_EPOCH, 15 * BATCHES_PER_EPOCH]
    assert run.scheduler.get_last_lr() == [BASE_LR]  # epoch 35 would start a fourth cycle


def test_first_batch_of_each_epoch_matches_the_per_epoch_snippet(snippet):
    per_batch = snippet("cosine_annealing_warm_restarts_per_batch").lrs
    per_epoch = snippet("cosine_annealing_warm_restarts").lrs
    assert per_batch[::BATCHES_PER_EPOCH] == pytest.approx(per_epoch, rel=1e-12, abs=0)


@pytest.mark.parametrize(("t_0", "t_mult", "iters"), [(2, 3, 4), (3, 1, 5), (1, 2, 8)])
def test_fractional_epochs_follow_the_formula_across_restarts(t_0, t_mult, iters):
    epochs = t_0 + t_0 * t_mult + t_0 * t_mult**2 + 1
    lrs = drive_fractional(epochs, iters, next_batch=True, t_0=t_0, t_mult=t_mult)
    expected = expected_lrs(epochs * iters, iters, t_0, t_mult)
    assert lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_docstring_form_repeats_the_first_lr_and_lags_one_batch():
    iters = 4
    lrs = drive_fractional(epochs=3, iters=iters, next_batch=False, t_0=1, t_mult=2)
    assert lrs[0] == lrs[1] == BASE_LR
    lagged = [BASE_LR] + expected_lrs(len(lrs) - 1, iters, t_0=1, t_mult=2)
    assert lrs == pytest.approx(lagged, rel=1e-12, abs=0)
    assert lrs.index(BASE_LR, 2) == iters + 1  # the restart after epoch 1 comes a batch late


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_explicit_epochs_do_not_warn():
    # Unlike LRScheduler.step(epoch), this class's own step(epoch) is not deprecated.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        drive_fractional(epochs=2, iters=2, next_batch=True, t_0=1, t_mult=1)
    assert [str(warning.message) for warning in caught] == []


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_other_schedulers_warn_that_step_epoch_is_deprecated():
    optimizer = dummy_optimizer(BASE_LR)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=10)
    optimizer.step()
    with pytest.warns(UserWarning, match=r"The epoch parameter in `scheduler.step\(\)` was not"):
        scheduler.step(1)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_negative_epoch_is_refused():
    optimizer = dummy_optimizer(BASE_LR)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=T_0)
    optimizer.step()
    with pytest.raises(ValueError) as raised:
        scheduler.step(-0.5)
    assert str(raised.value) == "Expected non-negative epoch, but got -0.5"
