"""docs/schedulers/index.md: the overview's one-line summaries and its "Built from" column."""

import re
from pathlib import Path

import pytest
from compositions import linear_decay, wsd
from schedules import dummy_optimizer, lrs_used
from torch.optim import lr_scheduler as L

ROOT = Path(__file__).resolve().parents[2]
OVERVIEW = ROOT / "docs" / "schedulers" / "index.md"


def modern_rows() -> list[tuple[str, set[str]]]:
    """(page under docs/modern/, the scheduler names in its "Built from" cell) for each row."""
    found = []
    for line in OVERVIEW.read_text(encoding="utf-8").splitlines():
        if line.startswith("| [") and "](../modern/" in line:
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            page = re.search(r"\(\.\./modern/([^)]+)\)", cells[0]).group(1)
            found.append((page, set(re.findall(r"`(\w+)`", cells[2]))))
    return found


def test_the_overview_has_a_built_from_cell_for_each_modern_schedule():
    assert len(modern_rows()) == 6


@pytest.mark.parametrize("page, built_from", modern_rows(), ids=[p for p, _ in modern_rows()])
def test_built_from_names_every_scheduler_the_modern_example_creates(page, built_from, snippet):
    text = (ROOT / "docs" / "modern" / page).read_text(encoding="utf-8")
    name = re.search(r'--8<-- "snippets/(\w+)\.py"', text).group(1)
    scheduler = snippet(name).scheduler
    assert type(scheduler) is L.SequentialLR
    children = {type(child).__name__ for child in scheduler._schedulers}
    assert "ConstantLR" in children  # the one-step zero before the warm-up
    assert children <= built_from, f"{page}: {children - built_from} missing from Built from"
    # names beyond the example's are the page's other variants, shown on the page itself
    assert all(f"`{other}`" in text or f"{other}(" in text for other in built_from)


def factor_of(build, steps):
    """The LR a scheduler gives alone, as a multiple of the initial LR 1.0, at each step."""
    return lrs_used(build(dummy_optimizer(1.0, momentum=0.9)), steps)


# Children that only scale the LR they are handed, and some that set it outright.
SCALING = {
    "StepLR": lambda o: L.StepLR(o, step_size=2, gamma=0.5),
    "MultiStepLR": lambda o: L.MultiStepLR(o, milestones=[1, 4], gamma=0.5),
    "ConstantLR": lambda o: L.ConstantLR(o, factor=0.5, total_iters=3),
    "LinearLR": lambda o: L.LinearLR(o, start_factor=0.2, total_iters=4),
    "ExponentialLR": lambda o: L.ExponentialLR(o, gamma=0.7),
    "PolynomialLR": lambda o: L.PolynomialLR(o, total_iters=6, power=2.0),
    "MultiplicativeLR": lambda o: L.MultiplicativeLR(o, lambda step: 0.9),
    "CosineAnnealingLR eta_min=0": lambda o: L.CosineAnnealingLR(o, T_max=6),
}
SETTING = {
    "CosineAnnealingLR eta_min=0.1": lambda o: L.CosineAnnealingLR(o, T_max=6, eta_min=0.1),
    "LambdaLR": lambda o: L.LambdaLR(o, lambda step: 0.9**step),
    "CosineAnnealingWarmRestarts": lambda o: L.CosineAnnealingWarmRestarts(o, T_0=3),
    "CyclicLR": lambda o: L.CyclicLR(o, base_lr=0.1, max_lr=1.0, step_size_up=3),
    "OneCycleLR": lambda o: L.OneCycleLR(o, max_lr=1.0, total_steps=7),
}


@pytest.mark.parametrize("name", [*SCALING, *SETTING])
def test_chained_factors_multiply_when_every_child_only_scales_the_lr_it_is_handed(name):
    steps = 6
    child = {**SCALING, **SETTING}[name]
    decay = SCALING["ExponentialLR"]
    optimizer = dummy_optimizer(1.0, momentum=0.9)
    chain = L.ChainedScheduler([child(optimizer), decay(optimizer)])
    chained = lrs_used(chain, steps)
    product = [a * b for a, b in zip(factor_of(child, steps), factor_of(decay, steps))]
    if name in SCALING:
        assert chained == pytest.approx(product, rel=1e-9)
    else:
        assert chained != pytest.approx(product, rel=1e-6)


def test_linear_lr_refuses_a_start_factor_of_0_so_a_one_step_constant_lr_gives_the_zero():
    with pytest.raises(ValueError, match="Starting multiplicative factor expected to be greater"):
        L.LinearLR(dummy_optimizer(0.1), start_factor=0.0)
    optimizer = dummy_optimizer(0.1)
    zero = L.ConstantLR(optimizer, factor=0.0, total_iters=1)
    warmup = L.LinearLR(optimizer, start_factor=1 / 4, total_iters=3)
    scheduler = L.SequentialLR(optimizer, [zero, warmup], milestones=[1])
    assert lrs_used(scheduler, 5) == pytest.approx([0.0, 0.025, 0.05, 0.075, 0.1], rel=1e-12)


def test_cosine_with_eta_min_0_stops_multiplying_past_t_max():
    steps = 8  # T_max=4: steps 5 to 7 climb back up, by a term computed from the initial LR
    cosine = lambda o: L.CosineAnnealingLR(o, T_max=4)  # noqa: E731
    decay = SCALING["ExponentialLR"]
    optimizer = dummy_optimizer(1.0, momentum=0.9)
    chained = lrs_used(L.ChainedScheduler([cosine(optimizer), decay(optimizer)]), steps)
    product = [a * b for a, b in zip(factor_of(cosine, steps), factor_of(decay, steps))]
    assert chained[:5] == pytest.approx(product[:5], rel=1e-9, abs=1e-15)
    assert all(chained[t] > 1.5 * product[t] for t in (5, 6, 7))


@pytest.mark.parametrize("page", [p for p, _ in modern_rows()])
def test_each_modern_example_warms_up_over_16_steps_from_a_one_step_zero_constant_lr(page, snippet):
    text = (ROOT / "docs" / "modern" / page).read_text(encoding="utf-8")
    run = snippet(re.search(r'--8<-- "snippets/(\w+)\.py"', text).group(1))
    first, ramp = run.scheduler._schedulers[:2]
    assert type(first) is L.ConstantLR and (first.factor, first.total_iters) == (0.0, 1)
    assert type(ramp) is L.LinearLR and ramp.start_factor == 1 / 16
    assert run.scheduler._milestones[0] == 1
    assert run.lrs[0] == 0.0 and run.lrs[16] == pytest.approx(max(run.lrs[:17]), rel=1e-12)
    assert all(a < b for a, b in zip(run.lrs[:16], run.lrs[1:17]))  # climbing until step 16


def test_wsd_with_a_min_lr_ratio_starts_its_warm_up_at_r_times_the_peak_without_constant_lr():
    scheduler = wsd(dummy_optimizer(0.01), 16, 112, 32, "linear", min_lr_ratio=0.1)
    first = scheduler._schedulers[0]
    assert type(first) is L.LinearLR and first.start_factor == 0.1
    assert L.ConstantLR not in {type(child) for child in scheduler._schedulers}
    # tests/libraries/test_transformers_warmup_stable_decay.py holds it equal to Hugging Face's
    assert lrs_used(scheduler, 1) == pytest.approx([0.001], rel=1e-12)


def test_linear_decay_without_warm_up_leaves_both_warm_up_children_out():
    scheduler = linear_decay(dummy_optimizer(0.01), 0, 50)
    # tests/libraries/test_transformers_linear_decay.py holds it equal to Hugging Face's
    assert type(scheduler) is L.LinearLR and scheduler.start_factor == 1.0
    assert lrs_used(scheduler, 1) == [0.01]
