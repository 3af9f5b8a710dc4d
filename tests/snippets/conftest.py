"""Run each snippet once per session (REQUIRE_GPU is enforced in the root conftest)."""

import os

import pytest
import torch

from runner.snippets import SNIPPETS_DIR, SnippetRun, run_snippet

REQUIRE_GPU = os.environ.get("REQUIRE_GPU") == "1"


@pytest.fixture(scope="session")
def expected_device() -> str:
    return "cuda" if REQUIRE_GPU or torch.cuda.is_available() else "cpu"


_runs: dict[str, SnippetRun] = {}


@pytest.fixture(scope="session")
def snippet():
    """``snippet("step_lr")`` runs snippets/step_lr.py once and returns its SnippetRun."""

    def get(name: str) -> SnippetRun:
        if name not in _runs:
            _runs[name] = run_snippet(SNIPPETS_DIR / f"{name}.py")
        return _runs[name]

    return get
