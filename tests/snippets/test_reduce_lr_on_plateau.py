"""snippets/reduce_lr_on_plateau.py: the LR is cut when the validation loss stops improving."""

import math
import random

import pytest
import torch
from schedules import dummy_optimizer
from torch.optim.lr_scheduler import ReduceLROnPlateau

# The snippet's scheduler, restated.
LR = 0.5
MODE = "min"
FACTOR = 0.5
PATIENCE = 3
COOLDOWN = 2
MIN_LR = 0.05
THRESHOLD = 1e-4  # documented defaults
THRESHOLD_MODE = "rel"
EPS = 1e-8


def improves(metric, best, mode, threshold, threshold_mode):
    """The page's "better" test."""
    if mode == "min":
        bound = best * (1 - threshold) if threshold_mode == "rel" else best - threshold
        return metric < bound
    bound = best * (1 + threshold) if threshold_mode == "rel" else best + threshold
    return metric > bound


def plateau_lrs(
    metrics,
    lr,
    mode="min",
    factor=0.1,
    patience=10,
    threshold=1e-4,
    threshold_mode="rel",
    cooldown=0,
    min_lr=0.0,
    eps=1e-8,
):
    """The LR in force before each step(metric) call, then after the last: the page's rule."""
    best = math.inf if mode == "min" else -math.inf
    bad_epochs = 0
    cooldown_left = 0
    lrs = [lr]
    for metric in metrics:
        if improves(metric, best, mode, threshold, threshold_mode):
            best = metric
            bad_epochs = 0
        else:
            bad_epochs += 1
        if cooldown_left > 0:
            cooldown_left -= 1
            bad_epochs = 0
        if bad_epochs > patience:
            reduced = max(lr * factor, min_lr)
            if lr - reduced > eps:
                lr = reduced
            cooldown_left = cooldown
            bad_epochs = 0
        lrs.append(lr)
    return lrs


def snippet_rule(metrics):
    return plateau_lrs(
        metrics, LR, MODE, FACTOR, PATIENCE, THRESHOLD, THRESHOLD_MODE, COOLDOWN, MIN_LR, EPS
    )


def drive(metrics, lr=0.1, **kwargs):
    """The real scheduler, stepped with a hand-made metric sequence; same shape as plateau_lrs."""
    optimizer = dummy_optimizer(lr)
    scheduler = ReduceLROnPlateau(optimizer, **kwargs)
    lrs = [optimizer.param_groups[0]["lr"]]
    for metric in metrics:
        optimizer.step()
        scheduler.step(metric)
        lrs.append(optimizer.param_groups[0]["lr"])
        assert scheduler.get_last_lr() == [optimizer.param_groups[0]["lr"]]
    return lrs


def changes(lrs):
    return [step for step in range(1, len(lrs)) if lrs[step] != lrs[step - 1]]


def test_snippet_scheduler_has_the_restated_parameters(snippet):
    scheduler = snippet("reduce_lr_on_plateau").scheduler
    assert isinstance(scheduler, ReduceLROnPlateau)
    assert (scheduler.mode, scheduler.factor, scheduler.patience, scheduler.cooldown) == (
        MODE,
        FACTOR,
        PATIENCE,
        COOLDOWN,
    )
    assert (scheduler.threshold, scheduler.threshold_mode, scheduler.eps) == (
        THRESHOLD,
        THRESHOLD_MODE,
        EPS,
    )
    assert scheduler.min_lrs == [MIN_LR]
    assert snippet("reduce_lr_on_plateau").lrs[0] == LR


def test_snippet_lrs_follow_the_rule_applied_to_its_own_val_losses(snippet):
    run = snippet("reduce_lr_on_plateau")
    val_losses = run.namespace["val_losses"]
    expected = snippet_rule(val_losses)[: run.epochs]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_one_step_and_one_val_loss_per_epoch(snippet):
    run = snippet("reduce_lr_on_plateau")
    assert run.epochs == 40
    assert len(run.lrs) == len(run.namespace["val_losses"]) == run.epochs
    assert run.scheduler.last_epoch == run.epochs


def test_val_loss_plateaus_after_epoch_4_then_lr_halves_every_six_epochs_down_to_min_lr(
    snippet,
):
    run = snippet("reduce_lr_on_plateau")
    val_losses = run.namespace["val_losses"]
    best, improved = val_losses[0], []
    for epoch in range(1, run.epochs):
        if improves(val_losses[epoch], best, MODE, THRESHOLD, THRESHOLD_MODE):
            best = val_losses[epoch]
            improved.append(epoch)
    assert improved[-1] == 4
    assert min(val_losses) > 0.25  # the noise floor: variance 0.5 ** 2
    # The last improvement is at epoch 4: four bad epochs (5-8) exceed patience 3, so epoch 9
    # is the first to use a halved LR; afterwards cooldown 2 + patience 3 + 1 = 6 epochs apart.
    assert changes(run.lrs) == [9, 15, 21, 27]
    assert sorted(set(run.lrs), reverse=True) == [0.5, 0.25, 0.125, 0.0625, 0.05]
    # 0.0625 * 0.5 would be 0.03125: min_lr holds it at 0.05, and the attempt after epoch 32
    # (0.05 -> 0.05) changes nothing.
    assert run.lrs[27:] == [MIN_LR] * (run.epochs - 27)
    # The attempts go on: after epochs 32 and 38, each restarting the cooldown, one step of
    # which (epoch 39) has passed.
    assert run.scheduler.cooldown_counter == COOLDOWN - 1


def test_the_cut_after_epoch_32_would_give_0_025_and_min_lr_holds_it_at_0_05(snippet):
    run = snippet("reduce_lr_on_plateau")
    # Replay the snippet's validation losses through the same scheduler; a cut is attempted
    # (and the cooldown restarted) at the steps where cooldown_counter is back at COOLDOWN.
    optimizer = dummy_optimizer(LR)
    scheduler = ReduceLROnPlateau(
        optimizer, mode=MODE, factor=FACTOR, patience=PATIENCE, cooldown=COOLDOWN, min_lr=MIN_LR
    )
    attempts = {}
    for epoch, val_loss in enumerate(run.namespace["val_losses"]):
        before = optimizer.param_groups[0]["lr"]
        optimizer.step()
        scheduler.step(val_loss)
        if scheduler.cooldown_counter == COOLDOWN:
            attempts[epoch] = (before, optimizer.param_groups[0]["lr"])
    assert list(attempts) == [8, 14, 20, 26, 32, 38]
    before, after = attempts[32]
    assert before * FACTOR == pytest.approx(0.025, rel=1e-12)  # "the cut would give 0.025"
    assert after == before == MIN_LR == 0.05  # min_lr holds it: a change of zero


def test_validating_every_5_epochs_patience_3_means_20_epochs():
    optimizer = dummy_optimizer(0.1)
    scheduler = ReduceLROnPlateau(optimizer, patience=3)
    lrs, validated = [], []
    for epoch in range(60):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if epoch % 5 == 4:  # validate every 5 epochs: after epochs 4, 9, 14, ...
            validated.append(epoch)
            scheduler.step(1 / (epoch + 1) if epoch < 10 else 1.0)  # improves up to epoch 9
    last_improvement = 9
    first_cut = changes(lrs)[0]  # the first epoch that uses the reduced LR
    assert first_cut - 1 in validated  # the cut comes from the validation after that epoch
    assert (first_cut - 1) - last_improvement == 20


def test_snippet_decisions_are_not_decided_by_float_rounding(snippet):
    # CPU and CUDA round the validation loss differently (about 1e-7 relative); every
    # better/worse decision must clear the threshold by far more than that.
    val_losses = snippet("reduce_lr_on_plateau").namespace["val_losses"]
    best = val_losses[0]
    margins = []
    for metric in val_losses[1:]:
        bound = best * (1 - THRESHOLD)
        margins.append(abs(metric - bound) / bound)
        if metric < bound:
            best = metric
    assert min(margins) > 5e-5


def test_get_last_lr_is_the_optimizer_lr(snippet):
    run = snippet("reduce_lr_on_plateau")
    assert run.scheduler.get_last_lr() == [run.scheduler.optimizer.param_groups[0]["lr"]]


def test_a_finite_first_metric_counts_as_an_improvement():
    for mode in ("min", "max"):
        scheduler_lrs = drive([5.0], mode=mode, patience=0)
        assert scheduler_lrs == [0.1, 0.1]


def test_metric_may_be_a_one_element_tensor():
    metrics = [torch.tensor(1.0), torch.tensor([2.0]), torch.tensor(3.0)]
    assert drive(metrics, patience=1) == plateau_lrs([1.0, 2.0, 3.0], 0.1, patience=1)
    assert changes(drive(metrics, patience=1)) == [3]


def test_patience_allows_that_many_bad_epochs_then_cuts_on_the_next():
    flat = [1.0] * 8
    expected = plateau_lrs(flat, 0.1, patience=2)
    assert drive(flat, patience=2) == pytest.approx(expected, rel=1e-12, abs=0)
    # call 1 sets the best; calls 2, 3 are bad epochs 1, 2; call 4 is bad epoch 3 > 2: cut.
    assert changes(expected) == [4, 7]
    assert expected[-1] == pytest.approx(0.1 * 0.1 * 0.1, rel=1e-12)


def test_patience_zero_cuts_on_every_bad_epoch():
    metrics = [1.0, 2.0, 0.5, 0.6, 0.7]
    expected = plateau_lrs(metrics, 0.1, patience=0)
    assert drive(metrics, patience=0) == pytest.approx(expected, rel=1e-12, abs=0)
    assert changes(expected) == [2, 4, 5]


def test_cooldown_ignores_bad_epochs_right_after_a_cut():
    flat = [1.0] * 12
    expected = plateau_lrs(flat, 0.1, factor=0.5, patience=1, cooldown=3)
    assert drive(flat, factor=0.5, patience=1, cooldown=3) == pytest.approx(
        expected, rel=1e-12, abs=0
    )
    # cut after call 3; calls 4-6 are cooldown; calls 7, 8 are bad epochs 1, 2 > 1: cut.
    assert changes(expected) == [3, 8]


def test_an_improvement_during_cooldown_still_sets_the_best():
    metrics = [1.0, 1.0, 0.5, 0.6, 0.55, 0.6]
    expected = plateau_lrs(metrics, 0.1, factor=0.5, patience=0, cooldown=2)
    assert drive(metrics, factor=0.5, patience=0, cooldown=2) == pytest.approx(
        expected, rel=1e-12, abs=0
    )
    # 0.5 arrives in cooldown and becomes the best, so 0.55 after the cooldown is bad.
    assert changes(expected) == [2, 5]


def test_min_lr_clamps_the_cut_and_eps_skips_cuts_smaller_than_eps():
    flat = [1.0] * 6
    clamped = drive(flat, lr=0.1, factor=0.1, patience=0, min_lr=0.05)
    assert clamped == pytest.approx(
        plateau_lrs(flat, 0.1, factor=0.1, patience=0, min_lr=0.05), rel=1e-12, abs=0
    )
    assert clamped == [0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05]
    # 3e-8 -> 1.5e-8 is a cut of 1.5e-8 > eps = 1e-8; 1.5e-8 -> 7.5e-9 is not.
    tiny = drive(flat, lr=3e-8, factor=0.5, patience=0)
    assert tiny == pytest.approx(plateau_lrs(flat, 3e-8, factor=0.5, patience=0), rel=1e-12, abs=0)
    assert tiny == pytest.approx([3e-8, 3e-8, 1.5e-8, 1.5e-8, 1.5e-8, 1.5e-8, 1.5e-8], rel=1e-12)


@pytest.mark.parametrize(
    ("mode", "threshold_mode", "metrics", "cut_at"),
    [
        # best 10: rel bound 10 * 0.9 = 9, abs bound 10 - 0.1 = 9.9
        ("min", "rel", [10.0, 9.5, 9.5], [2, 3]),
        ("min", "abs", [10.0, 9.5, 9.5], [3]),
        # best 10: rel bound 10 * 1.1 = 11, abs bound 10.1
        ("max", "rel", [10.0, 10.5, 10.5], [2, 3]),
        ("max", "abs", [10.0, 10.5, 10.5], [3]),
    ],
)
def test_threshold_modes_decide_what_counts_as_better(mode, threshold_mode, metrics, cut_at):
    kwargs = dict(mode=mode, threshold=0.1, threshold_mode=threshold_mode, patience=0)
    expected = plateau_lrs(metrics, 0.1, **kwargs)
    assert drive(metrics, **kwargs) == pytest.approx(expected, rel=1e-12, abs=0)
    assert changes(expected) == cut_at


@pytest.mark.parametrize("mode", ["min", "max"])
@pytest.mark.parametrize("threshold_mode", ["rel", "abs"])
def test_random_metric_sequences_follow_the_rule(mode, threshold_mode):
    rng = random.Random(f"{mode}-{threshold_mode}")
    for _ in range(25):
        metrics = [rng.choice([rng.uniform(-2, 2), 1.0, -1.0, 0.0]) for _ in range(40)]
        kwargs = dict(
            mode=mode,
            threshold_mode=threshold_mode,
            factor=rng.choice([0.1, 0.5, 0.9]),
            patience=rng.randint(0, 3),
            threshold=rng.choice([0.0, 1e-4, 0.05]),
            cooldown=rng.randint(0, 3),
            min_lr=rng.choice([0.0, 1e-3]),
            eps=rng.choice([1e-8, 1e-3]),
        )
        assert drive(metrics, **kwargs) == pytest.approx(
            plateau_lrs(metrics, 0.1, **kwargs), rel=1e-12, abs=0
        )


def test_nan_metric_counts_as_a_bad_epoch():
    metrics = [1.0, math.nan, math.nan]
    expected = plateau_lrs(metrics, 0.1, patience=1)
    assert drive(metrics, patience=1) == pytest.approx(expected, rel=1e-12, abs=0)
    assert changes(expected) == [3]


def test_default_mode_min_cuts_the_lr_while_accuracy_rises():
    accuracy = [0.50, 0.60, 0.70, 0.80, 0.85, 0.90]
    assert drive(accuracy, patience=2) == pytest.approx(
        [0.1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01], rel=1e-12
    )
    assert drive(accuracy, patience=2, mode="max") == [0.1] * 7


def test_rel_threshold_counts_a_flat_negative_metric_as_improving():
    flat = [-2.0] * 10
    # -2 < -2 * (1 - 1e-4) = -1.9998: every epoch "improves", so nothing is ever cut.
    assert drive(flat, patience=2) == [0.1] * 11
    assert plateau_lrs(flat, 0.1, patience=2) == [0.1] * 11
    assert changes(drive(flat, patience=2, threshold_mode="abs")) == [4, 7, 10]


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_invalid_arguments_raise_these_messages():
    optimizer = dummy_optimizer(0.1)
    cases = [
        ({"mode": "maximum"}, ValueError, "mode maximum is unknown!"),
        ({"threshold_mode": "relative"}, ValueError, "threshold mode relative is unknown!"),
        ({"factor": 1.0}, ValueError, "Factor should be < 1.0."),
        ({"min_lr": [0.01, 0.001]}, ValueError, "expected 1 min_lrs, got 2"),
        (
            {"verbose": True},
            TypeError,
            "ReduceLROnPlateau.__init__() got an unexpected keyword argument 'verbose'",
        ),
    ]
    for kwargs, error_type, message in cases:
        with pytest.raises(error_type) as raised:
            ReduceLROnPlateau(optimizer, **kwargs)
        assert str(raised.value) == message


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_step_without_a_metric_raises():
    optimizer = dummy_optimizer(0.1)
    scheduler = ReduceLROnPlateau(optimizer)
    optimizer.step()
    with pytest.raises(TypeError) as raised:
        scheduler.step()
    assert str(raised.value) == (
        "ReduceLROnPlateau.step() missing 1 required positional argument: 'metrics'"
    )


def test_unchecked_arguments_are_accepted_and_do_this():
    worsening = [1.0, 1.05, 1.1, 1.15]
    baseline = dict(factor=0.5, patience=0)
    assert drive(worsening, **baseline) == pytest.approx([0.1, 0.1, 0.05, 0.025, 0.0125], rel=1e-12)
    # factor <= 0: the first cut drops straight to min_lr, the integer 0 by default.
    dropped = drive(worsening, **{**baseline, "factor": -0.5})
    assert dropped == [0.1, 0.1, 0, 0, 0]
    assert type(dropped[-1]) is int
    # patience < 0: a cut on every call, even the first, which is an improvement.
    assert drive(worsening, **{**baseline, "patience": -1}) == pytest.approx(
        [0.1, 0.05, 0.025, 0.0125, 0.00625], rel=1e-12
    )
    # threshold < 0: a slightly worse metric counts as better, so nothing is cut.
    assert drive(worsening, **{**baseline, "threshold": -0.1}) == [0.1] * 5
    # cooldown < 0: the same as cooldown=0.
    assert drive(worsening, **{**baseline, "cooldown": -3}) == drive(worsening, **baseline)


def test_a_first_metric_equal_to_the_starting_best_is_bad():
    assert drive([math.inf, 1.0], patience=0) == pytest.approx([0.1, 0.01, 0.01], rel=1e-12)
    assert drive([-math.inf, 1.0], mode="max", patience=0) == pytest.approx(
        [0.1, 0.01, 0.01], rel=1e-12
    )
    assert plateau_lrs([math.inf, 1.0], 0.1, patience=0) == drive([math.inf, 1.0], patience=0)


@pytest.mark.parametrize("mode", ["min", "max"])
def test_rel_threshold_counts_a_flat_negative_metric_as_improving_in_either_mode(mode):
    flat = [-2.0] * 10
    # min: -2 < -2 * (1 - 1e-4); max: -2 > -2 * (1 + 1e-4). Both "improve", nothing is cut.
    assert drive(flat, mode=mode, patience=2) == [0.1] * 11
    assert plateau_lrs(flat, 0.1, mode=mode, patience=2) == [0.1] * 11
    assert changes(drive(flat, mode=mode, patience=2, threshold_mode="abs")) == [4, 7, 10]
    assert drive(flat, mode=mode, patience=2, threshold_mode="abs")[-1] == pytest.approx(1e-4)


@pytest.mark.parametrize("threshold_mode", ["rel", "abs"])
@pytest.mark.parametrize("mode", ["min", "max"])
@pytest.mark.parametrize("metric", [1.0, 0.0, -2.0])
def test_threshold_minus_1_never_cuts_a_flat_metric_except_in_rel_mode(
    mode, threshold_mode, metric
):
    lrs = drive([metric] * 4, mode=mode, threshold_mode=threshold_mode, threshold=-1, patience=0)
    if threshold_mode == "rel" and mode == "max":  # the bound -inf * 0 is NaN: never better
        assert lrs == pytest.approx([0.1, 0.01, 0.001, 0.0001, 0.00001], rel=1e-9)
    elif threshold_mode == "rel" and metric <= 0:  # the first metric improves on +inf
        assert lrs == pytest.approx([0.1, 0.1, 0.01, 0.001, 0.0001], rel=1e-9)
    else:
        assert lrs == [0.1] * 5


@pytest.mark.parametrize(
    "metrics, lrs",
    [
        ([-2.0] * 4, [0.1, 0.1, 0.01, 0.001, 0.0001]),  # flat at or below 0: worse
        ([0.0] * 4, [0.1, 0.1, 0.01, 0.001, 0.0001]),
        ([-1.0, -3.0, -7.0, -15.0], [0.1] * 5),  # more than doubles: better
        ([-1.0, -2.0], [0.1, 0.1, 0.01]),  # exactly doubles: worse
        ([5.0, -1.0], [0.1] * 3),  # falls from above 0 to below it: better
        ([5.0, 0.0], [0.1] * 3),
    ],
)
def test_threshold_minus_1_rel_min_counts_a_metric_as_better_only_below_twice_the_best(
    metrics, lrs
):
    assert drive(metrics, threshold=-1, patience=0) == pytest.approx(lrs, rel=1e-9)


@pytest.mark.parametrize("threshold", [1.0, 2.0])
def test_rel_threshold_of_1_or_more_in_mode_min_never_sees_an_improvement(threshold):
    falling = [1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125]
    lrs = drive(falling, threshold=threshold, patience=2)
    # no metric is ever better, so a cut comes every patience + 1 = 3 steps
    assert changes(lrs) == [3, 6]
    assert changes(drive(falling, patience=2)) == []  # the default threshold sees the fall
    # plus cooldown: every patience + 1 + cooldown = 4 steps
    assert changes(drive(falling * 2, threshold=threshold, patience=2, cooldown=1)) == [3, 7, 11]


def test_negative_eps_turns_a_cut_into_a_raise_to_min_lr_above_the_lr():
    flat = [1.0] * 3
    assert drive(flat, patience=0, min_lr=0.2, eps=-1) == [0.1, 0.1, 0.2, 0.2]
    assert drive(flat, patience=0, min_lr=0.2, eps=0) == [0.1, 0.1, 0.1, 0.1]
    # min_lr above the LR by more than |eps|: left alone again
    assert drive(flat, patience=0, min_lr=0.2, eps=-0.05) == [0.1, 0.1, 0.1, 0.1]
    # min_lr at or below the LR: the same as eps=0
    assert drive(flat * 3, patience=0, eps=-1) == drive(flat * 3, patience=0, eps=0)


def test_eps_is_absolute_so_a_cut_bigger_than_eps_happens_from_a_large_lr():
    flat = [1.0] * 4
    assert drive(flat, lr=0.1, patience=0, eps=1) == [0.1] * 5
    assert drive(flat, lr=10, patience=0, eps=1) == pytest.approx([10, 10, 1.0, 1.0, 1.0])
