"""The contract every snippet keeps, checked for each file in snippets/."""

from pathlib import Path

import pytest
import torch

from runner.compare import lrs_differences
from runner.figures import FIGURES_DIR, Recording, stale
from runner.snippets import discover, run_snippet

SNIPPETS = discover()
TESTS_DIR = Path(__file__).parent


def test_there_are_snippets():
    assert len(SNIPPETS) >= 2


@pytest.mark.parametrize("path", SNIPPETS, ids=lambda p: p.name)
def test_snippet_runs(path, snippet):
    # The one test that fails when the snippet raises or breaks the contract: with file:line,
    # how far the loop got and the exception. Every other test of the snippet is then skipped.
    run = snippet(path.stem)
    assert len(run.lrs) == run.epochs * run.steps_per_epoch


@pytest.mark.parametrize("path", SNIPPETS, ids=lambda p: p.name)
def test_snippet_has_its_own_test_module(path):
    # One test module per example, asserting what its page claims.
    assert (TESTS_DIR / f"test_{path.stem}.py").is_file(), (
        f"{path.name} has no tests/snippets/test_{path.stem}.py checking its learning rates"
    )


@pytest.mark.parametrize("path", SNIPPETS, ids=lambda p: p.name)
def test_snippet_trains_on_the_expected_device(path, snippet, expected_device):
    run = snippet(path.stem)
    if "trainer" in run.namespace:
        # A Lightning Trainer moves the module back to the CPU when fit ends
        # (Strategy.teardown); the device it trained on is the strategy's.
        assert run.namespace["trainer"].strategy.root_device.type == expected_device
    else:
        assert next(run.namespace["model"].parameters()).device.type == expected_device
    assert run.namespace["loss"].device.type == expected_device
    assert torch.isfinite(run.namespace["loss"]).item()


def independent_recording(path: Path) -> list[float] | None:
    """The LRs the figure runner recorded for this snippet, if they are current.

    The runner ran the snippet in its own execution (an earlier process, or earlier in this
    session) and its cache key proves the recording came from these bytes, this runner and
    this torch: comparing with it checks determinism without running the snippet again.
    """
    if stale([path], FIGURES_DIR):
        return None
    return Recording.load(FIGURES_DIR / f"{path.stem}.json").lrs


@pytest.mark.parametrize("path", SNIPPETS, ids=lambda p: p.name)
def test_snippet_lrs_do_not_depend_on_the_device(path, snippet, monkeypatch):
    # On a CUDA machine this compares a CPU run with the CUDA run: equal LRs, value for
    # value, and for ReduceLROnPlateau the same cut epochs (runner/compare.py says why). On a
    # CPU-only machine it compares this session's run with the runner's recording, an
    # independent execution of the same bytes, or (no current recording) with a second run:
    # either way an unseeded snippet fails here, and no snippet runs twice for it.
    run = snippet(path.stem)
    scheduler = type(run.scheduler).__name__
    recorded = None if torch.cuda.is_available() else independent_recording(path)
    if recorded is not None:
        labels = ("the runner's recording", "this run")
        assert lrs_differences(path.stem, scheduler, recorded, run.lrs, labels) == []
        return
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    cpu_run = run_snippet(path)
    assert next(cpu_run.namespace["model"].parameters()).device.type == "cpu"
    labels = ("CPU", run.namespace["loss"].device.type.upper())
    assert lrs_differences(path.stem, scheduler, cpu_run.lrs, run.lrs, labels) == []
