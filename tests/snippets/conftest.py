"""The device the snippets must train on (REQUIRE_GPU is enforced in the root conftest).

The ``snippet`` fixture that runs each snippet once per session is in the root conftest:
the runner tests reuse the same runs.
"""

import os

import pytest
import torch

REQUIRE_GPU = os.environ.get("REQUIRE_GPU") == "1"


@pytest.fixture(scope="session")
def expected_device() -> str:
    return "cuda" if REQUIRE_GPU or torch.cuda.is_available() else "cpu"
