"""docs/contributing.md names the test behind every rule; each named test must exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "contributing.md"


def named_tests(text: str) -> list[tuple[str, str]]:
    """(file, function) for `tests/x.py::test_y` and the `::test_z` that follow it in a cell."""
    found = []
    for cell in re.split(r"\|", text):
        current = None
        for path, name in re.findall(r"`(tests/[\w/]+\.py)?::(test_\w+)`", cell):
            current = path or current
            assert current, f"docs/contributing.md: `::{name}` follows no test file"
            found.append((current, name))
    return found


def test_every_test_the_guide_names_exists():
    names = named_tests(GUIDE.read_text(encoding="utf-8"))
    assert len(names) >= 25
    missing = [
        f"{path}::{name}"
        for path, name in names
        if not (ROOT / path).is_file()
        or not re.search(rf"^def {name}\(", (ROOT / path).read_text(encoding="utf-8"), re.M)
    ]
    assert missing == [], "docs/contributing.md names tests that do not exist"


def test_a_continuation_belongs_to_the_file_before_it():
    cell = "`tests/a.py::test_one`, `::test_two`"
    assert named_tests(cell) == [("tests/a.py", "test_one"), ("tests/a.py", "test_two")]
