"""transformers' get_inverse_sqrt_schedule
against the torch composition of snippets/modern_inverse_sqrt.py, at every step."""

import pytest
from compositions import assert_same_lrs, inverse_sqrt
from hugging_face import hf
from schedules import dummy_optimizer, lrs_used

LR, WARMUP, TOTAL, COOLDOWN = 1e-2, 16, 160, 32


@pytest.mark.parametrize(
    "warmup, timescale, steps",
    [(16, None, 160), (10, 25, 100), (0, None, 50), (1, None, 30), (400, None, 2000)],
)
def test_composition_equals_transformers(warmup, timescale, steps):
    ours = lrs_used(inverse_sqrt(dummy_optimizer(LR), warmup, timescale), steps)
    theirs = lrs_used(hf.get_inverse_sqrt_schedule(dummy_optimizer(LR), warmup, timescale), steps)
    assert_same_lrs(ours, theirs)
