"""snippets/hugging_face_linear_warmup.py and docs/frameworks/hugging-face.md.

The snippet's step counts are the ones transformers 5.24's Trainer computes. The Trainer
itself needs `accelerate`, which is not a dependency here, so the test calls the two methods
that hold the formulas, TrainingArguments.get_warmup_steps and
Trainer.set_initial_training_values, on minimal stand-ins for `self` and `args`: a release
that changes either formula fails here.
"""

import dataclasses
import inspect
import itertools
import math
from types import SimpleNamespace

import pytest
import torch
from torch.utils.data import DataLoader
from transformers import Trainer, TrainingArguments


def linear_with_warmup(step, warmup, total, lr=0.05):
    if step < warmup:
        return lr * step / warmup
    return lr * max(0.0, (total - step) / (total - warmup))


def test_the_loop_steps_32_times_with_4_warm_up_steps_from_zero(snippet):
    run = snippet("hugging_face_linear_warmup")
    assert len(run.namespace["loader"]) == 13
    assert run.namespace["num_training_steps"] == 32 == len(run.lrs)
    assert run.namespace["num_warmup_steps"] == 4
    assert run.scheduler.last_epoch == 32
    assert type(run.scheduler) is torch.optim.lr_scheduler.LambdaLR
    expected = [linear_with_warmup(t, 4, 32) for t in range(32)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert run.lrs[0] == 0.0  # the warm-up starts at zero: the first step does not train


def test_warmup_ratio_is_gone_and_a_float_warmup_steps_is_a_rounded_up_fraction():
    fields = {f.name for f in dataclasses.fields(TrainingArguments)}
    assert "warmup_ratio" not in fields and "warmup_steps" in fields
    for warmup, total, expected in [(0.1, 32, 4), (0.1, 31, 4), (0.05, 1000, 50), (3, 32, 3)]:
        args = SimpleNamespace(warmup_steps=warmup)
        assert TrainingArguments.get_warmup_steps(args, total) == expected
        assert expected == (warmup if warmup >= 1 else math.ceil(total * warmup))


class TrainerStandIn:
    """What set_initial_training_values asks of `self`: one device, no sequence parallelism."""

    def __init__(self, batch_size):
        self._train_batch_size = batch_size

    def get_total_train_batch_size(self, args):
        return self._train_batch_size * args.gradient_accumulation_steps

    def get_sp_size(self):
        return 1

    def num_examples(self, dataloader):
        return len(dataloader.dataset)


@pytest.mark.parametrize(
    "n, batch_size, drop_last", [(200, 16, False), (200, 16, True), (7, 2, False)]
)
def test_trainer_steps_per_epoch_round_the_last_window_up(n, batch_size, drop_last):
    loader = DataLoader(range(n), batch_size=batch_size, drop_last=drop_last)
    for accumulation, epochs in itertools.product([1, 3, 4], [1, 2.5, 8]):
        args = SimpleNamespace(
            max_steps=-1, num_train_epochs=epochs, gradient_accumulation_steps=accumulation
        )
        values = Trainer.set_initial_training_values(TrainerStandIn(batch_size), args, loader)
        per_epoch, max_steps = values[1], values[-1]
        assert per_epoch == max(math.ceil(len(loader) / accumulation), 1)
        assert max_steps == math.ceil(epochs * per_epoch)  # epochs may be fractional


def test_trainer_steps_the_scheduler_after_each_optimizer_step_that_was_not_skipped():
    # Read from the installed source: the Trainer cannot run without accelerate.
    source = inspect.getsource(Trainer._run_epoch)
    order = [
        "self.optimizer.step()",
        "if not self.accelerator.optimizer_step_was_skipped:",
        "if not isinstance(self.lr_scheduler, (torch.optim.lr_scheduler.ReduceLROnPlateau",
        "self.lr_scheduler.step()",
        "self.state.global_step += 1",
    ]
    positions = [source.find(line) for line in order]
    assert -1 not in positions and positions == sorted(positions)
    assert source.count("self.lr_scheduler.step()") == 1
