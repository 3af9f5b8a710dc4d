"""snippets/seed_example_fixed_one_cycle.py: OneCycleLR sized by the loader, stepped per batch."""

import math

import pytest
import torch

MAX_LR, DIV_FACTOR, FINAL_DIV_FACTOR, PCT_START = 0.2, 25.0, 1e4, 0.3


def anneal(start, end, fraction):
    return end + (start - end) / 2 * (1 + math.cos(math.pi * fraction))


def one_cycle(step, total):
    initial = MAX_LR / DIV_FACTOR
    peak = PCT_START * total - 1
    if step <= peak:
        return anneal(initial, MAX_LR, step / peak)
    return anneal(MAX_LR, initial / FINAL_DIV_FACTOR, (step - peak) / (total - 1 - peak))


def test_total_steps_match_the_loader_and_the_loop(snippet):
    run = snippet("seed_example_fixed_one_cycle")
    assert type(run.scheduler) is torch.optim.lr_scheduler.OneCycleLR
    assert len(run.namespace["loader"]) == 16
    assert run.scheduler.total_steps == run.epochs * 16 == len(run.lrs) == 160
    assert run.steps_per_epoch == 16


def test_lrs_follow_the_one_cycle_formula(snippet):
    run = snippet("seed_example_fixed_one_cycle")
    expected = [one_cycle(step, 160) for step in range(160)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert run.lrs[0] == pytest.approx(0.008, rel=1e-12)
    assert run.lrs.index(max(run.lrs)) == 47  # 30 % of 160 steps, counted from 0


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_exactly_used_up_one_more_step_raises(snippet):
    scheduler = snippet("seed_example_fixed_one_cycle").scheduler
    state = scheduler.state_dict()
    with pytest.raises(ValueError) as raised:
        scheduler.step()
    scheduler.load_state_dict(state)
    assert (
        str(raised.value) == "Tried to step 161 times. The specified number of total steps is 160"
    )


def test_optimizer_is_its_own(snippet):
    run = snippet("seed_example_fixed_one_cycle")
    group = run.scheduler.optimizer.param_groups[0]
    assert "initial_lr" in group and group["max_lr"] == MAX_LR
    assert 0.2 < run.namespace["val_loss"] < 0.3  # reached the noise floor
