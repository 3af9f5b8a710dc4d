"""docs/guides/per-epoch-or-per-batch.md: lengths count scheduler steps, in any unit."""

import inspect
import math
import warnings

import pytest
from schedules import dummy_optimizer, lrs_used
from torch.optim import lr_scheduler

ITERS = 8  # len(loader) in the guide's examples


def used(make_scheduler, steps: int) -> list[float]:
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    return lrs_used(make_scheduler(optimizer), steps)


@pytest.mark.parametrize(
    "per_epoch, per_batch",
    [
        (
            lambda o: lr_scheduler.StepLR(o, step_size=2, gamma=0.5),
            lambda o: lr_scheduler.StepLR(o, step_size=2 * ITERS, gamma=0.5),
        ),
        (
            lambda o: lr_scheduler.MultiStepLR(o, milestones=[2, 4], gamma=0.1),
            lambda o: lr_scheduler.MultiStepLR(o, milestones=[2 * ITERS, 4 * ITERS], gamma=0.1),
        ),
        (
            lambda o: lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=3),
            lambda o: lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=3 * ITERS),
        ),
        (
            lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=6),
            lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=6 * ITERS),
        ),
        (
            lambda o: lr_scheduler.PolynomialLR(o, total_iters=6, power=2.0),
            lambda o: lr_scheduler.PolynomialLR(o, total_iters=6 * ITERS, power=2.0),
        ),
    ],
    ids=["StepLR", "MultiStepLR", "LinearLR", "CosineAnnealingLR", "PolynomialLR"],
)
def test_lengths_times_len_loader_give_the_same_lr_at_each_epochs_first_batch(per_epoch, per_batch):
    epochs = 6
    by_epoch = used(per_epoch, epochs)
    by_batch = used(per_batch, epochs * ITERS)
    assert by_batch[::ITERS] == pytest.approx(by_epoch, rel=1e-12, abs=0)


@pytest.mark.parametrize(
    "per_epoch, per_batch",
    [
        (
            lambda o: lr_scheduler.StepLR(o, step_size=2, gamma=0.5),
            lambda o: lr_scheduler.StepLR(o, step_size=2 * ITERS, gamma=0.5),
        ),
        (
            lambda o: lr_scheduler.MultiStepLR(o, milestones=[2, 4], gamma=0.1),
            lambda o: lr_scheduler.MultiStepLR(o, milestones=[2 * ITERS, 4 * ITERS], gamma=0.1),
        ),
    ],
    ids=["StepLR", "MultiStepLR"],
)
def test_converted_staircases_match_at_every_batch(per_epoch, per_batch):
    epochs = 6
    by_epoch = used(per_epoch, epochs)
    by_batch = used(per_batch, epochs * ITERS)
    assert by_batch == pytest.approx(
        [by_epoch[k // ITERS] for k in range(epochs * ITERS)], rel=1e-12, abs=0
    )


def test_the_guides_table_values():
    cosine = [0.05 * (1 + math.cos(math.pi * e / 6)) for e in range(6)]
    assert used(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=6 * ITERS), 48)[::ITERS] == (
        pytest.approx(cosine, rel=1e-12, abs=0)
    )
    linear = [0.1 * (0.1 + 0.9 * min(e, 3) / 3) for e in range(6)]
    assert used(lambda o: lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=3 * ITERS), 48)[
        ::ITERS
    ] == pytest.approx(linear, rel=1e-12, abs=0)


def test_exponential_gamma_applies_per_call_so_per_batch_needs_its_root():
    per_epoch = used(lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9), 6)
    same_gamma = used(lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9), 6 * ITERS)
    rooted = used(lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9 ** (1 / ITERS)), 6 * ITERS)
    assert per_epoch == pytest.approx([0.1 * 0.9**e for e in range(6)], rel=1e-12, abs=0)
    assert rooted[::ITERS] == pytest.approx(per_epoch, rel=1e-12, abs=0)
    assert same_gamma[ITERS] == pytest.approx(0.1 * 0.9**ITERS, rel=1e-12)  # 8 decays per epoch


def test_cyclic_lr_default_step_size_up_is_2000_steps():
    assert inspect.signature(lr_scheduler.CyclicLR).parameters["step_size_up"].default == 2000
    scheduler = lr_scheduler.CyclicLR(dummy_optimizer(0.1, momentum=0.9), base_lr=0.01, max_lr=0.1)
    lrs = lrs_used(scheduler, 2001)
    assert lrs.index(max(lrs)) == 2000


def cosine(step: float, t_max: float) -> float:
    return 0.001 + (0.1 - 0.001) * (1 + math.cos(math.pi * step / t_max)) / 2


def first_batch_lrs(t_max: int, step_per_batch: bool, epochs=10) -> list[float]:
    optimizer = dummy_optimizer(0.1)
    scheduler = lr_scheduler.CosineAnnealingLR(optimizer, T_max=t_max, eta_min=0.001)
    firsts = []
    for _ in range(epochs):
        for batch in range(ITERS):
            if batch == 0:
                firsts.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            if step_per_batch:
                scheduler.step()
        if not step_per_batch:
            scheduler.step()
    return firsts


def test_first_batch_of_each_epoch_intended_mistake_and_fix():
    intended = first_batch_lrs(10, step_per_batch=False)
    mistake = first_batch_lrs(10, step_per_batch=True)
    fixed = first_batch_lrs(80, step_per_batch=True)
    assert intended == pytest.approx([cosine(e, 10) for e in range(10)], rel=1e-12, abs=0)
    assert fixed == pytest.approx(intended, rel=1e-12, abs=0)
    assert mistake == pytest.approx([cosine(8 * e, 10) for e in range(10)], rel=1e-12, abs=0)
    assert mistake[5] == pytest.approx(0.1, rel=1e-12)  # back at the start after 40 batches


def test_per_batch_one_cycle_stepped_per_epoch_stays_in_its_warmup():
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, epochs=10, steps_per_epoch=ITERS)
    per_batch_used = []
    for _ in range(10):
        for _ in range(ITERS):
            per_batch_used.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
        scheduler.step()
    assert (scheduler.last_epoch, scheduler.total_steps) == (10, 80)
    warmup_end = 0.3 * 80 - 1
    warmup_at_9 = 0.1 - (0.1 - 0.004) / 2 * (1 + math.cos(math.pi * 9 / warmup_end))
    assert max(per_batch_used) == per_batch_used[-1] == pytest.approx(warmup_at_9, rel=1e-12)
    assert f"{warmup_at_9:.4f}" == "0.0359"


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_one_cycle_stepped_per_batch_and_per_epoch_raises():
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, epochs=10, steps_per_epoch=ITERS)
    with pytest.raises(ValueError) as raised:
        for _ in range(10):
            for _ in range(ITERS):
                optimizer.step()
                scheduler.step()
            scheduler.step()
    assert str(raised.value) == "Tried to step 81 times. The specified number of total steps is 80"


EPOCH_DEPRECATION = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where "
    "possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if "
    "epoch is different from None, the closed form is used instead of the new chainable form, "
    "where available. Please open an issue if you are unable to replicate your use case: "
    "https://github.com/pytorch/pytorch/issues/new/choose."
)

STEPPED_WITH_AN_EPOCH = {
    "LambdaLR": lambda o: lr_scheduler.LambdaLR(o, lambda step: 1.0),
    "MultiplicativeLR": lambda o: lr_scheduler.MultiplicativeLR(o, lambda step: 0.9),
    "StepLR": lambda o: lr_scheduler.StepLR(o, step_size=2),
    "MultiStepLR": lambda o: lr_scheduler.MultiStepLR(o, milestones=[2]),
    "ConstantLR": lambda o: lr_scheduler.ConstantLR(o),
    "LinearLR": lambda o: lr_scheduler.LinearLR(o),
    "ExponentialLR": lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR": lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=10),
    "CyclicLR": lambda o: lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1),
    "OneCycleLR": lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=10),
    "PolynomialLR": lambda o: lr_scheduler.PolynomialLR(o),
}


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
@pytest.mark.parametrize("name", sorted(STEPPED_WITH_AN_EPOCH))
def test_other_schedulers_warn_that_the_epoch_argument_is_deprecated(name):
    optimizer = dummy_optimizer(0.1, momentum=0.9)
    scheduler = STEPPED_WITH_AN_EPOCH[name](optimizer)
    optimizer.step()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scheduler.step(1)
    assert [(w.category, str(w.message)) for w in caught] == [(UserWarning, EPOCH_DEPRECATION)]


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_reduce_lr_on_plateau_also_warns_about_the_epoch_argument():
    optimizer = dummy_optimizer(0.1)
    scheduler = lr_scheduler.ReduceLROnPlateau(optimizer)
    optimizer.step()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scheduler.step(1.0, 1)
    assert [(w.category, str(w.message)) for w in caught] == [(UserWarning, EPOCH_DEPRECATION)]


@pytest.mark.parametrize("name", ["SequentialLR", "ChainedScheduler"])
def test_containers_take_no_epoch_argument(name):
    optimizer = dummy_optimizer(0.1)
    children = [lr_scheduler.ConstantLR(optimizer), lr_scheduler.ExponentialLR(optimizer, 0.9)]
    if name == "SequentialLR":
        scheduler = lr_scheduler.SequentialLR(optimizer, children, milestones=[2])
    else:
        scheduler = lr_scheduler.ChainedScheduler(children)
    optimizer.step()
    with pytest.raises(TypeError, match=r"takes 1 positional argument but 2 were given"):
        scheduler.step(1)


def test_warm_restarts_accepts_a_fractional_epoch_without_warning():
    optimizer = dummy_optimizer(0.1)
    scheduler = lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=5)
    optimizer.step()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scheduler.step(0 + 1 / ITERS)
    assert caught == []
    assert scheduler.get_last_lr()[0] == pytest.approx(
        0.05 * (1 + math.cos(math.pi * (1 / ITERS) / 5)), rel=1e-12
    )


def test_every_scheduler_torch_exports_is_covered_by_the_epoch_argument_claim():
    covered = set(STEPPED_WITH_AN_EPOCH) | {
        "ReduceLROnPlateau",
        "SequentialLR",
        "ChainedScheduler",
        "CosineAnnealingWarmRestarts",
    }
    assert set(lr_scheduler.__all__) - {"LRScheduler"} == covered
