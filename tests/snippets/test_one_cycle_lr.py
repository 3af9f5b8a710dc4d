"""snippets/one_cycle_lr.py: a per-batch cosine cycle of exactly total_steps steps."""

import math

import pytest
import torch
from schedules import dummy_optimizer, lrs_used

MAX_LR = 0.1
DIV_FACTOR = 25.0  # documented defaults
FINAL_DIV_FACTOR = 1e4
PCT_START = 0.3


def anneal(start: float, end: float, fraction: float) -> float:
    return end + (start - end) / 2 * (1 + math.cos(math.pi * fraction))


def one_cycle_lr(step: int, total_steps: int) -> float:
    initial = MAX_LR / DIV_FACTOR
    final = initial / FINAL_DIV_FACTOR
    warmup_end = PCT_START * total_steps - 1
    if step <= warmup_end:
        return anneal(initial, MAX_LR, step / warmup_end)
    return anneal(MAX_LR, final, (step - warmup_end) / (total_steps - 1 - warmup_end))


def test_lrs_follow_the_cosine_one_cycle_formula(snippet):
    run = snippet("one_cycle_lr")
    assert isinstance(run.scheduler, torch.optim.lr_scheduler.OneCycleLR)
    assert run.scheduler.optimizer.param_groups[0]["max_lr"] == MAX_LR
    expected = [one_cycle_lr(step, run.scheduler.total_steps) for step in range(len(run.lrs))]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_steps_per_batch_exactly_total_steps_times(snippet):
    run = snippet("one_cycle_lr")
    batches_per_epoch = len(run.namespace["loader"])
    assert batches_per_epoch == 8
    assert run.scheduler.total_steps == run.epochs * batches_per_epoch == 80
    assert len(run.lrs) == run.scheduler.total_steps
    assert run.steps_per_epoch == batches_per_epoch


def test_starts_at_max_lr_over_div_factor_not_the_optimizer_lr(snippet):
    run = snippet("one_cycle_lr")
    assert run.lrs[0] == pytest.approx(MAX_LR / DIV_FACTOR, rel=1e-12)
    assert max(run.lrs) == pytest.approx(MAX_LR, rel=1e-12)
    assert run.lrs.index(max(run.lrs)) == 23  # warm-up ends at pct_start * 80 - 1


def test_ends_at_max_lr_over_div_factor_over_final_div_factor(snippet):
    run = snippet("one_cycle_lr")
    assert run.lrs[-1] == pytest.approx(MAX_LR / DIV_FACTOR / FINAL_DIV_FACTOR, rel=1e-12)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_one_more_step_raises(snippet):
    run = snippet("one_cycle_lr")
    with pytest.raises(ValueError) as raised:
        run.scheduler.step()
    assert str(raised.value) == (
        "Tried to step 81 times. The specified number of total steps is 80"
    )


def one_cycle_phases(step, total_steps, max_lr, pct_start, three_phase, linear):
    """The documented phases, written out independently of torch."""
    initial = max_lr / DIV_FACTOR
    final = initial / FINAL_DIV_FACTOR
    ramp = (lambda u, v, x: u + (v - u) * x) if linear else anneal
    if three_phase:
        ends = [pct_start * total_steps - 1, 2 * pct_start * total_steps - 2, total_steps - 1]
        levels = [initial, max_lr, initial, final]
    else:
        ends = [pct_start * total_steps - 1, total_steps - 1]
        levels = [initial, max_lr, final]
    start = 0.0
    for phase, end in enumerate(ends):
        if step <= end or phase == len(ends) - 1:
            return ramp(levels[phase], levels[phase + 1], (step - start) / (end - start))
        start = end
    raise AssertionError("unreachable")


def drive(**kwargs) -> list[float]:
    """The LR of each of the cycle's total_steps optimizer steps under a real OneCycleLR."""
    scheduler = torch.optim.lr_scheduler.OneCycleLR(dummy_optimizer(0.01, momentum=0.9), **kwargs)
    return lrs_used(scheduler, scheduler.total_steps)


@pytest.mark.parametrize("three_phase", [False, True])
@pytest.mark.parametrize("strategy", ["cos", "linear"])
@pytest.mark.parametrize("total_steps, pct_start", [(100, 0.3), (37, 0.25), (50, 0.45)])
def test_every_phase_follows_the_documented_ramps(three_phase, strategy, total_steps, pct_start):
    lrs = drive(
        max_lr=0.2,
        total_steps=total_steps,
        pct_start=pct_start,
        anneal_strategy=strategy,
        three_phase=three_phase,
    )
    expected = [
        one_cycle_phases(step, total_steps, 0.2, pct_start, three_phase, strategy == "linear")
        for step in range(total_steps)
    ]
    assert lrs == pytest.approx(expected, rel=1e-12, abs=0)


def test_three_phase_returns_to_the_initial_lr_before_the_final_anneal():
    lrs = drive(max_lr=0.2, total_steps=100, pct_start=0.3, three_phase=True)
    assert lrs[29] == pytest.approx(0.2, rel=1e-12)
    assert lrs[58] == pytest.approx(0.2 / DIV_FACTOR, rel=1e-12)
    assert lrs[99] == pytest.approx(0.2 / DIV_FACTOR / FINAL_DIV_FACTOR, rel=1e-12)


def test_cycle_momentum_switches_momentum_on_for_plain_sgd():
    optimizer = dummy_optimizer(0.01)
    assert optimizer.param_groups[0]["momentum"] == 0
    torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=100)
    assert optimizer.param_groups[0]["momentum"] == 0.95


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "You must define either total_steps OR (epochs AND steps_per_epoch)"),
        ({"total_steps": 0}, "Expected positive integer total_steps, but got 0"),
        (
            {"epochs": 10, "steps_per_epoch": 0},
            "Expected positive integer steps_per_epoch, but got 0",
        ),
        (
            {"total_steps": 100, "pct_start": 1.5},
            "Expected float between 0 and 1 pct_start, but got 1.5",
        ),
        (
            {"total_steps": 100, "anneal_strategy": "exp"},
            "anneal_strategy must be one of 'cos' or 'linear', instead got exp",
        ),
    ],
)
def test_invalid_parameters_raise_the_documented_message(kwargs, message):
    optimizer = dummy_optimizer(0.01, momentum=0.9)
    with pytest.raises(ValueError) as raised:
        torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, **kwargs)
    assert str(raised.value) == message


def left_in_the_optimizer(anneal_strategy, safe):
    optimizer = dummy_optimizer(0.01, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=MAX_LR, total_steps=80, anneal_strategy=anneal_strategy
    )
    for _ in range(80):
        optimizer.step()
        if not safe or scheduler.last_epoch + 1 < scheduler.total_steps:
            scheduler.step()
    return optimizer.param_groups[0]["lr"], optimizer.param_groups[0]["momentum"]


def test_the_last_allowed_step_climbs_back_with_cos():
    lr, momentum = left_in_the_optimizer("cos", safe=False)
    # one step past the end, the cosine of the last phase has turned: the value of step 78
    assert lr == pytest.approx(one_cycle_lr(78, 80), rel=1e-9) and lr > one_cycle_lr(79, 80)
    assert momentum < 0.95


def test_the_last_allowed_step_goes_below_zero_with_linear():
    lr, momentum = left_in_the_optimizer("linear", safe=False)
    final = MAX_LR / DIV_FACTOR / FINAL_DIV_FACTOR
    peak_step = PCT_START * 80 - 1
    slope = (MAX_LR - final) / (79 - peak_step)
    assert lr == pytest.approx(final - slope, rel=1e-9) and lr < 0
    assert momentum > 0.95  # max_momentum, exceeded the same way


@pytest.mark.parametrize("anneal_strategy", ["cos", "linear"])
def test_the_safe_loop_leaves_the_last_value_of_the_cycle(anneal_strategy):
    lr, momentum = left_in_the_optimizer(anneal_strategy, safe=True)
    assert lr == pytest.approx(MAX_LR / DIV_FACTOR / FINAL_DIV_FACTOR, rel=1e-6)
    assert momentum == pytest.approx(0.95, rel=1e-12)


def optimizer_classes():
    return sorted(
        (name, cls)
        for name, cls in vars(torch.optim).items()
        if isinstance(cls, type)
        and issubclass(cls, torch.optim.Optimizer)
        and cls is not torch.optim.Optimizer
    )


@pytest.mark.torch_versions("2.13")  # quotes torch's text
@pytest.mark.parametrize("name, optimizer_class", optimizer_classes())
def test_cycle_momentum_changes_every_optimizer_with_momentum_or_betas(name, optimizer_class):
    """OneCycleLR and CyclicLR accept the same optimizers and change the same key."""
    results = []
    for scheduler_class, kwargs in [
        (torch.optim.lr_scheduler.OneCycleLR, dict(max_lr=0.1, total_steps=100)),
        (torch.optim.lr_scheduler.CyclicLR, dict(base_lr=0.001, max_lr=0.1)),
    ]:
        optimizer = optimizer_class([torch.zeros(2, 2, requires_grad=True)], lr=0.01)
        has = {key for key in ("betas", "momentum") if key in optimizer.defaults}
        if not has:
            with pytest.raises(ValueError, match="must support momentum or beta1"):
                scheduler_class(optimizer, **kwargs)
            results.append(None)
            continue
        scheduler_class(optimizer, **kwargs)
        group = optimizer.param_groups[0]
        value = group["betas"][0] if "betas" in has else group["momentum"]
        assert value == (0.95 if scheduler_class.__name__ == "OneCycleLR" else 0.9)
        results.append(has)
    assert results[0] == results[1]


def test_sgd_and_rmsprop_are_the_ones_switched_from_no_momentum_to_momentum():
    switched = set()
    for name, optimizer_class in optimizer_classes():
        optimizer = optimizer_class([torch.zeros(2, 2, requires_grad=True)], lr=0.01)
        if optimizer.defaults.get("momentum") == 0:
            switched.add(name)
    assert switched == {"SGD", "RMSprop"}


def test_rmsprop_gains_a_momentum_buffer():
    weight = torch.zeros(2, requires_grad=True)
    optimizer = torch.optim.RMSprop([weight], lr=0.01)
    assert optimizer.defaults["momentum"] == 0
    torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=100)
    weight.grad = torch.ones(2)
    optimizer.step()
    assert optimizer.param_groups[0]["momentum"] == 0.95
    assert "momentum_buffer" in optimizer.state[weight]  # the buffer is state, not a group key
    assert "momentum_buffer" not in optimizer.param_groups[0]


def one_cycle_scheduler(**kwargs):
    optimizer = dummy_optimizer(0.01, momentum=0.9)
    return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=MAX_LR, **kwargs)


@pytest.mark.parametrize("pct_start", [0, 1])
def test_pct_start_must_be_a_float_so_int_0_and_1_are_refused(pct_start):
    with pytest.raises(ValueError, match="Expected float between 0 and 1 pct_start"):
        one_cycle_scheduler(total_steps=10, pct_start=pct_start)


@pytest.mark.parametrize("total_steps", [1, 2, 10, 80])
def test_pct_start_0_0_skips_the_warm_up_and_never_uses_max_lr(total_steps):
    scheduler = one_cycle_scheduler(total_steps=total_steps, pct_start=0.0)
    lrs = lrs_used(scheduler, total_steps)
    final = MAX_LR / DIV_FACTOR / FINAL_DIV_FACTOR
    # the anneal from max_lr starts at step -1, so step t is at fraction (t + 1) / T
    expected = [anneal(MAX_LR, final, (t + 1) / total_steps) for t in range(total_steps)]
    assert lrs == pytest.approx(expected, rel=1e-12)
    assert max(lrs) < MAX_LR


@pytest.mark.parametrize("total_steps", [2, 10, 80])
def test_pct_start_1_0_climbs_all_cycle_then_the_total_steps_th_step_divides_by_zero(
    total_steps,
):
    scheduler = one_cycle_scheduler(total_steps=total_steps, pct_start=1.0)
    lrs = lrs_used(scheduler, total_steps - 1)
    lrs.append(scheduler.get_last_lr()[0])
    assert lrs == sorted(lrs) and lrs[-1] == pytest.approx(MAX_LR, rel=1e-12)
    scheduler.optimizer.step()
    with pytest.raises(ZeroDivisionError, match="float division by zero"):
        scheduler.step()


@pytest.mark.parametrize("total_steps", [2, 10, 80])
def test_pct_start_1_0_with_three_phase_climbs_all_cycle_and_the_total_steps_th_step_turns_down(
    total_steps,
):
    scheduler = one_cycle_scheduler(total_steps=total_steps, pct_start=1.0, three_phase=True)
    lrs = lrs_used(scheduler, total_steps)  # the total_steps-th step() is the last one here
    assert lrs == sorted(lrs) and lrs[-1] == pytest.approx(MAX_LR, rel=1e-12)
    assert scheduler.get_last_lr()[0] < MAX_LR  # back down, on the second phase's ramp
    assert scheduler.get_last_lr()[0] >= MAX_LR / DIV_FACTOR * (1 - 1e-12)  # its bottom at T=2


def total_steps_th_step_outcome(total_steps, pct_start, three_phase):
    """'created' errors, the step() call (from 1) that raises ZeroDivisionError, or None."""
    try:
        scheduler = one_cycle_scheduler(
            total_steps=total_steps, pct_start=pct_start, three_phase=three_phase
        )
    except ZeroDivisionError:
        return "created"
    for call in range(1, total_steps + 1):
        scheduler.optimizer.step()
        try:
            scheduler.step()
        except ZeroDivisionError:
            return call
    return None


def test_the_total_steps_th_step_divides_by_zero_exactly_when_the_last_phase_is_empty():
    # pct_start on a grid of 1 / (2 T): it hits both T (two phases) and (T + 1) / 2 (three).
    raised_at_t = {False: 0, True: 0}
    for total_steps in range(2, 41):
        for k in range(2 * total_steps + 1):
            pct_start = k / (2 * total_steps)
            for three_phase in (False, True):
                got = total_steps_th_step_outcome(total_steps, pct_start, three_phase)
                p_t = pct_start * total_steps  # torch computes the phase ends from this float
                last_phase_start = 2 * p_t - 2 if three_phase else p_t - 1
                if p_t == 1:
                    assert got == "created"
                elif last_phase_start == total_steps - 1:  # last phase from T - 1 to T - 1
                    assert got == total_steps
                    raised_at_t[three_phase] += 1
                else:
                    assert got is None, (total_steps, pct_start, three_phase)
    assert raised_at_t[False] == 39  # pct_start=1.0, for each T from 2 to 40
    # one k per T gives (T + 1) / 2 on paper; the float product misses it for a few T
    assert 30 < raised_at_t[True] < 39


def test_the_safe_loop_survives_pct_start_1_0():
    scheduler = one_cycle_scheduler(total_steps=80, pct_start=1.0)
    for _ in range(80):
        scheduler.optimizer.step()
        if scheduler.last_epoch + 1 < scheduler.total_steps:
            scheduler.step()
    assert scheduler.get_last_lr()[0] == pytest.approx(MAX_LR, rel=1e-12)


@pytest.mark.parametrize("total_steps", [1, 2, 10, 19, 21, 80, 100])
def test_a_pct_start_0_05_warm_up_is_empty_only_below_one_step(total_steps):
    lrs = lrs_used(one_cycle_scheduler(total_steps=total_steps, pct_start=0.05), total_steps)
    warmup_end = 0.05 * total_steps - 1  # a, the last step of the warm-up
    if warmup_end < 0:  # step 0 is already in the anneal down from max_lr
        assert lrs[0] < MAX_LR and lrs == sorted(lrs, reverse=True)
        assert total_steps < 10 or lrs[0] > 0.9 * MAX_LR
    else:
        assert lrs[0] == pytest.approx(MAX_LR / DIV_FACTOR, rel=1e-12)
        rising = math.floor(warmup_end) + 1  # steps 0..floor(a) are on the warm-up ramp
        assert lrs[:rising] == sorted(lrs[:rising])
        assert lrs.index(max(lrs)) in (rising - 1, rising)


@pytest.mark.parametrize(
    "pct_start, total_steps", [(0.05, 20), (0.1, 10), (0.25, 4), (0.5, 2), (1.0, 1)]
)
def test_pct_start_times_total_steps_of_exactly_1_divides_by_zero_when_created(
    pct_start, total_steps
):
    with pytest.raises(ZeroDivisionError, match="float division by zero"):
        one_cycle_scheduler(total_steps=total_steps, pct_start=pct_start)


@pytest.mark.parametrize("strategy", ["cos", "linear"])
def test_the_total_steps_th_call_is_past_the_last_phase_unless_a_three_phase_middle_ends_late(
    strategy,
):
    """one-cycle-lr.md pitfall: two-phase cycles, and three-phase ones with 2pT - 2 < T - 1,
    evaluate the T-th call past the last phase (cos: above eta_end and rising; linear: below
    eta_end); three-phase cycles with 2pT - 2 >= T are still coming down from max_lr."""
    checked = {"past the end": 0, "middle phase": 0, "b = T": 0}
    for total_steps in (10, 40, 80, 101):
        for pct_start in (0.1, 0.2, 0.25, 0.3, 0.4, 0.45, 0.6, 0.75, 0.9, 1.0):
            for three_phase in (False, True):
                middle_end = 2 * pct_start * total_steps - 2
                late = three_phase and middle_end >= total_steps
                early = not three_phase or middle_end < total_steps - 1
                if not (late or early) or (not three_phase and pct_start == 1.0):
                    continue  # an empty or overlapping last phase: the table's cases
                if pct_start * total_steps <= 1.5:
                    continue  # a warm-up of at most one step (1 raises when created)
                optimizer = dummy_optimizer(0.1)
                scheduler = torch.optim.lr_scheduler.OneCycleLR(
                    optimizer,
                    0.1,
                    total_steps=total_steps,
                    pct_start=pct_start,
                    three_phase=three_phase,
                    anneal_strategy=strategy,
                )
                used = lrs_used(scheduler, total_steps)
                after = optimizer.param_groups[0]["lr"]
                eta_end = 0.1 / 25 / 1e4
                if late:
                    checked["middle phase"] += 1
                    assert 0.1 >= used[-1] > after > eta_end * 100  # coming down
                    if middle_end == total_steps:  # the end of the way down
                        assert after == pytest.approx(0.1 / 25, rel=1e-9)
                        checked["b = T"] += 1
                else:
                    checked["past the end"] += 1
                    warm_up_end = pct_start * total_steps - 1
                    last_start = middle_end if three_phase else warm_up_end
                    assert total_steps - 1 - last_start >= 1  # a last phase of a step or more
                    assert used[-1] == pytest.approx(eta_end, rel=1e-6)
                    assert after > used[-1] if strategy == "cos" else after < used[-1]
    assert checked["past the end"] > 40 and checked["middle phase"] >= 8
    assert checked["b = T"] >= 1  # pct_start=0.6, T=10: b = 10.0


@pytest.mark.parametrize("three_phase", [False, True])
@pytest.mark.parametrize(
    "total_steps", [80, 1000, 24_990, 25_000, 100_000, 357_100, 357_142, 357_144, 1_000_000]
)
def test_the_linear_overshoot_is_one_step_of_the_last_phases_drop(three_phase, total_steps):
    """one-cycle-lr.md pitfall: past the end a linear cycle goes one step of its last phase's
    drop below eta_end: (eta_max - eta_end) / (T - 1 - a) in two phases, (eta_init - eta_end)
    / (T - 1 - b) in three; below zero when that phase is shorter than d*f - 1 or f - 1 steps."""
    max_lr, d, f, p = 0.1, 25.0, 1e4, 0.3
    optimizer = dummy_optimizer(max_lr)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer,
        max_lr,
        total_steps=total_steps,
        three_phase=three_phase,
        anneal_strategy="linear",
    )
    scheduler.last_epoch = total_steps - 1  # step() computes from last_epoch alone
    optimizer.step()
    scheduler.step()
    after = optimizer.param_groups[0]["lr"]
    eta_init, eta_end = max_lr / d, max_lr / d / f
    a, b = p * total_steps - 1, 2 * p * total_steps - 2
    start, last_phase = (
        (eta_init, total_steps - 1 - b) if three_phase else (max_lr, total_steps - 1 - a)
    )
    assert after == pytest.approx(eta_end - (start - eta_end) / last_phase, rel=1e-9, abs=1e-15)
    assert (after < 0) == (last_phase < (f - 1 if three_phase else d * f - 1))


def test_three_phase_pct_start_0_6_never_starts_the_final_anneal_from_5_steps_on():
    """one-cycle-lr.md three_phase row: with pct_start=0.6 the LR never goes below
    max_lr / div_factor within the cycle once total_steps is 5 or more (3 and 4 do)."""
    eta_init = 0.1 / 25
    for total_steps in range(3, 41):
        scheduler = torch.optim.lr_scheduler.OneCycleLR(
            dummy_optimizer(0.1), 0.1, total_steps=total_steps, pct_start=0.6, three_phase=True
        )
        # the lrs of steps 0 .. T - 1, without the T-th step() (it raises for T = 5)
        cycle = lrs_used(scheduler, total_steps - 1) + scheduler.get_last_lr()
        final_anneal_started = min(cycle) < eta_init * (1 - 1e-9)
        assert final_anneal_started == (total_steps < 5), total_steps


def test_a_three_phase_middle_ending_between_t_minus_1_and_t_runs_the_last_phase_backwards():
    """one-cycle-lr.md pitfall: with T - 1 < b < T (pct_start=0.6, T from 6 to 9) the T-th
    step() evaluates the last phase at a negative fraction: linear lands above eta_init, cos
    anywhere from eta_end to eta_init."""
    eta_init, eta_end = 1.0 / 25, 1.0 / 25 / 1e4
    for total_steps in (6, 7, 8, 9):
        assert total_steps - 1 < 2 * 0.6 * total_steps - 2 < total_steps
        after = {}
        for strategy in ("cos", "linear"):
            optimizer = dummy_optimizer(1.0)
            scheduler = torch.optim.lr_scheduler.OneCycleLR(
                optimizer,
                1.0,
                total_steps=total_steps,
                pct_start=0.6,
                three_phase=True,
                anneal_strategy=strategy,
            )
            lrs_used(scheduler, total_steps)
            after[strategy] = optimizer.param_groups[0]["lr"]
        assert after["linear"] > eta_init
        assert eta_end <= after["cos"] <= eta_init * (1 + 1e-12)


@pytest.mark.parametrize(
    ("total_steps", "pct_start", "left"),
    [(5, 0.9, "eta_end"), (10, 0.99, "eta_end"), (5, 0.96, "max_lr")],
)
def test_a_cos_last_phase_shorter_than_a_step_leaves_anything_from_eta_end_to_its_start(
    total_steps, pct_start, left
):
    """one-cycle-lr.md pitfall: with a two-phase last phase under one step long (pct_start
    above 1 - 1/T) the cosine at the T-th call has not simply turned: it can stay at eta_end
    or come back to max_lr, the phase's start."""
    assert total_steps - 1 - (pct_start * total_steps - 1) < 1
    optimizer = dummy_optimizer(0.1)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, 0.1, total_steps=total_steps, pct_start=pct_start
    )
    used = lrs_used(scheduler, total_steps)
    after = optimizer.param_groups[0]["lr"]
    if left == "eta_end":
        assert after == used[-1] == pytest.approx(0.1 / 25 / 1e4, rel=1e-9)
    else:
        assert after == pytest.approx(0.1, rel=1e-9)
