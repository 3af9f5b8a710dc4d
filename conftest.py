"""Test set-up shared by every part of the suite, the GPU runner's included.

Only the standard library and pytest here (torch imported where needed): the GPU machine
installs requirements/gpu.txt alone, with no MkDocs, and a CUDA machine in the local mode may
lack pytest-codeblocks.
"""

import atexit
import difflib
import os
import re
import shutil
import tempfile
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parent

# matplotlib and Jupyter write caches under $HOME; keep test runs out of it. A pytest started
# by a test inherits the variables and so the folder; the process that made it removes it.
if "LR_ATLAS_TEST_CACHE" not in os.environ:
    os.environ["LR_ATLAS_TEST_CACHE"] = tempfile.mkdtemp(prefix="lr-atlas-test-cache-")
    atexit.register(shutil.rmtree, os.environ["LR_ATLAS_TEST_CACHE"], ignore_errors=True)
_CACHE = Path(os.environ["LR_ATLAS_TEST_CACHE"])
os.environ.setdefault("MPLCONFIGDIR", str(_CACHE / "matplotlib"))
os.environ.setdefault("JUPYTER_CONFIG_DIR", str(_CACHE / "jupyter"))
os.environ.setdefault("JUPYTER_RUNTIME_DIR", str(_CACHE / "jupyter-runtime"))
os.environ.setdefault("IPYTHONDIR", str(_CACHE / "ipython"))
os.environ.setdefault("MPLBACKEND", "Agg")
# Pages and tests import transformers; no test may reach the network (the Hub) through it.
os.environ.setdefault("HF_HUB_OFFLINE", "1")


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


# --- One root cause, one failure ---------------------------------------------------------
# A snippet, notebook or site build that fails is needed by many tests. Exactly one of them
# fails with its message (its owner: the test that checks that thing itself, or the first
# test that needs it when the owner is not part of this run); every other one is skipped
# with one line naming that test. The summary ends with the list of root causes.


@dataclass
class RootCause:
    what: str  # "snippets/step_lr.py", "the site build"
    message: str  # file:line: what went wrong, and the fix
    reporter: str  # node id of the one test that fails with the message

    @property
    def skip_reason(self) -> str:
        return f"not run: {self.what} failed (see {self.reporter})"


ROOT_CAUSES: dict[str, RootCause] = {}
_running: list = []  # the test item being set up, run or torn down


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _running[:] = [item]
    yield
    _running.clear()


def not_run_because(key: str, what: str, message: str, owner: str) -> NoReturn:
    """Stop the running test because ``what`` failed with ``message``; never returns.

    ``owner`` is the node id of the test that checks ``what`` itself. That test (or, when it
    is not selected, the first test to get here) is reported as failed with ``message``;
    every other test is skipped with one line naming it. Safe to call from a fixture of any
    scope: pytest re-raises a fixture's cached skip, and the report is changed afterwards.
    """
    item = _running[0]
    if key not in ROOT_CAUSES:
        selected = {other.nodeid for other in item.session.items}
        reporter = owner if owner in selected else item.nodeid
        ROOT_CAUSES[key] = RootCause(what, message, reporter)
    pytest.skip(ROOT_CAUSES[key].skip_reason)


_NOT_RUN_LINE = not_run_because.__code__.co_firstlineno - 1  # pytest adds 1


def _root_cause_reported_by(item, call) -> RootCause | None:
    if call.excinfo is None or not isinstance(call.excinfo.value, pytest.skip.Exception):
        return None
    reason = str(call.excinfo.value.msg)
    for cause in ROOT_CAUSES.values():
        if cause.reporter == item.nodeid and cause.skip_reason == reason:
            return cause
    return None


# An old-style wrapper: the GPU box's pytest may predate new-style ones.
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    cause = _root_cause_reported_by(item, call)
    if cause is not None:
        report.outcome = "failed"
        report.longrepr = cause.message
    elif report.skipped and isinstance(report.longrepr, tuple):
        reason = report.longrepr[2]
        if any(reason == f"Skipped: {c.skip_reason}" for c in ROOT_CAUSES.values()):
            # One place for all of a cause's skips: `-ra` then folds them into one line.
            report.longrepr = (__file__, _NOT_RUN_LINE, reason)
    elif report.failed and call.excinfo is not None and _is_markdown_block(item):
        report.longrepr = markdown_block_failure(item, call.excinfo.value)
    marker = item.get_closest_marker("torch_versions")
    if report.failed and marker is not None:
        note = torch_versions_note(marker.args, _torch_release())
        if note:
            report.longrepr = f"{item.nodeid}: {note}\n{report.longrepr}"


def _first_line(report) -> str:
    """``file:line: message`` of a failure: where an assertion failed, or our own message."""
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        path = Path(crash.path)
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        message = (crash.message.strip().splitlines() or [""])[0]
        named = re.match(r"(?:AssertionError: |Failed: )?(\S+:\d+: .*)", message)
        if named:  # the message names the place itself
            return named[1]
        return f"{where}:{crash.lineno}: {message}"
    lines = str(report.longrepr).strip().splitlines() or [""]
    return next((line for line in lines if re.match(r"\S+:\d+: ", line)), lines[0])


def pytest_terminal_summary(terminalreporter):
    """End with one line per root cause: the failing test, its message, what it stopped."""
    failed = [
        *terminalreporter.stats.get("failed", []),
        *terminalreporter.stats.get("error", []),
    ]
    if not failed:
        return
    not_run = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        match = re.search(r"^Skipped: not run: .* failed \(see (?P<test>.+)\)$", reason)
        if match:
            not_run[match["test"]] += 1
    terminalreporter.section(f"root causes: {len(failed)}", sep="=", bold=True, red=True)
    for report in failed:
        first = _first_line(report)
        stopped = not_run[report.nodeid]
        also = f" ({stopped} dependent tests not run)" if stopped else ""
        terminalreporter.write_line(f"{report.nodeid}{also}\n    {first.strip()[:300]}")


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
        got = str(error).split("but got\n```\n", 1)[-1].removesuffix("```")
        return output_mismatch(path, where, fence_line, block.expected_output, got)
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


def output_mismatch(path: Path, where, fence_line: int, expected: str, got: str) -> str:
    """``page.md:LINE`` of the first expected line that differs, then a unified diff."""
    lines = path.read_text(encoding="utf-8").splitlines()
    # The expected-output block is the first fence after its marker, below the python block.
    marker = next(
        (
            n
            for n in range(fence_line, len(lines))
            if "pytest-codeblocks:expected-output" in lines[n]
        ),
        None,
    )
    text_fence = (
        next(
            (n for n in range(marker + 1, len(lines)) if lines[n].lstrip().startswith("```")),
            None,
        )
        if marker is not None
        else None
    )
    first_text_line = (text_fence + 2) if text_fence is not None else fence_line  # 1-based
    want, have = expected.splitlines(), got.splitlines()
    first = next(
        (i for i, (a, b) in enumerate(zip(want, have)) if a != b), min(len(want), len(have))
    )
    line = first_text_line + min(first, max(len(want) - 1, 0))
    diff = difflib.unified_diff(
        want, have, f"expected ({where}:{first_text_line})", "printed by the block", lineterm=""
    )
    return (
        f"{where}:{line}: printed output differs from the expected-output block "
        f"(line {first + 1} of it; the python block starts at {where}:{fence_line})\n"
        + "\n".join(diff)
        + "\nIf the new output is right, put it in the text block in place of the old."
    )


_notebook_runs = {}
_snippet_runs = {}


@pytest.fixture(scope="session")
def notebook():
    """``notebook("lr-range-test")`` runs docs/notebooks/lr-range-test.py once per session.

    A notebook whose cell fails fails test_notebook_runs[<name>]; its other users skip.
    """
    from runner.notebooks import NOTEBOOKS_DIR, NotebookError, run_notebook

    def get(name: str):
        if name not in _notebook_runs:
            try:
                _notebook_runs[name] = run_notebook(NOTEBOOKS_DIR / f"{name}.py")
            except NotebookError as error:
                _notebook_runs[name] = error
        result = _notebook_runs[name]
        if isinstance(result, NotebookError):
            not_run_because(
                f"notebook:{name}",
                f"docs/notebooks/{name}.py",
                str(result),
                f"tests/notebooks/test_notebooks.py::test_notebook_runs[{name}]",
            )
        return result

    return get


def snippet_owner(name: str) -> str:
    """The test that fails, and alone fails, when snippets/<name>.py breaks its contract."""
    return f"tests/snippets/test_every_snippet.py::test_snippet_runs[{name}.py]"


def snippet_failed(error) -> NoReturn:
    """Stop a test that needs the snippet a ``SnippetError`` is about (see not_run_because).

    Available to every test module as the ``root_causes`` fixture's ``snippet_failed``.
    """
    from runner.snippets import display_path

    not_run_because(
        f"snippet:{error.path.stem}",
        display_path(error.path),
        str(error),
        snippet_owner(error.path.stem),
    )


@pytest.fixture(scope="session")
def snippet():
    """``snippet("step_lr")`` runs snippets/step_lr.py once per session: its SnippetRun.

    Every test reuses that one run. A snippet that raises or breaks the contract fails
    test_snippet_runs[<name>.py] with its message; its other users skip in one line.
    """
    from runner.snippets import SNIPPETS_DIR, SnippetError, run_snippet

    def get(name: str):
        if name not in _snippet_runs:
            try:
                _snippet_runs[name] = run_snippet(SNIPPETS_DIR / f"{name}.py")
            except SnippetError as error:
                _snippet_runs[name] = error
        result = _snippet_runs[name]
        if isinstance(result, SnippetError):
            snippet_failed(result)
        return result

    return get


@pytest.fixture(scope="session")
def root_causes():
    """``root_causes.not_run_because(...)`` and ``.snippet_failed(error)`` for fixtures of
    other conftests and test modules (a test module cannot import this conftest by name)."""
    return SimpleNamespace(not_run_because=not_run_because, snippet_failed=snippet_failed)
