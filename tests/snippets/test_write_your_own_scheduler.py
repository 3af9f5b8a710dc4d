"""docs/guides/write-your-own-scheduler.md: both routes against the formula computed by hand.

The subclass is taken from the page itself, so the class a reader copies is the one tested.
"""

import contextlib
import io
import warnings
from pathlib import Path

import pytest
import torch
from every_scheduler import SCHEDULERS, make, step
from schedules import dummy_optimizer, lrs_used

from runner.markdown_fences import fences

PAGE = Path(__file__).resolve().parents[2] / "docs/guides/write-your-own-scheduler.md"


def page_block(index: int) -> dict:
    """Run the page's index-th executed python block and return its globals."""
    blocks = [fence for fence in fences(PAGE.read_text(encoding="utf-8")) if fence.info == "python"]
    namespace = {"__name__": "page_block"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile("\n".join(blocks[index].body), str(PAGE), "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def route_1():
    return page_block(0)


def inverse_time(t: int, lr: float = 0.1, decay: float = 0.5) -> float:
    return lr / (1 + decay * t)


def linear_warmup(t: int) -> float:
    return 0.25 + 0.75 * min(t, 3) / 3


def drive(scheduler, steps=50):
    values = []
    for _ in range(steps):
        values.append(scheduler.optimizer.param_groups[0]["lr"])
        scheduler.optimizer.step()
        scheduler.step()
    return values


def sgd(lr=0.1, groups=1):
    return torch.optim.SGD(
        [{"params": [torch.zeros(1, requires_grad=True)]} for _ in range(groups)], lr=lr
    )


def test_the_subclass_matches_the_formula_by_hand(route_1):
    scheduler = route_1["InverseTimeLR"](sgd(), decay=0.5)
    assert drive(scheduler) == pytest.approx([inverse_time(t) for t in range(50)], rel=1e-12, abs=0)
    assert route_1["alone"] == pytest.approx([inverse_time(t) for t in range(6)], rel=1e-12, abs=0)


def test_the_subclass_is_chainable_with_a_warm_up(route_1):
    expected = [inverse_time(t) * linear_warmup(t) for t in range(6)]
    assert route_1["with_warmup"] == pytest.approx(expected, rel=1e-12, abs=0)


def test_the_subclass_handles_every_group_from_its_own_lr(route_1):
    optimizer = sgd(groups=2)
    optimizer.param_groups[1]["lr"] = 0.01
    scheduler = route_1["InverseTimeLR"](optimizer, decay=0.5)
    for t in range(10):
        assert scheduler.get_last_lr() == pytest.approx(
            [inverse_time(t), inverse_time(t, 0.01)], rel=1e-12
        )
        optimizer.step()
        scheduler.step()


def test_the_constructor_checks_decay_and_the_state_keeps_it(route_1):
    with pytest.raises(ValueError) as raised:
        route_1["InverseTimeLR"](sgd(), decay=-1)
    assert str(raised.value) == "decay must be non-negative, got -1"
    scheduler = route_1["InverseTimeLR"](sgd(), decay=0.5)
    assert scheduler.state_dict()["decay"] == 0.5


def with_closed_form(route_1):
    """The page's InverseTimeLR with a closed form that counts its calls."""

    class WithClosedForm(route_1["InverseTimeLR"]):
        calls = 0

        def _get_closed_form_lr(self):
            WithClosedForm.calls += 1
            return [base_lr / (1 + self.decay * self.last_epoch) for base_lr in self.base_lrs]

    return WithClosedForm


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_a_plain_loop_never_calls_the_closed_form_the_deprecated_step_epoch_does(route_1):
    closed_form_class = with_closed_form(route_1)
    scheduler = closed_form_class(sgd(), decay=0.5)
    drive(scheduler, steps=5)
    assert closed_form_class.calls == 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scheduler.step(10)
    assert closed_form_class.calls == 1
    assert scheduler.get_last_lr() == pytest.approx([inverse_time(10)], rel=1e-12)
    assert [w.category for w in caught] == [UserWarning]
    assert "deprecated" in str(caught[0].message)


def test_sequential_lr_calls_the_closed_form_at_every_milestone(route_1):
    closed_form_class = with_closed_form(route_1)
    optimizer = sgd()
    L = torch.optim.lr_scheduler
    scheduler = L.SequentialLR(
        optimizer,
        [
            L.LinearLR(optimizer, start_factor=0.5, total_iters=3),
            closed_form_class(optimizer, decay=0.5),
            L.ConstantLR(optimizer, factor=0.5, total_iters=2),
            closed_form_class(optimizer, decay=0.5),
        ],
        milestones=[3, 8, 12],
    )
    used = drive(scheduler, steps=20)
    assert closed_form_class.calls == 2  # at the milestones 3 and 12, none between
    assert used[3] == pytest.approx(0.1, rel=1e-12)
    assert used[12:] == pytest.approx([inverse_time(t) for t in range(8)], rel=1e-12)


def test_without_a_closed_form_the_decay_after_a_warm_up_runs_four_percent_low(route_1):
    results = {}
    for name, decay_class in [
        ("chainable", route_1["InverseTimeLR"]),
        ("closed form", with_closed_form(route_1)),
    ]:
        optimizer = sgd()
        L = torch.optim.lr_scheduler
        scheduler = L.SequentialLR(
            optimizer,
            [L.LinearLR(optimizer, 0.01, total_iters=24), decay_class(optimizer, decay=0.5)],
            milestones=[24],
        )
        results[name] = drive(scheduler, steps=60)[24:]
    last_warmup = 0.1 * (0.01 + 0.99 * 23 / 24)
    assert results["closed form"] == pytest.approx([inverse_time(t) for t in range(36)], rel=1e-12)
    ratios = [low / right for low, right in zip(results["chainable"], results["closed form"])]
    assert ratios == pytest.approx([last_warmup / 0.1] * 36, rel=1e-12)
    assert 1 - ratios[0] == pytest.approx(0.04125, rel=1e-12)  # "4.1% low" on the page


def test_lambda_lr_matches_the_formula_by_hand():
    optimizer = sgd()
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: 1 / (1 + 0.5 * t))
    assert drive(scheduler) == pytest.approx([inverse_time(t) for t in range(50)], rel=1e-12, abs=0)
    assert scheduler.state_dict()["lr_lambdas"] == [None]  # the function is not saved


def test_lambda_lr_overwrites_a_changed_lr_the_chainable_subclass_builds_on_it(route_1):
    results = {}
    for name, create in [
        (
            "LambdaLR",
            lambda opt: torch.optim.lr_scheduler.LambdaLR(opt, lambda t: 1 / (1 + 0.5 * t)),
        ),
        ("InverseTimeLR", lambda opt: route_1["InverseTimeLR"](opt, decay=0.5)),
    ]:
        optimizer = sgd()
        scheduler = create(optimizer)
        optimizer.param_groups[0]["lr"] = 0.05  # another scheduler, or a person, halves it
        optimizer.step()
        scheduler.step()
        results[name] = optimizer.param_groups[0]["lr"]
    assert results["LambdaLR"] == pytest.approx(inverse_time(1), rel=1e-12)
    assert results["InverseTimeLR"] == pytest.approx(inverse_time(1) / 2, rel=1e-12)


CHAINABLE = {
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "PolynomialLR",
    "CosineAnnealingLR",
    "MultiplicativeLR",
}


def test_multiplicative_lr_is_the_one_chainable_built_in_without_a_closed_form():
    """The page: eight built-ins have a chainable get_lr(), all but MultiplicativeLR define
    _get_closed_form_lr(). Chainable: a value set by hand carries into the next step."""
    chainable, closed_form = set(), set()
    for name in SCHEDULERS:
        if name in ("SequentialLR", "ChainedScheduler", "ReduceLROnPlateau"):
            continue  # no get_lr() of their own
        optimizer = sgd()
        scheduler = make(name, optimizer)
        optimizer.step()
        step(scheduler)
        untouched = optimizer.param_groups[0]["lr"]
        optimizer.step()
        step(scheduler)
        expected = optimizer.param_groups[0]["lr"]
        optimizer = sgd()
        scheduler = make(name, optimizer)
        optimizer.step()
        step(scheduler)
        optimizer.param_groups[0]["lr"] = 2 * untouched  # set by hand
        optimizer.step()
        step(scheduler)
        if optimizer.param_groups[0]["lr"] == pytest.approx(2 * expected, rel=1e-12):
            chainable.add(name)
        if hasattr(type(scheduler), "_get_closed_form_lr"):
            closed_form.add(name)
    assert chainable == CHAINABLE
    assert closed_form == CHAINABLE - {"MultiplicativeLR"}


def test_after_a_warm_up_multiplicative_lr_continues_from_its_last_value():
    """The page's block: ExponentialLR restarts from the base lr at the milestone,
    MultiplicativeLR multiplies the warm-up's last value."""
    blocks = [fence for fence in fences(PAGE.read_text(encoding="utf-8")) if fence.info == "python"]
    index = next(
        i
        for i, block in enumerate(blocks)
        if "MultiplicativeLR(opt, lambda t: 0.95)" in "\n".join(block.body)
    )
    namespace = page_block(index)  # the loop's last run: MultiplicativeLR
    assert namespace["used"][23:] == pytest.approx(
        [0.1 * (0.01 + 0.99 * 23 / 24) * 0.95**t for t in range(4)], rel=1e-12
    )
    optimizer = sgd()
    warm_up = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.01, total_iters=24)
    decay = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.95)
    scheduler = torch.optim.lr_scheduler.SequentialLR(optimizer, [warm_up, decay], [24])
    restarted = [0.1 * (0.01 + 0.99 * 23 / 24)] + [0.1 * 0.95**t for t in range(3)]
    assert drive(scheduler, 27)[23:] == pytest.approx(restarted, rel=1e-12)
    # The page's advice: a LambdaLR of the product of the factors restarts from the base lr.
    optimizer = sgd()
    warm_up = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.01, total_iters=24)
    product = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: 0.95**t)
    scheduler = torch.optim.lr_scheduler.SequentialLR(optimizer, [warm_up, product], [24])
    assert drive(scheduler, 27)[23:] == pytest.approx(restarted, rel=1e-12)


def test_multiplicative_lr_uses_its_function_at_0_only_after_a_milestone(route_1):
    """The page: alone, MultiplicativeLR never evaluates its function at 0; after a milestone
    it multiplies the warm-up's last value by it, where the subclass without a closed form
    keeps that value at its step 0."""
    calls = []

    def halve_every_10(t):
        calls.append(t)
        return 0.5 if t % 10 == 0 else 1.0

    L = torch.optim.lr_scheduler
    alone = L.MultiplicativeLR(sgd(), halve_every_10)
    assert drive(alone, 12) == pytest.approx([0.1] * 10 + [0.05] * 2, rel=1e-12)
    assert 0 not in calls

    last_warm_up = 0.1 * (0.5 + 0.5 * 3 / 4)  # LinearLR(0.5, total_iters=4) at step 3
    for decay_class, first_factor in [
        (lambda o: L.MultiplicativeLR(o, halve_every_10), 0.5),
        (lambda o: route_1["InverseTimeLR"](o, decay=0.5), 1.0),
    ]:
        calls.clear()
        optimizer = sgd()
        warm_up = L.LinearLR(optimizer, 0.5, total_iters=4)
        scheduler = L.SequentialLR(optimizer, [warm_up, decay_class(optimizer)], [4])
        assert drive(scheduler, 5)[3:] == pytest.approx(
            [last_warm_up, last_warm_up * first_factor], rel=1e-12
        )
        assert (0 in calls) is (first_factor == 0.5)  # MultiplicativeLR called it at 0


def test_plain_steps_never_call_the_closed_form_and_a_sequential_lr_milestone_and_step_epoch_do(
    monkeypatch,
):
    """write-your-own-scheduler.md: scheduler.step() never calls _get_closed_form_lr();
    SequentialLR calls it at a milestone (step(0)), and so does the deprecated step(epoch)."""
    called = []
    closed_form = torch.optim.lr_scheduler.StepLR._get_closed_form_lr

    def spy(self):
        called.append(self.last_epoch)
        return closed_form(self)

    monkeypatch.setattr(torch.optim.lr_scheduler.StepLR, "_get_closed_form_lr", spy)
    optimizer = dummy_optimizer(0.1)
    lrs_used(torch.optim.lr_scheduler.StepLR(optimizer, step_size=2), 5)
    assert called == []
    optimizer = dummy_optimizer(0.1)
    first = torch.optim.lr_scheduler.ConstantLR(optimizer, factor=0.5, total_iters=3)
    then = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2)
    lrs_used(torch.optim.lr_scheduler.SequentialLR(optimizer, [first, then], milestones=[3]), 5)
    assert called == [0]  # the hand-over, at the child's step 0
    with warnings.catch_warnings(record=True):  # step(epoch) is deprecated and says so
        warnings.simplefilter("always")
        then.step(4)
    assert called == [0, 4]
