"""transformers' get_wsd_schedule
against the torch composition of snippets/modern_warmup_stable_decay.py, at every step."""

import math

import pytest
from compositions import assert_same_lrs, wsd
from hugging_face import hf
from schedules import dummy_optimizer, lrs_used

LR, WARMUP, STABLE, DECAY = 1e-2, 16, 112, 32
TOTAL = WARMUP + STABLE + DECAY


def hf_wsd(optimizer, warmup, stable, decay, decay_type, ratio=0.0):
    return hf.get_wsd_schedule(
        optimizer,
        num_warmup_steps=warmup,
        num_decay_steps=decay,
        num_stable_steps=stable,
        decay_type=decay_type,
        min_lr_ratio=ratio,
    )


@pytest.mark.parametrize("decay_type", ["linear", "cosine", "1-sqrt"])
@pytest.mark.parametrize(
    "warmup, stable, decay, ratio",
    [(16, 112, 32, 0.0), (16, 112, 32, 0.1), (0, 20, 10, 0.0), (1, 5, 4, 0.0), (3, 0, 7, 0.05)],
)
def test_composition_equals_transformers(warmup, stable, decay, ratio, decay_type):
    total = warmup + stable + decay
    ours = lrs_used(wsd(dummy_optimizer(LR), warmup, stable, decay, decay_type, ratio), total)
    theirs = lrs_used(hf_wsd(dummy_optimizer(LR), warmup, stable, decay, decay_type, ratio), total)
    assert_same_lrs(ours, theirs)


def test_the_three_cool_downs_at_a_quarter_of_the_way():
    lrs = {
        kind: lrs_used(hf_wsd(dummy_optimizer(LR), WARMUP, STABLE, DECAY, kind), TOTAL)
        for kind in ("linear", "cosine", "1-sqrt")
    }
    quarter = WARMUP + STABLE + DECAY // 4
    assert lrs["linear"][quarter] == pytest.approx(0.75 * LR, rel=1e-12)
    assert lrs["cosine"][quarter] == pytest.approx((1 + math.cos(math.pi / 4)) / 2 * LR, rel=1e-12)
    assert lrs["1-sqrt"][quarter] == pytest.approx(0.5 * LR, rel=1e-12)


def test_both_lengths_given_keeps_num_stable_steps_and_warns():
    with pytest.warns(UserWarning, match="num_stable_steps will be used"):
        scheduler = hf.get_wsd_schedule(
            dummy_optimizer(LR), 2, num_decay_steps=2, num_training_steps=100, num_stable_steps=3
        )
    assert lrs_used(scheduler, 8)[-1] == LR * 0.0  # past warm-up + stable + decay: the floor


def test_an_unknown_decay_type_is_refused():
    with pytest.raises(ValueError) as raised:
        hf_wsd(dummy_optimizer(LR), 2, 3, 4, "exponential")
    assert str(raised.value) == (
        "Unknown decay type: exponential, expected 'linear', 'cosine' or '1-sqrt'"
    )
