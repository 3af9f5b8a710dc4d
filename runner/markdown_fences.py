"""Read the code fences and snippet includes of a Markdown page.

Shared by the fence guard (tests) and the include check (MkDocs hook) so that both
agree on what a fence and an include are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
    marker = None
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
                    marker=marker,
                )
            )
            marker = None
        elif line.strip():
            comment = MARKER.match(line)
            marker = comment["body"] if comment else None
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
