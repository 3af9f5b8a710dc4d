"""MkDocs hook: what search engines, link previews and assistants read about each page.

- Each page's meta description (and its social preview text, see overrides/main.html) is
  its own first paragraph, unless the page sets ``description:`` in its front matter.
- The llms.txt plugin lists the pages in the order of the navigation, so the list is
  written once (mkdocs.yml ``nav:``); pages outside the navigation are not listed.
"""

import html
import re

# The first paragraph of the page's own text: a <p> without attributes (the notebook
# download link and Material's widgets carry a class).
FIRST_PARAGRAPH = re.compile(r"<p>(?P<text>.+?)</p>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")
LONGEST = 300  # characters; search engines show about 160, previews a little more


def description(content: str) -> str | None:
    """The first paragraph of a rendered page as plain text, or None when it has none.

    MathML is read as its text content; a paragraph longer than LONGEST characters is cut at
    the last whole word and ends with an ellipsis.
    """
    match = FIRST_PARAGRAPH.search(content)
    if match is None:
        return None
    text = " ".join(html.unescape(TAG.sub("", match["text"])).split())
    if len(text) > LONGEST:
        text = text[: LONGEST - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text or None


def on_page_content(content, page, config, files):
    if not page.meta.get("description"):
        first = description(content)
        if first:
            page.meta["description"] = first
    return content


def _files(entries) -> list[str]:
    """The page files of a raw `nav:` list, in order ("Title: file" or a bare file)."""
    found = []
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            found += _files(value)
        elif "://" not in value:  # external links are not pages
            found.append(value)
    return found


def on_config(config):
    plugin = config.plugins.get("llmstxt")
    if plugin is not None and config.nav:
        sections = {}
        for entry in config.nav:
            title, value = next(iter(entry.items())) if isinstance(entry, dict) else (None, entry)
            if isinstance(value, list):  # a section: its pages, under its own title
                sections.setdefault(title, []).extend(_files(value))
            else:  # a top-level page: Home, Explorer
                sections.setdefault("Start here", []).extend(_files([value]))
        plugin.config.sections = sections
    return config
