"""docs/guides/the-example-everyone-copies.md: what each mistake of the copied example does."""

import ast
import inspect
import math
import re
import warnings
from pathlib import Path

import pytest
import torch
from schedules import STEP_ORDER_WARNING, dummy_optimizer, lrs_used_in_order
from torch.optim import lr_scheduler

ROOT = Path(__file__).resolve().parents[2]
ETA_MIN = 1e-6


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_verbose_is_an_unknown_keyword():
    optimizer = torch.optim.AdamW(torch.nn.Linear(10, 1).parameters(), lr=1e-3)
    with pytest.raises(TypeError) as raised:
        lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=5, verbose=True)
    assert str(raised.value) == (
        "ReduceLROnPlateau.__init__() got an unexpected keyword argument 'verbose'"
    )


def test_the_helpers_are_undefined():
    namespace = {"model": None, "optimizer": None}
    with pytest.raises(NameError) as raised:
        exec("train_one_epoch(model, optimizer)", namespace)
    assert str(raised.value) == "name 'train_one_epoch' is not defined"


def seed_loop():
    """The example's three schedulers on one optimizer, as the page's block runs them."""
    optimizer = dummy_optimizer(1e-3, optimizer_class=torch.optim.AdamW)
    cos = lr_scheduler.CosineAnnealingLR(optimizer, T_max=100, eta_min=ETA_MIN)
    one_cycle = lr_scheduler.OneCycleLR(optimizer, max_lr=1e-2, steps_per_epoch=100, epochs=10)
    plateau = lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=5)
    betas_before_epoch_0 = optimizer.param_groups[0]["betas"]
    used = []
    for epoch in range(100):
        used.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        cos.step()
        plateau.step(max(0.5, 1.0 - 0.025 * epoch))
    return used, betas_before_epoch_0, one_cycle


def cosine_ratio(t: int, t_max: int = 100) -> float:
    return (1 + math.cos(math.pi * t / t_max)) / (1 + math.cos(math.pi * (t - 1) / t_max))


def test_three_schedulers_on_one_optimizer_raise_nothing():
    # pytest turns warnings into errors (pyproject.toml): constructing them is silent.
    used, _, _ = seed_loop()
    assert len(used) == 100


def test_one_cycle_constructor_sets_the_starting_lr_and_beta1():
    used, betas, _ = seed_loop()
    assert used[0] == pytest.approx(1e-2 / 25, rel=1e-12, abs=0)
    assert used[0] / 1e-3 == pytest.approx(0.4, rel=1e-12)  # 40 % of the intended height
    assert betas == (0.95, 0.999)


def test_cosine_carries_on_from_whatever_lr_it_finds():
    used, _, _ = seed_loop()
    # Before the first cut every step is the cosine's recursive ratio applied to the
    # current LR, which started at 0.0004 instead of 0.001.
    for t in range(1, 27):
        expected = ETA_MIN + (used[t - 1] - ETA_MIN) * cosine_ratio(t)
        assert used[t] == pytest.approx(expected, rel=1e-12, abs=0)
    alone = [ETA_MIN + (1e-3 - ETA_MIN) * (1 + math.cos(math.pi * t / 100)) / 2 for t in range(100)]
    assert used[20] / alone[20] == pytest.approx(0.4, rel=1e-3)


def test_plateau_halves_every_six_flat_epochs_and_the_decays_compound():
    used, _, _ = seed_loop()
    cuts = [t for t in range(1, 100) if used[t] / used[t - 1] < 0.6]
    assert cuts == list(range(27, 100, 6))
    t = 27
    expected = 0.5 * (ETA_MIN + (used[t - 1] - ETA_MIN) * cosine_ratio(t))
    assert used[t] == pytest.approx(expected, rel=1e-12, abs=0)
    assert min(used) == pytest.approx(3.07e-7, rel=1e-2)
    assert min(used) < ETA_MIN


def test_one_cycle_never_steps():
    _, _, one_cycle = seed_loop()
    assert one_cycle.last_epoch == 0  # only the constructor's initial step


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_uncommented_batch_loop_raises_at_the_first_batch_of_epoch_10():
    optimizer = dummy_optimizer(1e-3, optimizer_class=torch.optim.AdamW)
    scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=1e-2, steps_per_epoch=100, epochs=10)
    assert scheduler.total_steps == 1000
    calls = 0
    with pytest.raises(ValueError) as raised:
        for epoch in range(100):
            for batch in range(100):
                optimizer.step()
                calls += 1
                scheduler.step()
    assert (epoch, batch, calls) == (10, 0, 1001)
    assert (
        str(raised.value) == "Tried to step 1001 times. The specified number of total steps is 1000"
    )


def step_lr_used(scheduler_first: bool) -> list[float]:
    scheduler = lr_scheduler.StepLR(dummy_optimizer(0.1), step_size=2, gamma=0.5)
    return lrs_used_in_order(scheduler, 6, scheduler_first)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_scheduler_step_first_warns_and_skips_the_first_value():
    right = step_lr_used(scheduler_first=False)
    expected = [0.1 * 0.5 ** (epoch // 2) for epoch in range(7)]
    assert right == pytest.approx(expected[:6], rel=1e-12, abs=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wrong = step_lr_used(scheduler_first=True)
    assert wrong == pytest.approx([0.1] + expected[2:7], rel=1e-12, abs=0)  # shifted by one
    assert [w.category for w in caught] == [UserWarning]
    assert str(caught[0].message) == STEP_ORDER_WARNING


def test_only_reduce_lr_on_plateau_steps_with_a_metric_and_takes_no_run_length():
    takes_metric = sorted(
        name
        for name in set(lr_scheduler.__all__) - {"LRScheduler"}
        if "metrics" in inspect.signature(getattr(lr_scheduler, name).step).parameters
    )
    assert takes_metric == ["ReduceLROnPlateau"]
    arguments = set(inspect.signature(lr_scheduler.ReduceLROnPlateau).parameters)
    assert not arguments & {"T_max", "total_steps", "total_iters", "epochs", "steps_per_epoch"}


def test_step_lr_and_exponential_lr_need_no_length():
    for cls, kwargs in [
        (lr_scheduler.StepLR, {"step_size": 3}),
        (lr_scheduler.ExponentialLR, {"gamma": 0.9}),
    ]:
        required = [
            name
            for name, p in inspect.signature(cls).parameters.items()
            if p.default is inspect.Parameter.empty and name != "optimizer"
        ]
        assert set(required) <= set(kwargs)


def test_the_overview_has_the_table_for_all_fifteen_schedulers():
    schedulers = set(lr_scheduler.__all__) - {"LRScheduler"}
    assert len(schedulers) == 15
    seven = {
        "StepLR",
        "MultiStepLR",
        "CosineAnnealingLR",
        "OneCycleLR",
        "ReduceLROnPlateau",
        "LinearLR",
        "CosineAnnealingWarmRestarts",
    }
    assert seven <= schedulers
    overview = (ROOT / "docs" / "schedulers" / "index.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \[(\w+)\]", overview, flags=re.M)
    assert sorted(rows) == sorted(schedulers)


def scheduler_keywords(snippet_name: str, class_name: str) -> set[str]:
    """The keyword names of the ``class_name(...)`` call in snippets/<snippet_name>.py."""
    tree = ast.parse((ROOT / "snippets" / f"{snippet_name}.py").read_text(encoding="utf-8"))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == class_name
    ]
    assert len(calls) == 1, snippet_name
    return {keyword.arg for keyword in calls[0].keywords}


def test_the_fixed_programs_change_the_lr_and_the_one_cycle_length_only(snippet):
    """The fixed example: lr=0.2 (max_lr=0.2) everywhere; the OneCycleLR program also takes
    steps_per_epoch=len(loader) (16) and a 10-epoch loop; every other setting is the
    example's (T_max=100, eta_min=1e-6, 100 epochs; mode, factor, patience; defaults)."""
    _, _, example_one_cycle = seed_loop()
    one_cycle = snippet("seed_example_fixed_one_cycle")
    assert scheduler_keywords("seed_example_fixed_one_cycle", "OneCycleLR") == {
        "max_lr",
        "epochs",
        "steps_per_epoch",
    }
    assert (one_cycle.steps_per_epoch, one_cycle.epochs) == (16, 10)
    assert example_one_cycle.total_steps == 100 * 10 != one_cycle.scheduler.total_steps == 160
    assert max(one_cycle.lrs) == pytest.approx(0.2, rel=1e-12)
    assert type(one_cycle.scheduler.optimizer) is torch.optim.AdamW

    cosine = snippet("seed_example_fixed_cosine")
    assert (cosine.scheduler.T_max, cosine.scheduler.eta_min, cosine.epochs) == (100, ETA_MIN, 100)
    assert cosine.lrs[0] == 0.2 and type(cosine.scheduler.optimizer) is torch.optim.AdamW

    plateau = snippet("seed_example_fixed_plateau")
    assert scheduler_keywords("seed_example_fixed_plateau", "ReduceLROnPlateau") == {
        "mode",
        "factor",
        "patience",
    }
    settings = (plateau.scheduler.mode, plateau.scheduler.factor, plateau.scheduler.patience)
    assert settings == ("min", 0.5, 5) and plateau.epochs == 100 and plateau.lrs[0] == 0.2
