"""snippets/resume_from_checkpoint.py: a run stopped after 12 epochs and resumed is the
uninterrupted run, learning rate for learning rate and weight for weight."""

import math

import pytest
import torch
from schedules import dummy_optimizer
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR

LR, START, WARMUP, EPOCHS = 0.1, 0.1, 5, 30


def expected_lr(epoch):
    if epoch < WARMUP:
        return LR * (START + (1 - START) * epoch / WARMUP)
    return LR * (1 + math.cos(math.pi * (epoch - WARMUP) / (EPOCHS - WARMUP))) / 2


def uninterrupted_lrs():
    optimizer = dummy_optimizer(LR, momentum=0.9)
    scheduler = SequentialLR(
        optimizer,
        [
            LinearLR(optimizer, start_factor=START, total_iters=WARMUP),
            CosineAnnealingLR(optimizer, T_max=EPOCHS - WARMUP),
        ],
        milestones=[WARMUP],
    )
    lrs = []
    for _ in range(EPOCHS):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return lrs


def test_lrs_are_warm_up_then_cosine(snippet):
    run = snippet("resume_from_checkpoint")
    assert type(run.scheduler) is SequentialLR
    assert run.epochs == len(run.lrs) == EPOCHS
    assert run.lrs == pytest.approx(
        [expected_lr(epoch) for epoch in range(EPOCHS)], rel=1e-12, abs=0
    )


def test_resumed_lrs_equal_the_uninterrupted_run_exactly(snippet):
    run = snippet("resume_from_checkpoint")
    assert run.namespace["checkpoint"]["epoch"] == 12
    assert run.lrs == uninterrupted_lrs()  # ==, not approx
    assert run.scheduler.last_epoch == EPOCHS


def test_resumed_model_equals_the_uninterrupted_model_exactly(snippet, tmp_path):
    run = snippet("resume_from_checkpoint")
    build, train = run.namespace["build"], run.namespace["train"]
    # The snippet's random draws, in its order: the data, then the first model's weights.
    torch.manual_seed(0)
    torch.randn(64, 8)
    model, optimizer, scheduler = build()
    lrs = []
    train(model, optimizer, scheduler, 0, EPOCHS, lrs, tmp_path / "checkpoint.pt")
    assert lrs == run.lrs
    resumed = run.namespace["model"].state_dict()
    for name, tensor in model.state_dict().items():
        assert torch.equal(tensor, resumed[name]), name


def test_the_checkpoint_was_a_real_file_in_a_temporary_folder(snippet):
    path = snippet("resume_from_checkpoint").namespace["checkpoint_path"]
    assert path.name == "checkpoint.pt"
    assert not path.parent.exists()  # removed with the TemporaryDirectory
