"""snippets/step_budget.py: the step-budget function against real DataLoaders and samplers.

The function on docs/guides/how-many-steps.md predicts how many optimizer steps (and so
scheduler.step() calls) an epoch makes on one device. Here it is checked against len() of
real DataLoaders over real DistributedSamplers on a grid, and against a counted loop.
"""

import itertools
import math

import pytest
import torch
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

DATASET_SIZES = [1, 7, 16, 17, 100, 200, 257]
BATCH_SIZES = [1, 4, 16, 64]
ACCUMULATION = [1, 3, 4]
WORLD_SIZES = [1, 2, 3, 8]


def loader(dataset_size, batch_size, drop_last, world_size, rank=0):
    """What each device reads: a DistributedSampler shard (as DDP, Lightning and accelerate
    set up), batched by a DataLoader. num_replicas and rank are given, so no process group."""
    dataset = TensorDataset(torch.arange(dataset_size))
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=False)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler, drop_last=drop_last)


def counted_steps(loader, accumulation_steps, step_on_last_partial_window):
    """Run the snippet's loop condition over a real epoch and count the optimizer steps."""
    steps = 0
    for i, _ in enumerate(loader):
        window_full = (i + 1) % accumulation_steps == 0
        if window_full or (step_on_last_partial_window and i + 1 == len(loader)):
            steps += 1
    return steps


@pytest.fixture(scope="module")
def steps_per_epoch(snippet):
    return snippet("step_budget").namespace["optimizer_steps_per_epoch"]


def test_the_snippet_sizes_t_max_with_the_function_and_makes_that_many_steps(snippet):
    run = snippet("step_budget")
    assert len(run.namespace["loader"]) == 13  # ceil(200 / 16), the last batch of 8
    assert run.steps_per_epoch == 4  # ceil(13 / 4): the 13th micro-batch steps alone
    assert run.scheduler.T_max == 24 == len(run.lrs)
    assert run.scheduler.last_epoch == 24
    expected = [0.1 * (1 + math.cos(math.pi * t / 24)) / 2 for t in range(24)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)


@pytest.mark.parametrize("drop_last", [False, True])
@pytest.mark.parametrize("world_size", WORLD_SIZES)
def test_function_matches_len_of_real_loaders_on_a_grid(steps_per_epoch, drop_last, world_size):
    for n, batch_size in itertools.product(DATASET_SIZES, BATCH_SIZES):
        batches = len(loader(n, batch_size, drop_last, world_size))
        for accumulation, partial in itertools.product(ACCUMULATION, [True, False]):
            predicted = steps_per_epoch(
                n,
                batch_size,
                drop_last=drop_last,
                accumulation_steps=accumulation,
                world_size=world_size,
                step_on_last_partial_window=partial,
            )
            rounding = math.ceil if partial else math.floor
            assert predicted == rounding(batches / accumulation), (n, batch_size, accumulation)


@pytest.mark.parametrize(
    "n, batch_size, drop_last, accumulation, world_size",
    [
        (200, 16, False, 4, 1),  # the snippet: 13 micro-batches, a last window of one
        (200, 16, True, 4, 1),  # 12 micro-batches, no partial window
        (17, 4, False, 3, 2),  # 9 samples per device, padded by one repeat
        (257, 16, True, 3, 8),  # 33 samples per device, 2 full micro-batches
        (7, 16, True, 1, 1),  # fewer samples than a batch: no step at all
    ],
)
def test_function_matches_a_counted_loop_on_every_device(
    steps_per_epoch, n, batch_size, drop_last, accumulation, world_size
):
    for partial in (True, False):
        for rank in range(world_size):
            counted = counted_steps(
                loader(n, batch_size, drop_last, world_size, rank), accumulation, partial
            )
            assert counted == steps_per_epoch(
                n,
                batch_size,
                drop_last=drop_last,
                accumulation_steps=accumulation,
                world_size=world_size,
                step_on_last_partial_window=partial,
            )


def test_distributed_sampler_repeats_samples_so_every_device_gets_as_many():
    sampler = DistributedSampler(range(17), num_replicas=2, rank=1, shuffle=False)
    assert len(sampler) == 9 and list(sampler)[-1] == 0  # sample 0 again, as padding


@pytest.mark.parametrize(
    "argument, value",
    [("dataset_size", 0), ("batch_size", 0), ("accumulation_steps", 2.0), ("world_size", -1)],
)
def test_a_size_below_one_or_not_whole_is_refused_by_name(steps_per_epoch, argument, value):
    arguments = dict(dataset_size=100, batch_size=10, accumulation_steps=1, world_size=1)
    arguments[argument] = value
    n, batch_size = arguments.pop("dataset_size"), arguments.pop("batch_size")
    with pytest.raises(ValueError, match=rf"^{argument} must be a whole number of at least 1, got"):
        steps_per_epoch(n, batch_size, **arguments)
