"""The "Valid values" column of every reference page's parameter table, run against torch.

Each row of a table in docs/schedulers/*.md lists the edge values that were tried on torch
(0, 1, negative, a list, a float where an int is expected, values that leave a phase empty)
and what torch did with each, as clauses separated by semicolons:

    `0`: `ZeroDivisionError` at the first `step()`; `-1`, `2.5`: accepted, ...

An outcome is one of: "accepted" (the scheduler is created and steps ``STEPS`` times without
an error; anything said after it is checked by the case's ``check``), "`SomeError` when
created", or "`SomeError` at ..." a step. ``EDGES`` below holds the same cases with the exact
error type and message; the tests run every case on torch and compare it with the row, both
ways, so a table cannot claim a value nobody tried and torch cannot change an answer
unnoticed.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import torch
from schedules import handed_over_at
from torch.optim import lr_scheduler as L

PAGES = Path(__file__).resolve().parents[2] / "docs" / "schedulers"
STEPS = 9  # scheduler steps an accepted value must survive
# Rows whose values are an example class's own (the LRScheduler page documents a subclass).
EXEMPT_ROWS = {("lr-scheduler", "`warmup_steps`")}
CLAUSE = re.compile(r"((?:`[^`]+`(?:, )?)+): ([^;]+)")


def sgd(groups: int = 1, momentum: float = 0.9):
    return torch.optim.SGD(
        [{"params": [torch.zeros(1, requires_grad=True)]} for _ in range(groups)],
        lr=0.1,
        momentum=momentum,
    )


@dataclass
class Accepted:
    check: Callable[[list[float]], bool] | None = None  # on the first group's LRs, step 0 on

    def phrase(self) -> str:
        return "accepted"


@dataclass
class Refused:
    error: type
    message: str  # str(error); a prefix when it ends with "..."

    def phrase(self) -> str:
        return f"`{self.error.__name__}` when created"


@dataclass
class FailsAtStep:
    error: type
    message: str
    step: int  # the scheduler.step() call that raises, counted from 1

    def phrase(self) -> str:
        return f"`{self.error.__name__}` at "


@dataclass
class Edge:
    page: str  # docs/schedulers/<page>.md
    row: str  # the row's first cell, as written
    label: str  # the value as the row writes it, without backticks
    build: Callable  # optimizer -> scheduler
    outcome: Accepted | Refused | FailsAtStep
    optimizer: Callable = field(default=sgd)

    def __str__(self):
        return f"{self.page}:{self.row}={self.label}"


def halves(lrs):
    return all(math.isclose(b, a / 2) for a, b in zip(lrs, lrs[1:]))


def constant(lrs):
    return all(math.isclose(lr, lrs[0]) for lr in lrs)


def step_lr(**kw):
    return lambda o: L.StepLR(o, **{"step_size": 2, "gamma": 0.5, **kw})


def multi_step_lr(**kw):
    return lambda o: L.MultiStepLR(o, **{"milestones": [2], "gamma": 0.5, **kw})


def error_of(build) -> str:
    """'TypeName: message' of the error ``build`` raises within STEPS steps, or ''."""
    try:
        lrs_of(build)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return ""


def constant_lr(**kw):
    return lambda o: L.ConstantLR(o, **{"factor": 0.5, "total_iters": 2, **kw})


def linear_lr(**kw):
    return lambda o: L.LinearLR(o, **{"start_factor": 0.5, "total_iters": 2, **kw})


def polynomial_lr(**kw):
    return lambda o: L.PolynomialLR(o, **{"total_iters": 4, **kw})


def cosine(**kw):
    return lambda o: L.CosineAnnealingLR(o, **{"T_max": 4, **kw})


def warm_restarts(**kw):
    return lambda o: L.CosineAnnealingWarmRestarts(o, **{"T_0": 2, **kw})


def plateau(**kw):
    return lambda o: L.ReduceLROnPlateau(o, **{"patience": 0, **kw})


def cyclic(**kw):
    return lambda o: L.CyclicLR(o, **{"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 2, **kw})


def one_cycle(**kw):
    return lambda o: L.OneCycleLR(o, **{"max_lr": 0.1, "total_steps": 10, **kw})


def sequential(milestones=(2,), children=2, **kw):
    def build(o):
        phases = [L.LinearLR(o, 0.5, total_iters=2), L.ExponentialLR(o, 0.5), L.StepLR(o, 1)]
        return L.SequentialLR(o, phases[:children], milestones=list(milestones), **kw)

    return build


def factor(t):
    return 0.5


SAME_OPTIMIZER = "{} expects all schedulers to belong to the same optimizer, but got ..."
NO_PLATEAU = (
    "{} does not support `ReduceLROnPlateau` scheduler as it requires additional kwargs to be "
    "specified when calling `step`, but got one at index 0 in the given schedulers sequence."
)
INITIAL_LR = "param 'initial_lr' is not specified in param_groups[0] when resuming ..."

EDGES = [
    # StepLR
    Edge(
        "step-lr",
        "`step_size`",
        "0",
        step_lr(step_size=0),
        FailsAtStep(ZeroDivisionError, "integer modulo by zero", 1),
    ),
    Edge("step-lr", "`step_size`", "-1", step_lr(step_size=-1), Accepted(halves)),
    Edge(
        "step-lr",
        "`step_size`",
        "2.5",
        step_lr(step_size=2.5),
        Accepted(
            lambda lrs: (
                lrs[4] == 0.1
                and lrs[5:] == [0.05] * 5
                and lrs_of(step_lr(step_size=2.5), steps=10)[10] == 0.025
            )
        ),
    ),
    Edge(
        "step-lr",
        "`step_size`",
        "[2]",
        step_lr(step_size=[2]),
        FailsAtStep(TypeError, "unsupported operand type(s) for %: 'int' and 'list'", 1),
    ),
    Edge(
        "step-lr",
        "`gamma`",
        "0",
        step_lr(gamma=0),
        Accepted(lambda lrs: lrs[2:] == [0.0] * (STEPS - 1)),
    ),
    Edge(
        "step-lr",
        "`gamma`",
        "-1",
        step_lr(gamma=-1),
        Accepted(lambda lrs: lrs[2] == -0.1 and lrs[4] == 0.1),
    ),
    Edge("step-lr", "`gamma`", "2", step_lr(gamma=2), Accepted(lambda lrs: lrs[-1] > 0.1)),
    Edge(
        "step-lr",
        "`gamma`",
        "[0.5]",
        step_lr(gamma=[0.5]),
        FailsAtStep(TypeError, "can't multiply sequence by non-int of type 'float'", 2),
    ),
    # MultiStepLR
    Edge("multi-step-lr", "`milestones`", "[]", multi_step_lr(milestones=[]), Accepted(constant)),
    Edge(
        "multi-step-lr",
        "`milestones`",
        "[0]",
        multi_step_lr(milestones=[0]),
        Accepted(lambda lrs: lrs[0] == 0.05),
    ),
    Edge(
        "multi-step-lr",
        "`milestones`",
        "[-1]",
        multi_step_lr(milestones=[-1]),
        # Never reached by step(); a SequentialLR hand-over applies it (the row says both).
        Accepted(
            lambda lrs: (
                constant(lrs)
                and lrs_of(handed_over_at(3, multi_step_lr(milestones=[-1])))[2:5]
                == [0.1, 0.05, 0.05]
            )
        ),
    ),
    Edge(
        "multi-step-lr",
        "`milestones`",
        "[2.5]",
        multi_step_lr(milestones=[2.5]),
        # step(epoch), which counts it, warns; tests/snippets/test_multi_step_lr.py checks it.
        Accepted(constant),
    ),
    Edge(
        "multi-step-lr",
        "`milestones`",
        "[4, 2]",
        multi_step_lr(milestones=[4, 2]),
        Accepted(lambda lrs: lrs[2] == 0.05 and lrs[4] == 0.025),
    ),
    Edge(
        "multi-step-lr",
        "`milestones`",
        "[2, 2]",
        multi_step_lr(milestones=[2, 2]),
        Accepted(lambda lrs: lrs[2] == 0.025),
    ),
    Edge(
        "multi-step-lr",
        "`milestones`",
        "2",
        multi_step_lr(milestones=2),
        Refused(TypeError, "'int' object is not iterable"),
    ),
    Edge(
        "multi-step-lr", "`gamma`", "0", multi_step_lr(gamma=0), Accepted(lambda lrs: lrs[2] == 0)
    ),
    Edge(
        "multi-step-lr", "`gamma`", "-1", multi_step_lr(gamma=-1), Accepted(lambda lrs: lrs[2] < 0)
    ),
    Edge(
        "multi-step-lr", "`gamma`", "2", multi_step_lr(gamma=2), Accepted(lambda lrs: lrs[2] > 0.1)
    ),
    Edge(
        "multi-step-lr",
        "`gamma`",
        "[0.5]",
        multi_step_lr(gamma=[0.5]),
        FailsAtStep(TypeError, "unsupported operand type(s) for ** or pow(): 'list' and 'int'", 2),
    ),
    # ConstantLR
    Edge(
        "constant-lr",
        "`factor`",
        "0",
        constant_lr(factor=0),
        FailsAtStep(ZeroDivisionError, "float division by zero", 2),
    ),
    Edge("constant-lr", "`factor`", "1", constant_lr(factor=1), Accepted(constant)),
    Edge(
        "constant-lr",
        "`factor`",
        "-0.5",
        constant_lr(factor=-0.5),
        Refused(ValueError, "Constant multiplicative factor expected to be between 0 and 1."),
    ),
    Edge(
        "constant-lr",
        "`factor`",
        "1.5",
        constant_lr(factor=1.5),
        Refused(ValueError, "Constant multiplicative factor expected to be between 0 and 1."),
    ),
    Edge(
        "constant-lr",
        "`factor`",
        "[0.5]",
        constant_lr(factor=[0.5]),
        Refused(TypeError, "'>' not supported between instances of 'list' and 'float'"),
    ),
    # The row also says what a SequentialLR hand-over (closed form at t = 0) does with each.
    *[
        Edge(
            "constant-lr",
            "`total_iters`",
            str(v),
            constant_lr(total_iters=v),
            Accepted(
                lambda lrs, v=v: (
                    lrs == [0.05] * (STEPS + 1)
                    and lrs_of(handed_over_at(2, constant_lr(total_iters=v))) == [0.1] * (STEPS + 1)
                )
            ),
        )
        for v in (0, -1)
    ],
    Edge(
        "constant-lr",
        "`total_iters`",
        "2.5",
        constant_lr(total_iters=2.5),
        Accepted(
            lambda lrs: (
                constant(lrs)
                and lrs_of(handed_over_at(2, constant_lr(total_iters=2.5)))[2:]
                == [0.05] * (STEPS - 1)
            )
        ),
    ),
    Edge(
        "constant-lr",
        "`total_iters`",
        "[2]",
        constant_lr(total_iters=[2]),
        Accepted(
            lambda lrs: (
                constant(lrs)
                and error_of(handed_over_at(2, constant_lr(total_iters=[2]))).startswith(
                    "TypeError: "
                )
            )
        ),
    ),
    # LinearLR
    *[
        Edge(
            "linear-lr",
            "`start_factor`",
            repr(v),
            linear_lr(start_factor=v),
            Refused(
                ValueError,
                "Starting multiplicative factor expected to be greater than 0 "
                "and less or equal to 1.",
            ),
        )
        for v in (0, -0.5, 1.5)
    ],
    Edge(
        "linear-lr",
        "`start_factor`",
        "[0.5]",
        linear_lr(start_factor=[0.5]),
        Refused(TypeError, "'>' not supported between instances of 'list' and 'float'"),
    ),
    *[
        Edge(
            "linear-lr",
            "`end_factor`",
            repr(v),
            linear_lr(end_factor=v),
            Refused(ValueError, "Ending multiplicative factor expected to be between 0 and 1."),
        )
        for v in (-0.5, 1.5)
    ],
    Edge(
        "linear-lr",
        "`end_factor`",
        "0",
        linear_lr(end_factor=0),
        Accepted(lambda lrs: lrs[2:] == [0.0] * (STEPS - 1)),
    ),
    Edge(
        "linear-lr",
        "`end_factor`",
        "[1.0]",
        linear_lr(end_factor=[1.0]),
        Refused(TypeError, "'>' not supported between instances of 'list' and 'float'"),
    ),
    # The row also says what a SequentialLR hand-over (closed form at t = 0) does with 0, -1, [2].
    Edge(
        "linear-lr",
        "`total_iters`",
        "0",
        linear_lr(total_iters=0),
        Accepted(
            lambda lrs: (
                constant(lrs)
                and error_of(handed_over_at(2, linear_lr(total_iters=0))).startswith(
                    "ZeroDivisionError: "
                )
            )
        ),
    ),
    Edge(
        "linear-lr",
        "`total_iters`",
        "-1",
        linear_lr(total_iters=-1),
        Accepted(
            lambda lrs: (
                constant(lrs)
                and lrs_of(handed_over_at(2, linear_lr(total_iters=-1, end_factor=0.2)))[2:]
                == pytest.approx([0.02] * (STEPS - 1))
            )
        ),
    ),
    Edge(
        "linear-lr",
        "`total_iters`",
        "2.5",
        linear_lr(total_iters=2.5),
        Accepted(lambda lrs: math.isclose(lrs[-1], 0.09)),
    ),
    Edge(
        "linear-lr",
        "`total_iters`",
        "[2]",
        linear_lr(total_iters=[2]),
        FailsAtStep(TypeError, "'>' not supported between instances of 'int' and 'list'", 1),
    ),
    Edge(
        "linear-lr",
        "`total_iters`",
        "[2]",
        handed_over_at(2, linear_lr(total_iters=[2])),
        FailsAtStep(TypeError, "'<' not supported between instances of 'int' and 'list'", 2),
    ),
    # ExponentialLR
    Edge(
        "exponential-lr",
        "`gamma`",
        "0",
        lambda o: L.ExponentialLR(o, 0),
        Accepted(lambda lrs: lrs[1:] == [0.0] * STEPS),
    ),
    Edge(
        "exponential-lr",
        "`gamma`",
        "-1",
        lambda o: L.ExponentialLR(o, -1),
        Accepted(lambda lrs: lrs[1] == -0.1 and lrs[2] == 0.1),
    ),
    Edge(
        "exponential-lr",
        "`gamma`",
        "2",
        lambda o: L.ExponentialLR(o, 2),
        Accepted(lambda lrs: lrs[-1] == 0.1 * 2**STEPS),
    ),
    Edge(
        "exponential-lr",
        "`gamma`",
        "[0.5]",
        lambda o: L.ExponentialLR(o, [0.5]),
        FailsAtStep(TypeError, "can't multiply sequence by non-int of type 'float'", 1),
    ),
    # PolynomialLR
    # The row also says what a SequentialLR hand-over (closed form at t = 0) does with 0, -1, [4].
    Edge(
        "polynomial-lr",
        "`total_iters`",
        "0",
        polynomial_lr(total_iters=0),
        Accepted(
            lambda lrs: (
                constant(lrs)
                and error_of(handed_over_at(2, polynomial_lr(total_iters=0))).startswith(
                    "ZeroDivisionError: "
                )
            )
        ),
    ),
    Edge(
        "polynomial-lr",
        "`total_iters`",
        "-1",
        polynomial_lr(total_iters=-1),
        Accepted(
            lambda lrs: (
                constant(lrs)
                and lrs_of(handed_over_at(2, polynomial_lr(total_iters=-1)))[2:]
                == [0.0] * (STEPS - 1)
            )
        ),
    ),
    Edge(
        "polynomial-lr",
        "`total_iters`",
        "2.5",
        polynomial_lr(total_iters=2.5),
        Accepted(lambda lrs: math.isclose(lrs[-1], 0.02)),
    ),
    Edge(
        "polynomial-lr",
        "`total_iters`",
        "[4]",
        polynomial_lr(total_iters=[4]),
        FailsAtStep(TypeError, "'>' not supported between instances of 'int' and 'list'", 1),
    ),
    Edge(
        "polynomial-lr",
        "`total_iters`",
        "[4]",
        handed_over_at(2, polynomial_lr(total_iters=[4])),
        FailsAtStep(TypeError, "'<' not supported between instances of 'int' and 'list'", 2),
    ),
    Edge("polynomial-lr", "`power`", "0", polynomial_lr(power=0), Accepted(constant)),
    Edge(
        "polynomial-lr",
        "`power`",
        "-1",
        polynomial_lr(power=-1),
        FailsAtStep(ZeroDivisionError, "0.0 cannot be raised to a negative power", 4),
    ),
    Edge(
        "polynomial-lr",
        "`power`",
        "[2]",
        polynomial_lr(power=[2]),
        FailsAtStep(
            TypeError, "unsupported operand type(s) for ** or pow(): 'float' and 'list'", 1
        ),
    ),
    # CosineAnnealingLR
    Edge(
        "cosine-annealing-lr",
        "`T_max`",
        "0",
        cosine(T_max=0),
        FailsAtStep(ZeroDivisionError, "integer modulo by zero", 1),
    ),
    Edge(
        "cosine-annealing-lr",
        "`T_max`",
        "-4",
        cosine(T_max=-4),
        Accepted(lambda lrs: lrs == pytest.approx(lrs_of(cosine(T_max=4)))),
    ),
    Edge("cosine-annealing-lr", "`T_max`", "2.5", cosine(T_max=2.5), Accepted()),
    Edge(
        "cosine-annealing-lr",
        "`T_max`",
        "[4]",
        cosine(T_max=[4]),
        FailsAtStep(TypeError, "unsupported operand type(s) for -: 'int' and 'list'", 1),
    ),
    Edge(
        "cosine-annealing-lr",
        "`eta_min`",
        "1",
        cosine(eta_min=1),
        Accepted(lambda lrs: lrs[4] == 1),
    ),
    Edge(
        "cosine-annealing-lr",
        "`eta_min`",
        "-1",
        cosine(eta_min=-1),
        Accepted(lambda lrs: lrs[4] == -1),
    ),
    Edge(
        "cosine-annealing-lr",
        "`eta_min`",
        "[0.001]",
        cosine(eta_min=[0.001]),
        FailsAtStep(TypeError, "unsupported operand type(s) for -: 'float' and 'list'", 1),
    ),
    # CosineAnnealingWarmRestarts
    *[
        Edge(
            "cosine-annealing-warm-restarts",
            "`T_0`",
            repr(v),
            warm_restarts(T_0=v),
            Refused(ValueError, f"Expected positive integer T_0, but got {v}"),
        )
        for v in (0, -1, 2.5, 10.0)
    ],
    Edge("cosine-annealing-warm-restarts", "`T_0`", "1", warm_restarts(T_0=1), Accepted(constant)),
    Edge(
        "cosine-annealing-warm-restarts",
        "`T_0`",
        "1",
        warm_restarts(T_0=1, T_mult=2),  # restarts at steps 1, 3, 7
        Accepted(lambda lrs: lrs[:4] == pytest.approx([0.1, 0.1, 0.05, 0.1]) and lrs[7] == 0.1),
    ),
    Edge(
        "cosine-annealing-warm-restarts",
        "`T_0`",
        "[2]",
        warm_restarts(T_0=[2]),
        Refused(TypeError, "'<=' not supported between instances of 'list' and 'int'"),
    ),
    *[
        Edge(
            "cosine-annealing-warm-restarts",
            "`T_mult`",
            repr(v),
            warm_restarts(T_mult=v),
            Refused(ValueError, f"Expected integer T_mult >= 1, but got {v}"),
        )
        for v in (0, -1, 2.0)
    ],
    Edge(
        "cosine-annealing-warm-restarts",
        "`T_mult`",
        "[2]",
        warm_restarts(T_mult=[2]),
        Refused(TypeError, "'<' not supported between instances of 'list' and 'int'"),
    ),
    Edge(
        "cosine-annealing-warm-restarts",
        "`eta_min`",
        "1",
        warm_restarts(T_0=4, eta_min=1),
        Accepted(lambda lrs: lrs[2] > 0.1),
    ),
    Edge(
        "cosine-annealing-warm-restarts",
        "`eta_min`",
        "-1",
        warm_restarts(T_0=4, eta_min=-1),
        Accepted(lambda lrs: lrs[2] < 0),
    ),
    Edge(
        "cosine-annealing-warm-restarts",
        "`eta_min`",
        "[0.001]",
        warm_restarts(eta_min=[0.001]),
        Refused(
            ValueError, "Expected float or int eta_min, but got [0.001] of type <class 'list'>"
        ),
    ),
    # ReduceLROnPlateau, stepped with a flat metric: with patience=0 it cuts from step 2 on
    Edge(
        "reduce-lr-on-plateau",
        "`mode`",
        '"x"',
        plateau(mode="x"),
        Refused(ValueError, "mode x is unknown!"),
    ),
    Edge(
        "reduce-lr-on-plateau",
        "`factor`",
        "1",
        plateau(factor=1),
        Refused(ValueError, "Factor should be < 1.0."),
    ),
    Edge(
        "reduce-lr-on-plateau",
        "`factor`",
        "0",
        plateau(factor=0),
        Accepted(lambda lrs: lrs[2:] == [0.0] * (STEPS - 1)),
    ),
    Edge(
        "reduce-lr-on-plateau",
        "`factor`",
        "-0.5",
        plateau(factor=-0.5, min_lr=0.001),
        Accepted(lambda lrs: lrs[2:] == [0.001] * (STEPS - 1)),
    ),
    Edge(
        "reduce-lr-on-plateau",
        "`factor`",
        "[0.5]",
        plateau(factor=[0.5]),
        Refused(TypeError, "'>=' not supported between instances of 'list' and 'float'"),
    ),
    Edge(
        "reduce-lr-on-plateau",
        "`patience`",
        "-1",
        plateau(patience=-1),
        Accepted(lambda lrs: lrs[1] == pytest.approx(0.01)),
    ),
    Edge(
        "reduce-lr-on-plateau",
        "`patience`",
        "2.5",
        plateau(patience=2.5),
        Accepted(lambda lrs: lrs == lrs_of(plateau(patience=2))),
    ),
    Edge(
        "reduce-lr-on-plateau",
        "`patience`",
        "[0]",
        plateau(patience=[0]),
        FailsAtStep(TypeError, "'>' not supported between instances of 'int' and 'list'", 1),
    ),
    Edge("reduce-lr-on-plateau", "`threshold`", "-1", plateau(threshold=-1), Accepted(constant)),
    Edge(
        "reduce-lr-on-plateau",
        "`threshold`",
        "-1",
        plateau(threshold=-1, mode="max"),  # rel: the bound is -inf * 0, NaN, on every step
        Accepted(lambda lrs: lrs[1:4] == pytest.approx([0.01, 0.001, 0.0001])),
    ),
    Edge(
        "reduce-lr-on-plateau",
        "`threshold`",
        "1.0",
        plateau(threshold=1.0),  # even the first metric is bad, so it cuts at once
        Accepted(lambda lrs: lrs[1:4] == pytest.approx([0.01, 0.001, 0.0001])),
    ),
    Edge(
        "reduce-lr-on-plateau",
        "`threshold`",
        "[0.0001]",
        plateau(threshold=[0.0001]),
        FailsAtStep(TypeError, "unsupported operand type(s) for -: 'float' and 'list'", 1),
    ),
    Edge(
        "reduce-lr-on-plateau",
        "`threshold_mode`",
        '"x"',
        plateau(threshold_mode="x"),
        Refused(ValueError, "threshold mode x is unknown!"),
    ),
    Edge(
        "reduce-lr-on-plateau",
        "`cooldown`",
        "-1",
        plateau(cooldown=-1),
        Accepted(lambda lrs: lrs == lrs_of(plateau(cooldown=0))),
    ),
    Edge(
        "reduce-lr-on-plateau",
        "`cooldown`",
        "[1]",
        plateau(cooldown=[1]),
        FailsAtStep(TypeError, "'>' not supported between instances of 'list' and 'int'", 3),
    ),
    Edge(
        "reduce-lr-on-plateau",
        "`min_lr`",
        "[0.001, 0.01]",
        plateau(min_lr=[0.001, 0.01]),
        Refused(ValueError, "expected 1 min_lrs, got 2"),
    ),
    Edge(
        "reduce-lr-on-plateau",
        "`min_lr`",
        "[0.001]",
        plateau(min_lr=[0.001]),
        Accepted(lambda lrs: lrs[2:5] == pytest.approx([0.01, 0.001, 0.001])),
    ),
    Edge("reduce-lr-on-plateau", "`min_lr`", "0.2", plateau(min_lr=0.2), Accepted(constant)),
    Edge(
        "reduce-lr-on-plateau",
        "`eps`",
        "-1",
        plateau(eps=-1),
        Accepted(lambda lrs: lrs == lrs_of(plateau(eps=0))),
    ),
    Edge(
        "reduce-lr-on-plateau",
        "`eps`",
        "-1",
        plateau(eps=-1, min_lr=0.2),  # the first cut raises the LR from 0.1 to min_lr
        Accepted(lambda lrs: lrs[:2] == [0.1, 0.1] and lrs[2:] == [0.2] * (STEPS - 1)),
    ),
    Edge("reduce-lr-on-plateau", "`eps`", "1", plateau(eps=1), Accepted(constant)),
    Edge(
        "reduce-lr-on-plateau",
        "`eps`",
        "1",
        plateau(eps=1),  # from 10, the first cut lowers the LR by 9; from 1, by 0.9: skipped
        Accepted(lambda lrs: lrs[:2] == [10, 10] and lrs[2:] == pytest.approx([1.0] * 8)),
        optimizer=lambda: torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=10),
    ),
    # LambdaLR and MultiplicativeLR
    Edge(
        "lambda-lr",
        "`lr_lambda`",
        "0.5",
        lambda o: L.LambdaLR(o, 0.5),
        Refused(TypeError, "'float' object is not callable"),
    ),
    Edge(
        "lambda-lr",
        "`lr_lambda`",
        "[f, f]",
        lambda o: L.LambdaLR(o, [factor, factor]),
        Refused(ValueError, "Expected 1 lr_lambdas, but got 2"),
    ),
    Edge(
        "lambda-lr",
        "`lr_lambda`",
        "lambda t: -1",
        lambda o: L.LambdaLR(o, lambda t: -1),
        Accepted(lambda lrs: lrs[0] == -0.1),
    ),
    Edge(
        "multiplicative-lr",
        "`lr_lambda`",
        "0.5",
        lambda o: L.MultiplicativeLR(o, 0.5),
        Refused(TypeError, "lr_lambda should be a function, but got float"),
    ),
    Edge(
        "multiplicative-lr",
        "`lr_lambda`",
        "[f, f]",
        lambda o: L.MultiplicativeLR(o, [factor, factor]),
        Refused(ValueError, "Expected 1 lr_lambdas, but got 2"),
    ),
    Edge(
        "multiplicative-lr",
        "`lr_lambda`",
        "lambda t: -1",
        lambda o: L.MultiplicativeLR(o, lambda t: -1),
        Accepted(lambda lrs: lrs[1] == -0.1),
    ),
    # CyclicLR
    Edge(
        "cyclic-lr",
        "`base_lr`",
        "0.5",
        cyclic(base_lr=0.5),
        Accepted(lambda lrs: lrs[0] == 0.5 and min(lrs) == pytest.approx(0.1)),
    ),
    Edge(
        "cyclic-lr",
        "`base_lr`",
        "[0.01, 0.02]",
        cyclic(base_lr=[0.01, 0.02]),
        Refused(
            ValueError,
            "base_lr must have the same length as optimizer.param_groups. "
            "base_lr has 2 values, param_groups has 1.",
        ),
    ),
    Edge(
        "cyclic-lr",
        "`max_lr`",
        "[0.1, 0.2]",
        cyclic(max_lr=[0.1, 0.2]),
        Refused(
            ValueError,
            "max_lr must have the same length as optimizer.param_groups. "
            "max_lr has 2 values, param_groups has 1.",
        ),
    ),
    Edge(
        "cyclic-lr",
        "`step_size_up`",
        "0",
        cyclic(step_size_up=0),
        Refused(ZeroDivisionError, "float division by zero"),
    ),
    Edge("cyclic-lr", "`step_size_up`", "2.5", cyclic(step_size_up=2.5), Accepted()),
    Edge(
        "cyclic-lr",
        "`step_size_up`",
        "[2]",
        cyclic(step_size_up=[2]),
        Refused(TypeError, "float() argument must be a string or a real number, not 'list'"),
    ),
    Edge(
        "cyclic-lr",
        "`step_size_down`",
        "0",
        cyclic(step_size_down=0),
        Accepted(lambda lrs: max(lrs) < 0.1),
    ),
    Edge("cyclic-lr", "`step_size_down`", "-1", cyclic(step_size_down=-1), Accepted(constant)),
    Edge(
        "cyclic-lr",
        "`step_size_down`",
        "-1",
        cyclic(step_size_up=8, step_size_down=-1),  # cycles of 7 steps
        Accepted(lambda lrs: lrs[7] == 0.01 and lrs[:7] == sorted(lrs[:7]) and max(lrs) < 0.1),
    ),
    Edge(
        "cyclic-lr",
        "`step_size_down`",
        "-2",
        cyclic(step_size_up=8, step_size_down=-2),  # cycles of 6 steps
        Accepted(lambda lrs: lrs[6] == 0.01 and lrs[:6] == sorted(lrs[:6]) and max(lrs) < 0.1),
    ),
    Edge(
        "cyclic-lr",
        "`step_size_down`",
        "-2",
        cyclic(step_size_down=-2),
        Refused(ZeroDivisionError, "float division by zero"),
    ),
    Edge(
        "cyclic-lr",
        "`step_size_down`",
        "-2",
        cyclic(step_size_up=2.5, step_size_down=-2),  # a sum of 0.5
        Accepted(lambda lrs: lrs == [0.01] * (STEPS + 1)),
    ),
    Edge(
        "cyclic-lr",
        "`step_size_down`",
        "-2",
        cyclic(step_size_up=1, step_size_down=-2),  # a sum of -1: half the height
        Accepted(lambda lrs: lrs == pytest.approx([0.01 + 0.09 / 2] * (STEPS + 1))),
    ),
    Edge(
        "cyclic-lr",
        "`step_size_down`",
        "-3",
        cyclic(step_size_up=2, step_size_down=-3),  # a sum of -1: a third of the height
        Accepted(lambda lrs: lrs == pytest.approx([0.01 + 0.09 / 3] * (STEPS + 1))),
    ),
    Edge(
        "cyclic-lr",
        "`mode`",
        '"x"',
        cyclic(mode="x"),
        Refused(ValueError, "mode is invalid and scale_fn is None"),
    ),
    Edge(
        "cyclic-lr",
        "`gamma`",
        "0",
        cyclic(mode="exp_range", gamma=0),
        Accepted(lambda lrs: lrs[1:] == [0.01] * STEPS),
    ),
    Edge(
        "cyclic-lr",
        "`scale_fn`, `scale_mode`",
        '"x"',
        cyclic(scale_fn=lambda x: 1 / (1 + x), scale_mode="x"),
        Accepted(
            lambda lrs: (
                lrs == lrs_of(cyclic(scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations"))
            )
        ),
    ),
    Edge(
        "cyclic-lr",
        "`cycle_momentum`",
        "True",
        cyclic(),
        Refused(
            ValueError,
            "optimizer must support momentum or beta1 with `cycle_momentum` option enabled",
        ),
        optimizer=lambda: torch.optim.Adagrad([torch.zeros(1, requires_grad=True)], lr=0.1),
    ),
    Edge(
        "cyclic-lr",
        "`base_momentum`, `max_momentum`",
        "[0.8, 0.8]",
        cyclic(base_momentum=[0.8, 0.8]),
        Refused(
            ValueError,
            "base_momentum must have the same length as "
            "optimizer.param_groups. base_momentum has 2 values, param_groups has 1.",
        ),
    ),
    # OneCycleLR
    Edge(
        "one-cycle-lr",
        "`max_lr`",
        "[0.1, 0.2]",
        one_cycle(max_lr=[0.1, 0.2]),
        Refused(
            ValueError,
            "max_lr must have the same length as optimizer.param_groups. "
            "max_lr has 2 values, param_groups has 1.",
        ),
    ),
    *[
        Edge(
            "one-cycle-lr",
            "`total_steps`",
            repr(v),
            one_cycle(total_steps=v),
            Refused(ValueError, f"Expected positive integer total_steps, but got {v}"),
        )
        for v in (0, -1, 10.0)
    ],
    Edge(
        "one-cycle-lr",
        "`epochs`, `steps_per_epoch`",
        "0",
        one_cycle(total_steps=None, epochs=0, steps_per_epoch=5),
        Refused(ValueError, "Expected positive integer epochs, but got 0"),
    ),
    Edge(
        "one-cycle-lr",
        "`epochs`, `steps_per_epoch`",
        "2.5",
        one_cycle(total_steps=None, epochs=2, steps_per_epoch=2.5),
        Refused(ValueError, "Expected positive integer steps_per_epoch, but got 2.5"),
    ),
    Edge(
        "one-cycle-lr",
        "`epochs`, `steps_per_epoch`",
        "None",
        one_cycle(total_steps=None, epochs=2),
        Refused(ValueError, "You must define either total_steps OR (epochs AND steps_per_epoch)"),
    ),
    *[
        Edge(
            "one-cycle-lr",
            "`pct_start`",
            repr(v),
            one_cycle(pct_start=v),
            Refused(ValueError, f"Expected float between 0 and 1 pct_start, but got {v}"),
        )
        for v in (0, 1)
    ],
    Edge(
        "one-cycle-lr",
        "`pct_start`",
        "0.0",
        one_cycle(pct_start=0.0),
        Accepted(lambda lrs: 0.09 < lrs[0] < 0.1 and lrs == sorted(lrs, reverse=True)),
    ),
    Edge(
        "one-cycle-lr",
        "`pct_start`",
        "1.0",
        one_cycle(pct_start=1.0),
        Accepted(lambda lrs: lrs == sorted(lrs) and lrs[-1] == pytest.approx(0.1)),
    ),
    Edge(
        "one-cycle-lr",
        "`pct_start`",
        "1.0",
        one_cycle(pct_start=1.0),
        FailsAtStep(ZeroDivisionError, "float division by zero", 10),  # total_steps=10
    ),
    Edge(
        "one-cycle-lr",
        "`pct_start`",
        "1.0",
        one_cycle(pct_start=1.0, three_phase=True),
        # no error at the total_steps-th step(): it lands on the ramp back down from max_lr
        Accepted(
            lambda lrs: (
                lrs == sorted(lrs)
                and 0.004 < lrs_of(one_cycle(pct_start=1.0, three_phase=True), steps=10)[10] < 0.1
            )
        ),
    ),
    Edge(
        "one-cycle-lr",
        "`pct_start`",
        "0.1",
        one_cycle(pct_start=0.1),  # 0.1 * 10 steps = 1
        Refused(ZeroDivisionError, "float division by zero"),
    ),
    Edge(
        "one-cycle-lr",
        "`pct_start`",
        "0.05",
        one_cycle(pct_start=0.05),  # 0.05 * 10 steps < 1: no warm-up
        Accepted(lambda lrs: lrs[0] > 0.09),
    ),
    Edge(
        "one-cycle-lr",
        "`pct_start`",
        "0.05",
        one_cycle(pct_start=0.05, total_steps=100),  # a warm-up to step 4
        Accepted(lambda lrs: lrs[0] == pytest.approx(0.004) and lrs[4] == pytest.approx(0.1)),
    ),
    Edge(
        "one-cycle-lr",
        "`anneal_strategy`",
        '"x"',
        one_cycle(anneal_strategy="x"),
        Refused(ValueError, "anneal_strategy must be one of 'cos' or 'linear', instead got x"),
    ),
    Edge(
        "one-cycle-lr",
        "`div_factor`",
        "0",
        one_cycle(div_factor=0),
        Refused(ZeroDivisionError, "float division by zero"),
    ),
    Edge(
        "one-cycle-lr",
        "`div_factor`",
        "-1",
        one_cycle(div_factor=-1),
        Accepted(lambda lrs: lrs[0] == -0.1),
    ),
    Edge(
        "one-cycle-lr",
        "`final_div_factor`",
        "0",
        one_cycle(final_div_factor=0),
        Refused(ZeroDivisionError, "float division by zero"),
    ),
    Edge(
        "one-cycle-lr",
        "`final_div_factor`",
        "-1",
        one_cycle(final_div_factor=-1),
        Accepted(lambda lrs: min(lrs) < 0),
    ),
    Edge(
        "one-cycle-lr",
        "`three_phase`",
        "pct_start=0.6",
        one_cycle(three_phase=True, pct_start=0.6),
        Accepted(lambda lrs: lrs[5] == max(lrs) and min(lrs) >= 0.004 - 1e-12),
    ),
    Edge(
        "one-cycle-lr",
        "`three_phase`",
        "pct_start=0.55",
        one_cycle(three_phase=True, pct_start=0.55),  # 2 * 5.5 - 2 = 9 = total_steps - 1
        # the peak at step 4.5, back at max_lr / div_factor at step 9 = total_steps - 1
        Accepted(lambda lrs: lrs.index(max(lrs)) in (4, 5) and lrs[9] == pytest.approx(0.004)),
    ),
    Edge(
        "one-cycle-lr",
        "`three_phase`",
        "pct_start=0.55",
        one_cycle(three_phase=True, pct_start=0.55),
        FailsAtStep(ZeroDivisionError, "float division by zero", 10),
    ),
    Edge(
        "one-cycle-lr",
        "`cycle_momentum`",
        "True",
        one_cycle(),
        Refused(
            ValueError,
            "optimizer must support momentum or beta1 with `cycle_momentum` option enabled",
        ),
        optimizer=lambda: torch.optim.Adagrad([torch.zeros(1, requires_grad=True)], lr=0.1),
    ),
    Edge(
        "one-cycle-lr",
        "`base_momentum`, `max_momentum`",
        "[0.85, 0.85]",
        one_cycle(base_momentum=[0.85, 0.85]),
        Refused(
            ValueError,
            "base_momentum must have the same length as "
            "optimizer.param_groups. base_momentum has 2 values, param_groups has 1.",
        ),
    ),
    # SequentialLR
    Edge(
        "sequential-lr",
        "`optimizer`",
        "other_optimizer",
        lambda o: L.SequentialLR(sgd(), [L.StepLR(o, 1)], milestones=[]),
        Refused(ValueError, SAME_OPTIMIZER.format("SequentialLR")),
    ),
    Edge(
        "sequential-lr",
        "`schedulers`",
        "[]",
        lambda o: L.SequentialLR(o, [], milestones=[]),
        Refused(ValueError, "SequentialLR expects at least one scheduler, but got no scheduler."),
    ),
    Edge(
        "sequential-lr",
        "`schedulers`",
        "[ReduceLROnPlateau(optimizer)]",
        lambda o: L.SequentialLR(o, [L.ReduceLROnPlateau(o)], milestones=[]),
        Refused(ValueError, NO_PLATEAU.format("SequentialLR")),
    ),
    Edge(
        "sequential-lr",
        "`schedulers`",
        "[warmup, ChainedScheduler([...])]",
        lambda o: L.SequentialLR(
            o,
            [
                L.LinearLR(o, 0.5, total_iters=2),
                L.ChainedScheduler([L.ExponentialLR(o, 0.9), L.ConstantLR(o, 0.5, total_iters=2)]),
            ],
            milestones=[2],
        ),
        FailsAtStep(NotImplementedError, "", 2),
    ),
    Edge(
        "sequential-lr",
        "`schedulers`",
        "[warmup, SequentialLR(...)]",
        lambda o: L.SequentialLR(
            o,
            [L.LinearLR(o, 0.5, total_iters=2), sequential()(o)],
            milestones=[2],
        ),
        FailsAtStep(NotImplementedError, "", 2),
    ),
    Edge(
        "sequential-lr",
        "`milestones`",
        "[]",
        sequential(milestones=()),
        Refused(
            ValueError,
            "Sequential Schedulers expects number of schedulers provided to "
            "be one more than the number of milestone points, but got number of "
            "schedulers 2 and the number of milestones to be equal to 0",
        ),
    ),
    # A milestone of 0 is left out: torch 2.11 (the GPU machines' release) and 2.13 start a
    # SequentialLR differently there, and this module runs under both.
    Edge(
        "sequential-lr",
        "`milestones`",
        "[3, 1]",
        sequential(milestones=(3, 1), children=3),
        Accepted(lambda lrs: lrs[1] == 0.1 and lrs[2] == pytest.approx(0.01)),
    ),
    # ChainedScheduler
    Edge(
        "chained-scheduler",
        "`schedulers`",
        "[]",
        lambda o: L.ChainedScheduler([]),
        Refused(
            ValueError,
            "ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.",
        ),
    ),
    Edge(
        "chained-scheduler",
        "`schedulers`",
        "[ReduceLROnPlateau(optimizer)]",
        lambda o: L.ChainedScheduler([L.ReduceLROnPlateau(o)]),
        Refused(ValueError, NO_PLATEAU.format("ChainedScheduler")),
    ),
    Edge(
        "chained-scheduler",
        "`schedulers`",
        "[optimizer]",
        lambda o: L.ChainedScheduler([o]),
        Refused(AttributeError, "'SGD' object has no attribute 'optimizer'"),
    ),
    Edge(
        "chained-scheduler",
        "`schedulers`",
        "[optimizer]",
        lambda o: L.ChainedScheduler([o], optimizer=o),
        Refused(TypeError, "ChainedScheduler at index 0 should have `optimizer` as its attribute."),
    ),
    Edge(
        "chained-scheduler",
        "`optimizer`",
        "other_optimizer",
        lambda o: L.ChainedScheduler([L.StepLR(o, 1)], optimizer=sgd()),
        Refused(ValueError, SAME_OPTIMIZER.format("ChainedScheduler")),
    ),
    # LRScheduler (the base class, through the page's example subclass's argument)
    Edge(
        "lr-scheduler",
        "`optimizer`",
        "None",
        lambda o: L.LRScheduler(None),
        Refused(TypeError, "NoneType is not an Optimizer"),
    ),
]

# last_epoch: every scheduler that takes it refuses 5 on a fresh optimizer, but SequentialLR
LAST_EPOCH_PAGES = {
    "step-lr": step_lr,
    "multi-step-lr": multi_step_lr,
    "constant-lr": constant_lr,
    "linear-lr": linear_lr,
    "polynomial-lr": polynomial_lr,
    "cosine-annealing-lr": cosine,
    "cosine-annealing-warm-restarts": warm_restarts,
    "cyclic-lr": cyclic,
    "one-cycle-lr": one_cycle,
    "exponential-lr": lambda **kw: lambda o: L.ExponentialLR(o, 0.5, **kw),
    "lambda-lr": lambda **kw: lambda o: L.LambdaLR(o, factor, **kw),
    "multiplicative-lr": lambda **kw: lambda o: L.MultiplicativeLR(o, factor, **kw),
    "lr-scheduler": lambda **kw: lambda o: L.LRScheduler(o, **kw),
}
EDGES += [
    Edge(page, "`last_epoch`", "5", builder(last_epoch=5), Refused(KeyError, INITIAL_LR))
    for page, builder in LAST_EPOCH_PAGES.items()
]
EDGES += [
    Edge(
        "sequential-lr",
        "`last_epoch`",
        "5",
        sequential(last_epoch=5),
        Accepted(lambda lrs: lrs[0] == 0.05),
    ),
]


def lrs_of(build, optimizer=sgd, steps=STEPS) -> list[float]:
    """The first group's LR at creation and after each of ``steps`` scheduler steps."""
    optimizer = optimizer()
    scheduler = build(optimizer)
    lrs = [optimizer.param_groups[0]["lr"]]
    for _ in range(steps):
        optimizer.step()
        step_once(scheduler)
        lrs.append(optimizer.param_groups[0]["lr"])
    return lrs


def step_once(scheduler) -> None:
    """scheduler.step(), with a flat metric for ReduceLROnPlateau."""
    scheduler.step(1.0) if isinstance(scheduler, L.ReduceLROnPlateau) else scheduler.step()


def error_text(error: BaseException) -> str:
    return error.args[0] if isinstance(error, KeyError) else str(error)


def matches(error: BaseException, outcome) -> bool:
    text = error_text(error)
    if outcome.message.endswith("..."):
        return type(error) is outcome.error and text.startswith(outcome.message[:-3])
    return type(error) is outcome.error and text == outcome.message


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
@pytest.mark.parametrize("edge", EDGES, ids=str)
def test_torch_does_what_the_case_says(edge):
    outcome = edge.outcome
    optimizer = edge.optimizer()
    if isinstance(outcome, Refused):
        with pytest.raises(Exception) as raised:
            edge.build(optimizer)
        assert matches(raised.value, outcome), f"{type(raised.value).__name__}: {raised.value}"
        return
    scheduler = edge.build(optimizer)
    if isinstance(outcome, FailsAtStep):
        for step in range(1, outcome.step + 1):
            optimizer.step()
            if step < outcome.step:
                step_once(scheduler)
                continue
            with pytest.raises(Exception) as raised:
                step_once(scheduler)
            assert matches(raised.value, outcome), f"{type(raised.value).__name__}: {raised.value}"
        return
    lrs = lrs_of(edge.build, edge.optimizer)
    assert outcome.check is None or outcome.check(lrs), lrs


def rows(page: str) -> dict[str, str]:
    """The parameter table of docs/schedulers/<page>.md: first cell -> Valid values cell."""
    found = {}
    for line in (PAGES / f"{page}.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if line.startswith("| `") and len(cells) == 4:
            found[cells[0]] = cells[2]
    return found


def clauses(cell: str) -> list[tuple[list[str], str]]:
    """Each "`a`, `b`: outcome" clause of a Valid values cell, as ([a, b], outcome)."""
    return [
        (re.findall(r"`([^`]+)`", values), outcome.strip())
        for values, outcome in CLAUSE.findall(cell)
    ]


TABLE_PAGES = sorted(p.stem for p in PAGES.glob("*.md") if p.stem != "index")


@pytest.mark.parametrize("edge", EDGES, ids=str)
def test_the_row_states_the_outcome(edge):
    cell = rows(edge.page).get(edge.row)
    assert cell is not None, f"docs/schedulers/{edge.page}.md has no row {edge.row}"
    said = [outcome for values, outcome in clauses(cell) if edge.label in values]
    assert said, f"{edge}: the row does not mention `{edge.label}`: {cell}"
    phrase = edge.outcome.phrase()
    if isinstance(edge.outcome, Accepted):
        assert said[0].startswith(phrase), f"{edge}: torch accepts it; the row says {said[0]!r}"
    else:
        assert phrase in said[0], f"{edge}: torch gives {phrase!r}; the row says {said[0]!r}"


@pytest.mark.parametrize("page", TABLE_PAGES)
def test_every_row_lists_edge_values_and_each_was_tried(page):
    tried = {(edge.row, edge.label) for edge in EDGES if edge.page == page}
    table = rows(page)
    assert table, f"docs/schedulers/{page}.md has no parameter table"
    for row, cell in table.items():
        if (page, row) in EXEMPT_ROWS:
            continue
        listed = [value for values, _ in clauses(cell) for value in values]
        assert listed, f"{page}.md row {row} lists no edge value"
        untried = [value for value in listed if (row, value) not in tried]
        assert untried == [], f"{page}.md row {row} states values no case tries: {untried}"
