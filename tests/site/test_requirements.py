"""requirements/gpu.txt is all the GPU run needs and nothing of the site build.

requirements.txt includes it, so the CPU machines install the same pins; make reinstalls
when either file changes.
"""

import ast
import re
import sys
import textwrap
from pathlib import Path

from runner.markdown_fences import fences

ROOT = Path(__file__).resolve().parents[2]
GPU = ROOT / "requirements" / "gpu.txt"
PIN = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)==(?P<version>\S+)$")
# What the GPU run executes: scripts/gpu_verify.py and the code and pages it runs.
GPU_CODE = ["runner", "snippets", "tests/snippets", "tests/runner", "tests/notebooks"]
GPU_FILES = [
    "conftest.py",
    "scripts/gpu_verify.py",
    *sorted(map(str, Path(ROOT).glob("docs/notebooks/*.py"))),
]
# import name -> the distribution that provides it
DISTRIBUTIONS = {
    "torch": "torch",
    "matplotlib": "matplotlib",
    "pytest": "pytest",
    "sklearn": "scikit-learn",
    "pytorch_lightning": "pytorch-lightning",
    "lightning_fabric": "pytorch-lightning",  # shipped inside the pytorch-lightning wheel
    "transformers": "transformers",
    "numpy": "matplotlib",  # a required dependency of matplotlib (numpy>=1.25), not pinned
}


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-r "):
            match = PIN.match(line)
            assert match, f"{path.name}: {line!r} is not an exact pin (name==version)"
            found[match["name"].lower()] = match["version"]
    return found


def test_requirements_txt_includes_the_gpu_part_and_pins_nothing_twice():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    assert "-r requirements/gpu.txt" in lines
    assert not set(pins(ROOT / "requirements.txt")) & set(pins(GPU))


def test_the_gpu_part_is_what_the_examples_and_their_tests_need_and_no_mkdocs():
    assert sorted(pins(GPU)) == [
        "matplotlib",
        "pytest",
        "pytest-codeblocks",
        "pytorch-lightning",
        "scikit-learn",
        "torch",
        "transformers",
    ]
    assert not any("mkdocs" in name for name in pins(GPU))


def top_level_imports(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_everything_the_gpu_run_imports_is_the_standard_library_ours_or_in_the_gpu_part():
    sources = [p for folder in GPU_CODE for p in (ROOT / folder).glob("*.py")]
    sources += [ROOT / name for name in GPU_FILES]
    imported = {}
    for path in sources:
        for name in top_level_imports(path.read_text()):
            imported.setdefault(name, path.relative_to(ROOT))
    pages = [*(ROOT / "docs").rglob("*.md"), ROOT / "README.md", ROOT / "CONTRIBUTING.md"]
    for page in pages:
        for fence in fences(page.read_text()):
            if fence.info == "python":
                for name in top_level_imports(textwrap.dedent("\n".join(fence.body))):
                    imported.setdefault(name, page.relative_to(ROOT))
    ours = {"runner", "scripts", "conftest", "schedules", "snippet_variants", "every_scheduler"}
    ours |= {"compositions"}
    ours |= {p.stem for p in (ROOT / "tests").rglob("test_*.py")}
    needed = {
        name: where
        for name, where in imported.items()
        if name not in sys.stdlib_module_names and name not in ours
    }
    unknown = {name: str(where) for name, where in needed.items() if name not in DISTRIBUTIONS}
    assert unknown == {}, "imported by the GPU run but not provided by requirements/gpu.txt"
    assert {DISTRIBUTIONS[name] for name in needed} <= set(pins(GPU))


def test_make_reinstalls_when_any_requirements_file_changes():
    makefile = (ROOT / "Makefile").read_text()
    assert "$(VENV)/installed: requirements.txt $(wildcard requirements/*.txt)" in makefile
