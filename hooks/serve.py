"""MkDocs hook for ``mkdocs serve`` only: a broken build never hangs the server.

MkDocs 1.6 serves each request only once the latest rebuild has succeeded, so after a
failed rebuild every request (page, figure, live-reload poll) waits until the error is
fixed. Here a failed rebuild is caught: the console says what failed in one line, the
server keeps serving what is in its site folder, and every page carries a red banner with
the error until a rebuild succeeds.

What is served after a failure: errors raised before MkDocs writes anything (a snippet or
notebook that raises, a missing include) leave the last good build; strict-mode warnings
(a broken link or anchor) abort after the pages were written, so the new pages are served,
with the banner. ``mkdocs build`` never calls ``on_serve``: there every error still fails
the build.

``make serve`` runs ``mkdocs serve --dirty`` (only changed pages are rebuilt, see
hooks/figures.py); MkDocs warns about that on every build, which strict mode would count
as a failure, so under serve that one notice is logged as information.
"""

import html
import logging
from pathlib import Path

import jinja2

log = logging.getLogger("mkdocs.hooks.serve")

BANNER = (
    '<div role="alert" style="position:sticky;top:0;z-index:1000;padding:.6em 1em;'
    'background:#b71c1c;color:#fff;font:14px/1.4 monospace;white-space:pre-wrap">'
    "The last rebuild failed, so this page may be out of date. Fix the error and save again."
    "\n{message}</div>"
)


class _Problems(logging.Handler):
    """The warnings and errors MkDocs logs during one build, in order."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


class _LastBuild:
    error: str | None = None  # what the latest failed rebuild reported; None once one succeeds


class _DirtyBuildNoticeIsInfo(logging.Filter):
    """``make serve`` asks for --dirty on purpose; under strict: true its warning would abort."""

    def filter(self, record):
        if record.levelno == logging.WARNING and "'dirty' build" in record.getMessage():
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled theme templates, kept across rebuilds of one serve process.

    Each rebuild makes a new Jinja environment, which would parse and compile Material's
    templates again (1 to 2 s a rebuild). Jinja checks each template's source checksum
    against the cached code, so an edited template is still recompiled.
    """

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_serving = None  # the template cache while `mkdocs serve` runs; None for `mkdocs build`


def on_startup(command, dirty):
    global _serving, _dirty
    if command == "serve":
        _serving = _CompiledTemplates()
        _dirty = dirty
        if dirty:
            logging.getLogger("mkdocs.commands.build").addFilter(_DirtyBuildNoticeIsInfo())


_dirty = False


def on_env(env, config, files):
    if _serving is not None:
        env.bytecode_cache = _serving
        if _dirty:
            _keep_the_notebook_cache(config)
    return env


def _keep_the_notebook_cache(config) -> None:
    """mkdocs-jupyter deletes every cached notebook that the build did not render; a dirty
    rebuild renders none, so without this the next `make serve` or `mkdocs build` would
    execute every notebook again (minutes). Its cache keys are the notebooks' contents, so
    an entry it did not use is still valid."""
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is not None and jupyter.config.get("cache"):
        used = jupyter._used_cache_paths  # reset by its on_pre_build, read by its on_post_build
        used.update(Path(jupyter.config["cache_dir"]).glob("*.json"))


def on_serve(server, config, builder):
    last = _LastBuild()

    def build_keeping_the_last_good_site():
        problems = _Problems()
        mkdocs_log = logging.getLogger("mkdocs")
        mkdocs_log.addHandler(problems)
        try:
            builder()
        except Exception as error:  # MkDocs' Abort, a hook's PluginError, anything raised
            last.error = "\n".join(problems.messages) or f"{type(error).__name__}: {error}"
            first = last.error.splitlines()[0]
            log.error(f"rebuild failed, still serving the last good build: {first}")
        else:
            last.error = None
        finally:
            mkdocs_log.removeHandler(problems)

    # Replacing the builder keeps MkDocs' own loop: it now always sees a finished rebuild,
    # so requests are answered and browsers reload (to the page with the banner).
    server.builder = build_keeping_the_last_good_site
    server.set_app(_with_banner(server.get_app(), last))
    return server


def _with_banner(app, last: _LastBuild):
    def serve(environ, start_response):
        path = environ.get("PATH_INFO", "")
        error = last.error  # read once: a rebuild may finish while this request is served
        if error is None or not (path.endswith("/") or path.endswith(".html")):
            return app(environ, start_response)
        response = {}

        def keep(status, headers, exc_info=None):
            response.update(status=status, headers=headers)

        body = b"".join(app(environ, keep))
        headers = response["headers"]
        if any(k.lower() == "content-type" and "html" in v for k, v in headers):
            body = add_banner(body, error)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        start_response(response["status"], headers)
        return [body]

    return serve


def add_banner(page: bytes, error: str) -> bytes:
    """The page with the failure banner as the first thing in its <body>."""
    banner = BANNER.format(message=html.escape(error)).encode()
    start = page.find(b"<body")
    at = page.find(b">", start) + 1 if start >= 0 else 0
    return page[:at] + banner + page[at:]
