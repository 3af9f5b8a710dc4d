"""CPU against CUDA: the comparison of two figure folders finds every planted difference.

The folders compared here are both drawn on this machine; on the GPU machine
scripts/gpu_verify.py compares a CPU-drawn folder with a CUDA-drawn one the same way.
"""

import shutil
from pathlib import Path

import pytest

from runner.compare import (
    EXPECTED_DIFFERENCES,
    METRIC_DRIVEN,
    compare_folders,
    cut_steps,
    lrs_differences,
    main,
)
from runner.figures import FIGURES_DIR, Recording, draw_figures
from runner.snippets import discover

SNIPPETS = discover()


@pytest.fixture(scope="module")
def drawn() -> Path:
    draw_figures(SNIPPETS, FIGURES_DIR)  # the cache: a no-op when the figures are current
    return FIGURES_DIR


@pytest.fixture
def folders(drawn, tmp_path) -> tuple[Path, Path]:
    cpu, cuda = tmp_path / "cpu", tmp_path / "cuda"
    for folder in (cpu, cuda):
        shutil.copytree(drawn, folder)
    return cpu, cuda


def edit_lrs(folder: Path, name: str, edit) -> None:
    path = folder / f"{name}.json"
    recording = Recording.load(path)
    edit(recording.lrs)
    recording.save(path)


def test_identical_folders_agree_on_every_snippet_and_figure(folders, capsys):
    result = compare_folders(*folders)
    names = sorted(p.stem for p in SNIPPETS)
    assert result.ok, result.differences
    assert sorted(result.exact + result.same_cuts) == names
    assert sorted(result.same_cuts) == ["reduce_lr_on_plateau", "seed_example_fixed_plateau"]
    # light and dark, plus two overviews (all schedulers, modern schedules), each also in
    # two columns for phones (<overview>_narrow)
    assert result.identical_figures == 2 * (len(names) + 4)
    assert main([str(folder) for folder in folders]) == 0
    assert "byte-identical" in capsys.readouterr().out


def test_a_changed_lr_is_named_with_its_step_and_both_values(folders, capsys):
    cpu, cuda = folders
    edit_lrs(cuda, "step_lr", lambda lrs: lrs.__setitem__(3, lrs[3] * (1 + 1e-15)))
    result = compare_folders(cpu, cuda)
    step_lr = Recording.load(cpu / "step_lr.json").lrs
    assert result.differences == [
        f"step_lr: lrs[3] is {step_lr[3]!r} on CPU, {step_lr[3] * (1 + 1e-15)!r} on CUDA"
    ]
    assert main([str(cpu), str(cuda)]) == 1
    assert "DIFFERENT: step_lr: lrs[3]" in capsys.readouterr().out


def test_a_moved_plateau_cut_is_reported_as_cut_epochs(folders):
    cpu, cuda = folders
    lrs = Recording.load(cpu / "reduce_lr_on_plateau.json").lrs
    cuts = cut_steps(lrs)
    assert cuts, "the plateau example cuts its LR at least once"
    first = cuts[0]
    # Cut one epoch later on "CUDA": the cut epoch keeps the LR of the epoch before.
    edit_lrs(cuda, "reduce_lr_on_plateau", lambda lrs: lrs.__setitem__(first, lrs[first - 1]))
    moved = [first + 1, *cuts[1:]] if first + 1 not in cuts else cuts[1:]
    assert compare_folders(cpu, cuda).differences == [
        f"reduce_lr_on_plateau: ReduceLROnPlateau cut the LR at steps {cuts} on CPU, "
        f"{moved} on CUDA"
    ]


def test_a_figure_that_differs_with_equal_lrs_is_called_nondeterministic(folders):
    cpu, cuda = folders
    svg = cuda / "cosine_annealing_lr-dark.svg"
    svg.write_text(svg.read_text().replace("</svg>", "<!-- planted --></svg>"))
    assert compare_folders(cpu, cuda).differences == [
        "cosine_annealing_lr-dark.svg differs although the LRs are equal: "
        "the drawing is not deterministic"
    ]


def test_a_figure_of_differing_lrs_points_to_the_lr_difference(folders):
    cpu, cuda = folders
    edit_lrs(cuda, "linear_lr", lambda lrs: lrs.__setitem__(0, 0.5))
    svg = cuda / "linear_lr.svg"
    svg.write_text(svg.read_text().replace("</svg>", "<!-- planted --></svg>"))
    differences = compare_folders(cpu, cuda).differences
    assert len(differences) == 2 and differences[0].startswith("linear_lr: lrs[0] is ")
    assert differences[1] == "linear_lr.svg differs because its LRs differ (above)"


def test_a_missing_recording_or_figure_is_a_difference(folders):
    cpu, cuda = folders
    (cuda / "step_lr.json").unlink()
    (cuda / "overview.svg").unlink()
    assert compare_folders(cpu, cuda).differences == [
        "step_lr: recorded on CPU only",
        "overview.svg: drawn on CPU only",
    ]


def test_an_empty_reference_folder_is_a_difference(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert compare_folders(tmp_path / "a", tmp_path / "b").differences == [
        f"no recordings in {tmp_path / 'a'}"
    ]


def test_an_expected_difference_is_reported_with_its_reason_and_passes(folders, monkeypatch):
    cpu, cuda = folders
    monkeypatch.setitem(EXPECTED_DIFFERENCES, "exponential_lr", "planted for this test")
    edit_lrs(cuda, "exponential_lr", lambda lrs: lrs.__setitem__(1, 0.0))
    result = compare_folders(cpu, cuda)
    assert result.ok
    assert len(result.explained) == 1
    assert result.explained[0].startswith("exponential_lr: lrs[1] is ")
    assert result.explained[0].endswith("(expected: planted for this test)")


def test_no_difference_is_expected_today():
    # A snippet that differs between CPU and CUDA needs its reason here and on its page.
    assert EXPECTED_DIFFERENCES == {}


@pytest.mark.parametrize(
    ("scheduler", "reference", "other", "expected"),
    [
        ("StepLR", [0.1, 0.1, 0.01], [0.1, 0.1, 0.01], []),
        ("StepLR", [0.1, 0.1], [0.1, 0.1, 0.01], ["x: 2 LRs recorded on CPU, 3 on CUDA"]),
        ("ReduceLROnPlateau", [0.1, 0.05, 0.05], [0.1, 0.05, 0.05], []),
        (
            "ReduceLROnPlateau",
            [0.1, 0.05, 0.05],
            [0.1, 0.1, 0.05],
            ["x: ReduceLROnPlateau cut the LR at steps [1] on CPU, [2] on CUDA"],
        ),
        # Same cuts, other values: not the same products of factor.
        (
            "ReduceLROnPlateau",
            [0.1, 0.05],
            [0.1, 0.04],
            ["x: lrs[1] is 0.05 on CPU, 0.04 on CUDA"],
        ),
    ],
)
def test_lrs_differences(scheduler, reference, other, expected):
    assert lrs_differences("x", scheduler, reference, other) == expected


def test_the_metric_driven_schedulers_are_the_ones_that_take_a_metric():
    import inspect

    import torch
    from torch.optim.lr_scheduler import ReduceLROnPlateau

    takes_metrics = {
        name
        for name, cls in vars(torch.optim.lr_scheduler).items()
        if inspect.isclass(cls)
        and issubclass(cls, (torch.optim.lr_scheduler.LRScheduler, ReduceLROnPlateau))
        and "metrics" in inspect.signature(cls.step).parameters
    }
    assert takes_metrics == METRIC_DRIVEN
