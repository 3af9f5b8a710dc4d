"""MkDocs hook: turn the LaTeX that pymdownx.arithmatex leaves in pages into MathML.

The math is rendered at build time, so pages need no JavaScript and no CDN; browsers
draw MathML natively.
"""

import html
import re

from latex2mathml.converter import convert

# arithmatex with `generic: true` wraps math as \( .. \) in a span and \[ .. \] in a div.
INLINE = re.compile(r'<span class="arithmatex">\\\((?P<tex>.+?)\\\)</span>', re.DOTALL)
BLOCK = re.compile(r'<div class="arithmatex">\\\[(?P<tex>.+?)\\\]</div>', re.DOTALL)


def _mathml(match, display):
    tex = html.unescape(match["tex"]).strip()
    tag = "div" if display == "block" else "span"
    return f'<{tag} class="mathml">{convert(tex, display=display)}</{tag}>'


def on_page_content(content, page, config, files):
    content = BLOCK.sub(lambda m: _mathml(m, "block"), content)
    return INLINE.sub(lambda m: _mathml(m, "inline"), content)
