"""snippets/backbone_and_head.py: one CosineAnnealingLR, two parameter groups, a constant ratio."""

import math

import pytest
import torch


def cosine(base_lr: float, epoch: int, t_max: int) -> float:
    return base_lr * (1 + math.cos(math.pi * epoch / t_max)) / 2


def test_two_groups_with_their_own_starting_lrs(snippet):
    run = snippet("backbone_and_head")
    groups = run.scheduler.optimizer.param_groups
    assert len(groups) == 2
    assert [group["initial_lr"] for group in groups] == [0.01, 0.1]  # the head took the default
    assert run.scheduler.base_lrs == [0.01, 0.1]
    backbone, head = run.namespace["backbone"], run.namespace["head"]
    assert groups[0]["params"] == list(backbone.parameters())
    assert groups[1]["params"] == list(head.parameters())


def test_each_group_follows_the_cosine_from_its_own_lr(snippet):
    run = snippet("backbone_and_head")
    assert isinstance(run.scheduler, torch.optim.lr_scheduler.CosineAnnealingLR)
    assert run.scheduler.T_max == run.epochs == 30
    assert len(run.lrs) == len(run.namespace["head_lrs"]) == 30  # one step per epoch
    assert run.lrs == pytest.approx([cosine(0.01, e, 30) for e in range(30)], rel=1e-12, abs=0)
    assert run.namespace["head_lrs"] == pytest.approx(
        [cosine(0.1, e, 30) for e in range(30)], rel=1e-12, abs=0
    )


def test_the_head_to_backbone_ratio_stays_10(snippet):
    run = snippet("backbone_and_head")
    ratios = [head / backbone for head, backbone in zip(run.namespace["head_lrs"], run.lrs)]
    assert ratios == pytest.approx([10.0] * 30, rel=1e-12, abs=0)
