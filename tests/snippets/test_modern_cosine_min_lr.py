"""snippets/modern_cosine_min_lr.py: warm-up, then a cosine down to a ratio of the peak."""

import math

import pytest
from compositions import assert_same_lrs, cosine
from schedules import dummy_optimizer, lrs_used
from torch.optim.lr_scheduler import ConstantLR, CosineAnnealingLR, LinearLR, SequentialLR

LR, WARMUP, TOTAL, RATIO = 1e-2, 16, 160, 0.1


def formula(step):
    """The page's formula."""
    if step < WARMUP:
        return LR * step / WARMUP
    progress = (step - WARMUP) / (TOTAL - WARMUP)
    return LR * (RATIO + (1 - RATIO) * (1 + math.cos(math.pi * progress)) / 2)


def test_snippet_is_the_composition_and_follows_the_formula(snippet):
    run = snippet("modern_cosine_min_lr")
    assert_same_lrs(run.lrs, lrs_used(cosine(dummy_optimizer(LR), WARMUP, TOTAL, RATIO), TOTAL))
    assert_same_lrs(run.lrs, [formula(step) for step in range(TOTAL)])
    assert [type(c) for c in run.scheduler._schedulers] == [ConstantLR, LinearLR, CosineAnnealingLR]
    assert run.scheduler._schedulers[2].eta_min == pytest.approx(RATIO * LR, rel=1e-15)


def test_snippet_ends_one_step_short_of_the_floor(snippet):
    lrs = snippet("modern_cosine_min_lr").lrs
    floor = RATIO * LR
    last = floor + (LR - floor) / 2 * (1 + math.cos(math.pi * 143 / 144))
    assert lrs[-1] == pytest.approx(last, rel=1e-12)
    assert min(lrs[WARMUP:]) == lrs[-1] > floor


# timm's CosineLRScheduler cannot be imported here (its torchvision import fails beside the CPU
# torch), so it is not run. This is the formula its documentation and source state, written
# out: t is the update count passed to step_update(t) (t_in_epochs=False), cycle_limit=1.
def timm_cosine(t, base_lr, t_initial, lr_min=0.0, warmup_t=0, warmup_lr_init=0.0, prefix=False):
    if t < warmup_t:
        return warmup_lr_init + t * (base_lr - warmup_lr_init) / warmup_t
    if prefix:
        t = t - warmup_t
    if t >= t_initial:  # past the one cycle
        return lr_min
    return lr_min + 0.5 * (base_lr - lr_min) * (1 + math.cos(math.pi * t / t_initial))


@pytest.mark.parametrize(
    "warmup_t, t_initial, lr_min, warmup_lr_init",
    [(16, 144, 1e-3, 1e-4), (5, 35, 0.0, 1e-3), (1, 20, 1e-4, 5e-3), (100, 900, 1e-5, 1e-6)],
)
def test_timm_with_warmup_prefix_is_linear_lr_then_cosine_annealing_lr(
    warmup_t, t_initial, lr_min, warmup_lr_init
):
    optimizer = dummy_optimizer(LR)
    warmup = LinearLR(optimizer, start_factor=warmup_lr_init / LR, total_iters=warmup_t)
    decay = CosineAnnealingLR(optimizer, T_max=t_initial, eta_min=lr_min)
    scheduler = SequentialLR(optimizer, [warmup, decay], milestones=[warmup_t])
    steps = warmup_t + t_initial
    formula = [
        timm_cosine(t, LR, t_initial, lr_min, warmup_t, warmup_lr_init, prefix=True)
        for t in range(steps)
    ]
    assert_same_lrs(lrs_used(scheduler, steps), formula)


def test_timm_without_warmup_prefix_jumps_at_the_end_of_the_warm_up():
    # The cosine counts from update 0, under the warm-up: at warmup_t it is already part way.
    lrs = [timm_cosine(t, LR, 40, 0.0, 10, 1e-4) for t in range(40)]
    assert lrs[9] == pytest.approx(1e-4 + 9 * (LR - 1e-4) / 10, rel=1e-12)
    assert lrs[10] == pytest.approx(LR / 2 * (1 + math.cos(math.pi / 4)), rel=1e-12)
    assert lrs[10] < lrs[9] and max(lrs) < LR  # it drops at the hand-over and never peaks
