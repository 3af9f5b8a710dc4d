"""docs/guides/warm-up-then-decay.md: three spellings of one schedule, and the junction pitfalls."""

import math

import pytest
import torch
from schedules import dummy_optimizer, lrs_used
from torch.optim.lr_scheduler import (
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingLR,
    CyclicLR,
    LambdaLR,
    LinearLR,
    SequentialLR,
)

LR, START, WARMUP, TOTAL = 0.1, 0.01, 24, 160


def sequential(milestone=WARMUP):
    optimizer = dummy_optimizer(LR)
    return SequentialLR(
        optimizer,
        [
            LinearLR(optimizer, start_factor=START, total_iters=WARMUP),
            CosineAnnealingLR(optimizer, T_max=TOTAL - WARMUP),
        ],
        milestones=[milestone],
    )


def chained(t_max):
    optimizer = dummy_optimizer(LR)
    return ChainedScheduler(
        [
            LinearLR(optimizer, start_factor=START, total_iters=WARMUP),
            CosineAnnealingLR(optimizer, T_max=t_max),
        ]
    )


def warmup_then_cosine(step):  # the page's f(t)
    if step < WARMUP:
        return START + (1 - START) * step / WARMUP
    return (1 + math.cos(math.pi * (step - WARMUP) / (TOTAL - WARMUP))) / 2


def warmup_times_cosine(step, t_max=TOTAL):
    warmup = START + (1 - START) * min(step, WARMUP) / WARMUP
    return warmup * (1 + math.cos(math.pi * step / t_max)) / 2


def lambda_lr(factor):
    return LambdaLR(dummy_optimizer(LR), factor)


def test_sequential_lr_equals_its_lambda_lr_at_every_step():
    expected = [LR * warmup_then_cosine(step) for step in range(TOTAL)]
    assert lrs_used(sequential(), TOTAL) == pytest.approx(expected, rel=1e-12, abs=0)
    assert lrs_used(lambda_lr(warmup_then_cosine), TOTAL) == pytest.approx(
        lrs_used(sequential(), TOTAL), rel=1e-12, abs=0
    )


def test_the_warm_up_end_value_is_never_used_the_cosine_starts_at_the_same_peak():
    scheduler = sequential()
    used = lrs_used(scheduler, TOTAL)
    assert used[WARMUP] == pytest.approx(LR, rel=1e-12)
    assert max(used) == used[WARMUP]
    warmup = scheduler._schedulers[0]
    assert warmup.last_epoch == WARMUP - 1  # frozen one step before the milestone


def test_chained_scheduler_multiplies_and_equals_the_lambda_lr_of_the_product():
    expected = [LR * warmup_times_cosine(step) for step in range(TOTAL)]
    assert lrs_used(chained(TOTAL), TOTAL) == pytest.approx(expected, rel=1e-12, abs=0)
    assert lrs_used(lambda_lr(warmup_times_cosine), TOTAL) == pytest.approx(
        lrs_used(chained(TOTAL), TOTAL), rel=1e-12, abs=0
    )


def test_chained_peak_is_about_five_percent_low():
    used = lrs_used(chained(TOTAL), TOTAL)
    assert (
        max(used)
        == used[WARMUP]
        == pytest.approx(LR * (1 + math.cos(math.pi * 24 / 160)) / 2, rel=1e-12)
    )
    assert round(max(used), 4) == 0.0946
    assert 1 - max(used) / LR == pytest.approx(0.05, abs=0.005)


def test_chained_with_t_max_136_hits_zero_at_136_and_rises():
    used = lrs_used(chained(TOTAL - WARMUP), TOTAL)
    expected = [LR * warmup_times_cosine(step, TOTAL - WARMUP) for step in range(TOTAL)]
    assert used == pytest.approx(expected, rel=1e-12, abs=1e-18)
    assert used[136] == 0.0
    assert all(used[step] < used[step + 1] for step in range(136, TOTAL - 1))
    assert round(max(used), 4) == 0.0925 and used.index(max(used)) == WARMUP


def test_milestone_12_cuts_the_warm_up_and_ends_the_cosine_at_148():
    used = lrs_used(sequential(12), TOTAL)
    assert round(used[11], 4) == 0.0464 and used[11] < LR / 2
    assert used[12] == pytest.approx(LR, rel=1e-12)
    assert min(used[12:]) == used[148] == pytest.approx(0.0, abs=1e-18)
    assert used[159] > used[150]


def test_milestone_36_holds_the_peak_then_does_not_finish():
    used = lrs_used(sequential(36), TOTAL)
    assert used[24:37] == pytest.approx([LR] * 13, rel=1e-12)
    assert used[23] < LR and used[37] < LR
    assert used[159] == pytest.approx(LR * (1 + math.cos(math.pi * 123 / 136)) / 2, rel=1e-12)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_linear_lr_refuses_start_factor_zero():
    with pytest.raises(ValueError) as raised:
        LinearLR(dummy_optimizer(LR), start_factor=0, total_iters=WARMUP)
    assert str(raised.value) == (
        "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."
    )


def test_lambda_lr_may_start_at_zero_and_that_step_moves_nothing():
    weight = torch.ones(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=LR, momentum=0.9)
    scheduler = LambdaLR(optimizer, lambda step: min(1.0, step / WARMUP))
    assert scheduler.get_last_lr() == [0.0]
    weight.grad = torch.ones(1)
    optimizer.step()
    assert weight.item() == 1.0
    shifted = LambdaLR(dummy_optimizer(LR), lambda step: min(1.0, (step + 1) / WARMUP))
    assert shifted.get_last_lr()[0] > 0


def warmup_used(per_batch: bool) -> list[list[float]]:
    optimizer = dummy_optimizer(LR)
    scheduler = LinearLR(optimizer, start_factor=START, total_iters=3 * 8 if per_batch else 3)
    epochs = []
    for _ in range(4):
        used = []
        for _ in range(8):
            used.append(scheduler.get_last_lr()[0])
            optimizer.step()
            if per_batch:
                scheduler.step()
        if not per_batch:
            scheduler.step()
        epochs.append(used)
    return epochs


def test_per_epoch_warm_up_is_a_staircase_of_three_jumps_of_0_033():
    epochs = warmup_used(per_batch=False)
    values = [LR * (START + (1 - START) * epoch / 3) for epoch in range(4)]
    assert [len(set(used)) for used in epochs] == [1, 1, 1, 1]
    assert [used[0] for used in epochs] == pytest.approx(values, rel=1e-12)
    assert values[1] - values[0] == pytest.approx(0.033, rel=1e-12)


def test_per_batch_warm_up_rises_by_0_0041_at_each_of_24_steps():
    flat = [lr for used in warmup_used(per_batch=True) for lr in used]
    expected = [LR * (START + (1 - START) * min(step, 24) / 24) for step in range(32)]
    assert flat == pytest.approx(expected, rel=1e-12)
    assert len(set(round(lr, 12) for lr in flat[:24])) == 24
    assert flat[1] - flat[0] == pytest.approx(0.1 * 0.99 / 24, rel=1e-12)
    assert round(flat[1] - flat[0], 4) == 0.0041


def test_torch_has_no_warm_up_class():
    assert [name for name in torch.optim.lr_scheduler.__all__ if "warm" in name.lower()] == [
        "CosineAnnealingWarmRestarts"  # restarts, no warm-up
    ]


def test_sequential_lr_state_names_its_phases_and_their_parameters():
    state = sequential().state_dict()
    warmup, decay = state["_schedulers"]
    assert (warmup["start_factor"], warmup["total_iters"]) == (START, WARMUP)
    assert decay["T_max"] == TOTAL - WARMUP
    assert state["_milestones"] == [WARMUP]
    assert lambda_lr(warmup_then_cosine).state_dict()["lr_lambdas"] == [None]


@pytest.mark.parametrize("name", ["Adam", "AdamW", "Adamax", "NAdam", "RAdam"])
def test_the_adam_rule_asks_for_2000_steps_with_torchs_default_beta2(name):
    optimizer = getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)])
    beta2 = optimizer.defaults["betas"][1]
    assert beta2 == 0.999
    assert round(2 / (1 - beta2)) == 2000  # Ma and Yarats' linear warm-up length, in steps
    assert round(2 / (1 - beta2)) / (3 * 1000) == pytest.approx(2 / 3, rel=1e-3)


# --- claims narrowed after the review of issue 12 -----------------------------------------


def test_chained_scheduler_is_not_the_sequential_schedule():
    chained_lrs = lrs_used(chained(TOTAL), TOTAL)
    sequential_lrs = lrs_used(sequential(), TOTAL)
    differ = [t for t in range(TOTAL) if chained_lrs[t] != pytest.approx(sequential_lrs[t])]
    assert len(differ) == TOTAL - 1 and differ[0] == 1  # only step 0 (0.001) agrees


def test_chained_equals_the_product_of_factors_only_with_eta_min_0():
    eta_min = 0.01

    def product(step):  # the warm-up's factor times the cosine's value over lr
        warm = START + (1 - START) * min(step, WARMUP) / WARMUP
        cosine = eta_min + (LR - eta_min) * (1 + math.cos(math.pi * step / TOTAL)) / 2
        return warm * cosine / LR

    optimizer = dummy_optimizer(LR)
    chained_lrs = lrs_used(
        ChainedScheduler(
            [
                LinearLR(optimizer, start_factor=START, total_iters=WARMUP),
                CosineAnnealingLR(optimizer, T_max=TOTAL, eta_min=eta_min),
            ]
        ),
        TOTAL,
    )
    product_lrs = lrs_used(lambda_lr(product), TOTAL)
    assert chained_lrs[0] == pytest.approx(product_lrs[0], rel=1e-12)
    assert chained_lrs[24] == pytest.approx(0.095524, abs=5e-7)
    assert product_lrs[24] == pytest.approx(0.095095, abs=5e-7)
    assert all(c >= p - 1e-15 for c, p in zip(chained_lrs, product_lrs))  # drifts above
    assert sum(c > p * (1 + 1e-6) for c, p in zip(chained_lrs, product_lrs)) > TOTAL // 2


def ramp_from_zero(first, eta_min=0.0, decay_built_first=False):
    """SequentialLR of a from-zero warm-up (``first``) then CosineAnnealingLR(T_max=6)."""
    optimizer = dummy_optimizer(LR)
    if decay_built_first:
        cosine = CosineAnnealingLR(optimizer, T_max=6, eta_min=eta_min)
    warmups = {
        "ConstantLR": lambda: [
            ConstantLR(optimizer, factor=0.0, total_iters=1),
            LinearLR(optimizer, start_factor=0.25, total_iters=3),
        ],
        "CyclicLR": lambda: [
            CyclicLR(optimizer, base_lr=0.0, max_lr=LR, step_size_up=4, cycle_momentum=False)
        ],
    }
    phases = warmups[first]()
    if not decay_built_first:
        cosine = CosineAnnealingLR(optimizer, T_max=6, eta_min=eta_min)
    milestones = [1, 4] if first == "ConstantLR" else [4]
    return lrs_used(SequentialLR(optimizer, [*phases, cosine], milestones=milestones), 10)


def test_a_warm_up_from_exactly_zero_with_constant_lr_in_sequential_lr():
    used = ramp_from_zero("ConstantLR")
    assert used[:5] == pytest.approx([0.0, 0.025, 0.05, 0.075, 0.1], rel=1e-12, abs=0)
    assert used[0] == 0.0 and used[4:] == sorted(used[4:], reverse=True)
    optimizer = dummy_optimizer(LR)
    alone = ConstantLR(optimizer, factor=0.0, total_iters=1)
    with pytest.raises(ZeroDivisionError):
        lrs_used(alone, 2)


def test_cyclic_lr_ramps_from_exactly_zero_but_writes_zero_into_initial_lr():
    used = ramp_from_zero("CyclicLR")  # the cosine is built after CyclicLR
    assert used[:4] == pytest.approx([0.0, 0.025, 0.05, 0.075], rel=1e-12, abs=0)
    assert used[4:] == [0.0] * 6  # the cosine's base rate is CyclicLR's initial_lr, 0


def test_a_decay_built_after_cyclic_lr_starts_from_0_and_one_built_before_it_decays_from_the_peak():
    # eta_min > 0: the cosine built after CyclicLR starts at 0 and climbs toward eta_min.
    climbing = ramp_from_zero("CyclicLR", eta_min=0.001)
    assert climbing[4] == 0.0
    assert climbing[4:] == sorted(climbing[4:]) and len(set(climbing[4:])) == 6
    assert 0 < climbing[-1] < 0.001
    # Built before CyclicLR, the cosine keeps the optimizer's 0.1 as its base rate: the same
    # schedule as the ConstantLR-then-LinearLR ramp from zero.
    built_first = ramp_from_zero("CyclicLR", decay_built_first=True)
    assert built_first == pytest.approx(ramp_from_zero("ConstantLR"), rel=1e-12, abs=1e-18)
    assert built_first[0] == 0.0 and built_first[4] == pytest.approx(LR, rel=1e-12)
