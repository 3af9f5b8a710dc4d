"""snippets/modern_cosine_min_lr.py: warm-up, then a cosine down to a ratio of the peak."""

import math

import pytest
from hugging_face import assert_same_lrs, cosine, hf
from schedules import dummy_optimizer, lrs_used
from torch.optim.lr_scheduler import ConstantLR, CosineAnnealingLR, LambdaLR, LinearLR, SequentialLR

LR, WARMUP, TOTAL, RATIO = 1e-2, 16, 160, 0.1


def hf_cosine_min_lr(optimizer, warmup, total, **kwargs):
    return hf.get_cosine_with_min_lr_schedule_with_warmup(optimizer, warmup, total, **kwargs)


def test_snippet_equals_get_cosine_with_min_lr_schedule_with_warmup(snippet):
    run = snippet("modern_cosine_min_lr")
    theirs = lrs_used(
        hf_cosine_min_lr(dummy_optimizer(LR), WARMUP, TOTAL, min_lr_rate=RATIO), TOTAL
    )
    assert_same_lrs(run.lrs, theirs)
    assert [type(c) for c in run.scheduler._schedulers] == [ConstantLR, LinearLR, CosineAnnealingLR]
    assert run.scheduler._schedulers[2].eta_min == pytest.approx(RATIO * LR, rel=1e-15)


def test_snippet_ends_one_step_short_of_the_floor(snippet):
    lrs = snippet("modern_cosine_min_lr").lrs
    floor = RATIO * LR
    last = floor + (LR - floor) / 2 * (1 + math.cos(math.pi * 143 / 144))
    assert lrs[-1] == pytest.approx(last, rel=1e-12)
    assert min(lrs[WARMUP:]) == lrs[-1] > floor


@pytest.mark.parametrize(
    "warmup, total, ratio",
    [(16, 160, 0.1), (0, 40, 0.0), (1, 30, 0.5), (100, 1000, 0.01), (5, 45, 1.0)],
)
def test_composition_equals_transformers(warmup, total, ratio):
    # Compared over the run and 10 steps past it, where both cosines climb again.
    ours = lrs_used(cosine(dummy_optimizer(LR), warmup, total, ratio), total + 10)
    theirs = lrs_used(
        hf_cosine_min_lr(dummy_optimizer(LR), warmup, total, min_lr_rate=ratio), total + 10
    )
    assert_same_lrs(ours, theirs)


@pytest.mark.parametrize("warmup, total", [(16, 160), (0, 40), (1, 30), (100, 1000)])
def test_zero_floor_equals_get_cosine_schedule_with_warmup(warmup, total):
    ours = lrs_used(cosine(dummy_optimizer(LR), warmup, total), total)
    theirs = lrs_used(hf.get_cosine_schedule_with_warmup(dummy_optimizer(LR), warmup, total), total)
    assert_same_lrs(ours, theirs)


def test_a_ratio_is_per_group_but_eta_min_is_one_lr_for_all():
    # Two groups, the second at a tenth of the first: Hugging Face's floor is 10 % of each.
    theirs = hf_cosine_min_lr(dummy_optimizer(LR, LR / 10), 2, 12, min_lr_rate=RATIO)
    eta_min = cosine(dummy_optimizer(LR, LR / 10), 2, 12, RATIO)
    assert lrs_used(theirs, 12, group=1)[-1] == pytest.approx(1.2202456766718093e-4, rel=1e-12)
    # eta_min = 0.1 * 1e-2 is the second group's own LR: its cosine is flat.
    assert lrs_used(eta_min, 12, group=1)[2:] == pytest.approx([LR / 10] * 10, rel=1e-12)


def test_min_lr_is_turned_into_a_ratio_of_the_optimizer_default_lr():
    # min_lr=1e-3 with defaults lr 1e-2 is a ratio of 0.1 for every group, whatever its LR.
    optimizer = dummy_optimizer(LR, LR / 10, lr=LR)
    by_lr = lrs_used(hf_cosine_min_lr(optimizer, 2, 12, min_lr=1e-3), 12, group=1)
    by_ratio = lrs_used(
        hf_cosine_min_lr(dummy_optimizer(LR, LR / 10, lr=LR), 2, 12, min_lr_rate=0.1), 12, group=1
    )
    assert by_lr == by_ratio


def test_one_lambda_lr_keeps_the_ratio_in_every_group():
    def factor(step, warmup=2, total=12):
        if step < warmup:
            return step / warmup
        progress = (step - warmup) / (total - warmup)
        return RATIO + (1 - RATIO) * 0.5 * (1 + math.cos(math.pi * progress))

    for group in (0, 1):
        ours = lrs_used(LambdaLR(dummy_optimizer(LR, LR / 10), factor), 12, group=group)
        theirs = hf_cosine_min_lr(dummy_optimizer(LR, LR / 10), 2, 12, min_lr_rate=RATIO)
        assert_same_lrs(ours, lrs_used(theirs, 12, group=group))


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
