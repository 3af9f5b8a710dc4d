"""The figure runner: deterministic output, a cache that skips torch, loud failures."""

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from runner.figures import (
    FIGURES_DIR,
    KEYS_FILE,
    OVERVIEW,
    THEMES,
    Recording,
    compact_svg,
    draw_figures,
    draw_lr_figure,
    draw_overview,
    figure_paths,
    record_overview_key,
    snake_case,
    stale_overview_keys,
)
from runner.snippets import ROOT, SnippetError, discover, run_snippet

SNIPPETS = discover()


@pytest.fixture(scope="module")
def drawn(root_causes) -> Path:
    # The project's own figure cache, as `python -m runner` and the site build fill it:
    # tests/snippets compares each recording with its own run of the snippet, which proves
    # that cached figures are still current. A failing snippet fails its own test only.
    try:
        draw_figures(SNIPPETS, FIGURES_DIR)
    except SnippetError as error:
        root_causes.snippet_failed(error)
    return FIGURES_DIR


def write_snippet(folder: Path, name: str, code: str) -> Path:
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(code).lstrip())
    return path


def test_draws_a_light_and_a_dark_svg_and_one_recording_per_snippet_plus_the_overviews(drawn):
    names = sorted(p.stem for p in SNIPPETS)
    # each overview in four columns, and in two for phones (<overview>_narrow)
    overviews = ["overview", "modern-overview", "overview_narrow", "modern-overview_narrow"]
    figures = [name + suffix for name in [*names, *overviews] for suffix in ("", "-dark")]
    assert sorted(p.stem for p in drawn.glob("*.svg")) == sorted(figures)
    assert sorted(p.stem for p in drawn.glob("*.json") if p.name != KEYS_FILE) == names
    keys = sorted(json.loads((drawn / KEYS_FILE).read_text()))
    assert keys == sorted([*names, "overview", "modern-overview"])  # one key draws both widths


def test_recording_holds_exactly_what_the_snippet_recorded(drawn, snippet):
    run = snippet("step_lr")
    recording = Recording.load(drawn / "step_lr.json")
    assert recording == Recording("step_lr", "StepLR", run.epochs, run.lrs)
    assert recording.is_main_example and recording.step_unit == "epoch"


@pytest.mark.parametrize("name", ["overview", "overview_narrow"])
def test_overview_has_a_panel_for_every_main_example_only(drawn, name):
    overview = (drawn / f"{name}.svg").read_text()
    recordings = [Recording.load(p) for p in drawn.glob("*.json") if p.name != KEYS_FILE]
    main = [r for r in recordings if r.is_main_example]
    assert main
    for recording in main:
        # exactly one panel per scheduler: variants such as *_per_batch add none
        assert overview.count(f">{recording.scheduler}<") == 1, recording.name


def test_modern_overview_has_one_titled_panel_per_modern_schedule_only(drawn):
    overview = (drawn / "modern-overview.svg").read_text()
    recordings = [Recording.load(p) for p in drawn.glob("*.json") if p.name != KEYS_FILE]
    modern = sorted(r.name for r in recordings if r.is_modern_schedule)
    assert modern == sorted(p.stem for p in SNIPPETS if p.stem.startswith("modern_"))
    assert len(modern) == 6
    titles = re.findall(r">([a-z][a-z ]+)</text>", overview)
    assert sorted(t for t in titles if t != "batches") == sorted(
        name.removeprefix("modern_").replace("_", " ") for name in modern
    )
    assert ">SequentialLR<" not in overview and ">StepLR<" not in overview


@pytest.mark.parametrize(
    "class_name, snippet_name",
    [
        ("StepLR", "step_lr"),
        ("ReduceLROnPlateau", "reduce_lr_on_plateau"),
        ("CosineAnnealingWarmRestarts", "cosine_annealing_warm_restarts"),
        ("LRScheduler", "lr_scheduler"),
        ("OneCycleLR", "one_cycle_lr"),
    ],
)
def test_snippet_of_a_scheduler_is_named_after_its_class(class_name, snippet_name):
    assert snake_case(class_name) == snippet_name


def outputs_that_differ(first: Path, second: Path) -> list[str]:
    """The determinism guard: outputs of two runs that are not byte-identical."""
    outputs = [*first.glob("*.svg"), *first.glob("*.json")]
    names = sorted(p.name for p in outputs if p.name != KEYS_FILE)  # the figures and recordings
    assert names, f"no outputs in {first}"
    return [n for n in names if (first / n).read_bytes() != (second / n).read_bytes()]


def test_redrawing_the_recordings_gives_the_same_bytes(drawn, tmp_path):
    # Drawing is deterministic: figures drawn again from the recordings are the cached bytes.
    # (Running is too: tests/snippets compares each recording with its own run.) One figure
    # per way of drawing one (per epoch or batch, with or without markers and epoch lines)
    # and the overview, which plots every main recording: the same code paths as all 70.
    recordings = [Recording.load(p) for p in sorted(drawn.glob("*.json")) if p.name != KEYS_FILE]
    kinds = {}
    for recording in recordings:
        kind = (recording.step_unit, len(recording.lrs) <= 40, recording.epochs <= 30)
        kinds.setdefault(kind, recording)
    for recording in kinds.values():
        for theme, svg in zip(THEMES, figure_paths(tmp_path, recording.name)):
            draw_lr_figure(recording, svg, theme)
    main = [r for r in recordings if r.is_main_example]
    for theme, svg in zip(THEMES, figure_paths(tmp_path, OVERVIEW)):
        draw_overview(main, svg, theme)
    assert len(kinds) >= 3 and len(list(tmp_path.glob("*.svg"))) == 2 * (len(kinds) + 1)
    assert outputs_that_differ(tmp_path, drawn) == []


def test_determinism_guard_catches_an_unseeded_snippet(tmp_path):
    snippet = write_snippet(
        tmp_path,
        "unseeded",
        """
        import random
        scheduler = object()
        epochs = 3
        lrs = [random.uniform(0.01, 0.1) for _ in range(epochs)]
        """,
    )
    draw_figures([snippet], tmp_path / "first", force=True)
    draw_figures([snippet], tmp_path / "second", force=True)
    assert outputs_that_differ(tmp_path / "first", tmp_path / "second") == [
        "unseeded-dark.svg",
        "unseeded.json",
        "unseeded.svg",
    ]


def test_dark_variant_draws_the_same_curve_in_light_colours(drawn):
    light = (drawn / "step_lr.svg").read_text()
    dark = (drawn / "step_lr-dark.svg").read_text()
    assert "#3f51b5" in light and "#3f51b5" not in dark
    assert "#9fa8da" in dark
    path_data = re.compile(r'<path d="([^"]+)"[^>]*style="fill: none; stroke: #(?:3f51b5|9fa8da)')
    assert path_data.findall(light) == path_data.findall(dark) != []


def test_axis_label_says_what_a_step_is(drawn):
    assert "epoch (one scheduler.step() per epoch)" in (drawn / "step_lr.svg").read_text()
    one_cycle = (drawn / "one_cycle_lr.svg").read_text()
    # two lines: one would be wider than the figure
    assert "batch (one scheduler.step() per batch;" in one_cycle
    assert "8 batches per epoch, 10 epochs)" in one_cycle


def test_figure_is_titled_with_the_scheduler_that_ran(drawn):
    assert ">StepLR<" in (drawn / "step_lr.svg").read_text()
    assert ">OneCycleLR<" in (drawn / "one_cycle_lr.svg").read_text()


def test_cache_hit_imports_neither_torch_nor_matplotlib(drawn):
    probe = textwrap.dedent(f"""
        import sys
        from runner.figures import draw_figures
        drawn = draw_figures({[str(p) for p in SNIPPETS]!r}, {str(drawn)!r})
        print(len(drawn), "torch" in sys.modules, "matplotlib" in sys.modules)
    """)
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["0", "False", "False"]


def test_only_the_changed_snippet_is_redrawn(tmp_path):
    copies = [
        write_snippet(tmp_path, name, f"scheduler = object(); epochs = 2; lrs = [{lr}, 0.01]")
        for name, lr in [("first", 0.1), ("second", 0.2)]
    ]
    out = tmp_path / "figures"
    assert len(draw_figures(copies, out)) == 2 * len(copies)  # light and dark
    changed = copies[0]
    changed.write_text(changed.read_text() + "\n# edited\n")
    assert draw_figures(copies, out) == [out / "first.svg", out / "first-dark.svg"]
    assert draw_figures(copies, out) == []


def test_figure_of_a_removed_snippet_is_deleted(tmp_path):
    (tmp_path / "gone.svg").write_text("<svg/>")
    fake = write_snippet(tmp_path, "fake", "scheduler = object(); epochs = 1; lrs = [0.1]")
    draw_figures([fake], tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.svg")) == ["fake-dark.svg", "fake.svg"]


def fake_snippets(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir(exist_ok=True)
    return [
        write_snippet(folder, name, f"scheduler = object(); epochs = 2; lrs = [0.{i + 1}, 0.01]")
        for i, name in enumerate(names)
    ]


def test_running_one_snippet_keeps_every_other_figure_and_cache_key(tmp_path):
    # The bug this guards: `python -m runner snippets/<one>.py` left 6 of 108 files and one
    # cache key, so the next full run redid every snippet.
    snippets = fake_snippets(tmp_path / "snippets", ["first", "second", "third"])
    out = tmp_path / "figures"
    draw_figures(snippets, out)
    files_before = sorted(p.name for p in out.iterdir())
    keys_before = json.loads((out / KEYS_FILE).read_text())
    assert len(files_before) == 3 * 3 + 1  # two SVGs and a recording each, and the keys

    result = subprocess.run(
        [sys.executable, "-m", "runner", "--force", "--out", str(out), str(snippets[1])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )

    assert sorted(p.name for p in out.iterdir()) == files_before
    assert json.loads((out / KEYS_FILE).read_text()) == keys_before
    lines = result.stdout.splitlines()
    assert lines[0] == "running 1 of 1 snippets (the rest are up to date)"
    assert re.fullmatch(r"\[1/1\] .*second\.py \d+\.\d\d s", lines[1]), lines
    assert draw_figures(snippets, out) == []  # the next full run has nothing to do


def test_runner_reports_each_snippet_it_runs_with_its_time(tmp_path):
    snippets = fake_snippets(tmp_path, ["first", "second"])
    reported = []
    draw_figures(snippets, tmp_path / "figures", on_run=lambda s, t: reported.append((s, t)))
    assert [snippet for snippet, _ in reported] == snippets
    assert all(0 < seconds < 60 for _, seconds in reported)
    reported.clear()
    draw_figures(snippets, tmp_path / "figures", on_run=lambda s, t: reported.append((s, t)))
    assert reported == []  # nothing stale, nothing run


def test_serve_draws_the_overview_in_another_process_and_records_its_key_after(tmp_path):
    main_example = "class StepLR: pass\nscheduler = StepLR(); epochs = 2; lrs = [0.1, 0.05]\n"
    snippet = write_snippet(tmp_path, "step_lr", main_example)
    out = tmp_path / "figures"
    assert draw_figures([snippet], out, overview=False) == [
        out / "step_lr.svg",
        out / "step_lr-dark.svg",
    ]
    stale_keys = stale_overview_keys(out)
    assert list(stale_keys) == ["overview"]  # no modern_* recording: that overview is not due
    result = subprocess.run(
        [sys.executable, "-m", "runner", "--overview-only", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    # light and dark, each in four columns and in two for phones
    assert result.stdout.count("drew ") == 4 and (out / "overview_narrow-dark.svg").is_file()
    assert stale_overview_keys(out) == stale_keys  # drawn, but the key is the caller's
    record_overview_key(out, "overview", stale_keys["overview"])
    assert stale_overview_keys(out) == {}
    assert draw_figures([snippet], out) == []  # a build finds it current


def test_snippet_without_lrs_names_the_snippet(tmp_path):
    path = write_snippet(tmp_path, "no_lrs", "scheduler = object()\nepochs = 3\n")
    with pytest.raises(SnippetError, match=r"no_lrs\.py:1: defines no 'lrs'"):
        run_snippet(path)


def test_snippet_that_raises_names_file_line_and_exception(tmp_path):
    path = write_snippet(
        tmp_path,
        "broken",
        """
        lrs = []
        epochs = 1

        ratio = 1 / 0
        """,
    )
    with pytest.raises(SnippetError) as raised:
        run_snippet(path)
    message = str(raised.value)
    assert message.startswith(f"{path}:4: ZeroDivisionError: division by zero")
    assert "ratio = 1 / 0" in message  # the traceback shows the offending line


def test_snippet_that_raises_in_its_loop_says_how_far_the_loop_got(tmp_path):
    path = write_snippet(
        tmp_path,
        "raises_at_step_7",
        """
        lrs = []
        epochs = 10
        for epoch in range(epochs):
            if epoch == 7:
                raise RuntimeError("loss is nan")
            lrs.append(0.1)
        """,
    )
    with pytest.raises(SnippetError) as raised:
        run_snippet(path)
    assert str(raised.value).startswith(
        f"{path}:5: RuntimeError: loss is nan (at epoch 7, 7 optimizer steps recorded in lrs)"
    )
    assert raised.value.path == path


def test_snippet_that_records_no_lrs_is_told_where_the_line_belongs(tmp_path):
    path = write_snippet(
        tmp_path,
        "records_nothing",
        """
        import torch

        weight = torch.zeros(1, requires_grad=True)
        optimizer = torch.optim.SGD([weight], lr=0.1)
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2)
        epochs = 3
        lrs = []
        for epoch in range(epochs):
            optimizer.step()  # the recording line belongs after this one
            scheduler.step()
        """,
    )
    with pytest.raises(SnippetError) as raised:
        run_snippet(path)
    assert str(raised.value) == (
        f"{path}:9: 'lrs' must be a non-empty list, got []: the learning rate used at every "
        "optimizer step. Put `lrs = []` before the training loop and "
        "`lrs.append(scheduler.get_last_lr()[0])` on the line after this optimizer.step()"
    )


def test_snippet_that_warns_fails(tmp_path):
    path = write_snippet(
        tmp_path,
        "warns",
        """
        import warnings
        warnings.warn("the 'verbose' argument is deprecated", DeprecationWarning)
        """,
    )
    with pytest.raises(SnippetError, match=r"warns\.py:2: DeprecationWarning: the 'verbose'"):
        run_snippet(path)


def test_snippet_using_a_deprecated_torch_argument_fails_naming_the_line(tmp_path):
    path = write_snippet(
        tmp_path,
        "deprecated",
        """
        import torch

        weight = torch.zeros(1, requires_grad=True)
        optimizer = torch.optim.SGD([weight], lr=0.1)
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2)
        optimizer.step()
        scheduler.step(1)  # the epoch argument is deprecated
        """,
    )
    with pytest.raises(SnippetError, match=r"deprecated\.py:7: UserWarning: The epoch parameter"):
        run_snippet(path)


def test_lrs_must_split_into_whole_epochs(tmp_path):
    path = write_snippet(tmp_path, "ragged", "scheduler = object(); epochs = 3; lrs = [0.1] * 7")
    with pytest.raises(SnippetError, match=r"ragged\.py:1: 7 recorded learning rates"):
        run_snippet(path)


def test_command_line_reports_a_failing_snippet(tmp_path):
    path = write_snippet(tmp_path, "broken", "lrs = []\nraise RuntimeError('boom')\n")
    result = subprocess.run(
        [sys.executable, "-m", "runner", "--out", str(tmp_path / "out"), str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert f"error: {path}:2: RuntimeError: boom" in result.stderr


def test_compacting_rounds_coordinates_but_never_text():
    svg = '<text x="46.266646" y="210.99">0.0125</text>\n  <path d="M 0 230.456 L 1.25 2"/>'
    assert (
        compact_svg(svg) == '<text x="46.2" y="210.9">0.0125</text>\n<path d="M 0 230.4 L 1.2 2"/>'
    )


def test_tick_labels_keep_all_their_digits(drawn):
    labels = re.findall(r">(\d\.\d+)<", (drawn / "step_lr.svg").read_text())
    assert {"0.02", "0.04", "0.06", "0.08", "0.10"} <= set(labels), labels
