"""MkDocs hook around mkdocs-jupyter, which renders and executes docs/notebooks/*.py.

- Each notebook is also published as ``<name>.ipynb`` and its page links to it.
- A failing cell fails the build with the notebook and cell named (nbclient's error shows
  the cell's code but not where it lives).
- mkdocs-jupyter's cache keys on the notebook's own text only, not on what it imports or
  the installed packages; under CI=true it is switched off so every build really executes.
- Figures get the alt text their cell states in ``# alt:`` comment lines (nbconvert writes a
  placeholder), and a printed Markdown table is shown as a table, not as monospaced text.
"""

import html as html_lib
import os
import re
import sys
from pathlib import Path

import jupytext
import markdown
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # mkdocs loads hooks by path; make `runner` importable

from runner.notebooks import read_cells  # noqa: E402

PLUGIN = "mkdocs-jupyter"
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # colour codes in the kernel's traceback


def on_config(config):
    if os.environ.get("CI") == "true" and PLUGIN in config.plugins:
        config.plugins[PLUGIN].config["cache"] = False
    return config


def _is_notebook(file) -> bool:
    return file.src_uri.startswith("notebooks/") and file.src_uri.endswith(".py")


def on_files(files, config):
    for notebook in [f for f in files if _is_notebook(f)]:
        ipynb = jupytext.writes(jupytext.read(notebook.abs_src_path), fmt="ipynb")
        files.append(File.generated(config, notebook.src_uri[:-3] + ".ipynb", content=ipynb))
    return files


def on_pre_page(page, config, files):
    if _is_notebook(page.file):
        render = page.render

        def render_naming_the_cell(*args, **kwargs):
            try:
                return render(*args, **kwargs)
            except Exception as error:
                raise PluginError(_cell_failure(page.file, error)) from error

        page.render = render_naming_the_cell
    return page


def _cell_failure(file, error: Exception) -> str:
    message = ANSI.sub("", str(error))
    where = f"docs/{file.src_uri}"
    for cell in read_cells(Path(file.abs_src_path)):
        if cell.kind == "code" and cell.source.strip() and cell.source.strip() in message:
            where += f": cell {cell.number} (line {cell.line})"
            break
    last = [line for line in message.strip().splitlines() if line.strip()][-1:]
    return f"{where}: {last[0] if last else type(error).__name__}\n{message}"


NO_ALT = 'alt="No description has been provided for this image"'
ALT_LINE = re.compile(r"^# alt: ?(.*)$", re.MULTILINE)
PRINTED = re.compile(r"<pre>(?P<text>[^<]*)</pre>")
TABLE_RULE = re.compile(r"^\|(?: *:?-{3,}:? *\|)+$")


def figure_alt_texts(path: Path) -> list[str]:
    """The alt text of each figure, from the ``# alt:`` lines of its cell, in cell order."""
    texts = []
    for cell in read_cells(path):
        lines = ALT_LINE.findall(cell.source) if cell.kind == "code" else []
        if lines:
            texts.append(" ".join(line.strip() for line in lines))
    return texts


def with_alt_texts(content: str, texts: list[str], where: str) -> str:
    if content.count(NO_ALT) != len(texts):
        raise PluginError(
            f"{where}: {content.count(NO_ALT)} figures but {len(texts)} cells with "
            "'# alt:' lines; describe each figure in its cell with '# alt: <what it shows>'"
        )
    for text in texts:
        content = content.replace(NO_ALT, f'alt="{html_lib.escape(text)}"', 1)
    return content


def printed_tables_as_tables(content: str) -> str:
    """Printed output that is exactly one Markdown table becomes an HTML table."""

    def convert(match: re.Match) -> str:
        text = html_lib.unescape(match["text"]).strip()
        lines = text.splitlines()
        is_table = (
            len(lines) >= 3
            and all(line.startswith("|") and line.endswith("|") for line in lines)
            and TABLE_RULE.match(lines[1].replace(" ", ""))
        )
        if not is_table:
            return match.group(0)
        return markdown.markdown(text, extensions=["tables"])

    return PRINTED.sub(convert, content)


def on_page_content(html, page, config, files):
    if _is_notebook(page.file):
        html = with_alt_texts(
            html, figure_alt_texts(Path(page.file.abs_src_path)), f"docs/{page.file.src_uri}"
        )
        html = printed_tables_as_tables(html)
        name = Path(page.file.src_uri).stem
        link = (
            f'<p class="lr-atlas-download"><a href="../{name}.ipynb" download>'
            f"Download this notebook ({name}.ipynb)</a></p>"
        )
        html = link + html
    return html


# mkdocs-jupyter inlines all of JupyterLab's CSS (about 590 KB) into every notebook page.
# Keep only the rules that can match this page and the custom properties they use.
STYLE = re.compile(r"<style[^>]*>(?P<css>.*?)</style>", re.DOTALL)
CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')
CLASS_IN_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
VARIABLE_USE = re.compile(r"var\(\s*(--[\w-]+)")
DECLARATION = re.compile(r"\s*(--[\w-]+)\s*:(.*)", re.DOTALL)


def on_post_page(output, page, config):
    if not _is_notebook(page.file):
        return output
    classes = {name for value in CLASS_ATTRIBUTE.findall(output) for name in value.split()}
    return prune_styles(output, classes)


def prune_styles(html: str, classes: set[str]) -> str:
    """Prune every <style> of a page; variables defined in one may be used by another."""
    styles = [m["css"] for m in STYLE.finditer(html)]
    rules = [_rules_matching(_blocks(css), classes) for css in styles]
    used = _variables_used([rule for block in rules for rule in block])
    pruned = iter("".join(_drop_unused_variables(block, used)) for block in rules)
    return STYLE.sub(lambda m: m.group(0).replace(m["css"], next(pruned)), html)


def prune_css(css: str, classes: set[str]) -> str:
    rules = _rules_matching(_blocks(css), classes)
    return "".join(_drop_unused_variables(rules, _variables_used(rules)))


def _blocks(css: str) -> list[tuple[str, str]]:
    """Top-level (prelude, body) pairs; nested at-rule bodies stay as text."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    blocks, depth, start, prelude = [], 0, 0, ""
    for mark in re.finditer(r"[{};]", css):  # jump between the characters that matter
        char, index = mark.group(0), mark.start()
        if char == "{":
            if depth == 0:
                prelude, start = css[start:index].strip(), index + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                blocks.append((prelude, css[start:index]))
                start = index + 1
        elif depth == 0:
            start = index + 1  # @charset, @import: dropped
    return blocks


def _selector_can_match(selector: str, classes: set[str]) -> bool:
    return all(name in classes for name in CLASS_IN_SELECTOR.findall(selector))


def _split_outside_brackets(text: str, separator: str) -> list[str]:
    """Split on separator outside (), [] and quotes: url("data:...;base64,...") stays whole."""
    if not any(char in text for char in "([\"'"):
        return [part.strip() for part in text.split(separator) if part.strip()]
    parts, depth, quote, current = [], 0, None, ""
    for char in text:
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += char
    return [part for part in [*parts, current.strip()] if part]


def _split_selectors(prelude: str) -> list[str]:
    return _split_outside_brackets(prelude, ",")


def _rules_matching(blocks, classes) -> list[tuple[str, str]]:
    kept = []
    for prelude, body in blocks:
        if prelude.startswith(("@media", "@supports")):
            inner = _rules_matching(_blocks(body), classes)
            if inner:
                kept.append((prelude, "".join(f"{p}{{{b}}}" for p, b in inner)))
        elif prelude.startswith("@"):
            continue  # @font-face would fetch fonts; @keyframes and @page are unused here
        else:
            selectors = [s for s in _split_selectors(prelude) if _selector_can_match(s, classes)]
            if selectors:
                kept.append((",".join(selectors), body))
    return kept


def _variables_used(rules) -> set[str]:
    """Custom properties referenced by real declarations, followed through definitions."""
    definitions: dict[str, str] = {}
    direct = set()
    for _, body in _flatten(rules):
        for declaration in _split_outside_brackets(body, ";"):
            custom = DECLARATION.match(declaration)
            if custom:
                definitions.setdefault(custom[1], "")
                definitions[custom[1]] += custom[2]
            else:
                direct.update(VARIABLE_USE.findall(declaration))
    used, todo = set(), list(direct)
    while todo:
        name = todo.pop()
        if name not in used:
            used.add(name)
            todo.extend(VARIABLE_USE.findall(definitions.get(name, "")))
    return used


def _flatten(rules):
    for prelude, body in rules:
        if prelude.startswith("@"):
            yield from _flatten(_blocks(body))
        else:
            yield prelude, body


def _drop_unused_variables(rules, used) -> list[str]:
    out = []
    for prelude, body in rules:
        if prelude.startswith("@"):
            inner = _drop_unused_variables(_blocks(body), used)
            if inner:
                out.append(f"{prelude}{{{''.join(inner)}}}")
            continue
        declarations = [
            d
            for d in _split_outside_brackets(body, ";")
            if not ((custom := DECLARATION.match(d)) and custom[1] not in used)
        ]
        if declarations:
            out.append(f"{prelude}{{{';'.join(declarations)}}}")
    return out
