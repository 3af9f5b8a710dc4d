"""The `lr_scheduler_type` names the modern pages and the choosing guide give for each schedule."""

import pytest
from hugging_face import hf
from transformers.trainer_utils import SchedulerType

NAMES = {
    "linear": hf.get_linear_schedule_with_warmup,
    "cosine": hf.get_cosine_schedule_with_warmup,
    "cosine_with_min_lr": hf.get_cosine_with_min_lr_schedule_with_warmup,
    "warmup_stable_decay": hf.get_wsd_schedule,
    "inverse_sqrt": hf.get_inverse_sqrt_schedule,
    "cosine_with_restarts": hf.get_cosine_with_hard_restarts_schedule_with_warmup,
    "polynomial": hf.get_polynomial_decay_schedule_with_warmup,
}


@pytest.mark.parametrize("name", NAMES)
def test_lr_scheduler_type_builds_the_function_the_page_compares_with(name):
    assert hf.TYPE_TO_SCHEDULER_FUNCTION[SchedulerType(name)] is NAMES[name]


def test_the_trainer_default_is_linear():
    from transformers import TrainingArguments

    assert TrainingArguments.__dataclass_fields__["lr_scheduler_type"].default == "linear"
