"""docs/guides/distributed-and-compiled-training.md: per-rank lengths, the all-reduced plateau
metric in a real two-process gloo run, wrapped optimizer.step, and compiled steps recompiling
for each float learning rate but not for a tensor one."""

import functools
import math
import socket
import subprocess
import sys
import types
import warnings

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from schedules import dummy_optimizer
from test_checkpoint_and_resume import SCHEDULERS, fresh_optimizer, make, step
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.optim.lr_scheduler import CosineAnnealingLR, CosineAnnealingWarmRestarts, StepLR
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from runner.markdown_fences import fences
from runner.snippets import ROOT

OVERRIDDEN_WARNING = (
    "Seems like `optimizer.step()` has been overridden after learning rate scheduler "
    "initialization. Please, make sure to call `optimizer.step()` before "
    "`lr_scheduler.step()`. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)
# torch 2.13's own torch.utils.mkldnn uses the deprecated torch.jit.script_method; the first
# torch.compile in a process imports it. Not our code, so this one message is filtered.
TORCH_INTERNAL_DEPRECATION = "ignore:`torch.jit.script_method` is deprecated:DeprecationWarning"


def test_len_loader_with_a_distributed_sampler_is_per_rank():
    dataset = TensorDataset(torch.randn(256, 8))
    assert len(DataLoader(dataset, batch_size=16)) == 16
    for rank in range(2):
        sampler = DistributedSampler(dataset, num_replicas=2, rank=rank)
        assert len(DataLoader(dataset, batch_size=16, sampler=sampler)) == 8


def test_a_cosine_sized_from_the_dataset_ends_halfway_with_two_ranks():
    epochs, per_rank, whole = 12, 8, 16
    optimizer = dummy_optimizer(0.1)
    scheduler = CosineAnnealingLR(optimizer, T_max=epochs * whole)
    for _ in range(epochs * per_rank):
        optimizer.step()
        scheduler.step()
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.05, rel=1e-9)


# --- a real two-process run ------------------------------------------------------------


def train_rank(rank, port, results):
    """The page's program, both ways in one process group (one start-up, not two)."""
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=2)
    for reduce_metric in (False, True):
        results.put((reduce_metric, *train_12_epochs(rank, reduce_metric)))
    results.put(("buffers", *batch_norm_running_means(rank)))
    results.put(("buffers at each forward", rank, running_means_at_each_forward_start(rank)))
    results.put(("buffer sync switch", rank, *buffer_sync_switch()))
    # Both ranks finish their collectives before either leaves: a rank that tears down the
    # group while the other is still in DDP's last buffer broadcast makes gloo abort it.
    dist.barrier()
    dist.destroy_process_group()


def batch_norm_running_means(rank):
    """A BatchNorm's running mean after one forward on this rank's own batch, and after a
    second; the second forward starts by copying rank 0's buffers (forward_sync_buffers)."""
    torch.manual_seed(0)
    model = DistributedDataParallel(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)))
    batch = torch.arange(8.0).reshape(4, 2) * (rank + 1)  # a different batch on each rank
    model(batch).sum().backward()
    after_one = model.module[1].running_mean.tolist()
    with torch.no_grad():
        batch_mean = model.module[0](batch).mean(dim=0).tolist()  # no update: same weights
        model(batch)
    after_two = model.module[1].running_mean.tolist()
    return rank, after_one, after_two, batch_mean


def buffer_sync_switch():
    """DDP's forward_sync_buffers by default, and the warnings of broadcast_buffers=True."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        default = DistributedDataParallel(nn.BatchNorm1d(2))
        DistributedDataParallel(nn.BatchNorm1d(2), broadcast_buffers=True)
    # getattr: torch 2.11, which the GPU job runs, has broadcast_buffers only.
    sync = getattr(default, "forward_sync_buffers", None)
    return sync, [(w.category.__name__, str(w.message)) for w in caught]


# The forwards of running_means_at_each_forward_start, in order: (gradients enabled, in no_sync())
FORWARDS = [(True, False), (True, False), (False, False), (False, False), (True, False)]
FORWARDS += [(True, True), (True, False)]


def running_means_at_each_forward_start(rank):
    """A BatchNorm's running mean as each forward of FORWARDS begins (after DDP's own work
    before the forward, such as copying rank 0's buffers), on a batch that differs by rank."""
    torch.manual_seed(0)
    model = DistributedDataParallel(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)))
    batch = torch.arange(8.0).reshape(4, 2) * (rank + 1)
    seen = []
    model.module.register_forward_pre_hook(
        lambda module, inputs: seen.append(module[1].running_mean.tolist())
    )
    for grad_enabled, in_no_sync in FORWARDS:
        with torch.set_grad_enabled(grad_enabled):
            if in_no_sync:
                with model.no_sync():
                    model(batch).sum().backward()
            else:
                output = model(batch)
                if grad_enabled:
                    output.sum().backward()
    return seen


def train_12_epochs(rank, reduce_metric):
    """12 epochs, ReduceLROnPlateau(factor=0.5, patience=0), as on the page."""
    torch.manual_seed(0)
    inputs = torch.randn(320, 8)
    targets = inputs.sum(dim=1, keepdim=True) + torch.randn(320, 1)
    train_set = TensorDataset(inputs[:256], targets[:256])
    sampler = DistributedSampler(train_set, num_replicas=2, rank=rank, seed=0)
    loader = DataLoader(train_set, batch_size=16, sampler=sampler)
    val_sampler = DistributedSampler(TensorDataset(inputs[256:]), 2, rank, shuffle=False)
    val_indices = [256 + i for i in val_sampler]
    model = DistributedDataParallel(nn.Linear(8, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=0)
    lrs, metrics, whole_set = [], [], []
    for epoch in range(12):
        sampler.set_epoch(epoch)
        for batch_inputs, batch_targets in loader:
            optimizer.zero_grad()
            nn.functional.mse_loss(model(batch_inputs), batch_targets).backward()
            optimizer.step()
        with torch.no_grad():
            outputs = model(inputs[val_indices])
            loss = nn.functional.mse_loss(outputs, targets[val_indices], reduction="sum")
            total = torch.stack([loss, torch.tensor(float(len(val_indices)))])
            whole_set.append(nn.functional.mse_loss(model(inputs[256:]), targets[256:]).item())
        if reduce_metric:
            dist.all_reduce(total)
        metrics.append((total[0] / total[1]).item())
        scheduler.step(metrics[-1])
        lrs.append(optimizer.param_groups[0]["lr"])
    # a list, not a tensor: a tensor sent through the queue would outlive its process's memory
    parameters = torch.cat([p.detach().flatten() for p in model.parameters()]).tolist()
    return rank, len(loader), lrs, metrics, whole_set, parameters


@pytest.fixture(scope="module")
def runs():
    """{reduce_metric: [rank 0's results, rank 1's]} from a real two-process gloo run."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    context = mp.get_context("spawn")  # no fork of the pytest process
    results = context.Queue()
    processes = [
        context.Process(target=train_rank, args=(rank, port, results)) for rank in range(2)
    ]
    for process in processes:
        process.start()
    try:
        collected = [results.get(timeout=180) for _ in range(10)]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    assert [process.exitcode for process in processes] == [0, 0]
    return {
        way: sorted(result[1:] for result in collected if result[0] == way)
        for way in (False, True, "buffers", "buffers at each forward", "buffer sync switch")
    }


def cuts(lrs):
    return [epoch for epoch in range(1, len(lrs)) if lrs[epoch] < lrs[epoch - 1]]


def test_each_rank_takes_len_loader_steps_per_epoch(runs):
    assert [batches for _, batches, *_ in runs[True]] == [8, 8]


def test_plateau_with_each_ranks_own_metric_cuts_at_different_epochs(runs):
    (_, _, lrs_0, *_), (_, _, lrs_1, *_) = runs[False]
    assert cuts(lrs_0) != cuts(lrs_1)
    assert lrs_0[-1] / lrs_1[-1] == pytest.approx(32)  # the factor the page states


def test_plateau_with_the_all_reduced_metric_cuts_together(runs):
    (_, _, lrs_0, metrics_0, whole_0, _), (_, _, lrs_1, metrics_1, *_) = runs[True]
    assert lrs_0 == lrs_1 and cuts(lrs_0) == [7, 8, 9, 10, 11]
    assert metrics_0 == metrics_1
    # the all-reduced (sum, count) is the loss over the whole validation set
    assert metrics_0 == pytest.approx(whole_0, rel=1e-5)


def test_ranks_stepped_with_their_own_metric_hold_different_models_without_an_error(runs):
    # the runs fixture already asserts that both ranks exited with 0
    (*_, parameters_0), (*_, parameters_1) = runs[False]
    assert max(abs(a - b) for a, b in zip(parameters_0, parameters_1)) > 1e-2
    (*_, parameters_0), (*_, parameters_1) = runs[True]
    assert parameters_0 == parameters_1


def test_ddp_copies_rank_0s_buffers_after_a_training_forward_but_never_its_parameters(runs):
    (_, after_one_0, after_two_0, mean_0), (_, after_one_1, after_two_1, mean_1) = runs["buffers"]
    assert after_one_0 != pytest.approx(after_one_1)  # forward 1: each rank its own statistics
    # forward 2 starts from rank 0's running mean on both ranks (BatchNorm momentum 0.1)
    assert after_two_0 == pytest.approx([0.9 * a + 0.1 * m for a, m in zip(after_one_0, mean_0)])
    assert after_two_1 == pytest.approx([0.9 * a + 0.1 * m for a, m in zip(after_one_0, mean_1)])
    assert after_two_1 != pytest.approx([0.9 * a + 0.1 * m for a, m in zip(after_one_1, mean_1)])
    # parameters are not copied: after training with different lrs, the ranks' models differ
    (*_, parameters_0), (*_, parameters_1) = runs[False]
    assert parameters_0 != pytest.approx(parameters_1, abs=1e-2)


def test_ddp_copies_buffers_only_before_a_forward_that_follows_one_with_gradient_sync(runs):
    (_, seen_0), (_, seen_1) = runs["buffers at each forward"]
    same = [a == pytest.approx(b) for a, b in zip(seen_0, seen_1)]
    # forward 1 starts from the buffers the constructor copied; each later one starts equal
    # only if the forward before it ran with gradients enabled and outside no_sync()
    assert [previous[0] and not previous[1] for previous in FORWARDS[:-1]] == same[1:]
    assert same == [True, True, True, False, False, True, False]


@pytest.mark.torch_versions("2.13")  # quotes torch's deprecation message
def test_ddp_syncs_buffers_by_default_through_forward_sync_buffers_and_broadcast_buffers_warns(
    runs,
):
    """distributed page: by default DDP copies rank 0's buffers (forward_sync_buffers is True);
    passing the older broadcast_buffers warns that it is deprecated."""
    for rank, sync, caught in runs["buffer sync switch"]:
        assert sync is True
        assert [category for category, _ in caught] == ["FutureWarning"]
        assert caught[0][1].startswith(
            "`broadcast_buffers` is deprecated. Use `forward_sync_buffers` instead."
        )


def test_the_all_reduced_loss_counts_padded_samples_twice():
    # Every rank getting the same value is checked in the two-rank run
    # (test_plateau_with_the_all_reduced_metric_cuts_together); here, what that value is.
    torch.manual_seed(0)
    errors = torch.randn(65) ** 2  # one squared error per validation sample
    shares = [list(DistributedSampler(range(65), 2, rank, shuffle=False)) for rank in range(2)]
    assert [len(share) for share in shares] == [33, 33]
    read = sorted(shares[0] + shares[1])
    assert read == sorted([*range(65), 0])  # 66 read, the first sample twice
    # all_reduce sums (sum, count) over ranks; every rank gets this same pair
    totals = sum(torch.stack([errors[share].sum(), torch.tensor(33.0)]) for share in shares)
    all_reduced = (totals[0] / totals[1]).item()
    assert all_reduced == pytest.approx((errors.sum() + errors[0]).item() / 66, rel=1e-6)
    assert all_reduced != pytest.approx(errors.mean().item(), rel=1e-3)  # not the whole set's
    even = [list(DistributedSampler(range(64), 2, rank, shuffle=False)) for rank in range(2)]
    assert sorted(even[0] + even[1]) == list(range(64))  # the page's 64: each sample once


def test_distributed_sampler_pads_by_repeating_the_first_indices_of_its_order():
    def read(world_size, shuffle):
        return [
            list(DistributedSampler(range(65), world_size, rank, shuffle=shuffle, seed=0))
            for rank in range(world_size)
        ]

    def repeated(shares):
        indices = [i for share in shares for i in share]
        return sorted(i for i in set(indices) if indices.count(i) == 2)

    assert repeated(read(2, shuffle=False)) == [0]  # 66 read, the first sample twice
    four = read(4, shuffle=False)
    assert [len(share) for share in four] == [17] * 4  # 68 read
    assert repeated(four) == [0, 1, 2] and [share[-1] for share in four] == [64, 0, 1, 2]
    generator = torch.Generator()
    generator.manual_seed(0)  # seed + epoch, as DistributedSampler shuffles
    order = torch.randperm(65, generator=generator).tolist()
    assert repeated(read(2, shuffle=True)) == order[:1] == [29]
    assert repeated(read(4, shuffle=True)) == sorted(order[:3])


def test_the_pages_two_rank_program_prints_the_pages_output(tmp_path):
    """The page's program, exactly as shown, run as a script in a fresh interpreter (its block
    is skipped by pytest-codeblocks: forking the threaded test process can deadlock)."""
    page = ROOT / "docs" / "guides" / "distributed-and-compiled-training.md"
    blocks = fences(page.read_text(encoding="utf-8"))
    program = next(
        b for b in blocks if b.info == "python" and "def run_two_ranks" in "\n".join(b.body)
    )
    expected = next(b for b in blocks if b.lineno > program.lineno and b.info == "text")
    script = tmp_path / "two_ranks.py"
    script.write_text("\n".join(program.body) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines() == expected.body


# --- optimizer.step wrapped or compiled ------------------------------------------------


def counting(optimizer):
    step = optimizer.step

    def counted_step(self, *args, **kwargs):
        self.updates = getattr(self, "updates", 0) + 1
        return step(*args, **kwargs)

    return counted_step


def three_steps(optimizer, scheduler):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            optimizer.step()
            scheduler.step()
    return [(w.category, str(w.message)) for w in caught]


@pytest.mark.torch_versions("2.13")  # quotes torch's text
def test_step_wrapped_after_the_scheduler_warns_overridden_though_the_order_is_right():
    optimizer = dummy_optimizer(0.1)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.5)
    optimizer.step = types.MethodType(counting(optimizer), optimizer)
    assert three_steps(optimizer, scheduler) == [(UserWarning, OVERRIDDEN_WARNING)]
    assert optimizer.updates == 3 and optimizer.param_groups[0]["lr"] == 0.0125


def test_step_wrapped_as_a_bound_method_before_the_scheduler_works_silently():
    optimizer = dummy_optimizer(0.1)
    optimizer.step = types.MethodType(counting(optimizer), optimizer)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.5)
    assert three_steps(optimizer, scheduler) == []
    assert optimizer.updates == 3 and optimizer.param_groups[0]["lr"] == 0.0125


@pytest.mark.torch_versions("2.13")  # quotes torch's text
def test_wrong_order_goes_undetected_once_step_is_wrapped_after_the_scheduler():
    optimizer = dummy_optimizer(0.1)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.5)
    optimizer.step = types.MethodType(counting(optimizer), optimizer)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scheduler.step()  # before optimizer.step(): the wrong order
        optimizer.step()
    assert [str(w.message) for w in caught] == [OVERRIDDEN_WARNING]  # not the order warning


@pytest.mark.torch_versions("2.13")  # quotes torch's text
@pytest.mark.filterwarnings(TORCH_INTERNAL_DEPRECATION)
@pytest.mark.parametrize("replace", ["lambda", "functools.partial", "torch.compile"])
def test_step_replaced_by_a_function_before_the_scheduler_breaks_its_constructor(replace):
    optimizer = dummy_optimizer(0.1)
    step = optimizer.step
    optimizer.step = {
        "lambda": lambda: lambda: step(),
        "functools.partial": lambda: functools.partial(step),
        "torch.compile": lambda: torch.compile(step),
    }[replace]()
    with pytest.raises(AttributeError) as raised:
        StepLR(optimizer, step_size=1)
    kind = "functools.partial" if replace == "functools.partial" else "function"
    assert raised.value.args[0] == f"'{kind}' object has no attribute '__func__'"


def compiled_graphs(lr, steps):
    from torch._dynamo.utils import counters

    torch.compiler.reset()
    counters.clear()
    weight = torch.zeros(4, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=lr, momentum=0.9)
    scheduler = CosineAnnealingLR(optimizer, T_max=steps)
    lr_object = optimizer.param_groups[0]["lr"]

    @torch.compile(backend="aot_eager")
    def optimizer_step():
        optimizer.step()

    graphs = []
    for _ in range(steps):
        weight.grad = torch.ones(4)
        optimizer_step()
        scheduler.step()
        graphs.append(counters["stats"]["unique_graphs"])
    same_object = optimizer.param_groups[0]["lr"] is lr_object
    return graphs, float(optimizer.param_groups[0]["lr"]), same_object


@pytest.mark.filterwarnings(TORCH_INTERNAL_DEPRECATION)
def test_a_compiled_step_recompiles_for_each_float_lr_and_not_for_a_tensor_lr():
    graphs, last_float, _ = compiled_graphs(0.1, steps=4)
    assert graphs == [1, 2, 3, 4]
    graphs, last_tensor, same_object = compiled_graphs(torch.tensor(0.1), steps=4)
    assert graphs == [1, 2, 2, 2]
    assert same_object  # the scheduler writes into the tensor in place
    assert last_tensor == pytest.approx(last_float, rel=1e-6)
    assert last_float == pytest.approx(0.05 * (1 + math.cos(math.pi * 4 / 4)), abs=1e-12)


def test_the_recompile_limit_is_8():
    import torch._dynamo

    assert torch._dynamo.config.recompile_limit == 8


NO_STEP_CHECK = {"CosineAnnealingWarmRestarts", "ReduceLROnPlateau"}
WITH_CHILDREN = {"ChainedScheduler", "SequentialLR"}


def overridden_warnings_per_call(optimizer, scheduler, calls=4):
    """The number of "overridden" warnings each scheduler.step() call gives (calls 1, 2, ...);
    any other warning fails."""
    counts = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for t in range(calls):
            before = len(caught)
            step(scheduler, optimizer, t)  # a metric for ReduceLROnPlateau
            new = [str(w.message) for w in caught[before:]]
            assert set(new) <= {OVERRIDDEN_WARNING}, new
            counts.append(len(new))
    return counts


@pytest.mark.torch_versions("2.13")  # quotes torch's text
def test_eleven_schedulers_warn_overridden_once_at_the_first_step_chained_once_per_child():
    per_scheduler = {}
    for name in SCHEDULERS:
        optimizer = fresh_optimizer()
        scheduler = make(name, optimizer)
        optimizer.step = types.MethodType(type(optimizer).step, optimizer)
        per_scheduler[name] = overridden_warnings_per_call(optimizer, scheduler)
    assert len(SCHEDULERS) == 15
    plain = sorted(set(SCHEDULERS) - NO_STEP_CHECK - WITH_CHILDREN)
    assert len(plain) == 11
    for name in plain:
        assert per_scheduler[name] == [1, 0, 0, 0], name
    assert per_scheduler["ChainedScheduler"] == [2, 0, 0, 0]  # two children, both at call 1
    for name in NO_STEP_CHECK:
        assert per_scheduler[name] == [0, 0, 0, 0]


@pytest.mark.torch_versions("2.13")  # quotes torch's text
@pytest.mark.parametrize(
    "first_child, expected",
    [(StepLR, [2, 0, 0, 0]), (CosineAnnealingWarmRestarts, [1, 0, 0, 0])],
)
def test_chained_scheduler_warns_overridden_once_for_each_child_that_checks(first_child, expected):
    optimizer = fresh_optimizer()
    children = [
        first_child(optimizer, 3),  # step_size=3 for StepLR, T_0=3 for the warm restarts
        torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9),
    ]
    scheduler = torch.optim.lr_scheduler.ChainedScheduler(children)
    optimizer.step = types.MethodType(type(optimizer).step, optimizer)
    assert overridden_warnings_per_call(optimizer, scheduler) == expected


@pytest.mark.torch_versions("2.13")  # quotes torch's text
def test_sequential_lr_with_a_warm_restarts_first_child_warns_only_at_call_3():
    optimizer = fresh_optimizer()
    scheduler = torch.optim.lr_scheduler.SequentialLR(
        optimizer,
        [CosineAnnealingWarmRestarts(optimizer, T_0=3), CosineAnnealingLR(optimizer, T_max=4)],
        milestones=[2],
    )
    optimizer.step = types.MethodType(type(optimizer).step, optimizer)
    assert overridden_warnings_per_call(optimizer, scheduler) == [0, 0, 1, 0]


@pytest.mark.torch_versions("2.13")  # quotes torch's text
@pytest.mark.parametrize(
    "milestone, expected", [(1, [0, 1, 0, 0]), (2, [1, 0, 1, 0]), (8, [1, 0, 0, 0])]
)
def test_sequential_lr_child_warns_overridden_one_call_after_its_milestone(milestone, expected):
    # SequentialLR steps only the active child; at a milestone it calls the next child's
    # _update_lr(0), not its step(), so that child warns at the call after the milestone.
    # Milestone 1: the first child is never stepped, nothing warns at call 1.
    optimizer = fresh_optimizer()
    scheduler = torch.optim.lr_scheduler.SequentialLR(
        optimizer,
        [StepLR(optimizer, step_size=1, gamma=0.5), CosineAnnealingLR(optimizer, T_max=4)],
        milestones=[milestone],
    )
    optimizer.step = types.MethodType(type(optimizer).step, optimizer)
    assert overridden_warnings_per_call(optimizer, scheduler) == expected


@pytest.mark.torch_versions("2.13")  # quotes torch's text
@pytest.mark.parametrize("name", SCHEDULERS)
def test_every_constructor_but_plateaus_needs_a_bound_step(name):
    optimizer = fresh_optimizer()
    bound = optimizer.step
    optimizer.step = lambda *args, **kwargs: bound(*args, **kwargs)
    if name == "ReduceLROnPlateau":
        make(name, optimizer)
        return
    with pytest.raises(AttributeError, match="__func__"):
        make(name, optimizer)


TENSOR_LR_WITH_FOREACH = "lr as a Tensor is not supported for capturable=False and foreach=True"


@pytest.mark.torch_versions("2.13")  # quotes torch's text
@pytest.mark.parametrize("optimizer_class", [torch.optim.Adam, torch.optim.AdamW])
def test_adam_takes_a_tensor_lr_except_with_an_explicit_foreach(optimizer_class):
    weights = []
    for options in ({}, {"fused": True}):
        weight = torch.zeros(3, requires_grad=True)
        weight.grad = torch.ones(3)
        optimizer_class([weight], lr=torch.tensor(0.01), **options).step()
        weights.append(weight.detach())
    assert weights[0] == pytest.approx(torch.full((3,), -0.01), rel=1e-5)
    assert torch.allclose(weights[0], weights[1])
    with pytest.raises(ValueError) as raised:
        optimizer_class([torch.zeros(3, requires_grad=True)], lr=torch.tensor(0.01), foreach=True)
    assert str(raised.value) == TENSOR_LR_WITH_FOREACH


@pytest.mark.parametrize(
    "lr, options, expected",
    [
        (0.01, {}, "foreach"),
        (torch.tensor(0.01), {}, "per parameter"),
        (torch.tensor(0.01), {"fused": True}, "fused"),  # fused=True keeps a fused step
    ],
)
def test_adam_with_a_tensor_lr_quietly_leaves_the_default_foreach_off(
    monkeypatch, lr, options, expected
):
    """Where foreach is the default (CUDA), a tensor lr runs the per-parameter loop, and
    fused=True still runs the fused step. The device's default is stood in for on the CPU;
    the real functions still run."""
    adam = sys.modules["torch.optim.adam"]  # the module; torch.optim has no attribute for it
    monkeypatch.setattr(adam, "_default_to_fused_or_foreach", lambda *args, **kw: (False, True))
    called = []
    for name, label in (
        ("_multi_tensor_adam", "foreach"),
        ("_single_tensor_adam", "per parameter"),
        ("_fused_adam", "fused"),
    ):
        function = getattr(adam, name)

        def recording(*args, _function=function, _label=label, **kwargs):
            called.append(_label)
            return _function(*args, **kwargs)

        monkeypatch.setattr(adam, name, recording)
    weight = torch.zeros(3, requires_grad=True)
    weight.grad = torch.ones(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and without a word
        torch.optim.AdamW([weight], lr=lr, **options).step()
    assert called == [expected]


@pytest.mark.torch_versions("2.13")  # quotes torch's text
def test_capturable_accepts_a_tensor_lr_with_foreach_but_needs_the_parameters_on_a_gpu():
    weight = torch.zeros(3, requires_grad=True)  # on the CPU
    weight.grad = torch.ones(3)
    optimizer = torch.optim.AdamW(
        [weight], lr=torch.tensor(0.01), foreach=True, capturable=True
    )  # accepted when created
    with pytest.raises(AssertionError) as raised:
        optimizer.step()
    assert str(raised.value).startswith(
        "If capturable=True, params and state_steps must be on supported devices"
    )
