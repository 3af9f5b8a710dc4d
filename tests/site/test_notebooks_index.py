"""docs/notebooks/index.md: when the notebooks are executed. mkdocs-jupyter caches a
notebook's rendered page under a key made of the notebook's own bytes and its options, and
the hook turns the cache off only under CI=true (the deploy); a local build may reuse it."""

import importlib.util
import os
from pathlib import Path

import torch
from mkdocs.commands.build import _populate_page
from mkdocs.config import load_config
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs_jupyter import plugin as jupyter_plugin

ROOT = Path(__file__).resolve().parents[2]


def notebooks_hook():
    spec = importlib.util.spec_from_file_location(
        "notebooks_hook_under_test", ROOT / "hooks" / "notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notebooks_are_executed_on_every_ci_build_and_cached_on_a_local_one(monkeypatch):
    hook = notebooks_hook()
    for ci, cache in ((None, True), ("true", False), ("1", True)):
        if ci is None:
            monkeypatch.delenv("CI", raising=False)
        else:
            monkeypatch.setenv("CI", ci)
        config = hook.on_config(load_config(str(ROOT / "mkdocs.yml")))
        jupyter = config.plugins["mkdocs-jupyter"].config
        assert (os.environ.get("CI"), jupyter["cache"]) == (ci, cache)
        assert jupyter["execute"] is True
    assert jupyter["cache_dir"] == ".cache/mkdocs-jupyter"  # what the page names


def test_the_notebook_cache_key_is_the_notebooks_text_and_options_not_torch(tmp_path, monkeypatch):
    config = load_config(str(ROOT / "mkdocs.yml")).plugins["mkdocs-jupyter"].config
    notebook = tmp_path / "shoot-out.py"
    source = (ROOT / "docs" / "notebooks" / "scheduler-shoot-out.py").read_text(encoding="utf-8")
    notebook.write_text(source, encoding="utf-8")
    key = jupyter_plugin._compute_cache_key(notebook, config, True)
    # nothing but the file and the options goes in: the same text gives the same key, whatever
    # torch (or the code the notebook imports) has become since
    monkeypatch.setattr(torch, "__version__", "0.0.1")
    assert jupyter_plugin._compute_cache_key(notebook, config, True) == key
    notebook.write_text(source + "\n# edited\n", encoding="utf-8")
    assert jupyter_plugin._compute_cache_key(notebook, config, True) != key
    other_options = {**config, "show_input": not config["show_input"]}
    notebook.write_text(source, encoding="utf-8")
    assert jupyter_plugin._compute_cache_key(notebook, other_options, True) != key


def test_a_dirty_rebuild_that_skips_an_unchanged_notebook_evicts_its_cache_entry(tmp_path):
    """make serve builds with --dirty: an unchanged notebook's page is not read, so
    mkdocs-jupyter never records its cache entry and deletes it after the build; the next
    build executes that notebook again (more runs, never a stale output)."""
    assert "mkdocs serve --dirty" in (ROOT / "Makefile").read_text(encoding="utf-8")
    config = load_config(str(ROOT / "mkdocs.yml"))
    jupyter = config.plugins["mkdocs-jupyter"]
    jupyter.config["cache_dir"] = str(tmp_path)
    notebook = File("notebooks/scheduler-shoot-out.py", config.docs_dir, str(tmp_path), True)
    key = jupyter_plugin._compute_cache_key(
        Path(notebook.abs_src_path), jupyter.config, jupyter.config["execute"]
    )
    entry = jupyter_plugin._get_cache_path(str(tmp_path), key)
    entry.write_text("{}", encoding="utf-8")  # what an earlier build of it left
    page = Page(None, notebook, config)
    notebook.is_modified = lambda: False  # not edited since the last build
    jupyter.on_pre_build(config)
    _populate_page(page, config, Files([notebook]), dirty=True)
    assert page.markdown is None  # the page was not read, so no cache lookup happened
    assert entry.exists()
    jupyter.on_post_build(config)
    assert not entry.exists()
