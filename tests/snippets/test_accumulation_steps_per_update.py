"""snippets/accumulation_steps_per_update.py: OneCycleLR sized and stepped in optimizer updates."""

import math

import pytest
import torch
from torch import nn

MAX_LR = 0.1
DIV_FACTOR, FINAL_DIV_FACTOR, PCT_START = 25.0, 1e4, 0.3  # OneCycleLR's defaults


def one_cycle_lr(step: int, total_steps: int) -> float:
    """Cosine one-cycle, written out from the documented formula."""
    initial = MAX_LR / DIV_FACTOR
    final = initial / FINAL_DIV_FACTOR
    warmup_end = PCT_START * total_steps - 1

    def anneal(start, end, fraction):
        return end + (start - end) / 2 * (1 + math.cos(math.pi * fraction))

    if step <= warmup_end:
        return anneal(initial, MAX_LR, step / warmup_end)
    return anneal(MAX_LR, final, (step - warmup_end) / (total_steps - 1 - warmup_end))


def test_four_updates_per_epoch_of_sixteen_micro_batches(snippet):
    run = snippet("accumulation_steps_per_update")
    assert len(run.namespace["loader"]) == 16
    assert run.namespace["accumulation_steps"] == 4
    assert run.epochs == 10
    assert run.steps_per_epoch == 16 // 4
    assert len(run.lrs) == 40


def test_schedule_is_sized_in_updates_and_stepped_once_per_update(snippet):
    run = snippet("accumulation_steps_per_update")
    assert isinstance(run.scheduler, torch.optim.lr_scheduler.OneCycleLR)
    assert run.scheduler.total_steps == 40
    assert run.scheduler.last_epoch == 40  # one scheduler.step() per update, no more
    expected = [one_cycle_lr(step, 40) for step in range(40)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_warm_up_peaks_at_update_11_and_the_cycle_ends_at_4e_7(snippet):
    run = snippet("accumulation_steps_per_update")
    assert run.lrs.index(max(run.lrs)) == 11  # pct_start * 40 - 1
    assert max(run.lrs) == pytest.approx(MAX_LR, rel=1e-12, abs=0)
    assert run.lrs[-1] == pytest.approx(4e-7, rel=1e-12, abs=0)


def test_four_micro_batches_of_loss_over_4_give_the_gradient_of_a_batch_of_64():
    # The page's "effective batch of 64": the summed gradients of (loss / 4) over four
    # micro-batches of 16 equal the gradient of the mean loss over the 64 samples.
    torch.manual_seed(0)
    inputs = torch.randn(64, 8, dtype=torch.float64)
    targets = inputs.sum(dim=1, keepdim=True)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).double()
    loss_fn = nn.MSELoss()

    for start in range(0, 64, 16):
        part = slice(start, start + 16)
        (loss_fn(model(inputs[part]), targets[part]) / 4).backward()
    accumulated = [p.grad.clone() for p in model.parameters()]

    model.zero_grad()
    loss_fn(model(inputs), targets).backward()
    for summed, whole in zip(accumulated, (p.grad for p in model.parameters()), strict=True):
        torch.testing.assert_close(summed, whole, rtol=1e-12, atol=1e-15)
