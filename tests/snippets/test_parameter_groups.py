"""docs/guides/parameter-groups.md: what one scheduler does to several parameter groups."""

import math

import pytest
import torch
from every_scheduler import SCHEDULERS, make, step
from torch import nn
from torch.optim import lr_scheduler


def two_groups(backbone_lr=0.01, head_lr=0.1):
    backbone = torch.zeros(1, requires_grad=True)
    head = torch.zeros(1, requires_grad=True)
    return torch.optim.SGD(
        [{"params": [backbone], "lr": backbone_lr}, {"params": [head], "lr": head_lr}],
        momentum=0.9,
    )


def run(scheduler, steps=30, metric=None):
    """Each group's LR at each step, read before optimizer.step() as a training loop uses it."""
    optimizer = scheduler.optimizer
    rows = []
    for _ in range(steps):
        rows.append(tuple(group["lr"] for group in optimizer.param_groups))
        optimizer.step()
        scheduler.step() if metric is None else scheduler.step(metric)
    return rows


def test_groups_without_an_lr_take_the_default_and_the_scheduler_records_both():
    backbone = torch.zeros(1, requires_grad=True)
    head = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD(
        [{"params": [backbone], "lr": 0.01}, {"params": [head]}], lr=0.1, momentum=0.9
    )
    scheduler = lr_scheduler.CosineAnnealingLR(optimizer, T_max=30)
    assert scheduler.base_lrs == [0.01, 0.1]
    assert [group["initial_lr"] for group in optimizer.param_groups] == [0.01, 0.1]
    rows = run(scheduler)
    for epoch in (0, 10, 20, 29):
        factor = (1 + math.cos(math.pi * epoch / 30)) / 2
        assert rows[epoch] == pytest.approx((0.01 * factor, 0.1 * factor), rel=1e-12, abs=0)
    printed = [f"{rows[e][0]:.6f} {rows[e][1]:.6f}" for e in (0, 10, 20, 29)]
    assert printed == [
        "0.010000 0.100000",
        "0.007500 0.075000",
        "0.002500 0.025000",
        "0.000027 0.000274",
    ]


KEEP_THE_RATIO = {
    "StepLR": lambda opt: lr_scheduler.StepLR(opt, step_size=10),
    "MultiStepLR": lambda opt: lr_scheduler.MultiStepLR(opt, [10, 20]),
    "ConstantLR": lambda opt: lr_scheduler.ConstantLR(opt, factor=0.5),
    "LinearLR": lambda opt: lr_scheduler.LinearLR(opt, start_factor=0.1),
    "ExponentialLR": lambda opt: lr_scheduler.ExponentialLR(opt, gamma=0.9),
    "PolynomialLR": lambda opt: lr_scheduler.PolynomialLR(opt, total_iters=30),
    "LambdaLR": lambda opt: lr_scheduler.LambdaLR(opt, lambda t: 0.95**t),
    "MultiplicativeLR": lambda opt: lr_scheduler.MultiplicativeLR(opt, lambda t: 0.95),
    "CosineAnnealingLR": lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=30),
    "CosineAnnealingWarmRestarts": lambda opt: lr_scheduler.CosineAnnealingWarmRestarts(
        opt, T_0=10
    ),
    "CyclicLR lists": lambda opt: lr_scheduler.CyclicLR(
        opt, base_lr=[0.001, 0.01], max_lr=[0.01, 0.1], step_size_up=5
    ),
    "OneCycleLR list": lambda opt: lr_scheduler.OneCycleLR(opt, max_lr=[0.01, 0.1], total_steps=30),
    "SequentialLR": lambda opt: lr_scheduler.SequentialLR(
        opt,
        [
            lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=5),
            lr_scheduler.ExponentialLR(opt, 0.9),
        ],
        milestones=[5],
    ),
    "ChainedScheduler": lambda opt: lr_scheduler.ChainedScheduler(
        [
            lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=5),
            lr_scheduler.ExponentialLR(opt, 0.9),
        ]
    ),
}


@pytest.mark.parametrize("name", KEEP_THE_RATIO)
def test_multiplicative_schedulers_keep_the_ratio_at_every_step(name):
    rows = run(KEEP_THE_RATIO[name](two_groups()))
    assert [head / backbone for backbone, head in rows] == pytest.approx(
        [10.0] * 30, rel=1e-12, abs=0
    )
    assert len(set(rows)) > 1  # the schedule did move


def test_eta_min_pulls_the_groups_together():
    rows = run(lr_scheduler.CosineAnnealingLR(two_groups(), T_max=30, eta_min=0.001))
    for epoch, (backbone, head) in enumerate(rows):
        factor = (1 + math.cos(math.pi * epoch / 30)) / 2
        assert backbone == pytest.approx(0.001 + 0.009 * factor, rel=1e-12)
        assert head == pytest.approx(0.001 + 0.099 * factor, rel=1e-12)
    ratios = [head / backbone for backbone, head in rows]
    assert f"{min(ratios):.3g} {max(ratios):.3g}" == "1.24 10"


def test_eta_min_changes_the_ratio_from_the_first_step_long_before_any_group_reaches_it():
    """parameter-groups.md, faq.md: eta_min is part of every value, not a clip."""
    rows = run(lr_scheduler.CosineAnnealingLR(two_groups(), T_max=30, eta_min=0.001), steps=30)
    ratios = [head / backbone for backbone, head in rows]
    assert ratios[0] == 10.0
    assert all(later < earlier for earlier, later in zip(ratios, ratios[1:]))  # from step 1 on
    assert [f"{ratios[t]:.3f}" for t in (1, 10, 15)] == ["9.998", "9.710", "9.182"]
    assert min(backbone for backbone, _ in rows) > 0.001  # the floor is never reached


def test_min_lr_is_a_clip_the_ratio_holds_until_a_group_reaches_it():
    """parameter-groups.md, faq.md: min_lr changes a ratio only once a group hits it."""
    rows = run(
        lr_scheduler.ReduceLROnPlateau(two_groups(), factor=0.5, patience=0, min_lr=0.001),
        metric=1.0,
    )
    for backbone, head in rows:
        if backbone > 0.001:
            assert head / backbone == pytest.approx(10.0, rel=1e-12)
        else:
            assert backbone == 0.001 and head / backbone < 10.0
    # the first metric is an improvement, then every step cuts: 0.01 ... 0.00125, then 0.001
    assert sum(backbone > 0.001 for backbone, _ in rows) == 5


@pytest.mark.parametrize(
    "create",
    [
        lambda opt: lr_scheduler.CyclicLR(opt, base_lr=0.001, max_lr=0.1, step_size_up=5),
        lambda opt: lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=30),
    ],
    ids=["CyclicLR", "OneCycleLR"],
)
def test_a_single_value_gives_every_group_the_same_lr(create):
    rows = run(create(two_groups()))
    assert all(backbone == head for backbone, head in rows)


def test_a_single_min_lr_floors_the_backbone_first():
    rows = run(
        lr_scheduler.ReduceLROnPlateau(two_groups(), factor=0.5, patience=0, min_lr=0.001),
        metric=1.0,
    )
    ratios = [head / backbone for backbone, head in rows]
    assert ratios[0] == pytest.approx(10) and ratios[-1] == pytest.approx(1)
    assert rows[-1] == pytest.approx((0.001, 0.001))
    rows = run(
        lr_scheduler.ReduceLROnPlateau(two_groups(), factor=0.5, patience=0, min_lr=[0.001, 0.01]),
        metric=1.0,
    )
    assert [head / backbone for backbone, head in rows] == pytest.approx([10.0] * 30, rel=1e-12)
    assert rows[-1] == pytest.approx((0.001, 0.01))


@pytest.mark.parametrize(
    "create",
    [
        lambda opt, n: lr_scheduler.CyclicLR(opt, base_lr=[0.001] * n, max_lr=0.1),
        lambda opt, n: lr_scheduler.CyclicLR(opt, base_lr=0.001, max_lr=[0.1] * n),
        lambda opt, n: lr_scheduler.CyclicLR(opt, 0.001, 0.1, base_momentum=[0.8] * n),
        lambda opt, n: lr_scheduler.CyclicLR(opt, 0.001, 0.1, max_momentum=[0.9] * n),
        lambda opt, n: lr_scheduler.OneCycleLR(opt, max_lr=[0.1] * n, total_steps=10),
        lambda opt, n: lr_scheduler.OneCycleLR(opt, 0.1, total_steps=10, base_momentum=[0.85] * n),
        lambda opt, n: lr_scheduler.OneCycleLR(opt, 0.1, total_steps=10, max_momentum=[0.95] * n),
        lambda opt, n: lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0.0] * n),
        lambda opt, n: lr_scheduler.LambdaLR(opt, [lambda t: 1.0] * n),
        lambda opt, n: lr_scheduler.MultiplicativeLR(opt, [lambda t: 1.0] * n),
    ],
)
def test_per_group_arguments_take_one_value_per_group_and_check_the_length(create):
    create(two_groups(), 2)  # one per group: accepted
    with pytest.raises(ValueError):
        create(two_groups(), 3)  # the wrong length fails at creation


@pytest.mark.parametrize(
    "max_lr, peaks", [(0.1, (0.1, 0.1)), ([0.01, 0.1], (0.01, 0.1))], ids=["float", "list"]
)
def test_one_cycle_peaks_at_max_lr_whatever_the_groups_own_lr(max_lr, peaks):
    rows = run(lr_scheduler.OneCycleLR(two_groups(), max_lr=max_lr, total_steps=20), steps=20)
    assert tuple(max(column) for column in zip(*rows)) == pytest.approx(peaks, rel=1e-12)


WARMUP = lambda opt: lr_scheduler.LinearLR(opt, 0.5, total_iters=4)  # noqa: E731


def add_group_later(create):
    head = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([head], lr=0.1, momentum=0.9)
    scheduler = create(optimizer)
    optimizer.add_param_group({"params": [torch.zeros(1, requires_grad=True)], "lr": 0.01})
    assert len(scheduler.base_lrs) == 1  # the new group has no base LR
    for _ in range(4):
        optimizer.step()
        scheduler.step()
    return optimizer.param_groups[1]["lr"]


def test_linear_warm_up_doubles_a_group_added_at_half_strength():
    assert add_group_later(WARMUP) == pytest.approx(0.01 / 0.5, rel=1e-12)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_lambda_lr_and_one_cycle_fail_on_a_group_added_later():
    with pytest.raises(ValueError) as raised:
        add_group_later(lambda opt: lr_scheduler.LambdaLR(opt, lambda t: 0.9**t))
    assert str(raised.value) == "zip() argument 2 is shorter than argument 1"
    with pytest.raises(KeyError) as raised:
        add_group_later(lambda opt: lr_scheduler.OneCycleLR(opt, 0.1, total_steps=10))
    assert raised.value.args == ("initial_lr",)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_sequential_lr_runs_on_with_a_group_added_later_until_its_next_milestone():
    """parameter-groups.md: SequentialLR runs while its current child does, raises at the
    next milestone."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = lr_scheduler.SequentialLR(
        optimizer,
        [
            lr_scheduler.LinearLR(optimizer, start_factor=0.5, total_iters=5),
            lr_scheduler.ExponentialLR(optimizer, 0.9),
        ],
        milestones=[5],
    )
    optimizer.add_param_group({"params": [torch.zeros(1, requires_grad=True)], "lr": 0.01})
    rows = []
    with pytest.raises(ValueError) as raised:
        for _ in range(6):
            optimizer.step()
            scheduler.step()
            rows.append([group["lr"] for group in optimizer.param_groups])
    assert [lr for row in rows for lr in row] == pytest.approx(
        [0.06, 0.012, 0.07, 0.014, 0.08, 0.016, 0.09, 0.018], rel=1e-12
    )
    assert scheduler.last_epoch == 5  # the milestone
    assert str(raised.value) == "zip() argument 2 is shorter than argument 1"


RAISE_AT_THE_NEXT_STEP = {
    "LambdaLR",
    "MultiplicativeLR",
    "CyclicLR",
    "CosineAnnealingWarmRestarts",
    "OneCycleLR",
}


@pytest.mark.parametrize("name", SCHEDULERS)
def test_which_schedulers_raise_at_the_first_step_after_a_group_is_added(name):
    """parameter-groups.md: the five named raise at the next step(); SequentialLR (milestone
    at 3 here) at its milestone; CosineAnnealingLR (T_max=8 here) at step 9; the others run
    on (30 steps here)."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    scheduler = make(name, optimizer)
    optimizer.add_param_group({"params": [torch.zeros(1, requires_grad=True)], "lr": 0.05})
    raised_at = None
    for t in range(1, 31):
        optimizer.step()
        try:
            step(scheduler)
        except (ValueError, KeyError):
            raised_at = t
            break
    expected = 1 if name in RAISE_AT_THE_NEXT_STEP else {"SequentialLR": 3}.get(name)
    if name == "CosineAnnealingLR":
        expected = scheduler.T_max + 1
    assert raised_at == expected


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
@pytest.mark.parametrize(
    "steps_before, raises_at", [(0, 6), (3, 6), (7, 16), (17, 26)]
)  # T_max = 5: step T_max + 1, then every 2 * T_max steps
@pytest.mark.parametrize("chained", [False, True])
def test_cosine_annealing_lr_raises_at_step_t_max_plus_1_after_a_group_is_added(
    steps_before, raises_at, chained
):
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    cosine = lr_scheduler.CosineAnnealingLR(optimizer, T_max=5, eta_min=0.001)
    scheduler = cosine
    if chained:
        scheduler = lr_scheduler.ChainedScheduler(
            [lr_scheduler.LinearLR(optimizer, 0.5, total_iters=3), cosine]
        )
    for t in range(1, 40):
        if t == steps_before + 1:
            optimizer.add_param_group({"params": [torch.zeros(1, requires_grad=True)], "lr": 0.01})
        optimizer.step()
        if t < raises_at:
            scheduler.step()
            continue
        with pytest.raises(ValueError) as raised:
            scheduler.step()
        assert str(raised.value) == "zip() argument 2 is longer than argument 1"
        break


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_a_list_for_eta_min_fails_at_the_first_step_or_when_created():
    optimizer = two_groups()
    scheduler = lr_scheduler.CosineAnnealingLR(
        optimizer, T_max=30, eta_min=[1e-4, 1e-3]
    )  # accepted
    optimizer.step()
    with pytest.raises(
        TypeError, match=r"^unsupported operand type\(s\) for -: 'float' and 'list'$"
    ):
        scheduler.step()
    with pytest.raises(ValueError, match=r"^Expected float or int eta_min, but got \[0\.0001"):
        lr_scheduler.CosineAnnealingWarmRestarts(two_groups(), T_0=30, eta_min=[1e-4, 1e-3])


def train_backbone_and_head(freeze: bool, epochs: int = 3, unfreeze_for: int = 1):
    """The page's three epochs with the backbone's group at LR 0 (frozen or not), then
    ``unfreeze_for`` epochs at its full LR; returns the backbone's first Linear layer."""
    torch.manual_seed(0)
    backbone = nn.Sequential(nn.Linear(8, 8), nn.BatchNorm1d(8))
    head = nn.Linear(8, 1)
    optimizer = torch.optim.AdamW(
        [{"params": backbone.parameters()}, {"params": head.parameters()}], lr=0.01
    )
    scheduler = lr_scheduler.LambdaLR(
        optimizer, [lambda epoch: 0.0 if epoch < epochs else 1.0, lambda epoch: 1.0]
    )
    if freeze:
        backbone.requires_grad_(False)
        backbone.eval()
    for epoch in range(epochs + unfreeze_for):
        if epoch == epochs and freeze:
            backbone.requires_grad_(True)
            backbone.train()
        x, y = torch.randn(16, 8), torch.randn(16, 1)
        loss = nn.functional.mse_loss(head(backbone(x)), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
    return backbone, optimizer


def test_a_group_at_lr_0_fills_adamw_moments_that_the_first_real_update_uses():
    at_zero, optimizer = train_backbone_and_head(freeze=False, unfreeze_for=0)
    state = optimizer.state[at_zero[0].weight]
    assert int(state["step"]) == 3
    assert state["exp_avg"].abs().sum() > 0 and state["exp_avg_sq"].abs().sum() > 0
    # The first update at the full LR differs from that of a really frozen backbone, whose
    # AdamW state starts at that update (the same data is drawn in both runs).
    at_zero, _ = train_backbone_and_head(freeze=False)
    frozen, optimizer = train_backbone_and_head(freeze=True)
    assert int(optimizer.state[frozen[0].weight]["step"]) == 1
    assert not torch.allclose(at_zero[0].weight, frozen[0].weight)


def test_model_train_puts_a_frozen_batchnorm_back_into_training_mode():
    model = nn.Sequential(nn.Linear(8, 8), nn.BatchNorm1d(8))
    model[1].eval()
    model.train()  # as a training loop does at the start of every epoch
    assert model[1].training


@pytest.mark.parametrize("name", sorted(RAISE_AT_THE_NEXT_STEP))
def test_a_chained_scheduler_holding_one_of_the_five_raises_at_the_next_step(name):
    """parameter-groups.md: after add_param_group(), a ChainedScheduler raises at its next
    step() when a child is one of the five that raise alone."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = lr_scheduler.ChainedScheduler(
        [lr_scheduler.ExponentialLR(optimizer, 0.9), make(name, optimizer)]
    )
    optimizer.add_param_group({"params": [torch.zeros(1, requires_grad=True)], "lr": 0.05})
    optimizer.step()
    with pytest.raises((ValueError, KeyError)):
        scheduler.step()


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_reduce_lr_on_plateau_with_a_min_lr_per_group_raises_at_its_next_cut_and_a_scalar_runs_on():
    """parameter-groups.md, reduce-lr-on-plateau.md: ReduceLROnPlateau with one min_lr per
    group raises at its next cut after add_param_group(); with a single min_lr it cuts both
    groups."""
    for min_lr in ([0.0], 0.0):
        optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, patience=0, min_lr=min_lr)
        optimizer.add_param_group({"params": [torch.zeros(1, requires_grad=True)], "lr": 0.05})
        scheduler.step(1.0)  # the best so far: no cut, no error
        if isinstance(min_lr, list):
            with pytest.raises(RuntimeError, match=r"The number of param groups in the `optim"):
                scheduler.step(1.0)
        else:
            scheduler.step(1.0)
            lrs = [group["lr"] for group in optimizer.param_groups]
            assert lrs == pytest.approx([0.01, 0.005])
