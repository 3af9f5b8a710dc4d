"""Read the code fences and snippet includes of a Markdown page.

Shared by the fence guard (tests) and the include check (MkDocs hook) so that both
agree on what a fence and an include are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

FENCE_OPEN = re.compile(r"^(?P<indent>\s*)(?P<marks>`{3,}|~{3,})(?P<info>.*)$")
# pymdownx.snippets: --8<-- "path" or --8<-- "path:section"
INCLUDE = re.compile(r"""^\s*-{1,}8<-{1,}\s+(?P<quote>["']?)(?P<target>[^"'\s]+)(?P=quote)\s*$""")
MARKER = re.compile(r"^\s*<!--\s*(?P<body>.*?)\s*-->\s*$")


@dataclass
class Fence:
    lineno: int  # 1-based line of the opening fence
    info: str  # the info string, stripped: "python", "python title=...", "text"
    body: list[str]
    marker: str | None  # the HTML comment on the nearest non-blank line above, if any
    markers: list[str] = field(default_factory=list)  # all comments right above, in order

    @property
    def language(self) -> str:
        word = self.info.split(maxsplit=1)[0] if self.info else ""
        return word.strip("{}").lstrip(".").lower()


@dataclass
class Include:
    lineno: int
    path: str  # relative to the project root, section removed
    section: str | None


def fences(text: str) -> list[Fence]:
    lines = text.splitlines()
    found = []
    markers = []
    i = 0
    while i < len(lines):
        line = lines[i]
        opening = FENCE_OPEN.match(line)
        if opening:
            marks = opening["marks"]
            body = []
            i += 1
            while i < len(lines) and not lines[i].lstrip().startswith(marks):
                body.append(lines[i])
                i += 1
            found.append(
                Fence(
                    lineno=i - len(body),  # i is now the closing fence
                    info=opening["info"].strip(),
                    body=body,
                    marker=markers[-1] if markers else None,
                    markers=markers,
                )
            )
            markers = []
        elif line.strip():
            comment = MARKER.match(line)
            markers = [*markers, comment["body"]] if comment else []
        i += 1
    return found


def includes(text: str) -> list[Include]:
    found = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        match = INCLUDE.match(line)
        if match:
            path, _, section = match["target"].partition(":")
            found.append(Include(lineno, path, section or None))
    return found


def missing_includes(text: str, root: Path) -> list[Include]:
    return [inc for inc in includes(text) if not (root / inc.path).is_file()]


PYTHON_LANGUAGES = {"python", "py", "python3", "py3", "pycon", "ipython", "ipython3"}
# pytest-codeblocks runs these as shell commands: `make serve` in a page would start a server.
EXECUTED_SHELLS = {"sh", "bash", "zsh"}
SKIP_WITH_REASON = re.compile(r"""^pytest\.mark\.skip(if)?\(.*reason\s*=\s*["'][^"']{8,}["']""")
WITHOUT_CUDA_WITH_REASON = re.compile(
    r"""^pytest\.mark\.without_cuda\(\s*reason\s*=\s*["'][^"']{8,}["']\s*\)$"""
)
TORCH_VERSIONS = re.compile(r"""^pytest\.mark\.torch_versions\((\s*"\d+\.\d+"\s*,?)+\)$""")
# A printed exception or warning: "ValueError: ...", "UserWarning: ...".
QUOTED_MESSAGE = re.compile(r"\b\w+(?:Error|Warning|Exception): ")


def fence_problems(where: str, text: str, root: Path) -> list[str]:
    """Every Python fence must be executed, an include of a snippet, or skipped with a reason.

    ``where`` is how to name the file in messages (``docs/page.md``).
    """
    problems = []
    inside = set()
    found = fences(text)
    for fence in found:
        inside.update(range(fence.lineno, fence.lineno + len(fence.body) + 2))
        problem = _fence_problem(fence, root)
        if isinstance(problem, tuple):  # (line within the fence, message)
            problems.append(f"{where}:{fence.lineno + problem[0]}: {problem[1]}")
        elif problem:
            problems.append(f"{where}:{fence.lineno}: {problem}")
    for block, output in zip(found, found[1:]):
        problem = _untagged_message(block, output)
        if problem:
            problems.append(f"{where}:{block.lineno}: {problem}")
    for include in includes(text):
        if include.lineno not in inside and include.path.startswith("snippets/"):
            problems.append(
                f"{where}:{include.lineno}: snippet include outside a code fence; "
                f'put it in a ```python title="{include.path}" fence'
            )
    return problems


def _fence_problem(fence: Fence, root: Path) -> str | tuple[int, str] | None:
    if fence.language in EXECUTED_SHELLS:
        return (
            f"```{fence.info} blocks are executed by pytest-codeblocks as shell commands; "
            "use ```console for commands a reader types"
        )
    if fence.language not in PYTHON_LANGUAGES:
        return None
    body = [line for line in fence.body if line.strip()]
    fence_includes = [INCLUDE.match(line) for line in body]
    if fence.info == "python":
        if any(fence_includes):
            return (
                "an executed ```python fence holds a --8<-- include, which would run as "
                'Python; use ```python title="snippets/<name>.py" for included snippets'
            )
        problems = [_marker_problem(marker) for marker in fence.markers]
        return next((problem for problem in problems if problem), None)
    if body and all(fence_includes):
        for offset, line in enumerate(fence.body, start=1):
            match = INCLUDE.match(line)
            if not match:
                continue
            path = match["target"].partition(":")[0]
            if not path.startswith("snippets/") or not path.endswith(".py"):
                return offset, f"includes '{path}', which is not a snippet (snippets/<name>.py)"
            if not (root / path).is_file():
                # The include's own line, the one to fix (the build names the same line).
                return offset, f"includes '{path}', which does not exist"
        return None
    return (
        f"```{fence.info} fence is neither executed by pytest-codeblocks (only an exact "
        "```python fence is) nor an include of a tested snippet; make it ```python"
    )


def _untagged_message(block: Fence, output: Fence) -> str | None:
    """A block whose expected output quotes a message must name the torch releases it holds for."""
    if block.info != "python" or output.marker != "pytest-codeblocks:expected-output":
        return None
    quoted = next((line.strip() for line in output.body if QUOTED_MESSAGE.search(line)), None)
    if quoted is None or any(TORCH_VERSIONS.match(marker) for marker in block.markers):
        return None
    return (
        f"the expected output quotes a message ({quoted[:60]!r}), whose text depends on the "
        'torch release; tag the block with <!--pytest.mark.torch_versions("2.13")--> naming '
        "the releases it holds for"
    )


def _marker_problem(marker: str | None) -> str | None:
    if marker is None:
        return None
    if marker.startswith("pytest.mark.without_cuda"):
        if WITHOUT_CUDA_WITH_REASON.match(marker):
            return None
        return f'<!--{marker}--> needs a written reason (reason="...")'
    if marker.startswith("pytest.mark.skip"):
        if SKIP_WITH_REASON.match(marker):
            return None
        return f'<!--{marker}--> skips this block without a written reason (reason="...")'
    if marker.startswith(("pytest-codeblocks:skip", "pytest.mark.xfail")) or marker in {
        "pytest-codeblocks:expect-exception",
        "pytest-codeblocks:expect-error",
    }:
        return (
            f"<!--{marker}--> hides what the block does; skip with "
            '<!--pytest.mark.skip(reason="...")-->, or catch and print an expected '
            "exception so that its message is checked"
        )
    return None


def project_fence_problems(root: Path) -> list[str]:
    """The fence guard over a whole project: every page in docs/, README and CONTRIBUTING."""
    pages = sorted((root / "docs").rglob("*.md"))
    pages += [root / name for name in ("README.md", "CONTRIBUTING.md") if (root / name).exists()]
    problems = []
    for page in pages:
        where = str(page.relative_to(root))
        problems += fence_problems(where, page.read_text(encoding="utf-8"), root)
    return problems
