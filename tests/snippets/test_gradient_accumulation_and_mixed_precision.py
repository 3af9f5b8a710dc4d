"""docs/guides/gradient-accumulation-and-mixed-precision.md: every claim, with numbers.

GradScaler runs on the CPU here ("cpu" autocast in float16), so these checks are the same
on the GPU runner.
"""

import math
import warnings

import pytest
import torch
from schedules import STEP_ORDER_WARNING, dummy_optimizer, lrs_used


def one_cycle_lrs(steps_per_epoch: int, updates: int = 40) -> tuple[int, list[float]]:
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.01, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=0.1, epochs=10, steps_per_epoch=steps_per_epoch
    )
    lrs = []
    for _ in range(updates):
        lrs.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
    return scheduler.total_steps, lrs


def test_sized_in_updates_the_cycle_completes_sized_in_micro_batches_it_never_peaks():
    total, lrs = one_cycle_lrs(steps_per_epoch=4)
    assert total == 40
    assert lrs.index(max(lrs)) == 11 and max(lrs) == pytest.approx(0.1, rel=1e-12, abs=0)
    assert lrs[-1] == pytest.approx(4e-7, rel=1e-12, abs=0)

    total, lrs = one_cycle_lrs(steps_per_epoch=16)
    assert total == 160
    assert lrs.index(max(lrs)) == 39  # still rising at the last update
    assert f"{max(lrs):.4f}" == "0.0933" and f"{lrs[-1]:.3g}" == "0.0933"


def sized_in_micro_batches(
    micro_batches: int, accumulation_steps: int, epochs: int = 10, short_window: bool = False
):
    """The page's mistaken loop: OneCycleLR sized with steps_per_epoch=len(loader), an update
    (and scheduler.step()) on every accumulation_steps-th micro-batch, and with `short_window`
    on the last micro-batch of an epoch too. Returns total_steps and the lr of each update."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.01, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=0.1, epochs=epochs, steps_per_epoch=micro_batches
    )
    lrs = []
    for _ in range(epochs):
        for i in range(micro_batches):
            last = short_window and i == micro_batches - 1
            if (i + 1) % accumulation_steps == 0 or last:
                lrs.append(optimizer.param_groups[0]["lr"])
                optimizer.step()
                scheduler.step()
    return scheduler.total_steps, lrs


@pytest.mark.parametrize("short_window", [False, True])
def test_sized_in_micro_batches_the_schedule_runs_len_loader_over_updates_times_too_slowly(
    short_window,
):
    """gradient-accumulation page: len(loader) / updates per epoch times too slowly, at least
    accumulation_steps times in the page's loop, at most that when the short window updates."""
    for micro_batches in range(2, 41):
        for accumulation_steps in range(2, micro_batches + 1):
            total, lrs = sized_in_micro_batches(micro_batches, accumulation_steps, 3, short_window)
            slowdown = total / len(lrs)
            updates = (math.ceil if short_window else math.floor)(
                micro_batches / accumulation_steps
            )
            assert slowdown == pytest.approx(micro_batches / updates, rel=1e-12)
            # one scheduler.step() per update: the run is the first len(lrs) steps of the cycle
            cycle = torch.optim.lr_scheduler.OneCycleLR(
                dummy_optimizer(0.01, momentum=0.9), max_lr=0.1, total_steps=total
            )
            assert lrs == lrs_used(cycle, len(lrs))
            if short_window:
                assert slowdown <= accumulation_steps
            else:
                assert slowdown >= accumulation_steps
    total, lrs = sized_in_micro_batches(5, 4, 10, short_window=True)
    assert total / len(lrs) == 2.5  # 5 micro-batches, 4 per update: 2.5 times, not 4


@pytest.mark.parametrize("accumulation_steps", [2, 3, 4, 5, 6])
def test_sized_in_micro_batches_one_cycle_still_rises_at_the_end_below_30_percent_updates(
    accumulation_steps,
):
    """The pitfall's warning (and pitfalls.md): the loop covers (len(loader) //
    accumulation_steps) / len(loader) of the schedule, at least accumulation_steps times too
    slowly; the lr still rises at the end when that is below pct_start=0.3, always from
    accumulation_steps=4 on, never with 2 (past the peak), with 3 depending on len(loader)."""
    rising_for = []
    for micro_batches in range(accumulation_steps, 41):
        total, lrs = sized_in_micro_batches(micro_batches, accumulation_steps)
        updates = 10 * (micro_batches // accumulation_steps)
        assert total == 10 * micro_batches and len(lrs) == updates
        rising = lrs[-1] > lrs[-2] and max(lrs) < 0.1
        assert rising is (updates < 0.3 * total), micro_batches
        if rising:
            rising_for.append(micro_batches)
        elif updates == 0.3 * total:  # 3 of 10 micro-batches: the last update is the peak
            assert lrs[-1] == max(lrs) == pytest.approx(0.1, rel=1e-12)
        else:  # past the peak
            assert lrs[-1] < max(lrs) == pytest.approx(0.1, rel=1e-12)
    if accumulation_steps >= 4:
        assert rising_for == list(range(accumulation_steps, 41))
    elif accumulation_steps == 2:
        assert rising_for == []
    else:
        assert 16 not in rising_for and {11, 17} <= set(rising_for)


def test_with_three_steps_the_pages_16_micro_batches_end_two_updates_past_the_peak():
    """The pitfall's warning: with accumulation_steps=3, 16 micro-batches and 10 epochs, the
    run ends two updates past the peak; with 11 or 17 the lr is still rising."""
    total, lrs = sized_in_micro_batches(16, 3)
    assert (total, len(lrs), lrs.index(max(lrs))) == (160, 50, 47)
    assert f"{lrs[-1]:.4f}" == "0.0999"
    for micro_batches in (11, 17):
        _, lrs = sized_in_micro_batches(micro_batches, 3)
        assert lrs[-1] == max(lrs) < 0.1


def step_per_micro_batch(make_scheduler, epochs=10, micro_batches=16, accumulation_steps=4):
    """The page's wrong loop: scheduler.step() after every micro-batch."""
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1, momentum=0.9)
    scheduler = make_scheduler(optimizer)
    lrs, error, where = [], None, None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            for epoch in range(epochs):
                for i in range(micro_batches):
                    if (i + 1) % accumulation_steps == 0:
                        lrs.append(optimizer.param_groups[0]["lr"])
                        optimizer.step()
                    scheduler.step()
        except ValueError as raised:
            error, where = raised, (epoch, i)
    return lrs, error, where, [(w.category, str(w.message)) for w in caught]


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_one_cycle_stepped_per_micro_batch_raises_a_quarter_of_the_way_in():
    lrs, error, where, caught = step_per_micro_batch(
        lambda opt: torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=40)
    )
    assert str(error) == "Tried to step 41 times. The specified number of total steps is 40"
    assert where == (2, 8)  # micro-batch 40 of 160
    assert len(lrs) == 10  # only 10 of the 40 updates happened
    assert caught == [(UserWarning, STEP_ORDER_WARNING)]


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_cosine_stepped_per_micro_batch_runs_two_periods_with_only_a_warning():
    lrs, error, _, caught = step_per_micro_batch(
        lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=40)
    )
    assert error is None and len(lrs) == 40
    assert caught == [(UserWarning, STEP_ORDER_WARNING)]
    # Update k runs after 4k + 3 scheduler steps (every micro-batch but the one it ends).
    expected = [0.05 * (1 + math.cos(math.pi * (4 * k + 3) / 40)) for k in range(40)]
    assert lrs == pytest.approx(expected, rel=1e-9, abs=1e-15)
    printed = ", ".join(f"{lr:.3f}" for lr in lrs[::5])
    assert printed == "0.099, 0.038, 0.001, 0.062, 0.099, 0.038, 0.001, 0.062"
    assert min(lrs[:20]) == lrs[9] and max(lrs[10:30]) == lrs[19]  # near 10 and near 20


def one_weight_amp_model():
    model = torch.nn.Linear(1, 1, bias=False)
    torch.nn.init.ones_(model.weight)
    return model


def amp_loss(model, inputs, targets):
    with torch.autocast(device_type="cpu", dtype=torch.float16):
        return torch.nn.functional.mse_loss(model(inputs), targets)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_grad_scaler_cpu_skips_the_first_two_updates_and_the_scheduler_moves_on():
    model = one_weight_amp_model()
    inputs, targets = torch.ones(1, 1), torch.zeros(1, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.25, total_iters=3)
    scaler = torch.amp.GradScaler("cpu")
    assert scaler.is_enabled() and scaler.get_scale() == 2.0**16

    rows = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            optimizer.zero_grad()
            scaler.scale(amp_loss(model, inputs, targets)).backward()
            lr, scale, weight = (
                optimizer.param_groups[0]["lr"],
                scaler.get_scale(),
                model.weight.item(),
            )
            infinite = not torch.isfinite(model.weight.grad).all().item()
            scaler.step(optimizer)
            scaler.update()
            scheduler.step()
            rows.append((lr, scale, scaler.get_scale(), weight, model.weight.item(), infinite))

    assert [row[:3] for row in rows] == [
        pytest.approx((0.025, 65536.0, 32768.0), rel=1e-12),
        pytest.approx((0.05, 32768.0, 16384.0), rel=1e-12),
        pytest.approx((0.075, 16384.0, 16384.0), rel=1e-12),
    ]
    assert [row[5] for row in rows] == [True, True, False]  # 2 * 65536 and 2 * 32768 overflow
    assert rows[0][3:5] == rows[1][3:5] == (1.0, 1.0)  # skipped: the weight did not move
    assert rows[2][4] == pytest.approx(1.0 - 0.075 * 2.0, rel=1e-6)  # first real update used 0.075
    assert [(w.category, str(w.message)) for w in caught] == [(UserWarning, STEP_ORDER_WARNING)]


def test_float16_overflow_threshold_behind_the_two_skips():
    assert torch.finfo(torch.float16).max == 65504
    assert torch.tensor(2.0 * 32768, dtype=torch.float16).isinf().item()
    assert not torch.tensor(2.0 * 16384, dtype=torch.float16).isinf().item()


def test_checking_the_scale_steps_the_scheduler_only_after_real_updates():
    model = one_weight_amp_model()
    micro_batches = [(torch.ones(1, 1), torch.zeros(1, 1))] * 6
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.25, total_iters=3)
    scaler = torch.amp.GradScaler("cpu")
    used, skips = [], []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for i, (inputs, targets) in enumerate(micro_batches):
            scaler.scale(amp_loss(model, inputs, targets) / 2).backward()
            if (i + 1) % 2 == 0:
                lr, scale = optimizer.param_groups[0]["lr"], scaler.get_scale()
                before = model.weight.item()
                scaler.step(optimizer)
                scaler.update()
                optimizer.zero_grad()
                skipped = scaler.get_scale() < scale
                assert skipped == (model.weight.item() == before)  # the scale tells the truth
                skips.append(skipped)
                if not skipped:
                    used.append(lr)
                    scheduler.step()
    assert caught == []
    assert skips == [True, False, False]
    assert used == pytest.approx([0.025, 0.05], rel=1e-12)  # the schedule starts at its start
    assert scheduler.last_epoch == 2
    assert f"{model.weight.item():.3f}" == "0.855"


def test_a_growing_scale_is_not_mistaken_for_a_skip():
    model = one_weight_amp_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=1.0, growth_interval=1)
    scaler.scale(amp_loss(model, torch.ones(1, 1), torch.zeros(1, 1))).backward()
    scale = scaler.get_scale()
    scaler.step(optimizer)
    scaler.update()
    assert scaler.get_scale() == 2 * scale  # grew after an unskipped step
    assert not scaler.get_scale() < scale
    assert model.weight.item() != 1.0


def test_scaler_step_returns_the_same_for_a_skipped_and_a_real_step():
    results = []
    for target in (0.0, 0.99):  # a gradient of 2 overflows at 2**16; 0.02 does not
        model = one_weight_amp_model()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        scaler = torch.amp.GradScaler("cpu")
        scaler.scale(amp_loss(model, torch.ones(1, 1), torch.full((1, 1), target))).backward()
        results.append((scaler.step(optimizer), model.weight.item() != 1.0))
    assert results == [(None, False), (None, True)]


def test_an_incomplete_last_group_is_carried_into_the_next_epochs_first_update():
    # 6 micro-batches per epoch, 4 per update: the page's loop updates after micro-batch 3,
    # then carries micro-batches 4 and 5 into the next epoch's first update.
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=1.0)
    summed = []
    for epoch in range(2):
        for i in range(6):
            (weight.sum() + 1).backward()  # each micro-batch adds 1 to .grad
            if (i + 1) % 4 == 0:
                summed.append(weight.grad.item())
                optimizer.step()
                optimizer.zero_grad()
    assert summed == [4.0, 6.0]
    assert math.ceil(6 / 4) == 2 and 6 // 4 == 1


def create_scaler(factory):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scaler = factory()
    return scaler.is_enabled(), [(w.category, str(w.message)) for w in caught]


def test_grad_scaler_without_a_device_means_cuda():
    enabled, caught = create_scaler(lambda: torch.amp.GradScaler())
    if torch.cuda.is_available():  # the GPU runner
        assert (enabled, caught) == (True, [])
    else:  # what the page prints
        assert (enabled, caught) == (
            False,
            [
                (
                    UserWarning,
                    "torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.",
                )
            ],
        )
    assert create_scaler(lambda: torch.amp.GradScaler("cpu")) == (True, [])


def test_the_cpu_and_cuda_namespaced_scalers_are_deprecated():
    assert create_scaler(lambda: torch.cpu.amp.GradScaler()) == (
        True,
        [
            (
                FutureWarning,
                "`torch.cpu.amp.GradScaler(args...)` is deprecated. "
                "Please use `torch.amp.GradScaler('cpu', args...)` instead.",
            )
        ],
    )
    _, caught = create_scaler(lambda: torch.cuda.amp.GradScaler())
    assert caught[0] == (
        FutureWarning,
        "`torch.cuda.amp.GradScaler(args...)` is deprecated. "
        "Please use `torch.amp.GradScaler('cuda', args...)` instead.",
    )


def test_a_disabled_scaler_steps_on_an_infinite_gradient():
    weight = torch.ones(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1)
    scaler = torch.amp.GradScaler("cpu", enabled=False)
    (weight * float("inf")).sum().backward()
    scaler.step(optimizer)
    assert weight.isinf().item()  # the update went through and ruined the weight


def test_what_the_page_quotes_from_the_grad_scaler_documentation():
    documentation = " ".join(torch.amp.GradScaler.__doc__.split())
    assert (
        "The scale factor often causes infs/NaNs to appear in gradients for the first few "
        "iterations as its value calibrates." in documentation
    )
    assert "step skipping should occur rarely" in documentation
    assert ":meth:`get_scale` incurs a CPU-GPU sync." in " ".join(
        torch.amp.GradScaler.get_scale.__doc__.split()
    )
    assert isinstance(torch.amp.GradScaler("cpu").get_scale(), float)


def test_bfloat16_has_float32_range_so_no_update_needs_skipping():
    assert torch.finfo(torch.bfloat16).tiny == torch.finfo(torch.float32).tiny
    assert torch.finfo(torch.bfloat16).max == pytest.approx(
        torch.finfo(torch.float32).max, rel=0.01
    )
    assert torch.finfo(torch.float16).max == 65504
    assert torch.finfo(torch.bfloat16).eps == 8 * torch.finfo(torch.float16).eps
    assert torch.tensor(1e-30).half().item() == 0 != torch.tensor(1e-30).bfloat16().item()


def test_a_bfloat16_autocast_loop_steps_the_scheduler_after_every_update():
    torch.manual_seed(0)
    model = torch.nn.Linear(8, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.25, total_iters=3)
    inputs, targets = torch.randn(64, 8), torch.randn(64, 1)
    used, weights = [], [model.weight.detach().clone()]
    for _ in range(4):
        optimizer.zero_grad()
        with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
            outputs = model(inputs)
        torch.nn.functional.mse_loss(outputs.float(), targets).backward()
        used.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
        weights.append(model.weight.detach().clone())
    assert outputs.dtype == torch.bfloat16
    assert used == pytest.approx([0.025, 0.05, 0.075, 0.1], rel=1e-12)
    assert all(not torch.equal(a, b) for a, b in zip(weights, weights[1:]))  # none skipped
    assert scheduler.last_epoch == 4
