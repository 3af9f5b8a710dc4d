"""The scheduler explorer: its JavaScript against torch, and the page as a reader uses it.

The schedule functions (window.LRAtlasSchedules in docs/javascripts/explorer.js) run in the
browser tests' Chromium on the built explorer page; torch runs the same configurations here,
the way every figure on the site is recorded: optimizer.step(), the LR that step used,
scheduler.step(). Every step must agree to a relative 1e-9, and every configuration torch
rejects must be rejected by the explorer with torch's exception type and message, at the same
step. The Python code the explorer shows is executed too, and must build the same schedule.
"""

import json
import math
import os
import re
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import torch

# The browser fixtures of the site tests: Chromium, a served copy of the built site, a page
# that records console errors and failed requests. Under CI=true a missing Chromium fails.
from readers import goto_settled

from runner.figures import FIGURES_DIR
from runner.markdown_fences import includes

ROOT = Path(__file__).resolve().parents[2]
S = torch.optim.lr_scheduler
REL = 1e-9

# ---------------------------------------------------------------------------- the grid

ONE_CYCLE = dict(
    max_lr=0.1,
    total_steps=80,
    pct_start=0.3,
    anneal_strategy="cos",
    div_factor=25.0,
    final_div_factor=1e4,
    three_phase=False,
)

GRID = [
    # StepLR
    ("StepLR", dict(lr=0.1, step_size=10, gamma=0.5), 40),
    ("StepLR", dict(lr=0.05, step_size=1, gamma=0.9), 30),
    ("StepLR", dict(lr=0.1, step_size=7, gamma=1.5), 30),
    ("StepLR", dict(lr=0.1, step_size=3, gamma=-0.5), 12),
    ("StepLR", dict(lr=0.1, step_size=-4, gamma=0.5), 12),  # Python's % has the divisor's sign
    ("StepLR", dict(lr=0.1, step_size=2.5, gamma=0.5), 12),  # a float modulo
    # MultiStepLR
    ("MultiStepLR", dict(lr=0.1, milestones=[15, 25, 30], gamma=0.5), 35),
    ("MultiStepLR", dict(lr=0.1, milestones=[5, 5, 10], gamma=0.1), 20),  # a repeat: gamma ** 2
    ("MultiStepLR", dict(lr=0.1, milestones=[10, 3, 3, 3], gamma=0.5), 15),  # any order
    ("MultiStepLR", dict(lr=0.1, milestones=[0, -1, 4], gamma=0.5), 8),  # 0: when created
    ("MultiStepLR", dict(lr=0.1, milestones=[], gamma=0.5), 5),
    # ConstantLR
    ("ConstantLR", dict(lr=0.1, factor=0.25, total_iters=8), 30),
    ("ConstantLR", dict(lr=0.1, factor=1 / 3, total_iters=5), 10),  # 1 / (1/3) is not 3
    ("ConstantLR", dict(lr=0.1, factor=0.5, total_iters=0), 6),  # never switches back
    ("ConstantLR", dict(lr=0.1, factor=0.7, total_iters=2.5), 6),
    ("ConstantLR", dict(lr=0.1, factor=0.0, total_iters=20), 10),  # fails only at step 20
    # LinearLR
    ("LinearLR", dict(lr=0.1, start_factor=0.1, end_factor=1.0, total_iters=10), 30),
    ("LinearLR", dict(lr=0.1, start_factor=1.0, end_factor=0.0, total_iters=20), 30),  # anneal
    ("LinearLR", dict(lr=0.1, start_factor=1 / 3, end_factor=0.0, total_iters=3), 5),
    ("LinearLR", dict(lr=0.1, start_factor=0.5, end_factor=0.5, total_iters=5), 8),
    ("LinearLR", dict(lr=0.1, start_factor=0.5, end_factor=1.0, total_iters=0), 6),
    # ExponentialLR
    ("ExponentialLR", dict(lr=0.1, gamma=0.9), 40),
    ("ExponentialLR", dict(lr=0.1, gamma=0.999), 1000),
    ("ExponentialLR", dict(lr=0.1, gamma=1.5), 30),
    ("ExponentialLR", dict(lr=0.1, gamma=-0.5), 8),
    ("ExponentialLR", dict(lr=0.0, gamma=0.9), 5),
    # PolynomialLR
    ("PolynomialLR", dict(lr=0.1, total_iters=40, power=2.0), 50),  # past total_iters
    ("PolynomialLR", dict(lr=0.1, total_iters=50, power=0.9), 60),  # power < 1
    ("PolynomialLR", dict(lr=0.1, total_iters=1000, power=0.5), 1000),
    ("PolynomialLR", dict(lr=0.1, total_iters=3, power=0.0), 5),
    ("PolynomialLR", dict(lr=0.1, total_iters=0, power=1.0), 5),
    ("PolynomialLR", dict(lr=0.1, total_iters=2.5, power=1.0), 5),
    # CosineAnnealingLR
    ("CosineAnnealingLR", dict(lr=0.1, T_max=50, eta_min=0.001), 50),
    ("CosineAnnealingLR", dict(lr=0.1, T_max=10, eta_min=0.0), 45),  # past T_max, two periods
    ("CosineAnnealingLR", dict(lr=0.1, T_max=200, eta_min=1e-4), 600),
    ("CosineAnnealingLR", dict(lr=0.1, T_max=1, eta_min=0.0), 6),
    ("CosineAnnealingLR", dict(lr=0.1, T_max=-10, eta_min=0.0), 30),
    ("CosineAnnealingLR", dict(lr=0.1, T_max=10, eta_min=1.0), 25),  # eta_min above lr
    # CosineAnnealingWarmRestarts
    ("CosineAnnealingWarmRestarts", dict(lr=0.1, T_0=5, T_mult=2, eta_min=0.001), 35),
    ("CosineAnnealingWarmRestarts", dict(lr=0.1, T_0=10, T_mult=1, eta_min=0.0), 45),
    ("CosineAnnealingWarmRestarts", dict(lr=0.1, T_0=1, T_mult=3, eta_min=0.0), 130),
    ("CosineAnnealingWarmRestarts", dict(lr=0.1, T_0=1, T_mult=1, eta_min=0.01), 5),
    # CyclicLR
    *[
        ("CyclicLR", dict(base_lr=0.001, max_lr=0.1, step_size_down=None, gamma=1.0) | p, steps)
        for p, steps in [
            (dict(step_size_up=16, mode="triangular2"), 96),
            (dict(step_size_up=16, mode="triangular"), 100),
            (dict(step_size_up=10, step_size_down=30, mode="exp_range", gamma=0.99), 200),
            (dict(step_size_up=7, step_size_down=3, mode="exp_range", gamma=0.95), 50),
            (dict(step_size_up=5, step_size_down=0, mode="triangular"), 30),  # a sawtooth
            (dict(step_size_up=3, mode="triangular2"), 60),
        ]
    ],
    (
        "CyclicLR",
        dict(
            base_lr=0.1,
            max_lr=0.01,
            step_size_up=4,
            step_size_down=None,
            mode="triangular2",
            gamma=1.0,
        ),
        30,
    ),  # max_lr below base_lr
    # OneCycleLR
    *[
        (
            "OneCycleLR",
            ONE_CYCLE | p,
            steps,
        )
        for p, steps in [
            ({}, 80),
            (dict(three_phase=True, total_steps=100), 100),
            (dict(anneal_strategy="linear"), 80),
            (dict(three_phase=True, anneal_strategy="linear", pct_start=0.25), 60),
            (dict(pct_start=0.0), 80),
            (dict(pct_start=1.0, total_steps=50), 49),
            (dict(total_steps=1), 1),
            (dict(div_factor=1.0, final_div_factor=1.0, max_lr=0.5), 40),
            (dict(three_phase=True, pct_start=0.5, total_steps=30), 30),
        ]
    ],
    # LambdaLR: the explorer's factor functions
    ("LambdaLR", dict(lr=0.1, fn="warmup_linear_decay", warmup=5, total=40), 45),  # past total
    ("LambdaLR", dict(lr=0.1, fn="warmup_linear_decay", warmup=0, total=30), 30),
    ("LambdaLR", dict(lr=0.1, fn="warmup_constant", warmup=10), 20),
    ("LambdaLR", dict(lr=0.01, fn="warmup_inverse_sqrt", warmup=16), 80),
    ("LambdaLR", dict(lr=0.1, fn="exponential", gamma=0.95), 100),
    ("LambdaLR", dict(lr=0.1, fn="exponential", gamma=1.02), 100),
    # MultiplicativeLR
    ("MultiplicativeLR", dict(lr=0.1, fn="hold_then_decay", hold=10, gamma=0.9), 40),
    ("MultiplicativeLR", dict(lr=0.1, fn="constant", gamma=0.95), 100),
    ("MultiplicativeLR", dict(lr=0.1, fn="step_every", every=10, gamma=0.5), 45),
    ("MultiplicativeLR", dict(lr=0.1, fn="hold_then_decay", hold=0, gamma=0.0), 5),
    # SequentialLR: LinearLR warm-up, then CosineAnnealingLR
    *[
        (
            "SequentialLR",
            dict(lr=0.1, start_factor=0.1, warmup_iters=5, milestone=5, T_max=35, eta_min=0.0) | p,
            steps,
        )
        for p, steps in [
            ({}, 40),
            (dict(warmup_iters=10), 40),  # the milestone cuts the ramp short
            (dict(warmup_iters=3, milestone=8), 40),  # the ramp ends before the milestone
            (dict(T_max=10, eta_min=0.001), 40),  # the cosine runs past its T_max
            (dict(milestone=0), 20),  # the cosine from the start
            (dict(milestone=50), 40),  # no hand-over within the run
            (dict(start_factor=1.0, milestone=1, T_max=1), 6),
        ]
    ],
    # ChainedScheduler: ConstantLR x ExponentialLR
    ("ChainedScheduler", dict(lr=0.1, factor=0.1, total_iters=5, gamma=0.9), 30),
    ("ChainedScheduler", dict(lr=0.1, factor=0.5, total_iters=0, gamma=0.95), 10),
    ("ChainedScheduler", dict(lr=0.1, factor=1.0, total_iters=3, gamma=1.1), 10),
    ("ChainedScheduler", dict(lr=0.1, factor=0.0, total_iters=20, gamma=0.9), 10),
]

# The modern schedules (docs/modern/): compositions of torch parts in a SequentialLR. Their
# torch side is the code the explorer shows, and that code is compared with transformers'
# own function too.
LINEAR_DECAY = dict(lr=0.01, warmup_steps=16, total_steps=160)
COSINE_MIN_LR = dict(lr=0.01, warmup_steps=16, total_steps=160, min_lr_rate=0.1)
RESTARTS = dict(lr=0.01, warmup_steps=16, total_steps=160, num_cycles=4)
POLYNOMIAL = dict(lr=0.01, warmup_steps=16, total_steps=160, power=2.0, lr_end=0.0)
WSD = dict(
    lr=0.01,
    warmup_steps=16,
    stable_steps=112,
    decay_steps=32,
    decay_type="linear",
    min_lr_ratio=0.0,
)
INVERSE_SQRT = dict(lr=0.01, warmup_steps=16, timescale=16, total_steps=160, cooldown_steps=32)
MODERN_GRID = [
    ("WarmupLinearDecay", LINEAR_DECAY, 160),
    ("WarmupLinearDecay", LINEAR_DECAY | dict(warmup_steps=0, total_steps=50), 55),  # past the end
    ("WarmupLinearDecay", LINEAR_DECAY | dict(warmup_steps=1, total_steps=30), 30),
    ("WarmupLinearDecay", LINEAR_DECAY | dict(warmup_steps=10, total_steps=11), 15),
    ("WarmupLinearDecay", LINEAR_DECAY | dict(warmup_steps=100, total_steps=1000), 1000),
    ("WarmupCosineMinLR", COSINE_MIN_LR, 160),
    (
        "WarmupCosineMinLR",
        COSINE_MIN_LR | dict(warmup_steps=0, total_steps=40, min_lr_rate=0.0),
        50,
    ),
    (
        "WarmupCosineMinLR",
        COSINE_MIN_LR | dict(warmup_steps=1, total_steps=30, min_lr_rate=0.5),
        30,
    ),
    (
        "WarmupCosineMinLR",
        COSINE_MIN_LR | dict(warmup_steps=100, total_steps=1000, min_lr_rate=0.01),
        1000,
    ),
    ("WarmupCosineHardRestarts", RESTARTS, 160),
    (
        "WarmupCosineHardRestarts",
        RESTARTS | dict(warmup_steps=10, total_steps=100, num_cycles=3),
        100,
    ),
    ("WarmupCosineHardRestarts", RESTARTS | dict(warmup_steps=1, total_steps=21, num_cycles=5), 21),
    ("WarmupCosineHardRestarts", RESTARTS | dict(warmup_steps=0, total_steps=30, num_cycles=1), 30),
    ("WarmupPolynomialDecay", POLYNOMIAL, 165),
    ("WarmupPolynomialDecay", POLYNOMIAL | dict(power=1.0, lr_end=1e-3), 165),  # LinearLR
    ("WarmupPolynomialDecay", POLYNOMIAL | dict(power=2.0, lr_end=1e-3), 165),  # LambdaLR
    ("WarmupPolynomialDecay", POLYNOMIAL | dict(warmup_steps=0, total_steps=40, power=0.5), 40),
    *[
        ("WarmupStableDecay", WSD | dict(decay_type=kind) | p, 160 if not p else 30)
        for kind in ("linear", "cosine", "1-sqrt")
        for p in [
            {},
            dict(min_lr_ratio=0.1),
            dict(warmup_steps=0, stable_steps=20, decay_steps=10),
            dict(warmup_steps=1, stable_steps=5, decay_steps=4, min_lr_ratio=0.0),
        ]
    ],
    ("WarmupInverseSqrt", INVERSE_SQRT, 160),
    (
        "WarmupInverseSqrt",
        INVERSE_SQRT | dict(warmup_steps=10, timescale=25, total_steps=100, cooldown_steps=0),
        100,
    ),
    (
        "WarmupInverseSqrt",
        INVERSE_SQRT | dict(warmup_steps=0, timescale=10_000, total_steps=50, cooldown_steps=0),
        50,
    ),
    (
        "WarmupInverseSqrt",
        INVERSE_SQRT | dict(warmup_steps=400, timescale=400, total_steps=5000, cooldown_steps=1000),
        5000,
    ),
]
MODERN_REJECTED = [
    ("WarmupStableDecay", WSD | dict(min_lr_ratio=1.5), 10),
    ("WarmupPolynomialDecay", POLYNOMIAL | dict(power=1.0, lr_end=0.02), 10),
    ("WarmupLinearDecay", LINEAR_DECAY | dict(warmup_steps=4, total_steps=4), 6),
    ("WarmupStableDecay", WSD | dict(decay_steps=0, stable_steps=4, warmup_steps=4), 10),
]
MODERN = {name for name, _, _ in MODERN_GRID}

CYCLIC = dict(
    base_lr=0.001, max_lr=0.1, step_size_up=4, step_size_down=None, mode="triangular", gamma=1.0
)
SEQUENTIAL = dict(lr=0.1, start_factor=0.1, warmup_iters=5, milestone=5, T_max=35, eta_min=0.0)

# What torch refuses, when it is created or at a later scheduler.step().
REJECTED = [
    ("StepLR", dict(lr=-0.1, step_size=10, gamma=0.5), 5),  # SGD's own check
    ("StepLR", dict(lr=0.1, step_size=0, gamma=0.5), 5),
    ("MultiStepLR", dict(lr=0.1, milestones=[2, 2], gamma=1e200), 5),
    ("ConstantLR", dict(lr=0.1, factor=1.5, total_iters=5), 5),
    ("ConstantLR", dict(lr=0.1, factor=-0.1, total_iters=5), 5),
    ("ConstantLR", dict(lr=0.1, factor=0.0, total_iters=3), 10),
    ("LinearLR", dict(lr=0.1, start_factor=0.0, end_factor=1.0, total_iters=5), 5),
    ("LinearLR", dict(lr=0.1, start_factor=1.5, end_factor=1.0, total_iters=5), 5),
    ("LinearLR", dict(lr=0.1, start_factor=0.5, end_factor=-0.1, total_iters=5), 5),
    ("LinearLR", dict(lr=0.1, start_factor=0.5, end_factor=1.5, total_iters=5), 5),
    ("ExponentialLR", dict(lr=-1e-5, gamma=0.9), 5),  # no check of its own; SGD's
    ("PolynomialLR", dict(lr=0.1, total_iters=3, power=-1.0), 5),
    ("CosineAnnealingLR", dict(lr=0.1, T_max=0, eta_min=0.0), 5),
    ("CosineAnnealingWarmRestarts", dict(lr=0.1, T_0=0, T_mult=1, eta_min=0.0), 5),
    ("CosineAnnealingWarmRestarts", dict(lr=0.1, T_0=-3, T_mult=1, eta_min=0.0), 5),
    ("CosineAnnealingWarmRestarts", dict(lr=0.1, T_0=2.5, T_mult=1, eta_min=0.0), 5),
    ("CosineAnnealingWarmRestarts", dict(lr=0.1, T_0=5, T_mult=0, eta_min=0.0), 5),
    ("CosineAnnealingWarmRestarts", dict(lr=0.1, T_0=5, T_mult=1.5, eta_min=0.0), 5),
    ("CyclicLR", CYCLIC | dict(step_size_up=0), 5),
    ("CyclicLR", CYCLIC | dict(step_size_up=0, step_size_down=5), 5),
    ("CyclicLR", CYCLIC | dict(mode="cosine"), 5),
    ("CyclicLR", CYCLIC | dict(step_size_up=1, mode="triangular2"), 2100),  # 2.0 ** 1024
    ("CyclicLR", CYCLIC | dict(mode="exp_range", gamma=1.5), 2000),
    ("OneCycleLR", ONE_CYCLE | dict(total_steps=0), 5),
    ("OneCycleLR", ONE_CYCLE | dict(total_steps=-5), 5),
    ("OneCycleLR", ONE_CYCLE | dict(total_steps=2.5), 5),
    ("OneCycleLR", ONE_CYCLE | dict(pct_start=1.5), 5),
    ("OneCycleLR", ONE_CYCLE | dict(pct_start=-0.1), 5),
    ("OneCycleLR", ONE_CYCLE | dict(anneal_strategy="exp"), 5),
    ("OneCycleLR", ONE_CYCLE, 81),  # one step past total_steps
    ("OneCycleLR", ONE_CYCLE | dict(pct_start=1.0, total_steps=50), 50),
    ("OneCycleLR", ONE_CYCLE | dict(pct_start=0.01, total_steps=100), 5),
    ("OneCycleLR", ONE_CYCLE | dict(div_factor=0.0), 5),
    ("LambdaLR", dict(lr=0.1, fn="warmup_constant", warmup=0), 5),
    ("LambdaLR", dict(lr=0.1, fn="warmup_linear_decay", warmup=5, total=5), 10),
    ("LambdaLR", dict(lr=0.1, fn="warmup_inverse_sqrt", warmup=-4), 5),
    ("LambdaLR", dict(lr=0.1, fn="exponential", gamma=2.0), 1100),
    ("MultiplicativeLR", dict(lr=0.1, fn="step_every", every=0, gamma=0.5), 5),
    ("SequentialLR", SEQUENTIAL | dict(start_factor=0.0), 5),
    ("SequentialLR", SEQUENTIAL | dict(T_max=0), 10),
    ("SequentialLR", SEQUENTIAL | dict(T_max=0, milestone=0), 10),
    ("ChainedScheduler", dict(lr=0.1, factor=1.5, total_iters=5, gamma=0.9), 5),
    ("ChainedScheduler", dict(lr=0.1, factor=0.0, total_iters=3, gamma=0.9), 10),
]

# ---------------------------------------------------------------------------- torch side

# The factor functions the explorer offers, written independently of its JavaScript.
FACTORS = {
    "warmup_linear_decay": lambda p: (
        lambda epoch: (
            (epoch + 1) / p["warmup"]
            if epoch < p["warmup"]
            else max(0.0, (p["total"] - epoch) / (p["total"] - p["warmup"]))
        )
    ),
    "warmup_constant": lambda p: lambda epoch: min(1.0, (epoch + 1) / p["warmup"]),
    "warmup_inverse_sqrt": lambda p: (
        lambda epoch: min((epoch + 1) / p["warmup"], (p["warmup"] / (epoch + 1)) ** 0.5)
    ),
    "exponential": lambda p: lambda epoch: p["gamma"] ** epoch,
    "hold_then_decay": lambda p: lambda epoch: 1.0 if epoch < p["hold"] else p["gamma"],
    "constant": lambda p: lambda epoch: p["gamma"],
    "step_every": lambda p: lambda epoch: p["gamma"] if epoch % p["every"] == 0 else 1.0,
}


def build(name, optimizer, p):
    if name in ("LambdaLR", "MultiplicativeLR"):
        return getattr(S, name)(optimizer, lr_lambda=FACTORS[p["fn"]](p))
    if name == "SequentialLR":
        warmup = S.LinearLR(
            optimizer, start_factor=p["start_factor"], total_iters=p["warmup_iters"]
        )
        decay = S.CosineAnnealingLR(optimizer, T_max=p["T_max"], eta_min=p["eta_min"])
        return S.SequentialLR(optimizer, [warmup, decay], milestones=[p["milestone"]])
    if name == "ChainedScheduler":
        constant = S.ConstantLR(optimizer, factor=p["factor"], total_iters=p["total_iters"])
        decay = S.ExponentialLR(optimizer, gamma=p["gamma"])
        return S.ChainedScheduler([constant, decay], optimizer=optimizer)
    kwargs = {k: v for k, v in p.items() if k != "lr"}
    if name == "CyclicLR" and kwargs["mode"] != "exp_range":
        del kwargs["gamma"]
    return getattr(S, name)(optimizer, **kwargs)


def outcome(make, steps):
    """Run the loop every figure is recorded with: (lrs, error), error as the explorer has it."""
    weight = torch.zeros(1, requires_grad=True)
    lrs = []
    at = 0
    try:
        optimizer, scheduler = make([weight])
        for at in range(1, steps + 1):
            optimizer.step()
            lrs.append(scheduler.get_last_lr()[0])
            scheduler.step()
    except Exception as error:  # what torch raises, whatever it is, is what the explorer must say
        return lrs, {"type": type(error).__name__, "message": str(error), "at": at if lrs else 0}
    return lrs, None


def torch_outcome(name, p, steps):
    def make(params):
        optimizer = torch.optim.SGD(params, lr=p.get("lr", 0.01), momentum=0.9)
        return optimizer, build(name, optimizer, p)

    return outcome(make, steps)


def shown_code_outcome(code, steps):
    """Run the Python the explorer shows, as a reader would paste it."""

    def make(params):
        namespace = {"model": torch.nn.Linear(1, 1)}
        exec(code, namespace)  # noqa: S102 - the explorer's own generated code
        return namespace["optimizer"], namespace["scheduler"]

    return outcome(make, steps)


def close(js, py):
    return len(js) == len(py) and all(
        a == b or math.isclose(a, b, rel_tol=REL, abs_tol=0.0) for a, b in zip(js, py)
    )


def case_id(case):
    name, params, steps = case
    short = ",".join(f"{k}={v}" for k, v in params.items())
    return f"{name}[{short},steps={steps}]"


# ---------------------------------------------------------------------------- browser side


def explorer_url(base_url: str, query: str = "") -> str:
    return f"{base_url}explorer/{'?' + query if query else ''}"


@pytest.fixture(scope="module")
def explorer_page(browser, base_url):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(explorer_url(base_url), wait_until="load")
    page.wait_for_function("window.LRAtlasSchedules && window.LRAtlasExplorer")
    yield page
    assert errors == []
    context.close()


@pytest.fixture(scope="module")
def js_outcomes(explorer_page):
    """Every case of both grids, evaluated in Chromium in one go: {case_id: {lrs, error, code}}."""
    cases = [(case_id(c), *c) for c in GRID + REJECTED + MODERN_GRID + MODERN_REJECTED]
    results = explorer_page.evaluate(
        """cases => Object.fromEntries(cases.map(([id, name, params, steps]) => {
            const {lrs, error} = LRAtlasExplorer.run(name, params, steps);
            return [id, {lrs, error, code: LRAtlasExplorer.pythonCode(name, params)}];
        }))""",
        [list(c) for c in cases],
    )
    assert len(results) == len(cases), "two cases share an id"
    return results


def test_the_explorer_covers_every_scheduler_but_reduce_lr_on_plateau(explorer_page):
    names = set(explorer_page.evaluate("Object.keys(LRAtlasSchedules)"))
    torch_names = set(S.__all__) - {"ReduceLROnPlateau", "LRScheduler"}
    assert names == torch_names | MODERN and len(MODERN) == 6
    assert {name for name, _, _ in GRID} == torch_names
    assert {name for name, _, _ in REJECTED} == torch_names
    offered = explorer_page.evaluate("LRAtlasExplorer.factorFunctions")
    in_grid = {p["fn"] for name, p, _ in GRID if "fn" in p}
    assert in_grid == set(offered["LambdaLR"]) | set(offered["MultiplicativeLR"]) == set(FACTORS)


@pytest.mark.parametrize("case", GRID, ids=case_id)
def test_javascript_matches_torch_at_every_step(case, js_outcomes):
    name, params, steps = case
    js = js_outcomes[case_id(case)]
    lrs, error = torch_outcome(name, params, steps)
    assert error is None, f"torch rejects a grid case: {error}"
    assert js["error"] is None, js["error"]
    assert len(js["lrs"]) == steps
    worst = max((abs(a - b) / abs(b) if b else abs(a) for a, b in zip(js["lrs"], lrs)), default=0.0)
    assert close(js["lrs"], lrs), f"largest relative difference {worst:.3g}"
    # and the code the explorer shows builds exactly that schedule
    assert shown_code_outcome(js["code"], steps) == (lrs, None), js["code"]


# Not 2.11: its SequentialLR lets the first scheduler take the initial step even with a
# milestone at 0, where 2.13 lets the scheduler due at step 0 take it (the milestone=0 case).
@pytest.mark.torch_versions("2.13")
@pytest.mark.parametrize("case", REJECTED, ids=case_id)
def test_explorer_rejects_what_torch_rejects_with_its_message(case, js_outcomes):
    name, params, steps = case
    js = js_outcomes[case_id(case)]
    lrs, error = torch_outcome(name, params, steps)
    assert error is not None, "torch accepts this case; move it to GRID"
    assert js["error"] == error
    assert close(js["lrs"], lrs)  # the steps that ran before torch raised
    assert shown_code_outcome(js["code"], steps) == (lrs, error), js["code"]


def test_torch_side_of_the_comparison_catches_a_wrong_value(js_outcomes):
    case = GRID[0]
    js = js_outcomes[case_id(case)]["lrs"]
    lrs, _ = torch_outcome(*case)
    assert close(js, lrs)
    assert not close(js[:-1] + [js[-1] * (1 + 1e-8)], lrs)
    assert not close(js[:-1], lrs)


def hugging_face(name, p):
    """transformers' function for a modern preset, on a fresh optimizer, and the steps it
    shares with the composition (up to the end of the run; before the inverse square root's
    cool-down, which Hugging Face does not have)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import optimization as hf

    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=p["lr"])
    w = p["warmup_steps"]
    if name == "WarmupLinearDecay":
        return hf.get_linear_schedule_with_warmup(optimizer, w, p["total_steps"]), p["total_steps"]
    if name == "WarmupCosineMinLR":
        scheduler = hf.get_cosine_with_min_lr_schedule_with_warmup(
            optimizer, w, p["total_steps"], min_lr_rate=p["min_lr_rate"]
        )
        return scheduler, p["total_steps"]
    if name == "WarmupCosineHardRestarts":
        scheduler = hf.get_cosine_with_hard_restarts_schedule_with_warmup(
            optimizer, w, p["total_steps"], num_cycles=p["num_cycles"]
        )
        return scheduler, p["total_steps"]
    if name == "WarmupPolynomialDecay":
        scheduler = hf.get_polynomial_decay_schedule_with_warmup(
            optimizer, w, p["total_steps"], lr_end=p["lr_end"], power=p["power"]
        )
        return scheduler, p["total_steps"] + 5
    if name == "WarmupStableDecay":
        scheduler = hf.get_wsd_schedule(
            optimizer,
            w,
            p["decay_steps"],
            num_stable_steps=p["stable_steps"],
            decay_type=p["decay_type"],
            min_lr_ratio=p["min_lr_ratio"],
        )
        return scheduler, w + p["stable_steps"] + p["decay_steps"]
    scheduler = hf.get_inverse_sqrt_schedule(optimizer, w, timescale=p["timescale"])
    return scheduler, p["total_steps"] - p["cooldown_steps"]


@pytest.mark.parametrize("case", MODERN_GRID, ids=case_id)
def test_modern_schedules_match_their_composition_and_transformers(case, js_outcomes):
    name, params, steps = case
    js = js_outcomes[case_id(case)]
    assert js["error"] is None, js["error"]
    # the composition the explorer shows, run by torch
    lrs, error = shown_code_outcome(js["code"], steps)
    assert error is None, error
    assert close(js["lrs"], lrs), js["code"]
    # and that composition is Hugging Face's schedule, to 1e-12 (tests/libraries explains)
    scheduler, shared = hugging_face(name, params)
    theirs, _ = outcome(lambda _: (scheduler.optimizer, scheduler), min(shared, steps))
    assert lrs[: len(theirs)] == pytest.approx(theirs, rel=1e-12, abs=0)


@pytest.mark.parametrize("case", MODERN_REJECTED, ids=case_id)
def test_modern_schedules_reject_what_their_composition_rejects(case, js_outcomes):
    name, params, steps = case
    js = js_outcomes[case_id(case)]
    lrs, error = shown_code_outcome(js["code"], steps)
    assert error is not None, "torch accepts this case; move it to MODERN_GRID"
    assert js["error"] == error
    assert close(js["lrs"], lrs)


# ---------------------------------------------------------------------------- preset links

PRESET_LINK = re.compile(r"\]\(\.\./explorer\.md\?([^)#\s]+)\)")


def reference_pages():
    pages = sorted((ROOT / "docs" / "schedulers").glob("*.md"))
    pages += sorted((ROOT / "docs" / "modern").glob("*.md"))
    return [p for p in pages if p.name != "index.md"]


@pytest.mark.parametrize("source", reference_pages(), ids=lambda p: p.stem)
def test_every_reference_page_links_to_the_explorer(source):
    text = source.read_text(encoding="utf-8")
    if source.stem == "reduce-lr-on-plateau":
        assert "](../explorer.md#why-not-reducelronplateau)" in text
        assert "{ #why-not-reducelronplateau }" in (ROOT / "docs" / "explorer.md").read_text()
    else:
        assert len(PRESET_LINK.findall(text)) == 1, "one preset link per page"


def test_preset_links_load_each_page_example_and_draw_its_recorded_figure(site, base_url, page):  # noqa: F811
    """Opened from its page's link, the explorer draws what the page's snippet recorded."""
    checked = []
    for source in reference_pages():
        match = PRESET_LINK.search(source.read_text(encoding="utf-8"))
        if not match:
            continue
        query = match[1]
        snippet = Path(includes(source.read_text(encoding="utf-8"))[0].path).stem
        recorded = json.loads((FIGURES_DIR / f"{snippet}.json").read_text())["lrs"]
        goto_settled(page, explorer_url(base_url, query))
        page.wait_for_selector("#lr-explorer .lr-explorer__curve--A")
        state = page.evaluate(
            """() => {
                const explorer = document.getElementById('lr-explorer').explorer;
                const a = explorer.configs[0];
                return {name: a.name, params: a.params, steps: explorer.steps,
                        lrs: a.results.lrs, error: a.results.error};
            }"""
        )
        expected = dict(parse_qsl(query))
        assert state["name"] == expected.pop("scheduler"), source.name
        assert state["steps"] == int(expected.pop("steps")) == len(recorded), source.name
        for key, value in expected.items():
            shown = state["params"][key]
            shown = ",".join(map(str, shown)) if isinstance(shown, list) else shown
            assert str(shown) == value or float(shown) == float(value), (source.name, key)
        assert state["error"] is None, (source.name, state["error"])
        assert close(state["lrs"], recorded), f"{source.name}: explorer vs snippets/{snippet}.py"
        checked.append(source.stem)
    assert len(checked) == len(reference_pages()) - 1  # all but ReduceLROnPlateau
    assert page.problems == []


# ---------------------------------------------------------------------------- the page


def curve(page, slot="A"):
    return page.get_attribute(f".lr-explorer__curve--{slot}", "d")


def code(page, slot="A"):
    return page.inner_text(f"[data-slot='{slot}'] [data-role='code']")


def error_shown(page, slot):
    error = f"[data-slot='{slot}'] [data-role='error']"
    return page.inner_text(f"{error} p"), page.inner_text(f"{error} code")


def flat(python: str) -> str:
    """The code on one line: `f(\n    a, b\n)` -> `f(a, b)`."""
    return re.sub(r"\(\s+", "(", re.sub(r",?\s+\)", ")", " ".join(python.split())))


def test_sliders_and_inputs_redraw_the_curve_and_rewrite_the_code(base_url, page, tmp_path):  # noqa: F811
    page.goto(explorer_url(base_url), wait_until="load")
    page.wait_for_selector(".lr-explorer__curve--A")
    assert page.locator("h1").text_content().rstrip("¶") == "Scheduler explorer"
    assert page.input_value("[data-slot='A'] select[data-role='scheduler']") == "StepLR"
    before, code_before = curve(page), code(page)
    assert "StepLR(optimizer, step_size=10, gamma=0.5)" in flat(code_before)

    # keyboard on a slider: focus it, arrow keys, as a keyboard user would
    page.focus("[data-slot='A'] input[type=range][data-param='gamma']")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.input_value("[data-slot='A'] input[type=number][data-param='gamma']") == "0.52"
    assert curve(page) != before
    assert "gamma=0.52" in code(page)
    assert "gamma=0.52" in page.url  # the address holds configuration A

    # dragging a slider with the mouse
    slider = page.locator("[data-slot='A'] input[type=range][data-param='step_size']")
    box = slider.bounding_box()
    moved = curve(page)
    page.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    dragged = int(page.input_value("[data-slot='A'] input[type=number][data-param='step_size']"))
    assert dragged != 10 and f"step_size={dragged}" in code(page)
    assert curve(page) != moved

    # typing into a number field
    page.fill("[data-slot='A'] input[type=number][data-param='step_size']", "5")
    assert "step_size=5," in code(page)
    lrs = page.evaluate("document.getElementById('lr-explorer').explorer.configs[0].results.lrs")
    assert lrs == page.evaluate("LRAtlasSchedules.StepLR({lr: 0.1, step_size: 5, gamma: 0.52}, 40)")

    # the curve itself is readable by keyboard
    page.focus(".lr-explorer__svg")
    page.keyboard.press("ArrowRight")
    assert page.inner_text(".lr-explorer__readout") == "step 1: A 0.1"

    page.screenshot(path=tmp_path / "explorer-light.png", full_page=True)
    assert page.problems == []


def test_overlays_copy_button_and_torch_messages(base_url, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(explorer_url(base_url), wait_until="load")
    page.wait_for_selector(".lr-explorer__curve--A")

    page.get_by_role("button", name="Overlay a copy of A").click()
    assert curve(page, "B") == curve(page, "A")  # a copy, to change
    page.select_option("[data-slot='B'] select[data-role='scheduler']", "CosineAnnealingLR")
    assert curve(page, "B") != curve(page, "A")
    assert "CosineAnnealingLR(" in code(page, "B") and "T_max=40" in code(page, "B")
    page.get_by_role("button", name="Overlay a copy of B").click()
    page.select_option("[data-slot='C'] select[data-role='scheduler']", "OneCycleLR")
    assert page.locator(".lr-explorer__curve:not([visibility=hidden])").count() == 3
    assert page.locator(".lr-explorer__legend li").all_inner_texts() == [
        "A: StepLR",
        "B: CosineAnnealingLR",
        "C: OneCycleLR",
    ]
    assert page.get_by_role("button", name="Three configurations at most").is_disabled()

    # the copy button copies the code as shown
    page.click("[data-slot='B'] [data-role='copy']")
    assert page.evaluate("navigator.clipboard.readText()") == code(page, "B")

    # a value torch rejects: its message, and no curve
    page.fill("[data-slot='C'] input[type=number][data-param='pct_start']", "1.5")
    assert error_shown(page, "C") == (
        "When the scheduler is created, torch raises",
        "ValueError: Expected float between 0 and 1 pct_start, but got 1.5",
    )
    assert page.get_attribute(".lr-explorer__curve--C", "visibility") == "hidden"
    assert "pct_start=1.5" in code(page, "C")
    # one that fails later: the curve stops where torch stops
    page.fill("[data-slot='C'] input[type=number][data-param='pct_start']", "0.3")
    page.fill("#lrx-steps", "81")
    assert error_shown(page, "C") == (
        "At scheduler.step() number 41, torch raises",
        "ValueError: Tried to step 41 times. The specified number of total steps is 40",
    )
    assert page.get_attribute(".lr-explorer__curve--C", "visibility") is None

    page.get_by_role("button", name="Remove configuration B").click()
    assert page.locator("[data-slot='B']").count() == 0
    assert page.locator(".lr-explorer__curve").count() == 2
    assert problems == []
    context.close()


def test_preset_address_sets_the_parameters(base_url, page):  # noqa: F811
    page.goto(
        explorer_url(
            base_url,
            "scheduler=CyclicLR&base_lr=0.001&max_lr=0.1&step_size_up=16"
            "&mode=exp_range&gamma=0.99&steps=96",
        ),
        wait_until="load",
    )
    page.wait_for_selector(".lr-explorer__curve--A")
    a = "[data-slot='A']"
    assert page.input_value(f"{a} select[data-role='scheduler']") == "CyclicLR"
    assert page.input_value(f"{a} select[data-param='mode']") == "exp_range"
    assert page.input_value(f"{a} input[type=number][data-param='step_size_up']") == "16"
    assert page.input_value(f"{a} input[type=number][data-param='gamma']") == "0.99"
    assert page.input_value("#lrx-steps") == "96"
    assert "mode='exp_range', gamma=0.99)" in flat(code(page))
    assert page.url.endswith("mode=exp_range&gamma=0.99&steps=96")  # loading rewrites nothing

    page.goto(explorer_url(base_url, "scheduler=ReduceLROnPlateau"), wait_until="load")
    assert page.locator(".lr-explorer__notice").is_visible()
    assert page.locator("option[value=ReduceLROnPlateau]").first.is_disabled()
    assert page.problems == []


def test_link_from_a_reference_page_opens_its_preset(base_url, page):  # noqa: F811
    page.goto(f"{base_url}schedulers/cosine-annealing-warm-restarts/", wait_until="load")
    page.click("a[href*='explorer/?scheduler=CosineAnnealingWarmRestarts']")
    page.wait_for_selector(".lr-explorer__curve--A")
    assert "(optimizer, T_0=5, T_mult=2, eta_min=0.001)" in flat(code(page))
    assert page.problems == []


def test_material_instant_navigation_starts_the_explorer_once_per_page(base_url, page):  # noqa: F811
    """What instant navigation does: swap in the new page's content, then emit document$."""
    page.goto(
        explorer_url(base_url, "scheduler=ExponentialLR&gamma=0.8&steps=20"), wait_until="load"
    )
    page.wait_for_selector(".lr-explorer__curve--A")
    page.evaluate(
        """() => {
            const fresh = document.createElement('div');
            fresh.id = 'lr-explorer';
            fresh.className = 'lr-explorer';
            document.getElementById('lr-explorer').replaceWith(fresh);
            document$.next(document);
            document$.next(document);  // a second emission must not build a second explorer
        }"""
    )
    assert page.locator("#lr-explorer .lr-explorer__config").count() == 1
    assert page.locator("#lr-explorer .lr-explorer__curve").count() == 1
    assert "gamma=0.8" in code(page)
    # a page without the explorer: nothing happens, nothing fails
    page.goto(f"{base_url}schedulers/step-lr/", wait_until="load")
    page.evaluate("document$.next(document)")
    assert page.locator(".lr-explorer").count() == 0
    assert page.problems == []


def test_dark_mode_recolours_the_chart(base_url, page, tmp_path):  # noqa: F811
    page.goto(explorer_url(base_url), wait_until="load")
    page.wait_for_selector(".lr-explorer__curve--A")
    page.get_by_role("button", name="Overlay a copy of A").click()

    def colours():
        return page.evaluate(
            """() => ['.lr-explorer__curve--A', '.lr-explorer__curve--B', '.lr-explorer__svg text',
                      '.lr-explorer__svg'].map(s => {
                const style = getComputedStyle(document.querySelector(s));
                return [style.stroke, style.fill, style.backgroundColor].join(' ');
            })"""
        )

    light = colours()
    page.screenshot(path=tmp_path / "explorer-light.png", full_page=True)
    page.click("form[data-md-component='palette'] label:visible")
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    dark = colours()
    page.screenshot(path=tmp_path / "explorer-dark.png", full_page=True)
    assert all(a != b for a, b in zip(light, dark)), (light, dark)
    assert (tmp_path / "explorer-dark.png").stat().st_size > 10_000
    assert page.problems == []
