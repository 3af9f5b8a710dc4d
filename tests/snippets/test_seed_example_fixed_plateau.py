"""snippets/seed_example_fixed_plateau.py: ReduceLROnPlateau stepped with the validation loss."""

import math

import pytest
import torch

LR, FACTOR, PATIENCE, THRESHOLD = 0.2, 0.5, 5, 1e-4  # threshold: the documented default


def plateau_rule(metrics):
    """The LR in force before each step(metric): halve after more than PATIENCE bad epochs."""
    best, bad, lr, lrs = math.inf, 0, LR, []
    for metric in metrics:
        lrs.append(lr)
        if metric < best * (1 - THRESHOLD):
            best, bad = metric, 0
        else:
            bad += 1
        if bad > PATIENCE:
            lr, bad = lr * FACTOR, 0
    return lrs, lr


def test_lrs_follow_the_rule_applied_to_the_recorded_validation_losses(snippet):
    run = snippet("seed_example_fixed_plateau")
    assert type(run.scheduler) is torch.optim.lr_scheduler.ReduceLROnPlateau
    val_losses = run.namespace["val_losses"]
    assert len(val_losses) == run.epochs == len(run.lrs) == 100
    expected, final = plateau_rule(val_losses)
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert run.scheduler.get_last_lr()[0] == pytest.approx(final, rel=1e-12, abs=0)


def test_cuts_at_19_then_every_six_epochs_from_69(snippet):
    run = snippet("seed_example_fixed_plateau")
    cuts = [epoch for epoch in range(1, run.epochs) if run.lrs[epoch] != run.lrs[epoch - 1]]
    assert cuts == [19, 69, 75, 81, 87, 93, 99]
    assert run.lrs[99] == pytest.approx(LR / 2**7, rel=1e-12) == 0.0015625


def test_the_stories_behind_the_cuts(snippet):
    run = snippet("seed_example_fixed_plateau")
    val_losses = run.namespace["val_losses"]
    # First cut: best at epoch 12, then six epochs that are all worse.
    assert min(range(19), key=val_losses.__getitem__) == 12
    assert all(val_losses[epoch] > val_losses[12] for epoch in range(13, 19))
    # After epoch 62 nothing improves on the best again.
    assert min(range(100), key=val_losses.__getitem__) == 62
    assert round(val_losses[62], 4) == 0.2301
    assert all(val_losses[epoch] >= val_losses[62] * (1 - THRESHOLD) for epoch in range(63, 100))


def test_every_decision_has_room_to_spare(snippet):
    # CPU and CUDA validation losses differ in the last bits; each better/worse decision is
    # more than 1e-5 (relative) away from the threshold, so both devices cut at the same epochs.
    val_losses = snippet("seed_example_fixed_plateau").namespace["val_losses"]
    best = val_losses[0]
    for metric in val_losses[1:]:
        bound = best * (1 - THRESHOLD)
        assert abs(metric - bound) / bound > 1e-5
        best = min(best, metric) if metric < bound else best


def test_no_verbose_and_the_metric_is_the_validation_loss(snippet):
    run = snippet("seed_example_fixed_plateau")
    assert not hasattr(run.scheduler, "verbose")
    assert run.scheduler.best == min(run.namespace["val_losses"])
    assert run.scheduler.last_epoch == run.epochs  # one step(val_loss) per epoch
