"""snippets/cosine_annealing_warm_restarts.py: cosine cycles of 5, 10 and 20 epochs."""

import math

import pytest
import torch
from schedules import dummy_optimizer, lrs_used

BASE_LR = 0.1
ETA_MIN = 0.001
T_0 = 5
T_MULT = 2


def warm_restarts_lr(epoch: float, base_lr: float, eta_min: float, t_0: int, t_mult: int) -> float:
    """Walk the cycles T_0, T_0 * T_mult, ... to the one that contains `epoch`."""
    cycle_start, cycle_length = 0, t_0
    while epoch >= cycle_start + cycle_length:
        cycle_start += cycle_length
        cycle_length *= t_mult
    t_cur = epoch - cycle_start
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t_cur / cycle_length)) / 2


def drive(t_0: int, t_mult: int, eta_min: float, steps: int) -> list[float]:
    """The LR of each of `steps` optimizer steps, stepping with plain scheduler.step()."""
    scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        dummy_optimizer(BASE_LR), T_0=t_0, T_mult=t_mult, eta_min=eta_min
    )
    return lrs_used(scheduler, steps)


def test_lrs_follow_cosine_cycles_that_double_in_length(snippet):
    run = snippet("cosine_annealing_warm_restarts")
    scheduler = run.scheduler
    assert isinstance(scheduler, torch.optim.lr_scheduler.CosineAnnealingWarmRestarts)
    assert (scheduler.T_0, scheduler.T_mult, scheduler.eta_min) == (T_0, T_MULT, ETA_MIN)
    assert scheduler.base_lrs == [BASE_LR]
    expected = [warm_restarts_lr(t, BASE_LR, ETA_MIN, T_0, T_MULT) for t in range(run.epochs)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_one_step_per_epoch_for_three_whole_cycles(snippet):
    run = snippet("cosine_annealing_warm_restarts")
    assert run.epochs == 35 == T_0 + T_0 * T_MULT + T_0 * T_MULT**2
    assert len(run.lrs) == run.epochs
    assert run.scheduler.last_epoch == run.epochs


def test_restarts_after_epochs_5_and_15_and_again_after_the_run(snippet):
    run = snippet("cosine_annealing_warm_restarts")
    restarts = [t for t in range(1, run.epochs) if run.lrs[t] > run.lrs[t - 1]]
    assert restarts == [5, 15]
    assert run.lrs[0] == run.lrs[5] == run.lrs[15] == BASE_LR
    assert run.scheduler.get_last_lr() == [BASE_LR]  # epoch 35 would start a fourth cycle
    assert (run.scheduler.T_cur, run.scheduler.T_i) == (0, 40)


def test_eta_min_is_never_used_only_approached(snippet):
    run = snippet("cosine_annealing_warm_restarts")
    assert min(run.lrs) > ETA_MIN
    assert min(run.lrs) == pytest.approx(warm_restarts_lr(34, BASE_LR, ETA_MIN, 5, 2), rel=1e-12)


@pytest.mark.parametrize(("t_0", "t_mult", "eta_min"), [(3, 3, 0.01), (4, 1, 0.0), (1, 2, 0.0)])
def test_torch_matches_the_formula_over_several_restarts(t_0, t_mult, eta_min):
    steps = 3 * t_0 * t_mult**3 + 2
    expected = [warm_restarts_lr(t, BASE_LR, eta_min, t_0, t_mult) for t in range(steps)]
    assert drive(t_0, t_mult, eta_min, steps) == pytest.approx(expected, rel=1e-12, abs=0)


def test_t_mult_one_gives_equal_cycles_of_t_0():
    lrs = drive(t_0=4, t_mult=1, eta_min=0.0, steps=12)
    assert lrs[0:4] == lrs[4:8] == lrs[8:12]


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"T_0": 0}, "Expected positive integer T_0, but got 0"),
        ({"T_0": 10.0}, "Expected positive integer T_0, but got 10.0"),
        ({"T_0": 10, "T_mult": 0}, "Expected integer T_mult >= 1, but got 0"),
        ({"T_0": 10, "T_mult": 1.5}, "Expected integer T_mult >= 1, but got 1.5"),
        (
            {"T_0": 10, "eta_min": None},
            "Expected float or int eta_min, but got None of type <class 'NoneType'>",
        ),
    ],
)
def test_invalid_arguments_are_refused_when_created(arguments, message):
    optimizer = dummy_optimizer(BASE_LR)
    with pytest.raises(ValueError) as raised:
        torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, **arguments)
    assert str(raised.value) == message


def test_explicit_epoch_misses_some_restarts_by_floating_point_log():
    # T_0=1, T_mult=3: cycles start at epochs 0, 1, 4, 13, 40, 121, ...
    optimizer = dummy_optimizer(BASE_LR)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=1, T_mult=3)
    optimizer.step()
    scheduler.step(40)
    assert scheduler.get_last_lr() == [BASE_LR]  # this restart is found
    scheduler.step(121)
    assert (scheduler.T_cur, scheduler.T_i) == (81, 81)  # the end of the previous cycle
    assert scheduler.get_last_lr() == [0.0]  # eta_min instead of the restart's BASE_LR
    assert warm_restarts_lr(121, BASE_LR, 0.0, 1, 3) == BASE_LR
    assert drive(t_0=1, t_mult=3, eta_min=0.0, steps=122)[121] == BASE_LR  # plain step() is exact


@pytest.mark.parametrize("t_mult", [1, 2])
def test_explicit_epoch_finds_every_restart_with_t_mult_1_or_2(t_mult):
    optimizer = dummy_optimizer(BASE_LR)
    optimizer.step()
    for t_0 in range(1, 41):
        scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
            optimizer, T_0=t_0, T_mult=t_mult
        )
        for restart in range(1, 21):
            scheduler.step(t_0 * restart if t_mult == 1 else t_0 * (2**restart - 1))
            assert scheduler.T_cur == 0, (t_0, restart)


def test_t_0_of_1_keeps_the_lr_at_lr_only_with_t_mult_1():
    assert drive(t_0=1, t_mult=1, eta_min=0.0, steps=8) == [BASE_LR] * 8
    lrs = drive(t_0=1, t_mult=2, eta_min=0.0, steps=8)  # cycles of 1, 2, 4 steps
    assert [round(lr, 4) for lr in lrs] == [0.1, 0.1, 0.05, 0.1, 0.0854, 0.05, 0.0146, 0.1]


@pytest.mark.parametrize(("t_0", "t_mult"), [(5, 2), (3, 3), (4, 1), (1, 10)])
def test_plain_step_never_reaches_t_cur_equal_to_t_i(t_0, t_mult):
    scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        dummy_optimizer(BASE_LR), T_0=t_0, T_mult=t_mult
    )
    for _ in range(400):
        scheduler.optimizer.step()
        scheduler.step()
        assert 0 <= scheduler.T_cur < scheduler.T_i


def test_a_whole_number_step_epoch_can_land_on_t_cur_equal_to_t_i_and_use_eta_min():
    optimizer = dummy_optimizer(BASE_LR)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        optimizer, T_0=1, T_mult=3, eta_min=ETA_MIN
    )
    optimizer.step()
    scheduler.step(121)  # a restart epoch
    assert scheduler.T_cur == scheduler.T_i == 81
    assert scheduler.get_last_lr() == [pytest.approx(ETA_MIN, rel=1e-12)]


def test_each_cycle_starts_at_the_lr_exactly_with_eta_min_0_else_up_to_rounding():
    off, ulps_above_lr, ulps_below_0 = [], [], []
    for base_lr in (0.1, 0.3, 0.7, 3e-4, 0.05, 1.0, 0.123):
        for eta_min in (0.0, 0.001, 0.01, 1e-5, 0.02, 0.033, -1.0, -0.5):
            optimizer = dummy_optimizer(base_lr)
            scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
                optimizer, T_0=3, eta_min=eta_min
            )
            starts = lrs_used(scheduler, 7)[::3]  # epochs 0, 3 and 6
            if eta_min == 0.0:
                assert starts == [base_lr] * 3
            ulps = max(abs(lr - base_lr) for lr in starts) / math.ulp(base_lr)
            if 0 <= eta_min <= base_lr:
                assert ulps <= 1  # at most one unit in the last place
            elif eta_min > base_lr:
                ulps_above_lr.append(ulps)
            else:
                ulps_below_0.append(ulps)
            off += [(base_lr, eta_min)] if starts != [base_lr] * 3 else []
    assert (0.3, 0.033) in off  # the page's run: 0.30000000000000004
    assert max(ulps_above_lr) > 1  # "and more when eta_min is above eta_0"
    assert max(ulps_below_0) > 1  # "or below 0"
