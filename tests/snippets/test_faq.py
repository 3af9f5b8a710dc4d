"""docs/guides/faq.md: what the FAQ promises beyond the output of its checked blocks.

Each answer is short, links to a page with the evidence (and to a section that exists), and
names only classes that torch has; its code is a checked block inside the collapsible answer,
whose printed output pytest-codeblocks compares. The two questions the seed page ends with
are asked word for word, and every guide answers at least one question.
"""

import builtins
import math
import re
from pathlib import Path

import pytest
import torch
from torch.utils.data import DataLoader

DOCS = Path(__file__).resolve().parents[2] / "docs"
FAQ = DOCS / "guides" / "faq.md"

# The two questions the seed page (the interview page LR Atlas grew from) ends with.
SEED_QUESTIONS = [
    "When should scheduler.step() be called relative to optimizer.step()?",
    "Which scheduler is well-suited when you don't know how many epochs you'll train for?",
]
MAX_WORDS = 100  # of prose per answer, code and output not counted
NOT_GUIDES = {"index.md", "faq.md"}  # the guides' table of contents, and this page


def questions() -> dict[str, list[str]]:
    """Each `??? question "..."` title with the lines of its answer (indented 4 spaces)."""
    found, current = {}, None
    for line in FAQ.read_text(encoding="utf-8").splitlines():
        title = re.fullmatch(r'\?\?\? question "(.+)"', line)
        if title:
            assert title[1] not in found, f"asked twice: {title[1]}"
            current = found[title[1]] = []
        elif current is not None and (line.startswith("    ") or not line.strip()):
            current.append(line[4:])
        else:
            current = None
    return found


QUESTIONS = questions()


def prose(answer: list[str]) -> str:
    """The answer without its code and output fences."""
    text, inside = [], False
    for line in answer:
        if line.startswith("```"):
            inside = not inside
        elif not inside and not line.startswith("<!--"):
            text.append(line)
    return " ".join(text)


def slug(heading: str) -> str:
    """Python-Markdown's toc slug, as MkDocs builds a heading's anchor."""
    text = re.sub(r"`([^`]*)`", r"\1", heading)
    text = re.sub(r"[^\w\s-]", "", text.encode("ascii", "ignore").decode("ascii"))
    return re.sub(r"[-\s]+", "-", text.strip().lower())


def anchors(page: Path) -> set[str]:
    text = page.read_text(encoding="utf-8")
    explicit = set(re.findall(r"^#+ .*\{ *#([\w-]+) *\}\s*$", text, re.M))
    headings = re.findall(r"^#{1,6} (.+?)\s*$", text, re.M)
    return explicit | {slug(h) for h in headings}


def links(answer: list[str]) -> list[tuple[Path, str]]:
    found = re.findall(r"\]\(([^)\s#]+\.md)(?:#([^)\s]+))?\)", prose(answer))
    return [((FAQ.parent / target).resolve(), anchor) for target, anchor in found]


def test_the_seed_questions_are_asked_word_for_word():
    assert [q for q in SEED_QUESTIONS if q in QUESTIONS] == SEED_QUESTIONS


def test_there_are_enough_questions_and_each_is_one():
    assert len(QUESTIONS) >= 20
    assert all(title.endswith("?") and title.count("?") == 1 for title in QUESTIONS)


@pytest.mark.parametrize("title", QUESTIONS)
def test_answer_is_short_and_links_to_its_evidence(title):
    answer = QUESTIONS[title]
    assert len(prose(answer).split()) <= MAX_WORDS
    targets = links(answer)
    assert targets, f"the answer to {title!r} links to no page"
    for page, anchor in targets:
        assert page.is_file(), f"{title!r} links to {page}, which does not exist"
        if anchor:
            assert anchor in anchors(page), f"{title!r} links to a missing #{anchor} in {page}"


@pytest.mark.parametrize("title", QUESTIONS)
def test_answer_names_only_classes_torch_has(title):
    # `StepLR`, `GradScaler(...)`: a capitalised name in code; `T_max` is an argument;
    # `NotImplementedError`: an exception torch raises, one of Python's own
    names = re.findall(r"`([A-Z][A-Za-z]*)[`(]", prose(QUESTIONS[title]))
    modules = (torch.optim.lr_scheduler, torch.amp, builtins)
    unknown = [name for name in names if not any(hasattr(m, name) for m in modules)]
    assert unknown == []


def test_every_number_in_an_answer_comes_from_a_checked_block_inside_it():
    # pytest-codeblocks runs an indented ```python fence and compares the ```text fence
    # after <!--pytest-codeblocks:expected-output--> with what it printed.
    lines = FAQ.read_text(encoding="utf-8").splitlines()
    opened = [i for i, line in enumerate(lines) if line.lstrip().startswith("```python")]
    assert len(opened) >= 15
    for i in opened:
        assert lines[i] == "    ```python", f"faq.md:{i + 1}: not an executed block in an answer"
        closing = lines.index("    ```", i + 1)
        after = [line for line in lines[closing + 1 : closing + 4] if line.strip()]
        assert after == ["    <!--pytest-codeblocks:expected-output-->", "    ```text"], (
            f"faq.md:{i + 1}: the block's output is not checked"
        )
    answered = [title for title, answer in QUESTIONS.items() if "```python" in "\n".join(answer)]
    assert len(answered) == len(opened)  # one block per answer at most, each inside one


def test_every_guide_answers_a_question():
    linked = {page for answer in QUESTIONS.values() for page, _ in links(answer)}
    guides = [p for p in sorted((DOCS / "guides").glob("*.md")) if p.name not in NOT_GUIDES]
    unlinked = [p.name for p in guides if p.resolve() not in linked]
    assert unlinked == [], f"no FAQ answer links to {unlinked}"


def test_questions_are_collected_from_the_page_as_written():
    text = FAQ.read_text(encoding="utf-8")
    assert len(QUESTIONS) == text.count('??? question "')
    assert all(QUESTIONS.values())


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_reduce_lr_on_plateau_rejects_only_a_factor_of_one_or_more():
    """FAQ "Why is my learning rate negative?": ReduceLROnPlateau rejects only factor >= 1; a
    negative factor cuts to max(lr * factor, min_lr), and a negative product below which
    min_lr lies stays, since later products are positive (also pitfalls.md)."""
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau
    for factor in (1.0, 1.5):
        with pytest.raises(ValueError, match=r"^Factor should be < 1\.0\.$"):
            plateau(torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1), factor=factor)
    used = {}
    for factor, min_lr in [(-0.5, 0), (0.0, 0), (-0.5, -0.01), (-0.5, -1.0)]:
        optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        scheduler = plateau(optimizer, factor=factor, patience=0, min_lr=min_lr)
        used[factor, min_lr] = []
        for _ in range(5):  # a flat metric: a cut at every step after the first
            used[factor, min_lr].append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step(1.0)
    assert used == {
        (-0.5, 0): [0.1, 0.1, 0, 0, 0],
        (0.0, 0): [0.1, 0.1, 0, 0, 0],
        (-0.5, -0.01): [0.1, 0.1, -0.01, -0.01, -0.01],
        (-0.5, -1.0): pytest.approx([0.1, 0.1, -0.05, -0.05, -0.05]),
    }


def one_cycle_updates(windows, **sizing):
    """(updates made, epoch at which OneCycleLR raised or None, its message or None) for a
    OneCycleLR sized by ``sizing`` and stepped once per update; ``windows`` yields, per
    epoch, one bool per micro-batch: does this micro-batch end an accumulation window?"""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, **sizing)
    updates = 0
    for epoch, ends in enumerate(windows):
        for _ in filter(None, ends):
            optimizer.step()
            try:
                scheduler.step()
            except ValueError as error:
                return updates, epoch, str(error)
            updates += 1
    return updates, None, None


def updates_until_one_cycle_stops(updates_per_epoch, last_window_updates):
    """OneCycleLR sized with updates_per_epoch, stepped by an accumulation loop over 19
    micro-batches (600 samples, batch 32) with accumulation_steps=4, for 10 epochs, whose
    micro-batch count starts again each epoch."""
    length = len(DataLoader(range(600), batch_size=32))
    windows = (
        [(i + 1) % 4 == 0 or (last_window_updates and i + 1 == length) for i in range(length)]
        for _ in range(10)
    )
    return one_cycle_updates(windows, epochs=10, steps_per_epoch=updates_per_epoch)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_accumulation_updates_per_epoch_round_up_when_the_last_short_window_updates():
    """FAQ "How do I schedule with gradient accumulation?": math.ceil when the last, short
    window also updates, // when its gradients carry over (also the accumulation page)."""
    assert len(DataLoader(range(600), batch_size=32)) == 19
    assert updates_until_one_cycle_stops(19 // 4, last_window_updates=True) == (
        40,
        8,
        "Tried to step 41 times. The specified number of total steps is 40",
    )
    assert updates_until_one_cycle_stops(math.ceil(19 / 4), last_window_updates=True) == (
        50,
        None,
        None,
    )
    # The loop that carries the short window's gradients into the next epoch updates
    # 4 times an epoch: there the floor is exact.
    assert updates_until_one_cycle_stops(19 // 4, last_window_updates=False) == (40, None, None)


def updates_of_a_loop_counting_across_epochs(**sizing):
    """OneCycleLR sized by ``sizing``, stepped by an accumulation loop whose micro-batch
    counter runs on across epochs (19 micro-batches an epoch, accumulation_steps=4, 10
    epochs): the short window's gradients carry over, and the windows drift across epochs."""
    windows = ([(epoch * 19 + i + 1) % 4 == 0 for i in range(19)] for epoch in range(10))
    return one_cycle_updates(windows, **sizing)


@pytest.mark.torch_versions("2.11", "2.13")  # quotes torch's text
def test_a_loop_counting_micro_batches_across_epochs_is_sized_as_a_total():
    """FAQ "How do I schedule with gradient accumulation?": such a loop makes
    (epochs * len(loader)) // accumulation_steps updates, more than epochs * (len(loader) // 4)."""
    assert updates_of_a_loop_counting_across_epochs(epochs=10, steps_per_epoch=19 // 4) == (
        40,
        8,
        "Tried to step 41 times. The specified number of total steps is 40",
    )
    assert updates_of_a_loop_counting_across_epochs(total_steps=(10 * 19) // 4) == (
        47,
        None,
        None,
    )
