"""MkDocs hook: names that Material's templates leave out for screen readers.

- Material 9.8 marks its search overlay as a dialog without a name, so a screen reader
  announces "dialog" and nothing else (axe: aria-dialog-name).
- With navigation.indexes, each section's <nav> is labelled by a <label> that holds only an
  icon (the section's name is in the link beside it), so every section is an unnamed
  navigation landmark (axe: landmark-unique). Each gets its section's title as its name.

The tests run axe-core on every page, so a Material update that changes this markup fails
there, and the search dialog fails here first.
"""

import html
import re

from mkdocs.exceptions import PluginError

SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
NAMED = '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">'
SECTION_NAV = re.compile(
    r'(?P<open><nav class="md-nav" data-md-level="\d+") aria-labelledby="(?P<id>__nav_[\w]+)_label"'
    r'(?P<rest>[^>]*>\s*<label class="md-nav__title" for="(?P=id)">(?P<title>.*?)</label>)',
    re.DOTALL,
)


def _named_section(match: re.Match) -> str:
    title = " ".join(html.unescape(re.sub(r"<[^>]+>", "", match["title"])).split())
    return f'{match["open"]} aria-label="{html.escape(title)}"{match["rest"]}'


def on_post_page(output, page, config):
    if SEARCH_DIALOG not in output:
        if 'data-md-component="search"' in output:
            raise PluginError(
                f"{page.file.src_uri}: Material's search dialog markup changed; "
                "update SEARCH_DIALOG in hooks/accessibility.py so the dialog keeps its name"
            )
        return output
    output = output.replace(SEARCH_DIALOG, NAMED, 1)
    return SECTION_NAV.sub(_named_section, output)
