"""Run a snippet with one deliberate change, to test a claim its comments make.

The 1cycle and Goyal snippets say why they train a classifier: as a regression on the same
inputs, their learning rates diverge. The variant swaps exactly that and nothing else.
"""

import re

from runner.snippets import SNIPPETS_DIR

CLASSIFIER_TO_REGRESSION = [
    (r"\(inputs\.sum\(dim=1, keepdim=True\) > 0\)\.float\(\)", "inputs.sum(dim=1, keepdim=True)"),
    (r"nn\.BCEWithLogitsLoss\(\)", "nn.MSELoss()"),
]


def run_variant(name: str, replacements: list[tuple[str, str]]) -> dict:
    """Execute snippets/<name>.py with each pattern replaced exactly once; its namespace."""
    source = (SNIPPETS_DIR / f"{name}.py").read_text()
    for pattern, replacement in replacements:
        source, count = re.subn(pattern, replacement, source)
        assert count == 1, f"{name}.py: {pattern!r} matched {count} times, not once"
    namespace = {"__name__": "__main__", "print": lambda *args: None}
    exec(compile(source, f"{name}_variant", "exec"), namespace)
    return namespace
