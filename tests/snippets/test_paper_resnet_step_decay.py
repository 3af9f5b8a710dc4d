"""snippets/paper_resnet_step_decay.py: torchvision's ResNet schedule.

0.1, divided by 10 every 30 epochs.
"""

import pytest
import torch


def test_torchvision_reference_settings(snippet):
    run = snippet("paper_resnet_step_decay")
    assert isinstance(run.scheduler, torch.optim.lr_scheduler.StepLR)
    assert (run.scheduler.step_size, run.scheduler.gamma, run.scheduler.base_lrs) == (
        30,
        0.1,
        [0.1],
    )
    group = run.scheduler.optimizer.param_groups[0]
    assert (group["momentum"], group["weight_decay"]) == (0.9, 1e-4)
    assert run.epochs == 90 and len(run.lrs) == 90  # one step per epoch, not shortened


def test_lr_is_divided_by_10_at_epochs_30_and_60(snippet):
    run = snippet("paper_resnet_step_decay")
    expected = [0.1 * 0.1 ** (epoch // 30) for epoch in range(90)]
    assert run.lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert run.lrs[29] == 0.1 and run.lrs[30] == pytest.approx(0.01, rel=1e-12)
    assert run.lrs[60] == pytest.approx(0.001, rel=1e-12)


def test_three_lrs_are_used_the_third_division_comes_after_the_last_epoch(snippet):
    run = snippet("paper_resnet_step_decay")
    assert len(set(run.lrs)) == 3
    assert run.scheduler.get_last_lr()[0] == pytest.approx(1e-4, rel=1e-12)  # epoch 90: unused
