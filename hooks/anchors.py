"""MkDocs hook: a link to a missing anchor fails the build naming file, line and near misses.

MkDocs' own check (``validation: anchors``) names the page but not the line, and offers
no alternative; a heading renamed by one word leaves the reader to guess the new slug.
This runs after every page is rendered, when each page's anchors are known, and before
MkDocs' check, which then has nothing left to report.
"""

import difflib
from pathlib import Path

from mkdocs.exceptions import PluginError


def on_env(env, config, files):
    problems = []
    for file in files.documentation_pages():
        page = file.page
        if page is None or not page.links_to_anchors:
            continue
        source = Path(file.abs_src_path).read_text(encoding="utf-8").splitlines()
        for to_file, links in page.links_to_anchors.items():
            target = to_file.page
            if target is None or target.present_anchor_ids is None:
                continue
            for anchor, link in links.items():
                if anchor not in target.present_anchor_ids:
                    problems.append(
                        missing_anchor(
                            file, source, link, anchor, to_file, target.present_anchor_ids
                        )
                    )
    if problems:
        raise PluginError("\n".join(problems))
    return env


def line_of(source: list[str], link: str) -> int:
    """The 1-based line that holds ``](link)``; 1 when the link came from elsewhere."""
    for number, line in enumerate(source, start=1):
        if f"]({link})" in line or f"({link} " in line or f'"{link}"' in line:
            return number
    for number, line in enumerate(source, start=1):
        if link in line:
            return number
    return 1


def missing_anchor(file, source, link, anchor, to_file, present) -> str:
    where = f"docs/{file.src_uri}:{line_of(source, link)}"
    page = "this page" if to_file == file else f"docs/{to_file.src_uri}"
    # The ids a reader can link to; headings' slugs first among equals (no footnote ids).
    candidates = sorted(a for a in present if not a.startswith(("fn:", "fnref:", "__")))
    close = difflib.get_close_matches(anchor, candidates, n=3, cutoff=0.5)
    hint = (
        "did you mean " + ", ".join(f"#{a}" for a in close) + "?"
        if close
        else f"{page} has no anchor like it ({len(candidates)} anchors there)"
    )
    return f"{where}: links to '{link}', but {page} has no anchor '#{anchor}'; {hint}"
