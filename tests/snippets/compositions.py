"""The modern schedules (docs/modern/) as torch.optim.lr_scheduler parts, written once.

Each function builds, for any parameters, the composition a snippet builds for its own: the
snippet tests check a snippet against it, and tests/libraries/test_transformers.py checks it
against Hugging Face's function of the same name at every step. Only torch here: the snippet
tests check the snippets against torch alone.

Every length counts optimizer steps (``scheduler.step()`` calls, one per batch).
"""

import math

import pytest
from torch.optim.lr_scheduler import (
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    LambdaLR,
    LinearLR,
    PolynomialLR,
    SequentialLR,
)

# Relative tolerance of every comparison with transformers or a formula, unless a test states
# another and why: torch's chainable forms round a little differently from a closed form.
REL = 1e-12


def assert_same_lrs(ours, theirs, rel=REL, abs=0.0):
    """Equal at every step: same length, each value within ``rel`` (a zero must be a zero)."""
    assert len(ours) == len(theirs)
    assert ours == pytest.approx(theirs, rel=rel, abs=abs)


def sequential(optimizer, phases):
    """``phases``: (first step, scheduler) pairs in order, the first at step 0."""
    if len(phases) == 1:
        return phases[0][1]
    starts, children = zip(*phases)
    return SequentialLR(optimizer, list(children), milestones=list(starts[1:]))


def warmup_from_zero(optimizer, warmup_steps):
    """Hugging Face's warm-up, lr * t / warmup_steps at step t < warmup_steps, as phases.

    LinearLR refuses start_factor=0, so step 0 is a one-step ConstantLR(factor=0.0) (its
    total_iters is never reached, so it never divides by its factor); LinearLR carries on from
    1 / warmup_steps and holds 1.0 once its total_iters have run.
    """
    if warmup_steps == 0:
        return []
    zero = (0, ConstantLR(optimizer, factor=0.0, total_iters=1))
    if warmup_steps == 1:
        return [zero, (1, ConstantLR(optimizer, factor=1.0))]
    ramp = LinearLR(optimizer, start_factor=1 / warmup_steps, total_iters=warmup_steps - 1)
    return [zero, (1, ramp)]


def linear_decay(optimizer, warmup_steps, total_steps):
    """= get_linear_schedule_with_warmup."""
    decay = LinearLR(optimizer, 1.0, 0.0, total_iters=total_steps - warmup_steps)
    return sequential(
        optimizer, [*warmup_from_zero(optimizer, warmup_steps), (warmup_steps, decay)]
    )


def cosine(optimizer, warmup_steps, total_steps, min_lr_rate=0.0):
    """= get_cosine_schedule_with_warmup (min_lr_rate 0) and
    get_cosine_with_min_lr_schedule_with_warmup, for one parameter group: eta_min is an
    absolute LR, so the ratio is taken of that group's LR."""
    peak = optimizer.param_groups[0]["lr"]
    decay = CosineAnnealingLR(
        optimizer, T_max=total_steps - warmup_steps, eta_min=min_lr_rate * peak
    )
    return sequential(
        optimizer, [*warmup_from_zero(optimizer, warmup_steps), (warmup_steps, decay)]
    )


def cosine_hard_restarts(optimizer, warmup_steps, total_steps, num_cycles):
    """= get_cosine_with_hard_restarts_schedule_with_warmup when num_cycles divides the
    decay's length (the restarts then fall on whole steps)."""
    cycle, rest = divmod(total_steps - warmup_steps, num_cycles)
    if rest:
        raise ValueError("the cycles must have a whole number of steps")
    decay = CosineAnnealingWarmRestarts(optimizer, T_0=cycle)
    return sequential(
        optimizer, [*warmup_from_zero(optimizer, warmup_steps), (warmup_steps, decay)]
    )


def polynomial_decay(optimizer, warmup_steps, total_steps, lr_end, power):
    """= get_polynomial_decay_schedule_with_warmup: PolynomialLR when lr_end is 0, LinearLR
    when power is 1, and a LambdaLR otherwise (no torch class decays to a floor along a power)."""
    lr_init = optimizer.defaults["lr"]
    steps = total_steps - warmup_steps
    if lr_end == 0:
        decay = PolynomialLR(optimizer, total_iters=steps, power=power)
    elif power == 1:
        decay = LinearLR(optimizer, 1.0, lr_end / lr_init, total_iters=steps)
    else:
        decay = LambdaLR(
            optimizer,
            lambda k: (
                ((lr_init - lr_end) * (1 - min(k, steps) / steps) ** power + lr_end) / lr_init
            ),
        )
    return sequential(
        optimizer, [*warmup_from_zero(optimizer, warmup_steps), (warmup_steps, decay)]
    )


def inverse_sqrt(optimizer, warmup_steps, timescale=None):
    """= get_inverse_sqrt_schedule: a LambdaLR after the warm-up, since no torch class decays
    as 1/sqrt(step) for ever."""
    timescale = timescale or warmup_steps or 10_000  # Hugging Face's default
    decay = LambdaLR(optimizer, lambda k: (timescale / (k + timescale)) ** 0.5)
    return sequential(
        optimizer, [*warmup_from_zero(optimizer, warmup_steps), (warmup_steps, decay)]
    )


def wsd(optimizer, warmup_steps, stable_steps, decay_steps, decay_type, min_lr_ratio=0.0):
    """= get_wsd_schedule with its default linear warm-up, for one parameter group (a cosine
    floor is an absolute eta_min). The warm-up's LinearLR holds 1.0 through the stable phase;
    the 1-sqrt cool-down is a LambdaLR (no torch class has that shape)."""
    r = min_lr_ratio
    peak = optimizer.param_groups[0]["lr"]  # before a warm-up child lowers it
    if r == 0:
        phases = warmup_from_zero(optimizer, warmup_steps)
    elif warmup_steps:
        phases = [(0, LinearLR(optimizer, start_factor=r, total_iters=warmup_steps))]
    else:
        phases = []
    if not phases:
        phases = [(0, ConstantLR(optimizer, factor=1.0))]
    if decay_type == "linear":
        decay = LinearLR(optimizer, 1.0, r, total_iters=decay_steps)
    elif decay_type == "cosine":
        decay = CosineAnnealingLR(optimizer, T_max=decay_steps, eta_min=r * peak)
    else:  # "1-sqrt"
        decay = LambdaLR(optimizer, lambda k: r + (1 - r) * (1 - math.sqrt(k / decay_steps)))
    return sequential(optimizer, [*phases, (warmup_steps + stable_steps, decay)])
