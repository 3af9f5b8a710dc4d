"""docs/guides/schedules-from-the-papers.md: the numbers of the checked blocks and the claims
about PyTorch's defaults (the snippets' own tests check the figures)."""

import math

import pytest
import torch
from test_paper_clr_triangular2 import clr
from test_paper_goyal_warmup import goyal
from test_paper_one_cycle import PAPER_ONE_CYCLE, one_cycle_three_phase


def cifar_resnet_lrs(milestones, steps):
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1, momentum=0.9, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=milestones, gamma=0.1)
    optimizer.step()  # once: the scheduler only checks the order of the first step
    lrs = []
    for _ in range(steps):
        lrs.append(scheduler.get_last_lr()[0])
        scheduler.step()
    return lrs


def test_cifar_resnet_per_iteration_and_per_1000_iterations_give_the_same_lrs():
    per_iteration = cifar_resnet_lrs([32000, 48000], 64000)
    per_thousand = cifar_resnet_lrs([32, 48], 64)
    assert per_iteration == [per_thousand[i // 1000] for i in range(64000)]
    changes = [i for i in range(1, 64000) if per_iteration[i] != per_iteration[i - 1]]
    assert changes == [32000, 48000]
    assert per_thousand[31:33] == pytest.approx([0.1, 0.01], rel=1e-12)
    assert per_thousand[47:49] == pytest.approx([0.01, 0.001], rel=1e-12)


def test_cifar_milestones_fall_inside_an_epoch_of_391_iterations():
    iterations_per_epoch = math.ceil(50000 / 128)
    assert iterations_per_epoch == 391
    assert [f"{i / iterations_per_epoch:.1f}" for i in (32000, 48000, 63999)] == [
        "81.8",
        "122.8",
        "163.7",
    ]
    assert all(i % iterations_per_epoch for i in (32000, 48000))


def test_resnet_110_constant_warm_up_is_0_01_for_400_iterations_then_the_step_decay():
    from torch.optim.lr_scheduler import ChainedScheduler, ConstantLR, MultiStepLR

    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1, momentum=0.9, weight_decay=1e-4)
    scheduler = ChainedScheduler(
        [
            ConstantLR(optimizer, factor=0.1, total_iters=400),
            MultiStepLR(optimizer, milestones=[32000, 48000], gamma=0.1),
        ]
    )
    lrs = []
    for _ in range(64000):
        lrs.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
    changes = [i for i in range(1, 64000) if lrs[i] != pytest.approx(lrs[i - 1], rel=1e-9)]
    assert changes == [400, 32000, 48000]  # one jump up, then the two divisions
    assert [lrs[i] for i in (0, 400, 32000, 48000)] == pytest.approx(
        [0.01, 0.1, 0.01, 0.001], rel=1e-12
    )


@pytest.mark.parametrize("mode", ["triangular", "triangular2"])
def test_clr_with_the_papers_step_size_of_2000(mode):
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.001, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.CyclicLR(
        optimizer, base_lr=0.001, max_lr=0.006, step_size_up=2000, mode=mode, cycle_momentum=False
    )
    optimizer.step()
    lrs = []
    for _ in range(12001):
        lrs.append(scheduler.get_last_lr()[0])
        scheduler.step()
    assert lrs == pytest.approx([clr(i, 2000, mode) for i in range(12001)], rel=1e-12, abs=0)
    peaks = [lrs[i] for i in (2000, 6000, 10000)]
    heights = [0.006, 0.006, 0.006] if mode == "triangular" else [0.006, 0.0035, 0.00225]
    assert peaks == pytest.approx(heights, rel=1e-12)


def test_cyclic_lr_cycles_momentum_unless_told_not_to():
    for cycle_momentum, momentum_at_peak in ((True, 0.8), (False, 0.9)):
        weight = torch.zeros(1, requires_grad=True)
        optimizer = torch.optim.SGD([weight], lr=0.001, momentum=0.9)
        scheduler = torch.optim.lr_scheduler.CyclicLR(
            optimizer, base_lr=0.001, max_lr=0.006, step_size_up=4, cycle_momentum=cycle_momentum
        )
        for _ in range(4):
            optimizer.step()
            scheduler.step()
        assert optimizer.param_groups[0]["momentum"] == pytest.approx(momentum_at_peak)


def test_one_cycle_block_values():
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, **PAPER_ONE_CYCLE)
    rows = {}
    for step in range(80):
        group = optimizer.param_groups[0]
        rows[step] = (group["lr"], group["momentum"])
        optimizer.step()
        scheduler.step()
    for step, values in {
        0: (0.1, 0.95),
        35: (3.0, 0.85),
        70: (0.1, 0.95),
        79: (1e-5, 0.95),
    }.items():
        assert rows[step] == pytest.approx(values, rel=1e-12)
        assert one_cycle_three_phase(step) == pytest.approx(values, rel=1e-12)


def test_one_cycle_defaults_are_two_cosine_phases_not_the_papers_three_lines():
    def cosine(start, end, x):
        return end + (start - end) / 2 * (1 + math.cos(math.pi * x))

    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=3.0, total_steps=100)
    lrs = []
    for _ in range(100):
        lrs.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
    initial, final, peak = 3.0 / 25, 3.0 / 25 / 1e4, 29  # defaults: div 25, final 1e4, pct 0.3
    expected = [
        cosine(initial, 3.0, t / peak)
        if t <= peak
        else cosine(3.0, final, (t - peak) / (99 - peak))
        for t in range(100)
    ]
    assert lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert all(a > b for a, b in zip(lrs[peak:], lrs[peak + 1 :]))  # no return to the start


def test_goyal_block_values():
    k, iters = 8, 2
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=k * 0.1, momentum=0.9, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.ChainedScheduler(
        [
            torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=1 / k, total_iters=5 * iters),
            torch.optim.lr_scheduler.MultiStepLR(
                optimizer, milestones=[30 * iters, 60 * iters, 80 * iters]
            ),
        ]
    )
    for iteration in range(90 * iters):
        assert scheduler.get_last_lr()[0] == pytest.approx(goyal(iteration), rel=1e-12)
        optimizer.step()
        scheduler.step()
    assert goyal(1) - goyal(0) == pytest.approx(
        goyal(2) - goyal(1), rel=1e-12
    )  # constant increment
