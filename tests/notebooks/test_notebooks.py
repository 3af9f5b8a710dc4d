"""The notebooks run top to bottom, and what they conclude is what their run shows."""

import math
import re
import textwrap

import pytest
import torch

from runner.notebooks import NotebookError, discover, read_cells, run_notebook

SCHEDULES = [
    "constant",
    "StepLR",
    "CosineAnnealingLR",
    "OneCycleLR",
    "warm-up + cosine",
    "ReduceLROnPlateau",
]


def test_both_notebooks_are_found():
    assert [p.name for p in discover()] == ["lr-range-test.py", "scheduler-shoot-out.py"]


@pytest.mark.parametrize("name", ["lr-range-test", "scheduler-shoot-out"])
def test_notebook_runs(name, notebook):
    # The one test that fails, naming cell and line, when a cell raises; the notebook's
    # other tests are then skipped.
    run = notebook(name)
    assert len(run.cells) == len([cell for cell in read_cells(run.path) if cell.kind == "code"])


@pytest.mark.parametrize("name", ["scheduler-shoot-out", "lr-range-test"])
def test_notebook_trains_on_the_expected_device(name, notebook):
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert notebook(name).namespace["device"] == expected


def test_shoot_out_gives_every_schedule_the_same_budget(notebook):
    results = notebook("scheduler-shoot-out").namespace["results"]
    assert list(results) == SCHEDULES
    assert {history["steps"] for history in results.values()} == {20 * 14}
    assert {len(history["lr"]) for history in results.values()} == {280}


def test_shoot_out_schedules_follow_their_definitions(notebook):
    results = notebook("scheduler-shoot-out").namespace["results"]
    assert set(results["constant"]["lr"]) == {0.1}
    step_lr = results["StepLR"]["lr"]
    assert step_lr == pytest.approx(
        [0.1 * 0.3 ** ((step // 14) // 7) for step in range(280)], rel=1e-12
    )
    one_cycle = results["OneCycleLR"]["lr"]
    assert max(one_cycle) == pytest.approx(0.3, rel=1e-12)
    assert one_cycle[0] == pytest.approx(0.3 / 25, rel=1e-12)  # stepped per batch
    plateau = results["ReduceLROnPlateau"]["lr"]
    assert all(later <= earlier for earlier, later in zip(plateau, plateau[1:]))
    assert len(set(plateau)) > 1  # the plateau rule did fire


def test_shoot_out_table_and_leaders_are_the_runs_numbers(notebook):
    run = notebook("scheduler-shoot-out")
    results = run.namespace["results"]
    for name, history in results.items():
        best, final = max(history["val_accuracy"]), history["val_accuracy"][-1]
        assert f"| {name} | {best:.4f} | {final:.4f} | 280 |" in run.stdout
    lowest = min(results, key=lambda n: results[n]["train_loss"][-1])
    assert f"Lowest final training loss: {lowest} " in run.stdout
    assert run.figures == 1


def test_shoot_out_lists_every_accuracy_the_charts_axis_leaves_out(notebook):
    run = notebook("scheduler-shoot-out")
    floor = run.namespace["ACCURACY_AXIS_FROM"]
    assert run.namespace["accuracy_axes"].get_ylim() == (floor, 1.0)
    lines = run.stdout.splitlines()
    for name, history in run.namespace["results"].items():
        listed = next(line for line in lines if line.startswith(f"{name}: "))
        for epoch, accuracy in enumerate(history["val_accuracy"], start=1):
            assert (f"epoch {epoch} {accuracy:.3f}" in listed) == (accuracy < floor), listed
        assert listed.endswith("none") == all(a >= floor for a in history["val_accuracy"])
    # the text and the figure's alt text name the same axis
    assert any(f"axis starts at {floor}," in cell.source for cell in read_cells(run.path))
    alt = " ".join(
        line.removeprefix("# alt: ")
        for cell in read_cells(run.path)
        for line in cell.source.splitlines()
        if line.startswith("# alt: ") and "validation accuracy" in cell.source
    )
    assert f"axis from {floor} to 1, which leaves out lower accuracies" in alt


def test_range_test_sweeps_the_lr_exponentially(notebook):
    ns = notebook("lr-range-test").namespace
    gamma = (ns["END_LR"] / ns["START_LR"]) ** (1 / ns["SWEEP_STEPS"])
    expected = [ns["START_LR"] * gamma**step for step in range(len(ns["sweep_lrs"]))]
    assert ns["sweep_lrs"] == pytest.approx(expected, rel=1e-12)


def test_range_test_picks_max_lr_where_the_loss_falls(notebook):
    ns = notebook("lr-range-test").namespace
    lrs, smoothed = ns["sweep_lrs"], ns["smoothed"]
    chosen = min(range(len(lrs)), key=lambda i: abs(math.log(lrs[i] / ns["chosen_max_lr"])))
    window = smoothed[chosen - 10 : chosen + 11]
    assert window[-1] < window[0], "the smoothed loss is not falling around the chosen max_lr"
    assert smoothed[chosen] < smoothed[0]
    assert ns["chosen_max_lr"] < lrs[ns["lowest"]] < ns["bad_max_lr"]


def test_range_test_choice_beats_the_bad_max_lr(notebook):
    run = notebook("lr-range-test")
    runs = run.namespace["runs"]
    assert runs["chosen"][-1] > runs["too large"][-1]
    for name, accuracy in runs.items():
        assert f"{name:>9} max_lr: final validation accuracy {accuracy[-1]:.4f}" in run.stdout
    assert run.figures == 2


def test_cells_are_numbered_as_jupyter_shows_them(tmp_path):
    path = tmp_path / "example.py"
    path.write_text("# %% [markdown]\n# # Title\n\n# %%\nx = 1\n\n# %%\ny = x + 1\n")
    cells = read_cells(path)
    assert [(c.number, c.kind, c.line) for c in cells] == [
        (1, "markdown", 2),
        (2, "code", 5),
        (3, "code", 8),
    ]


def test_failing_cell_is_named_with_notebook_cell_and_line(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text(
        textwrap.dedent("""\
        # %% [markdown]
        # # Broken

        # %%
        rates = [0.1, 0.01]

        # %%
        ratio = rates[0] / (rates[1] - 0.01)
        """)
    )
    with pytest.raises(NotebookError) as raised:
        run_notebook(path)
    assert re.match(
        rf"{re.escape(str(path))}: cell 3 \(line 8\): ZeroDivisionError: float division by zero",
        str(raised.value),
    )
