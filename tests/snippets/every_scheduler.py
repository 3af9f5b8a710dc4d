"""Each of the schedulers torch exports, built with settings under which it moves the LR
within a few steps, for the tests of claims that say "every scheduler" (or "only", "never").

``make(name, optimizer)`` knows every class in ``torch.optim.lr_scheduler.__all__`` except the
base class; a new class in torch fails ``test_universal_claims`` by name until it is added.
"""

import torch
from torch.optim import lr_scheduler as L

SCHEDULERS = sorted(set(L.__all__) - {"LRScheduler"})


def make(name: str, optimizer: torch.optim.Optimizer, **extra):
    """A ``name`` scheduler on ``optimizer``; ``ChainedScheduler`` has two children.
    ``extra`` (``last_epoch=5``) goes to the outer constructor only."""
    children = {
        "SequentialLR": lambda: L.SequentialLR(
            optimizer,
            [L.LinearLR(optimizer, 0.1, total_iters=3), L.ExponentialLR(optimizer, 0.9)],
            milestones=[3],
            **extra,
        ),
        "ChainedScheduler": lambda: L.ChainedScheduler(
            [L.ConstantLR(optimizer, 0.5, total_iters=3), L.ExponentialLR(optimizer, 0.9)],
            **extra,
        ),
    }
    if name in children:
        return children[name]()
    arguments = {
        "LambdaLR": {"lr_lambda": lambda step: 0.9**step},
        "MultiplicativeLR": {"lr_lambda": lambda step: 0.9},
        "StepLR": {"step_size": 2},
        "MultiStepLR": {"milestones": [2, 4]},
        "ConstantLR": {"factor": 0.5, "total_iters": 3},
        "LinearLR": {"start_factor": 0.1, "total_iters": 3},
        "ExponentialLR": {"gamma": 0.9},
        "PolynomialLR": {"total_iters": 8},
        "CosineAnnealingLR": {"T_max": 8},
        "ReduceLROnPlateau": {"patience": 0},
        "CyclicLR": {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 2},
        "CosineAnnealingWarmRestarts": {"T_0": 3},
        "OneCycleLR": {"max_lr": 0.1, "total_steps": 20},
    }
    if name not in arguments:
        raise AssertionError(f"no settings for {name}: add them to every_scheduler.make")
    return getattr(L, name)(optimizer, **arguments[name], **extra)


def step(scheduler) -> None:
    """``scheduler.step()``, with a flat metric for ``ReduceLROnPlateau`` (it cuts each step)."""
    if isinstance(scheduler, L.ReduceLROnPlateau):
        scheduler.step(1.0)
    else:
        scheduler.step()
