"""snippets/cyclic_lr.py: triangles between base_lr and max_lr, halved every cycle."""

import math

import pytest
import torch
from schedules import dummy_optimizer, record_each_step

BASE_LR = 0.001
MAX_LR = 0.1
STEP_SIZE_UP = 16  # 2 epochs of 8 batches
BASE_MOMENTUM = 0.8  # documented defaults
MAX_MOMENTUM = 0.9


def cycle_position(step: int, step_size_up: float, step_size_down: float):
    """The 1-based cycle of `step`, and how far up the triangle it is (0 to 1)."""
    cycle_length = step_size_up + step_size_down
    cycle = math.floor(step / cycle_length) + 1
    into_cycle = step - (cycle - 1) * cycle_length
    if into_cycle <= step_size_up:
        return cycle, into_cycle / step_size_up
    return cycle, (cycle_length - into_cycle) / step_size_down


def amplitude_scale(mode: str, cycle: int, step: int, gamma: float) -> float:
    if mode == "triangular":
        return 1.0
    if mode == "triangular2":
        return 0.5 ** (cycle - 1)
    return gamma**step  # exp_range: steps since the start of training, not of the cycle


def cyclic_lr(step, base_lr, max_lr, up, down=None, mode="triangular", gamma=1.0) -> float:
    cycle, height = cycle_position(step, up, up if down is None else down)
    return base_lr + (max_lr - base_lr) * height * amplitude_scale(mode, cycle, step, gamma)


def cyclic_momentum(step, base_m, max_m, up, down=None, mode="triangular", gamma=1.0) -> float:
    cycle, height = cycle_position(step, up, up if down is None else down)
    return max_m - (max_m - base_m) * height * amplitude_scale(mode, cycle, step, gamma)


def drive(steps: int, optimizer_class=torch.optim.SGD, **arguments):
    """LR and momentum (or beta1) of each of `steps` optimizer steps under a real CyclicLR."""
    sgd_momentum = {"momentum": 0.5} if optimizer_class is torch.optim.SGD else {}
    optimizer = dummy_optimizer(0.5, optimizer_class=optimizer_class, **sgd_momentum)
    scheduler = torch.optim.lr_scheduler.CyclicLR(optimizer, **arguments)

    def lr_and_momentum(scheduler):
        group = scheduler.optimizer.param_groups[0]
        momentum = group["betas"][0] if "betas" in group else group["momentum"]
        return scheduler.get_last_lr()[0], momentum

    recorded = record_each_step(scheduler, steps, lr_and_momentum)
    return [lr for lr, _ in recorded], [momentum for _, momentum in recorded]


def test_lrs_follow_triangles_whose_height_halves_each_cycle(snippet):
    run = snippet("cyclic_lr")
    scheduler = run.scheduler
    assert isinstance(scheduler, torch.optim.lr_scheduler.CyclicLR)
    assert (scheduler.base_lrs, scheduler.max_lrs) == ([BASE_LR], [MAX_LR])
    assert (scheduler.total_size, scheduler.step_ratio) == (2 * STEP_SIZE_UP, 0.5)
    assert scheduler.mode == "triangular2"
    assert scheduler.cycle_momentum and not scheduler.use_beta1
    assert (scheduler.base_momentums, scheduler.max_momentums) == ([BASE_MOMENTUM], [MAX_MOMENTUM])
    expected = [
        cyclic_lr(t, BASE_LR, MAX_LR, STEP_SIZE_UP, mode="triangular2") for t in range(len(run.lrs))
    ]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_one_step_per_batch_three_whole_cycles(snippet):
    run = snippet("cyclic_lr")
    assert len(run.namespace["loader"]) == 8
    assert run.epochs == 12
    assert len(run.lrs) == run.epochs * 8 == 3 * 2 * STEP_SIZE_UP
    assert run.steps_per_epoch == 8


def test_cycles_start_at_base_lr_and_peak_at_half_the_previous_height(snippet):
    run = snippet("cyclic_lr")
    assert run.lrs[0] == run.lrs[32] == run.lrs[64] == BASE_LR
    peaks = [run.lrs[16], run.lrs[48], run.lrs[80]]
    heights = [MAX_LR - BASE_LR, (MAX_LR - BASE_LR) / 2, (MAX_LR - BASE_LR) / 4]
    assert peaks == pytest.approx([BASE_LR + h for h in heights], rel=1e-12, abs=0)
    assert max(run.lrs) == run.lrs[16]


def test_the_optimizer_lr_is_replaced_by_base_lr(snippet):
    run = snippet("cyclic_lr")
    assert run.namespace["optimizer"].defaults["lr"] == 0.01
    assert run.lrs[0] == BASE_LR


@pytest.mark.parametrize(
    ("mode", "gamma", "up", "down"),
    [
        ("triangular", 1.0, 3, 5),  # asymmetric: 3 steps up, 5 down
        ("triangular", 1.0, 4, None),
        ("triangular2", 1.0, 2, 6),
        ("exp_range", 0.95, 4, None),
        ("exp_range", 0.9, 2, 3),
    ],
)
def test_every_mode_follows_the_formula_across_cycle_ends(mode, gamma, up, down):
    steps = 4 * (up + (up if down is None else down)) + 1
    arguments = dict(base_lr=0.01, max_lr=0.1, step_size_up=up, step_size_down=down)
    lrs, momentums = drive(steps, mode=mode, gamma=gamma, **arguments)
    assert lrs == pytest.approx(
        [cyclic_lr(t, 0.01, 0.1, up, down, mode, gamma) for t in range(steps)],
        rel=1e-12,
        abs=0,
    )
    assert momentums == pytest.approx(
        [
            cyclic_momentum(t, BASE_MOMENTUM, MAX_MOMENTUM, up, down, mode, gamma)
            for t in range(steps)
        ],
        rel=1e-12,
        abs=0,
    )


def test_momentum_is_lowest_where_the_lr_peaks():
    lrs, momentums = drive(9, base_lr=0.01, max_lr=0.1, step_size_up=4)
    assert (lrs[0], momentums[0]) == (0.01, MAX_MOMENTUM)
    assert (lrs[4], momentums[4]) == pytest.approx((0.1, BASE_MOMENTUM), rel=1e-12)
    assert (lrs[8], momentums[8]) == (0.01, MAX_MOMENTUM)


def test_exp_range_decays_with_total_steps_not_steps_into_the_cycle():
    lrs, _ = drive(13, base_lr=0.0, max_lr=1.0, step_size_up=2, mode="exp_range", gamma=0.5)
    assert lrs[2] == pytest.approx(0.5**2, rel=1e-12)  # first peak: step 2
    assert lrs[6] == pytest.approx(0.5**6, rel=1e-12)  # second peak: step 6, not 2 into it
    assert lrs[10] == pytest.approx(0.5**10, rel=1e-12)


def test_step_size_down_zero_gives_a_sawtooth():
    lrs, _ = drive(9, base_lr=0.0, max_lr=0.1, step_size_up=4, step_size_down=0)
    expected = [0.0, 0.025, 0.05, 0.075] * 2 + [0.0]
    assert lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert max(lrs) < 0.1  # max_lr itself is never used


def test_adam_beta1_is_replaced_and_cycled():
    optimizer = dummy_optimizer(0.001, optimizer_class=torch.optim.Adam, betas=(0.95, 0.999))
    scheduler = torch.optim.lr_scheduler.CyclicLR(
        optimizer, base_lr=0.001, max_lr=0.01, step_size_up=4
    )
    assert optimizer.param_groups[0]["betas"] == (MAX_MOMENTUM, 0.999)
    for _ in range(4):
        optimizer.step()
        scheduler.step()
    assert optimizer.param_groups[0]["betas"] == pytest.approx((BASE_MOMENTUM, 0.999), rel=1e-12)


def test_exp_range_with_gamma_0_99_is_flat_before_the_first_peak_of_500_steps():
    lrs, _ = drive(501, base_lr=0.001, max_lr=0.1, step_size_up=500, mode="exp_range", gamma=0.99)
    assert lrs[500] == pytest.approx(0.001 + 0.099 * 0.99**500, rel=1e-12)
    assert lrs[500] < 0.00166


def test_plain_sgd_silently_gets_momentum():
    optimizer = dummy_optimizer(0.1)
    assert optimizer.param_groups[0]["momentum"] == 0
    torch.optim.lr_scheduler.CyclicLR(optimizer, base_lr=0.01, max_lr=0.1, step_size_up=4)
    assert optimizer.param_groups[0]["momentum"] == MAX_MOMENTUM


def test_cycle_momentum_false_leaves_momentum_alone():
    optimizer = dummy_optimizer(0.1)
    torch.optim.lr_scheduler.CyclicLR(
        optimizer, base_lr=0.01, max_lr=0.1, step_size_up=4, cycle_momentum=False
    )
    assert optimizer.param_groups[0]["momentum"] == 0


def make(optimizer_class=torch.optim.SGD, **arguments):
    optimizer = dummy_optimizer(0.1, optimizer_class=optimizer_class)
    settings = dict(base_lr=0.01, max_lr=0.1, step_size_up=4) | arguments
    return torch.optim.lr_scheduler.CyclicLR(optimizer, **settings)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
@pytest.mark.parametrize(
    ("optimizer_class", "arguments", "error", "message"),
    [
        (torch.optim.SGD, {"mode": "cosine"}, ValueError, "mode is invalid and scale_fn is None"),
        (
            torch.optim.Adagrad,
            {},
            ValueError,
            "optimizer must support momentum or beta1 with `cycle_momentum` option enabled",
        ),
        (torch.optim.SGD, {"step_size_up": 0}, ZeroDivisionError, "float division by zero"),
        (
            torch.optim.SGD,
            {"max_lr": [0.1, 0.2]},
            ValueError,
            "max_lr must have the same length as optimizer.param_groups. "
            "max_lr has 2 values, param_groups has 1.",
        ),
    ],
)
def test_invalid_arguments_fail_when_created(optimizer_class, arguments, error, message):
    with pytest.raises(error) as raised:
        make(optimizer_class, **arguments)
    assert str(raised.value) == message


def test_adagrad_works_with_cycle_momentum_false():
    scheduler = make(torch.optim.Adagrad, cycle_momentum=False)
    assert scheduler.get_last_lr() == [0.01]


@pytest.mark.parametrize("step_size_up, step_size_down", [(16, -1), (16, -2), (2000, -1), (5, -3)])
def test_a_negative_step_size_down_gives_a_sawtooth_of_step_size_up_plus_step_size_down(
    step_size_up, step_size_down
):
    period = step_size_up + step_size_down
    lrs, _ = drive(
        3 * period + 1,
        base_lr=BASE_LR,
        max_lr=MAX_LR,
        step_size_up=step_size_up,
        step_size_down=step_size_down,
    )
    # each cycle climbs the step_size_up ramp for `period` steps, then drops back to base_lr
    ramp = [BASE_LR + (MAX_LR - BASE_LR) * t / step_size_up for t in range(period)]
    assert lrs == pytest.approx(ramp * 3 + [BASE_LR], rel=1e-9)
    assert max(lrs) < MAX_LR


def test_the_page_cycle_with_step_size_down_minus_1_climbs_15_steps_then_drops():
    lrs, _ = drive(17, base_lr=BASE_LR, max_lr=MAX_LR, step_size_up=STEP_SIZE_UP, step_size_down=-1)
    assert round(max(lrs), 4) == 0.0876 and lrs.index(max(lrs)) == 14
    assert lrs[15] == pytest.approx(BASE_LR, rel=1e-9)


def test_step_size_down_minus_1_with_step_size_up_2_keeps_the_lr_at_base_lr():
    lrs, _ = drive(9, base_lr=BASE_LR, max_lr=MAX_LR, step_size_up=2, step_size_down=-1)
    assert lrs == [BASE_LR] * 9


@pytest.mark.parametrize("step_size_up, step_size_down", [(2, -2), (16, -16), (1, -1)])
def test_a_cycle_of_length_0_divides_by_zero_when_created(step_size_up, step_size_down):
    with pytest.raises(ZeroDivisionError, match="float division by zero"):
        drive(
            1,
            base_lr=BASE_LR,
            max_lr=MAX_LR,
            step_size_up=step_size_up,
            step_size_down=step_size_down,
        )


def test_a_negative_step_size_down_is_refused_only_for_a_sum_of_0():
    # sums below 1 (the cases the row lists beyond the sawtooth), for several step_size_up
    refused = []
    for step_size_up in (1, 2, 2.5, 3, 4, 8):
        for step_size_down in (-k / 2 for k in range(1, 41)):
            if step_size_up + step_size_down >= 1:
                continue
            try:
                drive(
                    12,
                    base_lr=BASE_LR,
                    max_lr=MAX_LR,
                    step_size_up=step_size_up,
                    step_size_down=step_size_down,
                )
            except ZeroDivisionError:
                refused.append(step_size_up + step_size_down)
    assert refused == [0] * 6


@pytest.mark.parametrize(
    "step_size_up, step_size_down, height",
    [(2.5, -2, 0.0), (1, -2, 1 / 2), (2, -3, 1 / 3)],  # sums of 0.5, -1, -1
)
def test_a_step_size_sum_below_1_holds_the_lr_at_a_fixed_share_of_the_height(
    step_size_up, step_size_down, height
):
    lrs, _ = drive(
        9, base_lr=BASE_LR, max_lr=MAX_LR, step_size_up=step_size_up, step_size_down=step_size_down
    )
    assert lrs == pytest.approx([BASE_LR + (MAX_LR - BASE_LR) * height] * 9, rel=1e-12)


def test_with_triangular2_a_sum_of_minus_1_doubles_the_share_until_2_to_the_minus_t_underflows():
    lrs, _ = drive(
        6, base_lr=BASE_LR, max_lr=MAX_LR, step_size_up=1, step_size_down=-2, mode="triangular2"
    )
    shares = [(lr - BASE_LR) / (MAX_LR - BASE_LR) for lr in lrs]
    assert shares == pytest.approx([2**t / 2 for t in range(6)], rel=1e-9)
    underflow = next(t for t in range(1, 2000) if 2.0**-t == 0.0)
    scheduler = make(
        base_lr=BASE_LR,
        max_lr=MAX_LR,
        step_size_up=1,
        step_size_down=-2,
        mode="triangular2",
        cycle_momentum=False,
    )
    for _ in range(underflow - 1):
        scheduler.optimizer.step()
        scheduler.step()
    scheduler.optimizer.step()
    with pytest.raises(ZeroDivisionError, match="float division by zero"):
        scheduler.step()  # step t = underflow
