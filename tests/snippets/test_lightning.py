"""docs/frameworks/lightning.md: how a Lightning Trainer steps torch schedulers, asserted.

Each test trains a one-layer model for 3 epochs of 4 micro-batches in a real Trainer and
records the LR of every optimizer step from optimizer.param_groups in on_before_optimizer_step.
A Lightning release that steps schedulers differently fails here by name.
"""

import warnings

import lightning_fabric.utilities.data
import pytest
import pytorch_lightning as pl
import torch
from lightning_fabric.utilities.exceptions import MisconfigurationException
from schedules import dummy_optimizer, lrs_used
from torch import nn
from torch.optim.lr_scheduler import CosineAnnealingLR, OneCycleLR, ReduceLROnPlateau, StepLR
from torch.utils.data import DataLoader, TensorDataset

# The two warnings no configuration avoids (see the page): torch's pytree deprecation
# triggered inside Lightning, and the worker suggestion made on machines with > 2 cores.
UNAVOIDABLE = [
    (r"`isinstance\(treespec, LeafSpec\)`", FutureWarning),
    (r"The 'train_dataloader' does not have many workers", Warning),
]
ONE_CYCLE_WARNING = (
    "A `OneCycleLR` scheduler is using 'interval': 'epoch'. "
    "Are you sure you didn't mean 'interval': 'step'?"
)


class Tiny(pl.LightningModule):
    def __init__(self, lr_scheduler):
        super().__init__()
        self.net = nn.Linear(4, 1)
        self.lr_scheduler = lr_scheduler
        self.lrs = []

    def training_step(self, batch, batch_idx):
        self.log("constant", 1.0, on_epoch=True, logger=False)  # never improves
        return nn.functional.mse_loss(self.net(batch[0]), batch[1])

    def on_before_optimizer_step(self, optimizer):
        self.lrs.append(optimizer.param_groups[0]["lr"])

    def configure_optimizers(self):
        optimizer = torch.optim.SGD(self.parameters(), lr=0.1)
        return {"optimizer": optimizer, "lr_scheduler": self.lr_scheduler(optimizer, self.trainer)}


def fit(lr_scheduler, accumulate_grad_batches=1, filters=UNAVOIDABLE):
    """(LRs of every optimizer step, warnings raised, the trainer) of a 3-epoch run."""
    torch.manual_seed(0)
    data = TensorDataset(torch.randn(16, 4), torch.randn(16, 1))
    model = Tiny(lr_scheduler)
    trainer = pl.Trainer(
        max_epochs=3,
        accumulate_grad_batches=accumulate_grad_batches,
        accelerator="auto",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for message, category in filters:
            warnings.filterwarnings("ignore", message, category)
        trainer.fit(model, DataLoader(data, batch_size=4))
    return model.lrs, [f"{w.category.__name__}: {w.message}" for w in caught], trainer


def one_cycle(interval):
    return lambda optimizer, trainer: {
        "scheduler": OneCycleLR(
            optimizer, max_lr=0.1, total_steps=trainer.estimated_stepping_batches
        ),
        "interval": interval,
    }


def one_cycle_lrs(steps, total_steps):
    return lrs_used(OneCycleLR(dummy_optimizer(0.1), max_lr=0.1, total_steps=total_steps), steps)


def test_interval_step_follows_the_cycle_over_all_twelve_steps():
    lrs, caught, trainer = fit(one_cycle("step"))
    assert trainer.estimated_stepping_batches == 12
    assert lrs == pytest.approx(one_cycle_lrs(12, 12), rel=1e-12, abs=0)
    assert caught == []


def test_interval_epoch_moves_one_cycle_three_times_and_lightning_warns():
    lrs, caught, trainer = fit(one_cycle("epoch"))
    three = one_cycle_lrs(3, 12)  # the first three values of the 12-step cycle
    assert lrs == pytest.approx([lr for lr in three for _ in range(4)], rel=1e-12, abs=0)
    assert trainer.lr_scheduler_configs[0].scheduler.last_epoch == 3
    assert round(lrs[-1], 4) == 0.0879  # still warming up when the run ends
    assert caught == [f"RuntimeWarning: {ONE_CYCLE_WARNING}"]


def test_epoch_is_the_default_interval_and_only_one_cycle_gets_the_warning():
    lrs, caught, _ = fit(lambda optimizer, trainer: {"scheduler": CosineAnnealingLR(optimizer, 12)})
    assert len(set(lrs)) == 3  # one value per epoch: stepped per epoch, silently
    assert caught == []


def test_frequency_two_steps_the_scheduler_every_second_optimizer_step():
    lrs, caught, _ = fit(
        lambda optimizer, trainer: {
            "scheduler": StepLR(optimizer, step_size=1, gamma=0.5),
            "interval": "step",
            "frequency": 2,
        }
    )
    assert lrs == pytest.approx([0.1 * 0.5 ** (i // 2) for i in range(12)], rel=1e-12, abs=0)
    assert caught == []


def test_with_accumulation_the_scheduler_steps_per_optimizer_step_and_the_last_window_steps():
    lrs, caught, trainer = fit(
        lambda optimizer, trainer: {
            "scheduler": StepLR(optimizer, step_size=1, gamma=0.5),
            "interval": "step",
        },
        accumulate_grad_batches=3,
    )
    assert trainer.estimated_stepping_batches == 6 == trainer.global_step  # ceil(4 / 3) * 3
    assert lrs == pytest.approx([0.1 * 0.5**i for i in range(6)], rel=1e-12, abs=0)
    assert caught == []


def test_monitor_feeds_the_logged_metric_to_reduce_lr_on_plateau_each_epoch():
    lrs, caught, _ = fit(
        lambda optimizer, trainer: {
            "scheduler": ReduceLROnPlateau(optimizer, patience=0),
            "monitor": "constant",
        }
    )
    assert lrs == pytest.approx([0.1] * 8 + [0.01] * 4, rel=1e-12, abs=0)
    assert caught == []


def test_reduce_lr_on_plateau_without_monitor_is_refused_before_training():
    with pytest.raises(MisconfigurationException, match="must include a monitor"):
        fit(lambda optimizer, trainer: {"scheduler": ReduceLROnPlateau(optimizer)})


@pytest.mark.parametrize("cpus, warns", [(2, False), (3, True), (16, True)])
def test_the_worker_suggestion_depends_only_on_the_cpu_count(monkeypatch, cpus, warns):
    # Why the examples filter it: the same Trainer warns on a 3-core machine and not on 2.
    monkeypatch.setattr(lightning_fabric.utilities.data, "_num_cpus_available", lambda: cpus)
    _, caught, _ = fit(
        lambda optimizer, trainer: {"scheduler": StepLR(optimizer, step_size=1)},
        filters=UNAVOIDABLE[:1],
    )
    assert [w.split(":")[0] for w in caught] == (["PossibleUserWarning"] if warns else [])
    assert all("does not have many workers" in w for w in caught)
