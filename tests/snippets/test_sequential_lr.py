"""snippets/sequential_lr.py: a linear warm-up, then a cosine that starts at its own step 0."""

import math

import pytest
import torch
from schedules import dummy_optimizer, lrs_used, record_each_step
from torch.optim.lr_scheduler import (
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    ExponentialLR,
    LinearLR,
    MultiplicativeLR,
    OneCycleLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)

# The snippet's schedule, restated.
LR = 0.1
EPOCHS = 40
WARMUP = 5  # LinearLR's total_iters and the milestone
START_FACTOR = 0.1
T_MAX = EPOCHS - WARMUP
ETA_MIN = 0.0  # documented default


def linear(base_lr, start_factor, end_factor, total_iters):
    # Only ever used before its milestone, which is at or before total_iters.
    return lambda step: base_lr * (start_factor + (end_factor - start_factor) * step / total_iters)


def cosine(base_lr, t_max, eta_min=0.0):
    return lambda step: eta_min + (base_lr - eta_min) / 2 * (1 + math.cos(math.pi * step / t_max))


def exponential(base_lr, gamma):
    return lambda step: base_lr * gamma**step


def sequential_lr(step, milestones, schedules):
    """The page's formula: the active schedule, at its own step counted from its milestone."""
    active = sum(1 for milestone in milestones if milestone <= step)
    start = ([0] + list(milestones))[active]
    return schedules[active](step - start)


def snippet_schedule(step):
    return sequential_lr(
        step, [WARMUP], [linear(LR, START_FACTOR, 1.0, WARMUP), cosine(LR, T_MAX, ETA_MIN)]
    )


def test_snippet_scheduler_has_the_restated_parameters(snippet):
    scheduler = snippet("sequential_lr").scheduler
    assert isinstance(scheduler, SequentialLR)
    assert scheduler._milestones == [WARMUP]
    warmup, cosine_child = scheduler._schedulers
    assert isinstance(warmup, LinearLR) and isinstance(cosine_child, CosineAnnealingLR)
    assert (warmup.start_factor, warmup.end_factor, warmup.total_iters) == (
        START_FACTOR,
        1.0,
        WARMUP,
    )
    assert (cosine_child.T_max, cosine_child.eta_min) == (T_MAX, ETA_MIN)
    assert warmup.base_lrs == cosine_child.base_lrs == [LR]


def test_snippet_lrs_follow_warmup_then_cosine_from_its_own_step_zero(snippet):
    run = snippet("sequential_lr")
    expected = [snippet_schedule(epoch) for epoch in range(run.epochs)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_one_step_per_epoch(snippet):
    run = snippet("sequential_lr")
    assert run.epochs == EPOCHS
    assert len(run.lrs) == run.epochs
    assert run.scheduler.last_epoch == run.epochs


def test_children_count_their_own_steps(snippet):
    run = snippet("sequential_lr")
    warmup, cosine_child = run.scheduler._schedulers
    # The warm-up stopped one step before the milestone; the cosine has run since it.
    assert warmup.last_epoch == WARMUP - 1
    assert cosine_child.last_epoch == run.epochs - WARMUP


def test_warmup_climbs_to_lr_at_the_milestone_and_cosine_ends_near_zero(snippet):
    lrs = snippet("sequential_lr").lrs
    assert lrs[0] == pytest.approx(LR * START_FACTOR, rel=1e-12)
    assert lrs[WARMUP - 1] == pytest.approx(0.082, rel=1e-12)
    assert lrs[WARMUP] == LR  # the cosine's step 0, from the optimizer's initial lr
    assert max(lrs) == LR and lrs.index(LR) == WARMUP
    assert lrs[-1] == pytest.approx(LR / 2 * (1 + math.cos(math.pi * 34 / 35)), rel=1e-12)


def test_each_child_sees_its_own_step_and_restarts_from_the_initial_lr():
    optimizer = dummy_optimizer(LR)
    milestones = [4, 7]
    children = [
        LinearLR(optimizer, start_factor=0.25, total_iters=4),
        ExponentialLR(optimizer, gamma=0.5),
        CosineAnnealingLR(optimizer, T_max=3, eta_min=0.01),
    ]
    scheduler = SequentialLR(optimizer, children, milestones=milestones)

    def lr_and_counters(scheduler):
        return scheduler.get_last_lr()[0], [child.last_epoch for child in children]

    # 16 steps run the cosine past its T_max, where it climbs back up.
    recorded = record_each_step(scheduler, 16, lr_and_counters)
    lrs = [lr for lr, _ in recorded]
    counters = [counter for _, counter in recorded]
    schedules = [linear(LR, 0.25, 1.0, 4), exponential(LR, 0.5), cosine(LR, 3, 0.01)]
    expected = [sequential_lr(step, milestones, schedules) for step in range(16)]
    assert lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert counters[3] == [3, -1, -1]
    assert counters[4] == [3, 0, -1]  # the exponential at its step 0: lr 0.1, not 0.05
    assert counters[7] == [3, 2, 0]
    assert counters[15] == [3, 2, 8]
    assert lrs[4] == LR and lrs[7] == LR


def test_the_same_schedule_twice_starts_over():
    optimizer = dummy_optimizer(LR)
    children = [ExponentialLR(optimizer, gamma=0.5), ExponentialLR(optimizer, gamma=0.5)]
    scheduler = SequentialLR(optimizer, children, milestones=[3])
    assert lrs_used(scheduler, 6) == pytest.approx([0.1, 0.05, 0.025, 0.1, 0.05, 0.025], rel=1e-12)


def test_a_child_without_a_closed_form_continues_from_the_current_lr():
    # MultiplicativeLR has no closed form: at its step 0 it multiplies the LR that ConstantLR
    # left (0.05, not the initial 0.1) by lambda(0).
    optimizer = dummy_optimizer(LR)
    children = [
        ConstantLR(optimizer, factor=0.5, total_iters=10),
        MultiplicativeLR(optimizer, lambda epoch: 0.5),
    ]
    scheduler = SequentialLR(optimizer, children, milestones=[4])
    assert lrs_used(scheduler, 7) == pytest.approx(
        [0.05, 0.05, 0.05, 0.05, 0.025, 0.0125, 0.00625], rel=1e-12
    )


def test_docstring_example_is_right():
    optimizer = dummy_optimizer(0.05)
    scheduler = SequentialLR(
        optimizer,
        [ConstantLR(optimizer, factor=0.1, total_iters=20), ExponentialLR(optimizer, gamma=0.9)],
        milestones=[20],
    )
    lrs = lrs_used(scheduler, 23)
    assert lrs[:20] == pytest.approx([0.005] * 20, rel=1e-12)
    assert lrs[20:] == pytest.approx([0.05, 0.045, 0.0405], rel=1e-12)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_invalid_arguments_raise_these_messages():
    optimizer = dummy_optimizer(LR)
    warmup = LinearLR(optimizer, start_factor=0.1, total_iters=5)
    cosine_child = CosineAnnealingLR(optimizer, T_max=35)
    cases = [
        (
            [],
            [],
            "SequentialLR expects at least one scheduler, but got no scheduler.",
        ),
        (
            [warmup, ReduceLROnPlateau(optimizer)],
            [5],
            "SequentialLR does not support `ReduceLROnPlateau` scheduler as it requires "
            "additional kwargs to be specified when calling `step`, but got one at index 1 "
            "in the given schedulers sequence.",
        ),
        (
            [warmup, cosine_child],
            [5, 20],
            "Sequential Schedulers expects number of schedulers provided to be one more than "
            "the number of milestone points, but got number of schedulers 2 and the number of "
            "milestones to be equal to 2",
        ),
    ]
    for schedulers, milestones, message in cases:
        with pytest.raises(ValueError) as raised:
            SequentialLR(optimizer, schedulers, milestones=milestones)
        assert str(raised.value) == message


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_a_child_on_another_optimizer_is_refused():
    optimizer = dummy_optimizer(LR)
    other = LinearLR(dummy_optimizer(LR), total_iters=5)
    with pytest.raises(ValueError) as raised:
        SequentialLR(optimizer, [LinearLR(optimizer, total_iters=5), other], milestones=[5])
    assert str(raised.value).splitlines()[0] == (
        "SequentialLR expects all schedulers to belong to the same optimizer, but got "
        "scheduler LinearLR at index 1 has SGD ("
    )
    assert str(raised.value).endswith("which is different from SGD.")


def test_unsorted_milestones_are_accepted_and_skip_a_child():
    optimizer = dummy_optimizer(LR)
    children = [
        ConstantLR(optimizer, factor=0.5, total_iters=3),
        ExponentialLR(optimizer, gamma=0.5),
        StepLR(optimizer, step_size=2),
    ]
    scheduler = SequentialLR(optimizer, children, milestones=[6, 3])
    lrs = lrs_used(scheduler, 9)
    # The StepLR takes over at step 3; the ExponentialLR never runs.
    assert lrs == pytest.approx([0.05, 0.05, 0.05, 0.1, 0.1, 0.01, 0.01, 0.001, 0.001], rel=1e-12)
    assert children[1].last_epoch == -1


def test_warmup_shorter_than_its_milestone_jumps_at_the_milestone():
    optimizer = dummy_optimizer(LR)
    warmup = LinearLR(optimizer, start_factor=0.1, total_iters=10)
    cosine_child = CosineAnnealingLR(optimizer, T_max=35)
    scheduler = SequentialLR(optimizer, [warmup, cosine_child], milestones=[5])
    lrs = lrs_used(scheduler, 7)
    expected = [
        sequential_lr(step, [5], [linear(LR, 0.1, 1.0, 10), cosine(LR, 35)]) for step in range(7)
    ]
    assert lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert lrs[4] == pytest.approx(0.046, rel=1e-12)
    assert lrs[5] == LR


def test_t_max_counted_from_epoch_zero_leaves_the_lr_high_at_the_end():
    finals = {}
    for t_max in (T_MAX, EPOCHS):
        optimizer = dummy_optimizer(LR)
        children = [
            LinearLR(optimizer, start_factor=START_FACTOR, total_iters=WARMUP),
            CosineAnnealingLR(optimizer, T_max=t_max),
        ]
        scheduler = SequentialLR(optimizer, children, milestones=[WARMUP])
        lrs = lrs_used(scheduler, EPOCHS)
        schedules = [linear(LR, START_FACTOR, 1.0, WARMUP), cosine(LR, t_max)]
        expected = [sequential_lr(step, [WARMUP], schedules) for step in range(EPOCHS)]
        assert lrs == pytest.approx(expected, rel=1e-12, abs=0)
        finals[t_max] = lrs[-1]
    assert finals[T_MAX] == pytest.approx(0.000201285, rel=1e-5)
    assert finals[EPOCHS] == pytest.approx(0.00544967, rel=1e-5)


@pytest.mark.parametrize("nested", ["ChainedScheduler", "SequentialLR"])
def test_a_nested_chained_or_sequential_child_is_accepted_then_fails_at_its_milestone(nested):
    optimizer = dummy_optimizer(LR)
    warmup = LinearLR(optimizer, start_factor=0.1, total_iters=3)
    if nested == "ChainedScheduler":
        inner = ChainedScheduler(
            [ExponentialLR(optimizer, 0.9), ConstantLR(optimizer, factor=0.5, total_iters=2)]
        )
    else:
        inner = SequentialLR(
            optimizer, [ExponentialLR(optimizer, 0.9), StepLR(optimizer, 2)], milestones=[2]
        )
    scheduler = SequentialLR(optimizer, [warmup, inner], milestones=[3])
    assert lrs_used(scheduler, 2) == pytest.approx([0.01, 0.04], rel=1e-12)
    optimizer.step()
    with pytest.raises(NotImplementedError):
        scheduler.step()  # the milestone


@pytest.mark.parametrize("later", ["CyclicLR", "CosineAnnealingWarmRestarts", "LambdaLR"])
def test_a_later_cyclic_or_warm_restarts_child_runs_as_it_would_alone(later):
    def build(optimizer):
        if later == "CyclicLR":
            return CyclicLR(optimizer, base_lr=0.01, max_lr=0.1, step_size_up=3)
        if later == "CosineAnnealingWarmRestarts":
            return CosineAnnealingWarmRestarts(optimizer, T_0=3, T_mult=2)
        return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 0.9**step)

    alone = lrs_used(build(dummy_optimizer(LR, momentum=0.5)), 12)
    optimizer = dummy_optimizer(LR, momentum=0.5)
    warmup = LinearLR(optimizer, start_factor=0.1, total_iters=4)
    scheduler = SequentialLR(optimizer, [warmup, build(optimizer)], milestones=[4])
    assert lrs_used(scheduler, 16)[4:] == pytest.approx(alone, rel=1e-12)


def test_a_later_one_cycle_child_rewrites_initial_lr_so_the_warm_up_runs_from_it():
    optimizer = dummy_optimizer(LR)
    warmup = LinearLR(optimizer, start_factor=0.1, total_iters=3)
    one_cycle = OneCycleLR(optimizer, max_lr=LR, total_steps=10, cycle_momentum=False)
    scheduler = SequentialLR(optimizer, [warmup, one_cycle], milestones=[3])
    assert optimizer.param_groups[0]["initial_lr"] == pytest.approx(LR / 25)  # div_factor
    # the warm-up runs from 0.1 * 0.004 to 0.7 * 0.004, not from 0.1 * LR to 0.7 * LR
    assert lrs_used(scheduler, 3) == pytest.approx([0.0004, 0.0016, 0.0028], rel=1e-9)


def test_children_created_before_a_one_cycle_child_keep_the_optimizers_lr_as_their_base():
    # The first child starts from the rewritten initial_lr (SequentialLR resets lr to it);
    # the cosine, created before the OneCycleLR, computes from its base_lrs: the lr 0.1.
    optimizer = dummy_optimizer(0.1)
    warmup = LinearLR(optimizer, start_factor=0.1, total_iters=3)
    cosine = CosineAnnealingLR(optimizer, T_max=4)
    one_cycle = OneCycleLR(optimizer, max_lr=1.0, total_steps=10, cycle_momentum=False)
    scheduler = SequentialLR(optimizer, [warmup, cosine, one_cycle], milestones=[3, 7])
    assert (warmup.base_lrs, cosine.base_lrs) == ([0.1], [0.1])
    cosine_alone = [0.05 * (1 + math.cos(math.pi * t / 4)) for t in range(4)]  # from 0.1
    expected = [0.004, 0.016, 0.028, *cosine_alone]
    assert lrs_used(scheduler, 7) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    "later, momentum",
    [
        (lambda o: CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4), 0.9),
        (lambda o: OneCycleLR(o, max_lr=0.1, total_steps=10), 0.95),
        (lambda o: CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4, cycle_momentum=False), 0),
        (lambda o: OneCycleLR(o, max_lr=0.1, total_steps=10, cycle_momentum=False), 0),
    ],
)
def test_a_later_cycling_child_sets_momentum_for_the_phases_before_it(later, momentum):
    optimizer = dummy_optimizer(LR)  # plain SGD, momentum 0
    warmup = LinearLR(optimizer, start_factor=0.1, total_iters=3)
    scheduler = SequentialLR(optimizer, [warmup, later(optimizer)], milestones=[3])
    used = record_each_step(scheduler, 3, lambda s: s.optimizer.param_groups[0]["momentum"])
    assert used == [momentum] * 3


@pytest.mark.parametrize("cyclic_first", [True, False])
def test_a_cyclic_child_created_first_sets_initial_lr_for_the_phases_after_it(cyclic_first):
    optimizer = dummy_optimizer(LR)
    if cyclic_first:
        cyclic = CyclicLR(optimizer, base_lr=0.01, max_lr=0.05, step_size_up=2)
        decay = ExponentialLR(optimizer, gamma=0.5)
    else:
        decay = ExponentialLR(optimizer, gamma=0.5)
        cyclic = CyclicLR(optimizer, base_lr=0.01, max_lr=0.05, step_size_up=2)
    scheduler = SequentialLR(optimizer, [cyclic, decay], milestones=[3])
    start = 0.01 if cyclic_first else LR  # initial_lr: the CyclicLR's base_lr, or the lr
    assert optimizer.param_groups[0]["initial_lr"] == start
    expected = [0.01, 0.03, 0.05, start, start / 2, start / 4]
    assert lrs_used(scheduler, 6) == pytest.approx(expected, rel=1e-12)
