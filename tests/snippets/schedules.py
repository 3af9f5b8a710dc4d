"""Drive a real torch LR scheduler without training, for the tests that check its formula.

A scheduler only reads and writes the optimizer's ``param_groups``, so an optimizer over
dummy parameters and a loop of ``optimizer.step()`` (which moves nothing: there are no
gradients) and ``scheduler.step()`` reproduce exactly the LRs a training run would use.
The test modules import this as ``from schedules import ...``: pytest puts tests/snippets on
sys.path for them (no ``__init__.py`` here, default import mode).
"""

import torch


def dummy_optimizer(*lrs: float, optimizer_class=torch.optim.SGD, **defaults):
    """An optimizer with one parameter group per LR in ``lrs``, each over its own dummy
    parameter; ``defaults`` (``momentum=0.9``, ``betas=...``) go to ``optimizer_class``."""
    if not lrs:
        raise TypeError("dummy_optimizer needs an lr for each parameter group")
    groups = [{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs]
    return optimizer_class(groups, **defaults)


def record_each_step(scheduler, steps: int, read) -> list:
    """``read(scheduler)`` for each of ``steps`` optimizer steps, taken before the step.

    The order is a training loop's: what is read is what that step uses, then
    ``optimizer.step()`` and ``scheduler.step()`` (in this order, or torch warns).
    """
    records = []
    for _ in range(steps):
        records.append(read(scheduler))
        scheduler.optimizer.step()
        scheduler.step()
    return records


def lrs_used(scheduler, steps: int, group: int = 0) -> list[float]:
    """The LR of parameter group ``group`` at each of ``steps`` optimizer steps; the
    scheduler is left ``steps`` steps further on, as after that many batches or epochs."""
    return record_each_step(scheduler, steps, lambda scheduler: scheduler.get_last_lr()[group])


# torch's warning when scheduler.step() comes before the first optimizer.step(); quoted on
# several pages, so a change in torch fails every test that relies on it.
STEP_ORDER_WARNING = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and "
    "later, you should call them in the opposite order: `optimizer.step()` before "
    "`lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first "
    "value of the learning rate schedule. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)


def lrs_used_in_order(scheduler, steps: int, scheduler_first: bool) -> list[float]:
    """The LR each optimizer step uses, with scheduler.step() after it (right) or before it
    (wrong: torch warns once, which the caller records or expects)."""
    optimizer = scheduler.optimizer
    used = []
    for _ in range(steps):
        if scheduler_first:
            scheduler.step()
        used.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if not scheduler_first:
            scheduler.step()
    return used


def handed_over_at(milestone: int, build):
    """``build(optimizer)``'s scheduler as the second child of a ``SequentialLR``, after
    ``milestone`` steps of ``ConstantLR(factor=1.0)``: a function of the optimizer.

    At the milestone ``SequentialLR`` starts the child with ``step(0)``, its closed form at
    t = 0, not with the plain steps it would take on its own; the pages document where that
    differs (``total_iters`` of 0 or below, a list, negative milestones).
    """

    def sequence(optimizer):
        hold = torch.optim.lr_scheduler.ConstantLR(optimizer, factor=1.0, total_iters=milestone)
        return torch.optim.lr_scheduler.SequentialLR(
            optimizer, [hold, build(optimizer)], milestones=[milestone]
        )

    return sequence


def lrs_handed_over(scheduler_class, steps: int, lr: float = 0.1, **kwargs) -> list[float]:
    """The LRs of ``steps`` steps of ``scheduler_class(optimizer, **kwargs)`` behind a
    ``SequentialLR`` hand-over at step 2 (see ``handed_over_at``), from an optimizer at ``lr``."""
    build = handed_over_at(2, lambda optimizer: scheduler_class(optimizer, **kwargs))
    return lrs_used(build(dummy_optimizer(lr)), steps)
