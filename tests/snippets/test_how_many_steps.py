"""docs/guides/how-many-steps.md: what the frameworks do with max_steps, and what each
scheduler's length is counted in (the step-budget function is in test_step_budget.py)."""

import warnings
from types import SimpleNamespace

import pytest
import pytorch_lightning as pl
import torch
from schedules import dummy_optimizer, lrs_used
from test_hugging_face_linear_warmup import TrainerStandIn
from test_lightning import UNAVOIDABLE
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from transformers import Trainer


class Counted(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(2, 1)
        self.estimated = None

    def training_step(self, batch, batch_idx):
        return self.net(batch[0]).sum()

    def configure_optimizers(self):
        self.estimated = self.trainer.estimated_stepping_batches
        return torch.optim.SGD(self.parameters(), lr=0.1)


def lightning_steps(max_epochs, max_steps):
    """(estimated_stepping_batches, global_step after fit) over 10 batches an epoch."""
    model = Counted()
    trainer = pl.Trainer(
        max_epochs=max_epochs,
        max_steps=max_steps,
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    loader = DataLoader(TensorDataset(torch.randn(40, 2)), batch_size=4)
    with warnings.catch_warnings():
        for message, category in UNAVOIDABLE:
            warnings.filterwarnings("ignore", message, category)
        trainer.fit(model, loader)
    return model.estimated, trainer.global_step


def test_lightning_stops_at_whichever_of_max_steps_and_max_epochs_comes_first():
    assert lightning_steps(max_epochs=2, max_steps=1000) == (20, 20)  # the page's example
    assert lightning_steps(max_epochs=2, max_steps=15) == (15, 15)


def test_hugging_face_max_steps_above_zero_replaces_num_train_epochs_longer_or_shorter():
    loader = DataLoader(range(40), batch_size=4)  # 10 batches an epoch
    for max_steps, expected_epochs in [(1000, 100), (15, 2), (5, 1)]:
        args = SimpleNamespace(
            max_steps=max_steps, num_train_epochs=2, gradient_accumulation_steps=1
        )
        values = Trainer.set_initial_training_values(TrainerStandIn(4), args, loader)
        assert values[-1] == max_steps
        assert values[0] == expected_epochs  # the epochs it will run, from max_steps
    args = SimpleNamespace(max_steps=-1, num_train_epochs=2, gradient_accumulation_steps=1)
    assert Trainer.set_initial_training_values(TrainerStandIn(4), args, loader)[-1] == 20


def run_lrs(make, steps):
    return lrs_used(make(dummy_optimizer(0.1)), steps)


def test_lambda_lr_function_counts_scheduler_steps_so_lengths_in_it_are_in_steps():
    steps_per_epoch, epochs = 4, 10

    def in_epochs(optimizer):
        return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: max(0.0, 1 - t / epochs))

    def in_steps(optimizer):
        total = epochs * steps_per_epoch
        return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: max(0.0, 1 - t / total))

    too_fast = run_lrs(in_epochs, epochs * steps_per_epoch)
    assert min(t for t, lr in enumerate(too_fast) if lr == 0) == epochs  # 4 times too early
    right = run_lrs(in_steps, epochs * steps_per_epoch)
    assert all(lr > 0 for lr in right)
    assert right[20] == pytest.approx(0.05, rel=1e-12)  # halfway at half the steps


def test_a_per_epoch_factor_becomes_its_steps_per_epoch_th_root_per_step():
    steps_per_epoch, epochs, gamma = 4, 5, 0.5
    per_step = gamma ** (1 / steps_per_epoch)
    for make in (
        lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=per_step),
        lambda o: torch.optim.lr_scheduler.MultiplicativeLR(o, lambda t: per_step),
    ):
        lrs = run_lrs(make, epochs * steps_per_epoch + 1)
        at_epoch_starts = lrs[::steps_per_epoch]
        expected = [0.1 * gamma**epoch for epoch in range(epochs + 1)]
        assert at_epoch_starts == pytest.approx(expected, rel=1e-12)
