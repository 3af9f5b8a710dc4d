"""Test set-up shared by every part of the suite, the GPU runner's included.

Only the standard library and pytest here (torch imported where needed): the GPU machine
installs requirements/gpu.txt alone, with no MkDocs, and a CUDA machine in the local mode may
lack pytest-codeblocks.
"""

import os
import re
import tempfile
import traceback
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent

# matplotlib and Jupyter write caches under $HOME; keep test runs out of it.
_CACHE = Path(tempfile.mkdtemp(prefix="lr-atlas-test-cache-"))
os.environ.setdefault("MPLCONFIGDIR", str(_CACHE / "matplotlib"))
os.environ.setdefault("JUPYTER_CONFIG_DIR", str(_CACHE / "jupyter"))
os.environ.setdefault("JUPYTER_RUNTIME_DIR", str(_CACHE / "jupyter-runtime"))
os.environ.setdefault("IPYTHONDIR", str(_CACHE / "ipython"))
os.environ.setdefault("MPLBACKEND", "Agg")


REQUIRE_GPU = os.environ.get("REQUIRE_GPU") == "1"

TORCH_VERSIONS_HELP = (
    "torch_versions(*releases): the test or page block quotes text torch prints (an error or "
    'warning message), known to hold for these releases ("2.13": run here; "2.11": its '
    "lr_scheduler.py and amp messages read from the 2.11.0 wheel, the same text). A failure "
    "under another release says so first."
)
WITHOUT_CUDA_HELP = (
    'without_cuda(reason="..."): the block shows what torch does on a machine without CUDA; '
    "it is skipped, with its reason, where CUDA is available."
)


def pytest_configure(config):
    config.addinivalue_line("markers", TORCH_VERSIONS_HELP)
    config.addinivalue_line("markers", WITHOUT_CUDA_HELP)


def _torch_release() -> str:
    """``major.minor`` of the installed torch, from package metadata (no import)."""
    from importlib import metadata

    try:
        version = metadata.version("torch")
    except metadata.PackageNotFoundError:
        import torch

        version = torch.__version__
    return ".".join(version.split("+")[0].split(".")[:2])


def torch_versions_problem(releases: tuple) -> str | None:
    bad = [r for r in releases if not (isinstance(r, str) and re.fullmatch(r"\d+\.\d+", r))]
    if not releases or bad:
        return f'torch_versions() takes releases such as "2.13", got {releases!r}'
    return None


def torch_versions_note(releases: tuple, running: str) -> str | None:
    """The line that explains a failure of an expectation tagged for other torch releases."""
    if running in releases:
        return None
    return (
        f"this expectation quotes torch's own text and holds for torch {', '.join(releases)}; "
        f"this is torch {running}: compare the message torch {running} prints, then update the "
        "expectation and its torch_versions tag"
    )


def pytest_runtest_setup(item):
    tagged = item.get_closest_marker("torch_versions")
    if tagged is not None and torch_versions_problem(tagged.args):
        pytest.fail(torch_versions_problem(tagged.args), pytrace=False)
    marker = item.get_closest_marker("without_cuda")
    if marker is not None:
        reason = marker.kwargs.get("reason", "")
        if len(reason) < 8:
            pytest.fail('without_cuda needs reason="..." that a reader accepts', pytrace=False)
        import torch

        if torch.cuda.is_available():
            pytest.skip(f"shows torch without CUDA, and CUDA is available here: {reason}")


def pytest_report_header(config):
    # Package metadata, not `import torch`: pytest runs started by tests stay fast.
    from importlib import metadata

    try:
        version = metadata.version("torch")
    except metadata.PackageNotFoundError:  # a torch without pip metadata (built from source)
        version = "(version from metadata unavailable)"
    line = f"torch {version}, REQUIRE_GPU={int(REQUIRE_GPU)}"
    if REQUIRE_GPU:
        import torch

        cuda = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "not available"
        line += f", CUDA: {cuda}"
    return line


@pytest.fixture(scope="session", autouse=True)
def cuda_when_required():
    """With REQUIRE_GPU=1 every test fails, never skips, on a machine without CUDA."""
    if REQUIRE_GPU:
        import torch

        if not torch.cuda.is_available():
            pytest.fail(
                f"REQUIRE_GPU=1 but torch.cuda.is_available() is False "
                f"(torch {torch.__version__}); the GPU checks cannot run here",
                pytrace=False,
            )


def _is_markdown_block(item) -> bool:
    # pytest-codeblocks' item type, recognised without importing the plugin.
    return type(item).__name__ == "TestBlock" and hasattr(item, "obj")


# An old-style wrapper: the GPU box's pytest may predate new-style ones.
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.excinfo is not None and _is_markdown_block(item):
        report.longrepr = markdown_block_failure(item, call.excinfo.value)
    marker = item.get_closest_marker("torch_versions")
    if report.failed and marker is not None:
        note = torch_versions_note(marker.args, _torch_release())
        if note:
            report.longrepr = f"{item.nodeid}: {note}\n{report.longrepr}"


def markdown_block_failure(item, error: BaseException) -> str:
    """``docs/page.md:LINE: ExceptionType: message`` plus the failing line.

    pytest-codeblocks reports only "line N" of the fence and the bare message; a reader
    fixing a page needs the file, the exact line, and the exception type.
    """
    path = Path(item.path)
    try:
        where = path.relative_to(ROOT)
    except ValueError:
        where = path
    block = item.obj
    fence_line = block.lineno
    # pytest-codeblocks wraps the real exception in a RuntimeError raised from its except.
    original = error.__context__ or error
    if original is error and "Expected output" in str(error):
        return (
            f"{where}:{fence_line}: printed output differs from the expected-output block\n"
            + (str(error).split("\n", 1)[1])
        )
    block_lines = [
        frame.lineno
        for frame in traceback.extract_tb(original.__traceback__)
        if frame.filename == "<string>"
    ]
    if isinstance(original, SyntaxError) and original.filename == "<string>":
        block_lines = [original.lineno or 1]
    line_in_block = block_lines[-1] if block_lines else 1
    code_lines = block.code.splitlines()
    offending = code_lines[line_in_block - 1].strip() if line_in_block <= len(code_lines) else ""
    message = re.sub(r"\s+$", "", str(original))
    return (
        f"{where}:{fence_line + line_in_block}: {type(original).__name__}: {message}\n"
        f"    {offending}\n"
        f"(line {line_in_block} of the python block that starts at {where}:{fence_line})"
    )


_notebook_runs = {}


@pytest.fixture(scope="session")
def notebook():
    """``notebook("lr-range-test")`` runs docs/notebooks/lr-range-test.py once per session."""
    from runner.notebooks import NOTEBOOKS_DIR, run_notebook

    def get(name: str):
        if name not in _notebook_runs:
            _notebook_runs[name] = run_notebook(NOTEBOOKS_DIR / f"{name}.py")
        return _notebook_runs[name]

    return get
