"""Under `mkdocs serve` a failed rebuild is reported and never hangs the server; an edited
snippet rebuilds the pages that include it. `mkdocs build` is left exactly as it was."""

import importlib.util
import logging
import os
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]


def load_hook(name: str):
    spec = importlib.util.spec_from_file_location(
        f"{name}_hook_under_test", ROOT / "hooks" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


serve = load_hook("serve")
figures = load_hook("figures")

PAGE = b"<html><head></head><body class='md'><p>page</p></body></html>"


class FakeServer:
    """What the hook uses of MkDocs' LiveReloadServer: its builder and its WSGI app."""

    def __init__(self, builder):
        self.builder = builder
        self.app = self.serve_file

    def get_app(self):
        return self.app

    def set_app(self, app):
        self.app = app

    @staticmethod
    def serve_file(environ, start_response):
        html = environ["PATH_INFO"].endswith("/")
        body = PAGE if html else b"<svg/>"
        kind = "text/html" if html else "image/svg+xml"
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]

    def get(self, path):
        response = {}

        def start_response(status, headers):
            response.update(status=status, headers=dict(headers))

        body = b"".join(self.app({"PATH_INFO": path}, start_response))
        assert int(response["headers"]["Content-Length"]) == len(body)
        return body


def test_a_failed_rebuild_is_caught_logged_in_one_line_and_shown_on_every_page(caplog):
    outcome = {"error": "snippets/step_lr.py:29: RuntimeError: planted"}

    def builder():
        if outcome["error"]:
            logging.getLogger("mkdocs.plugins").error(f"figure runner: {outcome['error']}")
            raise RuntimeError("Aborted with a BuildError!")

    server = FakeServer(builder)
    serve.on_serve(server, config=None, builder=builder)
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        server.builder()  # MkDocs' rebuild loop calls this; it must not raise
    failures = [r.getMessage() for r in caplog.records if r.name == "mkdocs.hooks.serve"]
    assert failures == [
        "rebuild failed, still serving the last good build: "
        "figure runner: snippets/step_lr.py:29: RuntimeError: planted"
    ]
    page = server.get("/schedulers/step-lr/")
    assert page.startswith(b"<html><head></head><body class='md'><div role=\"alert\"")
    assert b"figure runner: snippets/step_lr.py:29: RuntimeError: planted</div>" in page
    assert page.endswith(b"<p>page</p></body></html>")
    assert server.get("/figures/step_lr.svg") == b"<svg/>"  # not a page: untouched

    outcome["error"] = None  # fixed: the next rebuild succeeds and the banner goes
    server.builder()
    assert server.get("/schedulers/step-lr/") == PAGE


def test_the_banner_escapes_the_error():
    page = serve.add_banner(PAGE, "<script>alert(1)</script>")
    assert b"<script>" not in page and b"&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_mkdocs_build_gets_no_serve_behaviour():
    serve.on_startup(command="build", dirty=False)
    env = SimpleNamespace(bytecode_cache=None)
    assert serve.on_env(env, config=None, files=None).bytecode_cache is None
    figures.on_startup(command="build", dirty=False)
    assert figures._serving is False  # the overview is drawn in the build itself


def test_under_serve_templates_are_compiled_once_for_all_rebuilds():
    serve.on_startup(command="serve", dirty=False)
    try:
        first = serve.on_env(SimpleNamespace(bytecode_cache=None), None, None).bytecode_cache
        second = serve.on_env(SimpleNamespace(bytecode_cache=None), None, None).bytecode_cache
        assert first is second is not None
    finally:
        serve.on_startup(command="build", dirty=False)


def test_the_dirty_build_notice_does_not_fail_a_strict_serve():
    record = logging.LogRecord(
        "mkdocs.commands.build",
        logging.WARNING,
        "",
        0,
        "A 'dirty' build is being performed, ...",
        None,
        None,
    )
    assert serve._DirtyBuildNoticeIsInfo().filter(record) and record.levelno == logging.INFO
    other = logging.LogRecord("mkdocs.commands.build", logging.WARNING, "", 0, "other", None, None)
    assert serve._DirtyBuildNoticeIsInfo().filter(other) and other.levelno == logging.WARNING


def test_a_page_that_includes_an_edited_snippet_counts_as_modified(tmp_path):
    docs, site = tmp_path / "docs", tmp_path / "site"
    docs.mkdir()
    site.mkdir()
    includes = docs / "includes.md"
    includes.write_text(
        '```python title="snippets/step_lr.py"\n--8<-- "snippets/step_lr.py"\n```\n'
    )
    other = docs / "other.md"
    other.write_text("# No include\n")
    saved = (ROOT / "snippets" / "step_lr.py").stat().st_mtime  # the real snippet, not touched
    pages = []
    for source in (includes, other):
        built = site / f"{source.stem}.html"
        built.write_text("<html></html>")
        page = SimpleNamespace(
            src_uri=source.name, abs_src_path=str(source), abs_dest_path=str(built)
        )
        page.is_modified = lambda: False  # MkDocs' view: the page's own file is unchanged
        pages.append(page)
    files = SimpleNamespace(documentation_pages=lambda: pages)

    def built_at(when: float) -> None:
        for page in pages:
            os.utime(page.abs_dest_path, (when, when))

    built_at(saved + 60)  # built after the snippet was saved: nothing to rebuild
    figures._mark_pages_whose_includes_changed(files)
    assert [page.is_modified() for page in pages] == [False, False]
    built_at(saved - 60)  # the snippet saved after the build: its page is rebuilt, no other
    figures._mark_pages_whose_includes_changed(files)
    assert [page.is_modified() for page in pages] == [True, False]
