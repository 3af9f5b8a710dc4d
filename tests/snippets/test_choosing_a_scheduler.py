"""docs/guides/choosing-a-scheduler.md: ReduceLROnPlateau needs no length; warm-up hand-overs."""

import inspect

import pytest
from schedules import dummy_optimizer, lrs_used
from torch.optim import lr_scheduler

LENGTH_PARAMETERS = {
    "T_max",
    "T_0",
    "total_steps",
    "epochs",
    "steps_per_epoch",
    "total_iters",
    "step_size",
    "step_size_up",
    "milestones",
}
PLATEAU_REJECTED = (
    "{} does not support `ReduceLROnPlateau` scheduler as it requires additional kwargs to be "
    "specified when calling `step`, but got one at index 1 in the given schedulers sequence."
)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_cosine_annealing_needs_t_max():
    with pytest.raises(TypeError) as raised:
        lr_scheduler.CosineAnnealingLR(dummy_optimizer(0.1))
    assert str(raised.value) == (
        "CosineAnnealingLR.__init__() missing 1 required positional argument: 'T_max'"
    )


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_one_cycle_needs_a_length():
    with pytest.raises(ValueError) as raised:
        lr_scheduler.OneCycleLR(dummy_optimizer(0.1, momentum=0.9), max_lr=0.1)
    assert str(raised.value) == "You must define either total_steps OR (epochs AND steps_per_epoch)"


def test_polynomial_lr_quietly_assumes_five_steps():
    optimizer = dummy_optimizer(0.1)
    scheduler = lr_scheduler.PolynomialLR(optimizer)
    assert scheduler.total_iters == 5
    assert lrs_used(scheduler, 7)[5:] == [0.0, 0.0]


def test_reduce_lr_on_plateau_takes_no_length():
    parameters = set(inspect.signature(lr_scheduler.ReduceLROnPlateau).parameters)
    assert parameters & LENGTH_PARAMETERS == set()
    lr_scheduler.ReduceLROnPlateau(dummy_optimizer(0.1))  # accepted without one
    assert not hasattr(lr_scheduler.ReduceLROnPlateau(dummy_optimizer(0.1)), "total_iters")


def cut_epochs(val_losses):
    optimizer = dummy_optimizer(0.1)
    scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=2)
    cuts = []
    for epoch, val_loss in enumerate(val_losses):
        optimizer.step()
        before = optimizer.param_groups[0]["lr"]
        scheduler.step(val_loss)
        if optimizer.param_groups[0]["lr"] < before:
            assert optimizer.param_groups[0]["lr"] == pytest.approx(before * 0.5, rel=1e-12)
            cuts.append(epoch)
    return cuts


IMPROVING = [1 / (epoch + 1) for epoch in range(30)]


@pytest.mark.parametrize(
    "losses, cuts",
    [
        (IMPROVING, []),
        (IMPROVING[:5] + [IMPROVING[4]] * 25, [7, 10, 13, 16, 19, 22, 25, 28]),
        (IMPROVING[:20] + [IMPROVING[19]] * 10, [22, 25, 28]),
    ],
    ids=["improves throughout", "stalls after epoch 4", "stalls after epoch 19"],
)
def test_cuts_follow_the_plateau(losses, cuts):
    assert len(losses) == 30
    assert cut_epochs(losses) == cuts


def test_third_validation_without_improvement_cuts_whenever_it_comes():
    for last_improvement in range(1, 25):
        losses = IMPROVING[: last_improvement + 1] + [IMPROVING[last_improvement]] * 5
        assert cut_epochs(losses)[0] == last_improvement + 3


def test_linear_lr_is_a_complete_warmup_then_constant():
    optimizer = dummy_optimizer(0.1)
    scheduler = lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=3)
    used = lrs_used(scheduler, 1000)
    assert used[:4] == pytest.approx([0.01, 0.04, 0.07, 0.1], rel=1e-12, abs=0)
    assert set(used[3:]) == {0.1}


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
@pytest.mark.parametrize("container", ["SequentialLR", "ChainedScheduler"])
def test_containers_reject_reduce_lr_on_plateau(container):
    optimizer = dummy_optimizer(0.1)
    warmup = lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=3)
    plateau = lr_scheduler.ReduceLROnPlateau(optimizer)
    with pytest.raises(ValueError) as raised:
        if container == "SequentialLR":
            lr_scheduler.SequentialLR(optimizer, [warmup, plateau], milestones=[3])
        else:
            lr_scheduler.ChainedScheduler([warmup, plateau])
    assert str(raised.value) == PLATEAU_REJECTED.format(container)


VAL_LOSSES = [0.9, 0.7, 0.5, 0.4, 0.35, 0.35, 0.35, 0.34, 0.30, 0.30, 0.30, 0.30]


def warmup_then_plateau():
    optimizer = dummy_optimizer(0.1)
    warmup = lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=3)
    plateau = lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=1)
    plateau_last_lr_before_first_step = plateau.get_last_lr()
    used = []
    for epoch, val_loss in enumerate(VAL_LOSSES):
        used.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if epoch < 3:
            warmup.step()
        else:
            plateau.step(val_loss)
    return optimizer, warmup, plateau, used, plateau_last_lr_before_first_step


def test_warmup_then_plateau_by_hand():
    optimizer, warmup, plateau, used, _ = warmup_then_plateau()
    warmup_values = [0.1 * (0.1 + 0.9 * t / 3) for t in range(3)]
    expected = warmup_values + [0.1] * 4 + [0.05] * 4 + [0.025]
    assert used == pytest.approx(expected, rel=1e-12, abs=0)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.025, rel=1e-12)


def test_neither_schedulers_get_last_lr_follows_the_other():
    optimizer, warmup, plateau, _, plateau_before = warmup_then_plateau()
    assert warmup.get_last_lr() == pytest.approx([0.1], rel=1e-12)
    assert plateau_before == pytest.approx([0.01], rel=1e-12)
    assert plateau.get_last_lr() == [optimizer.param_groups[0]["lr"]]


def test_plateau_schedulers_given_different_metrics_cut_at_different_epochs():
    # Two ranks of a distributed run, each stepping its own scheduler with its own shard's
    # validation loss: the LRs part ways. Given the same (all-reduced) metric they agree.
    rank_losses = [[1.0, 0.9, 0.9, 0.9, 0.9, 0.9], [1.0, 0.9, 0.8, 0.7, 0.7, 0.7]]
    for metrics in (rank_losses, [[(a + b) / 2 for a, b in zip(*rank_losses)]] * 2):
        lrs = []
        for losses in metrics:
            optimizer = dummy_optimizer(0.1)
            scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=2)
            for loss in losses:
                optimizer.step()
                scheduler.step(loss)
            lrs.append(scheduler.get_last_lr())
        assert (lrs[0] == lrs[1]) == (metrics is not rank_losses)


def test_warm_restarts_with_t_mult_2_are_low_only_at_the_end_of_a_cycle():
    scheduler = lr_scheduler.CosineAnnealingWarmRestarts(dummy_optimizer(0.1), T_0=100, T_mult=2)
    lrs = lrs_used(scheduler, 1500)
    cycles = [(0, 100), (100, 300), (300, 700), (700, 1500)]  # [start, end) of each cycle
    assert all(lrs[end - 1] < 1e-4 for _, end in cycles)  # after 100, 300, 700, 1500 steps
    assert all(lrs[start] == 0.1 for start, _ in cycles)  # each restart is at the top
    for step, lr in enumerate(lrs):
        start, end = next((s, e) for s, e in cycles if s <= step < e)
        if lr < 0.01:  # a tenth of the peak: only in the last quarter of a cycle
            assert (step - start) / (end - start) >= 0.75


def test_inverse_square_root_never_gets_below_its_formula():
    warmup = 100
    factor = lambda t: min((t + 1) / warmup, (warmup / (t + 1)) ** 0.5)  # noqa: E731
    lrs = lrs_used(lr_scheduler.LambdaLR(dummy_optimizer(0.1), factor), 700)
    assert lrs[299] == pytest.approx(0.1 * (100 / 300) ** 0.5, rel=1e-12)
    assert min(lrs[warmup:]) == pytest.approx(0.1 * (100 / 700) ** 0.5, rel=1e-12)
