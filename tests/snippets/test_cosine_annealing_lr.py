"""snippets/cosine_annealing_lr.py: half a cosine from lr to eta_min over T_max epochs."""

import math

import pytest
import torch
from schedules import dummy_optimizer, lrs_used

BASE_LR = 0.1
ETA_MIN = 0.001
T_MAX = 50


def cosine_annealing_lr(step: int, base_lr: float, eta_min: float, t_max: int) -> float:
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * step / t_max)) / 2


def chained_cosine_lrs(steps: int, base_lr: float, eta_min: float, t_max: int) -> list[float]:
    """The page's recursion: each LR from the previous one, with the step after a minimum
    (where the ratio's denominator is zero) adding a fixed amount instead."""
    lrs = [base_lr]
    for t in range(1, steps):
        previous = lrs[-1]
        if (t - 1 - t_max) % (2 * t_max) == 0:
            lrs.append(previous + (base_lr - eta_min) * (1 - math.cos(math.pi / t_max)) / 2)
        else:
            ratio = (1 + math.cos(math.pi * t / t_max)) / (1 + math.cos(math.pi * (t - 1) / t_max))
            lrs.append(eta_min + (previous - eta_min) * ratio)
    return lrs


def drive(t_max: int, eta_min: float, steps: int, base_lr: float = BASE_LR) -> list[float]:
    """The LR of each of `steps` optimizer steps under a real CosineAnnealingLR."""
    optimizer = dummy_optimizer(base_lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=t_max, eta_min=eta_min)
    return lrs_used(scheduler, steps)


def test_lr_follows_half_a_cosine_from_lr_to_eta_min(snippet):
    run = snippet("cosine_annealing_lr")
    scheduler = run.scheduler
    assert isinstance(scheduler, torch.optim.lr_scheduler.CosineAnnealingLR)
    assert (scheduler.T_max, scheduler.eta_min, scheduler.base_lrs) == (T_MAX, ETA_MIN, [BASE_LR])
    expected = [cosine_annealing_lr(t, BASE_LR, ETA_MIN, T_MAX) for t in range(run.epochs)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_runs_exactly_t_max_epochs_one_step_each(snippet):
    run = snippet("cosine_annealing_lr")
    assert run.epochs == T_MAX
    assert len(run.lrs) == run.epochs
    assert run.scheduler.last_epoch == T_MAX


def test_eta_min_is_reached_only_after_the_last_step(snippet):
    run = snippet("cosine_annealing_lr")
    assert run.lrs[0] == BASE_LR
    assert min(run.lrs) > ETA_MIN  # the last epoch trains at t = T_max - 1
    assert run.scheduler.get_last_lr()[0] == pytest.approx(ETA_MIN, rel=1e-12, abs=0)


def test_closed_form_matches_torch_over_three_periods_of_t_max():
    for t_max, eta_min in [(10, 0.0), (10, ETA_MIN), (7, 1e-4), (1, 0.0), (2, 0.01)]:
        steps = 3 * t_max + 1
        expected = [cosine_annealing_lr(t, BASE_LR, eta_min, t_max) for t in range(steps)]
        assert drive(t_max, eta_min, steps) == pytest.approx(expected, rel=1e-12, abs=0)


def test_documented_recursion_reproduces_torch_over_a_hundred_periods():
    # Far from the start the closed form drifts from torch by rounding (1e-12 relative
    # after 100 periods of T_max=37); the recursion gives torch's values bit for bit.
    for t_max, eta_min in [(37, 0.0), (10, ETA_MIN), (1, 0.0)]:
        steps = 200 * t_max + 1
        assert drive(t_max, eta_min, steps) == chained_cosine_lrs(steps, BASE_LR, eta_min, t_max)


def test_lr_climbs_back_after_t_max_with_period_two_t_max():
    lrs = drive(t_max=10, eta_min=ETA_MIN, steps=41)
    assert lrs[10] == pytest.approx(ETA_MIN, rel=1e-12)
    assert lrs[10] < lrs[11] < lrs[15] < lrs[20]  # rising again past T_max
    assert lrs[20] == pytest.approx(BASE_LR, rel=1e-12)  # back at the start after 2 * T_max
    assert lrs[20:] == pytest.approx(lrs[:21], rel=1e-12, abs=0)
    expected = [cosine_annealing_lr(t, BASE_LR, ETA_MIN, 10) for t in range(41)]
    assert lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_eta_min_zero_reaches_exactly_zero():
    lrs = drive(t_max=10, eta_min=0.0, steps=31)
    assert lrs[10] == 0.0 and lrs[30] == 0.0


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_t_max_zero_is_accepted_then_fails_at_the_first_step():
    optimizer = dummy_optimizer(BASE_LR)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=0)
    optimizer.step()
    with pytest.raises(ZeroDivisionError) as raised:
        scheduler.step()
    assert str(raised.value) == "integer modulo by zero"


def test_negative_t_max_silently_acts_like_its_absolute_value():
    assert drive(t_max=-10, eta_min=ETA_MIN, steps=21) == pytest.approx(
        drive(t_max=10, eta_min=ETA_MIN, steps=21), rel=1e-12, abs=0
    )


def test_eta_min_above_lr_turns_the_cosine_upside_down():
    lrs = drive(t_max=10, eta_min=0.5, steps=11)
    expected = [cosine_annealing_lr(t, BASE_LR, 0.5, 10) for t in range(11)]
    assert lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert lrs == sorted(lrs)
